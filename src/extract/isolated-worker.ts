/**
 * Worker-thread entry that runs risky extractors (pdf.js, SheetJS) on bytes and posts their
 * items back, one job at a time. See `isolate.ts`: the main thread terminates this worker on
 * timeout or abort, and an out-of-memory here ends this thread, not the caller's process.
 */
import { parentPort } from 'node:worker_threads';
import { describeError } from '../errors.js';
import { restorePrototypes } from './intrinsics.js';
import { getExtractor } from './registry.js';
import type { ExtractItem } from '../types.js';
import { collectPicks, withRestoredPans } from '../core/detect.js';
import type { IsolatedJob, IsolatedMessage, SievedText } from './isolate.js';

const post = (message: IsolatedMessage) => parentPort!.postMessage(message);

// Parsers print diagnostics that can quote the document; nothing here may reach a console.
for (const name of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) console[name] = () => {};

/**
 * Items travel in batches: one message per item cost more than the parse itself on a workbook
 * of small rows. A batch is sent when it is big or old, so the caller keeps what was found
 * before a parser hangs and is terminated.
 */
const BATCH_ITEMS = 256;
const BATCH_CHARS = 1 << 20;
const BATCH_MS = 50;

async function run(job: IsolatedJob): Promise<void> {
  const sieved: SievedText = { segments: 0, chars: 0, rejected: 0, suppressed: 0 };
  let batch: ExtractItem[] = [];
  let chars = 0;
  let since = performance.now();
  const flush = () => {
    if (batch.length > 0) post({ items: batch });
    batch = [];
    chars = 0;
    since = performance.now();
  };
  // A job before this one may have polluted them (this worker serves up to 100 jobs).
  restorePrototypes();
  try {
    const extractor = await getExtractor(job.format);
    for await (const item of extractor.extract(job.bytes, job.ctx)) {
      // Only plain data crosses the thread boundary (a `locate` function would not).
      if ('text' in item) {
        // A text with no number worth scoring yields no finding wherever it is detected: it
        // need not cross the thread (most rows of a workbook). Only its counts do.
        if (job.sieve) {
          const counts = { rejected: 0, suppressed: 0 };
          if (withRestoredPans(item, collectPicks(item.text, 0, item.text.length, job.sieve, counts), job.sieve).length === 0) {
            sieved.segments++;
            sieved.chars += item.text.length;
            sieved.rejected += counts.rejected;
            sieved.suppressed += counts.suppressed;
            continue;
          }
        }
        const { locate: _locate, ...segment } = item;
        batch.push(segment);
        chars += segment.text.length;
      } else {
        batch.push(item);
        if (item.kind === 'nested') chars += item.bytes.length;
      }
      if (batch.length >= BATCH_ITEMS || chars >= BATCH_CHARS || performance.now() - since >= BATCH_MS) flush();
    }
    flush();
    post({ done: true, sieved });
  } catch (error) {
    flush();
    post({ error: describeError(error), sieved });
  }
}

parentPort!.on('message', (job: IsolatedJob) => void run(job));
