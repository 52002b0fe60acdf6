import { describe, expect, it } from 'vitest';
import { OptionsError } from '../../src/options.js';
import { compileGlob, couldMatchBelow, expandBraces, hasGlobSyntax, matchGlob, splitGlobArgument } from '../../src/walk/glob.js';

describe('matchGlob', () => {
  it.each([
    // pattern, path, expected
    ['*.txt', 'a.txt', true],
    ['*.txt', 'deep/er/a.txt', true], // no slash: the name at any depth
    ['*.txt', 'a.txt.bak', false],
    ['*.txt', '.hidden.txt', true], // dot-files are not special
    ['/*.txt', 'a.txt', true],
    ['/*.txt', 'sub/a.txt', false], // leading slash anchors
    ['./*.txt', 'sub/a.txt', false],
    ['sub/*.txt', 'sub/a.txt', true],
    ['sub/*.txt', 'x/sub/a.txt', false],
    ['**/*.txt', 'a.txt', true],
    ['**/*.txt', 'x/y/a.txt', true],
    ['a/**/b', 'a/b', true],
    ['a/**/b', 'a/x/y/b', true],
    ['a/**', 'a/x/y', true],
    ['?.csv', 'a.csv', true],
    ['?.csv', 'ab.csv', false],
    ['[ab].csv', 'b.csv', true],
    ['[!ab].csv', 'b.csv', false],
    ['[a-c]x', 'cx', true],
    ['*.{csv,xlsx}', 'r/q.xlsx', true],
    ['{docs,mail}/**', 'mail/in/x.eml', true],
    ['{docs,mail}/**', 'other/x.eml', false],
    ['\\*.txt', '*.txt', true],
    ['\\*.txt', 'a.txt', false],
    ['a.b', 'axb', false], // `.` is literal
  ])('%s vs %s → %s', (pattern, path, expected) => {
    expect(matchGlob(compileGlob(pattern), path, false)).toBe(expected);
  });

  it('a trailing slash matches folders only', () => {
    const glob = compileGlob('build/');
    expect(matchGlob(glob, 'x/build', true)).toBe(true);
    expect(matchGlob(glob, 'x/build', false)).toBe(false);
  });

  it('many ** stay fast (no exponential backtracking)', () => {
    const glob = compileGlob('**/a/**/a/**/a/**/a/**/a/**/b');
    const path = Array.from({ length: 60 }, () => 'a').join('/');
    const started = performance.now();
    expect(matchGlob(glob, path, false)).toBe(false);
    expect(performance.now() - started).toBeLessThan(200);
  });

  it('file names with newlines are matched by wildcards', () => {
    expect(matchGlob(compileGlob('*.txt'), 'a\nb.txt', false)).toBe(true);
  });
});

describe('couldMatchBelow', () => {
  it('prunes folders that cannot lead to a match', () => {
    const glob = compileGlob('src/*/x.ts');
    expect(couldMatchBelow(glob, 'src')).toBe(true);
    expect(couldMatchBelow(glob, 'src/a')).toBe(true);
    expect(couldMatchBelow(glob, 'src/a/b')).toBe(false);
    expect(couldMatchBelow(glob, 'lib')).toBe(false);
    expect(couldMatchBelow(compileGlob('**/x.ts'), 'any/depth/at/all')).toBe(true);
  });
});

describe('expandBraces', () => {
  it('expands nested alternatives and leaves lone braces alone', () => {
    expect(expandBraces('a{b,c{d,e}}f')).toEqual(['abf', 'acdf', 'acef']);
    expect(expandBraces('a{b}c')).toEqual(['a{b}c']);
    expect(expandBraces('a{b,c')).toEqual(['a{b,c']);
  });

  it('refuses explosive patterns with an OptionsError', () => {
    expect(() => expandBraces('{a,b}'.repeat(12))).toThrow(OptionsError);
  });
});

describe('glob arguments', () => {
  it('detects glob syntax', () => {
    expect(hasGlobSyntax('share/*.pdf')).toBe(true);
    expect(hasGlobSyntax('share/report.pdf')).toBe(false);
  });

  it.each([
    ['share/**/*.pdf', 'share', '**/*.pdf'],
    ['*.txt', '.', '*.txt'],
    ['/data/*/x.csv', '/data', '*/x.csv'],
    ['/*.csv', '/', '*.csv'],
    ['a/b/{c,d}/e', 'a/b', '{c,d}/e'],
  ])('%s → base %s, pattern %s', (argument, base, pattern) => {
    expect(splitGlobArgument(argument)).toEqual({ base, pattern });
  });

  it('does not quote a card number of an invalid glob in its error', () => {
    const pan = '4257091234568013';
    expect(() => compileGlob(`[9-0]*${pan}*`)).toThrow(/invalid glob "\[9-0\]\*425709\*+8013\*"/);
  });

  it('rejects an empty glob', () => {
    expect(() => compileGlob('')).toThrow(OptionsError);
  });
});
