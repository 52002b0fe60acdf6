/**
 * SheetJS (xlsx 0.18.5) isolation, SECURITY.md "Spreadsheets are handled with care":
 * - a workbook crafted against CVE-2023-30533 (prototype pollution) leaves the main thread's
 *   prototypes untouched, through `scanBuffer` and through `scan()`;
 * - bytes that are not a real workbook never reach SheetJS, whatever their name says.
 *
 * The crafted workbook is checked to be a real exploit first: in a throw-away worker thread,
 * `XLSX.read` with SheetJS's default (sparse) sheets pollutes `Object.prototype.c` with it.
 *
 * On the caller's thread, `scanBuffer`/`scanFile` run SheetJS in a worker of their own
 * (src/extract/isolate.ts), and `scan()` in its pool: `XLSX.read` is never called in the
 * calling thread, which the spy below checks. (The extractor also reads sheets `dense`, which
 * routes this particular vector into an array index — a second, accidental layer.)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as XLSX from 'xlsx';
import { sniff } from '../../src/extract/sniff.js';
import { scanBuffer } from '../../src/scanner.js';
import { scan } from '../../src/walk/scan.js';
import { oleOf } from '../fixtures/textual.js';
import * as G from '../hostile/generate.js';

// Every XLSX.read the extractor makes goes through this spy (the module namespace is mocked
// for every importer in this test file's module graph).
vi.mock('xlsx', async (importOriginal) => {
  const actual = await importOriginal<typeof import('xlsx')>();
  return { ...actual, read: vi.fn(actual.read) };
});
const readSpy = XLSX.read as unknown as ReturnType<typeof vi.fn>;

const PAN = G.hostilePans(1, 0x9019)[0]!;
const SS_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';

/** The CVE-2023-30533 vector: a cell comment whose `ref` is `__proto__` (plus every other name a parser might use as a key). */
function craftedWorkbook(): Uint8Array {
  const hostile = ['__proto__', 'constructor', 'prototype', 'polluted', '__defineGetter__', 'toString'];
  return G.xlsxPackage({
    sheetName: '__proto__',
    extraSheets: ['constructor', 'prototype'],
    rows: [['Card Number', ...hostile], [PAN, ...hostile]],
    sharedStrings: `<?xml version="1.0"?><sst xmlns="${SS_NS}" count="${hostile.length}" uniqueCount="${hostile.length}">${hostile.map((h) => `<si><t>${h}</t></si>`).join('')}</sst>`,
    comments:
      `<?xml version="1.0"?><comments xmlns="${SS_NS}"><authors><author>__proto__</author></authors><commentList>` +
      ['__proto__', 'constructor', 'prototype', 'polluted'].map((ref) => `<comment ref="${ref}" authorId="0"><text><t>polluted</t></text></comment>`).join('') +
      '</commentList></comments>',
    customProps:
      `<?xml version="1.0"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">` +
      ['__proto__', 'polluted', 'constructor'].map((name, i) => `<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="${i + 2}" name="${name}"><vt:lpwstr>yes</vt:lpwstr></property>`).join('') +
      '</Properties>',
  });
}

/** Own property names and descriptors of the prototypes a pollution would touch. */
function prototypeSnapshot(): string {
  const describe = (proto: object): string[] =>
    Reflect.ownKeys(proto).map((key) => {
      const d = Object.getOwnPropertyDescriptor(proto, key)!;
      return `${String(key)}:${typeof d.value}:${d.get ? 'get' : ''}${d.set ? 'set' : ''}`;
    });
  return JSON.stringify([describe(Object.prototype), describe(Array.prototype), describe(Function.prototype), describe(String.prototype)]);
}

function expectClean(before: string): void {
  expect(prototypeSnapshot()).toBe(before);
  const probe = {} as Record<string, unknown>;
  expect(probe.c).toBeUndefined();
  expect(probe.polluted).toBeUndefined();
  expect(Object.keys(probe)).toEqual([]);
}

/** `XLSX.read(bytes, options)` in a fresh isolate; says whether `Object.prototype` changed there. */
function readInThrowawayWorker(bytes: Uint8Array, options: Record<string, unknown>): Promise<{ polluted: string[] }> {
  const xlsxPath = createRequire(import.meta.url).resolve('xlsx');
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    const XLSX = require(workerData.xlsxPath);
    const before = new Set(Reflect.ownKeys(Object.prototype).map(String));
    try { XLSX.read(workerData.bytes, workerData.options); } catch {}
    parentPort.postMessage({ polluted: Reflect.ownKeys(Object.prototype).map(String).filter((k) => !before.has(k)) });
  `;
  return new Promise((done, fail) => {
    const worker = new Worker(source, { eval: true, workerData: { bytes, options, xlsxPath } });
    worker.once('message', (message) => {
      done(message as { polluted: string[] });
      void worker.terminate();
    });
    worker.once('error', fail);
  });
}

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cardhound-xlsx-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('prototype pollution through a crafted workbook (CVE-2023-30533)', () => {
  it('the crafted workbook is a real exploit for xlsx 0.18.5 (control, in a throw-away worker)', async () => {
    const bytes = craftedWorkbook();
    expect(await readInThrowawayWorker(bytes, { type: 'array' })).toEqual({ polluted: ['c'] });
    // What the extractor asks for: dense sheets, where this vector lands in an array index.
    expect(await readInThrowawayWorker(bytes, { type: 'array', dense: true })).toEqual({ polluted: [] });
  });

  it('scanBuffer leaves the prototypes of the calling thread untouched (and still finds the number)', async () => {
    const before = prototypeSnapshot();
    readSpy.mockClear();
    const report = await scanBuffer(craftedWorkbook(), { filename: 'crafted.xlsx' });
    // SheetJS ran, but in an isolated worker: never in this thread.
    expect(readSpy).not.toHaveBeenCalled();
    expect(report.stats.format).toBe('xlsx');
    expect(report.findings.map((f) => f.masked)).toContain(`${PAN.slice(0, 6)}******${PAN.slice(-4)}`);
    expectClean(before);
  });

  it('scan() leaves the prototypes of the main thread untouched', async () => {
    writeFileSync(join(dir, 'crafted.xlsx'), craftedWorkbook());
    writeFileSync(join(dir, 'renamed.bin'), craftedWorkbook());
    const before = prototypeSnapshot();
    let findings = 0;
    for await (const event of scan(dir, { concurrency: 2 })) if (event.type === 'finding') findings++;
    expect(findings).toBe(2);
    expectClean(before);
  });
});

describe('SheetJS only ever sees real workbooks', () => {
  const notWorkbooks: [string, Uint8Array, string][] = [
    ['random bytes named .xlsx', G.noise(16 * 1024, 1), 'cards.xlsx'],
    ['random bytes named .xls', G.noise(16 * 1024, 2), 'cards.xls'],
    ['random bytes named .xlsb', G.noise(16 * 1024, 3), 'cards.xlsb'],
    ['random bytes named .ods', G.noise(16 * 1024, 4), 'cards.ods'],
    ['CSV named .xlsx', new TextEncoder().encode(`name,card\nx,${PAN}\n`), 'export.xlsx'],
    ['HTML table named .xls (as Excel exports it)', new TextEncoder().encode(`<html><body><table><tr><td>${PAN}</td></tr></table></body></html>`), 'export.xls'],
    ['SpreadsheetML 2003 XML named .xls', new TextEncoder().encode(`<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet><Table><Row><Cell><Data>${PAN}</Data></Cell></Row></Table></Worksheet></Workbook>`), 'export.xls'],
    ['a plain zip named .xlsx', G.zipOf([['notes.txt', `card ${PAN}\n`]]), 'cards.xlsx'],
    ['a Word-like OLE file named .xls', oleOf([['WordDocument', new Uint8Array(4096)], ['1Table', new Uint8Array(512)]]), 'cards.xls'],
  ];

  it.each(notWorkbooks)('%s: never handed to SheetJS', async (_label, bytes, filename) => {
    expect(['xlsx', 'xlsb', 'xls', 'ods']).not.toContain(sniff(bytes, { filename }));
    readSpy.mockClear();
    const report = await scanBuffer(bytes, { filename });
    expect(readSpy).not.toHaveBeenCalled();
    expect(['xlsx', 'xlsb', 'xls', 'ods']).not.toContain(report.stats.format);
  });

  it('random bytes named .xlsx sniff as binary', () => {
    for (let seed = 10; seed < 30; seed++) expect(sniff(G.noise(4096, seed), { filename: 'x.xlsx' })).toBe('binary');
  });

  it('a real workbook is handed to SheetJS (control: the spy sees the extractor read it in-thread)', async () => {
    const { xlsxExtractor } = await import('../../src/extract/spreadsheet.js');
    const { DEFAULT_LIMITS } = await import('../../src/options.js');
    readSpy.mockClear();
    const items = [];
    const ctx = { limits: DEFAULT_LIMITS, expandBudget: DEFAULT_LIMITS.maxExpandedBytes, archives: true, binaryStrings: true };
    for await (const item of xlsxExtractor.extract(G.xlsxPackage({ rows: [['Card Number'], [PAN]] }), ctx)) items.push(item);
    expect(readSpy).toHaveBeenCalledTimes(1);
    expect(items.length).toBeGreaterThan(0);
  });

  it('scanBuffer reads a real workbook in an isolated worker: found, and SheetJS never runs here', async () => {
    readSpy.mockClear();
    const report = await scanBuffer(G.xlsxPackage({ rows: [['Card Number'], [PAN]] }), { filename: 'ok.xlsx' });
    expect(readSpy).not.toHaveBeenCalled();
    expect(report.findings.map((f) => f.last4)).toEqual([PAN.slice(-4)]);
  });
});
