/**
 * No leak (issue 2, item 9.8): ~50 generated PANs with CVVs, expiry dates and track 1/2 data are
 * scanned at `low`; the findings go through every reporter and JSON.stringify, and no full PAN
 * (digits or with separators), CVV value, expiry date or track data may come out anywhere.
 */
import { describe, expect, it } from 'vitest';
import { createReporter, REPORT_FORMATS } from '../../src/report/index.js';
import type { Brand, Confidence, Finding, FindingKind, ScanEvent, ScanSummary } from '../../src/types.js';
import { leakedPans, makePan, rng } from '../support/cards.js';
import { counters, hmacHex, SAMPLES, scan, split, usualSizes } from './helpers.js';

const random = rng(777);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const letters = (n: number) => Array.from({ length: n }, () => pick([...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'])).join('');

interface Planted {
  readonly pan: string;
  readonly brand: string;
  /** CVV / CID values: 3 digits 9xx, or 4 digits 9xxx for amex. */
  readonly codes: string[];
  /** Expiry dates as written. */
  readonly dates: string[];
  /** Track data after the PAN (expiry, service code, discretionary data) and cardholder names. */
  readonly secrets: string[];
}

// Distinct 3-digit codes 900–999 and 4-digit codes 9000–9999 (never an offset: see FILLER).
const threeDigit = [...Array(100).keys()].map((i) => String(900 + i)).sort(() => random() - 0.5);
const fourDigit = [...Array(1000).keys()].map((i) => String(9000 + i)).sort(() => random() - 0.5);

// Over 1000 characters without digits first: every offset in the output then has 4+ digits, so a
// standalone 3-digit 9xx can only be a leaked CVV. The whole text stays under 9000 characters so
// no offset can be a 4-digit 9xxx CID either; lines stay short so columns stay small.
const FILLER = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, quis nostrud.\n'.repeat(16);

function buildDocument(): { text: string; planted: Planted[] } {
  const planted: Planted[] = [];
  const lines: string[] = [];
  const samples = SAMPLES.filter((s) => s.brand !== 'uatp');
  for (let i = 0; i < 50; i++) {
    const sample = samples[i % samples.length]!;
    const pan = makePan(sample.prefix, sample.length, random);
    const amex = sample.brand === 'amex';
    const code = amex ? fourDigit.pop()! : threeDigit.pop()!;
    const mm = String(1 + Math.floor(random() * 12)).padStart(2, '0');
    const yy = String(28 + Math.floor(random() * 8));
    const groups = split(pan, usualSizes(sample.brand, sample.length));
    const discretionary = String(Math.floor(random() * 9e9) + 1e9);
    const name = `${letters(7)}/${letters(5)}`;
    const p: Planted = { pan, brand: sample.brand, codes: [code], dates: [], secrets: [] };
    switch (i % 5) {
      case 0:
        lines.push(`Card number: ${groups.join(' ')} exp ${mm}/${yy} ${amex ? 'CID' : 'CVV'} ${code}`);
        p.dates.push(`${mm}/${yy}`);
        break;
      case 1:
        lines.push(`${sample.brand} ${pan} valid thru ${mm}/${yy}, ${amex ? 'cid' : 'cvc2'}: ${code}`);
        p.dates.push(`${mm}/${yy}`);
        break;
      case 2:
        lines.push(`swipe %B${pan}^${name}^${yy}${mm}101${discretionary}? ${amex ? 'CID' : 'CVV'} ${code}`);
        p.secrets.push(`${yy}${mm}101${discretionary}`, discretionary, name, name.split('/')[0]!, name.split('/')[1]!);
        break;
      case 3:
        lines.push(`;${pan}=${yy}${mm}101${discretionary}? security code ${code}`);
        p.secrets.push(`${yy}${mm}101${discretionary}`, discretionary);
        break;
      default:
        lines.push(`Kartennummer ${groups.join('-')} Ablaufdatum ${mm}/20${yy} ${amex ? 'CID' : 'Prüfnummer'} ${code}`);
        p.dates.push(`${mm}/20${yy}`);
    }
    planted.push(p);
  }
  return { text: FILLER + lines.join('\n') + '\n', planted };
}

function count<K extends string>(keys: readonly K[]): { [key in K]?: number } {
  const out: { [key in K]?: number } = {};
  for (const key of keys) out[key] = (out[key] ?? 0) + 1;
  return out;
}

describe('no leak', () => {
  const { text, planted } = buildDocument();
  const c = counters();
  const findings: Finding[] = scan(text, { minConfidence: 'low' }, c);
  const events: ScanEvent[] = findings.map((f) => ({ ...f, path: 'share/cards.txt' }));
  const summary: ScanSummary = {
    type: 'summary',
    files: 1,
    bytes: text.length,
    skipped: 0,
    errors: 0,
    findings: findings.length,
    byConfidence: count<Confidence>(findings.map((f) => f.confidence)),
    byBrand: count<Brand>(findings.map((f) => f.brand)),
    byKind: count<FindingKind>(findings.map((f) => f.kind)),
    suppressed: c.suppressed,
    rejected: c.rejected,
    durationMs: 12,
    complete: true,
    aborted: false,
    fingerprintKey: 'option',
  };
  const outputs: Array<[string, string]> = REPORT_FORMATS.map((format) => {
    const reporter = createReporter(format);
    return [format, [...events, summary].map((e) => reporter.write(e)).join('') + reporter.end()];
  });
  outputs.push(['JSON.stringify', JSON.stringify(findings)], ['JSON.stringify events', JSON.stringify(events)]);

  it('the document is set up as the test needs it', () => {
    expect(planted).toHaveLength(50);
    expect(text.length).toBeLessThan(9000);
    expect(text.indexOf(planted[0]!.pan.slice(0, 4))).toBeGreaterThan(1000);
    expect(new Set(planted.flatMap((p) => p.codes)).size).toBe(50);
  });

  it('finds every planted PAN once', () => {
    expect(findings).toHaveLength(50);
    expect(findings.map((f) => f.fingerprint)).toEqual(planted.map((p) => hmacHex(p.pan)));
    expect(findings.filter((f) => f.kind === 'track1')).toHaveLength(10);
    expect(findings.filter((f) => f.kind === 'track2')).toHaveLength(10);
    expect(findings.filter((f) => f.cvv).length).toBeGreaterThanOrEqual(40);
    for (const f of findings) expect(f.location.offset).toBeGreaterThan(1000);
  });

  it.each(outputs)('%s: every finding is in the output (so the checks below mean something)', (_format, out) => {
    for (const f of findings) expect(out).toContain(f.masked);
  });

  it.each(outputs)('%s: no full PAN, as digits or with any separator', (_format, out) => {
    expect(leakedPans(out, planted.map((p) => p.pan))).toEqual([]);
    for (const p of planted) {
      // Nor the hidden middle digits (those between the BIN and the last four).
      expect(out).not.toContain(p.pan.slice(6, -4) + p.pan.slice(-4));
      expect(out).not.toContain(p.pan.slice(0, 6) + p.pan.slice(6, -4));
    }
  });

  it.each(outputs)('%s: no CVV value as a standalone digit group', (_format, out) => {
    for (const code of planted.flatMap((p) => p.codes)) {
      expect(out, code).not.toMatch(new RegExp(`(?<![0-9A-Za-z])${code}(?![0-9A-Za-z])`));
    }
  });

  it.each(outputs)('%s: no expiry date and no track data', (_format, out) => {
    for (const date of planted.flatMap((p) => p.dates)) expect(out, date).not.toContain(date);
    for (const secret of planted.flatMap((p) => p.secrets)) expect(out, secret).not.toContain(secret);
    expect(out).not.toMatch(/%B\d|\^[A-Z]+\/[A-Z]+\^|;\d{12,19}=/);
  });
});
