import { de } from './keywords/de.js';
import { en } from './keywords/en.js';
import { es } from './keywords/es.js';
import { fr } from './keywords/fr.js';
import { it } from './keywords/it.js';
import { ja } from './keywords/ja.js';
import { nl } from './keywords/nl.js';
import { pt } from './keywords/pt.js';
import type { KeywordList } from './keywords/types.js';

/** What a context word says about a nearby number. */
export type KeywordCategory = 'card' | 'securityCode' | 'expiry' | 'negativeHard' | 'negativeSoft';

/** A keyword found in text: its category, its normalised form and where it is. */
export interface KeywordHit {
  readonly category: KeywordCategory;
  readonly keyword: string;
  readonly start: number;
  readonly end: number;
}

export const KEYWORD_LISTS: Readonly<Record<string, KeywordList>> = { en, fr, de, es, it, pt, nl, ja };

const CATEGORIES: readonly KeywordCategory[] = ['card', 'securityCode', 'expiry', 'negativeHard', 'negativeSoft'];

// Per-code-unit normalisation that keeps string length (so positions stay exact): lower case
// and the base letter of an accented Latin letter ("é" → "e", "Ü" → "u").
const foldCache = new Map<number, number>();
export function foldChar(code: number): number {
  if (code < 128) return code >= 65 && code <= 90 ? code + 32 : code;
  // Surrogates, and CJK/kana (NFD would split ド into ト + mark): left as they are.
  if ((code >= 0xd800 && code <= 0xdfff) || (code >= 0x2e80 && code < 0xff00)) return code;
  let folded = foldCache.get(code);
  if (folded === undefined) {
    const base = String.fromCharCode(code).normalize('NFD').charAt(0).toLowerCase();
    folded = base.length === 1 ? base.charCodeAt(0) : code;
    // Full-width Latin letters (ＣＶＶ) fold to ASCII so they match like their narrow forms.
    if (code >= 0xff21 && code <= 0xff3a) folded = code - 0xff21 + 97;
    else if (code >= 0xff41 && code <= 0xff5a) folded = code - 0xff41 + 97;
    foldCache.set(code, folded);
  }
  return folded;
}

/** Lower-cased, accent-stripped copy of `text[start, end)` with the same length. */
export function foldRange(text: string, start: number, end: number): string {
  let i = start;
  while (i < end && text.charCodeAt(i) < 128) i++;
  // ASCII (nearly always): the native lower-casing, which keeps the length for ASCII.
  if (i === end) return text.slice(start, end).toLowerCase();
  let out = text.slice(start, i).toLowerCase();
  for (; i < end; i++) out += String.fromCharCode(foldChar(text.charCodeAt(i)));
  return out;
}

/** Word characters after folding: ASCII letters and digits, Latin letters left without a base form (ß, æ, ø …). */
function isWordCode(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || (code >= 0xc0 && code <= 0x24f && code !== 0xd7 && code !== 0xf7);
}

function isCjk(code: number): boolean {
  return code >= 0x3000 && code <= 0x9fff;
}

interface Phrase {
  readonly category: KeywordCategory;
  readonly keyword: string;
  readonly tokens: readonly string[];
}

function tokenize(folded: string): string[] {
  const tokens: string[] = [];
  let current = '';
  for (let i = 0; i < folded.length; i++) {
    const code = folded.charCodeAt(i);
    if (isWordCode(code)) current += folded[i];
    else if (current) {
      tokens.push(current);
      current = '';
    }
  }
  if (current) tokens.push(current);
  return tokens;
}

interface CompiledKeywords {
  readonly byFirstToken: ReadonlyMap<string, readonly Phrase[]>;
  /** First (folded) characters of the first tokens: a token starting otherwise opens no phrase. */
  readonly firstChars: ReadonlySet<number>;
  readonly cjk: readonly Phrase[];
}

function compile(lists: readonly KeywordList[]): CompiledKeywords {
  const byFirstToken = new Map<string, Phrase[]>();
  const cjk: Phrase[] = [];
  const seen = new Set<string>();
  const add = (category: KeywordCategory, keyword: string, tokens: string[]) => {
    const id = `${category}:${tokens.join(' ')}`;
    if (tokens.length === 0 || seen.has(id)) return;
    seen.add(id);
    const phrase: Phrase = { category, keyword, tokens };
    const list = byFirstToken.get(tokens[0]!) ?? [];
    list.push(phrase);
    byFirstToken.set(tokens[0]!, list);
  };
  for (const list of lists) {
    for (const category of CATEGORIES) {
      for (const raw of list[category]) {
        const folded = foldRange(raw, 0, raw.length);
        if ([...folded].some((ch) => isCjk(ch.charCodeAt(0)))) {
          cjk.push({ category, keyword: folded, tokens: [folded] });
          continue;
        }
        const tokens = tokenize(folded);
        const keyword = tokens.join(' ');
        add(category, keyword, tokens);
        // Macie: a keyword with spaces also matches its no-space form ("cardnumber"); the
        // `_` and `-` forms tokenise like the spaced one already.
        if (tokens.length > 1) add(category, keyword, [tokens.join('')]);
      }
    }
  }
  // Longest phrases first so "card verification value" wins over "card".
  for (const list of byFirstToken.values()) list.sort((a, b) => b.tokens.length - a.tokens.length);
  cjk.sort((a, b) => b.keyword.length - a.keyword.length);
  const firstChars = new Set([...byFirstToken.keys()].map((token) => token.charCodeAt(0)));
  return { byFirstToken, firstChars, cjk };
}

const DEFAULT_KEYWORDS = compile(Object.values(KEYWORD_LISTS));

const tokens = { start: new Int32Array(64), end: new Int32Array(64), plain: new Uint8Array(64), text: new Array<string | undefined>(64) };

function growTokens(): void {
  const size = tokens.start.length * 2;
  const start = new Int32Array(size);
  const end = new Int32Array(size);
  const plain = new Uint8Array(size);
  start.set(tokens.start);
  end.set(tokens.end);
  plain.set(tokens.plain);
  Object.assign(tokens, { start, end, plain });
  tokens.text.length = size;
}

/** Folded text of scratch token `t`, built once. */
function tokenText(text: string, t: number): string {
  let token = tokens.text[t];
  if (token === undefined) {
    const from = tokens.start[t]!;
    const to = tokens.end[t]!;
    // Already lower-case ASCII (the usual case): the text itself, no per-character copy.
    token = tokens.plain[t] === 1 ? text.slice(from, to) : foldRange(text, from, to);
    tokens.text[t] = token;
  }
  return token;
}

/**
 * Every keyword in `text[start, end)`, whole words only, longest phrase first at each place.
 * Positions are indices into `text`.
 */
export function findKeywords(text: string, start: number, end: number, keywords: CompiledKeywords = DEFAULT_KEYWORDS): KeywordHit[] {
  const hits: KeywordHit[] = [];
  // Token bounds go to scratch arrays shared by all calls (this function is synchronous and
  // is called for every number): a token's folded text is only built when a keyword
  // comparison needs it — most tokens in a window are numbers and words that open no keyword.
  let count = 0;
  let hasCjk = false;
  let currentStart = -1;
  let plain = true;
  for (let i = start; i <= end; i++) {
    const raw = i < end ? text.charCodeAt(i) : 32;
    const code = foldChar(raw);
    if (isWordCode(code)) {
      if (currentStart < 0) {
        currentStart = i;
        plain = true;
      }
      if (code !== raw) plain = false;
      continue;
    }
    if (currentStart >= 0) {
      if (count === tokens.start.length) growTokens();
      tokens.start[count] = currentStart;
      tokens.end[count] = i;
      tokens.plain[count] = plain ? 1 : 0;
      tokens.text[count] = undefined;
      count++;
      currentStart = -1;
    }
    if (!hasCjk && isCjk(code)) hasCjk = true;
  }
  for (let t = 0; t < count; t++) {
    if (!keywords.firstChars.has(foldChar(text.charCodeAt(tokens.start[t]!)))) continue;
    const phrases = keywords.byFirstToken.get(tokenText(text, t));
    if (!phrases) continue;
    for (const phrase of phrases) {
      const n = phrase.tokens.length;
      if (t + n > count) continue;
      let ok = true;
      for (let k = 1; k < n && ok; k++) {
        // Tokens of a phrase must be neighbours: at most a few separator characters apart.
        ok = tokens.start[t + k]! - tokens.end[t + k - 1]! <= 3 && tokenText(text, t + k) === phrase.tokens[k];
      }
      if (!ok) continue;
      hits.push({ category: phrase.category, keyword: phrase.keyword, start: tokens.start[t]!, end: tokens.end[t + n - 1]! });
    }
  }
  if (hasCjk) {
    const folded = foldRange(text, start, end);
    for (const phrase of keywords.cjk) {
      for (let at = folded.indexOf(phrase.keyword); at >= 0; at = folded.indexOf(phrase.keyword, at + 1)) {
        hits.push({ category: phrase.category, keyword: phrase.keyword, start: start + at, end: start + at + phrase.keyword.length });
      }
    }
  }
  return hits;
}

// Field names repeat on every record of a table: remember their verdicts (bounded).
const fieldCache = new Map<string, KeywordHit | undefined>();
const FIELD_CACHE_MAX = 4096;

/** Categories named by a field (column header, JSON key, element name), e.g. "Card Number" → card. */
export function classifyFieldName(name: string): KeywordHit | undefined {
  if (fieldCache.has(name)) return fieldCache.get(name);
  const verdict = classifyUncached(name);
  if (fieldCache.size >= FIELD_CACHE_MAX) fieldCache.clear();
  fieldCache.set(name, verdict);
  return verdict;
}

function classifyUncached(name: string): KeywordHit | undefined {
  const hits = findKeywords(name, 0, name.length);
  if (hits.length === 0) return undefined;
  // A field is named by its most specific word: prefer security code / expiry / negatives
  // ("card_cvv" is a CVV column, "imei" an IMEI column) over the generic card word.
  const order: KeywordCategory[] = ['securityCode', 'expiry', 'negativeHard', 'negativeSoft', 'card'];
  hits.sort((a, b) => order.indexOf(a.category) - order.indexOf(b.category) || b.end - b.start - (a.end - a.start));
  return hits[0];
}
