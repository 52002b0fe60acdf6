/**
 * Splitting one scan across machines: every file belongs to exactly one of `count` shards,
 * decided by a stable hash of its path relative to the scan root, so N pods given the same
 * arguments scan disjoint sets whose union is the whole share, with no coordination.
 */
import { OptionsError } from '../options.js';

/** A shard as in `ScanOptions.shard`: `index` is 0-based. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

const encoder = new TextEncoder();

/**
 * 32-bit FNV-1a over the UTF-8 bytes of `text`. Chosen because it is tiny, fast, has no
 * dependency and is the same on every platform and Node version (unlike, say, a salted hash).
 */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of encoder.encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** Whether the file at `relPath` (relative to its root, `/`-separated) belongs to `shard`. */
export function inShard(relPath: string, shard: Shard | undefined): boolean {
  if (shard === undefined || shard.count === 1) return true;
  return fnv1a32(relPath) % shard.count === shard.index;
}

/** Validates `ScanOptions.shard`; throws {@link OptionsError}. */
export function checkShard(shard: Shard | undefined): Shard | undefined {
  if (shard === undefined) return undefined;
  const { index, count } = shard;
  if (!Number.isInteger(count) || count < 1) throw new OptionsError('shard.count must be a positive integer');
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new OptionsError('shard.index must be an integer from 0 to shard.count - 1');
  }
  return Object.freeze({ index, count });
}

/** Parses the CLI form `i/n` (1-based: `2/4` is the second of four) into a 0-based {@link Shard}. */
export function parseShard(text: string): Shard {
  const match = /^(\d{1,9})\/(\d{1,9})$/.exec(text.trim());
  if (!match) throw new OptionsError(`--shard expects i/n, e.g. 2/4 (got "${text}")`);
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || index < 1 || index > count) {
    throw new OptionsError(`--shard ${text}: i must be from 1 to n`);
  }
  return { index: index - 1, count };
}
