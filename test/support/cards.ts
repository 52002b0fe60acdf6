/**
 * Deterministic generator of Luhn-valid card numbers in real IIN ranges, for tests and fixtures.
 * Never real cards: the account digits come from a seeded PRNG. Published brand test numbers
 * are in `TEST_NUMBERS` for tests that need one.
 */

/** Mulberry32: tiny, fast, good enough for test data; same seed → same numbers. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Luhn check digit for a digit string without its check digit. */
export function luhnCheckDigit(body: string): number {
  let sum = 0;
  let double = true;
  for (let i = body.length - 1; i >= 0; i--) {
    let d = body.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return (10 - (sum % 10)) % 10;
}

/** IIN prefixes in real, currently issued ranges, with a length each brand uses. */
export const BRAND_SAMPLES: ReadonlyArray<{ brand: string; prefix: string; length: number }> = [
  { brand: 'visa', prefix: '4', length: 16 },
  { brand: 'visa', prefix: '4', length: 13 },
  { brand: 'visa', prefix: '4', length: 19 },
  { brand: 'mastercard', prefix: '51', length: 16 },
  { brand: 'mastercard', prefix: '55', length: 16 },
  { brand: 'mastercard', prefix: '2221', length: 16 },
  { brand: 'mastercard', prefix: '2720', length: 16 },
  { brand: 'amex', prefix: '34', length: 15 },
  { brand: 'amex', prefix: '37', length: 15 },
  { brand: 'discover', prefix: '6011', length: 16 },
  { brand: 'discover', prefix: '644', length: 16 },
  { brand: 'discover', prefix: '65', length: 16 },
  { brand: 'jcb', prefix: '3528', length: 16 },
  { brand: 'jcb', prefix: '3589', length: 16 },
  { brand: 'diners', prefix: '36', length: 14 },
  { brand: 'diners', prefix: '300', length: 14 },
  { brand: 'unionpay', prefix: '62', length: 16 },
  { brand: 'unionpay', prefix: '62', length: 19 },
  { brand: 'maestro', prefix: '6759', length: 16 },
  { brand: 'mir', prefix: '2200', length: 16 },
  { brand: 'rupay', prefix: '6080', length: 16 },
  { brand: 'elo', prefix: '636368', length: 16 },
  { brand: 'hipercard', prefix: '606282', length: 16 },
  { brand: 'verve', prefix: '506099', length: 16 },
  { brand: 'troy', prefix: '9792', length: 16 },
  { brand: 'uatp', prefix: '1', length: 15 },
];

/** A Luhn-valid number with the given prefix and length; the middle digits are random. */
export function makePan(prefix: string, length: number, random: () => number): string {
  let body = prefix;
  while (body.length < length - 1) body += String(Math.floor(random() * 10));
  // Avoid accidental low-entropy bodies (e.g. many zeros) that the detector rightly penalises.
  return body + String(luhnCheckDigit(body));
}

/** `count` PANs cycling through the common brands (visa, mastercard, amex, discover), seeded. */
export function makePans(count: number, seed = 1, samples = BRAND_SAMPLES.slice(0, 12)): string[] {
  const random = rng(seed);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const sample = samples[i % samples.length]!;
    out.push(makePan(sample.prefix, sample.length, random));
  }
  return out;
}

/** Breaks the Luhn check of a valid PAN (changes the check digit). */
export function breakLuhn(pan: string): string {
  const last = pan.charCodeAt(pan.length - 1) - 48;
  return pan.slice(0, -1) + String((last + 1) % 10);
}

/** Formats digits in groups: `group(pan, [4,4,4,4], ' ')`. */
export function group(pan: string, sizes: readonly number[], sep = ' '): string {
  const parts: string[] = [];
  let at = 0;
  for (const size of sizes) {
    parts.push(pan.slice(at, at + size));
    at += size;
  }
  if (at < pan.length) parts.push(pan.slice(at));
  return parts.join(sep);
}

/** The usual grouping a brand prints for a PAN of this length. */
export function usualGroups(pan: string): number[] {
  if (pan.length === 15 && (pan.startsWith('34') || pan.startsWith('37'))) return [4, 6, 5];
  if (pan.length === 14) return [4, 6, 4];
  const sizes: number[] = [];
  for (let left = pan.length; left > 0; left -= 4) sizes.push(Math.min(4, left));
  return sizes;
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
