/**
 * Glob matching for `include` / `exclude` and for glob arguments (`'share/**\/*.pdf'`).
 *
 * Our own small matcher rather than fast-glob: fast-glob walks the tree itself and, with
 * `suppressErrors`, silently drops folders it cannot read, while a compliance scan must report
 * them. The walker (walk.ts) reads folders itself and only asks this module "does this path
 * match?" and "could anything below this folder match?".
 *
 * Syntax: `*` (any run of characters within one path segment, dot-files included), `?` (one
 * character), `[abc]` / `[a-z]` / `[!a]` (one character of a class), `{a,b}` (alternatives,
 * may nest and may span `/`), `**` as a whole segment (zero or more segments), `\` escapes the
 * next character. Paths are matched with `/` separators, case-sensitively.
 */
import { redactDigitRuns } from '../core/mask.js';
import { OptionsError } from '../options.js';

/**
 * A glob as quoted in an error message. A glob written to find files named after a known card
 * number is card data, and usage errors end up in CI logs: long digit runs are masked.
 */
function quote(pattern: string): string {
  return `"${redactDigitRuns(pattern)}"`;
}

/** Brace expansion beyond this many alternatives is refused (`{a,b}{a,b}…` grows exponentially). */
const MAX_ALTERNATIVES = 1024;

const MAGIC = /[*?[{\\]/;

/** True when `text` contains glob syntax. */
export function hasGlobSyntax(text: string): boolean {
  return MAGIC.test(text);
}

type SegmentMatcher = '**' | RegExp;

/** A compiled glob: one or more alternatives (after brace expansion), each a list of segments. */
export interface Glob {
  readonly source: string;
  /** Alternatives, each matched segment by segment. */
  readonly alternatives: readonly (readonly SegmentMatcher[])[];
  /** No `/` in the pattern: matched against the last path segment at any depth (like .gitignore). */
  readonly basename: boolean;
  /** Trailing `/`: matches folders only. */
  readonly dirOnly: boolean;
}

/** Index of the `}` closing the `{` at `open`, or -1; honours nesting and escapes. */
function closingBrace(pattern: string, open: number): number {
  let depth = 0;
  for (let i = open; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') i++;
    else if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) return i;
  }
  return -1;
}

/** Splits the inside of a brace group on its top-level commas. */
function splitAlternatives(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch === '\\') i++;
    else if (ch === '{') depth++;
    else if (ch === '}') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  return parts;
}

/** `a{b,c}d` → `abd`, `acd`. A `{` without a matching `}` or without a comma is literal. */
export function expandBraces(pattern: string): string[] {
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') {
      i++;
      continue;
    }
    if (ch !== '{') continue;
    const close = closingBrace(pattern, i);
    if (close < 0) return [pattern];
    const alternatives = splitAlternatives(pattern.slice(i + 1, close));
    if (alternatives.length < 2) continue;
    const head = pattern.slice(0, i);
    const tails = expandBraces(pattern.slice(close + 1));
    const out: string[] = [];
    for (const alternative of alternatives) {
      for (const middle of expandBraces(alternative)) {
        for (const tail of tails) {
          out.push(head + middle + tail);
          if (out.length > MAX_ALTERNATIVES) {
            throw new OptionsError(`glob ${quote(pattern)} expands to more than ${MAX_ALTERNATIVES} alternatives`);
          }
        }
      }
    }
    return out;
  }
  return [pattern];
}

function escapeRegExp(ch: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(ch) ? `\\${ch}` : ch;
}

/** One path segment of a glob (no `/`, braces already expanded) → an anchored RegExp. */
function compileSegment(segment: string, source: string): RegExp {
  let out = '';
  for (let i = 0; i < segment.length; i++) {
    const ch = segment[i]!;
    if (ch === '\\') {
      const next = segment[++i];
      if (next !== undefined) out += escapeRegExp(next);
    } else if (ch === '*') {
      out += '.*';
      while (segment[i + 1] === '*') i++;
    } else if (ch === '?') {
      out += '.';
    } else if (ch === '[') {
      const close = segment.indexOf(']', i + 2);
      if (close < 0) {
        out += '\\[';
        continue;
      }
      let body = segment.slice(i + 1, close);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      const cls = [...body].map((c) => (c === '-' ? '-' : escapeRegExp(c))).join('');
      out += negate ? `[^${cls}]` : `[${cls}]`;
      i = close;
    } else {
      out += escapeRegExp(ch);
    }
  }
  try {
    // `s`: a `?` or `*` also matches a newline that a (hostile) file name may contain.
    return new RegExp(`^${out}$`, 's');
  } catch {
    throw new OptionsError(`invalid glob ${quote(source)}`);
  }
}

/**
 * Compiles a glob. Rules as in .gitignore: a leading `/` or `./` anchors the pattern to the root
 * (same as containing a `/`); a pattern without `/` matches a file or folder name at any depth;
 * a trailing `/` matches folders only. With `anchored` (the pattern part of a glob argument, as a
 * shell reads it) the pattern always matches from the root: `*.txt` means the top folder only.
 */
export function compileGlob(pattern: string, anchoredAlways = false): Glob {
  if (pattern.trim() === '') throw new OptionsError('a glob must not be empty');
  let body = pattern;
  const dirOnly = body.length > 1 && body.endsWith('/');
  if (dirOnly) body = body.replace(/\/+$/, '');
  const anchored = anchoredAlways || body.startsWith('/') || body.startsWith('./');
  body = body.replace(/^(\.\/|\/)+/, '');
  const basename = !anchored && !body.includes('/');
  const alternatives = expandBraces(body).map((alternative) =>
    alternative
      .split('/')
      .filter((segment) => segment !== '' && segment !== '.')
      .map((segment): SegmentMatcher => (segment === '**' ? '**' : compileSegment(segment, pattern))),
  );
  return { source: pattern, alternatives, basename, dirOnly };
}

/**
 * Whether `path` (segments) matches `pattern` entirely, or, with `prefix`, whether it could be
 * the folder part of a longer match. Dynamic programming over (path index, pattern index) so that
 * many `**` stay linear rather than exponential.
 */
function matchSegments(path: readonly string[], pattern: readonly SegmentMatcher[], prefix: boolean): boolean {
  const memo = new Map<number, boolean>();
  const width = pattern.length + 1;
  const step = (i: number, j: number): boolean => {
    const key = i * width + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    const matcher = pattern[j];
    if (matcher === undefined) result = i === path.length;
    else if (i === path.length) result = prefix || pattern.slice(j).every((m) => m === '**');
    else if (matcher === '**') result = step(i, j + 1) || step(i + 1, j);
    else result = matcher.test(path[i]!) && step(i + 1, j + 1);
    memo.set(key, result);
    return result;
  };
  return step(0, 0);
}

function segmentsOf(relPath: string): string[] {
  return relPath.split('/').filter((segment) => segment !== '');
}

/** Does `relPath` (relative to the root, `/`-separated) match the glob? */
export function matchGlob(glob: Glob, relPath: string, isDirectory: boolean): boolean {
  if (glob.dirOnly && !isDirectory) return false;
  const segments = segmentsOf(relPath);
  if (glob.basename) {
    const name = segments[segments.length - 1];
    return name !== undefined && glob.alternatives.some((alt) => matchSegments([name], alt, false));
  }
  return glob.alternatives.some((alt) => matchSegments(segments, alt, false));
}

/** Could a file below the folder `relPath` match the (anchored) glob? Lets the walker prune. */
export function couldMatchBelow(glob: Glob, relPath: string): boolean {
  if (glob.basename) return true;
  const segments = segmentsOf(relPath);
  return glob.alternatives.some((alt) => matchSegments(segments, alt, true));
}

/**
 * Splits a glob argument into the folder to walk and the pattern for paths below it:
 * `share/**\/*.pdf` → `{ base: 'share', pattern: '**\/*.pdf' }`. The base is the longest
 * leading run of segments without glob syntax.
 */
export function splitGlobArgument(argument: string): { base: string; pattern: string } {
  const parts = argument.split('/');
  let cut = 0;
  while (cut < parts.length - 1 && !hasGlobSyntax(parts[cut]!)) cut++;
  const baseParts = parts.slice(0, cut);
  let base = baseParts.join('/');
  if (base === '' && argument.startsWith('/')) base = '/';
  return { base: base === '' ? '.' : base, pattern: parts.slice(cut).join('/') };
}
