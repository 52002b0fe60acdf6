/**
 * Helpers for the detection-core tests. Every expectation these helpers compute comes from the
 * contract (design.md, the issue) or from an independent implementation (the `luhn` package,
 * node:crypto), never from the code under test.
 */
import { createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import { scanText } from '../../src/core/index.js';
import type { DetectCounters } from '../../src/core/detect.js';
import type { Finding, ScanOptions } from '../../src/types.js';
import { BRAND_SAMPLES, makePan } from '../support/cards.js';

/**
 * `BRAND_SAMPLES` with the two prefixes that overlap more specific published ranges narrowed:
 * `62…` also holds Discover's co-branded 622126–622925, `65…` holds Elo (650031…, 655000…) and
 * RuPay (652150–653149) ranges, so a random `62`/`65` number is legitimately another brand now
 * and then. `620…` and `659…` are unambiguous.
 */
export const SAMPLES: ReadonlyArray<{ brand: string; prefix: string; length: number }> = BRAND_SAMPLES.map((s) =>
  s.brand === 'unionpay' && s.prefix === '62' ? { ...s, prefix: '620' } : s.brand === 'discover' && s.prefix === '65' ? { ...s, prefix: '659' } : s,
);

// `luhn`'s ESM named import fails at runtime (shared/reference/dependencies.md): load it with require.
const require = createRequire(import.meta.url);
const luhnPackage = require('luhn') as { validate(value: string): boolean };

/** The `luhn` package's verdict (it returns false for all-zero strings: callers exclude those). */
export function luhnRef(digits: string): boolean {
  return luhnPackage.validate(digits);
}

export const KEY = 'cardhound-core-tests';

/** `scanText` with a fixed fingerprint key (so runs are reproducible). */
export function scan(text: string, options: ScanOptions = {}, counters?: DetectCounters): Finding[] {
  return scanText(text, { fingerprintKey: KEY, ...options }, counters);
}

/** Everything Luhn-valid, test cards included. */
export const ALL: ScanOptions = Object.freeze({ minConfidence: 'low', includeTestCards: true });

export function counters(): DetectCounters {
  return { rejected: 0, suppressed: 0 };
}

/** HMAC-SHA-256 of the digits under `key`, hex, computed with node:crypto (independent of the core). */
export function hmacHex(pan: string, key: string = KEY): string {
  return createHmac('sha256', key).update(pan).digest('hex');
}

/** ASCII digits → full-width digits (U+FF10–FF19); other characters unchanged. */
export function fullWidth(text: string): string {
  return text.replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + Number(d)));
}

/** Splits digits into groups of the given sizes (the sizes must add up to the length). */
export function split(pan: string, sizes: readonly number[]): string[] {
  const out: string[] = [];
  let at = 0;
  for (const size of sizes) {
    out.push(pan.slice(at, at + size));
    at += size;
  }
  if (at !== pan.length) throw new Error(`grouping ${sizes.join('-')} does not cover ${pan.length} digits`);
  return out;
}

/**
 * Card groupings as the issue states them: contiguous digits, 4-6-5 (amex), 4-6-4 (diners), or
 * fours with a last group of 1–4 digits (4-4-4-4, 4-4-4-3, 4-4-4-4-3 …).
 */
export function isCardGrouping(sizes: readonly number[]): boolean {
  if (sizes.length === 1) return true;
  if (sizes[0] !== 4) return false;
  if (sizes.length === 3 && sizes[1] === 6 && (sizes[2] === 5 || sizes[2] === 4)) return true;
  for (let i = 0; i < sizes.length - 1; i++) if (sizes[i] !== 4) return false;
  const last = sizes[sizes.length - 1]!;
  return last >= 1 && last <= 4;
}

/**
 * Every Luhn-valid reading of a run of digit groups, as `[first, last]` group indices: a run of
 * consecutive groups in a card grouping with 12–19 digits (the rules, checked with the
 * `luhn` package).
 */
export function validReadings(groups: readonly string[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let s = 0; s < groups.length; s++) {
    for (let e = s; e < groups.length; e++) {
      const part = groups.slice(s, e + 1);
      const digits = part.join('');
      if (digits.length < 12 || digits.length > 19) continue;
      if (!isCardGrouping(part.map((g) => g.length))) continue;
      if (luhnRef(digits)) out.push([s, e]);
    }
  }
  return out;
}

/**
 * True when some reading of the groups other than the whole passes Luhn. Such inputs are
 * ambiguous (a 16-digit PAN followed by a 3-digit number is a legitimate reading of 4-4-4-4-3),
 * so tables that want one unambiguous answer skip them.
 */
export function hasOtherValidReading(groups: readonly string[], minDigits = 12): boolean {
  return validReadings(groups).some(([s, e]) => (s !== 0 || e !== groups.length - 1) && groups.slice(s, e + 1).join('').length >= minDigits);
}

/**
 * A Luhn-valid PAN whose only valid reading of at least `minDigits` digits, in each of
 * `groupings`, is the whole number: regenerated from the same seeded stream until that holds.
 * (Some prefixes make a sub-reading valid whenever the whole is: the last 12 digits of any
 * Luhn-valid 16-digit `6759…` pass too, because 6→3, 7, 5→1, 9 add up to 20.)
 */
export function cleanPan(prefix: string, length: number, random: () => number, groupings: readonly (readonly number[])[] = [], minDigits = 12): string {
  for (let tries = 0; tries < 1000; tries++) {
    const pan = makePan(prefix, length, random);
    if (groupings.every((sizes) => !hasOtherValidReading(split(pan, sizes), minDigits))) return pan;
  }
  throw new Error(`no clean PAN for ${prefix}/${length}`);
}

/** A Luhn-valid PAN for which `ok` holds, regenerated from the seeded stream until it does. */
export function panWhere(prefix: string, length: number, random: () => number, ok: (pan: string) => boolean): string {
  for (let tries = 0; tries < 1000; tries++) {
    const pan = makePan(prefix, length, random);
    if (ok(pan)) return pan;
  }
  throw new Error(`no PAN for ${prefix}/${length} meets the condition`);
}

/** The usual printed grouping of a brand/length, per the issue: 4-6-5 amex, 4-6-4 diners, else fours. */
export function usualSizes(brand: string, length: number): number[] {
  if (brand === 'amex' && length === 15) return [4, 6, 5];
  if (brand === 'diners' && length === 14) return [4, 6, 4];
  const sizes: number[] = [];
  for (let left = length; left > 0; left -= 4) sizes.push(Math.min(4, left));
  return sizes;
}

/** 1-based line and column (UTF-16 code units) of `offset`, counted here from scratch. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1]!.length + 1 };
}

/** A finding serialised without its fingerprint (hex that may contain any short digit string by chance). */
export function withoutFingerprint(finding: Finding): string {
  const { fingerprint: _ignored, ...rest } = finding;
  return JSON.stringify(rest);
}
