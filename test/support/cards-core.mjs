/**
 * Card-number helpers shared by the tests (through `cards.ts`), the benchmark generator and
 * the example-share generator. Plain ESM JavaScript because the two generators run under bare
 * `node` with no build step; types are in `cards-core.d.mts`. Any change here changes the data
 * both generators write (`node examples/generate-share.mjs --check` and the bench sidecars show it).
 */

export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function luhnCheckDigit(body) {
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

export function luhnValid(digits) {
  return luhnCheckDigit(digits.slice(0, -1)) === digits.charCodeAt(digits.length - 1) - 48;
}

export const BRAND_SAMPLES = [
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

export const COMMON_BRAND_SAMPLES = BRAND_SAMPLES.slice(0, 12);

export function makePan(prefix, length, random) {
  let body = prefix;
  while (body.length < length - 1) body += String(Math.floor(random() * 10));
  return body + String(luhnCheckDigit(body));
}

export function breakLuhn(pan) {
  const last = pan.charCodeAt(pan.length - 1) - 48;
  return pan.slice(0, -1) + String((last + 1) % 10);
}

export function maskPan(pan) {
  return pan.slice(0, 6) + '*'.repeat(pan.length - 10) + pan.slice(-4);
}

export function group(pan, sizes, sep = ' ') {
  const parts = [];
  let at = 0;
  for (const size of sizes) {
    parts.push(pan.slice(at, at + size));
    at += size;
  }
  if (at < pan.length) parts.push(pan.slice(at));
  return parts.join(sep);
}

export function usualGroups(pan) {
  if (pan.length === 15 && (pan.startsWith('34') || pan.startsWith('37'))) return [4, 6, 5];
  if (pan.length === 14) return [4, 6, 4];
  const sizes = [];
  for (let left = pan.length; left > 0; left -= 4) sizes.push(Math.min(4, left));
  return sizes;
}
