import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ExtractError } from '../../src/errors.js';
import { pdfExtractor } from '../../src/extract/pdf.js';
import { group } from '../support/cards.js';
import { makeEncryptedPdf, makeLongPdf, makePdf, PANS, runExtractor, testContext } from '../fixtures/documents.js';

function codeOf(error: unknown): string | undefined {
  return error instanceof ExtractError ? error.code : undefined;
}

/** Error messages are shown to users and must never carry document text. */
function expectContentFree(error: unknown): void {
  expect(error).toBeInstanceOf(ExtractError);
  expect((error as Error).message).not.toMatch(/\d{8}/);
}

describe('pdfExtractor', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('yields one segment per page, with numbers drawn as several text items joined', async () => {
    const bytes = await makePdf();
    const { items, error } = await runExtractor(pdfExtractor, bytes);
    expect(error).toBeUndefined();
    expect(items).toEqual([
      { text: 'Quarterly report. Order 12345 shipped.', at: { page: 1 } },
      { text: `Customer paid with card ${group(PANS.pdfPage2, [4, 4, 4, 4])} exp 12/29`, at: { page: 2 } },
      // Two items with a wide gap: one space; two items with no gap: contiguous.
      { text: `Split ${group(PANS.pdfSplit, [4, 4, 4, 4])}\nTight ${PANS.pdfTight}`, at: { page: 3 } },
    ]);
  });

  it('leaves Array.prototype.push, JSON.parse and Function.prototype.toString native (pdf.js bundles core-js, which swaps them)', async () => {
    // Another realm's toString shows a replacement's source even where this realm's toString
    // was itself replaced to pass replacements off as native.
    const realSource = runInNewContext('Function.prototype.toString') as (this: unknown) => string;
    const isNative = (fn: unknown) => /\{\s*\[native code\]\s*\}$/.test(realSource.call(fn));
    const { error } = await runExtractor(pdfExtractor, await makePdf());
    expect(error).toBeUndefined();
    expect([Array.prototype.push, JSON.parse, Function.prototype.toString].map(isNative)).toEqual([true, true, true]);
  });

  it("leaves the caller's bytes intact (pdfjs detaches the buffer it is given)", async () => {
    const bytes = await makePdf();
    const copy = bytes.slice();
    await runExtractor(pdfExtractor, bytes);
    expect(bytes.length).toBe(copy.length);
    expect(Buffer.compare(bytes, copy)).toBe(0);
  });

  it('reports a password-protected PDF as encrypted without quoting it', async () => {
    const { items, error } = await runExtractor(pdfExtractor, await makeEncryptedPdf());
    expect(items).toEqual([]);
    expect(codeOf(error)).toBe('encrypted');
    expect((error as Error).message).toBe('PDF is password-protected');
  });

  it('reports truncated, empty and non-PDF input as corrupt', async () => {
    const bytes = await makePdf();
    for (const input of [bytes.subarray(0, bytes.length >> 1), new Uint8Array(0), new TextEncoder().encode(`%PDF-1.7 ${PANS.pdfPage2}`)]) {
      const { items, error } = await runExtractor(pdfExtractor, input);
      expect(items).toEqual([]);
      expect(codeOf(error)).toBe('corrupt');
      expectContentFree(error);
    }
  });

  it('stops after maxPages with a limit error, having yielded the pages it read', async () => {
    const bytes = await makeLongPdf(5);
    const { items, error } = await runExtractor(pdfExtractor, bytes, testContext({ limits: { maxPages: 3 } }));
    expect(items).toEqual([1, 2, 3].map((page) => ({ text: `page ${page}`, at: { page } })));
    expect(codeOf(error)).toBe('limit');
    expect((error as Error).message).toBe('PDF has more than 3 pages; the rest were not scanned');
  });

  it('reads a document of exactly maxPages pages without error', async () => {
    const { items, error } = await runExtractor(pdfExtractor, await makeLongPdf(3), testContext({ limits: { maxPages: 3 } }));
    expect(items).toHaveLength(3);
    expect(error).toBeUndefined();
  });

  it('cuts the text at maxTextChars and then reports the limit', async () => {
    const { items, error } = await runExtractor(pdfExtractor, await makeLongPdf(4), testContext({ limits: { maxTextChars: 15 } }));
    // "page 1" and "page 2" are 6 characters each; 3 are left for page 3.
    expect(items).toEqual([
      { text: 'page 1', at: { page: 1 } },
      { text: 'page 2', at: { page: 2 } },
      { text: 'pag', at: { page: 3 } },
    ]);
    expect(codeOf(error)).toBe('limit');
  });

  it('honours an abort between pages', async () => {
    const bytes = await makeLongPdf(3);
    const controller = new AbortController();
    const seen: unknown[] = [];
    let error: unknown;
    try {
      for await (const item of pdfExtractor.extract(bytes, testContext({ signal: controller.signal }))) {
        seen.push(item);
        controller.abort();
      }
    } catch (caught) {
      error = caught;
    }
    expect(seen).toEqual([{ text: 'page 1', at: { page: 1 } }]);
    expect(codeOf(error)).toBe('aborted');
  });

  it('keeps pdfjs silent on a damaged but readable file', async () => {
    // A wrong startxref offset makes pdfjs rebuild the cross-reference table, which it warns about.
    const text = Buffer.from(await makePdf()).toString('latin1');
    const damaged = text.replace(/startxref\n(\d+)/, (_, offset: string) => `startxref\n${Number(offset) + 7}`);
    expect(damaged).not.toBe(text);
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((method) => vi.spyOn(console, method));
    const { items, error } = await runExtractor(pdfExtractor, new Uint8Array(Buffer.from(damaged, 'latin1')));
    expect(error).toBeUndefined();
    expect(items).toHaveLength(3);
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });
});
