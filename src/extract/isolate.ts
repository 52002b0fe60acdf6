import { Worker } from 'node:worker_threads';
import { ExtractError } from '../errors.js';
import type { Confidence, ErrorCode, ExtractItem } from '../types.js';
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
  /** When set, text items in which the detector's first stage finds no number stay in the worker. */
  readonly sieve?: { readonly minConfidence: Confidence };
}

/**
 * Text items the worker kept back because no number in them is worth scoring, with the
 * detector's first-stage counts for them: the caller's statistics stay exact.
 */
export interface SievedText {
  segments: number;
  chars: number;
  rejected: number;
  suppressed: number;
}

export type IsolatedMessage =
  | { items: ExtractItem[] }
  | { done: true; sieved: SievedText }
  | { error: { code: ErrorCode; message: string }; sieved: SievedText };

/** Jobs a worker serves before it is replaced: bounds what one crafted file can leave behind. */
const JOBS_PER_WORKER = 100;

interface Lane {
  readonly worker: Worker;
  jobs: number;
  /** Receives the worker's events for the job in hand. */
  listener?: (event: { message?: IsolatedMessage; failure?: ExtractError }) => void;
}

/** Idle workers, kept (unreferenced: they never hold the process open) to spare start-up. */
const idle: Lane[] = [];

function startLane(): Lane {
  // The worker mutes its own console (parsers' diagnostics can quote the document). Its
  // stdout/stderr are not piped here: piped streams would keep an idle worker's process alive.
  const worker = new Worker(resolveWorkerFile('extract-worker'), { resourceLimits: { maxOldGenerationSizeMb: HEAP_MB } });
  const lane: Lane = { worker, jobs: 0 };
  worker.on('message', (message: IsolatedMessage) => lane.listener?.({ message }));
  worker.on('error', (error: Error & { code?: string }) =>
    lane.listener?.({
      failure:
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new ExtractError('memory_limit', 'parser ran out of memory')
          : new ExtractError('internal', 'parser worker failed on this file'),
    }),
  );
  worker.on('exit', () => {
    const at = idle.indexOf(lane);
    if (at >= 0) idle.splice(at, 1);
    lane.listener?.({ failure: new ExtractError('internal', 'parser worker stopped early') });
  });
  return lane;
}

/**
 * Runs the extractor of `format` in an isolated worker and yields its items. `ctx.signal` (the
 * caller's abort or the scanner's time limit) terminates the worker at once, even inside a
 * synchronous parser loop; running out of heap becomes `memory_limit`. A worker that finished
 * its job cleanly is kept for the next one.
 */
export async function* extractIsolated(
  format: FormatId,
  bytes: Uint8Array,
  ctx: ExtractContext,
  sieve?: { readonly minConfidence: Confidence; readonly onSieved: (sieved: SievedText) => void },
): AsyncGenerator<ExtractItem> {
  const { signal, ...plain } = ctx;
  if (signal?.aborted) throw new ExtractError('aborted', 'scan aborted');
  const lane = idle.pop() ?? startLane();
  lane.worker.ref();
  lane.jobs++;
  const queue: IsolatedMessage[] = [];
  let failure: ExtractError | undefined;
  let wake: (() => void) | undefined;
  lane.listener = (event) => {
    if (event.message) queue.push(event.message);
    if (event.failure) failure ??= event.failure;
    wake?.();
    wake = undefined;
  };
  const onAbort = () => {
    failure ??= new ExtractError('aborted', 'scan aborted');
    void lane.worker.terminate();
    wake?.();
    wake = undefined;
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  let clean = false;
  try {
    const job: IsolatedJob = { format, bytes, ctx: plain, ...(sieve ? { sieve: { minConfidence: sieve.minConfidence } } : {}) };
    lane.worker.postMessage(job);
    for (;;) {
      const message = queue.shift();
      if (message === undefined) {
        if (failure) throw failure;
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      if ('done' in message) {
        clean = true;
        sieve?.onSieved(message.sieved);
        return;
      }
      if ('error' in message) {
        clean = true;
        sieve?.onSieved(message.sieved);
        throw new ExtractError(message.error.code, message.error.message);
      }
      yield* message.items;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    lane.listener = undefined;
    if (clean && failure === undefined && lane.jobs < JOBS_PER_WORKER) {
      lane.worker.unref();
      idle.push(lane);
    } else {
      // A consumer that stopped early leaves a job running: that worker is not reused either.
      void lane.worker.terminate();
    }
  }
}
