/**
 * `text` format: for people at a terminal. Findings grouped under a header line per file
 * (the scanner delivers one file's findings together, so this streams), error lines, and a
 * summary block at the end.
 */
import type { Confidence, Counts, Finding, FindingKind, Location, ScanErrorRecord, ScanEvent, ScanSummary } from '../types.js';
import type { Reporter, ReporterOptions } from './index.js';
import { safeLabel } from './json.js';

// File names and messages may hold control characters (a newline that forges a line, an ESC
// sequence that repaints the terminal) or bidi overrides that make a name read as another.
// They are shown as `\u{…}` escapes instead.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function safe(text: string): string {
  return text.replace(UNSAFE, (ch) => `\\u{${ch.charCodeAt(0).toString(16)}}`);
}

function displayPath(path: string | undefined): string {
  if (path === undefined) return '<text>';
  if (path === '-') return '<stdin>';
  return safe(safeLabel(path));
}

/** Excel's own notation: a sheet name other than letters, digits, `_` and `.` is quoted, `'` doubled. */
function sheetName(name: string): string {
  return /^[\p{L}\p{N}_.]+$/u.test(name) ? name : `'${name.replace(/'/g, "''")}'`;
}

/** A location as one short string: `entry page N Sheet!C12 line:column`, parts as known; `-` when none is. */
export function formatLocation(location: Location): string {
  const { page, cell, row, line, column, offset } = location;
  // Entry and sheet names come from the data: long digit runs are masked.
  const entry = safeLabel(location.entry);
  const sheet = safeLabel(location.sheet);
  const parts: string[] = [];
  if (entry !== undefined) parts.push(entry);
  if (page !== undefined) parts.push(`page ${page}`);
  if (sheet !== undefined && cell !== undefined) parts.push(`${sheetName(sheet)}!${cell}`);
  else if (sheet !== undefined) parts.push(sheetName(sheet));
  else if (cell !== undefined) parts.push(cell);
  // A record number says less than a cell or a line, so it is shown only without them.
  if (row !== undefined && cell === undefined && line === undefined) parts.push(`row ${row}`);
  if (line !== undefined) parts.push(column !== undefined ? `${line}:${column}` : `line ${line}`);
  else if (offset !== undefined) parts.push(`offset ${offset}`);
  return parts.length > 0 ? safe(parts.join(' ')) : '-';
}

const CONFIDENCES: readonly Confidence[] = ['high', 'medium', 'low'];
const KINDS: readonly FindingKind[] = ['pan', 'track1', 'track2'];

function formatCounts<K extends string>(counts: Counts<K>, keys: readonly K[]): string {
  return keys.map((key) => `${key} ${counts[key] ?? 0}`).join(', ');
}

/** Keys with a non-zero count, most frequent first. */
function byFrequency<K extends string>(counts: Counts<K>): K[] {
  return (Object.keys(counts) as K[])
    .filter((key) => (counts[key] ?? 0) > 0)
    .sort((a, b) => (counts[b] ?? 0) - (counts[a] ?? 0) || a.localeCompare(b));
}

function formatBytes(bytes: number): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = -1;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit < 0 ? String(bytes) : `${bytes} (${value.toFixed(1)} ${units[unit]})`;
}

function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

type Paint = (style: keyof typeof SGR, text: string) => string;
const SGR = { bold: '1', dim: '2', red: '31', green: '32', yellow: '33', boldRed: '1;31' } as const;
const CONFIDENCE_STYLE: { readonly [C in Confidence]: keyof typeof SGR } = { high: 'boldRed', medium: 'yellow', low: 'dim' };

function findingLine(finding: Finding, paint: Paint): string {
  const markers = [finding.expiry && 'expiry', finding.cvv && 'cvv', finding.testCard && 'test-card'].filter(Boolean);
  const confidence = paint(CONFIDENCE_STYLE[finding.confidence], finding.confidence.padEnd(6));
  return (
    `  ${formatLocation(finding.location).padEnd(12)}  ${finding.kind.padEnd(6)}  ${finding.brand.padEnd(10)}  ` +
    `${finding.masked.padEnd(19)}  ${confidence} ${finding.score.toFixed(2)}` +
    (markers.length > 0 ? `  ${markers.join(' ')}` : '') +
    '\n'
  );
}

function errorLine(error: ScanErrorRecord, paint: Paint): string {
  const where = error.location ? ` (${formatLocation(error.location)})` : '';
  return `${displayPath(error.path)}${where}: ${paint('red', `error ${error.code}`)}: ${safe(error.message)}\n`;
}

function summaryBlock(summary: ScanSummary, paint: Paint): string {
  const rows: Array<[string, string]> = [
    ['files', String(summary.files)],
    ['bytes', formatBytes(summary.bytes)],
    ['findings', `${summary.findings} (${formatCounts(summary.byConfidence, CONFIDENCES)})`],
  ];
  const brands = byFrequency(summary.byBrand);
  if (brands.length > 0) rows.push(['brands', formatCounts(summary.byBrand, brands)]);
  const kinds = KINDS.filter((kind) => (summary.byKind[kind] ?? 0) > 0);
  if (kinds.length > 0) rows.push(['kinds', formatCounts(summary.byKind, kinds)]);
  rows.push(
    ['held back', `${summary.suppressed} below threshold or allowed, ${summary.rejected} failed Luhn`],
    ['errors', summary.errors > 0 ? paint('red', String(summary.errors)) : '0'],
    ['skipped', String(summary.skipped)],
    ['duration', formatDuration(summary.durationMs)],
  );
  if (summary.aborted) rows.push(['status', paint('boldRed', 'INCOMPLETE (aborted)')]);
  else if (!summary.complete) rows.push(['status', paint('boldRed', 'INCOMPLETE (some input could not be read)')]);
  else rows.push(['status', paint('green', 'complete')]);
  if (summary.fingerprintKey === 'random') {
    rows.push(['note', 'fingerprints are not comparable across runs (random key): set CARDHOUND_FINGERPRINT_KEY']);
  }
  return `${paint('bold', 'Summary')}\n${rows.map(([label, value]) => `  ${`${label}:`.padEnd(11)} ${value}\n`).join('')}`;
}

/** `text` reporter. ANSI colours only with `color: true`; progress events are ignored. */
export function createTextReporter(options: ReporterOptions = {}): Reporter {
  const paint: Paint = options.color ? (style, text) => `\u001b[${SGR[style]}m${text}\u001b[0m` : (_style, text) => text;
  // What was written last decides the blank lines: a header follows anything after a blank
  // line, an error line follows a group after one, so it is not read as part of that group.
  let last: 'nothing' | 'group' | 'error' | 'summary' = 'nothing';
  let groupPath: string | undefined;
  return {
    write(event: ScanEvent): string {
      switch (event.type) {
        case 'finding': {
          let out = '';
          if (last !== 'group' || groupPath !== event.path) {
            out = `${last === 'nothing' ? '' : '\n'}${paint('bold', displayPath(event.path))}\n`;
            groupPath = event.path;
          }
          last = 'group';
          return out + findingLine(event, paint);
        }
        case 'error': {
          const out = `${last === 'group' || last === 'summary' ? '\n' : ''}${errorLine(event, paint)}`;
          last = 'error';
          return out;
        }
        case 'summary': {
          const out = `${last === 'nothing' ? '' : '\n'}${summaryBlock(event, paint)}`;
          last = 'summary';
          return out;
        }
        case 'progress':
          return '';
      }
    },
    end(): string {
      return '';
    },
  };
}
