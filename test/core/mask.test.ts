/**
 * Masking, fingerprints and allow-lists (issue 2, item 9.5). Expected masks are built from the
 * rule (PCI DSS 3.4.1: BIN and last four at most), fingerprints with node:crypto's HMAC.
 */
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OptionsError } from '../../src/options.js';
import { scanText } from '../../src/core/index.js';
import { makePan, rng } from '../support/cards.js';
import { ALL, counters, fullWidth, hmacHex, KEY, SAMPLES, scan, split, usualSizes } from './helpers.js';

const random = rng(8080);
const PANS = SAMPLES.flatMap((s) => Array.from({ length: 4 }, () => ({ ...s, pan: makePan(s.prefix, s.length, random) })));

function only(text: string, options = {}) {
  const findings = scan(text, { ...ALL, ...options });
  expect(findings, text).toHaveLength(1);
  return findings[0]!;
}

describe('masked, bin, last4', () => {
  it('shows the first six and the last four of PANs of 14 digits and more, stars between, no separators', () => {
    for (const { pan, brand, length } of PANS) {
      if (length < 14) continue;
      for (const text of [pan, split(pan, usualSizes(brand, length)).join(' '), split(pan, usualSizes(brand, length)).join('-'), fullWidth(pan)]) {
        const f = only(text);
        expect(f.masked, text).toBe(pan.slice(0, 6) + '*'.repeat(length - 10) + pan.slice(-4));
        expect(f.bin).toBe(pan.slice(0, 6));
        expect(f.last4).toBe(pan.slice(-4));
        expect(f.length).toBe(length);
      }
    }
  });

  it('hides at least four digits of short PANs (12 and 13 digits)', () => {
    const short = [makePan('4', 13, random), makePan('4', 13, random), makePan('6759', 12, random), makePan('50', 12, random), makePan('67', 13, random)];
    for (const pan of short) {
      const f = only(pan);
      expect(f.masked).toHaveLength(pan.length);
      expect(f.masked).toMatch(/^[0-9]*\*+[0-9]{4}$/);
      expect((f.masked.match(/\*/g) ?? []).length, f.masked).toBeGreaterThanOrEqual(4);
      expect(f.masked.endsWith(pan.slice(-4))).toBe(true);
      expect(pan.startsWith(f.bin)).toBe(true);
      expect(f.masked.startsWith(f.bin)).toBe(true);
      expect(f.bin.length).toBeLessThanOrEqual(6);
    }
  });

  it("mask: 'last4' shows only the last four and leaves bin empty", () => {
    for (const { pan, length } of PANS) {
      const f = only(pan, { mask: 'last4' });
      expect(f.masked).toBe('*'.repeat(length - 4) + pan.slice(-4));
      expect(f.bin).toBe('');
      expect(f.last4).toBe(pan.slice(-4));
    }
  });

  it('binLength: 8 shows eight digits for 16-digit Visa and Mastercard', () => {
    for (const { pan, brand, length } of PANS) {
      if ((brand !== 'visa' && brand !== 'mastercard') || length !== 16) continue;
      const f = only(pan, { binLength: 8 });
      expect(f.masked).toBe(pan.slice(0, 8) + '****' + pan.slice(-4));
      expect(f.bin).toBe(pan.slice(0, 8));
    }
  });

  it('binLength: 8 never shows more than six digits of amex, diners or short PANs, and hides at least four', () => {
    for (const { pan, brand, length } of PANS) {
      const f = only(pan, { binLength: 8 });
      expect((f.masked.match(/\*/g) ?? []).length).toBeGreaterThanOrEqual(4);
      if (brand === 'amex' || brand === 'diners' || length < 16) {
        expect(f.bin.length, `${brand}/${length}`).toBeLessThanOrEqual(6);
      }
      expect(f.masked.startsWith(f.bin)).toBe(true);
    }
  });

  it('rejects other mask options', () => {
    expect(() => scan('x', { binLength: 7 as 6 })).toThrow(OptionsError);
    expect(() => scan('x', { mask: 'none' as 'last4' })).toThrow(OptionsError);
  });
});

describe('fingerprints', () => {
  const pan = makePan('4', 16, random);
  const other = makePan('51', 16, random);

  it('are HMAC-SHA-256 of the PAN digits under the key: 64 lower-case hex characters', () => {
    const f = only(pan);
    expect(f.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(f.fingerprint).toBe(hmacHex(pan, KEY));
    expect(f.fingerprint).not.toBe(createHash('sha256').update(pan).digest('hex')); // keyed, not a bare hash
  });

  it('same PAN → same fingerprint, whatever its format or place', () => {
    const forms = [pan, split(pan, [4, 4, 4, 4]).join(' '), split(pan, [4, 4, 4, 4]).join('-'), fullWidth(pan), `card: ${pan} exp 08/27`, `;${pan}=27081010000000000?`];
    const prints = forms.map((text) => only(text).fingerprint);
    expect(new Set(prints).size).toBe(1);
  });

  it('different PANs → different fingerprints; another key → another fingerprint', () => {
    expect(only(pan).fingerprint).not.toBe(only(other).fingerprint);
    const a = only(pan, { fingerprintKey: 'key-one' }).fingerprint;
    const b = only(pan, { fingerprintKey: 'key-two' }).fingerprint;
    expect(a).toBe(hmacHex(pan, 'key-one'));
    expect(b).toBe(hmacHex(pan, 'key-two'));
    expect(a).not.toBe(b);
  });

  it('stay exact over many PANs of every length, with keys used in turn', () => {
    // The keyed state is reused between calls: a leftover from the previous PAN would show here.
    const many = Array.from({ length: 200 }, (_, n) => makePan(['4', '51', '34', '6011', '62'][n % 5]!, 13 + (n % 7), random));
    const text = many.map((p, n) => `${n}: card ${p}`).join('\n');
    for (const key of ['key-one', 'key-two', 'key-one']) {
      const findings = scanText(text, { fingerprintKey: key, minConfidence: 'low' });
      expect(findings.length).toBeGreaterThan(150);
      // Each line holds one PAN: the finding's line says which.
      expect(findings.map((f) => f.fingerprint)).toEqual(findings.map((f) => hmacHex(many[f.location.line! - 1]!, key)));
    }
  });

  it('a key given as bytes is the same key as its UTF-8 string', () => {
    const bytes = new TextEncoder().encode('key-one');
    expect(only(pan, { fingerprintKey: bytes }).fingerprint).toBe(hmacHex(pan, 'key-one'));
  });

  it('rejects an empty key', () => {
    expect(() => scan(pan, { fingerprintKey: '' })).toThrow(OptionsError);
  });

  describe('key from CARDHOUND_FINGERPRINT_KEY', () => {
    let saved: string | undefined;
    beforeEach(() => {
      saved = process.env.CARDHOUND_FINGERPRINT_KEY;
    });
    afterEach(() => {
      if (saved === undefined) delete process.env.CARDHOUND_FINGERPRINT_KEY;
      else process.env.CARDHOUND_FINGERPRINT_KEY = saved;
    });

    it('is used when no key option is given', () => {
      process.env.CARDHOUND_FINGERPRINT_KEY = 'env-key-1';
      const one = scanText(pan, { minConfidence: 'low' });
      expect(one[0]!.fingerprint).toBe(hmacHex(pan, 'env-key-1'));
      process.env.CARDHOUND_FINGERPRINT_KEY = 'env-key-2';
      const two = scanText(pan, { minConfidence: 'low' });
      expect(two[0]!.fingerprint).toBe(hmacHex(pan, 'env-key-2'));
    });

    it('gives way to the option', () => {
      process.env.CARDHOUND_FINGERPRINT_KEY = 'env-key-1';
      expect(scanText(pan, { minConfidence: 'low', fingerprintKey: 'opt' })[0]!.fingerprint).toBe(hmacHex(pan, 'opt'));
    });

    it('without option or variable, a random key: stable within the run, not a bare or empty-key hash', () => {
      delete process.env.CARDHOUND_FINGERPRINT_KEY;
      const a = scanText(pan, { minConfidence: 'low' })[0]!.fingerprint;
      const b = scanText(`x ${pan} y`, { minConfidence: 'low' })[0]!.fingerprint;
      expect(a).toMatch(/^[0-9a-f]{64}$/);
      expect(a).toBe(b);
      expect(a).not.toBe(hmacHex(pan, ''));
      expect(a).not.toBe(createHash('sha256').update(pan).digest('hex'));
    });
  });
});

describe('allow-lists', () => {
  const pan = makePan('4', 16, random);
  const mc = makePan('51', 16, random);
  const text = `card ${pan} and card ${mc}`;

  it('by fingerprint: the allowed PAN is not reported and counts as suppressed; the other is reported', () => {
    const c = counters();
    const findings = scan(text, { allowFingerprints: [hmacHex(pan)] }, c);
    expect(findings.map((f) => f.last4)).toEqual([mc.slice(-4)]);
    expect(c.suppressed).toBe(1);
  });

  it('by fingerprint, in upper case too, and at any threshold', () => {
    const c = counters();
    expect(scan(pan, { ...ALL, allowFingerprints: [hmacHex(pan).toUpperCase()] }, c)).toEqual([]);
    expect(c.suppressed).toBe(1);
  });

  it('a fingerprint under another key does not allow the PAN', () => {
    expect(scan(pan, { ...ALL, allowFingerprints: [hmacHex(pan, 'some-other-key')] })).toHaveLength(1);
  });

  it('by BIN range: numbers whose leading digits fall in the range are suppressed', () => {
    const c = counters();
    expect(scan(text, { allowBins: [{ from: pan.slice(0, 6) }] }, c).map((f) => f.last4)).toEqual([mc.slice(-4)]);
    expect(c.suppressed).toBe(1);
    const d = counters();
    expect(scan(text, { allowBins: [{ from: '400000', to: '499999' }, { from: '510000', to: '519999' }] }, d)).toEqual([]);
    expect(d.suppressed).toBe(2);
    expect(scan(text, { allowBins: [{ from: '4' }] }).map((f) => f.last4)).toEqual([mc.slice(-4)]);
    expect(scan(text, { allowBins: [{ from: '52', to: '55' }] })).toHaveLength(2);
  });

  it('rejects malformed BIN ranges', () => {
    expect(() => scan(text, { allowBins: [{ from: '41x' }] })).toThrow(OptionsError);
    expect(() => scan(text, { allowBins: [{ from: '499999', to: '400000' }] })).toThrow(OptionsError);
    expect(() => scan(text, { allowBins: [{ from: '4000', to: '499999' }] })).toThrow(OptionsError);
  });

  it('counts findings held back by the threshold as suppressed', () => {
    const c = counters();
    expect(scan(`order ${pan}`, {}, c)).toEqual([]);
    expect(c.suppressed).toBe(1);
    expect(scan(`order ${pan}`, { minConfidence: 'low' }, c)).toHaveLength(1);
    expect(c.suppressed).toBe(1);
  });
});
