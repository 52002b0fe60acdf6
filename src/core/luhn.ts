/**
 * Luhn (mod 10) check over a string of ASCII digits. Inline rather than the `luhn` package:
 * that one strips whitespace but not dashes, rejects all-zero input and is 4× slower
 * (shared/reference/dependencies.md); the test suite cross-checks this one against it.
 */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d += d;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}
