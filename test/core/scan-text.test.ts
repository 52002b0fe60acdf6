/**
 * `scanText`: the shape of findings, thresholds, options, and exact locations
 * (issue 2, item 9.6; design §2: line/column 1-based, offset 0-based, UTF-16 code units).
 */
import { describe, expect, it } from 'vitest';
import { OptionsError, scanText } from '../../src/core/index.js';
import type { Finding } from '../../src/types.js';
import { makePan, rng } from '../support/cards.js';
import { ALL, cleanPan, fullWidth, lineColumn, scan, split } from './helpers.js';

const random = rng(1234);
const P1 = cleanPan('4', 16, random, [[4, 4, 4, 4]]);
const P2 = cleanPan('51', 16, random, [[4, 4, 4, 4]]);
const P3 = cleanPan('37', 15, random, [[4, 6, 5]]);
const G1 = split(P1, [4, 4, 4, 4]).join(' ');

/** Every finding's location (and its companions') agrees with the text, counted here from scratch. */
function expectLocationsExact(text: string, findings: readonly Finding[]): void {
  for (const f of findings) {
    for (const loc of [f.location, f.expiry?.location, f.cvv?.location]) {
      if (!loc) continue;
      expect(loc.offset).toBeGreaterThanOrEqual(0);
      expect(loc, JSON.stringify(text)).toEqual({ ...lineColumn(text, loc.offset!), offset: loc.offset });
    }
  }
}

describe('finding shape', () => {
  it('has exactly the contract fields, no path, and plain JSON data', () => {
    const [f] = scan(`card ${G1} exp 08/27 cvv 735`);
    expect(f).toBeDefined();
    expect(Object.keys(f!).sort()).toEqual(
      ['type', 'location', 'kind', 'brand', 'masked', 'bin', 'last4', 'length', 'confidence', 'score', 'reasons', 'expiry', 'cvv', 'testCard', 'fingerprint'].sort(),
    );
    expect(f!.type).toBe('finding');
    expect(f).not.toHaveProperty('path');
    expect(JSON.parse(JSON.stringify(f))).toEqual(f);
    expect(f!.score).toBeGreaterThanOrEqual(0);
    expect(f!.score).toBeLessThanOrEqual(1);
    expect(f!.reasons).toContain('luhn');
  });

  it('leaves expiry and cvv out when there are none', () => {
    const [f] = scan(G1);
    expect(f).not.toHaveProperty('expiry');
    expect(f).not.toHaveProperty('cvv');
  });

  it('returns nothing for text without card numbers', () => {
    expect(scanText('')).toEqual([]);
    expect(scanText('no digits here at all')).toEqual([]);
    expect(scanText('1234 5678 90 12.50 2024-01-15 +1 (415) 555-0134')).toEqual([]);
  });
});

describe('thresholds and options', () => {
  const text = `order ${P2}\nlorem ipsum dolor sit amet, consectetur adipiscing\nnoted ${G1} today\nlorem ipsum dolor sit amet, consectetur adipiscing\ncard ${P3} exp 08/27`;

  it('minConfidence filters by level (default medium)', () => {
    const levels = (options = {}) => scan(text, options).map((f) => f.confidence);
    expect(levels({ minConfidence: 'low' })).toEqual(['low', 'medium', 'high']);
    expect(levels()).toEqual(['medium', 'high']);
    expect(levels({ minConfidence: 'medium' })).toEqual(['medium', 'high']);
    expect(levels({ minConfidence: 'high' })).toEqual(['high']);
  });

  it('scores order the levels: every high scores above every medium, every medium above every low', () => {
    const findings = scan(text, ALL);
    const [low, medium, high] = findings.map((f) => f.score);
    expect(low).toBeLessThan(medium!);
    expect(medium).toBeLessThan(high!);
  });

  it('rejects bad options with OptionsError', () => {
    expect(() => scanText(text, { minConfidence: 'bogus' as 'low' })).toThrow(OptionsError);
    expect(() => scanText(text, { binLength: 7 as 6 })).toThrow(OptionsError);
    expect(() => scanText(text, { windowAfter: -3 })).toThrow(OptionsError);
  });

  it('counts each Luhn-valid number held back once as suppressed (below threshold, test card, unknown IIN)', () => {
    const held = [`order ${P2}`, '4111 1111 1111 1111', makePan('99', 16, random), `IMEI ${makePan('35', 15, random)}`];
    const c = { rejected: 0, suppressed: 0 };
    expect(scanText(held.join('\n'), { fingerprintKey: 'k' }, c)).toEqual([]);
    expect(c).toEqual({ rejected: 0, suppressed: held.length });
    const d = { rejected: 0, suppressed: 0 };
    expect(scanText(held.join('\n'), { fingerprintKey: 'k', minConfidence: 'low', includeTestCards: true }, d)).toHaveLength(held.length);
    expect(d).toEqual({ rejected: 0, suppressed: 0 });
  });

  it('is pure: the same text and options give the same findings', () => {
    expect(scan(text, ALL)).toEqual(scan(text, ALL));
  });
});

describe('locations point at the first digit', () => {
  it('on line 1', () => {
    for (const [before, value] of [
      ['', P1],
      ['abc ', G1],
      ['card: ', P1],
      ['\t', G1],
    ] as const) {
      const text = `${before}${value} end`;
      const [f] = scan(text, ALL);
      expect(f!.location).toEqual({ line: 1, column: before.length + 1, offset: before.length });
    }
  });

  it('on later lines, with LF line ends', () => {
    const text = `first line\nsecond line\n  ${G1}\n`;
    const [f] = scan(text, ALL);
    expect(f!.location).toEqual({ line: 3, column: 3, offset: 'first line\nsecond line\n  '.length });
  });

  it('after CRLF line ends (the CR belongs to the line it ends)', () => {
    const text = `first line\r\nsecond\r\n\r\nx ${P1}\r\n`;
    const [f] = scan(text, ALL);
    const offset = 'first line\r\nsecond\r\n\r\nx '.length;
    expect(f!.location).toEqual({ line: 4, column: 3, offset });
  });

  it('after astral characters (emoji count two code units) on the same and on earlier lines', () => {
    const same = `😀🎉 ${G1}`;
    expect(scan(same, ALL)[0]!.location).toEqual({ line: 1, column: 6, offset: 5 });
    const earlier = `💳💳💳\n${P1}`;
    expect(scan(earlier, ALL)[0]!.location).toEqual({ line: 2, column: 1, offset: 7 });
    const mixed = `é😀\u0301 — ${P2}`;
    expect(scan(mixed, ALL)[0]!.location.offset).toBe(mixed.indexOf(P2));
    expect(scan(mixed, ALL)[0]!.location.column).toBe(mixed.indexOf(P2) + 1);
  });

  it('at a full-width first digit', () => {
    const text = `番号：${fullWidth(G1)}`;
    const [f] = scan(text, ALL);
    expect(f!.location).toEqual({ line: 1, column: 4, offset: 3 });
    expect(text.charCodeAt(f!.location.offset!)).toBe(0xff10 + Number(P1[0]));
  });

  it('for several findings and their companions across lines, in text order', () => {
    const text = [
      'Report 😀',
      `Card number: ${G1}`,
      'Expiry date: 08/28',
      'Security code: 752',
      '',
      `\r\nsecond: ${P2} exp 01/29 cvv 846\r`,
      `🎉🎉 amex ${split(P3, [4, 6, 5]).join('-')} CID 9753`,
    ].join('\n');
    const findings = scan(text, ALL);
    expect(findings.map((f) => f.last4)).toEqual([P1.slice(-4), P2.slice(-4), P3.slice(-4)]);
    expect(findings.map((f) => f.location.line)).toEqual([2, 7, 8]);
    expect(findings[0]!.expiry?.location.line).toBe(3);
    expect(findings[0]!.cvv?.location.line).toBe(4);
    expect(findings[2]!.cvv?.location.offset).toBe(text.indexOf('9753'));
    expectLocationsExact(text, findings);
  });

  it('for a companion that stands before its PAN on the same line', () => {
    const text = `line 1\nexp 08/27 cvv 735 ${G1}\nline 3 ${P2}`;
    const findings = scan(text, ALL);
    expect(findings[0]!.expiry?.location).toEqual({ line: 2, column: 5, offset: text.indexOf('08/27') });
    expect(findings[0]!.cvv?.location).toEqual({ line: 2, column: 15, offset: text.indexOf('735') });
    expectLocationsExact(text, findings);
  });

  it('for companions on the line above a PAN alone on its line (LF and CRLF)', () => {
    for (const eol of ['\n', '\r\n']) {
      const text = ['😀 Expiry 08/28', G1, 'foo', 'CVV 846 💳', P2, ''].join(eol);
      const findings = scan(text, ALL);
      expect(findings.map((f) => f.location.line)).toEqual([2, 5]);
      expect(findings[0]!.expiry?.location).toEqual({ line: 1, column: 11, offset: text.indexOf('08/28') });
      expect(findings[1]!.cvv?.location).toEqual({ line: 4, column: 5, offset: text.indexOf('846') });
      expectLocationsExact(text, findings);
    }
  });

  it('for many PANs on many lines', () => {
    const lines: string[] = [];
    for (let i = 0; i < 200; i++) {
      const pan = makePan(['4', '51', '6011', '37'][i % 4]!, i % 4 === 3 ? 15 : 16, random);
      lines.push(`${'x'.repeat(i % 7)}${i % 5 === 0 ? '😀' : ''} ${pan} ${i % 3 === 0 ? 'exp 08/27' : ''}`);
    }
    for (const eol of ['\n', '\r\n']) {
      const text = lines.join(eol);
      const findings = scan(text, ALL);
      expect(findings.length).toBe(200);
      expect(findings.map((f) => f.location.line)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      expectLocationsExact(text, findings);
    }
  });
});
