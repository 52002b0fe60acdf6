import { deflateSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { ExtractError } from '../../src/errors.js';
import { gzipExtractor, tarExtractor, zipExtractor } from '../../src/extract/archive.js';
import type { ExtractItem, ExtractWarning, NestedInput } from '../../src/types.js';
import { makePans, rng } from '../support/cards.js';
import {
  bytesOf,
  gzipFrame,
  gzipOf,
  markEncrypted,
  paxRecord,
  rawZip,
  tarOf,
  zerosDeflate,
  zipOf,
} from '../fixtures/containers.js';
import { ctx, run } from '../support/extract.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const dec = new TextDecoder();


const nested = (items: readonly ExtractItem[]): NestedInput[] =>
  items.filter((i): i is NestedInput => 'kind' in i && i.kind === 'nested');
const warnings = (items: readonly ExtractItem[]): ExtractWarning[] =>
  items.filter((i): i is ExtractWarning => 'kind' in i && i.kind === 'error');
const names = (items: readonly ExtractItem[]): string[] => nested(items).map((n) => n.name);
const text = (n: NestedInput | undefined): string => dec.decode(n?.bytes);

/** Bytes that do not compress, so a truncation point lands inside a known member. */
function noise(length: number, seed: number): Uint8Array {
  const random = rng(seed);
  return Uint8Array.from({ length }, () => Math.floor(random() * 256));
}

function expectCode(error: unknown, code: string): void {
  expect(error).toBeInstanceOf(ExtractError);
  expect((error as ExtractError).code).toBe(code);
}

const pans = makePans(4, 42);

describe('zipExtractor', () => {
  it('yields every file with its bytes, skips folders and keeps hostile names as names', async () => {
    const zip = zipOf([
      ['docs/', ''],
      ['docs/cards.txt', `card ${pans[0]}\n`],
      ['../../etc/evil.txt', 'dot-dot'],
      ['/abs/path.txt', 'absolute'],
      ['win\\style\\name.csv', `pan\n${pans[1]}\n`],
      ['stored.bin', noise(300, 1)],
    ]);
    const { items, error } = await run(zipExtractor, zip);
    expect(error).toBeUndefined();
    expect(warnings(items)).toEqual([]);
    expect(names(items)).toEqual([
      'docs/cards.txt',
      '../../etc/evil.txt',
      '/abs/path.txt',
      'win/style/name.csv',
      'stored.bin',
    ]);
    const byName = new Map(nested(items).map((n) => [n.name, n]));
    expect(text(byName.get('docs/cards.txt'))).toBe(`card ${pans[0]}\n`);
    expect(text(byName.get('win/style/name.csv'))).toBe(`pan\n${pans[1]}\n`);
    expect(byName.get('stored.bin')?.bytes).toEqual(noise(300, 1));
  });

  it('reads stored (uncompressed) members', async () => {
    const zip = zipOf([['plain.txt', `stored ${pans[2]}`]], 0);
    const { items } = await run(zipExtractor, zip);
    expect(nested(items).map((n) => [n.name, text(n)])).toEqual([['plain.txt', `stored ${pans[2]}`]]);
  });

  it('members do not share memory with the archive', async () => {
    const zip = zipOf([['a.txt', 'hello']], 0);
    const [member] = nested((await run(zipExtractor, zip)).items);
    expect(member?.bytes.buffer).not.toBe(zip.buffer);
  });

  it('skips a member whose declared ratio exceeds maxRatio and carries on', async () => {
    const zip = zipOf([
      ['zeros.bin', new Uint8Array(5 * MiB)],
      ['after.txt', `still read ${pans[0]}`],
    ]);
    const { items, error } = await run(zipExtractor, zip);
    expect(error).toBeUndefined();
    expect(warnings(items)).toEqual([
      expect.objectContaining({ kind: 'error', code: 'archive_ratio', at: { entry: 'zeros.bin' } }),
    ]);
    expect(names(items)).toEqual(['after.txt']);
  });

  it('stops after maxEntries files with an archive_entries warning', async () => {
    const zip = zipOf(Array.from({ length: 5 }, (_, i) => [`f${i}.txt`, `file ${i}`] as const));
    const { items, error } = await run(zipExtractor, zip, ctx({ limits: { maxEntries: 3 } }));
    expect(error).toBeUndefined();
    expect(names(items)).toEqual(['f0.txt', 'f1.txt', 'f2.txt']);
    expect(items.at(-1)).toEqual(expect.objectContaining({ kind: 'error', code: 'archive_entries' }));
  });

  it('flags an encrypted member and reads the others', async () => {
    const zip = markEncrypted(
      zipOf([
        ['secret.txt', `hidden ${pans[0]}`],
        ['open.txt', 'visible'],
      ]),
      'secret.txt',
    );
    const { items, error } = await run(zipExtractor, zip);
    expect(error).toBeUndefined();
    expect(warnings(items)).toEqual([
      expect.objectContaining({ code: 'encrypted', at: { entry: 'secret.txt' } }),
    ]);
    expect(names(items)).toEqual(['open.txt']);
  });

  it('reports methods it cannot inflate as unsupported', async () => {
    const zip = rawZip([
      { name: 'x.bz2', data: noise(40, 2), method: 12, declaredSize: 100 },
      { name: 'ok.txt', data: bytesOf('ok'), method: 0, declaredSize: 2 },
    ]);
    const { items } = await run(zipExtractor, zip);
    expect(warnings(items)).toEqual([expect.objectContaining({ code: 'unsupported', at: { entry: 'x.bz2' } })]);
    expect(names(items)).toEqual(['ok.txt']);
  });

  it('yields the members before the cut of a truncated zip, then fails as corrupt', async () => {
    const zip = zipOf([
      ['one.txt', `first ${pans[0]}`],
      ['two.bin', noise(4000, 3)],
      ['three.bin', noise(4000, 4)],
    ]);
    const cut = zip.subarray(0, zip.length - 2000 - 100); // inside three.bin's data
    const { items, error } = await run(zipExtractor, cut);
    expectCode(error, 'corrupt');
    expect(names(items)).toEqual(['one.txt', 'two.bin']);
    expect(nested(items)[1]?.bytes).toEqual(noise(4000, 3));
  });

  it('reads every member of a zip cut inside its central directory, then fails as corrupt', async () => {
    const zip = zipOf([
      ['a.txt', 'alpha'],
      ['b.txt', 'bravo'],
    ]);
    const { items, error } = await run(zipExtractor, zip.subarray(0, zip.length - 30));
    expectCode(error, 'corrupt');
    expect(nested(items).map(text)).toEqual(['alpha', 'bravo']);
  });

  it('finds data-descriptor sizes when only local headers are left', async () => {
    const body = `described ${pans[1]}`;
    const zip = rawZip([
      { name: 'd.txt', data: deflateSync(bytesOf(body)), method: 8, declaredSize: body.length, descriptor: true },
      { name: 'e.txt', data: bytesOf('echo'), method: 0, declaredSize: 4 },
    ]);
    const complete = await run(zipExtractor, zip);
    expect(complete.error).toBeUndefined();
    expect(nested(complete.items).map(text)).toEqual([body, 'echo']);
    const truncated = await run(zipExtractor, zip.subarray(0, zip.length - 40));
    expectCode(truncated.error, 'corrupt');
    expect(nested(truncated.items).map(text)).toEqual([body, 'echo']);
  });

  it('reads a zip with data prepended (self-extractor layout)', async () => {
    const zip = zipOf([['inside.txt', 'inside']]);
    const prefixed = new Uint8Array(zip.length + 512);
    prefixed.set(noise(512, 5));
    prefixed.set(zip, 512);
    const { items, error } = await run(zipExtractor, prefixed);
    expect(error).toBeUndefined();
    expect(nested(items).map(text)).toEqual(['inside']);
  });

  it('fails as corrupt on bytes that are not a zip', async () => {
    const { items, error } = await run(zipExtractor, noise(2000, 6));
    expectCode(error, 'corrupt');
    expect(items).toEqual([]);
  });

  it('refuses a bomb that declares 1 GiB without inflating it', async () => {
    const bomb = rawZip([{ name: 'bomb.bin', data: zerosDeflate(1024), method: 8, declaredSize: GiB }]);
    const started = performance.now();
    const { items, error } = await run(zipExtractor, bomb);
    expect(performance.now() - started).toBeLessThan(500);
    expect(error).toBeUndefined();
    expect(items).toEqual([expect.objectContaining({ code: 'archive_ratio', at: { entry: 'bomb.bin' } })]);
    // With the ratio allowed, the remaining budget stops it instead.
    const budgeted = await run(zipExtractor, bomb, ctx({ limits: { maxRatio: 5000 }, expandBudget: 64 * MiB }));
    expect(budgeted.items).toEqual([expect.objectContaining({ code: 'archive_size', at: { entry: 'bomb.bin' } })]);
  });

  it('stops a bomb that lies about its size at the declared size, cheaply', async () => {
    const bomb = rawZip([
      { name: 'liar.bin', data: zerosDeflate(1024), method: 8, declaredSize: 512 * 1024 },
      { name: 'next.txt', data: bytesOf('next'), method: 0, declaredSize: 4 },
    ]);
    const before = process.memoryUsage();
    const started = performance.now();
    const { items, error } = await run(zipExtractor, bomb);
    const elapsed = performance.now() - started;
    const after = process.memoryUsage();
    expect(error).toBeUndefined();
    expect(items[0]).toEqual(expect.objectContaining({ code: 'archive_ratio', at: { entry: 'liar.bin' } }));
    expect(names(items)).toEqual(['next.txt']);
    // Inflating the full 1 GiB takes seconds; stopping at the cap takes a few milliseconds.
    expect(elapsed).toBeLessThan(1000);
    expect(after.rss - before.rss).toBeLessThan(200 * MiB);
  });

  it('shares one expansion budget across members', async () => {
    const zip = zipOf([
      ['a.bin', noise(600 * 1024, 7)],
      ['b.bin', noise(600 * 1024, 8)],
    ]);
    const { items } = await run(zipExtractor, zip, ctx({ expandBudget: MiB }));
    expect(names(items)).toEqual(['a.bin']);
    expect(warnings(items)).toEqual([expect.objectContaining({ code: 'archive_size', at: { entry: 'b.bin' } })]);
  });

  it('yields nothing when archives are turned off', async () => {
    const { items, error } = await run(zipExtractor, zipOf([['a.txt', 'a']]), ctx({ archives: false }));
    expect({ items, error }).toEqual({ items: [] });
  });

  it('stops with `aborted` once the signal fires', async () => {
    const controller = new AbortController();
    controller.abort();
    const { error } = await run(zipExtractor, zipOf([['a.txt', 'a']]), ctx({ signal: controller.signal }));
    expectCode(error, 'aborted');
  });
});

describe('gzipExtractor', () => {
  const content = `log line with ${pans[0]}\n`.repeat(20);

  it('names the member after the file without .gz', async () => {
    const { items } = await run(gzipExtractor, gzipOf(content), ctx({ filename: 'var/log/app.log.gz' }));
    expect(nested(items).map((n) => [n.name, text(n)])).toEqual([['app.log', content]]);
  });

  it('maps .tgz to .tar', async () => {
    const { items } = await run(gzipExtractor, gzipOf('x'), ctx({ filename: 'backup.TGZ' }));
    expect(names(items)).toEqual(['backup.tar']);
  });

  it('falls back on the name recorded in the gzip header, then on `content`', async () => {
    expect(names((await run(gzipExtractor, gzipOf('x', 'dir/orig.csv'))).items)).toEqual(['orig.csv']);
    expect(names((await run(gzipExtractor, gzipOf('x'))).items)).toEqual(['content']);
  });

  it('reads concatenated gzip members as one stream', async () => {
    const a = gzipOf('first part, ');
    const b = gzipOf('second part');
    const joined = new Uint8Array(a.length + b.length);
    joined.set(a);
    joined.set(b, a.length);
    const { items, error } = await run(gzipExtractor, joined, ctx({ filename: 'x.gz' }));
    expect(error).toBeUndefined();
    expect(nested(items).map(text)).toEqual(['first part, second part']);
  });

  it('stops a 1 GiB bomb at the ratio cap, or at the budget, cheaply', async () => {
    const bomb = gzipFrame(zerosDeflate(1024), GiB);
    const started = performance.now();
    const byRatio = await run(gzipExtractor, bomb, ctx({ filename: 'b.gz', limits: { maxRatio: 10 } }));
    expect(performance.now() - started).toBeLessThan(2000);
    expect(byRatio.items).toEqual([expect.objectContaining({ code: 'archive_ratio', at: { entry: 'b' } })]);
    const byBudget = await run(gzipExtractor, bomb, ctx({ filename: 'b.gz', expandBudget: 4 * MiB }));
    expect(byBudget.items).toEqual([expect.objectContaining({ code: 'archive_size', at: { entry: 'b' } })]);
  });

  it('yields the readable head of a truncated gzip, then fails as corrupt', async () => {
    const head = 'A'.repeat(100_000);
    const gz = gzipOf(head + String(noise(200_000, 9)));
    const { items, error } = await run(gzipExtractor, gz.subarray(0, gz.length >> 1), ctx({ filename: 't.gz' }));
    expectCode(error, 'corrupt');
    expect(text(nested(items)[0]).startsWith(head)).toBe(true);
  });

  it('fails as corrupt on bytes that are not gzip', async () => {
    const { items, error } = await run(gzipExtractor, noise(100, 10));
    expectCode(error, 'corrupt');
    expect(items).toEqual([]);
  });

  it('yields nothing when archives are turned off', async () => {
    const { items } = await run(gzipExtractor, gzipOf('x'), ctx({ archives: false }));
    expect(items).toEqual([]);
  });
});

describe('tarExtractor', () => {
  it('yields regular files with ustar prefix and pax path applied, and skips the rest', async () => {
    const tar = tarOf([
      { name: 'top/', type: '5' },
      { name: 'top/a.txt', data: `alpha ${pans[0]}` },
      { name: 'deep.csv', prefix: 'very/long/prefix', data: `pan\n${pans[1]}\n` },
      { name: 'link', type: '2', linkname: 'top/a.txt' },
      { name: 'PaxHeader', type: 'x', data: paxRecord('path', 'pax/überlong-name.txt') },
      { name: 'short-name.txt', data: 'from pax' },
      { name: 'win\\name.txt', data: 'backslash' },
      { name: 'big.bin', data: noise(5000, 11) },
    ]);
    const { items, error } = await run(tarExtractor, tar);
    expect(error).toBeUndefined();
    expect(names(items)).toEqual([
      'top/a.txt',
      'very/long/prefix/deep.csv',
      'pax/überlong-name.txt',
      'win/name.txt',
      'big.bin',
    ]);
    const members = nested(items);
    expect(text(members[1])).toBe(`pan\n${pans[1]}\n`);
    expect(text(members[2])).toBe('from pax');
    expect(members[4]?.bytes).toEqual(noise(5000, 11));
    expect(members[4]?.bytes.buffer).not.toBe(tar.buffer);
  });

  it('stops after maxEntries files', async () => {
    const tar = tarOf(Array.from({ length: 4 }, (_, i) => ({ name: `f${i}`, data: String(i) })));
    const { items } = await run(tarExtractor, tar, ctx({ limits: { maxEntries: 2 } }));
    expect(names(items)).toEqual(['f0', 'f1']);
    expect(items.at(-1)).toEqual(expect.objectContaining({ code: 'archive_entries' }));
  });

  it('skips a member larger than the remaining budget and carries on', async () => {
    const tar = tarOf([
      { name: 'big', data: noise(3000, 12) },
      { name: 'small', data: 'ok' },
    ]);
    const { items } = await run(tarExtractor, tar, ctx({ expandBudget: 1000 }));
    expect(warnings(items)).toEqual([expect.objectContaining({ code: 'archive_size', at: { entry: 'big' } })]);
    expect(names(items)).toEqual(['small']);
  });

  it('yields the members before the cut of a truncated tar, then fails as corrupt', async () => {
    const tar = tarOf([
      { name: 'one', data: 'first' },
      { name: 'two', data: noise(3000, 13) },
    ]);
    const { items, error } = await run(tarExtractor, tar.subarray(0, 512 + 512 + 512 + 1000));
    expectCode(error, 'corrupt');
    expect(names(items)).toEqual(['one']);
  });

  it('fails as corrupt on bytes that are not tar', async () => {
    const { error } = await run(tarExtractor, noise(2048, 14));
    expectCode(error, 'corrupt');
  });

  it('yields nothing when archives are turned off', async () => {
    const { items } = await run(tarExtractor, tarOf([{ name: 'a', data: 'a' }]), ctx({ archives: false }));
    expect(items).toEqual([]);
  });
});
