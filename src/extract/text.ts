/**
 * Plain text, plus the helpers every text-family extractor shares: bounded decoding, abort
 * checks, the "text limit reached" warning and cutting big texts into line-aligned chunks.
 */
import { ExtractError } from '../errors.js';
import type { ExtractWarning } from '../types.js';
import { decodeBounded, type TextEncoding } from './decode.js';
import type { ExtractContext, Extractor } from './types.js';

/** Throws `ExtractError('aborted')` once the caller's signal has fired. */
export function throwIfAborted(ctx: ExtractContext): void {
  if (ctx.signal?.aborted) throw new ExtractError('aborted', 'scan aborted');
}

/**
 * Decodes `bytes` within `maxChars` (default `ctx.limits.maxTextChars`: right when the decoded
 * text is what gets scanned; markup passes a larger bound and limits its extracted text
 * instead). `truncated` says text was left out.
 */
export function decodeForExtract(
  bytes: Uint8Array,
  ctx: ExtractContext,
  maxChars = ctx.limits.maxTextChars,
): { text: string; encoding: TextEncoding; truncated: boolean } {
  return decodeBounded(bytes, maxChars, ctx.signal);
}

/** The warning an extractor yields when it stops at `maxTextChars`. */
export function textLimitWarning(): ExtractWarning {
  return { kind: 'error', code: 'limit', message: 'text limit reached: the rest of the file was not scanned' };
}

/** Number of `\n` in `text` between `from` (inclusive) and `to` (exclusive). */
export function countLines(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

/** Default size of the chunks big texts are cut into. */
export const CHUNK_CHARS = 1024 * 1024;

/** How far back from the chunk size a cut may move to land on a line break. */
const CUT_SLACK = 256 * 1024;

function isCardish(code: number): boolean {
  // Digits and the separators cards are printed with: never cut between these.
  return (code >= 0x30 && code <= 0x39) || code === 0x20 || code === 0x2d || code === 0x2e || code === 0xa0;
}

/**
 * Where to end a chunk that starts at `start`: just after a line break near `start + size`, or,
 * on a long line, after a character that cannot be part of a printed card number (preferably
 * the end of a word), so any number starts whole in the next chunk. Never beyond `end`.
 */
export function chunkEnd(text: string, start: number, end: number, size = CHUNK_CHARS): number {
  const target = start + size;
  if (target >= end) return end;
  const floor = Math.max(start + 1, target - CUT_SLACK);
  const newline = text.lastIndexOf('\n', target - 1);
  if (newline >= floor) return newline + 1;
  let anySafe = -1;
  for (let i = target; i >= floor; i--) {
    if (isCardish(text.charCodeAt(i - 1))) continue;
    const next = text.charCodeAt(i);
    if (next === 0x20 || next === 0x09) return i;
    if (anySafe < 0) anySafe = i;
  }
  return anySafe > 0 ? anySafe : target;
}

/**
 * Plain text already in memory: one segment holding the whole (decoded) file, unchanged, so the
 * scanner's offsets, lines and columns are exact. Stops at `maxTextChars` with a warning.
 */
export const textExtractor: Extractor = {
  id: 'text',
  async *extract(bytes, ctx) {
    throwIfAborted(ctx);
    const { text, truncated } = decodeForExtract(bytes, ctx);
    if (text.length > 0) yield { text, at: {} };
    if (truncated) yield textLimitWarning();
  },
};
