/**
 * The worker pool that parses files: piscina 5 over `worker.ts`, with a per-file time limit and
 * a heap limit per worker. A task that runs over its time is aborted, which makes piscina
 * terminate that worker (the only way to stop a synchronous loop) and start a fresh one later.
 *
 * Limits of the protection, measured (see /work/shared/reference/dependencies.md §5):
 * `resourceLimits` caps the V8 heap only; Buffers from inflating a zip bomb live off-heap and
 * are bounded by the scanner's expansion limits, not here. The time limit catches the rest.
 */
import { Piscina } from 'piscina';
import type { ErrorCode, FileReport, ScanOptions } from '../types.js';
import type { FileTask } from './worker.js';
import { resolveWorkerFile } from '../worker-file.js';

/** Heap limit per worker. Large enough for a legitimate 50 000-row workbook (≈ 200 MB), small enough to stop a runaway parse. */
export const DEFAULT_WORKER_HEAP_MB = 1024;

/**
 * How long an idle worker is kept. Files arrive back to back, so an immediate shutdown (piscina's
 * default) would restart workers between files; 5 s bridges a pause of the walker in a big folder.
 */
const IDLE_TIMEOUT_MS = 5_000;

/** How one file of a task ended. Never a rejection: every file's fate becomes data. */
export type TaskOutcome =
  | { readonly kind: 'report'; readonly report: FileReport }
  | { readonly kind: 'failed'; readonly code: ErrorCode; readonly message: string }
  | { readonly kind: 'aborted' }
  /** Its batch was stopped for another file's sake: scan it again, alone. */
  | { readonly kind: 'retry' };

/** A file for a worker, with its size (the time limit grows with it). */
export interface PoolFile {
  readonly path: string;
  readonly size: number;
}

export interface PoolOptions {
  /** Workers running at once. */
  readonly concurrency: number;
  /** The per-file time limit (`limits.timeoutMs`); the hard limit is this plus {@link graceMs}. */
  readonly timeoutMs: number;
  /** `maxOldGenerationSizeMb` of each worker. */
  readonly heapMb: number;
  /** Worker script; default: {@link resolveWorkerFile}. */
  readonly workerFile?: string;
}

/** The slowest reading speed (bytes per ms, i.e. 2 MB/s) a worker's time limit allows for on top of `timeoutMs`. */
const BYTES_PER_MS_FLOOR = 2_000;

/** Parses files in worker threads, each under a time limit. */
export class ParserPool {
  private readonly piscina: Piscina<FileTask, FileReport[]>;
  private readonly timeoutMs: number;

  constructor(options: PoolOptions) {
    this.timeoutMs = options.timeoutMs;
    this.piscina = new Piscina<FileTask, FileReport[]>({
      filename: options.workerFile ?? resolveWorkerFile(),
      // Workers start on demand: a scan of three files should not start sixteen threads.
      minThreads: 0,
      maxThreads: options.concurrency,
      idleTimeout: IDLE_TIMEOUT_MS,
      resourceLimits: { maxOldGenerationSizeMb: options.heapMb },
    });
    // A worker that dies with no task in hand is reported here; unhandled, it would crash us.
    // Tasks that were running get their own rejection, handled in `run`.
    this.piscina.on('error', () => undefined);
  }

  /**
   * Scans files in one worker, one after the other, each under its own time limit. Resolves
   * with one outcome per file: its report, or `failed` (timeout, memory limit, dead worker) for
   * the file that was in work when the worker had to be stopped and `retry` for the others of
   * the batch (their reports went down with the worker), or `aborted` when `signal` fired.
   * Never rejects.
   */
  async run(files: readonly PoolFile[], options: ScanOptions, signal: AbortSignal): Promise<TaskOutcome[]> {
    const timer = new AbortController();
    const epoch = Date.now();
    const progress = new Int32Array(new SharedArrayBuffer(8));
    // Large plain text is streamed without a clock by the scanner; the hard limit grows with
    // the size so that only a stuck parser is killed, not a big log read at disk speed.
    const limit = (index: number) => this.timeoutMs + graceMs(this.timeoutMs) + Math.round(files[index]!.size / BYTES_PER_MS_FLOOR);
    // One timer per task, re-armed from the worker's progress: it fires only when a file may
    // have run out its time, or while the task still waits for a worker.
    let clock: NodeJS.Timeout | undefined;
    const check = (): void => {
      const current = Atomics.load(progress, 0);
      if (current === 0) {
        clock = setTimeout(check, limit(0));
        return;
      }
      const left = limit(current - 1) - (Date.now() - epoch - Atomics.load(progress, 1));
      if (left <= 0) timer.abort();
      else clock = setTimeout(check, left);
    };
    clock = setTimeout(check, limit(0));
    try {
      const task: FileTask = { paths: files.map((f) => f.path), options, progress, epoch };
      const reports = await this.piscina.run(task, { signal: AbortSignal.any([signal, timer.signal]) });
      return reports.map((report) => ({ kind: 'report', report }));
    } catch (error) {
      if (signal.aborted) return files.map(() => ({ kind: 'aborted' }));
      const failure = this.failure(error, timer.signal.aborted);
      const culprit = Math.max(0, Atomics.load(progress, 0) - 1);
      return files.map((_, index) => (index === culprit ? failure : { kind: 'retry' }));
    } finally {
      clearTimeout(clock);
    }
  }

  private failure(error: unknown, timedOut: boolean): TaskOutcome {
    if (timedOut) return { kind: 'failed', code: 'timeout', message: `not finished within ${formatSeconds(this.timeoutMs)}; parser stopped` };
    if ((error as { code?: unknown }).code === 'ERR_WORKER_OUT_OF_MEMORY') {
      return { kind: 'failed', code: 'memory_limit', message: 'parser ran out of memory; parser stopped' };
    }
    // Anything else is a crash of the worker itself; its message may quote the file, so it stays out.
    return { kind: 'failed', code: 'internal', message: 'parser worker failed on this file' };
  }

  /** Terminates every worker, running tasks included. */
  async close(): Promise<void> {
    await this.piscina.destroy();
  }
}

/**
 * The scanner stops itself at `timeoutMs` whenever its parser yields, and then returns the
 * findings it has so far with a `timeout` record. The pool's hard limit comes a little later so
 * that this cooperative stop wins whenever it can; only a parser stuck in synchronous code is
 * killed (and its partial findings lost). Counted from the moment a worker takes the file up,
 * so neither waiting for a worker nor its start-up counts.
 */
export function graceMs(timeoutMs: number): number {
  return Math.min(5_000, Math.max(500, Math.round(timeoutMs / 10)));
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
