/**
 * Luhn (mod 10) check. Inline rather than the `luhn` package: that one strips whitespace but not
 * dashes, rejects all-zero input and is 4× slower (shared/reference/dependencies.md); the test
 * suite cross-checks this one against it.
 */
export function luhnValid(digits: string): boolean {
  return luhnValidRange(digits, 0, digits.length);
}

/**
 * Luhn over the digits of `text[start, end)`, anything else (separators) skipped; ASCII and
 * full-width digits. The candidate finder checks readings in place with it, before it builds
 * a string for the few that pass.
 */
export function luhnValidRange(text: string, start: number, end: number): boolean {
  let sum = 0;
  let double = false;
  for (let k = end - 1; k >= start; k--) {
    let d = text.charCodeAt(k) - 48;
    if (d < 0 || d > 9) {
      d += 48 - 0xff10;
      if (d < 0 || d > 9) continue;
    }
    sum += double ? DOUBLED[d]! : d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** The Luhn check digit that completes `body` (digits only): the last digit of a PAN. */
export function luhnCheckDigit(body: string): string {
  let sum = 0;
  // The check digit's neighbour is doubled, and every second digit before it.
  for (let k = body.length - 1, double = true; k >= 0; k--, double = !double) {
    const d = body.charCodeAt(k) - 48;
    sum += double ? DOUBLED[d]! : d;
  }
  return String((10 - (sum % 10)) % 10);
}

/** 2d with its digits summed, for d = 0–9 (shared with the WebAssembly finder). */
export const DOUBLED = new Uint8Array([0, 2, 4, 6, 8, 1, 3, 5, 7, 9]);
