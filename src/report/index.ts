/**
 * Reporters: the last stage of the pipeline. Each one turns the {@link ScanEvent} stream into
 * one output format and nothing else: no I/O, no clock, no access to the scanner or the
 * detector. They see masked findings only, and must never add file text (no snippets).
 *
 * Reporters return strings so that the caller (the CLI) decides where output goes.
 * `text`, `ndjson` and `csv` stream; `json` and `sarif` are single documents and buffer.
 *
 * @packageDocumentation
 */
import type { ScanEvent } from '../types.js';
import { createCsvReporter } from './csv.js';
import { createJsonReporter } from './json.js';
import { createNdjsonReporter } from './ndjson.js';
import { createSarifReporter } from './sarif.js';
import { createTextReporter } from './text.js';

export type ReportFormat = 'text' | 'json' | 'ndjson' | 'csv' | 'sarif';

export interface ReporterOptions {
  /** ANSI colours in `text` output. Default false. */
  color?: boolean;
  /** Version of cardhound, written into SARIF `tool.driver.version`. */
  toolVersion?: string;
  /** Base for relative SARIF URIs: paths under it are written relative to it. */
  root?: string;
}

export interface Reporter {
  /** Called once per event as it arrives; returns text to write now ('' when it buffers). */
  write(event: ScanEvent): string;
  /** Called once at the end; returns whatever remains to write. */
  end(): string;
}

const REPORTERS: { readonly [F in ReportFormat]: (options: ReporterOptions) => Reporter } = {
  text: createTextReporter,
  json: createJsonReporter,
  ndjson: createNdjsonReporter,
  csv: createCsvReporter,
  sarif: createSarifReporter,
};

/** Every format {@link createReporter} accepts, for `--help` and argument checking. */
export const REPORT_FORMATS: readonly ReportFormat[] = Object.freeze(Object.keys(REPORTERS) as ReportFormat[]);

/**
 * A fresh reporter for one scan. Throws a `TypeError` for an unknown format: the name usually
 * comes from the command line, and a bad one is a usage error.
 */
export function createReporter(format: ReportFormat, options: ReporterOptions = {}): Reporter {
  // `hasOwn`, not `in`: a format named `toString` must not reach Object.prototype.
  if (!Object.hasOwn(REPORTERS, format)) {
    throw new TypeError(`unknown report format "${String(format)}" (expected one of: ${REPORT_FORMATS.join(', ')})`);
  }
  return REPORTERS[format](options);
}
