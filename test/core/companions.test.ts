/**
 * Companions: expiry dates, security codes and magnetic-stripe track data (issue 2, item 9.4).
 * A companion is reported by presence and place only — never by value.
 */
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/types.js';
import { makePan, rng } from '../support/cards.js';
import { ALL, cleanPan, lineColumn, scan, split, withoutFingerprint } from './helpers.js';

const random = rng(4242);
const VISA = cleanPan('4', 16, random, [[4, 4, 4, 4]]);
const G = split(VISA, [4, 4, 4, 4]).join(' ');
const AMEX = cleanPan('37', 15, random, [[4, 6, 5]]);

function one(text: string): Finding {
  const findings = scan(text, ALL);
  expect(findings, JSON.stringify(text)).toHaveLength(1);
  return findings[0]!;
}

/** The companion's location points exactly at `at` (offset, line and column agree with the text). */
function expectAt(text: string, location: Finding['location'] | undefined, at: number): void {
  expect(at, 'marker not found in the text').toBeGreaterThanOrEqual(0);
  expect(location).toEqual({ ...lineColumn(text, at), offset: at });
}

/** `value` does not appear in the finding as a standalone digit string (nor as text). */
function expectNoValue(finding: Finding, value: string): void {
  const json = withoutFingerprint(finding);
  expect(json).not.toContain(value);
  const digits = value.replace(/\D/g, '');
  if (digits.length >= 3) expect(json).not.toMatch(new RegExp(`(?<![0-9])${digits}(?![0-9])`));
}

describe('expiry dates', () => {
  const FORMS: ReadonlyArray<readonly [form: string, date: string]> = [
    ['08/27', '08/27'],
    ['08/2027', '08/2027'],
    ['08-27', '08-27'],
    ['2027-08', '2027-08'],
    ['Aug 2027', 'Aug 2027'],
    ['valid thru 08/27', '08/27'],
    ['exp 0827', '0827'],
    ["date d'expiration 08/27", '08/27'],
    ['Ablaufdatum 08/2027', '08/2027'],
    ['Exp: 8/27', '8/27'],
    ['expiry 08.27', '08.27'],
    ['Expires August 2027', 'August 2027'],
    ['vencimiento 08/27', '08/27'],
    ['scadenza 08/2027', '08/2027'],
    ['有効期限 08/27', '08/27'],
  ];

  it.each(FORMS)('"%s" after the PAN belongs to it', (form, date) => {
    const text = `${G} ${form}`;
    const f = one(text);
    expect(f.expiry?.present).toBe(true);
    expectAt(text, f.expiry?.location, text.lastIndexOf(date));
    expect(f.reasons.some((r) => r.startsWith('expiry@'))).toBe(true);
    expect(f.confidence).toBe('high');
    expectNoValue(f, date);
  });

  it.each(FORMS)('"%s" before the PAN belongs to it', (form, date) => {
    const text = `${form} - ${G}`;
    const f = one(text);
    expect(f.expiry?.present).toBe(true);
    expectAt(text, f.expiry?.location, text.indexOf(date));
  });

  it('an expiry date alone is what corroborates the PAN (no card word)', () => {
    const alone = one(`lorem ${G} ipsum`);
    const dated = one(`lorem ${G} 08/27`);
    expect(alone.confidence).toBe('medium');
    expect(alone.expiry).toBeUndefined();
    expect(dated.confidence).toBe('high');
    expect(dated.score).toBeGreaterThan(alone.score);
  });

  it.each([
    '12/25/2024',
    '25/12/2024',
    '2024-01-15',
    'on 2024-01-15 at 10:30',
    '2024-01-15T10:30:00Z',
    '13/27',
    '00/27',
    '3.14',
    'v1.2.3',
    '10:30',
    '1/2/3',
  ])('"%s" is not an expiry date', (other) => {
    for (const text of [`${G} ${other}`, `${other} ${G}`]) {
      const f = one(text);
      expect(f.expiry, text).toBeUndefined();
      expect(f.reasons.some((r) => r.startsWith('expiry')), text).toBe(false);
    }
  });

  it('the date is never in the finding', () => {
    for (const [form, date] of FORMS) {
      expectNoValue(one(`card ${G} ${form}`), date);
    }
  });
});

describe('security codes', () => {
  const FORMS: ReadonlyArray<readonly [form: string, code: string]> = [
    ['CVV 735', '735'],
    ['cvc2: 846', '846'],
    ['security code 957', '957'],
    ['cryptogramme 361', '361'],
    ['CVV2 (back): 472', '472'],
    ['Prüfnummer 583', '583'],
    ['código de seguridad 694', '694'],
    ['CVC=715', '715'],
  ];

  it.each(FORMS)('"%s" after the PAN is its security code', (form, code) => {
    const text = `${G} ${form}`;
    const f = one(text);
    expect(f.cvv?.present).toBe(true);
    expectAt(text, f.cvv?.location, text.lastIndexOf(code));
    expect(f.reasons.some((r) => r.startsWith('cvv@'))).toBe(true);
    expect(f.confidence).toBe('high');
    expectNoValue(f, code);
  });

  it('a bare 3-digit number is not a CVV', () => {
    for (const text of [`${G} 735`, `${G} code 735`, `${G}, 735 items`, `735 ${G}`]) {
      expect(one(text).cvv, text).toBeUndefined();
    }
  });

  it.each(['CVV 73', 'CVV 73512', 'CVV: 08/27', 'CVV x735', 'CVV 735x', 'CVV 7.35'])('"%s" holds no 3-digit code', (form) => {
    expect(one(`${G} ${form}`).cvv).toBeUndefined();
  });

  // cvv.ts skips "735" as part of a longer number ("123-456" per its own comment) but then
  // looks at the next digit run and accepts "846", the other half of the same number.
  it('"CVV 735-846" holds no 3-digit code', () => {
    expect(one(`${G} CVV 735-846`).cvv).toBeUndefined();
  });

  it('four digits only for amex', () => {
    expect(one(`${G} CVV 7351`).cvv).toBeUndefined();
    const text = `${split(AMEX, [4, 6, 5]).join(' ')} CID 7351`;
    const f = one(text);
    expect(f.brand).toBe('amex');
    expect(f.cvv?.present).toBe(true);
    expectAt(text, f.cvv?.location, text.lastIndexOf('7351'));
    expectNoValue(f, '7351');
  });
});

describe('companions on a form, one field per line', () => {
  it('expiry and security code on the lines below the PAN belong to it', () => {
    const text = `Card number: ${G}\nExpiry date: 08/28\nSecurity code: 752\n`;
    const f = one(text);
    expectAt(text, f.expiry?.location, text.indexOf('08/28'));
    expectAt(text, f.cvv?.location, text.indexOf('752'));
    expect(f.expiry?.location.line).toBe(2);
    expect(f.cvv?.location.line).toBe(3);
  });

  it('labels indented or in a list still count', () => {
    const text = `Card number: ${G}\n  - Expiry date: 08/28\n\t* CVV: 752\n`;
    const f = one(text);
    expectAt(text, f.expiry?.location, text.indexOf('08/28'));
    expectAt(text, f.cvv?.location, text.indexOf('752'));
  });

  it('in a log, the next entry is not a field of the form: its expiry and code are not taken', () => {
    // The next line opens with a timestamp, not a label: it is another event.
    const text = `10:00:00 INFO card ${G}\n10:00:01 INFO user 42 exp 08/27 cvv 123\n`;
    const f = one(text);
    expect(f.expiry).toBeUndefined();
    expect(f.cvv).toBeUndefined();
  });

  it('with CRLF line ends', () => {
    const text = `Card number: ${G}\r\nExpiry date: 08/28\r\nSecurity code: 752\r\n`;
    const f = one(text);
    expectAt(text, f.expiry?.location, text.indexOf('08/28'));
    expectAt(text, f.cvv?.location, text.indexOf('752'));
  });
});

describe('two PANs on a line: each companion goes to its nearest PAN', () => {
  const MC = cleanPan('51', 16, random, [[4, 4, 4, 4]]);
  const GM = split(MC, [4, 4, 4, 4]).join(' ');

  it('each PAN with its own expiry and CVV', () => {
    // Each companion is nearer its own PAN than the other one.
    const text = `${G} exp 01/28 CVV 735; then the second one is ${GM} exp 02/29 CVV 846`;
    const findings = scan(text, ALL);
    expect(findings.map((f) => f.last4)).toEqual([VISA.slice(-4), MC.slice(-4)]);
    const [a, b] = findings as [Finding, Finding];
    expectAt(text, a.expiry?.location, text.indexOf('01/28'));
    expectAt(text, a.cvv?.location, text.indexOf('735'));
    expectAt(text, b.expiry?.location, text.indexOf('02/29'));
    expectAt(text, b.cvv?.location, text.indexOf('846'));
  });

  it('companions before each PAN', () => {
    const text = `exp 01/28 ${G} and exp 02/29 ${GM}`;
    const [a, b] = scan(text, ALL) as [Finding, Finding];
    expectAt(text, a.expiry?.location, text.indexOf('01/28'));
    expectAt(text, b.expiry?.location, text.indexOf('02/29'));
  });

  it('a companion after the second PAN does not belong to the first', () => {
    const text = `${G}, ${GM} CVV 735 exp 02/29`;
    const [a, b] = scan(text, ALL) as [Finding, Finding];
    expect(a.cvv).toBeUndefined();
    expect(a.expiry).toBeUndefined();
    expectAt(text, b.cvv?.location, text.indexOf('735'));
    expectAt(text, b.expiry?.location, text.indexOf('02/29'));
  });

  it('a companion before the first PAN does not belong to the second', () => {
    const text = `CVV 735 exp 01/28 ${G}, ${GM}`;
    const [a, b] = scan(text, ALL) as [Finding, Finding];
    expectAt(text, a.cvv?.location, text.indexOf('735'));
    expect(b.cvv).toBeUndefined();
    expect(b.expiry).toBeUndefined();
  });

  // detect.ts takes, for each PAN, the nearest companion inside its own window; the window is
  // only clipped at the neighbouring PAN, so a companion between two PANs is given to both.
  it('a CVV between two PANs, nearer the second, belongs to the second only', () => {
    const text = `Card A: ${G} / Card B: CVV 735, ${GM}`;
    const [a, b] = scan(text, ALL) as [Finding, Finding];
    expectAt(text, b.cvv?.location, text.indexOf('735'));
    expect(a.cvv).toBeUndefined();
  });

  it('a PAN alone on the next line does not take the expiry date of the PAN above', () => {
    // "exp 08/27" is 5 characters after the first PAN and 6 before the second, on the first's line.
    const text = `${G} exp 08/27\n${GM}`;
    const [a, b] = scan(text, ALL) as [Finding, Finding];
    expectAt(text, a.expiry?.location, text.indexOf('08/27'));
    expect(b.expiry).toBeUndefined();
  });

  it('an expiry date between two PANs, nearer the second, belongs to the second only', () => {
    const text = `Card A: ${G} / Card B: exp 02/29, ${GM}`;
    const [a, b] = scan(text, ALL) as [Finding, Finding];
    expectAt(text, b.expiry?.location, text.indexOf('02/29'));
    expect(a.expiry).toBeUndefined();
  });
});

describe('magnetic-stripe track data', () => {
  const BRANDS = [
    ['visa', '4', 16],
    ['mastercard', '51', 16],
    ['amex', '37', 15],
    ['discover', '6011', 16],
  ] as const;

  /** Expiry 2708 + service code 101 + discretionary data that is itself a Luhn-valid 16-digit Mastercard number. */
  const afterPan = () => makePan('2708101', 16, random);

  const TRACKS: ReadonlyArray<readonly [label: string, kind: 'track1' | 'track2', build: (pan: string, rest: string) => string]> = [
    ['track 1 with sentinels', 'track1', (pan, rest) => `%B${pan}^DOE/JOHN Q^${rest}?`],
    ['track 1 without sentinels', 'track1', (pan, rest) => `B${pan}^QUIXOTE/ZED^${rest}`],
    ['track 2 with sentinels', 'track2', (pan, rest) => `;${pan}=${rest}?`],
    ['track 2 without sentinels', 'track2', (pan, rest) => `${pan}=${rest}`],
    ['track 2 with D separator', 'track2', (pan, rest) => `;${pan}D${rest}?`],
    ['track 2 with D, no sentinels', 'track2', (pan, rest) => `${pan}D${rest}`],
  ];

  it.each(TRACKS)('%s: one finding of its kind, at the PAN, flagged as sensitive authentication data', (_label, kind, build) => {
    for (const [brand, prefix, length] of BRANDS) {
      const pan = cleanPan(prefix, length, random);
      const rest = afterPan();
      const track = build(pan, rest);
      for (const text of [track, `POS swipe: ${track} OK`, `line one\r\n  ${track}\r\nline three`]) {
        const findings = scan(text, ALL);
        expect(findings, text).toHaveLength(1); // the discretionary data is no second finding
        const f = findings[0]!;
        expect(f.kind).toBe(kind);
        expect(f.brand).toBe(brand);
        expect(f.length).toBe(length);
        expect(f.last4).toBe(pan.slice(-4));
        expect(f.reasons).toContain('sad:track_data');
        expect(f.confidence).toBe('high');
        const at = text.indexOf(pan);
        expect(f.location).toEqual({ ...lineColumn(text, at), offset: at });
        const json = withoutFingerprint(f);
        expect(json).not.toContain(rest);
        expect(json).not.toContain(rest.slice(7)); // discretionary data
        expect(json).not.toMatch(/DOE|QUIXOTE/);
      }
    }
  });

  it('the discretionary data alone would be a finding: the track swallows it', () => {
    const rest = afterPan();
    expect(scan(`x ${rest} y`, ALL)).toHaveLength(1);
  });

  it('track 1 and track 2 of the same card on two lines are two findings', () => {
    const pan = cleanPan('4', 16, random);
    const rest = afterPan();
    const text = `%B${pan}^DOE/JOHN^${rest}?\n;${pan}=${rest}?\n`;
    const findings = scan(text, ALL);
    expect(findings.map((f) => [f.kind, f.location.line, f.last4])).toEqual([
      ['track1', 1, pan.slice(-4)],
      ['track2', 2, pan.slice(-4)],
    ]);
    expect(findings[0]!.fingerprint).toBe(findings[1]!.fingerprint);
  });

  it('a B before a number without the track 1 layout is a glued word, not track data', () => {
    const pan = cleanPan('4', 16, random);
    expect(scan(`B${pan}`, ALL)).toEqual([]);
    expect(scan(`B${pan} text`, ALL)).toEqual([]);
  });

  it('a PAN followed by "=" and too few digits is a plain PAN', () => {
    const text = `${VISA}=12`;
    const f = one(text);
    expect(f.kind).toBe('pan');
    expect(f.reasons).not.toContain('sad:track_data');
  });
});
