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
    const code = text.charCodeAt(k);
    let d: number;
    if (code >= 48 && code <= 57) d = code - 48;
    else if (code >= 0xff10 && code <= 0xff19) d = code - 0xff10;
    else continue;
    if (double) {
      d += d;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}
