import type { FindingKind } from '../types.js';
import { isDigitCode } from './candidates.js';

/** Magnetic-stripe data around a PAN: what kind, where it ends, where its expiry (YYMM) is. */
export interface TrackMatch {
  readonly kind: Extract<FindingKind, 'track1' | 'track2'>;
  /** Index after the track data (end sentinel included when present). */
  readonly end: number;
  readonly expiryAt: number;
}

/** Longest track per ISO/IEC 7813: track 1 is 79 characters, track 2 is 40. */
const TRACK1_MAX = 79;
const TRACK2_MAX = 40;

function digitsAt(text: string, at: number, count: number, to: number): boolean {
  if (at + count > to) return false;
  for (let i = at; i < at + count; i++) if (!isDigitCode(text.charCodeAt(i))) return false;
  return true;
}

/**
 * Recognises track 1 (`%B<pan>^NAME^YYMM…?`) and track 2 (`;<pan>=YYMM…?`, also with `D` as
 * separator), sentinels optional. Returns `'invalid'` for a `B`-prefixed number that is not
 * track 1 (a glued word), `undefined` when the PAN is not in track data.
 */
export function findTrack(text: string, start: number, end: number, to: number): TrackMatch | 'invalid' | undefined {
  const lead = text.charCodeAt(start - 1);
  const next = text.charCodeAt(end);
  if (lead === 66 || lead === 98) {
    // Track 1: ^NAME^ (2–26 characters of name) then YYMM and service code.
    if (next !== 94) return 'invalid';
    const limit = Math.min(to, start - 2 + TRACK1_MAX);
    let i = end + 1;
    while (i < limit && text.charCodeAt(i) !== 94 && i - end <= 27) i++;
    if (text.charCodeAt(i) !== 94 || !digitsAt(text, i + 1, 4, to)) return 'invalid';
    const expiryAt = i + 1;
    let stop = expiryAt;
    while (stop < limit && text.charCodeAt(stop) !== 63 && text.charCodeAt(stop) > 32) stop++;
    if (text.charCodeAt(stop) === 63) stop++;
    return { kind: 'track1', end: stop, expiryAt };
  }
  if ((next === 61 || next === 68) && digitsAt(text, end + 1, 7, to)) {
    // Track 2: separator, YYMM, service code, discretionary data, optional `?` end sentinel.
    const expiryAt = end + 1;
    const limit = Math.min(to, start - 1 + TRACK2_MAX);
    let stop = expiryAt;
    while (stop < limit && isDigitCode(text.charCodeAt(stop))) stop++;
    if (text.charCodeAt(stop) === 63) stop++;
    return { kind: 'track2', end: stop, expiryAt };
  }
  return undefined;
}
