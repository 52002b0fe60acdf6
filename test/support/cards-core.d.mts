/** Types for `cards-core.mjs`, which stays plain JavaScript so the generators run without a build. */

export interface BrandSample {
  readonly brand: string;
  readonly prefix: string;
  readonly length: number;
}

/** Mulberry32: tiny, fast, good enough for test data; same seed → same numbers on every machine. */
export function rng(seed: number): () => number;

/** Luhn check digit for a digit string without its check digit. */
export function luhnCheckDigit(body: string): number;

/** True when the last digit of `digits` is the Luhn check digit of the rest. */
export function luhnValid(digits: string): boolean;

/** IIN prefixes in real, currently issued ranges, with a length each brand uses. */
export const BRAND_SAMPLES: readonly BrandSample[];

/** The samples of the common brands (visa, mastercard, amex, discover). */
export const COMMON_BRAND_SAMPLES: readonly BrandSample[];

/** A Luhn-valid number with the given prefix and length; the middle digits are random. */
export function makePan(prefix: string, length: number, random: () => number): string;

/** Breaks the Luhn check of a valid PAN (changes the check digit). */
export function breakLuhn(pan: string): string;

/** BIN + last four, the rest `*`: the form a cardhound `Finding.masked` takes by default. */
export function maskPan(pan: string): string;

/** Formats digits in groups: `group(pan, [4,4,4,4], ' ')`. */
export function group(pan: string, sizes: readonly number[], sep?: string): string;

/** The usual grouping a brand prints for a PAN of this length. */
export function usualGroups(pan: string): number[];
