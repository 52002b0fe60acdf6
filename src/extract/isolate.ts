import { Worker } from 'node:worker_threads';
import { ExtractError } from '../errors.js';
import type { ErrorCode, ExtractItem } from '../types.js';
import { resolveWorkerFile } from '../worker-file.js';
import type { ExtractContext, FormatId } from './types.js';

/**
 * Formats whose parser is a third-party library with a record of hangs, unbounded allocation
 * or prototype pollution on crafted input (pdf.js; SheetJS 0.18.5, CVE-2023-30533 and
 * CVE-2024-22363). On the main thread they run in a worker of their own, so that `scanBuffer`
 * and `scanFile` called by an application get the same protection as `scan()`'s pool: a time
 * limit that is enforced (the worker is terminated), a heap limit, and no shared prototypes.
 */
export const ISOLATED_FORMATS: ReadonlySet<FormatId> = new Set<FormatId>(['pdf', 'xlsx', 'xlsb', 'xls', 'ods']);

/** Heap of an isolated parser, MB: generous for real workbooks, finite for bombs. */
const HEAP_MB = 1024;

/** What the worker gets: the signal stays here (it cannot cross threads). */
export interface IsolatedJob {
  readonly format: FormatId;
  readonly bytes: Uint8Array;
  readonly ctx: Omit<ExtractContext, 'signal'>;
}

export type IsolatedMessage = { item: ExtractItem } | { done: true } | { error: { code: ErrorCode; message: string } };

/**
 * Runs the extractor of `format` in a fresh worker and yields its items. `ctx.signal` (the
 * caller's abort or the scanner's time limit) terminates the worker at once, even inside a
 * synchronous parser loop; running out of heap becomes `memory_limit`.
 */
export async function* extractIsolated(format: FormatId, bytes: Uint8Array, ctx: ExtractContext): AsyncGenerator<ExtractItem> {
  const { signal, ...plain } = ctx;
  if (signal?.aborted) throw new ExtractError('aborted', 'scan aborted');
  const job: IsolatedJob = { format, bytes, ctx: plain };
  const worker = new Worker(resolveWorkerFile('extract-worker'), {
    workerData: job,
    resourceLimits: { maxOldGenerationSizeMb: HEAP_MB },
    // Parsers' diagnostics can quote the document: none of it reaches the caller's console.
    stdout: true,
    stderr: true,
  });
  worker.stdout.resume();
  worker.stderr.resume();

  const queue: IsolatedMessage[] = [];
  let failure: ExtractError | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  worker.on('message', (message: IsolatedMessage) => {
    queue.push(message);
    notify();
  });
  worker.on('error', (error: Error & { code?: string }) => {
    failure ??=
      error.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? new ExtractError('memory_limit', 'parser ran out of memory')
        : new ExtractError('internal', 'parser worker failed on this file');
    notify();
  });
  worker.on('exit', () => {
    failure ??= new ExtractError('internal', 'parser worker stopped early');
    notify();
  });
  const onAbort = () => {
    failure ??= new ExtractError('aborted', 'scan aborted');
    void worker.terminate();
    notify();
  };
  signal?.addEventListener('abort', onAbort, { once: true });

  try {
    for (;;) {
      const message = queue.shift();
      if (message === undefined) {
        if (failure) throw failure;
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      if ('done' in message) return;
      if ('error' in message) throw new ExtractError(message.error.code, message.error.message);
      yield message.item;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await worker.terminate();
  }
}
