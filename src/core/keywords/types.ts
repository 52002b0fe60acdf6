/**
 * Keyword lists of one language. Matched as whole words (or whole phrases), case- and
 * accent-insensitively; a phrase with spaces also matches its `_`, `-` and no-space forms.
 * Scripts without spaces between words (Japanese, Chinese) are matched as substrings.
 */
export interface KeywordList {
  /** Words that name a payment card or its number: corroborate a PAN. */
  readonly card: readonly string[];
  /** Words that name a card security code (CVV/CVC/CID): a code after one is a CVV. */
  readonly securityCode: readonly string[];
  /** Words that name an expiry date. */
  readonly expiry: readonly string[];
  /** Context that marks a number as something else even next to a card word. */
  readonly negativeHard: readonly string[];
  /** Context that marks a number as something else unless a card word is present. */
  readonly negativeSoft: readonly string[];
}
