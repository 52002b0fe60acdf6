/**
 * JSON (also NDJSON / JSON Lines and JSON with comments). Never `JSON.parse`d: a 16–19 digit
 * number would lose digits as a double. The raw text is scanned in line-aligned chunks, and a
 * small tolerant tokenizer marks each string and number value with the key it belongs to.
 */
import type { SegmentField } from '../types.js';
import {
  chunkEnd,
  countLines,
  decodeForExtract,
  textLimitWarning,
  throwIfAborted,
} from './text.js';
import type { Extractor } from './types.js';

/** A string or number value: `[start, end)` in the whole text (inside the quotes for strings). */
export interface JsonValue {
  readonly start: number;
  readonly end: number;
  readonly name: string | undefined;
}

interface Frame {
  readonly array: boolean;
  /** Arrays: the key the array belongs to. Objects: the last key read. */
  key: string | undefined;
  /** Objects: a key is expected next. */
  expectKey: boolean;
}

/**
 * Frames kept as objects (with their key) up to this depth. Deeper levels are kept as one byte
 * each (array or object, key expected or not), so nesting costs at most a byte per bracket and
 * values down there are named after the deepest key kept.
 */
const MAX_FRAMES = 1000;
const DEEP_ARRAY = 1;
const DEEP_EXPECT_KEY = 2;

function decodeKey(raw: string): string {
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}

function isNumberChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x45 || c === 0x65;
}

/**
 * Walks JSON text and returns its string and number values in order, each with the key it
 * belongs to (array items: the array's key). Never recurses. Tolerant: on anything it does not
 * understand it stops (`next()` returns undefined from then on) — the text itself is scanned
 * regardless.
 */
export class JsonValueReader {
  private pos = 0;
  private readonly stack: Frame[] = [];
  private deep = new Uint8Array(64);
  private deepLength = 0;
  private stopped = false;

  constructor(private readonly text: string) {}

  private currentName(): string | undefined {
    return this.stack[this.stack.length - 1]?.key;
  }

  private open(array: boolean): void {
    if (this.stack.length < MAX_FRAMES) {
      this.stack.push({ array, key: this.currentName(), expectKey: !array });
      return;
    }
    if (this.deepLength === this.deep.length) {
      const grown = new Uint8Array(this.deep.length * 2);
      grown.set(this.deep);
      this.deep = grown;
    }
    this.deep[this.deepLength++] = array ? DEEP_ARRAY : DEEP_EXPECT_KEY;
  }

  /** Closes the innermost container; false when the bracket does not match it. */
  private close(array: boolean): boolean {
    if (this.deepLength > 0) {
      if ((this.deep[this.deepLength - 1]! & DEEP_ARRAY) !== (array ? DEEP_ARRAY : 0)) return false;
      this.deepLength--;
      return true;
    }
    const top = this.stack[this.stack.length - 1];
    if (top === undefined || top.array !== array) return false;
    this.stack.pop();
    return true;
  }

  /** Whether the innermost container is an object; undefined at the top level. */
  private inObject(): boolean | undefined {
    if (this.deepLength > 0) return (this.deep[this.deepLength - 1]! & DEEP_ARRAY) === 0;
    const top = this.stack[this.stack.length - 1];
    return top === undefined ? undefined : !top.array;
  }

  private expectingKey(): boolean {
    if (this.deepLength > 0) return (this.deep[this.deepLength - 1]! & DEEP_EXPECT_KEY) !== 0;
    return this.stack[this.stack.length - 1]?.expectKey === true;
  }

  private setExpectKey(expect: boolean): void {
    if (this.deepLength > 0) {
      const i = this.deepLength - 1;
      this.deep[i] = expect ? this.deep[i]! | DEEP_EXPECT_KEY : this.deep[i]! & ~DEEP_EXPECT_KEY;
    } else {
      const top = this.stack[this.stack.length - 1];
      if (top) top.expectKey = expect;
    }
  }

  /** The next value, or undefined at the end or once the tokenizer is confused. */
  next(): JsonValue | undefined {
    const text = this.text;
    const len = text.length;
    while (!this.stopped) {
      let pos = this.pos;
      let c = text.charCodeAt(pos);
      while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = text.charCodeAt(++pos);
      if (pos >= len) {
        this.pos = pos;
        return undefined;
      }
      switch (c) {
        case 0x7b: // {
        case 0x5b: // [
          this.open(c === 0x5b);
          this.pos = pos + 1;
          continue;
        case 0x7d: // }
        case 0x5d: // ]
          if (!this.close(c === 0x5d)) return this.stop();
          this.pos = pos + 1;
          continue;
        case 0x2c: // ,
          if (this.inObject()) this.setExpectKey(true);
          this.pos = pos + 1;
          continue;
        case 0x3a: // :
          if (!this.inObject() || this.expectingKey()) return this.stop();
          this.pos = pos + 1;
          continue;
        case 0x22: {
          // "
          let close = text.indexOf('"', pos + 1);
          while (close !== -1) {
            let backslashes = 0;
            while (text.charCodeAt(close - 1 - backslashes) === 0x5c) backslashes++;
            if (backslashes % 2 === 0) break;
            close = text.indexOf('"', close + 1);
          }
          if (close === -1) return this.stop();
          this.pos = close + 1;
          if (this.inObject() && this.expectingKey()) {
            this.setExpectKey(false);
            if (this.deepLength === 0) this.stack[this.stack.length - 1]!.key = decodeKey(text.slice(pos + 1, close));
            continue;
          }
          return { start: pos + 1, end: close, name: this.currentName() };
        }
        case 0x2f: {
          // Comments (JSONC): skipped, their text is scanned with the rest.
          const next = text.charCodeAt(pos + 1);
          if (next === 0x2f) {
            const eol = text.indexOf('\n', pos + 2);
            this.pos = eol === -1 ? len : eol + 1;
          } else if (next === 0x2a) {
            const close = text.indexOf('*/', pos + 2);
            this.pos = close === -1 ? len : close + 2;
          } else return this.stop();
          continue;
        }
        default: {
          if (isNumberChar(c)) {
            let end = pos + 1;
            while (end < len && isNumberChar(text.charCodeAt(end))) end++;
            this.pos = end;
            return { start: pos, end, name: this.currentName() };
          }
          // true / false / null: no value worth naming.
          if (c === 0x74 || c === 0x66 || c === 0x6e) {
            let end = pos + 1;
            while (end < len && text.charCodeAt(end) >= 0x61 && text.charCodeAt(end) <= 0x7a) end++;
            const word = text.slice(pos, end);
            if (word !== 'true' && word !== 'false' && word !== 'null') return this.stop();
            this.pos = end;
            continue;
          }
          return this.stop();
        }
      }
    }
    return undefined;
  }

  private stop(): undefined {
    this.stopped = true;
    return undefined;
  }
}

/** Values between abort checks inside one chunk. */
const ABORT_EVERY = 65536;

/**
 * JSON as text in chunks of about 1 MiB cut at line breaks (`at: { line, offset }` of the chunk
 * start; the scanner adds positions within the chunk), each with a field per value it contains.
 */
export const jsonExtractor: Extractor = {
  id: 'json',
  async *extract(bytes, ctx) {
    throwIfAborted(ctx);
    const { text, truncated } = decodeForExtract(bytes, ctx);
    const reader = new JsonValueReader(text);
    let pending = reader.next();
    let line = 1;
    let values = 0;
    for (let start = 0; start < text.length; ) {
      throwIfAborted(ctx);
      const end = chunkEnd(text, start, text.length);
      const fields: SegmentField[] = [];
      while (pending && pending.start < end) {
        // A value cut by the chunk boundary is named in both chunks, each for its own part.
        const from = Math.max(pending.start, start);
        const to = Math.min(pending.end, end);
        if (to > from || pending.start === pending.end) {
          fields.push(
            pending.name === undefined
              ? { start: from - start, end: to - start }
              : { start: from - start, end: to - start, name: pending.name },
          );
        }
        if (pending.end > end) break;
        pending = reader.next();
        if (++values % ABORT_EVERY === 0) throwIfAborted(ctx);
      }
      yield fields.length > 0
        ? { text: text.slice(start, end), at: { line, offset: start }, fields }
        : { text: text.slice(start, end), at: { line, offset: start } };
      line += countLines(text, start, end);
      start = end;
    }
    if (truncated) yield textLimitWarning();
  },
};
