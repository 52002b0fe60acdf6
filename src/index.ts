/**
 * cardhound: finds payment-card data (PANs, expiry dates, security codes, track data) in text,
 * documents, e-mail and archives, and reports it masked, scored and explained — never in clear.
 *
 * ```ts
 * import { scanText, scanFile, scan } from 'cardhound';
 * ```
 *
 * @packageDocumentation
 */
import { scanText } from './core/index.js';
import { resolveSettings } from './options.js';
import { scanBuffer, scanFile, scanStream } from './scanner.js';
import type { Finding, FileReport, InputMeta, ScanEvent, ScanOptions } from './types.js';
import { scan } from './walk/scan.js';

export { scanText } from './core/index.js';
export { scanBuffer, scanFile, scanStream } from './scanner.js';
export { scan } from './walk/scan.js';
export { createReporter, REPORT_FORMATS, type ReportFormat, type Reporter, type ReporterOptions } from './report/index.js';
export { OptionsError, DEFAULT_LIMITS, DEFAULT_WINDOW_BEFORE, DEFAULT_WINDOW_AFTER } from './options.js';
export { luhnValid, brandOf, isTestCard } from './core/index.js';
export type * from './types.js';

/** A scanner with options bound once: the same functions as the module, minus the options argument. */
export interface Scanner {
  scanText(text: string): Finding[];
  scanBuffer(bytes: Uint8Array, meta?: InputMeta): Promise<FileReport>;
  scanFile(path: string): Promise<FileReport>;
  scanStream(stream: Parameters<typeof scanStream>[0], meta?: InputMeta): Promise<FileReport>;
  scan(pathsOrGlobs: string | string[]): AsyncIterable<ScanEvent>;
}

/**
 * Validates `options` once (throws `OptionsError` if they are wrong) and returns scan functions
 * bound to them — the convenient form for a service that checks every upload the same way.
 *
 * @example
 * ```ts
 * const scanner = createScanner({ minConfidence: 'medium', fingerprintKey: process.env.KEY });
 * const report = await scanner.scanBuffer(upload, { filename: 'statement.pdf' });
 * if (report.findings.length > 0) reject();
 * ```
 */
export function createScanner(options: ScanOptions = {}): Scanner {
  resolveSettings(options);
  return Object.freeze({
    scanText: (text: string) => scanText(text, options),
    scanBuffer: (bytes: Uint8Array, meta?: InputMeta) => scanBuffer(bytes, meta, options),
    scanFile: (path: string) => scanFile(path, options),
    scanStream: (stream: Parameters<typeof scanStream>[0], meta?: InputMeta) => scanStream(stream, meta, options),
    scan: (pathsOrGlobs: string | string[]) => scan(pathsOrGlobs, options),
  });
}
