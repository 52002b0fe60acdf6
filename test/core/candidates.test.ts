/**
 * Which digit sequences become findings: positives and negatives per rule (issue 2, item 9.1 and 9.9).
 * Numbers are generated (Luhn-valid, real IIN ranges) or brands' published test numbers.
 */
import { describe, expect, it } from 'vitest';
import { breakLuhn, makePan, rng, TEST_NUMBERS } from '../support/cards.js';
import {
  ALL,
  cleanPan,
  counters,
  fullWidth,
  luhnRef,
  panWhere,
  SAMPLES,
  scan,
  split,
  usualSizes,
  validReadings,
} from './helpers.js';

const WEAK = new Set(['uatp']); // UATP ("1" + 14 digits) is scored low on its own by design (score.ts: weakBrand)

interface Case {
  readonly label: string;
  readonly text: string;
  readonly at: number;
  readonly pan: string;
  readonly brand: string;
}

/** Expects exactly one finding: this PAN, at this offset, with its brand, length and last four. */
function expectOne(c: Case, options = ALL): void {
  const findings = scan(c.text, options);
  expect(findings, `${c.label}: ${JSON.stringify(c.text)}`).toHaveLength(1);
  const f = findings[0]!;
  expect(f.location.offset, c.label).toBe(c.at);
  expect(f.brand, c.label).toBe(c.brand);
  expect(f.length, c.label).toBe(c.pan.length);
  expect(f.last4, c.label).toBe(c.pan.slice(-4));
  expect(f.kind, c.label).toBe('pan');
}

/** Expects nothing at the default threshold (`medium`). */
function expectNotReported(text: string, label = text): void {
  expect(scan(text), `${label}: ${JSON.stringify(text)}`).toEqual([]);
}

/** Expects nothing at all, not even at `low`: the text holds no candidate. */
function expectNoCandidate(text: string, label = text): void {
  expect(scan(text, ALL), `${label}: ${JSON.stringify(text)}`).toEqual([]);
}

describe('positives: every brand in every separator style', () => {
  const random = rng(2026);
  const cases: Case[] = [];
  for (const sample of SAMPLES) {
    const sizes = usualSizes(sample.brand, sample.length);
    for (let n = 0; n < 3; n++) {
      // A whole brand-valid PAN must win over its 12-digit parts; only longer rivals are ambiguous.
      const pan = cleanPan(sample.prefix, sample.length, random, [sizes], 13);
      const groups = split(pan, sizes);
      const mixed = groups.map((g, i) => (i === 0 ? g : [' ', '-', '.'][i % 3] + g)).join('');
      const forms: Array<[string, string]> = [
        ['no separator', pan],
        ['single spaces', groups.join(' ')],
        ['dashes', groups.join('-')],
        ['dots', groups.join('.')],
        ['no-break spaces', groups.join('\u00a0')],
        ['mixed separators', mixed],
        ['full-width digits', fullWidth(pan)],
        ['full-width digits in groups', fullWidth(groups.join(' '))],
      ];
      for (const [style, formatted] of forms) {
        const prefix = 'see ';
        cases.push({ label: `${sample.brand}/${sample.length} ${style} ${sizes.join('-')}`, text: `${prefix}${formatted} above`, at: prefix.length, pan, brand: sample.brand });
      }
    }
  }

  it.each(cases.map((c) => [c.label, c] as const))('%s is found once with brand, length, last four and offset', (_label, c) => {
    expectOne(c);
  });

  it('reports every brand-valid PAN alone at the default threshold (medium), UATP excepted', () => {
    for (const c of cases) {
      if (WEAK.has(c.brand)) continue;
      const findings = scan(c.text);
      expect(findings, c.label).toHaveLength(1);
      expect(['medium', 'high'], c.label).toContain(findings[0]!.confidence);
    }
  });

  it.each([
    ['amex 4-4-4-3', '37', 15, 'amex', [4, 4, 4, 3]],
    ['diners 4-4-4-2', '36', 14, 'diners', [4, 4, 4, 2]],
    ['visa 19 digits 4-4-4-4-3', '4', 19, 'visa', [4, 4, 4, 4, 3]],
    ['unionpay 19 digits 4-4-4-4-3', '620', 19, 'unionpay', [4, 4, 4, 4, 3]],
    ['discover 19 digits 4-4-4-4-3', '6011', 19, 'discover', [4, 4, 4, 4, 3]],
    ['visa 13 digits 4-4-4-1', '4', 13, 'visa', [4, 4, 4, 1]],
    ['uatp 4-4-4-3', '1', 15, 'uatp', [4, 4, 4, 3]],
  ] as const)('other card groupings: %s', (label, prefix, length, brand, sizes) => {
    const random = rng(length * 7 + prefix.length);
    for (let n = 0; n < 5; n++) {
      const pan = cleanPan(prefix, length, random, [sizes], 13);
      for (const sep of [' ', '-']) {
        expectOne({ label, text: `no. ${split(pan, sizes).join(sep)}`, at: 4, pan, brand });
      }
    }
  });
});

describe('positives: where the number stands', () => {
  const random = rng(11);
  const pan = cleanPan('4', 16, random, [[4, 4, 4, 4]]);
  const grouped = split(pan, [4, 4, 4, 4]).join(' ');
  const surroundings: ReadonlyArray<readonly [string, string]> = [
    ['', ''],
    ['', ' was on the form'],
    ['It was ', ''],
    ['It was ', '.'],
    ['It was ', ', then'],
    ['It was ', '; then'],
    ['It was ', '!'],
    ['It was ', '?'],
    ['"', '"'],
    ["'", "'"],
    ['“', '”'],
    ['«', '»'],
    ['(', ')'],
    ['[', ']'],
    ['{', '}'],
    ['<', '>'],
    ['<td>', '</td>'],
    ['{"v":"', '"}'],
    ['{"v":', '}'],
    ['v=', ''],
    ['v=', '&w=1'],
    ['v = ', ';'],
    ['v:', ''],
    ['v: ', '\n'],
    ['\t', '\t'],
    ['\n', '\r\n'],
    ['line one\n', '\nline three'],
    ['a,', ',b'],
    ['a;', ';b'],
    ['a|', '|b'],
    ['/', '/'],
    ['#', ''],
    ['$ ', ' €'],
  ];
  const cases: Case[] = [];
  for (const [before, after] of surroundings) {
    for (const [form, value] of [
      ['plain', pan],
      ['grouped', grouped],
    ] as const) {
      cases.push({ label: `${form} ${JSON.stringify(before)}…${JSON.stringify(after)}`, text: before + value + after, at: before.length, pan, brand: 'visa' });
    }
  }

  it.each(cases.map((c) => [c.label, c] as const))('%s', (_label, c) => {
    expectOne(c, {});
  });
});

describe('positives: next to other numbers', () => {
  const random = rng(12);
  // before, after, and the digit groups they add to the PAN's run (single separators join them).
  const NEIGHBOURS: ReadonlyArray<readonly [string, string, string[], string[]]> = [
    ['Qty 2 ', '', ['2'], []],
    ['Seat 12 ', '', ['12'], []],
    ['Total 12.50 ', '', ['12', '50'], []],
    ['', ' 12.50 EUR', [], ['12', '50']],
    ['', ' 123', [], ['123']],
    ['#12 ', ' x', ['12'], []],
    ['2024-01-15 ', '', ['2024', '01', '15'], []],
    ['', ' 2024-01-15', [], ['2024', '01', '15']],
    ['', ', 42', [], []],
  ];
  it.each(NEIGHBOURS)('%j + PAN in groups + %j', (before, after, groupsBefore, groupsAfter) => {
    for (let n = 0; n < 10; n++) {
      const pan = panWhere('4', 16, random, (p) => {
        const readings = validReadings([...groupsBefore, ...split(p, [4, 4, 4, 4]), ...groupsAfter]);
        return readings.length === 1 && readings[0]![0] === groupsBefore.length && readings[0]![1] === groupsBefore.length + 3;
      });
      const text = `${before}${split(pan, [4, 4, 4, 4]).join(' ')}${after}`;
      expectOne({ label: text, text, at: before.length, pan, brand: 'visa' }, {});
    }
  });
});

describe('negatives: glued, decimal, too long', () => {
  const random = rng(404);
  const pans = Array.from({ length: 6 }, (_, i) => cleanPan(['4', '51', '6011', '3528', '2221', '620'][i]!, 16, random, [[4, 4, 4, 4]]));

  it.each(['x', 'X', 'ab', '_', 'é', 'ID', 'No'])('glued to %j on the left', (glue) => {
    for (const pan of pans) {
      expectNoCandidate(glue + pan);
      expectNotReported(glue + split(pan, [4, 4, 4, 4]).join(' '));
    }
  });

  it.each(['x', 'abc', '_', 'é', 'EUR', '_id'])('glued to %j on the right', (glue) => {
    for (const pan of pans) {
      expectNoCandidate(pan + glue);
      expectNotReported(split(pan, [4, 4, 4, 4]).join(' ') + glue);
    }
  });

  it('glued to letters on both sides', () => {
    for (const pan of pans) expectNoCandidate(`ref${pan}x`);
  });

  it('glued to one more digit (a 17-digit number of no card length) is not reported', () => {
    for (const pan of ['4', '51', '2221'].map((p) => makePan(p, 16, random))) {
      expectNotReported(`${pan}7`);
      expectNotReported(`n ${pan}3 n`);
    }
  });

  it.each([
    ['12.', ''],
    ['0.', ''],
    ['-3.', ''],
    ['', '.25'],
    ['', '.0'],
    ['', '.5 EUR'],
    ['1.', '.5'],
  ])('inside a decimal number: %j + PAN + %j', (before, after) => {
    for (const pan of pans) expectNoCandidate(`total ${before}${pan}${after} due`);
  });

  it('inside a decimal number, in groups', () => {
    for (const pan of pans) {
      const groups = split(pan, [4, 4, 4, 4]);
      expectNotReported(`total 12.${groups.join(' ')} due`);
    }
    const pan = panWhere('4', 16, random, (p) => {
      const readings = validReadings([...split(p, [4, 4, 4, 4]), '25']);
      return readings.length === 1 && readings[0]![0] === 0 && readings[0]![1] === 3;
    });
    expectNotReported(`total ${split(pan, [4, 4, 4, 4]).join(' ')}.25 due`);
  });

  it('20+ digit references that contain a valid 16-digit run', () => {
    for (const pan of pans) {
      for (const text of [pan + '1234', '1234' + pan, '12' + pan + '34', '0000' + pan, pan + pan, `Ref ${pan}0001 ok`, `IBAN-like 00${pan}00000`]) {
        expectNoCandidate(text);
      }
    }
  });
});

describe('negatives: Luhn failures and groupings that are not card groupings', () => {
  const random = rng(505);

  /** A card-length number that fails Luhn and has no valid reading in `sizes` (check digit changed at random). */
  function brokenPan(prefix: string, length: number, sizes: readonly number[]): string {
    for (let tries = 0; tries < 1000; tries++) {
      const valid = makePan(prefix, length, random);
      const broken = tries % 2 === 0 ? breakLuhn(valid) : valid.slice(0, -1) + String((Number(valid.slice(-1)) + 1 + Math.floor(random() * 9)) % 10);
      if (!luhnRef(broken) && validReadings(split(broken, sizes)).length === 0) return broken;
    }
    throw new Error(`no broken number for ${prefix}/${length}`);
  }

  it('Luhn failures in card format are never reported, and each counts as rejected', () => {
    for (const sample of SAMPLES) {
      const sizes = usualSizes(sample.brand, sample.length);
      for (let n = 0; n < 5; n++) {
        const broken = brokenPan(sample.prefix, sample.length, sizes);
        for (const text of [broken, split(broken, sizes).join(' '), split(broken, sizes).join('-')]) {
          const c = counters();
          expect(scan(`card ${text} exp 08/27 cvv 123`, ALL, c), text).toEqual([]);
          expect(c.rejected, text).toBe(1);
        }
      }
    }
  });

  it('counts each rejected candidate once, and keeps counting across calls', () => {
    const broken = Array.from({ length: 3 }, () => brokenPan('4', 16, [4, 4, 4, 4]));
    const c = counters();
    scan(broken.map((b) => split(b, [4, 4, 4, 4]).join(' ')).join('\n'), ALL, c);
    expect(c.rejected).toBe(3);
    scan(`x ${broken[0]} y`, ALL, c);
    expect(c.rejected).toBe(4);
    const valid = cleanPan('4', 16, random, [[4, 4, 4, 4]]);
    scan(valid, ALL, c);
    expect(c.rejected).toBe(4);
  });

  it('does not count digit runs that are not in card format as rejected', () => {
    const c = counters();
    scan('Call 12345678 or 1234567890123456789012 or 12.50 or 2024-01-15 12:30', ALL, c);
    expect(c.rejected).toBe(0);
  });

  const BAD_GROUPINGS: ReadonlyArray<readonly number[]> = [
    [2, 2, 2, 10],
    [3, 7, 6],
    [8, 8],
    [6, 10],
    [5, 5, 6],
    [4, 8, 4],
    [4, 4, 8],
    [3, 4, 4, 5],
    [2, 4, 4, 6],
    [4, 5, 7],
    [4, 3, 4, 5],
  ];
  it.each(BAD_GROUPINGS.map((g) => [g.join('-'), g] as const))('separators in a %s grouping do not make a card', (_label, sizes) => {
    for (let n = 0; n < 10; n++) {
      const pan = panWhere('4', 16, random, (p) => validReadings(split(p, sizes)).length === 0);
      for (const sep of [' ', '-', '.']) {
        const text = `no. ${split(pan, sizes).join(sep)} end`;
        const c = counters();
        expect(scan(text, ALL, c), text).toEqual([]);
        expect(c.rejected, text).toBe(0);
      }
    }
  });

  it('separators following no grouping at all: "41 11 11 …" and "411-1111111-11111"', () => {
    for (let n = 0; n < 10; n++) {
      const visa = panWhere('4', 16, random, (p) => validReadings(split(p, [2, 2, 2, 10])).length === 0);
      expectNoCandidate(`${visa.slice(0, 2)} ${visa.slice(2, 4)} ${visa.slice(4, 6)} ${visa.slice(6)}`);
      const amex = panWhere('37', 15, random, (p) => validReadings(split(p, [3, 7, 5])).length === 0);
      expectNoCandidate(`${amex.slice(0, 3)}-${amex.slice(3, 10)}-${amex.slice(10)}`);
    }
  });

  it.each(['  ', '--', ' - ', '. ', '-.', ' .', '\u00a0 ', '\t', ', ', '/', '_', '+', '*', ':'])('groups joined by %j are not one number', (sep) => {
    for (const sample of SAMPLES.slice(0, 12)) {
      const pan = makePan(sample.prefix, sample.length, random);
      expectNoCandidate(split(pan, usualSizes(sample.brand, sample.length)).join(sep));
    }
  });
});

describe('negatives: numbers that are something else', () => {
  const random = rng(606);

  it('IMEIs with an IMEI label (15-digit Luhn-valid numbers)', () => {
    for (const tac of ['35', '86', '01', '99', '49', '37', '34', '1']) {
      for (let n = 0; n < 5; n++) {
        const imei = makePan(tac, 15, random);
        expectNotReported(`IMEI: ${imei}`);
        expectNotReported(`imei ${imei}`);
        expectNotReported(`Device IMEI=${imei}, model X`);
        expectNotReported(`${imei} (IMEI)`);
      }
    }
  });

  it('13-digit epoch-millisecond timestamps, labelled or not', () => {
    for (const lead of ['15', '16', '17', '18']) {
      for (let n = 0; n < 10; n++) {
        const ms = makePan(lead, 13, random);
        expectNotReported(ms);
        expectNotReported(`ts=${ms}`);
        expectNotReported(`"timestamp": ${ms},`);
        expectNotReported(`created ${ms} by job`);
      }
    }
  });

  it('ISBN-13s with an ISBN label', () => {
    for (const lead of ['978', '979']) {
      for (let n = 0; n < 10; n++) {
        const isbn = makePan(lead, 13, random);
        expectNotReported(`ISBN ${isbn}`);
        expectNotReported(`ISBN-13: ${isbn}`);
        expectNotReported(`ISBN: ${isbn.slice(0, 3)}-${isbn.slice(3, 4)}-${isbn.slice(4, 6)}-${isbn.slice(6, 12)}-${isbn.slice(12)}`);
      }
    }
  });

  it('order, invoice and tracking numbers with labels (in several languages)', () => {
    const labels = [
      'Order #',
      'Order number: ',
      'order id=',
      'Invoice no. ',
      'Tracking number ',
      'tracking: ',
      'Waybill ',
      'Numéro de commande : ',
      'N° de suivi ',
      'Bestellnummer ',
      'Sendungsnummer: ',
      'Número de pedido ',
      'Numero ordine ',
      'Bestelnummer ',
      '注文番号：',
    ];
    for (const label of labels) {
      for (const prefix of ['4', '51', '6011', '2221']) {
        const number = cleanPan(prefix, 16, random, [[4, 4, 4, 4]]);
        expectNotReported(`${label}${number}`, label);
        expectNotReported(`${label}${split(number, [4, 4, 4, 4]).join('-')}`, label);
      }
    }
  });

  it('phone numbers', () => {
    const digits = (n: number) => Array.from({ length: n }, () => String(Math.floor(random() * 10))).join('');
    for (let n = 0; n < 200; n++) {
      expectNotReported(`+1 (${digits(3)}) ${digits(3)}-${digits(4)}`);
      expectNotReported(`+44 ${digits(4)} ${digits(6)}`);
      expectNotReported(`+49 ${digits(2)} ${digits(4)} ${digits(4)}`);
      expectNotReported(`+33 ${digits(1)} ${digits(2)} ${digits(2)} ${digits(2)} ${digits(2)}`);
      expectNotReported(`0049 ${digits(3)} ${digits(8)}`);
    }
    for (let n = 0; n < 10; n++) {
      // Luhn-valid in a card range: only the label tells.
      expectNotReported(`Phone: +${makePan('4', 13, random)}`);
      expectNotReported(`Tel. ${makePan('4', 16, random)}`);
      expectNotReported(`Telefon ${makePan('51', 16, random)}`);
      expectNotReported(`mobile: ${makePan('4', 16, random)}`);
    }
  });

  // German mobile numbers in E.164 are 13 digits starting 49 (+49 15x/16x/17x …); one in ten
  // passes Luhn and then reads as a 13-digit Visa. No card number is written after a "+".
  it('E.164 phone numbers written without spaces, no label', () => {
    for (const lead of ['49151', '49160', '49170', '4369']) {
      for (let n = 0; n < 5; n++) {
        const e164 = makePan(lead, 13, random);
        expectNotReported(`Call +${e164} today`);
      }
    }
  });

  it('UUIDs (random version 4, hex)', () => {
    const hex = (n: number) => Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(random() * 16)]).join('');
    for (let n = 0; n < 3000; n++) {
      const uuid = `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[Math.floor(random() * 4)]}${hex(3)}-${hex(12)}`;
      expectNotReported(uuid);
      expectNotReported(`request ${uuid} done`);
    }
  });

  // The last group of a UUID is 12 hex digits; 0.36 % of random UUIDs have only decimal digits
  // there, and 12 digits starting 50/56–58/639/67 pass for Maestro when Luhn-valid.
  it('UUIDs whose last group happens to be 12 decimal digits', () => {
    for (const prefix of ['58', '67', '501']) {
      const last = makePan(prefix, 12, random);
      expectNotReported(`9f1c2a7e-3b4d-4e5f-a6b7-${last}`);
    }
  });

  it('a labelled UUID made of decimal digits whose only valid reading is the last group is lowered by the label', () => {
    for (let n = 0; n < 10; n++) {
      const tail = makePan('58', 12, random);
      let uuid = '';
      do {
        const middle = String(Math.floor(random() * 1e12)).padStart(12, '7');
        uuid = `02491348-${middle.slice(0, 4)}-${middle.slice(4, 8)}-${middle.slice(8)}-${tail}`;
      } while (validReadings(uuid.split('-')).length !== 1);
      expectNotReported(`uuid: ${uuid}`);
    }
  });

  it('a labelled UUID made of decimal digits', () => {
    // 8-4-4-4-12: the 4-4-4 middle (unknown brand, Luhn-valid) and the 12-digit tail (Maestro).
    const middle = panWhere('87', 12, random, () => true);
    const tail = makePan('58', 12, random);
    const uuid = `02491348-${middle.slice(0, 4)}-${middle.slice(4, 8)}-${middle.slice(8)}-${tail}`;
    expectNotReported(`uuid: ${uuid}`);
  });
});

describe('published test numbers', () => {
  const published = [...Object.values(TEST_NUMBERS), '4242424242424242', '371449635398431', '3530111333300000', '6011000990139424', '30569309025904', '5200828282828210'];

  it('are not reported by default, nor at low without includeTestCards, nor with includeTestCards at medium', () => {
    for (const pan of published) {
      const grouped = split(pan, usualSizes(pan.startsWith('3') && pan.length === 15 ? 'amex' : pan.length === 14 ? 'diners' : 'x', pan.length)).join(' ');
      for (const text of [pan, grouped, `Card number: ${grouped} exp 08/27 CVV 123`]) {
        expect(scan(text), text).toEqual([]);
        expect(scan(text, { minConfidence: 'low' }), text).toEqual([]);
        expect(scan(text, { includeTestCards: true }), text).toEqual([]);
        expect(scan(text, { includeTestCards: true, minConfidence: 'medium' }), text).toEqual([]);
      }
    }
  });

  it('are flagged testCard with a score of at most 0.3 when asked for (includeTestCards + low)', () => {
    for (const pan of published) {
      for (const text of [pan, `Card number: ${pan} exp 08/27 CVV 123`]) {
        const findings = scan(text, { includeTestCards: true, minConfidence: 'low' });
        expect(findings, text).toHaveLength(1);
        const f = findings[0]!;
        expect(f.testCard).toBe(true);
        expect(f.score).toBeLessThanOrEqual(0.3);
        expect(f.confidence).toBe('low');
        expect(f.reasons).toContain('test_card');
        expect(f.last4).toBe(pan.slice(-4));
      }
    }
  });

  it('a generated number is not a test card', () => {
    const random = rng(1);
    for (const sample of SAMPLES) {
      const f = scan(makePan(sample.prefix, sample.length, random), ALL);
      expect(f).toHaveLength(1);
      expect(f[0]!.testCard).toBe(false);
      expect(f[0]!.reasons).not.toContain('test_card');
    }
  });
});

describe('one finding per occurrence', () => {
  const random = rng(707);

  it('4-4-4-4 followed by a 3-digit group: the 16-digit PAN, once', () => {
    for (let n = 0; n < 20; n++) {
      let pan = '';
      let tail = '';
      do {
        pan = makePan('4', 16, random);
        tail = String(100 + Math.floor(random() * 900));
        const readings = validReadings([...split(pan, [4, 4, 4, 4]), tail]);
        if (readings.length === 1 && readings[0]![0] === 0 && readings[0]![1] === 3) break;
      } while (true);
      const text = `${split(pan, [4, 4, 4, 4]).join(' ')} ${tail}`;
      const findings = scan(text, ALL);
      expect(findings, text).toHaveLength(1);
      expect(findings[0]!.length).toBe(16);
      expect(findings[0]!.last4).toBe(pan.slice(-4));
      expect(findings[0]!.location.offset).toBe(0);
    }
  });

  it('4-4-4-4-3 where both the 16 and the 19 digits pass Luhn: still one finding', () => {
    let found = 0;
    for (let n = 0; n < 400 && found < 10; n++) {
      const pan = makePan('4', 19, random);
      if (!luhnRef(pan.slice(0, 16))) continue;
      found++;
      const text = split(pan, [4, 4, 4, 4, 3]).join(' ');
      const findings = scan(text, ALL);
      expect(findings, text).toHaveLength(1);
      expect(findings[0]!.location.offset).toBe(0);
    }
    expect(found).toBe(10);
  });

  it('two PANs in a row separated by a single space are two findings', () => {
    for (let n = 0; n < 20; n++) {
      const a = cleanPan('4', 16, random, [[4, 4, 4, 4]]);
      const b = cleanPan('51', 16, random, [[4, 4, 4, 4]]);
      const first = split(a, [4, 4, 4, 4]).join(' ');
      const text = `${first} ${split(b, [4, 4, 4, 4]).join(' ')}`;
      const findings = scan(text, ALL);
      expect(findings.map((f) => [f.location.offset, f.last4, f.brand])).toEqual([
        [0, a.slice(-4), 'visa'],
        [first.length + 1, b.slice(-4), 'mastercard'],
      ]);
    }
  });

  it('the same PAN written three times is three findings with one fingerprint', () => {
    const pan = cleanPan('4', 16, random, [[4, 4, 4, 4]]);
    const text = `${pan}\n${split(pan, [4, 4, 4, 4]).join('-')}\n${fullWidth(pan)}`;
    const findings = scan(text, ALL);
    expect(findings).toHaveLength(3);
    expect(new Set(findings.map((f) => f.fingerprint)).size).toBe(1);
    expect(findings.map((f) => f.location.line)).toEqual([1, 2, 3]);
  });
});
