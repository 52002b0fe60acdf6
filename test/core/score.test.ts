/**
 * Confidence levels as design §3 defines them, and reasons that explain the score.
 */
import { describe, expect, it } from 'vitest';
import { detect } from '../../src/core/detect.js';
import { resolveSettings } from '../../src/options.js';
import { makePan, rng } from '../support/cards.js';
import { ALL, cleanPan, KEY, SAMPLES, scan, split, usualSizes } from './helpers.js';

const random = rng(5150);
const LOW = { minConfidence: 'low' } as const;

function only(text: string, options: object = ALL) {
  const findings = scan(text, options);
  expect(findings, JSON.stringify(text)).toHaveLength(1);
  return findings[0]!;
}

describe('medium: a brand-valid PAN alone', () => {
  it.each(SAMPLES.filter((s) => s.brand !== 'uatp').map((s) => [s.brand, s.prefix, s.length] as const))('%s (%s…, %i digits), plain or in its usual groups', (brand, prefix, length) => {
    for (let n = 0; n < 3; n++) {
      const sizes = usualSizes(brand, length);
      const pan = cleanPan(prefix, length, random, [sizes], 13);
      for (const text of [pan, split(pan, sizes).join(' '), `The number ${split(pan, sizes).join('-')} was written here.`]) {
        const f = only(text);
        expect(f.confidence, text).toBe('medium');
        expect(scan(text), text).toHaveLength(1); // reported by default
      }
    }
  });
});

describe('high: corroborated', () => {
  const pan = cleanPan('4', 16, random, [[4, 4, 4, 4]]);
  const g = split(pan, [4, 4, 4, 4]).join(' ');

  it.each([
    ['a card word', `card ${g}`],
    ['an expiry date', `${g} 08/27`],
    ['a security code', `${g} CVV 735`],
    ['track data', `;${pan}=27081010000000000?`],
  ])('by %s', (_label, text) => {
    expect(only(text).confidence).toBe('high');
  });

  it('by a field name (column header, JSON key)', () => {
    const settings = resolveSettings({ fingerprintKey: KEY, minConfidence: 'low' });
    expect(detect({ text: pan, fieldName: 'Card Number' }, settings)[0]!.confidence).toBe('high');
    expect(detect({ text: pan, fieldName: 'Notes' }, settings)[0]!.confidence).toBe('medium');
  });

  it('by expiry and security-code fields of the same record', () => {
    const settings = resolveSettings({ fingerprintKey: KEY, minConfidence: 'low' });
    const text = `${pan},08/27,735`;
    const at = (s: string) => text.indexOf(s);
    const fields = [
      { start: 0, end: pan.length, name: 'Number' },
      { start: at('08/27'), end: at('08/27') + 5, name: 'Expiry' },
      { start: at('735'), end: at('735') + 3, name: 'CVV' },
    ];
    const [d] = detect({ text, fields }, settings);
    expect(d!.confidence).toBe('high');
    expect(d!.expiryAt).toBe(at('08/27'));
    expect(d!.cvvAt).toBe(at('735'));
  });

  it('more corroboration never lowers the score; the score stays within 0–1', () => {
    const scores = [`lorem ${g} ipsum`, `card ${g}`, `card ${g} exp 08/27`, `card ${g} exp 08/27 CVV 735`].map((t) => only(t).score);
    for (let i = 1; i < scores.length; i++) expect(scores[i]).toBeGreaterThanOrEqual(scores[i - 1]!);
    expect(scores[1]).toBeGreaterThan(scores[0]!);
    expect(scores[scores.length - 1]).toBeLessThanOrEqual(1);
  });
});

describe('low: unknown IIN, negative context, test numbers', () => {
  it('a Luhn-valid number with an unknown IIN stays low, whatever surrounds it', () => {
    for (const prefix of ['0', '7', '99', '89', '8900', '9800']) {
      const pan = makePan(prefix, 16, random);
      for (const text of [pan, `Card number: ${pan} exp 08/27 CVV 735`]) {
        const f = only(text, LOW);
        expect(f.confidence, text).toBe('low');
        expect(f.brand, text).toBe('unknown');
        expect(scan(text), text).toEqual([]);
      }
    }
  });

  it('negative context pulls a lone PAN below medium', () => {
    const pan = makePan('4', 16, random);
    const alone = only(pan, LOW);
    for (const text of [`IMEI ${pan}`, `order ${pan}`, `timestamp ${pan}`]) {
      const f = only(text, LOW);
      expect(f.confidence, text).toBe('low');
      expect(f.score, text).toBeLessThan(alone.score);
    }
  });

  it('a published test number is low even with every corroboration', () => {
    const f = only('Card number: 4111 1111 1111 1111 exp 08/27 CVV 735');
    expect(f.confidence).toBe('low');
    expect(f.score).toBeLessThanOrEqual(0.3);
  });
});

describe('reasons explain the score', () => {
  const pan = cleanPan('51', 16, random, [[4, 4, 4, 4]]);
  const g = split(pan, [4, 4, 4, 4]).join(' ');

  it('luhn, brand and format on every finding', () => {
    expect(only(pan).reasons).toEqual(expect.arrayContaining(['luhn', 'brand:mastercard', 'format:16']));
    expect(only(g).reasons).toEqual(expect.arrayContaining(['luhn', 'brand:mastercard', 'format:4-4-4-4']));
    expect(only(split(pan, [4, 4, 4, 4]).join('-')).reasons).toContain('format:4-4-4-4');
  });

  it('one tag per corroboration and per penalty', () => {
    const rich = only(`card ${g} exp 08/27 CVV 735`).reasons;
    expect(rich.filter((r) => r.startsWith('keyword:'))).toHaveLength(1);
    expect(rich.filter((r) => r.startsWith('expiry@'))).toHaveLength(1);
    expect(rich.filter((r) => r.startsWith('cvv@'))).toHaveLength(1);
    const negative = only(`IMEI ${g}`, LOW).reasons;
    expect(negative.filter((r) => r.startsWith('neg:'))).toEqual(['neg:imei@-5']);
  });

  it('reasons never carry digits of the PAN beyond its BIN', () => {
    const reasons = only(`card ${g} exp 08/27 CVV 735`).reasons.join(' ');
    expect(reasons).not.toContain(pan);
    expect(reasons).not.toContain(pan.slice(6, 12));
  });
});
