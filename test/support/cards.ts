/**
 * Deterministic generator of Luhn-valid card numbers in real IIN ranges, for tests and fixtures.
 * Never real cards: the account digits come from a seeded PRNG. Published brand test numbers
 * are in `TEST_NUMBERS` for tests that need one.
 */

import { COMMON_BRAND_SAMPLES, makePan, rng } from './cards-core.mjs';

export { BRAND_SAMPLES, breakLuhn, group, makePan, rng, usualGroups } from './cards-core.mjs';

/** `count` PANs cycling through the common brands (visa, mastercard, amex, discover), seeded. */
export function makePans(count: number, seed = 1, samples = COMMON_BRAND_SAMPLES): string[] {
  const random = rng(seed);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const sample = samples[i % samples.length]!;
    out.push(makePan(sample.prefix, sample.length, random));
  }
  return out;
}

/** Brands' published test numbers (safe to print anywhere). */
export const TEST_NUMBERS = {
  visa: '4111111111111111',
  visa2: '4012888888881881',
  mastercard: '5555555555554444',
  mastercard2: '5105105105105100',
  amex: '378282246310005',
  discover: '6011111111111117',
} as const;

/** Every full PAN of `pans` that occurs in `text`, digits only or with any single separator. */
export function leakedPans(text: string, pans: readonly string[]): string[] {
  const squeezed = text.replace(/[\s\-.\u00a0]/g, '');
  return pans.filter((pan) => text.includes(pan) || squeezed.includes(pan));
}
