/**
 * `json` format: one pretty-printed document `{ version, findings, errors, summary }` written at
 * the end. Also home of the record projections shared with `ndjson`.
 */
import { redactDigitRuns } from '../core/mask.js';
import type { CompanionRef, Finding, Location, ScanErrorRecord, ScanEvent, ScanSummary } from '../types.js';
import type { Reporter } from './index.js';

/**
 * A label that comes from the data (a file path, an archive entry, a sheet name) as it may be
 * printed: digit runs long enough to be a card number keep at most the BIN and the last four.
 * The scanner masks what it names itself, but records can reach a reporter by other ways (the
 * walker's display paths, sheet names from a workbook, events built by a caller), so every
 * reporter masks again: a report must never be where a full PAN turns up.
 */
export function safeLabel<T extends string | undefined>(label: T): T {
  return (label === undefined ? label : redactDigitRuns(label)) as T;
}

/** Version of the JSON document layout; bumped when a field changes meaning or goes away. */
export const JSON_REPORT_VERSION = 1;

// The projections below copy contract fields by name, in a fixed order, instead of passing the
// event object through. Output then holds only what the contract allows, even if an object
// at run time carries more, and key order does not depend on how the scanner built it.

/** A location with its contract fields only, in a fixed order. */
export function locationRecord(location: Location): Location {
  const { entry, page, sheet, cell, row, line, column, offset } = location;
  return { entry: safeLabel(entry), page, sheet: safeLabel(sheet), cell, row, line, column, offset };
}

function companionRecord(ref: CompanionRef | undefined): CompanionRef | undefined {
  return ref && { present: true, location: locationRecord(ref.location) };
}

/** A finding as it appears in `json` and `ndjson` output: contract fields only, fixed key order. */
export function findingRecord(finding: Finding): Finding {
  return {
    type: 'finding',
    path: safeLabel(finding.path),
    location: locationRecord(finding.location),
    kind: finding.kind,
    brand: finding.brand,
    masked: finding.masked,
    bin: finding.bin,
    last4: finding.last4,
    length: finding.length,
    confidence: finding.confidence,
    score: finding.score,
    reasons: [...finding.reasons],
    expiry: companionRecord(finding.expiry),
    cvv: companionRecord(finding.cvv),
    testCard: finding.testCard,
    fingerprint: finding.fingerprint,
  };
}

/** An error record as it appears in `json` and `ndjson` output. */
export function errorRecord(error: ScanErrorRecord): ScanErrorRecord {
  return {
    type: 'error',
    path: safeLabel(error.path),
    location: error.location && locationRecord(error.location),
    code: error.code,
    message: error.message,
  };
}

/** The summary as it appears in `json`, `ndjson` and SARIF output. */
export function summaryRecord(summary: ScanSummary): ScanSummary {
  return {
    type: 'summary',
    files: summary.files,
    bytes: summary.bytes,
    skipped: summary.skipped,
    errors: summary.errors,
    findings: summary.findings,
    byConfidence: { ...summary.byConfidence },
    byBrand: { ...summary.byBrand },
    byKind: { ...summary.byKind },
    suppressed: summary.suppressed,
    rejected: summary.rejected,
    durationMs: summary.durationMs,
    complete: summary.complete,
    aborted: summary.aborted,
    fingerprintKey: summary.fingerprintKey,
  };
}

/**
 * `json` reporter. Buffers everything and writes one document at the end; `summary` is `null`
 * when the stream had none (e.g. findings from `scanText`). Progress events are ignored.
 */
export function createJsonReporter(): Reporter {
  const findings: Finding[] = [];
  const errors: ScanErrorRecord[] = [];
  let summary: ScanSummary | null = null;
  return {
    write(event: ScanEvent): string {
      if (event.type === 'finding') findings.push(findingRecord(event));
      else if (event.type === 'error') errors.push(errorRecord(event));
      else if (event.type === 'summary') summary = summaryRecord(event);
      return '';
    },
    end(): string {
      return `${JSON.stringify({ version: JSON_REPORT_VERSION, findings, errors, summary }, null, 2)}\n`;
    },
  };
}
