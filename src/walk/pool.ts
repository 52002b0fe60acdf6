/**
 * The worker pool that parses files: piscina 5 over `worker.ts`, with a per-file time limit and
 * a heap limit per worker. A task that runs over its time is aborted, which makes piscina
 * terminate that worker (the only way to stop a synchronous loop) and start a fresh one later.
 *
 * Limits of the protection, measured (see /work/shared/reference/dependencies.md §5):
 * `resourceLimits` caps the V8 heap only; Buffers from inflating a zip bomb live off-heap and
 * are bounded by the scanner's expansion limits, not here. The time limit catches the rest.
 */
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { ErrorCode, FileReport } from '../types.js';
import type { FileTask } from './worker.js';
import { resolveWorkerFile } from '../worker-file.js';

/** Heap limit per worker. Large enough for a legitimate 50 000-row workbook (≈ 200 MB), small enough to stop a runaway parse. */
export const DEFAULT_WORKER_HEAP_MB = 1024;

/**
 * How long an idle worker is kept. Files arrive back to back, so an immediate shutdown (piscina's
 * default) would restart workers between files; 5 s bridges a pause of the walker in a big folder.
 */
const IDLE_TIMEOUT_MS = 5_000;

/** How one task ended. Never a rejection: every file's fate becomes data. */
export type TaskOutcome =
  | { readonly kind: 'report'; readonly report: FileReport }
  | { readonly kind: 'failed'; readonly code: ErrorCode; readonly message: string }
  | { readonly kind: 'aborted' };

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
  private readonly piscina: Piscina<FileTask, FileReport>;
  private readonly timeoutMs: number;

  constructor(options: PoolOptions) {
    this.timeoutMs = options.timeoutMs;
    this.piscina = new Piscina<FileTask, FileReport>({
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
   * Scans one file in a worker. Resolves with the report, or with `failed` (timeout, memory
   * limit, dead worker) or `aborted` when `signal` fired. Never rejects.
   */
  async run(file: Omit<FileTask, 'started'>, signal: AbortSignal, size = 0): Promise<TaskOutcome> {
    const timer = new AbortController();
    let clock: NodeJS.Timeout | undefined;
    const { port1, port2 } = new MessageChannel();
    // Large plain text is streamed without a clock by the scanner; the hard limit grows with
    // the size so that only a stuck parser is killed, not a big log read at disk speed.
    const limit = this.timeoutMs + graceMs(this.timeoutMs) + Math.round(size / BYTES_PER_MS_FLOOR);
    port1.once('message', () => {
      clock = setTimeout(() => timer.abort(), limit);
      port1.close();
    });
    try {
      const task: FileTask = { ...file, started: port2 };
      const report = await this.piscina.run(task, { signal: AbortSignal.any([signal, timer.signal]), transferList: [port2] });
      return { kind: 'report', report };
    } catch (error) {
      if (signal.aborted) return { kind: 'aborted' };
      if (timer.signal.aborted) {
        return { kind: 'failed', code: 'timeout', message: `not finished within ${formatSeconds(this.timeoutMs)}; parser stopped` };
      }
      if ((error as { code?: unknown }).code === 'ERR_WORKER_OUT_OF_MEMORY') {
        return { kind: 'failed', code: 'memory_limit', message: 'parser ran out of memory; parser stopped' };
      }
      // Anything else is a crash of the worker itself; its message may quote the file, so it stays out.
      return { kind: 'failed', code: 'internal', message: 'parser worker failed on this file' };
    } finally {
      clearTimeout(clock);
      port1.close();
    }
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
