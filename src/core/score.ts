import type { Confidence } from '../types.js';

/**
 * Score contributions. Calibrated so the levels mean what design §3 says:
 * - a Luhn-valid PAN of a known brand and length, alone: 0.35 + 0.25 = 0.60 → medium;
 * - plus any corroboration (card word, expiry, CVV, a card column): ≥ 0.85 → high;
 * - negative context pulls a lone PAN below 0.5 → low; unknown IINs and test numbers are capped low.
 */
export const SCORE = Object.freeze({
  luhn: 0.35,
  /**
   * In place of `luhn` for a PAN whose last digit was lost in storage and restored as its check
   * digit: the number passed no test, so it takes a card column, a card word or an expiry date
   * beside it to reach medium (0.1 + 0.25 brand + 0.3 field = 0.65; alone 0.35, low).
   */
  restoredCheckDigit: 0.1,
  brand: 0.25,
  /** UATP ("1" + 14 digits) shares its shape with ids and timestamps: half credit. */
  weakBrand: 0.1,
  usualFormat: 0.05,
  unusualFormat: -0.05,
  keyword: 0.3,
  field: 0.3,
  expiry: 0.25,
  cvv: 0.25,
  track: 0.3,
  negativeHard: -0.5,
  negativeSoft: -0.3,
  lowEntropy: -0.25,
  sequential: -0.25,
  unknownBrandCap: 0.45,
  testCardCap: 0.3,
});

export const HIGH = 0.8;
export const MEDIUM = 0.5;

export function confidenceOf(score: number): Confidence {
  return score >= HIGH ? 'high' : score >= MEDIUM ? 'medium' : 'low';
}

/**
 * Digit patterns no issuer produces by chance: a run of 7+ identical digits, three or fewer
 * distinct digits, or 7+ consecutive ascending/descending digits ("1234567").
 */
export function entropyFlags(pan: string): { lowEntropy: boolean; sequential: boolean } {
  let seen = 0; // bit d: digit d occurs
  let same = 1;
  let up = 1;
  let down = 1;
  let maxSame = 1;
  let maxSeq = 1;
  for (let i = 0; i < pan.length; i++) {
    const d = pan.charCodeAt(i) - 48;
    seen |= 1 << d;
    if (i === 0) continue;
    const p = pan.charCodeAt(i - 1) - 48;
    same = d === p ? same + 1 : 1;
    up = d === (p + 1) % 10 ? up + 1 : 1;
    down = d === (p + 9) % 10 ? down + 1 : 1;
    if (same > maxSame) maxSame = same;
    if (up > maxSeq) maxSeq = up;
    if (down > maxSeq) maxSeq = down;
  }
  let distinct = 0;
  for (; seen !== 0; seen &= seen - 1) distinct++;
  return { lowEntropy: maxSame >= 7 || distinct <= 3, sequential: maxSeq >= 7 };
}
