/**
 * Property tests (issue 2, item 9.7): scanText never throws; every finding points at its digits
 * and says where they are; masks never reveal more than BIN + last four; every accepted grouping
 * and separator round-trips.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/types.js';
import { rng } from '../support/cards.js';
import { ALL, cleanPan, fullWidth, hmacHex, lineColumn, luhnRef, SAMPLES, scan, split, usualSizes } from './helpers.js';

const RUNS = { numRuns: 300, seed: 424242 };

const isDigitCode = (c: number) => (c >= 48 && c <= 57) || (c >= 0xff10 && c <= 0xff19);
const digitOf = (c: number) => (c <= 57 ? c - 48 : c - 0xff10);

/** Characters that matter to the finder: digits, separators, letters, track markers, surrogates, line ends. */
const interesting = fc.constantFrom(
  ...'0123456789012345678901234567890123456789',
  ' ', ' ', '-', '.', '\u00a0', '\u2009', '\u2011', '\uff0d', '\n', '\r\n', '\t',
  '\uff10', '\uff11', '\uff15', '\uff19',
  'B', 'D', 'x', '_', 'é', '=', '^', '%', ';', '?', '/', ':', ',',
  '\ud800', '\udbff', '\udc00', '\udfff', '😀', '💳',
  'card ', 'CVV ', 'exp ', 'IMEI ', 'order ', '08/27', '2027-08',
);
const anyUnit = fc.oneof(
  { weight: 3, arbitrary: interesting },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }, // lone surrogates included
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
);
const messyText = fc.string({ unit: anyUnit, maxLength: 300 });

/** A generated PAN written in one of its accepted groupings, with a separator per gap. */
const formattedPan = fc
  .record({
    sample: fc.constantFrom(...SAMPLES),
    seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    grouping: fc.nat(),
    seps: fc.array(fc.constantFrom(' ', '-', '.', '\u00a0'), { minLength: 5, maxLength: 5 }),
    sameSep: fc.boolean(),
    wide: fc.boolean(),
  })
  .map(({ sample, seed, grouping, seps, sameSep, wide }) => {
    const options: number[][] = [[sample.length], usualSizes(sample.brand, sample.length)];
    if (sample.length === 15) options.push([4, 4, 4, 3]);
    if (sample.length === 14) options.push([4, 4, 4, 2]);
    const sizes = options[grouping % options.length]!;
    const pan = cleanPan(sample.prefix, sample.length, rng(seed), [sizes], 13);
    const groups = split(pan, sizes);
    let text = groups[0]!;
    for (let i = 1; i < groups.length; i++) text += (sameSep ? seps[0]! : seps[i]!) + groups[i];
    return { sample, pan, sizes, text: wide ? fullWidth(text) : text };
  });

/**
 * Reads the number a finding points at: digits from its offset on, single separators between
 * groups skipped, until `length` digits are read (ASCII or full-width).
 */
function digitsAt(text: string, f: Finding): string {
  let digits = '';
  let i = f.location.offset!;
  while (i < text.length && digits.length < f.length) {
    const c = text.charCodeAt(i);
    if (isDigitCode(c)) digits += String(digitOf(c));
    else if (!isDigitCode(text.charCodeAt(i + 1))) break;
    i++;
  }
  return digits;
}

/** Every invariant a finding of `text` must hold, checked against the text itself. */
function checkFinding(text: string, f: Finding, binMax = 6): void {
  const { offset } = f.location;
  expect(offset).toBeGreaterThanOrEqual(0);
  expect(offset).toBeLessThan(text.length);
  expect(isDigitCode(text.charCodeAt(offset!)), `offset ${offset} is not a digit`).toBe(true);
  expect(f.location).toEqual({ ...lineColumn(text, offset!), offset });
  for (const companion of [f.expiry, f.cvv]) {
    if (companion) expect(companion.location).toEqual({ ...lineColumn(text, companion.location.offset!), offset: companion.location.offset });
  }
  // The number is really there: Luhn-valid digits whose first and last digits the finding shows.
  const digits = digitsAt(text, f);
  expect(digits).toHaveLength(f.length);
  expect(luhnRef(digits)).toBe(true);
  expect(f.last4).toBe(digits.slice(-4));
  expect(digits.startsWith(f.bin)).toBe(true);
  expect(f.fingerprint).toBe(hmacHex(digits));
  // Masked: exactly `length` digits-or-stars, BIN + last four at most, stars in between.
  expect(f.masked).toHaveLength(f.length);
  expect(f.masked).toMatch(/^[0-9]*\*+[0-9]{4}$/);
  expect(f.masked.startsWith(f.bin)).toBe(true);
  expect(f.masked.endsWith(f.last4)).toBe(true);
  expect(f.masked.slice(f.bin.length, -4)).toMatch(/^\*+$/);
  expect(f.bin.length).toBeLessThanOrEqual(binMax);
  expect(f.length - f.bin.length - 4).toBeGreaterThanOrEqual(4);
}

describe('scanText on arbitrary input', () => {
  it('never throws, and every finding holds every invariant', () => {
    fc.assert(
      fc.property(messyText, (text) => {
        const findings = scan(text, ALL);
        for (const f of findings) checkFinding(text, f);
      }),
      RUNS,
    );
  });

  it('never throws on arbitrary strings with lone surrogates at any threshold', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 200 }), (text) => {
        expect(Array.isArray(scan(text))).toBe(true);
        expect(Array.isArray(scan(text, ALL))).toBe(true);
      }),
      RUNS,
    );
  });

  it('never throws on huge digit runs, plain or grouped', () => {
    fc.assert(
      fc.property(fc.integer({ min: 20, max: 20_000 }), fc.integer({ min: 1, max: 1000 }), fc.constantFrom('', ' ', '-', '.'), (length, seed, sep) => {
        const random = rng(seed);
        let text = '';
        for (let i = 0; i < length; i++) text += (sep && i > 0 && i % 4 === 0 ? sep : '') + String(Math.floor(random() * 10));
        for (const f of scan(text, ALL)) checkFinding(text, f);
      }),
      { numRuns: 20, seed: 99 },
    );
  });

  it('reports findings in text order, without overlap', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(messyText, formattedPan.map((p) => p.text)), { maxLength: 8 }), (parts) => {
        const text = parts.join(' ');
        const findings = scan(text, ALL);
        let end = -1;
        for (const f of findings) {
          expect(f.location.offset!).toBeGreaterThanOrEqual(end);
          end = f.location.offset! + f.length;
        }
      }),
      RUNS,
    );
  });
});

describe('generated PANs in random text', () => {
  it('masked never reveals more than BIN + last four', () => {
    fc.assert(
      fc.property(messyText, formattedPan, messyText, fc.constantFrom(6, 8), fc.constantFrom('bin-last4', 'last4'), (before, p, after, binLength, mask) => {
        const text = `${before}${p.text}${after}`;
        const options = { ...ALL, binLength: binLength as 6 | 8, mask: mask as 'bin-last4' | 'last4' };
        for (const f of scan(text, options)) {
          checkFinding(text, f, mask === 'last4' ? 0 : binLength);
          if (mask === 'last4') expect(f.masked).toBe('*'.repeat(f.length - 4) + f.last4);
        }
      }),
      RUNS,
    );
  });

  it('a PAN is found at any offset (every alignment of the probe stride), after and before any digit-free text', () => {
    const words = fc.string({ unit: fc.constantFrom(' ', 'a', 'Z', ',', '.', '\n', '\r\n', '(', 'é', '😀', '\u00a0', '-', '\t'), maxLength: 80 });
    fc.assert(
      fc.property(words, formattedPan, words, (b, p, a) => {
        const text = `${b} ${p.text} ${a}`;
        const findings = scan(text, ALL);
        expect(findings, JSON.stringify(text)).toHaveLength(1);
        expect(findings[0]!.location.offset).toBe(b.length + 1);
        expect(findings[0]!.last4).toBe(p.pan.slice(-4));
        expect(findings[0]!.length).toBe(p.pan.length);
      }),
      { numRuns: 1000, seed: 8 },
    );
  });

  it('every accepted grouping and separator round-trips: found once, with last four, length and brand', () => {
    const before = fc.constantFrom('', ' ', 'x ', '\n', 'line\r\n', '(', '"', ': ', '=', 'card ', '{"pan": "', '\t', '«', '[', 'paid 😀 ');
    const after = fc.constantFrom('', ' ', '.', ',', ')', '"', '\n', '\r\n', ';', ' end', '!', '"}', '»', ']');
    fc.assert(
      fc.property(before, formattedPan, after, (b, p, a) => {
        const text = `${b}${p.text}${a}`;
        const findings = scan(text, ALL);
        expect(findings, JSON.stringify(text)).toHaveLength(1);
        const f = findings[0]!;
        expect(f.location.offset).toBe(b.length);
        expect(f.last4).toBe(p.pan.slice(-4));
        expect(f.length).toBe(p.pan.length);
        expect(f.brand).toBe(p.sample.brand);
        expect(f.kind).toBe('pan');
        checkFinding(text, f);
      }),
      { numRuns: 1000, seed: 7 },
    );
  });
});
