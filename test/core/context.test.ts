/**
 * Context: keywords in eight languages, windows, whole words, field names, negative context
 * (issue 2, item 9.3; design §3).
 */
import { describe, expect, it } from 'vitest';
import { detect } from '../../src/core/detect.js';
import { OptionsError, resolveSettings } from '../../src/options.js';
import type { ScanOptions } from '../../src/types.js';
import { rng } from '../support/cards.js';
import { cleanPan, KEY, scan, split } from './helpers.js';

const random = rng(31337);
const PAN = cleanPan('4', 16, random, [[4, 4, 4, 4]]);
const G = split(PAN, [4, 4, 4, 4]).join(' ');
const LOW: ScanOptions = { minConfidence: 'low' };

/** The one finding of `text` at `low`, with the PAN's last four. */
function only(text: string, options: ScanOptions = LOW) {
  const findings = scan(text, { ...LOW, ...options });
  expect(findings, JSON.stringify(text)).toHaveLength(1);
  expect(findings[0]!.last4).toBe(PAN.slice(-4));
  return findings[0]!;
}

const keywordReasons = (reasons: readonly string[]) => reasons.filter((r) => r.startsWith('keyword:'));

describe('baseline', () => {
  it('the PAN alone, or among neutral words, is medium with no keyword reason', () => {
    for (const text of [G, PAN, `lorem ipsum ${G} dolor`, `${'x'.repeat(100)} ${G} ${'y'.repeat(100)}`]) {
      const f = only(text);
      expect(f.confidence).toBe('medium');
      expect(keywordReasons(f.reasons)).toEqual([]);
    }
  });
});

describe('card keywords in eight languages raise the PAN to high', () => {
  const KEYWORDS: ReadonlyArray<readonly [lang: string, keyword: string]> = [
    ['en', 'card number'],
    ['en', 'credit card'],
    ['en', 'Visa'],
    ['en', 'cardholder'],
    ['en', 'PAN'],
    ['fr', 'numéro de carte'],
    ['fr', 'carte bancaire'],
    ['fr', 'carte de crédit'],
    ['de', 'Kartennummer'],
    ['de', 'Kreditkarte'],
    ['de', 'Karteninhaber'],
    ['es', 'número de tarjeta'],
    ['es', 'tarjeta de crédito'],
    ['it', 'numero carta'],
    ['it', 'carta di credito'],
    ['pt', 'número do cartão'],
    ['pt', 'cartão de crédito'],
    ['nl', 'kaartnummer'],
    ['nl', 'creditcard'],
    ['nl', 'betaalkaart'],
    ['ja', 'カード番号'],
    ['ja', 'クレジットカード'],
  ];

  it.each(KEYWORDS)('%s: "%s" before the number', (_lang, keyword) => {
    for (const text of [`${keyword}: ${G}`, `${keyword} ${PAN}`, `The ${keyword} is ${G}.`]) {
      const f = only(text);
      expect(f.confidence, text).toBe('high');
      expect(keywordReasons(f.reasons), text).toHaveLength(1);
    }
  });

  it.each(KEYWORDS)('%s: "%s" after the number', (_lang, keyword) => {
    for (const text of [`${G} (${keyword})`, `${PAN} - ${keyword}`]) {
      const f = only(text);
      expect(f.confidence, text).toBe('high');
      expect(keywordReasons(f.reasons), text).toHaveLength(1);
    }
  });

  it('security-code and expiry words corroborate too', () => {
    for (const text of [`CVV and number: ${G}`, `${G} expiry unknown`, `Ablaufdatum / Karte ${G}`]) {
      expect(only(text).confidence, text).toBe('high');
    }
  });

  it('explains the keyword and its distance in the reason (keyword:<word>@<signed distance>)', () => {
    expect(only(`card number: ${G}`).reasons).toContain('keyword:card_number@-13');
    expect(only(`${G} (visa)`).reasons).toContain('keyword:visa@+2');
  });
});

describe('case- and accent-insensitive, whole words only', () => {
  it.each([
    'NUMÉRO DE CARTE',
    'numero de carte',
    'Numéro De Carte',
    'NUMERO DE CARTE',
    'KREDITKARTE',
    'Cartão de Crédito',
    'CARTAO DE CREDITO',
    'NÚMERO DE TARJETA',
    'numero de tarjeta',
    'Card Number',
    'CARD NUMBER',
    'card_number',
    'card-number',
    'cardnumber',
    'ＣＡＲＤ',
  ])('"%s" matches', (keyword) => {
    const f = only(`${keyword}: ${G}`);
    expect(f.confidence).toBe('high');
    expect(keywordReasons(f.reasons)).toHaveLength(1);
  });

  it.each(['cardinal', 'Cardinal', 'scar', 'discard', 'discovery', 'Panama', 'pancake', 'panel', 'visage', 'cartel', 'expert', 'Mastercardinal', 'cardio', 'recarded'])(
    '"%s" is not a card word',
    (word) => {
      for (const text of [`${word} ${G}`, `${G} ${word}`]) {
        const f = only(text);
        expect(f.confidence, text).toBe('medium');
        expect(keywordReasons(f.reasons), text).toEqual([]);
      }
    },
  );
});

describe('windows (default 64 characters before, 32 after)', () => {
  const pad = (n: number) => ' '.repeat(n);

  it('a keyword inside the window counts, one outside does not', () => {
    expect(only(`card${pad(46)}${G}`).confidence).toBe('high'); // 50 before
    expect(only(`card${pad(96)}${G}`).confidence).toBe('medium'); // 100 before
    expect(only(`${G}${pad(16)}card`).confidence).toBe('high'); // 16 after
    expect(only(`${G}${pad(46)}card`).confidence).toBe('medium'); // 46 after
  });

  it('the default window edges are exact: a whole word 64 before / ending 32 after is in, one character more is out', () => {
    // "card" starting 64 characters before the first digit.
    expect(only(`card${pad(60)}${G}`).confidence).toBe('high');
    expect(only(`card${pad(61)}${G}`).confidence).toBe('medium');
    // "card" ending 32 characters after the last digit.
    expect(only(`${G}${pad(28)}card`).confidence).toBe('high');
    expect(only(`${G}${pad(29)}card`).confidence).toBe('medium');
  });

  it('a label on the line above a number alone on its line counts; one several lines up does not', () => {
    expect(only(`Card number:\n${G}`).confidence).toBe('high');
    expect(only(`Card number:\r\n${G}\r\n`).confidence).toBe('high');
    expect(only(`Card\n${'lorem ipsum\n'.repeat(8)}${G}`).confidence).toBe('medium');
  });

  it('windowBefore and windowAfter are options', () => {
    expect(only(`card${pad(8)}${G}`, { windowBefore: 10 }).confidence).toBe('medium'); // 12 before
    expect(only(`card${pad(6)}${G}`, { windowBefore: 10 }).confidence).toBe('high'); // 10 before
    expect(only(`card${pad(146)}${G}`, { windowBefore: 200 }).confidence).toBe('high');
    expect(only(`card ${G}`, { windowBefore: 0 }).confidence).toBe('medium');
    expect(only(`${G}${pad(1)}card`, { windowAfter: 5 }).confidence).toBe('high');
    expect(only(`${G}${pad(2)}card`, { windowAfter: 5 }).confidence).toBe('medium');
    expect(only(`${G}${pad(80)}card`, { windowAfter: 100 }).confidence).toBe('high');
    expect(only(`${G} (visa)`, { windowAfter: 0 }).confidence).toBe('medium');
  });

  it('negative words obey the windows as well', () => {
    expect(only(`order${pad(95)}${G}`).confidence).toBe('medium');
    expect(only(`order${pad(95)}${G}`, { windowBefore: 200 }).confidence).toBe('low');
    expect(only(`${G}${pad(40)}(phone)`).confidence).toBe('medium');
    expect(only(`${G}${pad(40)}(phone)`, { windowAfter: 60 }).confidence).toBe('low');
  });

  it('rejects windows that are not non-negative integers', () => {
    expect(() => scan(G, { windowBefore: -1 })).toThrow(OptionsError);
    expect(() => scan(G, { windowAfter: 1.5 })).toThrow(OptionsError);
    expect(() => scan(G, { windowBefore: Number.NaN })).toThrow(OptionsError);
  });
});

describe('negative context', () => {
  const HARD = ['timestamp', 'Timestamp', 'phone', 'Tel.', 'telephone', 'UUID', 'hash', 'sha256', 'checksum', 'version', 'Telefonnummer', 'téléphone', 'teléfono', 'telefono', 'telefoon', 'telefone', '電話番号'];
  const SOFT = ['order', 'Order number', 'invoice', 'tracking', 'IMEI', 'reference', 'serial number', 'Bestellnummer', 'commande', 'pedido', 'ordine', 'factuur', '注文番号'];

  it.each(HARD)('hard: "%s" lowers the number, even with a card word further away', (word) => {
    for (const text of [`${word}: ${G}`, `card on file; ${word}: ${G}`, `Kreditkarte, ${word} ${PAN}`]) {
      const f = only(text);
      expect(f.confidence, text).toBe('low');
      expect(f.reasons.some((r) => r.startsWith('neg')), text).toBe(true);
      expect(scan(text), text).toEqual([]);
    }
  });

  it.each(HARD)('hard: "%s … card: <pan>" (card word nearer) stays high', (word) => {
    const text = `${word} lorem, card: ${G}`;
    expect(only(text).confidence).toBe('high');
  });

  it.each(SOFT)('soft: "%s" lowers the number without a card word', (word) => {
    for (const text of [`${word} ${G}`, `${word}: ${PAN}`, `${G} (${word})`]) {
      const f = only(text);
      expect(f.confidence, text).toBe('low');
      expect(f.reasons.some((r) => r.startsWith('neg')), text).toBe(true);
      expect(scan(text), text).toEqual([]);
    }
  });

  it.each(SOFT)('soft: "%s" does not lower the number with a card word', (word) => {
    for (const text of [`${word} paid by card ${G}`, `card; ${word} ${G}`, `${word} ${G} (visa)`]) {
      const f = only(text);
      expect(f.confidence, text).toBe('high');
      expect(f.reasons.some((r) => r.startsWith('neg')), text).toBe(false);
    }
  });
});

describe('field names (detect with fieldName / fields)', () => {
  const settings = resolveSettings({ fingerprintKey: KEY, minConfidence: 'low' });

  it('a field named like a card number raises the PAN; an IMEI / order field lowers it', () => {
    const plain = detect({ text: PAN }, settings);
    expect(plain).toHaveLength(1);
    expect(plain[0]!.confidence).toBe('medium');
    for (const name of ['Card Number', 'card_number', 'CARD-NO', 'Kartennummer', 'numéro de carte', 'cc_number', 'PAN']) {
      const [d] = detect({ text: PAN, fieldName: name }, settings);
      expect(d!.confidence, name).toBe('high');
      expect(d!.reasons.some((r) => r.startsWith('field:')), name).toBe(true);
    }
    for (const name of ['IMEI', 'imei_number', 'Order ID', 'Tracking Number', 'timestamp', 'Phone']) {
      const [d] = detect({ text: PAN, fieldName: name }, settings);
      expect(d!.confidence, name).toBe('low');
      expect(d!.reasons.some((r) => r.startsWith('neg')), name).toBe(true);
    }
    const [neutral] = detect({ text: PAN, fieldName: 'Notes' }, settings);
    expect(neutral!.confidence).toBe('medium');
  });

  it('fields: the name of the field that holds the PAN counts, other fields do not', () => {
    const text = `Alice,${PAN},x`;
    const start = text.indexOf(PAN);
    const fields = (name: string) => [
      { start: 0, end: 5, name: 'Name' },
      { start, end: start + PAN.length, name },
      { start: start + PAN.length + 1, end: text.length, name: 'Misc' },
    ];
    expect(detect({ text, fields: fields('Card Number') }, settings)[0]!.confidence).toBe('high');
    expect(detect({ text, fields: fields('IMEI') }, settings)[0]!.confidence).toBe('low');
    expect(detect({ text, fields: fields('Notes') }, settings)[0]!.confidence).toBe('medium');
    const elsewhere = [
      { start: 0, end: 5, name: 'Card Number' },
      { start, end: start + PAN.length, name: 'Notes' },
    ];
    expect(detect({ text, fields: elsewhere }, settings)[0]!.confidence).toBe('medium');
  });

  it('reports the detection at the PAN’s offset in the field text', () => {
    const text = `Alice,${PAN},x`;
    const start = text.indexOf(PAN);
    const [d] = detect({ text, fields: [{ start, end: start + PAN.length, name: 'Card Number' }] }, settings);
    expect(d!.start).toBe(start);
    expect(d!.last4).toBe(PAN.slice(-4));
  });
});
