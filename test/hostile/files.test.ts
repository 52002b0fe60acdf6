/**
 * Hostile single inputs through the public per-file API (`scanBuffer`, `scanFile`,
 * `scanStream`): every case must end with findings and/or typed error records, never a throw,
 * within a time bound (`performance.now()` around the call) and a memory bound (peak RSS above
 * the level before the call, sampled; generous: it guards against a blow-up, not a regression
 * of a few MiB).
 *
 * Cases that scan() must handle (worker time limit, special files, trees) are in tree.test.ts.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scanText } from '../../src/core/index.js';
import { scanBuffer, scanFile, scanStream } from '../../src/scanner.js';
import type { ErrorCode, FileReport, ScanErrorRecord } from '../../src/types.js';
import { markEncrypted } from '../fixtures/containers.js';
import { makeDocx, makeEncryptedOoxml, makeEncryptedPdf, makePdf, makeWorkbook } from '../fixtures/documents.js';
import * as G from './generate.js';

/**
 * Time bounds here detect hangs and runaway parsing, not speed: they are the single-file times
 * seen on an idle machine, with room for a 2-core CI machine running two test files at once.
 */
const bound = (ms: number) => ms * 3;

const MiB = 1024 * 1024;

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cardhound-hostile-'));
  temps.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function codes(report: FileReport): ErrorCode[] {
  return report.errors.map((e) => e.code);
}

function maskedOf(report: FileReport): string[] {
  return report.findings.map((f) => f.masked).sort();
}

/** Error messages are cardhound's own: never a quoted digit run from the file. */
function expectContentFree(errors: readonly ScanErrorRecord[]): void {
  for (const error of errors) expect(error.message).not.toMatch(/\d{8}|\d{4}[ -]\d{4}[ -]\d{4}/);
}

const PANS = G.hostilePans(40, 0x4057);
const [A, B, C] = PANS as [string, string, string];

// ---------------------------------------------------------------------------------------------
// Truncated and corrupt documents
// ---------------------------------------------------------------------------------------------

interface Sample {
  readonly name: string;
  readonly bytes: Uint8Array;
  /** What the intact file reports: a damaged copy may report less only with an error record. */
  readonly clean: readonly string[];
}

async function samples(): Promise<Sample[]> {
  const files: [string, Uint8Array][] = [
    ['report.pdf', await makePdf()],
    ['cards.xlsx', makeWorkbook('xlsx')],
    ['letter.docx', await makeDocx()],
    ['bundle.zip', G.zipOf([['a.txt', G.cardLine(A)], ['b/c.txt', G.cardLine(B)], ['d.csv', `name,card\nx,${C}\n`]])],
  ];
  const out: Sample[] = [];
  for (const [name, bytes] of files) {
    const clean = await scanBuffer(bytes, { filename: name });
    expect(clean.errors).toEqual([]);
    expect(clean.findings.length).toBeGreaterThanOrEqual(3);
    out.push({ name, bytes, clean: maskedOf(clean) });
  }
  return out;
}

describe('truncated and corrupt documents', () => {
  it('a truncated PDF, xlsx, docx or zip is reported corrupt (a zip keeps what it read), quickly', async () => {
    for (const sample of await samples()) {
      for (const fraction of [0.3, 0.7, 0.95]) {
        const input = G.truncated(sample.bytes, fraction);
        const m = await G.measure(() => scanBuffer(input, { filename: sample.name }));
        const label = `${sample.name} cut at ${fraction}`;
        expect(codes(m.value), label).toContain('corrupt');
        expect(new Set(codes(m.value)), label).toEqual(new Set(['corrupt']));
        // One for the container, at most one more for a member cut in half.
        expect(m.value.errors.length, label).toBeLessThanOrEqual(2);
        expectContentFree(m.value.errors);
        // What was read is still reported, and nothing that was not planted.
        for (const masked of maskedOf(m.value)) expect(sample.clean, label).toContain(masked);
        expect(m.ms, label).toBeLessThan(bound(5_000));
        expect(m.rssMiB, label).toBeLessThan(200);
      }
    }
  });

  it('noise in the middle of a PDF, docx or zip: every planted number found, or an error record says why not', async () => {
    for (const sample of await samples()) {
      if (sample.name.endsWith('.xlsx')) continue; // see the it.fails case below
      for (const fraction of [0.2, 0.5, 0.9]) {
        const input = G.corrupted(sample.bytes, fraction);
        const m = await G.measure(() => scanBuffer(input, { filename: sample.name }));
        const label = `${sample.name} noise at ${fraction}`;
        if (m.value.errors.length === 0) expect(maskedOf(m.value), label).toEqual(sample.clean);
        else expect(new Set(codes(m.value)), label).toEqual(new Set(['corrupt']));
        expectContentFree(m.value.errors);
        expect(m.ms, label).toBeLessThan(bound(5_000));
        expect(m.rssMiB, label).toBeLessThan(200);
      }
    }
  });

  // Found here: SheetJS inflated the package parts itself without checking them, so noise in
  // the deflate stream of xl/worksheets/sheet1.xml made 3 of 5 planted numbers vanish with no
  // error record. Fixed meanwhile by the extractor's owner (ec3ed8c: every part is inflated and
  // checked before SheetJS sees the package); kept as a regression.
  it('noise inside a deflated xlsx sheet part is reported, not silently dropped', async () => {
    const xlsx = makeWorkbook('xlsx');
    const clean = maskedOf(await scanBuffer(xlsx, { filename: 'cards.xlsx' }));
    const report = await scanBuffer(G.corrupted(xlsx, 0.5), { filename: 'cards.xlsx' });
    if (report.errors.length === 0) expect(maskedOf(report)).toEqual(clean);
    else expect(codes(report)).toContain('corrupt');
  });
});

// ---------------------------------------------------------------------------------------------
// Archive limits
// ---------------------------------------------------------------------------------------------

describe('zip bombs and archive limits', () => {
  it('an honest 1 GiB zip bomb (ratio ≈ 1000:1) is refused on its declared size; the member beside it is scanned', async () => {
    const bomb = G.honestZipBomb(1024, G.cardLine(A));
    expect(bomb.length).toBeLessThan(2 * MiB);
    const m = await G.measure(() => scanBuffer(bomb, { filename: 'bomb.zip' }));
    expect(m.value.errors).toEqual([expect.objectContaining({ code: 'archive_ratio', location: { entry: 'zeros.bin' } })]);
    expect(maskedOf(m.value)).toEqual([G.masked(A)]);
    expect(m.ms).toBeLessThan(bound(3_000));
    expect(m.rssMiB).toBeLessThan(100);
  });

  it('a bomb that declares 1 000 bytes and inflates to 1 GiB is stopped at the declared size', async () => {
    const m = await G.measure(() => scanBuffer(G.lyingZipBomb(1024, G.cardLine(A)), { filename: 'bomb.zip' }));
    expect(m.value.errors).toEqual([expect.objectContaining({ code: 'archive_ratio', location: { entry: 'small.txt' } })]);
    expect(maskedOf(m.value)).toEqual([G.masked(A)]);
    expect(m.ms).toBeLessThan(bound(3_000));
    expect(m.rssMiB).toBeLessThan(100);
  });

  it('with the ratio limit lifted, the expansion budget stops the bomb (archive_size) before inflating', async () => {
    const m = await G.measure(() =>
      scanBuffer(G.honestZipBomb(1024, G.cardLine(A)), { filename: 'bomb.zip' }, { limits: { maxRatio: 1_000_000, maxExpandedBytes: 64 * MiB } }),
    );
    expect(m.value.errors).toEqual([expect.objectContaining({ code: 'archive_size', location: { entry: 'zeros.bin' } })]);
    expect(maskedOf(m.value)).toEqual([G.masked(A)]);
    expect(m.ms).toBeLessThan(bound(3_000));
    expect(m.rssMiB).toBeLessThan(100);
  });

  it('a fan-out bomb (8 zips × 8 members × 64 MiB) costs one archive_ratio record per member and nothing inflated', async () => {
    const m = await G.measure(() => scanBuffer(G.fanoutZipBomb(8, 64), { filename: 'fanout.zip' }));
    expect(m.value.errors).toHaveLength(64);
    expect(new Set(codes(m.value))).toEqual(new Set(['archive_ratio']));
    expect(m.value.errors[0]!.location).toEqual({ entry: 'inner-0.zip!/zeros-0.bin' });
    expect(m.ms).toBeLessThan(bound(5_000));
    expect(m.rssMiB).toBeLessThan(150);
  });

  it('zips nested 30 deep: numbers in the first 8 levels found, then archive_depth for what lies deeper', async () => {
    const levelPans = PANS.slice(0, 30);
    const m = await G.measure(() => scanBuffer(G.nestedZips(30, levelPans), { filename: 'nested.zip' }));
    // Level k's members sit at depth k + 1; the default maxDepth is 8.
    expect(maskedOf(m.value)).toEqual(levelPans.slice(0, 8).map(G.masked).sort());
    // The two members of level 8 (its number and level-9.zip) are each refused once.
    expect(codes(m.value)).toEqual(['archive_depth', 'archive_depth']);
    const deepest = `${Array.from({ length: 8 }, (_, k) => `level-${k + 1}.zip`).join('!/')}`;
    expect(m.value.errors.map((e) => e.location?.entry).sort()).toEqual([`${deepest}!/level-9.zip`, `${deepest}!/pan-8.txt`]);
    expect(m.ms).toBeLessThan(bound(3_000));
    expect(m.rssMiB).toBeLessThan(100);
  });

  it('a zip of 100 000 members stops at maxEntries with one archive_entries record; the first member is scanned', async () => {
    const started = performance.now();
    const zip = G.manyEntriesZip(100_000, G.cardLine(A));
    expect(performance.now() - started).toBeLessThan(bound(3_000));
    const m = await G.measure(() => scanBuffer(zip, { filename: 'many.zip' }));
    expect(m.value.errors).toEqual([expect.objectContaining({ code: 'archive_entries' })]);
    expect(maskedOf(m.value)).toEqual([G.masked(A)]);
    expect(m.value.stats.nested).toBe(10_000);
    expect(m.ms).toBeLessThan(bound(15_000));
    expect(m.rssMiB).toBeLessThan(300);
  });

  it('entry names with ../, absolute paths and drive letters are labels only: nothing is written, the cwd is unchanged', async () => {
    const dir = tempDir();
    // Letters only: a long digit run in a member name is masked in locations.
    const marker = `cardhound-traversal-${Math.random().toString(36).replace(/[^a-z]/g, '')}`;
    const names = G.traversalNames(marker);
    const zipPath = join(dir, 'evil.zip');
    writeFileSync(zipPath, G.zipWithNames(names.map((name, i) => [name, G.cardLine(PANS[i]!)])));
    const cwd = process.cwd();
    const before = readdirSync(dir);
    const tmpBefore = readdirSync(tmpdir()).filter((n) => n.includes(marker));

    const m = await G.measure(() => scanFile(zipPath));

    expect(process.cwd()).toBe(cwd);
    expect(readdirSync(dir)).toEqual(before);
    expect(readdirSync(tmpdir()).filter((n) => n.includes(marker))).toEqual(tmpBefore);
    for (const name of names) {
      const base = name.split(/[\\/]/).pop()!;
      for (const place of [resolve(dir, name), resolve(cwd, name), resolve(dir, base), resolve(cwd, base), join('/tmp', base)]) {
        expect(existsSync(place), place).toBe(false);
      }
    }
    expect(m.value.errors).toEqual([]);
    // Each member is found under its own name (backslashes shown as slashes).
    expect(m.value.findings.map((f) => [f.location.entry, f.masked])).toEqual(
      names.map((name, i) => [name.replace(/\\/g, '/'), G.masked(PANS[i]!)]),
    );
    expect(m.ms).toBeLessThan(bound(3_000));
  });
});

// ---------------------------------------------------------------------------------------------
// Hostile XML inside OOXML
// ---------------------------------------------------------------------------------------------

describe('hostile XML in documents', () => {
  const cases: [string, () => Uint8Array, string][] = [
    ['docx with a billion-laughs DTD', () => G.billionLaughsDocx(A), 'laughs.docx'],
    ['docx nested 100 000 elements deep', () => G.deepDocx(100_000, A), 'deep.docx'],
    ['xlsx with a billion-laughs DTD (sheet and shared strings)', () => G.billionLaughsXlsx(A), 'laughs.xlsx'],
    ['xlsx nested 100 000 elements deep', () => G.deepXlsx(100_000, A), 'deep.xlsx'],
  ];
  it.each(cases)('%s completes quickly: scanned, or one typed error', async (_label, make, filename) => {
    const m = await G.measure(() => scanBuffer(make(), { filename }));
    const report = m.value;
    if (report.errors.length === 0) {
      expect(maskedOf(report)).toEqual([G.masked(A)]);
    } else {
      expect(report.errors).toHaveLength(1);
      expect(['corrupt', 'limit', 'unsupported']).toContain(report.errors[0]!.code);
      expect(report.findings.map((f) => f.masked).every((x) => x === G.masked(A))).toBe(true);
    }
    // Entities are never expanded: the text stays the size of the file.
    expect(report.stats.chars).toBeLessThan(10 * MiB);
    expect(m.ms).toBeLessThan(bound(8_000));
    expect(m.rssMiB).toBeLessThan(400);
  });
});

// ---------------------------------------------------------------------------------------------
// Compound files whose chains loop
// ---------------------------------------------------------------------------------------------

describe('an Outlook .msg whose chains loop', () => {
  // Found by the fuzzer: msgreader followed FAT, mini-FAT and directory-tree links with no cycle
  // check and filled the heap until V8 aborted the process. Fixed in src/extract/mail.ts
  // (cycle-safe walkers); in-process here, since a regression would kill the test run only
  // after the heap is gone — the bound below is what catches it first.
  it.each(['directory', 'minifat', 'tree'] as const)('a %s loop: one corrupt record, quickly', async (kind) => {
    const { msgOf } = await import('../fixtures/containers.js');
    const bytes = G.msgWithLoop(msgOf([A, B, C]).bytes, kind);
    const m = await G.measure(() => scanBuffer(bytes, { filename: 'loop.msg' }));
    expect(codes(m.value)).toEqual(['corrupt']);
    expect(m.ms).toBeLessThan(bound(2_000));
    expect(m.rssMiB).toBeLessThan(150);
  });
});

// ---------------------------------------------------------------------------------------------
// Workbooks crafted against SheetJS
// ---------------------------------------------------------------------------------------------

describe('a workbook crafted against a SheetJS weakness', () => {
  const isolated = new G.IsolatedScanner({ hardLimitMs: 10_000, heapMb: 512 });
  afterAll(() => isolated.close());

  // An .xls whose SummaryInformation property set claims 2^31 − 1 properties (92-byte stream)
  // makes SheetJS 0.18.5 (parse_PropertySet) allocate an entry per claimed property until the
  // heap runs out. scanBuffer on the caller's thread runs SheetJS in an isolated worker
  // (src/extract/isolate.ts): that worker dies or is stopped, the caller gets one record.
  it('an .xls claiming 2^31 document properties costs one memory_limit or timeout record, not the process', async () => {
    const bytes = G.xlsWithHugePropertyCount(A);
    const m = await G.measure(() => scanBuffer(bytes, { filename: 'props.xls' }, { limits: { timeoutMs: 5_000 } }));
    expect(m.value.errors).toHaveLength(1);
    expect(['memory_limit', 'timeout']).toContain(m.value.errors[0]!.code);
    expect(m.ms).toBeLessThan(bound(5_000 + 4_000));
  });

  it('the same workbook without the doctored count is read (control)', async () => {
    const wb = G.xlsWithHugePropertyCount(A);
    expect(wb.length).toBeGreaterThan(1000);
    const outcome = await isolated.scanBuffer(makeWorkbook('xls'), 'plain.xls', { limits: { timeoutMs: 5_000 } });
    expect(outcome.kind).toBe('report');
  });
});

// ---------------------------------------------------------------------------------------------
// PDF content streams
// ---------------------------------------------------------------------------------------------

describe('PDF with a huge content stream', () => {
  it('2 MiB of text operators on one page (compressed to a few KiB): both numbers found, bounded', async () => {
    const pdf = G.hugeContentPdf(2, A, B);
    expect(pdf.length).toBeLessThan(MiB);
    const m = await G.measure(() => scanBuffer(pdf, { filename: 'huge.pdf' }));
    expect(m.value.errors).toEqual([]);
    expect(maskedOf(m.value)).toEqual([G.masked(A), G.masked(B)].sort());
    expect(m.ms).toBeLessThan(bound(15_000));
    expect(m.rssMiB).toBeLessThan(400);
  });

  // On the caller's thread pdf.js runs in an isolated worker (src/extract/isolate.ts): one huge
  // page cannot outlast limits.timeoutMs, the worker is terminated and the report says timeout.
  it('scanBuffer stops a single-page PDF that runs past limits.timeoutMs', async () => {
    const pdf = G.hugeContentPdf(3, A, B);
    const m = await G.measure(() => scanBuffer(pdf, { filename: 'huge.pdf' }, { limits: { timeoutMs: 200 } }));
    expect(m.ms).toBeLessThan(3_000);
    expect(codes(m.value)).toEqual(['timeout']);
  });
});

// ---------------------------------------------------------------------------------------------
// Encryption
// ---------------------------------------------------------------------------------------------

describe('password-protected input is reported as encrypted, not scanned as bytes', () => {
  it('PDF with a user password (pdfkit)', async () => {
    const report = await scanBuffer(await makeEncryptedPdf(), { filename: 'locked.pdf' });
    expect(report.errors).toEqual([expect.objectContaining({ code: 'encrypted' })]);
    expect(report.findings).toEqual([]);
  });

  it.each(['locked.docx', 'locked.xlsx', 'locked.pptx', 'no-extension'])(
    'OOXML in an OLE container with EncryptionInfo/EncryptedPackage, named %s',
    async (filename) => {
      const report = await scanBuffer(makeEncryptedOoxml(), { filename });
      expect(report.errors).toEqual([expect.objectContaining({ code: 'encrypted' })]);
      // Not read as binary strings: no segment reached the detector.
      expect(report.stats.segments).toBe(0);
      expect(report.findings).toEqual([]);
    },
  );

  it('zip with one member flagged encrypted: that member is reported, the other one scanned', async () => {
    const zip = markEncrypted(G.zipOf([['secret.txt', G.cardLine(A)], ['open.txt', G.cardLine(B)]]), 'secret.txt');
    const report = await scanBuffer(zip, { filename: 'mixed.zip' });
    expect(report.errors).toEqual([expect.objectContaining({ code: 'encrypted', location: { entry: 'secret.txt' } })]);
    expect(maskedOf(report)).toEqual([G.masked(B)]);
  });
});

// ---------------------------------------------------------------------------------------------
// Text
// ---------------------------------------------------------------------------------------------

describe('hostile text', () => {
  it('a 100 MB line with no newline streams in bounded memory; numbers at its start and end are found', async () => {
    const total = 100 * 1000 * 1000;
    const head = `${G.cardLine(A).trim()} `;
    const tail = ` ${G.cardLine(B).trim()}`;
    const m = await G.measure(() => scanStream(G.oneLineStream(total, head, tail), { filename: 'one-line.log' }));
    expect(m.value.errors).toEqual([]);
    expect(m.value.stats.bytes).toBe(total);
    const found = m.value.findings.map((f) => [f.masked, f.location.line, f.location.offset]);
    expect(found).toEqual([
      [G.masked(A), 1, head.indexOf(A.slice(0, 4))],
      [G.masked(B), 1, total - tail.length + tail.indexOf(B.slice(0, 4))],
    ]);
    expect(m.ms).toBeLessThan(bound(20_000));
    expect(m.rssMiB).toBeLessThan(250);
  });

  it('invalid UTF-8 around card numbers: no throw, every number found', async () => {
    const pans = PANS.slice(10, 15);
    const report = await scanBuffer(G.invalidUtf8(pans), { filename: 'mixed.log' });
    expect(report.errors).toEqual([]);
    expect(maskedOf(report)).toEqual(pans.map(G.masked).sort());
  });

  it('UTF-16 with lone surrogates around card numbers: no throw, every number found', async () => {
    const pans = PANS.slice(15, 19);
    const report = await scanBuffer(G.utf16WithLoneSurrogates(pans), { filename: 'export.txt' });
    expect(report.errors).toEqual([]);
    expect(maskedOf(report)).toEqual(pans.map(G.masked).sort());
  });

  it('scanText with lone surrogates right against the digits', () => {
    const pans = PANS.slice(19, 23);
    const text = pans.map((pan, i) => `${i % 2 ? '\uDFFF' : '\uD800'}card ${pan}${i % 2 ? '\uD800' : '\uDC00'}\n`).join('');
    const findings = scanText(text);
    expect(findings.map((f) => f.masked).sort()).toEqual(pans.map(G.masked).sort());
    for (const f of findings) expect(text.slice(f.location.offset!, f.location.offset! + 16)).toMatch(/^\d{16}$/);
  });

  it('a file name with a lone surrogate and control characters is only a label', async () => {
    const report = await scanBuffer(G.bytesOf(G.cardLine(A)), { filename: 'bad\uD800name\u001b[2J.txt' });
    expect(report.errors).toEqual([]);
    expect(maskedOf(report)).toEqual([G.masked(A)]);
  });
});

// ---------------------------------------------------------------------------------------------
// Sizes
// ---------------------------------------------------------------------------------------------

describe('a sparse 4 GiB file', () => {
  function sparseFile(): string {
    const path = join(tempDir(), 'sparse.bin');
    writeFileSync(path, '');
    // No blocks are allocated: the file reads as 4 GiB of zeros and costs no disk.
    truncateSync(path, 4 * 1024 ** 3);
    return path;
  }

  it('is refused unread as too_large under a smaller maxFileSize', async () => {
    const m = await G.measure(() => scanFile(sparseFile(), { limits: { maxFileSize: 1024 ** 3 } }));
    expect(m.value.errors).toEqual([expect.objectContaining({ code: 'too_large' })]);
    expect(m.value.stats.bytes).toBe(0);
    expect(m.ms).toBeLessThan(bound(1_000));
  });

  it('under the default limits and a short timeout, ends in bounded time and memory with timeout or too_large', async () => {
    // Zeros sniff as binary, which is buffered up to maxBufferSize (512 MiB) before parsing:
    // the time limit (or the buffer limit) ends it, whichever comes first.
    const m = await G.measure(() => scanFile(sparseFile(), { limits: { timeoutMs: 1_500 } }));
    expect(m.value.errors).toHaveLength(1);
    expect(['timeout', 'too_large']).toContain(m.value.errors[0]!.code);
    expect(m.ms).toBeLessThan(bound(1_500 + 4_000));
    expect(m.rssMiB).toBeLessThan(1_200);
  });

  // The size is known from stat: a file that is not streamable text and is larger than
  // `maxBufferSize` is refused after sniffing its first bytes, not after reading it in.
  it('a non-text file over maxBufferSize is refused without reading it into memory', async () => {
    const report = await scanFile(sparseFile(), { limits: { maxBufferSize: 48 * MiB } });
    expect(codes(report)).toEqual(['too_large']);
    expect(report.stats.bytes).toBeLessThanOrEqual(4 * MiB + 64 * 1024);
  });
});
