/**
 * The published entry points, loaded the way users load them: `require` and `import` of
 * `cardhound` and `cardhound/core` in a fresh Node process (the package resolves its own name
 * through `exports`), against the built `dist/` (the test command builds first).
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { group, makePan, rng } from '../support/cards.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PAN = makePan('4', 16, rng(5));
const LINE = `card number ${group(PAN, [4, 4, 4, 4])} exp 08/27`;

/** Runs `source` in a fresh Node process in the package root and returns its stdout as JSON. */
function run(source: string, type: 'commonjs' | 'module'): unknown {
  const result = spawnSync(process.execPath, [`--input-type=${type}`, '-e', source], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout);
}

const probe = (load: string) => `
${load}
(async () => {
  const text = ${JSON.stringify(LINE)};
  const report = await lib.scanBuffer(new TextEncoder().encode(text + '\\n'), { filename: 'note.txt' });
  let viaScan = 0;
  for await (const event of lib.scan(${JSON.stringify(join(ROOT, 'examples', 'share'))}, { concurrency: 1 })) if (event.type === 'finding') viaScan++;
  console.log(JSON.stringify({ scanText: lib.scanText(text).map((f) => f.last4), core: core.scanText(text).map((f) => f.last4), buffer: report.findings.length, viaScan }));
})();`;

describe('package entry points', () => {
  it.each([
    ['require', 'commonjs' as const, `const lib = require('cardhound'); const core = require('cardhound/core');`],
    ['import', 'module' as const, `const lib = await import('cardhound'); const core = await import('cardhound/core');`],
  ])('%s: scanText, the core entry, scanBuffer and scan() with its workers all work', (_name, type, load) => {
    const result = run(probe(load), type) as { scanText: string[]; core: string[]; buffer: number; viaScan: number };
    expect(result.scanText).toEqual([PAN.slice(-4)]);
    expect(result.core).toEqual([PAN.slice(-4)]);
    expect(result.buffer).toBe(1);
    expect(result.viaScan).toBeGreaterThan(0);
  });
});

describe('without WebAssembly', () => {
  it('finds the same in a long text when WebAssembly is unavailable (node --jitless): the finder falls back to JavaScript', () => {
    // Long enough for the WebAssembly kernel, digit-dense, one card among Luhn-valid decoys.
    const source = `
const core = require('cardhound/core');
let text = '';
for (let n = 0; n < 2000; n++) text += n + ',' + (1772323200000 + n * 7919) + ',' + (7000000000000 + n * 104729) + '\\n';
text += ${JSON.stringify(LINE)} + '\\n';
const counters = { rejected: 0, suppressed: 0 };
const found = core.scanText(text, { minConfidence: 'low' }, counters).map((f) => f.last4);
console.log(JSON.stringify({ wasm: typeof WebAssembly, found, counters }));`;
    const spawn = (flags: string[]) => {
      const result = spawnSync(process.execPath, [...flags, '-e', source], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
      expect(result.status, result.stderr).toBe(0);
      return JSON.parse(result.stdout) as { wasm: string; found: string[]; counters: object };
    };
    const jitless = spawn(['--jitless']);
    const normal = spawn([]);
    expect(jitless.wasm).toBe('undefined');
    expect(normal.wasm).toBe('object');
    expect(jitless.found).toContain(PAN.slice(-4));
    expect(jitless).toEqual({ ...normal, wasm: 'undefined' });
  });
});
