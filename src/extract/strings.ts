/**
 * Printable strings from binary files, like `strings(1)`: runs of at least 8 printable
 * ASCII / Latin-1 bytes, and runs of at least 8 UTF-16LE characters in that range (`x\0y\0…`,
 * how Windows programs and legacy Office files store text); at least 80 % of a run must be ASCII.
 *
 * Positions: each run is a segment with `at.offset` = the BYTE offset of the run in the file.
 * The scanner adds the offset within the run's text, which is exact for single-byte runs; for
 * UTF-16LE runs the in-run part counts characters, so the byte position is
 * `at.offset + 2 × (character offset)`.
 */
import { ExtractError } from '../errors.js';
import type { ExtractItem } from '../types.js';
import { oleStreamNames } from './sniff.js';
import { textLimitWarning, throwIfAborted } from './text.js';
import type { ExtractContext, Extractor } from './types.js';

/** Shortest run reported, in characters. */
export const MIN_RUN = 8;
/** Bytes scanned between abort checks. */
const BLOCK = 16 * 1024 * 1024;

/** Printable bytes: 1 for TAB and 0x20–0x7E, 2 for Latin-1 letters and signs 0xA0–0xFF. */
const PRINTABLE = new Uint8Array(256);
PRINTABLE[0x09] = 1;
for (let b = 0x20; b < 0x7f; b++) PRINTABLE[b] = 1;
for (let b = 0xa0; b <= 0xff; b++) PRINTABLE[b] = 2;

/**
 * Latin-1 bytes are as frequent as ASCII ones in compressed or random data, where they would
 * turn about a third of the bytes into "strings". Real Latin-1 text is mostly ASCII, so a run
 * needs at least 80 % ASCII characters to count.
 */
function mostlyAscii(ascii: number, length: number): boolean {
  return ascii * 5 >= length * 4;
}

/** A printable run: byte offset in the input and decoded text. */
export interface StringRun {
  readonly offset: number;
  readonly text: string;
}


/**
 * Yields the printable runs of `bytes`: single-byte runs first, then UTF-16LE runs, each in file
 * order. Yields `undefined` after every 16 MiB scanned so callers can check for abort.
 */
export function* printableRuns(bytes: Uint8Array, minLength = MIN_RUN): Generator<StringRun | undefined> {
  const n = bytes.length;
  // Buffer#toString decodes short runs about twice as fast as TextDecoder#decode.
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let start = -1;
  let ascii = 0;
  for (let block = 0; block < n; block += BLOCK) {
    const end = Math.min(n, block + BLOCK);
    for (let i = block; i < end; i++) {
      const kind = PRINTABLE[bytes[i]!];
      if (kind !== 0) {
        if (start < 0) {
          start = i;
          ascii = 0;
        }
        if (kind === 1) ascii++;
      } else if (start >= 0) {
        if (i - start >= minLength && mostlyAscii(ascii, i - start)) {
          yield { offset: start, text: buffer.toString('latin1', start, i) };
        }
        start = -1;
      }
    }
    yield undefined;
  }
  if (start >= 0 && n - start >= minLength && mostlyAscii(ascii, n - start)) {
    yield { offset: start, text: buffer.toString('latin1', start, n) };
  }

  // UTF-16LE: a unit is a printable byte followed by NUL. On a mismatch step one byte, so runs
  // at odd offsets are found too.
  const minBytes = minLength * 2;
  let i = 0;
  let nextBlock = BLOCK;
  while (i + 1 < n) {
    if (i >= nextBlock) {
      yield undefined;
      nextBlock = i + BLOCK;
    }
    if (bytes[i + 1] !== 0 || PRINTABLE[bytes[i]!] === 0) {
      i++;
      continue;
    }
    const runStart = i;
    let asciiUnits = 0;
    for (; i + 1 < n && bytes[i + 1] === 0; i += 2) {
      const kind = PRINTABLE[bytes[i]!];
      if (kind === 0) break;
      if (kind === 1) asciiUnits++;
    }
    const units = (i - runStart) / 2;
    if (units >= minLength && mostlyAscii(asciiUnits, units)) {
      yield { offset: runStart, text: buffer.toString('utf16le', runStart, i) };
    }
  }
}

/** Runs as segments, within `maxTextChars`, checking for abort as it goes. */
async function* stringSegments(bytes: Uint8Array, ctx: ExtractContext): AsyncGenerator<ExtractItem> {
  let chars = 0;
  for (const run of printableRuns(bytes)) {
    if (run === undefined) {
      throwIfAborted(ctx);
      continue;
    }
    if (chars + run.text.length > ctx.limits.maxTextChars) {
      const rest = run.text.slice(0, ctx.limits.maxTextChars - chars);
      if (rest.length > 0) yield { text: rest, at: { offset: run.offset } };
      yield textLimitWarning();
      return;
    }
    chars += run.text.length;
    yield { text: run.text, at: { offset: run.offset } };
  }
}

/** Unknown binary files: printable strings, unless `binaryStrings` is off. */
export const binaryExtractor: Extractor = {
  id: 'binary',
  async *extract(bytes, ctx) {
    throwIfAborted(ctx);
    if (!ctx.binaryStrings) return;
    yield* stringSegments(bytes, ctx);
  },
};

/** Streams that mark a legacy Word or PowerPoint document, whose text strings are the way in. */
const OFFICE_STREAMS = ['WordDocument', 'PowerPoint Document'];

/**
 * OLE2 files without a dedicated extractor: legacy .doc and .ppt (their text is stored as plain
 * 8-bit or UTF-16LE runs, so strings find it) and unknown OLE files. Encrypted OOXML (an OLE file
 * with an `EncryptedPackage` stream) is reported as `encrypted`. `binaryStrings: false` turns off
 * only unknown OLE files: a Word or PowerPoint document is always read.
 */
export const oleExtractor: Extractor = {
  id: 'ole',
  async *extract(bytes, ctx) {
    throwIfAborted(ctx);
    const names = oleStreamNames(bytes) ?? [];
    if (names.includes('EncryptedPackage')) {
      throw new ExtractError('encrypted', 'document is encrypted');
    }
    if (!ctx.binaryStrings && !names.some((name) => OFFICE_STREAMS.includes(name))) return;
    yield* stringSegments(bytes, ctx);
  },
};
