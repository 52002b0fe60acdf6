/**
 * The WebAssembly half of the candidate finder: loads `finder.wat` (embedded as base64), fills
 * its tables from the same sources the JavaScript finder uses, and runs it over one ASCII
 * stretch of a text at a time. What the kernel settles and what it hands back is described in
 * finder.wat; `findCandidates` drives it.
 */
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

/** Characters per kernel call: the input area holds them UTF-8 encoded (ASCII: one byte each). */
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

export class FinderKernel {
  private readonly exports: KernelExports;
  private readonly encoder = new TextEncoder();
  private readonly input: Uint8Array;
  private readonly reports: Int32Array;

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
    this.reports = new Int32Array(memory.buffer, REPORTS, (INPUT - REPORTS) / 4);
  }

  /**
   * Encodes `text[bufferStart, bufferEnd)` (all ASCII, at most KERNEL_CHUNK + KERNEL_MARGIN + 1
   * characters) and scans the window starts in `[from, until)`. Runs starting before
   * `hotUntil` are reported rather than settled. Returns `undefined` if the stretch turned out
   * not to be ASCII.
   */
  scan(text: string, bufferStart: number, bufferEnd: number, from: number, until: number, flags: number, hotUntil: number): KernelPass | undefined {
    const length = bufferEnd - bufferStart;
    const { read, written } = this.encoder.encodeInto(text.substring(bufferStart, bufferEnd), this.input);
    if (read !== length || written !== length) return undefined;
    const e = this.exports;
    e.hotUntil.value = Math.max(0, hotUntil - bufferStart);
    const resume = e.scan(length, from - bufferStart, until - bufferStart, flags) + bufferStart;
    const count = e.outCount.value as number;
    // Offsets back into the text, in place: the report area is rewritten by the next scan only.
    for (let n = 0; n < 2 * count; n++) this.reports[n]! += bufferStart;
    return { resume, runs: this.reports, count, rejected: e.rejected.value as number, heldBack: e.heldBack.value as number };
  }

  /** Where runs stop being settled: the end of the magnetic-stripe zone of the last report. */
  hotUntil(bufferStart: number): number {
    return (this.exports.hotUntil.value as number) + bufferStart;
  }
}

function fillTables(heap: Uint8Array): void {
  for (let c = 48; c <= 57; c++) heap[CLASS_TABLE + c] = 1;
  for (const c of [32, 45, 46]) heap[CLASS_TABLE + c] = 2;
  for (let c = 65; c <= 90; c++) heap[CLASS_TABLE + c] = 4;
  for (let c = 97; c <= 122; c++) heap[CLASS_TABLE + c] = 4;
  heap[CLASS_TABLE + 95] = 4;
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
