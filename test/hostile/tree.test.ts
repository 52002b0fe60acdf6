/**
 * Hostile trees through `scan()` (worker threads running the built `dist/worker.js`; the test
 * command builds first): special files, link loops, files that vanish or cannot be read, a
 * parser stuck in one huge PDF page, a sparse 4 GiB file, and a folder holding every hostile
 * file of files.test.ts next to ordinary files. In every case the scan completes, the ordinary
 * files' numbers are all reported, and each bad file costs exactly the records stated.
 */
import { chmodSync, mkdirSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanFile } from '../../src/scanner.js';
import type { ScanOptions } from '../../src/types.js';
import { scan, scanWith } from '../../src/walk/scan.js';
import { markEncrypted } from '../fixtures/containers.js';
import { makeDocx, makeEncryptedPdf, makePdf, makeWorkbook } from '../fixtures/documents.js';
import { collect } from '../walk/fixtures.js';
import { makeFifo, permissionsEnforced, tempTrees } from '../walk/tree.js';
import * as G from './generate.js';

const tree = tempTrees();

const OPTIONS: ScanOptions = { concurrency: 2 };
const PANS = G.hostilePans(30, 0x7ee);

/** Ordinary files with one number each: they must all be reported whatever their neighbours do. */
function siblings(count: number, offset = 0): Record<string, string> {
  const spec: Record<string, string> = {};
  for (let i = 0; i < count; i++) spec[`ok/file-${i}.txt`] = G.cardLine(PANS[offset + i]!);
  return spec;
}
function expectSiblings(findings: readonly { path?: string; masked: string }[], root: string, count: number, offset = 0): void {
  const expected = Array.from({ length: count }, (_, i) => `${join(root, `ok/file-${i}.txt`)}|${G.masked(PANS[offset + i]!)}`);
  const got = findings.filter((f) => f.path!.startsWith(join(root, 'ok'))).map((f) => `${f.path}|${f.masked}`);
  expect(got.sort()).toEqual(expected.sort());
}

describe('special files and links', () => {
  it.each([false, true])('FIFOs, device links and symlink loops are passed over without blocking (followSymlinks: %s)', async (follow) => {
    const root = tree(siblings(4));
    const fifo = makeFifo(join(root, 'pipe'));
    makeFifo(join(root, 'ok', 'nested-pipe'));
    symlinkSync('/dev/zero', join(root, 'zero'));
    symlinkSync('/dev/urandom', join(root, 'ok', 'random'));
    symlinkSync('.', join(root, 'loop'));
    symlinkSync('..', join(root, 'ok', 'up'));
    symlinkSync('self', join(root, 'self'));
    mkdirSync(join(root, 'a/b'), { recursive: true });
    symlinkSync('../../a', join(root, 'a/b/back'));

    const m = await G.measure(() => collect(scan(root, { ...OPTIONS, followSymlinks: follow })));
    const { findings, errors, summary } = m.value;
    // Every number once: a followed loop re-enters no folder.
    expectSiblings(findings, root, 4);
    expect(findings).toHaveLength(4);
    if (follow) {
      // `self -> self` cannot be resolved: one typed record. Devices and FIFOs are skipped.
      expect(errors.map((e) => [e.path, e.code])).toEqual([[join(root, 'self'), 'io_error']]);
      expect(summary.skipped).toBe(fifo ? 4 : 2);
    } else {
      expect(errors).toEqual([]);
      // Every link (5) and every FIFO (2) skipped unopened.
      expect(summary.skipped).toBe(fifo ? 8 : 6);
    }
    expect(summary.files).toBe(4);
    expect(m.ms).toBeLessThan(10_000);
  });

  it('a FIFO or a device named as an argument is skipped, not opened', async (context) => {
    const root = tree(siblings(1));
    if (!makeFifo(join(root, 'pipe'))) context.skip('mkfifo is not available');
    const m = await G.measure(() => collect(scan([join(root, 'pipe'), '/dev/zero', join(root, 'ok')], OPTIONS)));
    expect(m.value.errors).toEqual([]);
    expect(m.value.summary.skipped).toBe(2);
    expectSiblings(m.value.findings, root, 1);
    expect(m.ms).toBeLessThan(10_000);
    // The per-file API refuses them too, without blocking on the FIFO.
    for (const path of [join(root, 'pipe'), '/dev/zero']) {
      const report = await scanFile(path);
      expect(report.errors.map((e) => e.code)).toEqual(['unsupported']);
    }
  });

  it('a file deleted between listing and reading costs one not_found record', async () => {
    const root = tree({ ...siblings(3), 'gone.txt': G.cardLine(PANS[20]!) });
    const result = await collect(
      scanWith(root, OPTIONS, {
        onParse: (abs) => {
          if (abs.endsWith('gone.txt')) rmSync(abs);
        },
      }),
    );
    expect(result.errors.map((e) => [e.path, e.code])).toEqual([[join(root, 'gone.txt'), 'not_found']]);
    expectSiblings(result.findings, root, 3);
    expect(result.findings).toHaveLength(3);
  });

  it('a file and a folder without read permission cost one permission_denied record each', async (context) => {
    const root = tree({ ...siblings(3), 'secret.txt': G.cardLine(PANS[21]!), 'locked/inner.txt': G.cardLine(PANS[22]!) });
    chmodSync(join(root, 'secret.txt'), 0o000);
    chmodSync(join(root, 'locked'), 0o000);
    const result = await collect(scan(root, OPTIONS));
    // The readable files are reported whether or not permissions are enforced here.
    expectSiblings(result.findings, root, 3);
    if (process.getuid?.() === 0 || !permissionsEnforced()) {
      context.skip('running as root: chmod 000 does not deny reading, so there is nothing to deny');
    }
    expect(result.errors.map((e) => [e.path, e.code]).sort()).toEqual(
      [
        [join(root, 'locked'), 'permission_denied'],
        [join(root, 'secret.txt'), 'permission_denied'],
      ].sort(),
    );
    expect(result.findings).toHaveLength(3);
  });
});

describe('files that cost time or memory', () => {
  it('a PDF page with a 50 MiB content stream is stopped at the time limit; the other files are reported', async () => {
    const root = tree({ ...siblings(4), 'huge.pdf': G.hugeContentPdf(50, PANS[23]!, PANS[24]!) });
    const timeoutMs = 3_000;
    const m = await G.measure(() => collect(scan(root, { ...OPTIONS, limits: { timeoutMs } })));
    expect(m.value.errors).toEqual([expect.objectContaining({ path: join(root, 'huge.pdf'), code: 'timeout' })]);
    expectSiblings(m.value.findings, root, 4);
    expect(m.value.summary).toMatchObject({ files: 4, errors: 1, complete: false });
    // Hard stop = limit + grace (500 ms); the rest is worker start-up on a busy machine.
    expect(m.ms).toBeLessThan(timeoutMs + 500 + 10_000);
    expect(m.rssMiB).toBeLessThan(1_000);
  });

  it('a sparse 4 GiB file: too_large unopened under a smaller maxFileSize; else stopped by the time limit', async () => {
    const root = tree(siblings(2));
    const sparse = join(root, 'sparse.bin');
    writeFileSync(sparse, '');
    truncateSync(sparse, 4 * 1024 ** 3);

    const small = await G.measure(() => collect(scan(root, { ...OPTIONS, limits: { maxFileSize: 1024 ** 3 } })));
    expect(small.value.errors).toEqual([expect.objectContaining({ path: sparse, code: 'too_large' })]);
    expectSiblings(small.value.findings, root, 2);
    expect(small.ms).toBeLessThan(10_000);

    const timeoutMs = 1_500;
    const timed = await G.measure(() => collect(scan(root, { ...OPTIONS, limits: { timeoutMs } })));
    expect(timed.value.errors).toHaveLength(1);
    expect(timed.value.errors[0]!.path).toBe(sparse);
    expect(['timeout', 'too_large']).toContain(timed.value.errors[0]!.code);
    expectSiblings(timed.value.findings, root, 2);
    expect(timed.ms).toBeLessThan(timeoutMs + 500 + 10_000);
    expect(timed.rssMiB).toBeLessThan(1_000);
  });
});

describe('a share full of hostile files', () => {
  it('every hostile file costs its own records; every ordinary file is still reported', async () => {
    const [a, b, c] = PANS.slice(25, 28) as [string, string, string];
    const docx = await makeDocx();
    const xlsx = makeWorkbook('xlsx');
    const pdf = await makePdf();
    const root = tree({
      ...siblings(6),
      'bad/truncated.pdf': G.truncated(pdf, 0.5),
      'bad/truncated.xlsx': G.truncated(xlsx, 0.3),
      'bad/noise.docx': G.corrupted(docx, 0.2),
      'bad/not-a-zip.zip': G.noise(4096, 5).map((b, i) => (i < 4 ? [0x50, 0x4b, 0x03, 0x04][i]! : b)),
      'bad/bomb.zip': G.honestZipBomb(1024),
      'bad/liar.zip': G.lyingZipBomb(256),
      'bad/nested.zip': G.nestedZips(30, []),
      'bad/many.zip': G.manyEntriesZip(20_000),
      'bad/evil-names.zip': G.zipWithNames(G.traversalNames('evil').map((n) => [n, 'nothing here\n'])),
      'bad/laughs.docx': G.billionLaughsDocx(a),
      'bad/deep.xlsx': G.deepXlsx(100_000, b),
      'bad/locked.pdf': await makeEncryptedPdf(),
      'bad/locked-member.zip': markEncrypted(G.zipOf([['secret.txt', G.cardLine(c)]]), 'secret.txt'),
      'bad/mixed.log': G.invalidUtf8([c]),
      'bad/random.xlsx': G.noise(64 * 1024, 9),
    });
    const m = await G.measure(() => collect(scan(root, { ...OPTIONS, limits: { timeoutMs: 20_000 } })));
    const { findings, errors, summary } = m.value;
    expectSiblings(findings, root, 6);

    const byFile = new Map<string, string[]>();
    for (const e of errors.filter((e) => !e.path.endsWith('laughs.docx'))) byFile.set(e.path.slice(root.length + 1), [...(byFile.get(e.path.slice(root.length + 1)) ?? []), e.code]);
    expect(Object.fromEntries([...byFile].map(([file, list]) => [file, list.sort()]))).toEqual({
      'bad/truncated.pdf': ['corrupt'],
      'bad/truncated.xlsx': ['corrupt'],
      'bad/noise.docx': ['corrupt'],
      'bad/not-a-zip.zip': ['corrupt'],
      'bad/bomb.zip': ['archive_ratio'],
      'bad/liar.zip': ['archive_ratio'],
      'bad/nested.zip': ['archive_depth'], // level 8 holds only level-9.zip
      'bad/many.zip': ['archive_entries'],
      'bad/locked.pdf': ['encrypted'],
      'bad/locked-member.zip': ['encrypted'],
    });
    // The billion-laughs docx: its entity is never expanded; the document is read (its number
    // found) or refused as corrupt, depending on the XML reader.
    const laughs = errors.filter((e) => e.path.endsWith('laughs.docx')).map((e) => e.code);
    if (laughs.length > 0) expect(laughs).toEqual(['corrupt']);
    else expect(findings.map((f) => `${f.path!.slice(root.length + 1)}|${f.masked}`)).toContain(`bad/laughs.docx|${G.masked(a)}`);
    // Readable parts of hostile files are still scanned.
    const hostileFound = findings.filter((f) => f.path!.includes(`${root}/bad/`)).map((f) => `${f.path!.slice(root.length + 1)}|${f.masked}`);
    expect(hostileFound).toContain(`bad/deep.xlsx|${G.masked(b)}`);
    expect(hostileFound).toContain(`bad/mixed.log|${G.masked(c)}`);
    expect(summary).toMatchObject({ errors: errors.length, complete: false, aborted: false });
    expect(m.ms).toBeLessThan(30_000);
    expect(m.rssMiB).toBeLessThan(1_000);
  });
});
