import { foldRange, type KeywordHit } from './context.js';

/**
 * Expiry dates in the forms people write: `08/27`, `08/2027`, `08-27`, `2027-08`, `Aug 2027`,
 * `valid thru 08/27`, `exp 0827`. A bare `MM/YY` near a PAN counts; compact `MMYY`, dotted
 * `MM.YY` and month names with two-digit years need an expiry word right before them,
 * because on their own they are as likely an amount or a day.
 */

// MM/YY, MM/YYYY, MM-YY, MM-YYYY — not part of a longer date (12/25/2024) or number.
const SLASHED = /(?<![\d/.\-])(0?[1-9]|1[0-2]) ?[/\-] ?((?:19|20)?\d\d)(?![\d/]|[.\-]\d)/g;
// YYYY-MM, YYYY/MM — but not YYYY-MM-DD.
const YEAR_FIRST = /(?<![\d/.\-])((?:19|20)\d\d)[/\-](0[1-9]|1[0-2])(?!\d|[/\-]\d)/g;
// MM.YY — only after an expiry word (else it is an amount).
const DOTTED = /(?<![\d.])(0?[1-9]|1[0-2])\.((?:19|20)?\d\d)(?![\d.])/g;
// MMYY — only after an expiry word.
const COMPACT = /(?<!\d)(0[1-9]|1[0-2])(\d\d)(?!\d)/g;
// Month names (en, fr, de, es, it, pt, nl) on folded (lower-case, accent-free) text.
const MONTHS =
  'jan|janv|janvier|january|januar|januari|jaen|ene|enero|gen|gennaio|janeiro|feb|fev|fevr|fevrier|february|februar|februari|febrero|febbraio|fevereiro|mar|mars|march|marz|maerz|marzo|marco|maart|mrt|apr|avr|avril|april|abr|abril|aprile|may|mai|mayo|mag|maggio|maio|mei|jun|juin|june|juni|junio|giu|giugno|junho|jul|juil|juillet|july|juli|julio|lug|luglio|julho|aug|aout|august|augustus|ago|agosto|sep|sept|september|septembre|septiembre|set|settembre|setembro|oct|octobre|october|okt|oktober|octubre|ott|ottobre|out|outubro|nov|novembre|november|noviembre|novembro|dec|decembre|december|dez|dezember|dic|diciembre|dicembre|dezembro';
const NAMED = new RegExp(`(?<![a-z])(?:${MONTHS})\\.?[ \\-/,]{0,3}((?:19|20)\\d\\d|\\d\\d)(?!\\d)`, 'g');

/** Letters (or characters that fold to letters): a month name is possible. */
const MAY_HOLD_LETTERS = /[A-Za-z\u0080-\uffff]/;

/** How far (characters) an expiry word may stand before the date it introduces. */
const KEYWORD_REACH = 16;

function keywordBefore(keywords: readonly KeywordHit[], at: number): boolean {
  for (const k of keywords) {
    if (k.category === 'expiry' && k.end <= at && at - k.end <= KEYWORD_REACH) return true;
  }
  return false;
}

/**
 * Start offsets of expiry dates in `text[lo, hi)`, skipping `[skipStart, skipEnd)` (the PAN).
 * `keywords` are the keyword hits of the same range.
 */
export function findExpiryDates(
  text: string,
  lo: number,
  hi: number,
  skipStart: number,
  skipEnd: number,
  keywords: readonly KeywordHit[],
  /** Accept only dates right after an expiry word (used beyond the number's own line). */
  requireKeyword = false,
): number[] {
  const found: number[] = [];
  // Forms that need an expiry word cannot match without one; month names need letters.
  const anyExpiryWord = keywords.some((k) => k.category === 'expiry');
  const consider = (slice: string, base: number, pattern: RegExp, needsKeywordHere: boolean, yearGroup: number) => {
    const needsKeyword = needsKeywordHere || requireKeyword;
    pattern.lastIndex = 0;
    for (let m = pattern.exec(slice); m; m = pattern.exec(slice)) {
      const at = base + m.index;
      if (at >= skipStart && at < skipEnd) continue;
      const year = m[yearGroup]!;
      if (year.length === 4 && (Number(year) < 1990 || Number(year) > 2099)) continue;
      if (needsKeyword && !keywordBefore(keywords, at)) continue;
      found.push(at);
    }
  };
  for (const [a, b] of [
    [lo, skipStart],
    [skipEnd, hi],
  ] as const) {
    if (b <= a) continue;
    const slice = text.slice(a, b);
    consider(slice, a, SLASHED, false, 2);
    consider(slice, a, YEAR_FIRST, false, 1);
    if (anyExpiryWord) {
      consider(slice, a, DOTTED, true, 2);
      consider(slice, a, COMPACT, true, 2);
    }
    if (!MAY_HOLD_LETTERS.test(slice)) continue;
    const folded = foldRange(text, a, b);
    NAMED.lastIndex = 0;
    for (let m = NAMED.exec(folded); m; m = NAMED.exec(folded)) {
      const at = a + m.index;
      const year = m[1]!;
      if ((year.length === 2 || requireKeyword) && !keywordBefore(keywords, at)) continue;
      if (year.length === 4 && (Number(year) < 1990 || Number(year) > 2099)) continue;
      found.push(at);
    }
  }
  return found;
}

/** True when a cell value alone reads as an expiry date (for columns named "Expiry"). */
export function looksLikeExpiryValue(value: string): boolean {
  const v = value.trim();
  if (v.length < 4 || v.length > 20) return false;
  SLASHED.lastIndex = 0;
  YEAR_FIRST.lastIndex = 0;
  NAMED.lastIndex = 0;
  if (SLASHED.test(v) || YEAR_FIRST.test(v) || NAMED.test(foldRange(v, 0, v.length))) return true;
  return /^(0[1-9]|1[0-2])(\d\d|20\d\d)$/.test(v) || /^(0?[1-9]|1[0-2])\.(\d\d|20\d\d)$/.test(v);
}
