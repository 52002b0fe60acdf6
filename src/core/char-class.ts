/**
 * The character classes of the candidate finder, shared by its JavaScript loop (a table over
 * every UTF-16 code unit) and its WebAssembly kernel (the first 256, as bytes: finder.wat reads
 * the same values).
 */
export const DIGIT = 1;
export const SEP = 2;
export const GLUE = 4;

/** Class of a UTF-16 code unit: a digit, a separator inside a card number, glue (a letter), or none. */
export function classOf(code: number): number {
  if (code >= 48 && code <= 57) return DIGIT;
  if ((code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95) return GLUE; // letters, _
  if (code >= 0xc0 && code <= 0x24f && code !== 0xd7 && code !== 0xf7) return GLUE; // Latin-1 and Latin Extended letters
  if (code === 32 || code === 45 || code === 46 || code === 0xa0) return SEP; // space - . no-break space (Word, PDF text)
  if (code >= 0xff10 && code <= 0xff19) return DIGIT; // full-width digits
  if (code === 0x2009 || code === 0x202f || code === 0x2007) return SEP; // thin / narrow no-break / figure space
  if (code === 0x2010 || code === 0x2011 || code === 0xff0d) return SEP; // hyphen, non-breaking hyphen, full-width hyphen-minus
  return 0;
}
