import { describe, expect, it } from 'vitest';
import { binaryExtractor, MIN_RUN, oleExtractor, printableRuns, type StringRun } from '../../src/extract/strings.js';
import { ExtractError } from '../../src/errors.js';
import { makePans } from '../support/cards.js';
import { concat, context, extractAll, oleOf, randomBytes, segmentsOf, utf16le, utf8 } from '../fixtures/textual.js';

const [PAN_A, PAN_B] = makePans(2, 77) as [string, string];

function runs(bytes: Uint8Array, minLength?: number): StringRun[] {
  return [...printableRuns(bytes, minLength)].filter((run): run is StringRun => run !== undefined);
}

/** Binary filler without printable runs: NULs and control bytes. */
function junk(length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => i % 3);
}

describe('printableRuns', () => {
  it('finds ASCII runs of at least 8 bytes at their byte offsets', () => {
    const bytes = concat(junk(10), utf8(`card ${PAN_A}`), junk(3), utf8('short'), junk(5), utf8('exactly8'));
    expect(runs(bytes)).toEqual([
      { offset: 10, text: `card ${PAN_A}` },
      { offset: 10 + 5 + PAN_A.length + 3 + 5 + 5, text: 'exactly8' },
    ]);
  });

  it('keeps Latin-1 letters inside mostly-ASCII runs and tabs', () => {
    const latin1 = Uint8Array.from([...'Kartennummer f', 0xfc, ...'r M', 0xfc, ...'ller:\t1234'].map((c) => (typeof c === 'string' ? c.charCodeAt(0) : c)));
    expect(runs(concat(junk(4), latin1))).toEqual([{ offset: 4, text: 'Kartennummer für Müller:\t1234' }]);
  });

  it('finds UTF-16LE runs at even and odd offsets', () => {
    const text = `PAN ${PAN_B}`;
    const even = concat(junk(6), utf16le(text), junk(6));
    const odd = concat(junk(7), utf16le(text), junk(6));
    expect(runs(even)).toEqual([{ offset: 6, text }]);
    expect(runs(odd)).toEqual([{ offset: 7, text }]);
  });

  it('a UTF-16LE run needs 8 characters', () => {
    expect(runs(concat(junk(3), utf16le('seven77'), junk(3)))).toEqual([]);
    expect(runs(concat(junk(3), utf16le('eight888'), junk(3)))).toEqual([{ offset: 3, text: 'eight888' }]);
  });

  it('a run at the very end of the input is reported', () => {
    expect(runs(concat(junk(2), utf8('tail text')))).toEqual([{ offset: 2, text: 'tail text' }]);
  });

  it('random bytes yield few, mostly-ASCII runs', () => {
    const bytes = randomBytes(1 << 20, 3);
    const found = runs(bytes);
    // Without the ASCII-share rule about 25 000 runs per MiB would come out of random data.
    expect(found.length).toBeLessThan(1000);
    for (const run of found) {
      expect(run.text.length).toBeGreaterThanOrEqual(MIN_RUN);
      const ascii = [...run.text].filter((ch) => ch.charCodeAt(0) < 0x80).length;
      expect(ascii * 5).toBeGreaterThanOrEqual(run.text.length * 4);
    }
  });

  // Speed is measured by `npm run bench`, not asserted here; this checks that a large input
  // with runs repeated across it yields every run.
  it('finds every repeated run across 64 MiB', () => {
    const block = concat(randomBytes(1 << 16, 9), utf8(`card ${PAN_A} `.repeat(100)), utf16le(`pan ${PAN_B} `.repeat(100)));
    const count = Math.ceil((64 << 20) / block.length);
    const big = new Uint8Array(block.length * count);
    for (let i = 0; i < count; i++) big.set(block, i * block.length);
    let n = 0;
    for (const run of printableRuns(big)) if (run) n++;
    expect(n).toBeGreaterThanOrEqual(2 * count);
  });
});

describe('binaryExtractor', () => {
  it('yields each run as a segment with its byte offset', async () => {
    const bytes = concat(junk(100), utf8(`number ${PAN_A}`), junk(50), utf16le(`card ${PAN_B}`));
    const items = await extractAll(binaryExtractor, bytes);
    expect(items).toEqual([
      { text: `number ${PAN_A}`, at: { offset: 100 } },
      { text: `card ${PAN_B}`, at: { offset: 100 + 7 + PAN_A.length + 50 } },
    ]);
  });

  it('yields nothing when binaryStrings is off', async () => {
    const bytes = concat(junk(10), utf8(`number ${PAN_A}`));
    expect(await extractAll(binaryExtractor, bytes, context({ binaryStrings: false }))).toEqual([]);
  });

  it('stops at maxTextChars with a warning', async () => {
    const bytes = concat(utf8('a'.repeat(20)), junk(2), utf8('b'.repeat(20)));
    const items = await extractAll(binaryExtractor, bytes, context({ limits: { maxTextChars: 30 } }));
    expect(segmentsOf(items).map((s) => s.text)).toEqual(['a'.repeat(20), 'b'.repeat(10)]);
    expect(items.at(-1)).toMatchObject({ kind: 'error', code: 'limit' });
  });

  it('honours an aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(extractAll(binaryExtractor, utf8('x'.repeat(20)), context({ signal: controller.signal }))).rejects.toMatchObject({
      code: 'aborted',
    });
  });
});

describe('oleExtractor', () => {
  const wordText = concat(junk(16), utf16le(`Card number ${PAN_A}`), junk(16), utf8(`8-bit ${PAN_B}`), junk(16));

  it('finds text in a legacy Word document, in both storage forms', async () => {
    const doc = oleOf([['WordDocument', wordText], ['1Table', new Uint8Array(600)]]);
    const texts = segmentsOf(await extractAll(oleExtractor, doc)).map((s) => s.text);
    expect(texts).toContain(`Card number ${PAN_A}`);
    expect(texts).toContain(`8-bit ${PAN_B}`);
  });

  it('reads Word documents even with binaryStrings off, but not unknown OLE files', async () => {
    const doc = oleOf([['WordDocument', wordText]]);
    const unknown = oleOf([['Contents', wordText]]);
    const off = context({ binaryStrings: false });
    expect(segmentsOf(await extractAll(oleExtractor, doc, off)).length).toBeGreaterThan(0);
    expect(await extractAll(oleExtractor, unknown, off)).toEqual([]);
    expect(segmentsOf(await extractAll(oleExtractor, unknown)).length).toBeGreaterThan(0);
  });

  it('reports encrypted OOXML as encrypted', async () => {
    const encrypted = oleOf([
      ['EncryptionInfo', new Uint8Array(200)],
      ['EncryptedPackage', utf8('x'.repeat(5000))],
    ]);
    const run = extractAll(oleExtractor, encrypted);
    await expect(run).rejects.toBeInstanceOf(ExtractError);
    await expect(run).rejects.toMatchObject({ code: 'encrypted' });
  });
});
