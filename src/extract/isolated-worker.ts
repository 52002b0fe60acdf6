/**
 * Worker-thread entry that runs one risky extractor (pdf.js, SheetJS) on bytes and posts its
 * items back. See `isolate.ts`: the main thread terminates this worker on timeout or abort,
 * and an out-of-memory here ends this thread, not the caller's process.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { describeError } from '../errors.js';
import { getExtractor } from './registry.js';
import type { IsolatedJob, IsolatedMessage } from './isolate.js';

const job = workerData as IsolatedJob;
const post = (message: IsolatedMessage) => parentPort!.postMessage(message);

async function main(): Promise<void> {
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

void main();
