import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import * as XLSX from 'xlsx';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { scanBuffer, scanFile, scanStream, type FileReport } from '../../src/index.js';
import { group, makePan, rng } from '../support/cards.js';

const KEY = { fingerprintKey: 'scanner-test' };
const utf8 = (s: string) => new TextEncoder().encode(s);

/** A Readable that hands out `bytes` in pieces of `size`, so every chunk boundary is exercised. */
function trickle(bytes: Uint8Array, size: number): Readable {
  const pieces: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) pieces.push(Buffer.from(bytes.subarray(i, i + size)));
  return Readable.from(pieces);
}

describe('streamed text', () => {
  const random = rng(7);
  const pans = Array.from({ length: 40 }, () => makePan('4', 16, random));
  const lines: string[] = [];
  const expected: { line: number; column: number; last4: string }[] = [];
  for (let i = 0; i < 4000; i++) {
    if (i % 100 === 50) {
      const pan = pans[expected.length]!;
      const prefix = `2026-03-01T10:00:${String(i % 60).padStart(2, '0')}Z payment card `;
      lines.push(`${prefix}${group(pan, [4, 4, 4, 4])} exp 08/27`);
      expected.push({ line: i + 1, column: prefix.length + 1, last4: pan.slice(-4) });
    } else lines.push(`2026-03-01T10:00:00Z GET /api/v1/items/${i} 200 rt=0.${i % 97}`);
  }
  const text = lines.join('\n') + '\n';

  it('finds every PAN with exact line and column whatever the chunk size', async () => {
    for (const size of [7, 4096, 65_537]) {
      const report = await scanStream(trickle(utf8(text), size), { filename: 'app.log' }, KEY);
      expect(report.errors).toEqual([]);
      expect(report.findings.map((f) => ({ line: f.location.line, column: f.location.column, last4: f.last4 }))).toEqual(expected);
      expect(report.findings.every((f) => f.expiry?.present && f.confidence === 'high')).toBe(true);
    }
  });

  it('reports offsets that point at the first digit', async () => {
    const report = await scanStream(trickle(utf8(text), 1000), {}, KEY);
    for (const f of report.findings) expect(text.slice(f.location.offset!, f.location.offset! + 4)).toBe(f.bin.slice(0, 4));
  });

  it('keeps the column names of a streamed CSV', async () => {
    const rows = ['id,name,Card Number,Expiry,CVV'];
    const random2 = rng(11);
    for (let i = 0; i < 5000; i++) rows.push(i % 500 === 1 ? `${i},A,${makePan('51', 16, random2)},08/27,${100 + (i % 800)}` : `${i},B,,,`);
    const report = await scanStream(trickle(utf8(rows.join('\n') + '\n'), 8192), { filename: 'export.csv' }, KEY);
    expect(report.findings).toHaveLength(10);
    for (const f of report.findings) {
      expect(f.reasons).toContain('field:card_number');
      expect(f.cvv?.present).toBe(true);
      expect(f.expiry?.present).toBe(true);
    }
  });
});

describe('streamed UTF-8 text', () => {
  // Multi-byte characters on every line (2, 3 and 4 bytes, full-width digits, a stray invalid
  // byte), so chunk boundaries fall inside characters, and enough lines to be streamed.
  const random = rng(21);
  const lines: string[] = [];
  const planted: { line: number; last4: string }[] = [];
  for (let i = 0; i < 6000; i++) {
    if (i % 400 === 3) {
      const pan = makePan('4', 16, random);
      const wide = i % 800 === 3;
      const shown = wide ? [...group(pan, [4, 4, 4, 4])].map((c) => (c >= '0' && c <= '9' ? String.fromCharCode(0xff10 + Number(c)) : c)).join('') : group(pan, [4, 4, 4, 4]);
      lines.push(`Zahlung für Bestellung — carte bancaire 𝄞 ${shown} gültig bis 08/27 — 中文`);
      planted.push({ line: i + 1, last4: pan.slice(-4) });
    } else lines.push(`Eintrag ${i}: Größe ${i % 97} € — naïve café 𝄞 ✓`);
  }
  const bytes = utf8(lines.join('\n') + '\n');

  it('finds every number at the same line, column and offset as a whole-text scan, whatever the chunk size', async () => {
    const whole = (await scanBuffer(bytes.slice(0, 60_000), { filename: 'a.txt' }, KEY)).findings;
    const text = lines.join('\n') + '\n';
    for (const [size, bom] of [[1, false], [3, true], [7, false], [4093, true], [65_536, false]] as const) {
      const input = bom ? new Uint8Array([0xef, 0xbb, 0xbf, ...bytes]) : bytes;
      const report = await scanStream(trickle(input, size), { filename: 'app.log' }, KEY);
      expect(report.errors).toEqual([]);
      expect(report.findings.map((f) => ({ line: f.location.line, last4: f.last4 }))).toEqual(planted);
      for (const f of report.findings) {
        // Offsets count UTF-16 code units of the decoded text, without the BOM.
        const at = text.slice(f.location.offset!);
        expect(at.charCodeAt(0) === 0x34 || at.charCodeAt(0) === 0xff14).toBe(true);
        expect(f.location.column).toBe(f.location.offset! - text.lastIndexOf('\n', f.location.offset! - 1));
      }
      // The lines a small scan sees agree to the column.
      const head = report.findings.filter((f) => f.location.offset! < 50_000);
      expect(head.map((f) => [f.location.line, f.location.column])).toEqual(whole.filter((f) => f.location.offset! < 50_000).map((f) => [f.location.line, f.location.column]));
    }
  });

  it('decodes invalid bytes as replacement characters without losing a number', async () => {
    // One stray byte inside the first 64 KiB (from which the encoding is decided: mostly UTF-8
    // is UTF-8) and one far past it, each a lead byte with no continuation before a line break.
    const stray = [bytes.indexOf(0x0a, 20_000) + 1, bytes.indexOf(0x0a, 200_000) + 1];
    expect(stray[1]).toBeGreaterThan(stray[0]!);
    const broken = new Uint8Array(bytes.length + 4);
    broken.set(bytes.subarray(0, stray[0]));
    broken.set([0xc3, 0x0a], stray[0]!);
    broken.set(bytes.subarray(stray[0], stray[1]), stray[0]! + 2);
    broken.set([0xc3, 0x0a], stray[1]! + 2);
    broken.set(bytes.subarray(stray[1]), stray[1]! + 4);
    const report = await scanStream(trickle(broken, 5), {}, KEY);
    expect(report.findings.map((f) => f.last4)).toEqual(planted.map((p) => p.last4));
  });
});

describe('isolated parsers on the caller\'s thread', () => {
  // On an application's thread a workbook is parsed in an isolated worker, which keeps back
  // the rows with no number worth scoring. Inside a worker thread (as in scan()'s pool) the
  // parser runs directly and every row is detected here. Both must give the same report.
  it('report the same findings and the same counts as a direct parse', async () => {
    const random = rng(31);
    const rows: unknown[][] = [['Order', 'Card Number', 'Note', 'Created']];
    for (let i = 0; i < 600; i++) {
      const pan = makePan(['4', '51', '37'][i % 3]!, i % 3 === 2 ? 15 : 16, random);
      const card = i % 25 === 0 ? pan : i % 25 === 1 ? `${pan.slice(0, -1)}${(Number(pan.at(-1)) + 1) % 10}` : '';
      // Luhn-valid ids of no brand (one in ten), order words (soft negatives), timestamps.
      rows.push([`7${String(1_000_000_000_000 + i * 7919).slice(1)}`, card, i % 50 === 7 ? `order ${makePan('4', 16, random)}` : 'ok', 1_772_323_200_000 + i * 997]);
    }
    const book = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet(rows), 'Orders');
    const bytes = new Uint8Array(XLSX.write(book, { type: 'array', bookType: 'xlsx' }) as ArrayBuffer);
    const dist = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
    for (const minConfidence of ['medium', 'low'] as const) {
      const options = { ...KEY, minConfidence };
      const here = await scanBuffer(bytes, { filename: 'orders.xlsx' }, options);
      const source = `const { parentPort, workerData } = require('node:worker_threads');
        import(workerData.dist).then((m) => m.scanBuffer(workerData.bytes, { filename: 'orders.xlsx' }, workerData.options)).then((r) => parentPort.postMessage(r));`;
      const direct = await new Promise<FileReport>((resolve, reject) => {
        const worker = new Worker(source, { eval: true, workerData: { dist, bytes, options } });
        worker.once('message', (report: FileReport) => void worker.terminate().then(() => resolve(report)));
        worker.once('error', reject);
      });
      expect(here.findings.length).toBeGreaterThan(minConfidence === 'low' ? 60 : 20);
      expect(here.findings).toEqual(direct.findings);
      expect({ ...here.stats, durationMs: 0 }).toEqual({ ...direct.stats, durationMs: 0 });
      expect(here.stats.rejected).toBeGreaterThan(0);
      // Held back at `medium`: the ids of no brand, the low-scoring order lines.
      if (minConfidence === 'medium') expect(here.stats.suppressed).toBeGreaterThan(0);
    }
  });
});

describe('streamed tables', () => {
  it('scores a number with its column name even when its line alone would hold it back', async () => {
    // Alone, "order 12 … 5xxx…" is an order line (soft negative, no card word): low. In a column
    // named "Card Number" it is a card number, as it is when the same table is read whole.
    const random = rng(12);
    const rows = ['id,note,Card Number,Expiry'];
    for (let i = 0; i < 20_000; i++) rows.push(i % 2000 === 7 ? `${i},order ${i},${makePan('51', 16, random)},` : `${i},order ${i},,`);
    const bytes = utf8(rows.join('\n') + '\n');
    expect(bytes.length).toBeGreaterThan(200_000); // past the sniffing head: streamed
    const streamed = await scanStream(trickle(bytes, 4096), { filename: 'orders.csv' }, KEY);
    const whole = await scanBuffer(bytes, { filename: 'orders.csv' }, KEY);
    expect(streamed.findings).toHaveLength(10);
    expect(streamed.findings.every((f) => f.reasons.includes('field:card_number') && f.confidence === 'high')).toBe(true);
    expect(streamed.findings.map((f) => f.location.line)).toEqual(whole.findings.map((f) => f.location.line));
    // Each number is counted once: the search counts runs, the record scoring its filter.
    expect(streamed.stats.suppressed).toBe(0);
  });
});

describe('limits.maxFindings', () => {
  const random = rng(21);
  const cardLines = (count: number) =>
    Array.from({ length: count }, (_, i) => `row ${i}: card number ${group(makePan('4', 16, random), [4, 4, 4, 4])} exp 08/27`).join('\n') + '\n';
  const limitRecords = (report: FileReport) => report.errors.filter((e) => e.code === 'limit');

  it('keeps that many findings of a card dump, then stops the file with one limit record', async () => {
    const report = await scanBuffer(utf8(cardLines(30)), { filename: 'dump.txt' }, { ...KEY, limits: { maxFindings: 10 } });
    expect(report.findings).toHaveLength(10);
    expect(report.findings.map((f) => f.location.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(limitRecords(report)).toHaveLength(1);
    expect(limitRecords(report)[0]!.message).toContain('limits.maxFindings');
    expect(report.errors).toHaveLength(1);
  });

  it('counts across the members of an archive and stops the whole archive once', async () => {
    const members: Record<string, Uint8Array> = {};
    for (let m = 0; m < 4; m++) members[`part${m}.txt`] = utf8(cardLines(6));
    const report = await scanBuffer(zipSync(members), { filename: 'dumps.zip' }, { ...KEY, limits: { maxFindings: 10 } });
    expect(report.findings).toHaveLength(10);
    expect(limitRecords(report)).toHaveLength(1);
    expect(report.errors).toHaveLength(1);
  });

  it('stops streamed text too', async () => {
    const report = await scanStream(trickle(utf8(cardLines(50)), 300), { filename: 'dump.log' }, { ...KEY, limits: { maxFindings: 25 } });
    expect(report.findings).toHaveLength(25);
    expect(report.errors.map((e) => e.code)).toEqual(['limit']);
  });

  it('reports every finding up to the limit, with no record', async () => {
    const report = await scanBuffer(utf8(cardLines(30)), { filename: 'dump.txt' }, { ...KEY, limits: { maxFindings: 30 } });
    expect(report.findings).toHaveLength(30);
    expect(report.errors).toEqual([]);
  });
});

describe('containers and names', () => {
  it('chains entries through nested archives and masks digit runs in names', async () => {
    const pan = makePan('4', 16, rng(3));
    const inner = zipSync({ 'notes/card.txt': utf8(`card ${pan}`) });
    const outer = zipSync({ [`backup-${pan}/inner.zip`]: inner });
    const report = await scanBuffer(outer, { filename: `share/${pan}.zip` }, KEY);
    expect(report.findings).toHaveLength(1);
    const [f] = report.findings;
    expect(f!.location.entry).toMatch(/^backup-\d{6}\*+\d{4}\/inner\.zip!\/notes\/card\.txt$/);
    expect(f!.path).toMatch(/^share\/\d{6}\*+\d{4}\.zip$/);
    expect(JSON.stringify(report)).not.toContain(pan);
  });

  it('stops at the configured depth with an archive_depth record', async () => {
    const pan = makePan('4', 16, rng(4));
    let bytes: Uint8Array = zipSync({ 'deep.txt': utf8(`card ${pan}`) });
    for (let level = 0; level < 5; level++) bytes = zipSync({ [`level${level}.zip`]: bytes });
    const report = await scanBuffer(bytes, { filename: 'nest.zip' }, { ...KEY, limits: { maxDepth: 3 } });
    expect(report.findings).toHaveLength(0);
    expect(report.errors.map((e) => e.code)).toEqual(['archive_depth']);
  });

  it('gives a missing file one not_found record', async () => {
    const report = await scanFile('/nonexistent/cardhound/file.txt', KEY);
    expect(report.errors.map((e) => e.code)).toEqual(['not_found']);
    expect(report.findings).toEqual([]);
  });
});
