/**
 * The bundled sample share (`examples/share`, the README's first command) against its
 * `EXPECTED.md`, which `examples/generate-share.mjs` computes from what it planted, not from
 * running cardhound: every finding with its confidence and its expiry and CVV companions.
 * Documents are parsed in scan()'s workers, which run the built `dist/` (the test command
 * builds first).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/types.js';
import { scan } from '../../src/walk/scan.js';

const SHARE = fileURLToPath(new URL('../../examples/share/', import.meta.url));

/** One row per finding: `| # | masked | brand | kind | confidence | expiry | CVV | where |`. */
function expectedRows(): string[] {
  const rows: string[] = [];
  for (const line of readFileSync(`${SHARE}EXPECTED.md`, 'utf8').split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    if (!/^\d+$/.test(cells[1] ?? '')) continue;
    const [, , masked, brand, kind, confidence, expiry, cvv] = cells;
    rows.push([masked!.replace(/`/g, ''), brand, kind, confidence, expiry === 'yes', cvv === 'yes'].join(' '));
  }
  return rows.sort();
}

describe('the sample share', () => {
  it('gives exactly the findings EXPECTED.md lists, with their confidence and companions', async () => {
    const findings: Finding[] = [];
    for await (const event of scan(SHARE, { fingerprintKey: 'sample-share-test' })) {
      if (event.type === 'finding') findings.push(event);
      if (event.type === 'error') expect.fail(`error record ${event.code}`);
    }
    const expected = expectedRows();
    expect(expected.length).toBeGreaterThan(20);
    const got = findings.map((f) => [f.masked, f.brand, f.kind, f.confidence, f.expiry?.present === true, f.cvv?.present === true].join(' ')).sort();
    expect(got).toEqual(expected);
  });
});
