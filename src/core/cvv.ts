import type { KeywordHit } from './context.js';
import { isDigitCode } from './candidates.js';

/**
 * Security codes (CVV2/CVC2/CID) are only recognised after a security-code word: three
 * digits on their own are everywhere. Amex prints a four-digit CID, the others three digits.
 */

/** How far after the keyword the code may start (": ", " is ", " (3 digits) "...). */
const REACH = 20;

function isWordish(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || isDigitCode(code);
}

/** Offsets of security codes introduced by the keywords in `keywords`, within `text[.., hi)`. */
export function findSecurityCodes(text: string, hi: number, keywords: readonly KeywordHit[], amex: boolean): number[] {
  const found: number[] = [];
  for (const keyword of keywords) {
    if (keyword.category !== 'securityCode') continue;
    const limit = Math.min(hi, keyword.end + REACH);
    let i = keyword.end;
    // Look at up to two digit runs after the keyword: "CVV2 (back): 123".
    for (let runs = 0; runs < 2 && i < limit; runs++) {
      while (i < limit && !isDigitCode(text.charCodeAt(i))) i++;
      if (i >= limit) break;
      const start = i;
      while (i < hi && isDigitCode(text.charCodeAt(i))) i++;
      const length = i - start;
      const before = text.charCodeAt(start - 1);
      const after = text.charCodeAt(i);
      // "735-846": the second run continues the first, it is no code either.
      const continued = (before === 47 || before === 45 || before === 46) && isDigitCode(text.charCodeAt(start - 2));
      const glued = isWordish(before) || isWordish(after) || continued;
      // Part of a date or longer number ("08/27", "123-456") is not a code.
      const joined = (after === 47 || after === 45 || after === 46) && isDigitCode(text.charCodeAt(i + 1));
      if (!glued && !joined && (length === 3 || (amex && length === 4))) {
        found.push(start);
        break;
      }
    }
  }
  return found;
}

/** True when a cell value alone is a security code (for columns named "CVV"). */
export function looksLikeSecurityCodeValue(value: string, amex: boolean): boolean {
  const v = value.trim();
  return /^\d{3}$/.test(v) || (amex && /^\d{4}$/.test(v));
}
