/**
 * `ndjson` format: every finding, error and summary as one JSON line, written as it arrives,
 * so a consumer can act on findings before a long scan ends and memory stays flat.
 */
import type { ScanEvent } from '../types.js';
import type { Reporter } from './index.js';
import { errorRecord, findingRecord, summaryRecord } from './json.js';

/** `ndjson` reporter: one line per finding / error / summary; progress events are ignored. */
export function createNdjsonReporter(): Reporter {
  return {
    write(event: ScanEvent): string {
      switch (event.type) {
        case 'finding':
          return `${JSON.stringify(findingRecord(event))}\n`;
        case 'error':
          return `${JSON.stringify(errorRecord(event))}\n`;
        case 'summary':
          return `${JSON.stringify(summaryRecord(event))}\n`;
        case 'progress':
          return '';
      }
    },
    end(): string {
      return '';
    },
  };
}
