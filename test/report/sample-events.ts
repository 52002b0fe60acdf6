/**
 * One hand-built event stream shared by the reporter tests and golden files. Card numbers are
 * masked only; fingerprints are fixed hex strings. The paths are the hostile ones a file share
 * can hold: commas, quotes, newlines, leading formula characters, spaces, unicode, `#` and `%`.
 */
import type { CompanionRef, Finding, Location, ScanErrorRecord, ScanEvent, ScanProgress, ScanSummary } from '../../src/types.js';

/** A 64-hex-digit fingerprint with no long digit run (so "no full PAN" checks stay meaningful). */
export function fingerprint(tag: string): string {
  return `${tag}c0ffee`.repeat(8).slice(0, 64);
}

/** A finding with plausible defaults; tests override what they care about. */
export function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    type: 'finding',
    path: 'share/payments.txt',
    location: { line: 4, column: 17, offset: 83 },
    kind: 'pan',
    brand: 'visa',
    masked: '411111******1111',
    bin: '411111',
    last4: '1111',
    length: 16,
    confidence: 'high',
    score: 0.93,
    reasons: ['luhn', 'brand:visa', 'keyword:card@-12'],
    testCard: false,
    fingerprint: fingerprint('a1'),
    ...overrides,
  };
}

export function error(overrides: Partial<ScanErrorRecord> = {}): ScanErrorRecord {
  return { type: 'error', path: 'share/secret.zip', code: 'encrypted', message: 'archive is password-protected', ...overrides };
}

export function summary(overrides: Partial<ScanSummary> = {}): ScanSummary {
  return {
    type: 'summary',
    files: 9,
    bytes: 3_565_123,
    skipped: 2,
    errors: 3,
    findings: 10,
    byConfidence: { high: 3, medium: 4, low: 3 },
    byBrand: { visa: 5, mastercard: 2, amex: 1, discover: 1, jcb: 1 },
    byKind: { pan: 8, track2: 1, track1: 1 },
    suppressed: 4,
    rejected: 12,
    durationMs: 1234,
    complete: false,
    aborted: false,
    fingerprintKey: 'env',
    ...overrides,
  };
}

export const progress: ScanProgress = { type: 'progress', files: 3, bytes: 1024, findings: 2, errors: 0, rate: 2048, current: 'share/payments.txt' };

export const SAMPLE_EVENTS: readonly ScanEvent[] = [
  finding({
    location: { line: 4, column: 17, offset: 83 },
    reasons: ['luhn', 'brand:visa', 'keyword:card@-12', 'expiry@+20', 'cvv@+31'],
    expiry: { present: true, location: { line: 4, column: 37, offset: 103 } },
    cvv: { present: true, location: { line: 4, column: 48, offset: 114 } },
  }),
  finding({
    location: { line: 9, column: 1, offset: 240 },
    kind: 'track2',
    brand: 'mastercard',
    masked: '542418******0022',
    bin: '542418',
    last4: '0022',
    confidence: 'medium',
    score: 0.71,
    reasons: ['luhn', 'brand:mastercard', 'track2'],
    fingerprint: fingerprint('b2'),
  }),
  progress,
  finding({
    path: 'reports/Q3 "final", v2.xlsx',
    location: { sheet: "Card data (Bob's)", cell: 'C12', row: 12 },
    brand: 'amex',
    masked: '378282*****0005',
    bin: '378282',
    last4: '0005',
    length: 15,
    confidence: 'low',
    score: 0.35,
    reasons: ['luhn', 'brand:amex', 'test_card', 'field:card_number'],
    testCard: true,
    fingerprint: fingerprint('c3'),
  }),
  finding({
    path: "=cmd|' /C calc'!A0.csv",
    location: { row: 2, line: 2, column: 7, offset: 30 },
    brand: 'discover',
    masked: '601100******9424',
    bin: '601100',
    last4: '9424',
    confidence: 'medium',
    score: 0.62,
    reasons: ['luhn', 'brand:discover', 'format:4-4-4-4'],
    fingerprint: fingerprint('d4'),
  }),
  finding({
    path: 'backup.zip',
    location: { entry: 'docs/letter.pdf', page: 2, offset: 120 },
    kind: 'track1',
    brand: 'jcb',
    masked: '353011******0000',
    bin: '353011',
    last4: '0000',
    confidence: 'high',
    score: 0.97,
    reasons: ['luhn', 'brand:jcb', 'track1'],
    fingerprint: fingerprint('e5'),
  }),
  finding({
    path: 'notes\nsecond line.txt',
    location: { line: 1, column: 1, offset: 0 },
    confidence: 'medium',
    score: 0.6,
    fingerprint: fingerprint('f6'),
  }),
  finding({
    path: 'Zahlungen März €/100% #1?.txt',
    location: { line: 12, column: 3, offset: 402 },
    confidence: 'high',
    score: 0.88,
    fingerprint: fingerprint('a7'),
  }),
  finding({ path: '-', location: { line: 3, column: 9, offset: 41 }, confidence: 'medium', score: 0.66, fingerprint: fingerprint('b8') }),
  error({ path: 'share/secret.zip' }),
  error({
    path: '@evil,"x".docx',
    location: { entry: 'word/document.xml' },
    code: 'corrupt',
    message: 'could not parse file (ZipError)',
  }),
  error({ path: '-rf share.pdf', code: 'permission_denied', message: 'permission denied' }),
  summary(),
];

/** Findings as `scanText` returns them: no path. */
export const TEXT_FINDING: Finding = (() => {
  const { path: _path, ...rest } = finding({ location: { line: 1, column: 5, offset: 4 } });
  return rest;
})();

/**
 * A finding object carrying more at run time than the contract allows, as a bug elsewhere could
 * make it: reporters must copy contract fields only. The number is a published test number.
 */
export function overfedFinding(): Finding {
  return {
    ...finding({ location: { line: 1, column: 1, text: 'card 4111111111111111' } as Location }),
    expiry: { present: true, location: { line: 1, column: 30 }, value: '12/29' } as CompanionRef,
    pan: '4111111111111111',
    snippet: 'card 4111111111111111',
    cvvValue: '123',
  } as Finding;
}
