/** Shared helpers for reporter tests: run events through a reporter, golden files, PAN checks. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';
import { createReporter, type ReportFormat, type ReporterOptions } from '../../src/report/index.js';
import type { ScanEvent } from '../../src/types.js';

/** Everything a reporter writes for `events`, in order, including `end()`. */
export function render(format: ReportFormat, events: readonly ScanEvent[], options?: ReporterOptions): string {
  const reporter = createReporter(format, options);
  return events.map((event) => reporter.write(event)).join('') + reporter.end();
}

const GOLDEN_DIR = new URL('./golden/', import.meta.url);

/** Compares with `test/report/golden/<name>`; `UPDATE_GOLDEN=1` rewrites the file instead. */
export function expectGolden(name: string, actual: string): void {
  const file = new URL(name, GOLDEN_DIR);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(GOLDEN_DIR, { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

/** No digit run a full PAN could hide in: 12+ digits in a row, or four-digit groups with separators. */
export function expectNoFullPan(output: string): void {
  expect(output).not.toMatch(/\d{12,}/);
  expect(output).not.toMatch(/(^|[^0-9])[0-9]{4}[ -]?[0-9]{4}[ -]?[0-9]{4}[ -]?[0-9]{1,7}([^0-9]|$)/m);
}
