/**
 * Worker-thread entry: parses and scans files. Runs inside a piscina worker so that a parser
 * that hangs can be terminated, a heap blow-up kills only this thread, and a parser bug that
 * pollutes prototypes (SheetJS 0.18.5, CVE-2023-30533) stays inside this isolate.
 *
 * Built by tsup to `dist/worker.js` and `dist/worker.cjs`; pool.ts finds it there.
 */
import { basename } from 'node:path';
import { restorePrototypes } from '../extract/intrinsics.js';
import { scanFileBlocking } from '../scanner.js';
import type { FileReport, ScanOptions } from '../types.js';

/**
 * What the main thread sends: one file, or a batch of small ones (a batch saves the round trip
 * per file, which costs more than scanning a small text file). Everything in it must survive
 * structured cloning.
 */
export interface FileTask {
  /** Absolute paths, scanned in this order. */
  readonly paths: readonly string[];
  /** Plain options without `signal`, with the run's fingerprint key as bytes. */
  readonly options: ScanOptions;
  /**
   * Shared with the main thread, which runs each file's time limit from it: `[0]` is the index
   * + 1 of the file being scanned (0 until this worker takes the task up, so neither the wait
   * for a worker nor its start-up counts), `[1]` when that file was started, in ms after `epoch`.
   */
  readonly progress: Int32Array;
  /** `Date.now()` when the task was made; the time origin of `progress[1]`. */
  readonly epoch: number;
}

/**
 * Test-only hooks, honoured only when the environment has `CARDHOUND_TEST_HOOKS=1` (never set in
 * production): a file whose name contains `__cardhound_hang__` spins forever, as a parser stuck
 * in a loop would; one containing `__cardhound_oom__` fills the heap until V8 gives up; one
 * containing `__cardhound_pollute__` sets `Object.prototype.minConfidence`, as a parser open to
 * prototype pollution would. They let the tests prove that timeouts, memory limits and
 * pollution cost that file only.
 */
function testHooks(path: string): void {
  if (process.env.CARDHOUND_TEST_HOOKS !== '1') return;
  const name = basename(path);
  if (name.includes('__cardhound_hang__')) {
    for (;;) {
      // Synchronous on purpose: only terminating the thread can stop this.
    }
  }
  if (name.includes('__cardhound_pollute__')) {
    (Object.prototype as Record<string, unknown>).minConfidence = 'low';
  }
  if (name.includes('__cardhound_oom__')) {
    const hoard: number[][] = [];
    for (;;) hoard.push(new Array<number>(1_000_000).fill(hoard.length));
  }
}

/** Scans the task's files one after the other; `scanFileBlocking` reports per-file trouble in the report and does not throw. */
export default async function scanTask(task: FileTask): Promise<FileReport[]> {
  const reports: FileReport[] = [];
  for (let i = 0; i < task.paths.length; i++) {
    const path = task.paths[i]!;
    Atomics.store(task.progress, 1, Date.now() - task.epoch);
    Atomics.store(task.progress, 0, i + 1);
    restorePrototypes();
    testHooks(path);
    reports.push(await scanFileBlocking(path, task.options));
  }
  return reports;
}
