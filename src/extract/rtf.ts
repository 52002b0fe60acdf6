/**
 * RTF to plain text, hand-written (no maintained RTF library fits): control words dropped,
 * tables, pictures and other non-text destinations skipped, paragraph/cell/tab marks turned into
 * line breaks and tabs, `\'hh` and `\uN` escapes decoded, `\bin` payloads stepped over.
 */
import iconv from 'iconv-lite';
import type { ExtractContext, Extractor } from './types.js';
import { textLimitWarning, throwIfAborted } from './text.js';

/** Groups tracked; deeper groups inherit the deepest tracked state. */
export const MAX_RTF_DEPTH = 1000;
/** Source characters between abort checks. */
const ABORT_EVERY = 1 << 20;

/** Destinations that hold no document text (fonts, colours, styles, pictures, binary objects …). */
const SKIP_DESTINATIONS = new Set([
  'fonttbl',
  'colortbl',
  'stylesheet',
  'listtable',
  'listoverridetable',
  'rsidtbl',
  'generator',
  'themedata',
  'colorschememapping',
  'datastore',
  'latentstyles',
  'xmlnstbl',
  'filetbl',
  'revtbl',
  'pict',
  'objdata',
  'fldinst',
  'bkmkstart',
  'bkmkend',
]);

const WORD_TEXT: ReadonlyMap<string, string> = new Map(Object.entries({
  par: '\n',
  line: '\n',
  sect: '\n',
  page: '\n',
  row: '\n',
  cell: '\t',
  nestcell: '\t',
  tab: '\t',
  emdash: '\u2014',
  endash: '\u2013',
  bullet: '\u2022',
  lquote: '\u2018',
  rquote: '\u2019',
  ldblquote: '\u201c',
  rdblquote: '\u201d',
  emspace: ' ',
  enspace: ' ',
  qmspace: ' ',
}));

function isLetter(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/** How `\'hh` bytes become text: a 256-entry table for single-byte code pages, else iconv. */
interface Codepage {
  readonly table?: string;
  readonly name: string;
}

const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

function codepage(n: number): Codepage {
  const name = n === 65001 ? 'utf8' : iconv.encodingExists(`cp${n}`) ? `cp${n}` : 'win1252';
  const table = name === 'utf8' ? '' : iconv.decode(ALL_BYTES, name);
  // Double-byte code pages (932, 936, 949, 950) decode lead bytes in pairs: no table.
  return table.length === 256 ? { table, name } : { name };
}

const WIN1252 = codepage(1252);

/**
 * Converts RTF source (one character per byte) to text, at most `maxChars` characters.
 * `truncated` tells that the limit cut it short.
 */
export function rtfToText(
  source: string,
  maxChars: number,
  onProgress?: () => void,
): { text: string; truncated: boolean } {
  const parts: string[] = [];
  let chars = 0;
  let truncated = false;
  const out = (s: string): void => {
    if (truncated || s === '') return;
    if (chars + s.length > maxChars) {
      s = s.slice(0, maxChars - chars);
      truncated = true;
    }
    chars += s.length;
    parts.push(s);
  };

  // Group state: skipping (non-text destination) and \ucN (characters to skip after \uN).
  const skipStack: boolean[] = [false];
  const ucStack: number[] = [1];
  let overflow = 0;
  let skip = false;
  let uc = 1;
  let pendingSkip = 0;
  let page = WIN1252;
  const hexBytes: number[] = [];

  const flushHex = (): void => {
    if (hexBytes.length === 0) return;
    if (!skip) {
      const table = page.table;
      if (table !== undefined) {
        let s = '';
        for (const b of hexBytes) s += table[b];
        out(s);
      } else out(iconv.decode(Buffer.from(hexBytes), page.name));
    }
    hexBytes.length = 0;
  };

  const len = source.length;
  let i = 0;
  let nextProgress = ABORT_EVERY;
  while (i < len && !truncated) {
    if (i >= nextProgress) {
      onProgress?.();
      nextProgress = i + ABORT_EVERY;
    }
    const c = source.charCodeAt(i);
    if (c === 0x7b) {
      // {
      flushHex();
      pendingSkip = 0;
      if (skipStack.length >= MAX_RTF_DEPTH) overflow++;
      else {
        skipStack.push(skip);
        ucStack.push(uc);
      }
      i++;
      if (source.startsWith('\\*', i)) skip = true;
      continue;
    }
    if (c === 0x7d) {
      // }
      flushHex();
      pendingSkip = 0;
      if (overflow > 0) overflow--;
      else if (skipStack.length > 1) {
        skip = skipStack.pop()!;
        uc = ucStack.pop()!;
      }
      i++;
      continue;
    }
    if (c === 0x5c) {
      // backslash
      const d = source.charCodeAt(i + 1);
      if (d === 0x27) {
        // \'hh
        const hi = hexValue(source.charCodeAt(i + 2));
        const lo = hexValue(source.charCodeAt(i + 3));
        i += 4;
        if (hi < 0 || lo < 0) continue;
        if (pendingSkip > 0) pendingSkip--;
        else hexBytes.push(hi * 16 + lo);
        continue;
      }
      flushHex();
      if (isLetter(d)) {
        let j = i + 1;
        while (j < len && j - i <= 32 && isLetter(source.charCodeAt(j))) j++;
        const word = source.slice(i + 1, j);
        let param: number | undefined;
        let k = j;
        if (source.charCodeAt(k) === 0x2d && isDigit(source.charCodeAt(k + 1))) k++;
        while (k < len && k - j <= 11 && isDigit(source.charCodeAt(k))) k++;
        if (k > j) param = Number(source.slice(j, k));
        if (source.charCodeAt(k) === 0x20) k++;
        i = k;
        if (word === 'bin') {
          // Binary payload: its bytes may contain braces and backslashes, so jump over it.
          i = Math.min(len, i + Math.max(0, param ?? 0));
          continue;
        }
        if (pendingSkip > 0) {
          pendingSkip--;
          continue;
        }
        if (word === 'u' && param !== undefined) {
          if (!skip) out(String.fromCharCode(param < 0 ? param + 0x10000 : param & 0xffff));
          pendingSkip = uc;
        } else if (word === 'uc' && param !== undefined) {
          uc = Math.max(0, Math.min(param, 8));
        } else if (word === 'ansicpg' && param !== undefined) {
          page = codepage(param);
        } else if (SKIP_DESTINATIONS.has(word)) {
          skip = true;
        } else if (!skip) {
          const mapped = WORD_TEXT.get(word);
          if (mapped !== undefined) out(mapped);
        }
        continue;
      }
      // Control symbols.
      i += 2;
      if (pendingSkip > 0) {
        pendingSkip--;
        continue;
      }
      if (skip) continue;
      if (d === 0x5c || d === 0x7b || d === 0x7d) out(String.fromCharCode(d));
      else if (d === 0x7e) out('\u00a0');
      else if (d === 0x5f) out('-');
      else if (d === 0x0a || d === 0x0d) out('\n');
      continue;
    }
    if (c === 0x0a || c === 0x0d) {
      // Line breaks in RTF source are not text.
      i++;
      continue;
    }
    flushHex();
    if (pendingSkip > 0) {
      pendingSkip--;
      i++;
      continue;
    }
    let j = i + 1;
    while (j < len) {
      const e = source.charCodeAt(j);
      if (e === 0x7b || e === 0x7d || e === 0x5c || e === 0x0a || e === 0x0d) break;
      j++;
    }
    if (!skip) out(source.slice(i, j));
    i = j;
  }
  flushHex();
  return { text: parts.join(''), truncated };
}

/** RTF documents: one segment with the document's text (`at: {}`). */
export const rtfExtractor: Extractor = {
  id: 'rtf',
  async *extract(bytes: Uint8Array, ctx: ExtractContext) {
    throwIfAborted(ctx);
    // One character per byte, so `\bin N` can skip N characters; raw 8-bit text is cp1252.
    const source = iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'win1252');
    const { text, truncated } = rtfToText(source, ctx.limits.maxTextChars, () => throwIfAborted(ctx));
    if (text.length > 0) yield { text, at: {} };
    if (truncated) yield textLimitWarning();
  },
};
