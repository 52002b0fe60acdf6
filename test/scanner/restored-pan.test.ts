/**
 * Card numbers typed into a spreadsheet as numbers: Excel keeps 15 significant digits, so a
 * 16-digit PAN is stored with its last digit turned to 0. That digit is the Luhn check digit of
 * the other 15, so the PAN is restored exactly — and reported under context, since the stored
 * number passed no checksum.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as XLSX from 'xlsx';
import { describe, expect, it } from 'vitest';
import { scan, scanBuffer, type Finding, type ScanOptions } from '../../src/index.js';
import { makePan, rng } from '../support/cards.js';
import { PANS, TRUNCATED_VALUE, makeWorkbook } from '../fixtures/documents.js';

const KEY = 'restored-pan-test';
const OPTIONS: ScanOptions = { fingerprintKey: KEY };

/** A generated PAN whose last digit is not 0: Excel's stored form of it fails Luhn. */
function panNotEndingIn0(prefix: string, random: () => number): string {
  for (;;) {
    const pan = makePan(prefix, 16, random);
    if (!pan.endsWith('0')) return pan;
  }
}

/** What Excel stores for `pan` typed into a numeric cell. */
const asExcelStores = (pan: string) => Number(`${pan.slice(0, 15)}0`);

function workbook(rows: unknown[][]): Uint8Array {
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet(rows), 'Sheet1');
  return new Uint8Array(XLSX.write(book, { type: 'array', bookType: 'xlsx' }) as ArrayBuffer);
}

const findingsOf = async (bytes: Uint8Array, options: ScanOptions = OPTIONS): Promise<readonly Finding[]> =>
  (await scanBuffer(bytes, { filename: 'book.xlsx' }, { ...OPTIONS, ...options })).findings;

describe('PANs cut to 15 significant digits by a spreadsheet', () => {
  it('are restored exactly in a card column: last four, BIN and fingerprint of the real PAN', async () => {
    const findings = await findingsOf(makeWorkbook('xlsx'));
    const restored = findings.filter((f) => f.reasons.includes('check_digit_restored'));
    expect(restored).toHaveLength(1);
    const f = restored[0]!;
    const pan = PANS.sheetTruncated;
    expect(String(TRUNCATED_VALUE)).not.toBe(pan); // the stored number is not the PAN
    expect(f.location).toMatchObject({ sheet: 'Customers', cell: 'B3' });
    expect(f.last4).toBe(pan.slice(-4));
    expect(f.masked).toBe(`${pan.slice(0, 6)}******${pan.slice(-4)}`);
    expect(f.fingerprint).toBe(createHmac('sha256', KEY).update(pan).digest('hex'));
    expect(f.reasons).not.toContain('luhn');
    expect(f.reasons).toContain('field:card_number');
    expect(['medium', 'high']).toContain(f.confidence);
  });

  it('count as corroborated by an expiry date in the same row, and are held back alone', async () => {
    const random = rng(3);
    const pans = [panNotEndingIn0('4', random), panNotEndingIn0('51', random)];
    const bytes = workbook([
      ['Value', 'Valid thru'],
      [asExcelStores(pans[0]!), '08/28'],
      [asExcelStores(pans[1]!), ''],
    ]);
    const medium = await findingsOf(bytes);
    expect(medium.map((f) => f.last4)).toEqual([pans[0]!.slice(-4)]);
    expect(medium[0]!.reasons.some((r) => r.startsWith('expiry@'))).toBe(true);
    // Alone (no card column, no card word, no expiry) a restored number is only `low`.
    const low = await findingsOf(bytes, { minConfidence: 'low' });
    const alone = low.filter((f) => f.last4 === pans[1]!.slice(-4));
    expect(alone).toHaveLength(1);
    expect(alone[0]!.confidence).toBe('low');
  });

  it('are not invented for numbers that kept all their digits, nor for other lengths', async () => {
    const random = rng(5);
    const exact = panNotEndingIn0('51', random);
    const bytes = workbook([
      ['Card Number', 'Amount'],
      [Number(exact), 1],
      [123456789012340, 2], // 15 digits ending in 0: every digit real
      [-4111111111111110, 3], // negative
    ]);
    const findings = await findingsOf(bytes, { minConfidence: 'low', includeTestCards: true });
    expect(findings.map((f) => f.last4)).toEqual([exact.slice(-4)]);
    expect(findings[0]!.reasons).toContain('luhn');
  });

  it('keep test numbers held back: 4111 1111 1111 1111 typed in Excel is Visa test number', async () => {
    const bytes = workbook([['Card Number'], [4111111111111110]]);
    expect(await findingsOf(bytes)).toEqual([]);
    const shown = await findingsOf(bytes, { includeTestCards: true, minConfidence: 'low' });
    expect(shown).toHaveLength(1);
    expect(shown[0]!).toMatchObject({ testCard: true, last4: '1111' });
  });

  it('are restored the same way by scan() in its workers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cardhound-restored-'));
    try {
      writeFileSync(join(dir, 'book.xlsx'), makeWorkbook('xlsx'));
      const found: Finding[] = [];
      for await (const event of scan(dir, { ...OPTIONS, concurrency: 1 })) if (event.type === 'finding') found.push(event);
      const restored = found.filter((f) => f.reasons.includes('check_digit_restored'));
      expect(restored.map((f) => f.fingerprint)).toEqual([createHmac('sha256', KEY).update(PANS.sheetTruncated).digest('hex')]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
