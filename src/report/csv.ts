/**
 * `csv` format: RFC 4180 (CRLF line ends, fields quoted when they hold `"`, `,`, CR or LF,
 * quotes doubled), a header row, then one row per finding and one per error, streamed.
 *
 * The summary is not written: it does not fit the row shape. Whether a scan was complete is
 * told by the exit status (3 = incomplete) and by the other formats.
 */
import type { Finding, ScanErrorRecord, ScanEvent } from '../types.js';
import type { Reporter } from './index.js';
import { locationRecord, safeLabel } from './json.js';

/** Column names in order. Finding rows leave the error columns empty, and the other way round. */
export const CSV_COLUMNS = [
  'type',
  'path',
  'entry',
  'page',
  'sheet',
  'cell',
  'row',
  'line',
  'column',
  'offset',
  'kind',
  'brand',
  'masked',
  'bin',
  'last4',
  'length',
  'confidence',
  'score',
  'expiry',
  'cvv',
  'testCard',
  'fingerprint',
  'reasons',
  'errorCode',
  'errorMessage',
] as const;

type Column = (typeof CSV_COLUMNS)[number];
type Row = { readonly [C in Column]?: string | number | boolean };

// Spreadsheets run a cell that starts with one of these as a formula, and paths and messages
// come from file names an attacker may choose. A leading `'` makes the cell text
// (OWASP "CSV Injection").
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

function cell(value: string | number | boolean | undefined): string {
  if (value === undefined) return '';
  let text = String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function line(row: Row): string {
  return `${CSV_COLUMNS.map((column) => cell(row[column])).join(',')}\r\n`;
}

function findingRow(finding: Finding): Row {
  return {
    type: 'finding',
    path: safeLabel(finding.path),
    ...locationRecord(finding.location),
    kind: finding.kind,
    brand: finding.brand,
    masked: finding.masked,
    bin: finding.bin,
    last4: finding.last4,
    length: finding.length,
    confidence: finding.confidence,
    score: finding.score,
    expiry: finding.expiry !== undefined,
    cvv: finding.cvv !== undefined,
    testCard: finding.testCard,
    fingerprint: finding.fingerprint,
    reasons: finding.reasons.join(' '),
  };
}

function errorRow(error: ScanErrorRecord): Row {
  return {
    type: 'error',
    path: safeLabel(error.path),
    ...(error.location && locationRecord(error.location)),
    errorCode: error.code,
    errorMessage: error.message,
  };
}

/**
 * `csv` reporter. The header row comes with the first row written, or from `end()` when there
 * was none, so an empty scan still yields a file with its columns.
 */
export function createCsvReporter(): Reporter {
  let headerWritten = false;
  const header = (): string => {
    if (headerWritten) return '';
    headerWritten = true;
    return `${CSV_COLUMNS.join(',')}\r\n`;
  };
  return {
    write(event: ScanEvent): string {
      if (event.type === 'finding') return header() + line(findingRow(event));
      if (event.type === 'error') return header() + line(errorRow(event));
      return '';
    },
    end(): string {
      return header();
    },
  };
}
