/**
 * Worker-thread entry that runs risky extractors (pdf.js, SheetJS) on bytes and posts their
 * items back, one job at a time. See `isolate.ts`: the main thread terminates this worker on
 * timeout or abort, and an out-of-memory here ends this thread, not the caller's process.
 */
import { parentPort } from 'node:worker_threads';
import { describeError } from '../errors.js';
import { getExtractor } from './registry.js';
import type { IsolatedJob, IsolatedMessage } from './isolate.js';

const post = (message: IsolatedMessage) => parentPort!.postMessage(message);

// Parsers print diagnostics that can quote the document; nothing here may reach a console.
for (const name of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) console[name] = () => {};

async function run(job: IsolatedJob): Promise<void> {
  try {
    const extractor = await getExtractor(job.format);
    for await (const item of extractor.extract(job.bytes, job.ctx)) {
      // Only plain data crosses the thread boundary (a `locate` function would not).
      if ('text' in item) {
        const { locate: _locate, ...segment } = item;
        post({ item: segment });
      } else post({ item });
    }
    post({ done: true });
  } catch (error) {
    post({ error: describeError(error) });
  }
}

parentPort!.on('message', (job: IsolatedJob) => void run(job));
