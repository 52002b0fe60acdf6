/**
 * The pure detector: text in, masked findings out. No I/O and no `node:*` import, so it runs
 * in a browser or a worker as well as in Node. `import { scanText } from 'cardhound/core'`.
 *
 * @packageDocumentation
 */
import { resolveSettings } from '../options.js';
import type { Finding, Location, ScanOptions } from '../types.js';
import { detect, type DetectCounters } from './detect.js';
import { LineIndex, toFinding } from './finding.js';

export { luhnValid } from './luhn.js';
export { brandOf, IIN_RANGES } from './iin.js';
export { isTestCard, TEST_CARD_NUMBERS } from './test-cards.js';
export { KEYWORD_LISTS } from './context.js';
export { detect, type Detection, type DetectCounters, type DetectInput } from './detect.js';
export { SCORE, HIGH, MEDIUM, confidenceOf } from './score.js';
export { LineIndex, locateInSegment, toFinding } from './finding.js';
export { resolveSettings, OptionsError, DEFAULT_LIMITS, DEFAULT_WINDOW_AFTER, DEFAULT_WINDOW_BEFORE } from '../options.js';
export type * from '../types.js';

/**
 * Scans a string and returns masked findings at or above `options.minConfidence`
 * (default `medium`). Synchronous and pure; never throws for any input text.
 * Throws `OptionsError` for invalid options only.
 *
 * @example
 * ```ts
 * const findings = scanText('Card: 4111 1111 1111 1111 exp 08/27', { minConfidence: 'low', includeTestCards: true });
 * findings[0].masked; // '411111******1111'
 * ```
 */
export function scanText(text: string, options?: ScanOptions, counters?: DetectCounters): Finding[] {
  const settings = resolveSettings(options);
  const lines = new LineIndex(text);
  const findings: Finding[] = [];
  const locate = (offset: number): Location => {
    const { line, column } = lines.at(offset);
    return { line, column, offset };
  };
  for (const d of detect({ text }, settings, counters)) {
    findings.push(toFinding(d, locate));
  }
  return findings;
}
