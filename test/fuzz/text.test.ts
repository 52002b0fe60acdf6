/**
 * Fuzzing the detector through `scanText` (fast-check): random text over an alphabet rich in
 * digits, separators, card keywords and track sentinels; card-shaped text built from real
 * (generated) PANs in every grouping with noise around them; and arbitrary UTF-16 (lone
 * surrogates included). Properties:
 * - `scanText` never throws;
 * - every finding keeps the contract (masked at birth, valid fields);
 * - its offset lies inside the text, and the digits found from there are the finding's digits
 *   (BIN at the start, last four at the end); line and column agree with the offset;
 * - companions (expiry, CVV) lie inside the text.
 *
 * CARDHOUND_FUZZ_RUNS, CARDHOUND_FUZZ_SEED and CARDHOUND_FUZZ_RANDOM as in extractors.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanText } from '../../src/core/index.js';
import type { Finding, Location } from '../../src/types.js';
import { BRAND_SAMPLES, group, makePan, rng, usualGroups } from '../support/cards.js';
import * as G from '../hostile/generate.js';

const RUNS = Number(process.env.CARDHOUND_FUZZ_RUNS ?? 12) * 25;
const PARAMS = { numRuns: RUNS, ...G.fuzzSeed(0x7e47) };

/** ASCII digits for ASCII and full-width digits. */
function digitOf(code: number): string | undefined {
  if (code >= 0x30 && code <= 0x39) return String.fromCharCode(code);
  if (code >= 0xff10 && code <= 0xff19) return String.fromCharCode(code - 0xff10 + 0x30);
  return undefined;
}

/** The first `count` digits of `text` from `offset` on, skipping what is not a digit (at most 4 in a row). */
function digitsFrom(text: string, offset: number, count: number): string {
  let out = '';
  let gap = 0;
  for (let i = offset; i < text.length && out.length < count; i++) {
    const digit = digitOf(text.charCodeAt(i));
    if (digit !== undefined) {
      out += digit;
      gap = 0;
    } else if (++gap > 4) break;
  }
  return out;
}

function expectInside(text: string, location: Location, label: string): void {
  expect(location.offset, `${label}: offset present`).toBeDefined();
  const offset = location.offset!;
  expect(offset >= 0 && offset < text.length, `${label}: offset ${offset} inside ${text.length}`).toBe(true);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - (before.lastIndexOf('\n') + 1) + 1;
  expect([location.line, location.column], `${label}: line/column of offset ${offset}`).toEqual([line, column]);
}

function checkFindings(text: string, findings: readonly Finding[]): void {
  for (const f of findings) {
    const label = `finding ${f.masked} at ${JSON.stringify(f.location)} in ${JSON.stringify(text.slice(0, 300))}`;
    G.expectValidFinding(f, label);
    expectInside(text, f.location, label);
    const digits = digitsFrom(text, f.location.offset!, f.length);
    expect(digits.length, label).toBe(f.length);
    expect(digits.startsWith(f.bin) && digits.endsWith(f.last4), `${label}: digits ${digits.slice(0, 6)}… at the offset`).toBe(true);
    for (const companion of [f.expiry, f.cvv]) if (companion) expectInside(text, companion.location, `${label} companion`);
  }
}

const PIECES = [
  '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '4', '5', '3', '6',
  ' ', ' ', '-', '.', '\n', '\r\n', '\t', '/', ':', '=', '^', '%B', ';', '?', '\u00a0', '\u3000',
  'card', 'Card number', 'CVV', 'cvc', 'exp', 'expiry', 'valid thru', 'Kreditkarte', 'numéro de carte', 'IMEI', 'order', 'tracking',
  '12/29', '07/2031', '2912', '101', 'x', 'é', '\uff14', '\uff11', '\ud800', '\udc00', '😀', '<td>', '</td>', '"', ',',
];

/** A PAN of any listed brand, grouped as printed or in an odd way, with noise around it. */
const cardish: fc.Arbitrary<string> = fc
  .tuple(
    fc.integer({ min: 0, max: BRAND_SAMPLES.length - 1 }),
    fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    fc.constantFrom('none', 'usual', 'fours', 'dash', 'dot', 'fullwidth', 'track1', 'track2'),
    fc.array(fc.constantFrom(...PIECES), { maxLength: 12 }),
    fc.array(fc.constantFrom(...PIECES), { maxLength: 12 }),
  )
  .map(([brand, seed, style, before, after]) => {
    const sample = BRAND_SAMPLES[brand]!;
    const pan = makePan(sample.prefix, sample.length, rng(seed));
    const body = (() => {
      switch (style) {
        case 'usual':
          return group(pan, usualGroups(pan));
        case 'fours':
          return group(pan, [4, 4, 4, 4, 4]);
        case 'dash':
          return group(pan, usualGroups(pan), '-');
        case 'dot':
          return group(pan, [4, 4, 4, 4, 4], '.');
        case 'fullwidth':
          return [...pan].map((d) => String.fromCharCode(0xff10 + Number(d))).join('');
        case 'track1':
          return `%B${pan}^HOUNDTEST/FUZZ^2912101000000000000?`;
        case 'track2':
          return `;${pan}=29121010000000000000?`;
        default:
          return pan;
      }
    })();
    return `${before.join('')}${body}${after.join('')}`;
  });

describe('scanText never throws and reports only what is in the text', () => {
  it('random text over a card-rich alphabet', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 200 }), fc.constantFrom('low', 'medium', 'high'), (pieces, min) => {
        const text = pieces.join('');
        checkFindings(text, scanText(text, { minConfidence: min as 'low', includeTestCards: true }));
      }),
      PARAMS,
    );
  });

  it('card-shaped text: generated PANs in every grouping, with noise around them', () => {
    fc.assert(
      fc.property(fc.array(cardish, { minLength: 1, maxLength: 6 }), fc.constantFrom('\n', ' ', '', ';', '\t'), (parts, joiner) => {
        const text = parts.join(joiner);
        checkFindings(text, scanText(text, { minConfidence: 'low', includeTestCards: true }));
      }),
      PARAMS,
    );
  });

  it('arbitrary UTF-16, lone surrogates included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), fc.string({ unit: fc.constantFrom('0', '1', '4', '5', ' ', '-', '\ud83d', '\ude00'), maxLength: 60 }), (a, b) => {
        const text = `${a}${b}${a}`;
        checkFindings(text, scanText(text, { minConfidence: 'low' }));
      }),
      PARAMS,
    );
  });

  it('option values in range never change the contract', () => {
    fc.assert(
      fc.property(
        cardish,
        fc.record({
          windowBefore: fc.integer({ min: 0, max: 500 }),
          windowAfter: fc.integer({ min: 0, max: 500 }),
          mask: fc.constantFrom('bin-last4' as const, 'last4' as const),
          binLength: fc.constantFrom(6 as const, 8 as const),
          minConfidence: fc.constantFrom('low' as const, 'medium' as const, 'high' as const),
          includeTestCards: fc.boolean(),
        }),
        (text, options) => {
          const findings = scanText(text, options);
          for (const f of findings) {
            G.expectValidFinding(f, text);
            expectInside(text, f.location, text);
            if (options.mask === 'last4') expect(f.bin).toBe('');
          }
        },
      ),
      PARAMS,
    );
  });
});
