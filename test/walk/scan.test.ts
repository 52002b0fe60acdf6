/**
 * `scan()` end to end: real worker threads running the built `dist/worker.js` (the test command
 * builds first), on temporary trees.
 */
import { chmodSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OptionsError } from '../../src/options.js';
import { scan, scanWith } from '../../src/walk/scan.js';
import type { ScanOptions } from '../../src/types.js';
import { leakedPans } from '../support/cards.js';
import { cardLine, collect, masked, pans, WORKER_SIZED } from './fixtures.js';
import { makeFifo, permissionsEnforced, tempTrees } from './tree.js';

const tree = tempTrees();

const savedEnv = { hooks: process.env.CARDHOUND_TEST_HOOKS, key: process.env.CARDHOUND_FINGERPRINT_KEY };
beforeAll(() => {
  process.env.CARDHOUND_TEST_HOOKS = '1';
  delete process.env.CARDHOUND_FINGERPRINT_KEY;
});
afterAll(() => {
  if (savedEnv.hooks === undefined) delete process.env.CARDHOUND_TEST_HOOKS;
  else process.env.CARDHOUND_TEST_HOOKS = savedEnv.hooks;
  if (savedEnv.key !== undefined) process.env.CARDHOUND_FINGERPRINT_KEY = savedEnv.key;
});

const OPTIONS: ScanOptions = { concurrency: 2 };

describe('scan', () => {
  it('reports findings of every file with paths as given, errors as records, and a full summary', async () => {
    const [a, b, c] = pans(3);
    const root = tree({
      'notes.txt': cardLine(a!),
      'sub/deeper/export.csv': `id,comment\n1,"${cardLine(b!).trim()}"\n`,
      'sub/again.txt': cardLine(a!) + cardLine(c!),
      'clean.txt': 'nothing to see here\n',
      // Over the main-thread limit: parsed in a worker.
      'big.log': 'filler line\n'.repeat(8000) + cardLine(b!),
    });
    const fifo = makeFifo(join(root, 'pipe'));
    const result = await collect(scan([root, join(root, 'missing.txt')], OPTIONS));

    const found = result.findings.map((f) => `${f.path}|${f.masked}`).sort();
    expect(found).toEqual(
      [
        `${join(root, 'notes.txt')}|${masked(a!)}`,
        `${join(root, 'sub/again.txt')}|${masked(a!)}`,
        `${join(root, 'sub/again.txt')}|${masked(c!)}`,
        `${join(root, 'sub/deeper/export.csv')}|${masked(b!)}`,
        `${join(root, 'big.log')}|${masked(b!)}`,
      ].sort(),
    );
    // Two workers fingerprint with one key: the same card has one fingerprint across files.
    const ofA = result.findings.filter((f) => f.masked === masked(a!)).map((f) => f.fingerprint);
    expect(new Set(ofA).size).toBe(1);
    expect(result.errors).toEqual([
      { type: 'error', path: join(root, 'missing.txt'), code: 'not_found', message: expect.any(String) },
    ]);
    // One key for the main thread and every worker: b has one fingerprint in both places.
    const ofB = result.findings.filter((f) => f.masked === masked(b!)).map((f) => f.fingerprint);
    expect(ofB).toHaveLength(2);
    expect(new Set(ofB).size).toBe(1);
    expect(result.summary).toMatchObject({
      type: 'summary',
      files: 5,
      skipped: fifo ? 1 : 0,
      errors: 1,
      findings: 5,
      byBrand: expect.any(Object),
      byKind: { pan: 5 },
      complete: false,
      aborted: false,
      fingerprintKey: 'random',
    });
    expect(result.summary.bytes).toBeGreaterThan(96_000);
    expect(result.summary.byConfidence.high).toBe(5);
    expect(result.order.at(-1)).toBe('summary');
  });

  it('masks card numbers in file names wherever a path is reported', async () => {
    const [inName, inText] = pans(2, 17);
    const root = tree({ [`receipt-${inName}.txt`]: cardLine(inText!), [`slow-${inName}__cardhound_hang__.txt`]: WORKER_SIZED });
    const result = await collect(
      scan([root, join(root, `gone-${inName}.txt`)], { ...OPTIONS, progressIntervalMs: 50, limits: { timeoutMs: 500 } }),
    );
    const text = JSON.stringify([...result.findings, ...result.errors, ...result.progress]);
    expect(leakedPans(text, [inName!, inText!])).toEqual([]);
    expect(result.findings.map((f) => f.path)).toEqual([join(root, `receipt-${masked(inName!)}.txt`)]);
    expect(result.errors.map((e) => e.code).sort()).toEqual(['not_found', 'timeout']);
    expect(result.progress.some((p) => p.type === 'progress' && p.current?.includes('slow-'))).toBe(true);
  });

  it('says complete when every file was read', async () => {
    const root = tree({ 'a.txt': 'hello\n', 'b.txt': 'world\n' });
    const { summary, errors } = await collect(scan(root, OPTIONS));
    expect(errors).toEqual([]);
    expect(summary).toMatchObject({ files: 2, bytes: 12, findings: 0, complete: true, aborted: false });
  });

  it('turns a parser that hangs into one timeout record; every other file is still reported', async () => {
    const list = pans(5, 21);
    const spec: Record<string, string> = { 'stuck__cardhound_hang__.txt': WORKER_SIZED };
    list.forEach((pan, i) => (spec[`f${i}.txt`] = cardLine(pan)));
    const root = tree(spec);
    const started = performance.now();
    const result = await collect(scan(root, { ...OPTIONS, limits: { timeoutMs: 1500 } }));
    expect(result.errors).toEqual([
      { type: 'error', path: join(root, 'stuck__cardhound_hang__.txt'), code: 'timeout', message: expect.stringContaining('1.5 s') },
    ]);
    expect(result.findings.map((f) => f.masked).sort()).toEqual(list.map(masked).sort());
    expect(result.summary).toMatchObject({ files: 5, errors: 1, findings: 5, complete: false });
    // Killed after 1.5 s plus the grace period, not left running.
    expect(performance.now() - started).toBeLessThan(15_000);
  });

  it('parses small plain text on the main thread and everything else in a worker', async () => {
    // The hang hook lives in the worker only: which file hangs tells where it was parsed.
    const root = tree({
      'small__cardhound_hang__.txt': 'plain small text\n',
      'binary__cardhound_hang__.bin': '\u0000\u0001\u0002 binary',
      'large__cardhound_hang__.txt': WORKER_SIZED,
    });
    const result = await collect(scan(root, { ...OPTIONS, limits: { timeoutMs: 500 } }));
    expect(result.errors.map((e) => e.path).sort()).toEqual([join(root, 'binary__cardhound_hang__.bin'), join(root, 'large__cardhound_hang__.txt')]);
    expect(result.summary.files).toBe(1);
  });

  // Files in the top folder are walked before any sub-folder's: the first ones are scanned on
  // the main thread, so the files under `later/` go to the workers in batches.
  const batchedTree = (trouble: string, count: number, seed: number) => {
    const list = pans(count * 2, seed);
    const spec: Record<string, string> = { [`later/${trouble}`]: 'plain small text\n' };
    list.forEach((pan, i) => (spec[i < count ? `first${i}.txt` : `later/f${i}.txt`] = cardLine(pan)));
    return { root: tree(spec), list };
  };

  it('a small file that hangs inside a batch costs one timeout record; the rest of its batch is scanned again', async () => {
    const { root, list } = batchedTree('mid__cardhound_hang__.txt', 20, 71);
    const result = await collect(scan(root, { ...OPTIONS, limits: { timeoutMs: 1000 } }));
    expect(result.errors.map((e) => [e.path, e.code])).toEqual([[join(root, 'later/mid__cardhound_hang__.txt'), 'timeout']]);
    // Each card exactly once: files of the stopped batch are neither lost nor reported twice.
    expect(result.findings.map((f) => f.masked).sort()).toEqual(list.map(masked).sort());
    expect(result.summary).toMatchObject({ files: 40, errors: 1, findings: 40 });
  });

  it('a small file that blows the heap inside a batch costs one memory_limit record; the rest is scanned', async () => {
    const { root, list } = batchedTree('mid__cardhound_oom__.txt', 20, 73);
    const result = await collect(scanWith(root, { ...OPTIONS, limits: { timeoutMs: 30_000 } }, { workerHeapMb: 32 }));
    expect(result.errors.map((e) => [e.path, e.code])).toEqual([[join(root, 'later/mid__cardhound_oom__.txt'), 'memory_limit']]);
    expect(result.findings.map((f) => f.masked).sort()).toEqual(list.map(masked).sort());
  });

  it('a file that pollutes Object.prototype in a worker does not change how later files there are read', async () => {
    // `order …` is held back at the default threshold; an inherited `minConfidence: 'low'`
    // (what the pollute hook sets) would report it.
    const [card, order] = pans(2, 75);
    const spec: Record<string, string> = { 'later/a__cardhound_pollute__.txt': 'plain\n', 'later/deeper/order.txt': `order number ${order}\n` };
    for (let i = 0; i < 20; i++) spec[`first${i}.txt`] = i === 0 ? cardLine(card!) : 'plain\n';
    const root = tree(spec);
    // One worker: the polluted one scans the order file afterwards (sub-folders are walked after their folder's files).
    const result = await collect(scan(root, { ...OPTIONS, concurrency: 1 }));
    expect(result.errors).toEqual([]);
    expect(result.findings.map((f) => f.masked)).toEqual([masked(card!)]);
  });

  it('turns a heap blow-up into a memory_limit record and goes on', async () => {
    const [pan] = pans(1, 31);
    const root = tree({ 'big__cardhound_oom__.txt': WORKER_SIZED, 'ok.txt': cardLine(pan!) });
    const result = await collect(scanWith(root, { ...OPTIONS, limits: { timeoutMs: 30_000 } }, { workerHeapMb: 32 }));
    expect(result.errors.map((e) => [e.path, e.code])).toEqual([[join(root, 'big__cardhound_oom__.txt'), 'memory_limit']]);
    expect(result.findings.map((f) => f.masked)).toEqual([masked(pan!)]);
  });

  it('reports a file deleted between listing and reading as not_found', async () => {
    const [pan] = pans(1, 41);
    const root = tree({ 'gone.txt': cardLine(pan!), 'kept.txt': cardLine(pan!) });
    const result = await collect(
      scanWith(root, OPTIONS, {
        onParse: (abs) => {
          if (abs.endsWith('gone.txt')) rmSync(abs);
        },
      }),
    );
    expect(result.errors.map((e) => [e.path, e.code])).toEqual([[join(root, 'gone.txt'), 'not_found']]);
    expect(result.findings.map((f) => f.path)).toEqual([join(root, 'kept.txt')]);
    expect(result.summary.files).toBe(1);
  });

  it('reports an unreadable file as permission_denied', async (context) => {
    const root = tree({ 'secret.txt': 'x', 'open.txt': 'y' });
    chmodSync(join(root, 'secret.txt'), 0o000);
    if (!permissionsEnforced()) context.skip('running as root: chmod 000 does not deny reading');
    const result = await collect(scan(root, OPTIONS));
    expect(result.errors.map((e) => [e.path, e.code])).toEqual([[join(root, 'secret.txt'), 'permission_denied']]);
  });

  it('stops promptly on abort, even with a parser stuck, and says so in the summary', async () => {
    const spec: Record<string, string> = { 'a__cardhound_hang__.txt': WORKER_SIZED, 'b__cardhound_hang__.txt': WORKER_SIZED };
    for (let i = 0; i < 40; i++) spec[`many/f${i}.txt`] = 'plain\n';
    const root = tree(spec);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 700);
    const started = performance.now();
    const result = await collect(scan(root, { ...OPTIONS, signal: controller.signal, limits: { timeoutMs: 60_000 } }));
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(result.summary).toMatchObject({ aborted: true, complete: false });
    expect(result.errors.filter((e) => e.code === 'timeout')).toEqual([]);
  });

  it('emits progress events while files are in work', async () => {
    const root = tree({ 'slow__cardhound_hang__.txt': WORKER_SIZED, 'a.txt': 'hello\n' });
    const result = await collect(scan(root, { ...OPTIONS, progressIntervalMs: 100, limits: { timeoutMs: 800 } }));
    expect(result.progress.length).toBeGreaterThanOrEqual(3);
    expect(result.progress.at(-1)).toMatchObject({
      type: 'progress',
      files: expect.any(Number),
      bytes: expect.any(Number),
      findings: 0,
      errors: 0,
      rate: expect.any(Number),
      current: join(root, 'slow__cardhound_hang__.txt'),
    });
  });

  it('pauses while the consumer does not pull (at most 3 × concurrency + 2 tasks in hand, a task being one file or a batch of 16 small ones)', async () => {
    const count = 400;
    const spec: Record<string, string> = {};
    pans(count, 51).forEach((pan, i) => (spec[`f${String(i).padStart(3, '0')}.txt`] = cardLine(pan)));
    const root = tree(spec);
    let parsed = 0;
    const iterator = scanWith(root, OPTIONS, { onParse: () => parsed++ })[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.value?.type).toBe('finding');
    await new Promise((resolve) => setTimeout(resolve, 800));
    // 8 tasks: the main thread's 16 files one by one, then batches of 16.
    expect(parsed).toBeLessThanOrEqual(16 + 8 * 16);
    let rest = 0;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) rest++;
    expect(rest).toBe(count); // count - 1 findings + summary
    expect(parsed).toBe(count);
  });

  it('stops its workers when the consumer leaves early', async () => {
    const root = tree({ 'a__cardhound_hang__.txt': WORKER_SIZED, 'b.txt': cardLine(pans(1, 61)[0]!) });
    const started = performance.now();
    for await (const event of scan(root, { ...OPTIONS, limits: { timeoutMs: 60_000 } })) {
      if (event.type === 'finding') break;
    }
    // Leaving the loop terminated the stuck worker instead of waiting 60 s for it.
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('scans only its shard: shards partition the files exactly', async () => {
    const spec: Record<string, string> = {};
    const list = pans(24, 71);
    list.forEach((pan, i) => (spec[`d${i % 4}/f${i}.txt`] = cardLine(pan)));
    const root = tree(spec);
    const parts: string[][] = [];
    for (let index = 0; index < 3; index++) {
      const { findings, summary } = await collect(scan(root, { ...OPTIONS, shard: { index, count: 3 } }));
      parts.push(findings.map((f) => f.path!));
      expect(summary.files).toBe(findings.length);
    }
    const union = parts.flat();
    expect(new Set(union).size).toBe(union.length); // pairwise disjoint
    expect(union.sort()).toEqual(Object.keys(spec).map((rel) => join(root, rel)).sort()); // union = all
  });

  it.each<[string, ScanOptions]>([
    ['concurrency 0', { concurrency: 0 }],
    ['a fractional concurrency', { concurrency: 1.5 }],
    ['a shard index out of range', { shard: { index: 2, count: 2 } }],
    ['a negative progress interval', { progressIntervalMs: -1 }],
    ['include that is not a list of strings', { include: 'x' as unknown as string[] }],
    ['a cache without a fingerprint key', { cacheFile: '/tmp/never-written.json' }],
    ['a bad minConfidence', { minConfidence: 'max' as 'high' }],
  ])('throws OptionsError at once for %s', (_label, options) => {
    expect(() => scan('.', options)).toThrow(OptionsError);
  });
});
