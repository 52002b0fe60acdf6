/**
 * CSV and TSV (RFC 4180: quoted fields, doubled quotes, line breaks inside quotes). One segment
 * per record holding the record's raw text, so offsets and columns are those of the file, with
 * one field per cell named after its column header. Cell values are never converted: a 19-digit
 * number stays a string of 19 digits.
 */
import type { Location, Segment, SegmentField } from '../types.js';
import {
  chunkEnd,
  countLines,
  decodeForExtract,
  textLimitWarning,
  throwIfAborted,
} from './text.js';
import type { ExtractContext, Extractor, FormatId } from './types.js';

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** A record longer than this is not a table row but a runaway quote or a huge line: stop splitting. */
export const MAX_RECORD_CHARS = 4 * 1024 * 1024;
/** Header cells longer than this mean the first record is data. */
const MAX_HEADER_CELL = 128;
/** Records between abort checks. */
const ABORT_EVERY = 4096;

const DELIMITERS = [0x2c, 0x3b, 0x09, 0x7c]; // , ; TAB |
const SNIFF_CHARS = 64 * 1024;
const SNIFF_LINES = 10;

/**
 * Picks the delimiter of a CSV from its first lines: the candidate (`,` `;` TAB `|`) that occurs
 * on the first line and the same number of times on most of the following lines. Defaults to `,`.
 */
export function sniffDelimiter(text: string): string {
  const end = Math.min(text.length, SNIFF_CHARS);
  const lines: number[][] = [];
  let counts = [0, 0, 0, 0];
  let quoted = false;
  let nonEmpty = false;
  for (let i = 0; i <= end && lines.length < SNIFF_LINES; i++) {
    const c = i < end ? text.charCodeAt(i) : LF;
    if (c === QUOTE) quoted = !quoted;
    else if (!quoted && (c === LF || c === CR)) {
      if (nonEmpty) lines.push(counts);
      counts = [0, 0, 0, 0];
      nonEmpty = false;
      continue;
    } else if (!quoted) {
      const k = DELIMITERS.indexOf(c);
      if (k >= 0) counts[k]!++;
    }
    nonEmpty = true;
  }
  let best = 0;
  let bestScore = 0;
  for (let k = 0; k < DELIMITERS.length; k++) {
    const first = lines[0]?.[k] ?? 0;
    if (first === 0) continue;
    const score = lines.filter((line) => line[k] === first).length;
    if (score > bestScore) {
      best = k;
      bestScore = score;
    }
  }
  return String.fromCharCode(DELIMITERS[best]!);
}

function isNumericCell(value: string): boolean {
  return /\d/.test(value) && !/\p{L}/u.test(value);
}

/** Column names when the first record looks like a header (mostly non-numeric cells), else undefined. */
function headerNames(text: string, bounds: readonly number[]): string[] | undefined {
  const names: string[] = [];
  let nonEmpty = 0;
  let numeric = 0;
  for (let i = 0; i < bounds.length; i += 2) {
    const name = text.slice(bounds[i], bounds[i + 1]).replaceAll('""', '"').trim();
    if (name.length > MAX_HEADER_CELL) return undefined;
    if (name !== '') nonEmpty++;
    if (isNumericCell(name)) numeric++;
    names.push(name);
  }
  return nonEmpty > 0 && numeric * 4 <= nonEmpty ? names : undefined;
}

/**
 * Splits `text` into records. Yields one segment per non-empty record (`at: { row, line }`,
 * 1-based) with a field per cell; from the first record that is longer than
 * {@link MAX_RECORD_CHARS} or would take the cell count past `maxCells`, the rest of the text is
 * yielded as plain line-aligned chunks (`at: { line, offset }`) so nothing goes unscanned.
 */
export function* splitDelimited(text: string, delimiter: string, maxCells: number, sniffHeader = true): Generator<Segment> {
  const delim = delimiter.charCodeAt(0);
  const len = text.length;
  let pos = 0;
  let row = 0;
  let line = 1;
  let linePos = 0;
  let cells = 0;
  let header: string[] | undefined;
  let fallbackFrom = -1;

  while (pos < len) {
    const recStart = pos;
    let recEnd = len;
    const bounds: number[] = [];
    row++;
    for (;;) {
      let valueStart = pos;
      let valueEnd: number;
      if (text.charCodeAt(pos) === QUOTE) {
        valueStart = pos + 1;
        let q = valueStart;
        for (;;) {
          const close = text.indexOf('"', q);
          if (close === -1) {
            valueEnd = len;
            pos = len;
            break;
          }
          if (text.charCodeAt(close + 1) === QUOTE) {
            q = close + 2;
            continue;
          }
          valueEnd = close;
          pos = close + 1;
          break;
        }
        // Stray text after the closing quote stays in the record (and is scanned) but not in the cell.
        while (pos < len) {
          const c = text.charCodeAt(pos);
          if (c === delim || c === LF || c === CR) break;
          pos++;
        }
      } else {
        while (pos < len) {
          const c = text.charCodeAt(pos);
          if (c === delim || c === LF || c === CR) break;
          pos++;
        }
        valueEnd = pos;
      }
      bounds.push(valueStart, valueEnd);
      if (pos - recStart > MAX_RECORD_CHARS || cells + bounds.length / 2 > maxCells) break;
      if (pos >= len) break;
      const c = text.charCodeAt(pos);
      if (c === delim) {
        pos++;
        continue;
      }
      recEnd = pos;
      pos += c === CR && text.charCodeAt(pos + 1) === LF ? 2 : 1;
      break;
    }
    if (pos - recStart > MAX_RECORD_CHARS || cells + bounds.length / 2 > maxCells) {
      fallbackFrom = recStart;
      break;
    }
    cells += bounds.length / 2;
    line += countLines(text, linePos, recStart);
    linePos = recStart;
    if (row === 1 && sniffHeader) header = headerNames(text, bounds);
    if (recEnd === recStart) continue;
    const rowAt: Location = { row };
    const fields: SegmentField[] = new Array(bounds.length / 2);
    for (let i = 0, k = 0; i < bounds.length; i += 2, k++) {
      const name = header?.[k];
      fields[k] =
        name !== undefined && name !== ''
          ? { start: bounds[i]! - recStart, end: bounds[i + 1]! - recStart, name, at: rowAt }
          : { start: bounds[i]! - recStart, end: bounds[i + 1]! - recStart, at: rowAt };
    }
    yield { text: text.slice(recStart, recEnd), at: { row, line }, fields };
  }

  if (fallbackFrom >= 0) {
    line += countLines(text, linePos, fallbackFrom);
    for (let start = fallbackFrom; start < len; ) {
      const end = chunkEnd(text, start, len);
      yield { text: text.slice(start, end), at: { line, offset: start } };
      line += countLines(text, start, end);
      start = end;
    }
  }
}

function delimitedExtractor(id: FormatId, pickDelimiter: (text: string) => string): Extractor {
  return {
    id,
    async *extract(bytes: Uint8Array, ctx: ExtractContext) {
      throwIfAborted(ctx);
      const { text, truncated } = decodeForExtract(bytes, ctx);
      let n = 0;
      for (const segment of splitDelimited(text, pickDelimiter(text), ctx.limits.maxCells)) {
        yield segment;
        if (++n % ABORT_EVERY === 0) throwIfAborted(ctx);
      }
      if (truncated) yield textLimitWarning();
    },
  };
}

/** CSV with the delimiter (`,` `;` TAB `|`) sniffed from the first lines. */
export const csvExtractor: Extractor = delimitedExtractor('csv', sniffDelimiter);

/** Tab-separated values; quoted cells are honoured as in CSV. */
export const tsvExtractor: Extractor = delimitedExtractor('tsv', () => '\t');
