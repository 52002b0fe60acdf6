import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { ExtractError } from '../../src/errors.js';
import { numberText, odsExtractor, significantDigitsOf, xlsbExtractor, xlsExtractor, xlsxExtractor } from '../../src/extract/spreadsheet.js';
import type { Segment, SegmentField } from '../../src/types.js';
import { group } from '../support/cards.js';
import {
  declareSize,
  makeEncryptedOoxml,
  makeGridWorkbook,
  makeOds,
  makeSparseWorkbook,
  makeWorkbook,
  markEncrypted,
  PANS,
  runExtractor,
  testContext,
  TRUNCATED_VALUE,
  withMisleadingDescriptor,
  zeroMemberData,
} from '../fixtures/documents.js';

function codeOf(error: unknown): string | undefined {
  return error instanceof ExtractError ? error.code : undefined;
}

/** A row segment as the extractor should build it: cells joined by tabs, one field per cell. */
function row(sheet: string, rowNumber: number, cells: readonly [column: string, text: string, header?: string, significantDigits?: number][]): Segment {
  const fields: SegmentField[] = [];
  let start = 0;
  for (const [column, text, name, significantDigits] of cells) {
    const at = { sheet, cell: `${column}${rowNumber}`, row: rowNumber };
    const field = name === undefined ? { start, end: start + text.length, at } : { start, end: start + text.length, name, at };
    fields.push(significantDigits === undefined ? field : { ...field, significantDigits });
    start += text.length + 1;
  }
  return { text: cells.map((c) => c[1]).join('\t'), at: { sheet, row: rowNumber }, fields };
}

const comment = (sheet: string, cell: string, text: string): Segment => ({ text, at: { sheet, cell }, fieldName: 'comment' });

/** What makeWorkbook() holds, in reading order; `comments: false` for the .xls writer, which drops them. */
function expectedWorkbook(comments: boolean): Segment[] {
  const C = 'Customers';
  return [
    row(C, 1, [['A', 'Name'], ['B', 'Card Number'], ['C', 'Expiry'], ['D', 'Amount']]),
    row(C, 2, [['A', 'Alice', 'Name'], ['B', PANS.sheetNumeric, 'Card Number'], ['C', '12/29', 'Expiry'], ['D', '12.5', 'Amount']]),
    row(C, 3, [['A', 'Bob', 'Name'], ['B', String(TRUNCATED_VALUE), 'Card Number', 15], ['C', 'n/a', 'Expiry'], ['D', '-3', 'Amount']]),
    ...(comments ? [comment(C, 'A3', `old card ${PANS.sheetComment}`)] : []),
    row(C, 4, [['A', 'Carol', 'Name'], ['B', numberText(Number(PANS.sheetLong)), 'Card Number'], ['D', 'TRUE', 'Amount']]),
    row(C, 5, [['A', 'Dave', 'Name'], ['B', group(PANS.sheetText, [4, 4, 4, 4], '-'), 'Card Number'], ['D', PANS.sheetAmex, 'Amount']]),
    // Hidden sheet: its first row holds a number, so it is data, not a header.
    row('Secret', 1, [['A', 'backup'], ['B', PANS.sheetHidden]]),
    // The first non-empty row is row 2 and is a header by its looks; nothing follows to name.
    row('Notes', 2, [['B', 'no cards here'], ['C', '42']]),
  ];
}

describe('numberText', () => {
  it('writes integers in full, without an exponent', () => {
    expect(numberText(5555555555554444)).toBe('5555555555554444');
    expect(numberText(378282246310005)).toBe('378282246310005');
    expect(numberText(999999999999999)).toBe('999999999999999');
    expect(numberText(-5555555555554444)).toBe('-5555555555554444');
    expect(numberText(0)).toBe('0');
  });

  it('writes fractions as JavaScript does', () => {
    expect(numberText(12.5)).toBe('12.5');
    expect(numberText(-0.25)).toBe('-0.25');
  });

  it('writes a 16-digit number that may have lost its last digit as stored, and says how many digits are real', () => {
    // 4111111111111111 typed into Excel is stored as 4111111111111110 (15 significant digits).
    expect(numberText(4111111111111110)).toBe('4111111111111110');
    expect(significantDigitsOf(4111111111111110)).toBe(15);
    expect(numberText(5105105105105100)).toBe('5105105105105100');
    expect(significantDigitsOf(5105105105105100)).toBe(15);
    // Past 2^53 (Troy's 9792…): a number ending in 0 is even, so the double is still exact.
    expect(numberText(9792123456789010)).toBe('9792123456789010');
    expect(significantDigitsOf(9792123456789010)).toBe(15);
    // Every digit of these is real.
    for (const exact of [5555555555554444, 378282246310005, 999999999999990, 4111111111111111.5, -4111111111111110]) {
      expect(significantDigitsOf(exact)).toBeUndefined();
    }
  });

  it('never writes digits that could be a PAN for numbers whose digits cannot be told (beyond 2^53, negative)', () => {
    expect(numberText(Number('6799990100000000019'))).toBe('6.79999E+18');
    expect(numberText(Number.MAX_SAFE_INTEGER + 1)).toBe('9.00720E+15');
    expect(numberText(1e21)).toBe('1.00000E+21');
    expect(numberText(-4111111111111110)).toBe('-4.11111E+15');
  });

  it('keeps non-finite values recognisable', () => {
    expect(numberText(Number.NaN)).toBe('NaN');
    expect(numberText(Number.POSITIVE_INFINITY)).toBe('Infinity');
  });
});

describe('workbook extractors', () => {
  it('xlsx: every sheet including hidden ones, a segment per row, cells as fields under their header, comments', async () => {
    const { segments, items, error } = await runExtractor(xlsxExtractor, makeWorkbook('xlsx'));
    expect(error).toBeUndefined();
    expect(items).toEqual(segments);
    expect(segments).toEqual(expectedWorkbook(true));
  });

  it('xlsx: a PAN in a numeric cell comes out digit for digit; a truncated one as stored, marked; a 19-digit one not as digits', async () => {
    const { segments } = await runExtractor(xlsxExtractor, makeWorkbook('xlsx'));
    const all = segments.map((s) => s.text).join('\n');
    expect(all).toContain(`\t${PANS.sheetNumeric}\t`);
    expect(all).toContain(`\t${PANS.sheetTruncated.slice(0, 15)}0\t`);
    const marked = segments.flatMap((s) => (s.fields ?? []).filter((f) => f.significantDigits !== undefined).map((f) => s.text.slice(f.start, f.end)));
    expect(marked).toEqual([String(TRUNCATED_VALUE)]);
    expect(all).not.toContain(PANS.sheetLong.slice(0, 12));
  });

  it('xlsb reads the same as xlsx', async () => {
    const { segments, error } = await runExtractor(xlsbExtractor, makeWorkbook('xlsb'));
    expect(error).toBeUndefined();
    expect(segments).toEqual(expectedWorkbook(true));
  });

  it('xls (BIFF8) reads the same, less the comment its writer drops', async () => {
    const { segments, error } = await runExtractor(xlsExtractor, makeWorkbook('xls'));
    expect(error).toBeUndefined();
    expect(segments).toEqual(expectedWorkbook(false));
  });

  it('ods: hidden table and annotation included', async () => {
    const { items, error } = await runExtractor(odsExtractor, makeOds());
    expect(error).toBeUndefined();
    expect(items).toEqual([
      row('Cards', 1, [['A', 'Name'], ['B', 'Card Number']]),
      row('Cards', 2, [['A', 'Alice', 'Name'], ['B', PANS.sheetNumeric, 'Card Number']]),
      row('Cards', 3, [['A', 'Bob', 'Name'], ['B', PANS.sheetText, 'Card Number']]),
      comment('Cards', 'A3', `note ${PANS.sheetComment}`),
      row('Hidden', 1, [['A', 'backup'], ['B', PANS.sheetHidden]]),
    ]);
  });

  it('field offsets point at the cell text', async () => {
    const { segments } = await runExtractor(xlsxExtractor, makeWorkbook('xlsx'));
    for (const segment of segments) {
      for (const field of segment.fields ?? []) {
        const text = segment.text.slice(field.start, field.end);
        expect(text.length).toBeGreaterThan(0);
        expect(text).not.toContain('\t');
      }
    }
  });

  it('reports password-protected workbooks as encrypted', async () => {
    const encrypted = makeEncryptedOoxml();
    for (const extractor of [xlsxExtractor, xlsExtractor, xlsbExtractor]) {
      const { items, error } = await runExtractor(extractor, encrypted);
      expect(items).toEqual([]);
      expect(codeOf(error)).toBe('encrypted');
    }
    const flagged = await runExtractor(xlsxExtractor, markEncrypted(makeWorkbook('xlsx'), 'xl/worksheets/sheet1.xml'));
    expect(codeOf(flagged.error)).toBe('encrypted');
    const ods = await runExtractor(odsExtractor, makeOds(true));
    expect(ods.items).toEqual([]);
    expect(codeOf(ods.error)).toBe('encrypted');
  });

  it('never hands text or the wrong container to SheetJS', async () => {
    const text = new TextEncoder().encode(`name,card\nAlice,${PANS.sheetText}\n`);
    for (const [extractor, code] of [[xlsxExtractor, 'corrupt'], [xlsbExtractor, 'corrupt'], [odsExtractor, 'corrupt'], [xlsExtractor, 'unsupported']] as const) {
      const { items, error } = await runExtractor(extractor, text);
      expect(items).toEqual([]);
      expect(codeOf(error)).toBe(code);
      expect((error as Error).message).not.toContain(PANS.sheetText);
    }
    const zipAsXls = await runExtractor(xlsExtractor, makeWorkbook('xlsx'));
    expect(codeOf(zipAsXls.error)).toBe('unsupported');
  });

  it('reports a truncated workbook as corrupt with a content-free message', async () => {
    const xlsx = makeWorkbook('xlsx');
    const cut = await runExtractor(xlsxExtractor, xlsx.subarray(0, xlsx.length - 200));
    expect(cut.items).toEqual([]);
    expect(codeOf(cut.error)).toBe('corrupt');
    const xls = makeWorkbook('xls');
    const cutXls = await runExtractor(xlsExtractor, xls.subarray(0, 1200));
    expect(cutXls.items).toEqual([]);
    expect(codeOf(cutXls.error)).toBe('corrupt');
    for (const error of [cut.error, cutXls.error]) expect((error as Error).message).not.toMatch(/\d{6}/);
  });

  it('stops at maxCells after yielding the cells read, the last row cut short', async () => {
    const { segments, error } = await runExtractor(xlsxExtractor, makeGridWorkbook(10, 3), testContext({ limits: { maxCells: 7 } }));
    expect(segments.map((s) => s.text)).toEqual(['r0c0\tr0c1\tr0c2', 'r1c0\tr1c1\tr1c2', 'r2c0']);
    expect(codeOf(error)).toBe('limit');
    expect((error as Error).message).toBe('workbook has more than 7 cells; the rest was not scanned');
  });

  it('counts cells, not rows: a sparse sheet is read to its last row', async () => {
    const { segments, error } = await runExtractor(xlsxExtractor, makeSparseWorkbook(), testContext({ limits: { maxCells: 3 } }));
    expect(error).toBeUndefined();
    expect(segments.map((s) => [s.text, s.at])).toEqual([
      ['top', { sheet: 'Sparse', row: 1 }],
      ['bottom', { sheet: 'Sparse', row: 5001 }],
    ]);
  });

  it('cuts text at maxTextChars, dropping fields past the cut', async () => {
    const { segments, error } = await runExtractor(xlsxExtractor, makeGridWorkbook(3, 3), testContext({ limits: { maxTextChars: 20 } }));
    // Row 1 takes 14 characters (and, being all labels, names the columns); 6 are left for row 2.
    expect(segments).toEqual([
      row('Grid', 1, [['A', 'r0c0'], ['B', 'r0c1'], ['C', 'r0c2']]),
      { ...row('Grid', 2, [['A', 'r1c0', 'r0c0']]), text: 'r1c0\tr' },
    ]);
    expect(codeOf(error)).toBe('limit');
  });

  it('refuses damaged or lying zip members before SheetJS sees them', async () => {
    const xlsx = makeWorkbook('xlsx');
    // A zeroed stretch of deflate data: SheetJS's own inflater loops forever on this one.
    const zeroed = await runExtractor(xlsxExtractor, zeroMemberData(xlsx, 'xl/theme/theme1.xml', 0, 45));
    expect(codeOf(zeroed.error)).toBe('corrupt');
    const sheet = 'xl/worksheets/sheet1.xml';
    // Directory says less than the data holds: the inflate stops at the declared size.
    const understated = await runExtractor(xlsxExtractor, declareSize(xlsx, sheet, 'central', 100));
    expect(codeOf(understated.error)).toBe('corrupt');
    // The local header (which SheetJS allocates from) claims 3 GB.
    const local = await runExtractor(xlsxExtractor, declareSize(xlsx, sheet, 'local', 3_000_000_000));
    expect(codeOf(local.error)).toBe('corrupt');
    for (const { items, error } of [zeroed, understated, local]) {
      expect(items).toEqual([]);
      expect((error as Error).message).toBe(
        error === local.error ? 'a document part has inconsistent zip headers' : 'a document part does not inflate to its declared size',
      );
    }
  });

  it('keeps SheetJS diagnostics off the console', async () => {
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((method) => vi.spyOn(console, method));
    try {
      const { segments, error } = await runExtractor(xlsxExtractor, withMisleadingDescriptor(makeWorkbook('xlsx')));
      expect(error).toBeUndefined();
      expect(segments).toEqual(expectedWorkbook(true));
      for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('turns every damaged workbook into a typed error or a clean read', async () => {
    const fixtures = [
      [xlsxExtractor, makeWorkbook('xlsx')],
      [xlsExtractor, makeWorkbook('xls')],
      [odsExtractor, makeOds()],
    ] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...fixtures),
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        async ([extractor, original], edits) => {
          const bytes = original.slice();
          for (const [where, value] of edits) bytes[Math.min(bytes.length - 1, Math.floor(where * bytes.length))] = value;
          const { error } = await runExtractor(extractor, bytes);
          if (error !== undefined) expect(error).toBeInstanceOf(ExtractError);
        },
      ),
      { numRuns: 90, seed: 7 },
    );
  });

  it('refuses a workbook whose parts expand past the budget before parsing it', async () => {
    const { items, error } = await runExtractor(xlsxExtractor, makeWorkbook('xlsx'), testContext({ expandBudget: 2000 }));
    expect(items).toEqual([]);
    expect(codeOf(error)).toBe('archive_size');
  });

  it('honours an aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    const { items, error } = await runExtractor(xlsxExtractor, makeWorkbook('xlsx'), testContext({ signal: controller.signal }));
    expect(items).toEqual([]);
    expect(codeOf(error)).toBe('aborted');
  });
});
