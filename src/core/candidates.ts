/**
 * The candidate finder: one hand-written pass over the text that yields every digit sequence
 * that could be a PAN (12–19 digits, contiguous or in card groupings), with no regex and no
 * backtracking.
 *
 * Speed trick: a candidate spans at least 12 characters and never has two non-digits in a
 * row, so we look for 12 consecutive run characters testing the last one first: over text
 * without digits that is one test in twelve characters, and a short number is skipped after
 * reading it once.
 */

import { DIGIT, GLUE, SEP, classOf } from './char-class.js';
import { brandIssues } from './iin.js';
import { luhnValidRange } from './luhn.js';
import { AT_TEXT_END, AT_TEXT_START, KERNEL_CHUNK, KERNEL_MARGIN, KNOWN_BRANDS_ONLY, finderKernel } from './wasm/kernel.js';

export const MIN_PAN_DIGITS = 12;
export const MAX_PAN_DIGITS = 19;

// Every UTF-16 code unit has its entry (64 KiB), so the hot loops read one table with no
// branch on the range: measured 10–12 % faster than a 256-entry table plus a function for the rest.
const TABLE = new Uint8Array(65536);
for (let c = 0; c < 65536; c++) TABLE[c] = classOf(c);

/** Class of a code unit; `undefined` (no class) past the end of the text, where charCodeAt is NaN. */
function classify(code: number): number {
  return TABLE[code]!;
}

function digitValue(code: number): number {
  return code <= 57 ? code - 48 : code - 0xff10;
}

/** One Luhn-valid reading of a run of digit groups as a possible PAN. */
export interface Candidate {
  /** Index of the first digit in the text. */
  readonly start: number;
  /** Index after the last digit. */
  readonly end: number;
  /** ASCII digits (full-width converted). */
  readonly digits: string;
  /** Group sizes joined with `-`, e.g. `4-4-4-4`; a single number for contiguous digits. */
  readonly grouping: string;
}

/**
 * Receives each run with Luhn-valid readings in card format; returns the index where scanning
 * may resume (≥ run end).
 */
export type RunHandler = (readings: readonly Candidate[], runStart: number, runEnd: number) => number;

/** Runs with a reading in card format but no candidate: counted, not handed over. */
export interface RunTally {
  /** Every reading failed the Luhn check. */
  rejected: number;
  /** Luhn-valid readings of no known brand, dropped (see `knownBrandsOnly`). */
  heldBack: number;
}

// Group sizes that people print card numbers in. Anything else is some other number.
function groupingAccepted(sizes: Int32Array, from: number, to: number): boolean {
  const count = to - from + 1;
  if (count === 1) return true;
  const first = sizes[from]!;
  if (first !== 4) return false;
  if (count === 3 && sizes[from + 1] === 6 && (sizes[to] === 5 || sizes[to] === 4)) return true; // 4-6-5 amex, 4-6-4 diners
  for (let g = from; g < to; g++) if (sizes[g] !== 4) return false;
  return sizes[to]! >= 1 && sizes[to]! <= 4; // 4-4-4-4, 4-4-4-3, 4-4-4-4-3 …
}

/**
 * Scans `text[from, to)` for runs of digits joined by single separators and calls `onRun`
 * with the Luhn-valid readings of each run that could be a PAN. Readings overlap; the caller picks.
 * `knownBrandsOnly` drops readings whose leading digits and length no brand issues. Runs that
 * yield no candidate are counted in `tally`.
 *
 * Long ASCII (and, in Node, Latin-1) stretches go through the WebAssembly kernel
 * (wasm/finder.wat), which settles the common run (one group of digits that fails Luhn or that
 * no brand issues) itself and hands every other run of 12 or more digits back here; the result
 * is the same either way.
 */
export function findCandidates(text: string, onRun: RunHandler, from = 0, to = text.length, knownBrandsOnly = false, tally: RunTally = { rejected: 0, heldBack: 0 }): void {
  onlyKnown = knownBrandsOnly;
  const kernel = finderTuning.kernel && to - from >= finderTuning.minText ? finderKernel() : undefined;
  if (!kernel) {
    scanWindows(text, onRun, from, to, from, to, tally);
    return;
  }
  const flags = knownBrandsOnly ? KNOWN_BRANDS_ONLY : 0;
  let i = from;
  // Runs before this offset may be magnetic-stripe data of a run handed over: never settled.
  let hot = from;
  const chunk = finderTuning.chunk;
  const least = Math.min(chunk, KERNEL_MIN_ATTEMPT);
  let attempt = chunk;
  // JavaScript's share after a failed attempt, doubling while attempts keep failing: a text in
  // another script would otherwise pay for an encoding it cannot use every `least` characters.
  let backoff = least;
  while (i + MIN_PAN_DIGITS <= to) {
    let until = Math.min(to, i + attempt);
    let bufferEnd = Math.min(to, until + KERNEL_MARGIN);
    // One character of left context when the kernel can take it (glue test), none at the text's start.
    const bufferStart = i > from && text.charCodeAt(i - 1) <= kernel.maxCode ? i - 1 : i;
    let pass = kernel.scan(text, bufferStart, bufferEnd, i, until, flags | edges(bufferStart, bufferEnd, from, to), hot);
    if (!pass) {
      // A character the kernel cannot take (beyond ASCII, or Latin-1 where Node's Buffer copies
      // it): the kernel takes the stretch before it, if it is worth a call, and JavaScript the
      // rest of a while.
      attempt = Math.max(least, attempt >> 1);
      const other = kernel.firstUnloadable(text, bufferStart, bufferEnd);
      if (other - i >= least) {
        until = bufferEnd = other;
        pass = kernel.scan(text, bufferStart, bufferEnd, i, until, flags | edges(bufferStart, bufferEnd, from, to), hot);
      }
      if (!pass) {
        i = scanWindows(text, onRun, from, to, i, Math.min(to, Math.max(other + 1, i + backoff)), tally);
        backoff = Math.min(KERNEL_MAX_BACKOFF, backoff * 2);
        continue;
      }
    } else {
      attempt = Math.min(chunk, attempt * 2);
      backoff = least;
    }
    tally.rejected += pass.rejected;
    tally.heldBack += pass.heldBack;
    hot = Math.max(hot, kernel.hotUntil(bufferStart));
    // Handed-over runs, in text order; one inside the stripe data of an earlier one is skipped
    // just as the plain scan would skip it.
    let next = i;
    for (let n = 0; n < pass.count; n++) {
      const runStart = pass.runs[2 * n]!;
      const runEnd = pass.runs[2 * n + 1]!;
      if (runEnd > next) next = scanWindows(text, onRun, from, to, Math.max(next, runStart), runEnd, tally);
    }
    // No progress: a run longer than a chunk. JavaScript reads it.
    i = pass.resume > i ? Math.max(next, pass.resume) : scanWindows(text, onRun, from, to, Math.max(next, i), i + 1, tally);
  }
}

/**
 * @internal How `findCandidates` uses the kernel. Texts shorter than `minText` are scanned in
 * JavaScript only (the kernel would not repay its call); tests turn it off, or make its chunks
 * small to test their seams.
 */
export const finderTuning = { kernel: true, chunk: KERNEL_CHUNK, minText: 4096 };
/** The shortest stretch handed to the kernel after a character it cannot take. */
const KERNEL_MIN_ATTEMPT = 8192;
const KERNEL_MAX_BACKOFF = 1 << 20;

function edges(bufferStart: number, bufferEnd: number, from: number, to: number): number {
  return (bufferStart === from ? AT_TEXT_START : 0) | (bufferEnd === to ? AT_TEXT_END : 0);
}


/**
 * The JavaScript finder: looks at window starts in `[i, until)` (a run found there is read to
 * its end, wherever that is) and returns where scanning goes on.
 */
function scanWindows(text: string, onRun: RunHandler, from: number, to: number, i: number, until: number, tally: RunTally): number {
  // Looks for 12 consecutive run characters (digits, or a separator right after a digit) —
  // the first 12 characters of any candidate — Horspool-style: test the window's last
  // character first and walk backwards; a character that fails rules out every window that
  // contains it, so the next window starts just after it.
  // Characters up to `checked` are known run characters (tested for an earlier window), so a
  // window that overlaps them only tests its new characters: each character is read about once.
  let checked = -1;
  while (i < until && i + MIN_PAN_DIGITS <= to) {
    let j = i + MIN_PAN_DIGITS - 1;
    // Over text the window's last character is usually a letter or punctuation: skip at once.
    if ((TABLE[text.charCodeAt(j)]! & (DIGIT | SEP)) === 0) {
      i = j + 1;
      continue;
    }
    const stop = checked >= i ? checked + 1 : i;
    for (; j >= stop; j--) {
      const cls = TABLE[text.charCodeAt(j)]!;
      if (cls === DIGIT) continue;
      // A separator counts only after a digit, which is then known too.
      if (cls === SEP && j > i && TABLE[text.charCodeAt(j - 1)] === DIGIT) {
        j--;
        continue;
      }
      break;
    }
    if (j >= stop) {
      checked = i + MIN_PAN_DIGITS - 1;
      i = j + 1;
      continue;
    }
    if (!isDigitAt(text, i)) {
      // A window may not open on a separator.
      checked = i + MIN_PAN_DIGITS - 1;
      i++;
      continue;
    }
    // [i, i + 12) holds run characters and the character before i does not continue them:
    // a run starts at i. Expand right, recording its groups.
    const start = i;
    let groups = 0;
    let k = start;
    let digitsTotal = 0;
    while (k < to) {
      const gs = k;
      while (k < to && isDigitAt(text, k)) k++;
      if (groups === groupStart.length) growGroups();
      groupStart[groups] = gs;
      groupEnd[groups] = k;
      groupSize[groups] = k - gs;
      groups++;
      digitsTotal += k - gs;
      if (k + 1 < to) {
        const code = text.charCodeAt(k);
        if (TABLE[code] === SEP && isDigitAt(text, k + 1)) {
          k++;
          continue;
        }
      }
      break;
    }
    const end = k;
    let resume = end;
    if (digitsTotal >= MIN_PAN_DIGITS) {
      const readings = readingsOf(text, from, to, groups);
      if (readings.length > 0) resume = Math.max(end, onRun(readings, start, end));
      else if (heldBack) tally.heldBack++;
      else if (hadReading) tally.rejected++;
    }
    // The character at `resume` ends the run (or the track data): the next run starts after it.
    i = resume + 1;
  }
  return i;
}

// Group bounds of the current run, reused across runs (the detector is synchronous).
let groupStart = new Int32Array(64);
let groupEnd = new Int32Array(64);
let groupSize = new Int32Array(64);

function growGroups(): void {
  const grow = (a: Int32Array) => {
    const b = new Int32Array(a.length * 2);
    b.set(a);
    return b;
  };
  groupStart = grow(groupStart);
  groupEnd = grow(groupEnd);
  groupSize = grow(groupSize);
}

function isDigitAt(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  return TABLE[code] === DIGIT;
}

function isGlue(text: string, index: number, from: number, to: number): boolean {
  if (index < from || index >= to) return false;
  return (classify(text.charCodeAt(index)) & (GLUE | DIGIT)) !== 0;
}

function asciiDigits(text: string, start: number, end: number): string {
  let digits = '';
  for (let k = start; k < end; k++) {
    const code = text.charCodeAt(k);
    if (classify(code) === DIGIT) digits += code <= 57 ? text[k] : String(digitValue(code));
  }
  return digits;
}

function isSpaceSeparator(code: number): boolean {
  return code === 32 || code === 0xa0 || code === 0x2009 || code === 0x202f || code === 0x2007;
}

function isTrack1Lead(text: string, start: number, from: number, to: number): boolean {
  const b = text.charCodeAt(start - 1);
  return (b === 66 || b === 98) && !isGlue(text, start - 2, from, to);
}

function isTrack2D(text: string, end: number, to: number): boolean {
  if (text.charCodeAt(end) !== 68 || end + 8 > to) return false;
  for (let k = end + 1; k < end + 8; k++) if (classify(text.charCodeAt(k)) !== DIGIT) return false;
  return true;
}

/** Whether the last run had any reading in card format (all of them may have failed Luhn). */
let hadReading = false;
/** Whether the last run had Luhn-valid readings dropped for want of a brand. */
let heldBack = false;
let onlyKnown = false;

const NO_READINGS: readonly Candidate[] = Object.freeze([]);

function readingsOf(text: string, from: number, to: number, groups: number): readonly Candidate[] {
  // Most runs have no Luhn-valid reading: they share one empty array instead of allocating.
  let readings: Candidate[] | undefined;
  hadReading = false;
  heldBack = false;
  for (let s = 0; s < groups; s++) {
    if (s === 0) {
      // Glued to a word on the left — except track 1's format code: `%B<pan>^`.
      if (isGlue(text, groupStart[0]! - 1, from, to) && !isTrack1Lead(text, groupStart[0]!, from, to)) continue;
    } else if (!isSpaceSeparator(text.charCodeAt(groupStart[s]! - 1))) {
      // Part of a run may be read alone only where a space sets it apart: "2024-01-15 4111 …".
      // After "-" or "." it is the tail of one token: a decimal ("12.4111…"), a UUID, a reference.
      continue;
    }
    let total = 0;
    for (let e = s; e < groups; e++) {
      total += groupSize[e]!;
      if (total > MAX_PAN_DIGITS) break;
      if (total < MIN_PAN_DIGITS) continue;
      if (e === groups - 1) {
        // Glued on the right — except track 2 written with `D` as field separator: `<pan>D2708101…`.
        if (isGlue(text, groupEnd[e]!, from, to) && !isTrack2D(text, groupEnd[e]!, to)) continue;
      } else if (!isSpaceSeparator(text.charCodeAt(groupEnd[e]!))) {
        continue; // followed by "-…" or ".5": the head of a longer token or a decimal
      }
      if (!groupingAccepted(groupSize, s, e)) continue;
      hadReading = true;
      // Most readings fail the checksum: test it on the text itself before building anything.
      if (!luhnValidRange(text, groupStart[s]!, groupEnd[e]!)) continue;
      if (onlyKnown && !brandIssues(leadingSix(text, groupStart[s]!), total)) {
        heldBack = true;
        continue;
      }
      let digits: string;
      if (s === e && text.charCodeAt(groupStart[s]!) <= 57) {
        digits = text.slice(groupStart[s]!, groupEnd[e]!);
        if (digits.length > 0 && !/^\d+$/.test(digits)) digits = asciiDigits(text, groupStart[s]!, groupEnd[e]!);
      } else digits = asciiDigits(text, groupStart[s]!, groupEnd[e]!);
      let grouping = String(groupSize[s]);
      for (let g = s + 1; g <= e; g++) grouping += `-${groupSize[g]}`;
      (readings ??= []).push({ start: groupStart[s]!, end: groupEnd[e]!, digits, grouping });
    }
  }
  return readings ?? NO_READINGS;
}

/** The number formed by the first six digits from `start` (separators skipped). */
function leadingSix(text: string, start: number): number {
  let value = 0;
  for (let k = start, n = 0; n < 6; k++) {
    const code = text.charCodeAt(k);
    const cls = TABLE[code]!;
    if (cls !== DIGIT) continue;
    value = value * 10 + digitValue(code);
    n++;
  }
  return value;
}

/** True when the code unit is an ASCII or full-width digit. */
export function isDigitCode(code: number): boolean {
  return classify(code) === DIGIT;
}
