/**
 * The WebAssembly half of the candidate finder: loads `finder.wat` (embedded as base64), fills
 * its tables from the same sources the JavaScript finder uses, and runs it over one ASCII (or
 * Latin-1) stretch of a text at a time. What the kernel settles and what it hands back is described in
 * finder.wat; `findCandidates` drives it.
 */
import { classOf } from '../char-class.js';
import { NUMERIC_BY_FIRST_DIGIT } from '../iin.js';
import { DOUBLED } from '../luhn.js';
import { FINDER_WASM_BASE64 } from './finder-binary.js';

// Memory layout, as finder.wat documents it.
const CLASS_TABLE = 0;
const DOUBLED_TABLE = 256;
const BUCKETS = 512;
const RANGES = 1024;
const RANGES_END = 8192;
const REPORTS = 8192;
const INPUT = 139264;

/** Characters per kernel call: the input area holds them one byte each (ASCII or Latin-1). */
export const KERNEL_CHUNK = 1 << 17;
/** Context read past a chunk's end (right neighbour of a run that ends at the chunk's end). */
export const KERNEL_MARGIN = 64;
const INPUT_BYTES = KERNEL_CHUNK + KERNEL_MARGIN + 1;

/** Flags of `scan`, as finder.wat reads them. */
export const AT_TEXT_START = 1;
export const AT_TEXT_END = 2;
export const KNOWN_BRANDS_ONLY = 4;

interface KernelExports {
  readonly memory: WebAssembly.Memory;
  readonly scan: (length: number, from: number, until: number, flags: number) => number;
  readonly outCount: WebAssembly.Global;
  readonly rejected: WebAssembly.Global;
  readonly heldBack: WebAssembly.Global;
  readonly hotUntil: WebAssembly.Global;
}

/** One pass of the kernel over `text[bufferStart, bufferEnd)`, in text offsets. */
export interface KernelPass {
  /** Where the caller goes on: every window start before it is settled or reported. */
  readonly resume: number;
  /** Runs for the JavaScript finder: `[start0, end0, start1, end1, …]`, `count` pairs. */
  readonly runs: Int32Array;
  readonly count: number;
  /** Runs of one group that failed Luhn (plain neighbours, 12–19 digits). */
  readonly rejected: number;
  /** Luhn-valid runs no brand issues, when only known brands were asked for. */
  readonly heldBack: number;
}

/**
 * The kernel of this thread, or `undefined` where WebAssembly cannot run (a browser page whose
 * content security policy forbids it, `node --jitless`): the JavaScript finder then does all.
 */
export function finderKernel(): FinderKernel | undefined {
  if (kernel === null) {
    try {
      kernel = new FinderKernel();
    } catch {
      kernel = undefined;
    }
  }
  return kernel;
}

let kernel: FinderKernel | undefined | null = null;

/**
 * Node's Buffer (or a bundler's polyfill) when there is one: it copies Latin-1 text into the
 * kernel's memory one byte per character, so Western European text (names with accents in a
 * CSV export) reaches the kernel too. Without it (a browser) only ASCII does.
 */
interface Latin1Writer {
  write(text: string, offset: number, length: number, encoding: 'latin1'): number;
}
type BufferLike = { from(buffer: ArrayBuffer, offset: number, length: number): Latin1Writer };
const BufferClass = (globalThis as { Buffer?: BufferLike }).Buffer;

const BEYOND_ASCII = /[^\0-\x7f]/g;
const BEYOND_LATIN1 = /[^\0-\xff]/g;

export class FinderKernel {
  private readonly exports: KernelExports;
  private readonly encoder = new TextEncoder();
  private readonly input: Uint8Array;
  private readonly latin1Input: Latin1Writer | undefined;
  private readonly reports: Int32Array;
  /**
   * Whether Latin-1 stretches are copied in (where Buffer exists); tests turn it off to check
   * the ASCII-only path browsers take.
   */
  latin1: boolean;
  /** The last stretch needed Latin-1: try that copy first (an ASCII attempt costs a full encoding). */
  private latin1First = false;

  constructor() {
    const bytes = Uint8Array.from(atob(FINDER_WASM_BASE64), (c) => c.charCodeAt(0));
    // Synchronous compilation: the module is ~1 KB, well under browsers' 4 KB main-thread limit.
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
    this.exports = instance.exports as unknown as KernelExports;
    const { memory } = this.exports;
    const needed = Math.ceil((INPUT + INPUT_BYTES) / 65536) - memory.buffer.byteLength / 65536;
    if (needed > 0) memory.grow(needed);
    const heap = new Uint8Array(memory.buffer);
    fillTables(heap);
    this.input = heap.subarray(INPUT, INPUT + INPUT_BYTES);
    this.latin1Input = BufferClass?.from(memory.buffer, INPUT, INPUT_BYTES);
    this.latin1 = this.latin1Input !== undefined;
    this.reports = new Int32Array(memory.buffer, REPORTS, (INPUT - REPORTS) / 4);
  }

  /**
   * Copies `text[bufferStart, bufferEnd)` (at most KERNEL_CHUNK + KERNEL_MARGIN + 1 characters)
   * into the kernel, one byte per character, and scans the window starts in `[from, until)`.
   * Runs starting before `hotUntil` are reported rather than settled. Returns `undefined` when
   * the stretch holds a character the kernel cannot take (see {@link firstUnloadable}).
   */
  scan(text: string, bufferStart: number, bufferEnd: number, from: number, until: number, flags: number, hotUntil: number): KernelPass | undefined {
    const length = bufferEnd - bufferStart;
    if (length > INPUT_BYTES) return undefined;
    const stretch = text.substring(bufferStart, bufferEnd);
    if (!(this.latin1First ? this.loadLatin1(stretch) || this.loadAscii(stretch) : this.loadAscii(stretch) || this.loadLatin1(stretch))) return undefined;
    const e = this.exports;
    e.hotUntil.value = Math.max(0, hotUntil - bufferStart);
    const resume = e.scan(length, from - bufferStart, until - bufferStart, flags) + bufferStart;
    const count = e.outCount.value as number;
    // Offsets back into the text, in place: the report area is rewritten by the next scan only.
    for (let n = 0; n < 2 * count; n++) this.reports[n]! += bufferStart;
    return { resume, runs: this.reports, count, rejected: e.rejected.value as number, heldBack: e.heldBack.value as number };
  }

  private loadAscii(stretch: string): boolean {
    const { read, written } = this.encoder.encodeInto(stretch, this.input);
    this.latin1First = false;
    return read === stretch.length && written === stretch.length;
  }

  /** The highest code unit the kernel takes: 0xff with Buffer's Latin-1 copy, else 0x7f. */
  get maxCode(): number {
    return this.latin1 ? 0xff : 0x7f;
  }

  private loadLatin1(stretch: string): boolean {
    if (!this.latin1 || !this.latin1Input) return false;
    BEYOND_LATIN1.lastIndex = 0;
    if (BEYOND_LATIN1.test(stretch)) return false;
    this.latin1Input.write(stretch, 0, stretch.length, 'latin1');
    this.latin1First = true;
    return true;
  }

  /** The first character in `text[start, end)` the kernel cannot take, or `end`. */
  firstUnloadable(text: string, start: number, end: number): number {
    const beyond = this.latin1 ? BEYOND_LATIN1 : BEYOND_ASCII;
    beyond.lastIndex = start;
    const match = beyond.exec(text);
    return match ? Math.min(match.index, end) : end;
  }

  /** Where runs stop being settled: the end of the magnetic-stripe zone of the last report. */
  hotUntil(bufferStart: number): number {
    return (this.exports.hotUntil.value as number) + bufferStart;
  }
}

function fillTables(heap: Uint8Array): void {
  // The JavaScript finder's classes of the first 256 code units (ASCII and Latin-1).
  for (let c = 0; c < 256; c++) heap[CLASS_TABLE + c] = classOf(c);
  heap.set(DOUBLED, DOUBLED_TABLE);
  const words = new DataView(heap.buffer);
  let range = RANGES;
  NUMERIC_BY_FIRST_DIGIT.forEach((bucket, digit) => {
    words.setInt32(BUCKETS + 8 * digit, range, true);
    words.setInt32(BUCKETS + 8 * digit + 4, bucket.length, true);
    for (const { low, high, lengths } of bucket) {
      if (range + 12 > RANGES_END) throw new Error('IIN table does not fit the WebAssembly finder');
      words.setInt32(range, low, true);
      words.setInt32(range + 4, high, true);
      words.setInt32(range + 8, lengths, true);
      range += 12;
    }
  });
}
