/**
 * Card-bearing file contents for walk, scan and CLI tests: deterministic Luhn-valid numbers
 * (never real cards) with a keyword and an expiry, so each is a `high` finding.
 */
import type { ScanEvent, ScanErrorRecord, ScanSummary, Finding } from '../../src/types.js';
import { INLINE_MAX_BYTES } from '../../src/walk/scan.js';
import { BRAND_SAMPLES, group, makePans } from '../support/cards.js';

/**
 * Content for the test-hook files (`__cardhound_hang__`, `__cardhound_oom__`): the hooks live in
 * the worker, and only files over the main-thread limit are sure to be parsed there.
 */
export const WORKER_SIZED = 'x'.repeat(INLINE_MAX_BYTES + 1);

/** 16-digit samples only: they print as 4-4-4-4. */
const SIXTEEN = BRAND_SAMPLES.filter((sample) => sample.length === 16 && ['visa', 'mastercard', 'discover'].includes(sample.brand));

/** `count` distinct 16-digit PANs for `seed`. */
export function pans(count: number, seed = 11): string[] {
  return makePans(count, seed, SIXTEEN);
}

/** One line a person would type into a note, with the PAN grouped. */
export function cardLine(pan: string): string {
  return `Customer card number: ${group(pan, [4, 4, 4, 4])} exp 12/29\n`;
}

/** The masked form the detector reports for a 16-digit PAN with the default mask. */
export function masked(pan: string): string {
  return `${pan.slice(0, 6)}******${pan.slice(-4)}`;
}

/** Everything a scan yielded, split by type. */
export interface Collected {
  readonly findings: Finding[];
  readonly errors: ScanErrorRecord[];
  readonly progress: ScanEvent[];
  readonly summary: ScanSummary;
  readonly order: string[];
}

/** Drains an event stream; fails if there is not exactly one summary, last. */
export async function collect(events: AsyncIterable<ScanEvent>): Promise<Collected> {
  const findings: Finding[] = [];
  const errors: ScanErrorRecord[] = [];
  const progress: ScanEvent[] = [];
  const order: string[] = [];
  let summary: ScanSummary | undefined;
  for await (const event of events) {
    if (summary) throw new Error('event after the summary');
    order.push(event.type);
    if (event.type === 'finding') findings.push(event);
    else if (event.type === 'error') errors.push(event);
    else if (event.type === 'progress') progress.push(event);
    else summary = event;
  }
  if (!summary) throw new Error('no summary');
  return { findings, errors, progress, summary, order };
}
