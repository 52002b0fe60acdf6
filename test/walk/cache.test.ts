/**
 * Incremental re-scans with `cacheFile`: hits, misses, invalidation and robustness.
 */
import { readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cacheable } from '../../src/walk/cache.js';
import { scanWith } from '../../src/walk/scan.js';
import type { ScanOptions } from '../../src/types.js';
import { leakedPans } from '../support/cards.js';
import { cardLine, collect, masked, pans } from './fixtures.js';
import { makeTree, removeTree } from './tree.js';

const trees: string[] = [];
afterEach(() => {
  for (const root of trees.splice(0)) removeTree(root);
});

const KEY = 'cache-test-key';

/** A tree of `count` card files and a cache path beside them (outside the scanned folder). */
function setup(count: number, seed: number): { root: string; share: string; cacheFile: string; list: string[] } {
  const list = pans(count, seed);
  const spec: Record<string, string> = {};
  list.forEach((pan, i) => (spec[`share/f${i}.txt`] = cardLine(pan)));
  const root = makeTree(spec);
  trees.push(root);
  return { root, share: join(root, 'share'), cacheFile: join(root, 'cache.json'), list };
}

async function run(share: string, options: ScanOptions, warnings: string[] = []) {
  const parsed: string[] = [];
  const result = await collect(
    scanWith(share, { concurrency: 2, fingerprintKey: KEY, ...options }, { onParse: (abs) => parsed.push(abs), onWarning: (w) => warnings.push(w) }),
  );
  return { ...result, parsed };
}

function view(findings: { path?: string; masked: string; fingerprint: string }[]): string[] {
  return findings.map((f) => `${f.path}|${f.masked}|${f.fingerprint}`).sort();
}

describe('cache', () => {
  it('re-reads nothing on an unchanged tree and still reports every earlier finding', async () => {
    const { share, cacheFile, list } = setup(4, 81);
    const first = await run(share, { cacheFile });
    expect(first.parsed).toHaveLength(4);
    const second = await run(share, { cacheFile });
    expect(second.parsed).toEqual([]);
    expect(view(second.findings)).toEqual(view(first.findings));
    expect(second.findings.map((f) => f.masked).sort()).toEqual(list.map(masked).sort());
    expect(second.summary).toMatchObject({ files: 4, findings: 4, bytes: first.summary.bytes, complete: true });
  });

  it('re-reads only the file whose size or mtime changed', async () => {
    const { share, cacheFile, list } = setup(3, 82);
    await run(share, { cacheFile });
    const [fresh] = pans(1, 83);
    writeFileSync(join(share, 'f1.txt'), cardLine(fresh!) + 'more\n');
    const second = await run(share, { cacheFile });
    expect(second.parsed).toEqual([join(share, 'f1.txt')]);
    expect(second.findings.map((f) => f.masked).sort()).toEqual([masked(list[0]!), masked(fresh!), masked(list[2]!)].sort());
  });

  it('trusts size and mtime: a file changed behind them is not read again', async () => {
    // Proves the cached result is used instead of the file: same size, mtime put back.
    const { share, cacheFile, list } = setup(1, 84);
    const file = join(share, 'f0.txt');
    // Whole seconds, so that putting the mtime back is exact.
    utimesSync(file, 1_700_000_000, 1_700_000_000);
    await run(share, { cacheFile });
    const [other] = pans(1, 85);
    writeFileSync(file, cardLine(other!));
    utimesSync(file, 1_700_000_000, 1_700_000_000);
    const second = await run(share, { cacheFile });
    expect(second.parsed).toEqual([]);
    expect(second.findings.map((f) => f.masked)).toEqual([masked(list[0]!)]);
  });

  it.each<[string, ScanOptions]>([
    ['minConfidence', { minConfidence: 'high' }],
    ['mask', { mask: 'last4' }],
    ['allowBins', { allowBins: [{ from: '999999' }] }],
    ['the fingerprint key', { fingerprintKey: 'another-key' }],
    ['a limit', { limits: { maxDepth: 3 } }],
  ])('is dropped as a whole when %s changes', async (_label, changed) => {
    const { share, cacheFile } = setup(2, 86);
    await run(share, { cacheFile });
    const second = await run(share, { cacheFile, ...changed });
    expect(second.parsed).toHaveLength(2);
    // …and the timeout alone does not invalidate it.
    const third = await run(share, { cacheFile, ...changed, limits: { ...changed.limits, timeoutMs: 9_000 } });
    expect(third.parsed).toEqual([]);
  });

  it('is written atomically with mode 0600, without full PANs or the key', async () => {
    const { root, share, cacheFile, list } = setup(3, 87);
    await run(share, { cacheFile });
    expect(statSync(cacheFile).mode & 0o777).toBe(0o600);
    const text = readFileSync(cacheFile, 'utf8');
    expect(leakedPans(text, list)).toEqual([]);
    expect(text).not.toContain(KEY);
    expect(JSON.parse(text)).toMatchObject({ format: 1, options: expect.stringMatching(/^[0-9a-f]{64}$/) });
    // No temporary file left behind.
    expect(readdirSync(root).sort()).toEqual(['cache.json', 'share']);
  });

  it('ignores a corrupt cache file with a warning and replaces it', async () => {
    const { share, cacheFile } = setup(2, 88);
    writeFileSync(cacheFile, '{"format":1,"entr');
    const warnings: string[] = [];
    const result = await run(share, { cacheFile }, warnings);
    expect(result.parsed).toHaveLength(2);
    expect(result.findings).toHaveLength(2);
    expect(warnings).toEqual([expect.stringContaining('corrupt')]);
    expect(() => JSON.parse(readFileSync(cacheFile, 'utf8'))).not.toThrow();
    expect((await run(share, { cacheFile })).parsed).toEqual([]);
  });

  it('skips malformed entries but keeps good ones', async () => {
    const { share, cacheFile } = setup(2, 89);
    await run(share, { cacheFile });
    const data = JSON.parse(readFileSync(cacheFile, 'utf8'));
    data.entries[join(share, 'f0.txt')].findings = 'not a list';
    writeFileSync(cacheFile, JSON.stringify(data));
    expect((await run(share, { cacheFile })).parsed).toEqual([join(share, 'f0.txt')]);
  });

  it('forgets deleted files and keeps files outside the scanned folder', async () => {
    const { share, cacheFile } = setup(3, 90);
    await run(share, { cacheFile });
    rmSync(join(share, 'f2.txt'));
    await run(join(share, 'f0.txt'), { cacheFile });
    const entries = Object.keys(JSON.parse(readFileSync(cacheFile, 'utf8')).entries).sort();
    expect(entries).toEqual([join(share, 'f0.txt'), join(share, 'f1.txt')]);
  });

  it('remembers deterministic errors but retries transient ones', () => {
    const record = (code: 'corrupt' | 'encrypted' | 'timeout' | 'memory_limit' | 'permission_denied') => ({ type: 'error' as const, path: 'x', code, message: 'm' });
    expect(cacheable([])).toBe(true);
    expect(cacheable([record('corrupt'), record('encrypted')])).toBe(true);
    expect(cacheable([record('timeout')])).toBe(false);
    expect(cacheable([record('memory_limit')])).toBe(false);
    expect(cacheable([record('permission_denied')])).toBe(false);
  });

  it('re-maps cached paths to how the file is named now', async () => {
    const { root, share, cacheFile } = setup(1, 91);
    await run(share, { cacheFile });
    const previous = process.cwd();
    process.chdir(root);
    try {
      const second = await run('share', { cacheFile });
      expect(second.parsed).toEqual([]);
      expect(second.findings.map((f) => f.path)).toEqual(['share/f0.txt']);
    } finally {
      process.chdir(previous);
    }
  });
});
