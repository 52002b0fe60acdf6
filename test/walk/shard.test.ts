import { describe, expect, it } from 'vitest';
import { OptionsError } from '../../src/options.js';
import { checkShard, fnv1a32, inShard, parseShard } from '../../src/walk/shard.js';

describe('fnv1a32', () => {
  // Reference values of 32-bit FNV-1a (http://www.isthe.com/chongo/tech/comp/fnv/).
  it.each([
    ['', 0x811c9dc5],
    ['a', 0xe40c292c],
    ['foobar', 0xbf9cf968],
  ])('%j → %i', (text, hash) => {
    expect(fnv1a32(text)).toBe(hash);
  });

  it('hashes UTF-8 bytes, so the result does not depend on the platform', () => {
    // "é" is C3 A9 in UTF-8: two rounds, not one.
    let expected = 0x811c9dc5;
    for (const byte of [0xc3, 0xa9]) expected = Math.imul(expected ^ byte, 0x01000193) >>> 0;
    expect(fnv1a32('é')).toBe(expected);
  });
});

describe('inShard', () => {
  const paths = Array.from({ length: 2000 }, (_, i) => `dir${i % 37}/sub${i % 5}/file-${i}.txt`);

  it.each([1, 2, 3, 4, 7])('partitions a set exactly into %i shards', (count) => {
    const seen = new Map<string, number>();
    for (let index = 0; index < count; index++) {
      for (const path of paths) {
        if (inShard(path, { index, count })) seen.set(path, (seen.get(path) ?? 0) + 1);
      }
    }
    // Union = all, and every path in exactly one shard.
    expect(seen.size).toBe(paths.length);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
  });

  it('spreads files roughly evenly', () => {
    const sizes = [0, 1, 2, 3].map((index) => paths.filter((path) => inShard(path, { index, count: 4 })).length);
    for (const size of sizes) expect(size).toBeGreaterThan(400);
  });
});

describe('shard options', () => {
  it('parses the 1-based CLI form into a 0-based shard', () => {
    expect(parseShard('2/4')).toEqual({ index: 1, count: 4 });
    expect(parseShard('1/1')).toEqual({ index: 0, count: 1 });
  });

  it.each(['0/4', '5/4', '2', '2/0', 'a/b', '-1/4', '1/2/3'])('rejects %j', (text) => {
    expect(() => parseShard(text)).toThrow(OptionsError);
  });

  it('validates ScanOptions.shard', () => {
    expect(checkShard({ index: 3, count: 4 })).toEqual({ index: 3, count: 4 });
    expect(() => checkShard({ index: 4, count: 4 })).toThrow(OptionsError);
    expect(() => checkShard({ index: 0, count: 0 })).toThrow(OptionsError);
    expect(() => checkShard({ index: 0.5, count: 2 })).toThrow(OptionsError);
  });
});
