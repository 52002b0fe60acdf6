import { describe, expect, it } from 'vitest';
import { brandIssues, brandOf } from '../../src/core/iin.js';
import { makePan, rng } from '../support/cards.js';
import { ALL, SAMPLES, scan } from './helpers.js';

// Expectations below are the published ranges (shared/reference/prior-art.md §2, brand rules),
// written out by hand: prefix, length, brand, whether the brand issues that length.
const RANGES: ReadonlyArray<readonly [prefix: string, length: number, brand: string]> = [
  ['4', 16, 'visa'],
  ['4', 13, 'visa'],
  ['4', 19, 'visa'],
  ['51', 16, 'mastercard'],
  ['53', 16, 'mastercard'],
  ['55', 16, 'mastercard'],
  ['2221', 16, 'mastercard'],
  ['2500', 16, 'mastercard'],
  ['2720', 16, 'mastercard'],
  ['34', 15, 'amex'],
  ['37', 15, 'amex'],
  ['6011', 16, 'discover'],
  ['644', 16, 'discover'],
  ['649', 16, 'discover'],
  ['659', 16, 'discover'],
  ['6011', 19, 'discover'],
  ['3528', 16, 'jcb'],
  ['3589', 16, 'jcb'],
  ['3589', 19, 'jcb'],
  ['300', 14, 'diners'],
  ['305', 14, 'diners'],
  ['36', 14, 'diners'],
  ['620', 16, 'unionpay'],
  ['620', 19, 'unionpay'],
  ['6212', 16, 'unionpay'],
  ['6759', 16, 'maestro'],
  ['2200', 16, 'mir'],
  ['2204', 16, 'mir'],
  ['636368', 16, 'elo'],
  ['606282', 16, 'hipercard'],
  ['506099', 16, 'verve'],
  ['9792', 16, 'troy'],
  ['1', 15, 'uatp'],
];

// Neighbours just outside a range, and lengths a brand does not issue.
const WRONG_LENGTH: ReadonlyArray<readonly [prefix: string, length: number, brand: string]> = [
  ['4', 14, 'visa'],
  ['4', 15, 'visa'],
  ['4', 17, 'visa'],
  ['51', 15, 'mastercard'],
  ['55', 17, 'mastercard'],
  ['2221', 19, 'mastercard'],
  ['34', 16, 'amex'],
  ['37', 14, 'amex'],
  ['37', 19, 'amex'],
];

describe('brandOf (IIN table)', () => {
  it.each(RANGES)('%s… with %i digits is %s with a valid length', (prefix, length, brand) => {
    const random = rng(length * 1000 + prefix.length);
    for (let i = 0; i < 25; i++) {
      expect(brandOf(makePan(prefix, length, random))).toEqual({ brand, lengthOk: true });
    }
  });

  it.each(WRONG_LENGTH)('%s… with %i digits is %s with a wrong length', (prefix, length, brand) => {
    const random = rng(length);
    expect(brandOf(makePan(prefix, length, random))).toEqual({ brand, lengthOk: false });
  });

  it('knows every brand of the test generator', () => {
    const random = rng(99);
    for (const sample of SAMPLES) {
      for (let i = 0; i < 10; i++) {
        expect(brandOf(makePan(sample.prefix, sample.length, random))).toEqual({ brand: sample.brand, lengthOk: true });
      }
    }
  });

  it('puts the Mastercard 2-series bounds exactly at 2221 and 2720', () => {
    expect(brandOf('2221000000000009').brand).toBe('mastercard');
    expect(brandOf('2720990000000007').brand).toBe('mastercard');
    expect(brandOf('2220990000000000').brand).not.toBe('mastercard');
    expect(brandOf('2721000000000000').brand).not.toBe('mastercard');
  });

  it('does not call 50 or 56–58 Mastercard (they are Maestro), nor 35 outside 3528–3589 JCB', () => {
    expect(brandOf('5000000000000000').brand).not.toBe('mastercard');
    expect(brandOf('5600000000000000').brand).not.toBe('mastercard');
    expect(brandOf('3527000000000000').brand).not.toBe('jcb');
    expect(brandOf('3590000000000000').brand).not.toBe('jcb');
  });

  it('gives the more specific range inside a broad one its own brand', () => {
    expect(brandOf('6221260000000000').brand).toBe('discover'); // 622126–622925 inside UnionPay's 62
    expect(brandOf('6229250000000000').brand).toBe('discover');
    expect(brandOf('6221250000000000').brand).toBe('unionpay');
    expect(brandOf('6229260000000000').brand).toBe('unionpay');
    expect(brandOf('6500310000000000').brand).toBe('elo'); // inside Discover's 65
    expect(brandOf('6521500000000000').brand).toBe('rupay');
    expect(brandOf('6363680000000000').brand).toBe('elo');
  });

  it('says unknown for prefixes no brand issues', () => {
    for (const pan of ['0000000000000000', '7000000000000000', '9900000000000000', '8900000000000000']) {
      expect(brandOf(pan)).toEqual({ brand: 'unknown', lengthOk: false });
    }
  });
});

describe('brand and length in findings', () => {
  it.each(SAMPLES.map((s) => [s.brand, s.prefix, s.length] as const))('%s (%s…, %i digits) comes out with its brand and length', (brand, prefix, length) => {
    const random = rng(length * 31 + prefix.length);
    for (let i = 0; i < 5; i++) {
      const pan = makePan(prefix, length, random);
      const findings = scan(`Ref ${pan} end`, ALL);
      expect(findings).toHaveLength(1);
      expect(findings[0]!.brand).toBe(brand);
      expect(findings[0]!.length).toBe(length);
      expect(findings[0]!.last4).toBe(pan.slice(-4));
      expect(findings[0]!.reasons).toContain(`brand:${brand}`);
    }
  });

  it('keeps a brand-valid prefix with the wrong length low (not reported by default)', () => {
    const random = rng(4);
    for (const [prefix, length] of WRONG_LENGTH) {
      const pan = makePan(prefix, length, random);
      const low = scan(pan, { minConfidence: 'low' });
      expect(low).toHaveLength(1);
      expect(low[0]!.confidence).toBe('low');
      expect(low[0]!.length).toBe(length);
      expect(scan(pan)).toEqual([]);
      expect(scan(`card number ${pan} exp 08/27`)).toEqual([]);
    }
  });
});

describe('brandIssues (numeric check used by the candidate finder)', () => {
  it('agrees with brandOf(pan).lengthOk on every range boundary and on random numbers', () => {
    const random = rng(11);
    const pans: string[] = [];
    // Both ends of every range and one step outside them, at every length the finder reads.
    for (const [prefix] of RANGES) {
      for (const lead of [prefix, String(Number(prefix) - 1), String(Number(prefix) + 1)]) {
        if (lead.length === 0 || lead.startsWith('-')) continue;
        for (let length = 12; length <= 19; length++) pans.push(makePan(lead, length, random));
      }
    }
    for (let n = 0; n < 20_000; n++) {
      const length = 12 + Math.floor(random() * 8);
      let pan = '';
      for (let k = 0; k < length; k++) pan += Math.floor(random() * 10);
      pans.push(pan);
    }
    for (const pan of pans) expect(brandIssues(Number(pan.slice(0, 6)), pan.length), pan.slice(0, 6)).toBe(brandOf(pan).lengthOk);
  });
});
