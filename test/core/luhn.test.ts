import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { luhnCheckDigit, luhnValid } from '../../src/core/luhn.js';
import { BRAND_SAMPLES, breakLuhn, makePan, rng, TEST_NUMBERS } from '../support/cards.js';
import { luhnRef } from './helpers.js';

const digitString = (minLength: number, maxLength: number) =>
  fc.array(fc.constantFrom(...'0123456789'), { minLength, maxLength }).map((ds) => ds.join(''));

describe('luhnValid', () => {
  it('agrees with the luhn package on random digit strings (all-zero strings excluded)', () => {
    fc.assert(
      fc.property(digitString(1, 40), (digits) => {
        fc.pre(/[1-9]/.test(digits));
        expect(luhnValid(digits)).toBe(luhnRef(digits));
      }),
      { numRuns: 5000, seed: 20261126 },
    );
  });

  it('agrees with the luhn package on card-length strings, where half the cases are valid', () => {
    const random = rng(77);
    for (let i = 0; i < 2000; i++) {
      const sample = BRAND_SAMPLES[i % BRAND_SAMPLES.length]!;
      const valid = makePan(sample.prefix, sample.length, random);
      const candidate = i % 2 === 0 ? valid : breakLuhn(valid);
      expect(luhnValid(candidate)).toBe(luhnRef(candidate));
    }
  });

  it('accepts the brands’ published test numbers', () => {
    for (const pan of Object.values(TEST_NUMBERS)) expect(luhnValid(pan)).toBe(true);
  });

  it('accepts every generated number and rejects every broken check digit', () => {
    const random = rng(3);
    for (const sample of BRAND_SAMPLES) {
      for (let i = 0; i < 20; i++) {
        const pan = makePan(sample.prefix, sample.length, random);
        expect(luhnValid(pan)).toBe(true);
        expect(luhnValid(breakLuhn(pan))).toBe(false);
      }
    }
  });

  it('detects every single-digit substitution', () => {
    const random = rng(5);
    for (let n = 0; n < 50; n++) {
      const pan = makePan('4', 16, random);
      for (let i = 0; i < pan.length; i++) {
        for (let d = 0; d <= 9; d++) {
          if (String(d) === pan[i]) continue;
          const changed = pan.slice(0, i) + d + pan.slice(i + 1);
          expect(luhnValid(changed), changed).toBe(false);
        }
      }
    }
  });

  it('detects adjacent transpositions except 09 ↔ 90', () => {
    const random = rng(6);
    for (let n = 0; n < 50; n++) {
      const pan = makePan('5', 16, random);
      for (let i = 0; i + 1 < pan.length; i++) {
        const a = pan[i]!;
        const b = pan[i + 1]!;
        if (a === b || (a === '0' && b === '9') || (a === '9' && b === '0')) continue;
        const swapped = pan.slice(0, i) + b + a + pan.slice(i + 2);
        expect(luhnValid(swapped), swapped).toBe(false);
      }
    }
  });

  it('handles the degenerate inputs without throwing', () => {
    expect(luhnValid('0')).toBe(true); // sum 0: valid by the arithmetic (the luhn package says false)
    expect(luhnValid('18')).toBe(true);
    expect(luhnValid('19')).toBe(false);
    expect(luhnValid('9'.repeat(1000))).toBe(luhnRef('9'.repeat(1000)));
  });
});

describe('luhnCheckDigit', () => {
  it('completes any body to a number the luhn package accepts, and is the only digit that does', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{11,18}$/), (body) => {
        const check = luhnCheckDigit(body);
        fc.pre(!/^0+$/.test(body + check)); // the luhn package rejects all-zero input
        expect(luhnRef(body + check)).toBe(true);
        for (let d = 0; d < 10; d++) if (String(d) !== check) expect(luhnValid(body + d)).toBe(false);
      }),
    );
  });

  it('gives back the last digit of the published test numbers', () => {
    for (const pan of Object.values(TEST_NUMBERS)) expect(luhnCheckDigit(pan.slice(0, -1))).toBe(pan.slice(-1));
  });
});
