/**
 * Worker-thread entry: parses and scans one file. Runs inside a piscina worker so that a parser
 * that hangs can be terminated, a heap blow-up kills only this thread, and a parser bug that
 * pollutes prototypes (SheetJS 0.18.5, CVE-2023-30533) stays inside this isolate.
 *
 * Built by tsup to `dist/worker.js` and `dist/worker.cjs`; pool.ts finds it there.
 */
import { basename } from 'node:path';
import type { MessagePort } from 'node:worker_threads';
import { scanFileBlocking } from '../scanner.js';
import type { FileReport, ScanOptions } from '../types.js';

/** What the main thread sends per file. Everything in it must survive structured cloning. */
export interface FileTask {
  /** Absolute path. */
  readonly path: string;
  /** Plain options without `signal`, with the run's fingerprint key as bytes. */
  readonly options: ScanOptions;
  /**
   * Told `'start'` the moment this worker takes the task up, so that the time limit counts the
   * parse, not the wait for a worker or its start-up (which loads every parser library).
   */
  readonly started: MessagePort;
}

/**
 * Test-only hooks, honoured only when the environment has `CARDHOUND_TEST_HOOKS=1` (never set in
 * production): a file whose name contains `__cardhound_hang__` spins forever, as a parser stuck
 * in a loop would; one containing `__cardhound_oom__` fills the heap until V8 gives up. They let
 * the tests prove that timeouts and memory limits turn into error records.
 */
function testHooks(path: string): void {
  if (process.env.CARDHOUND_TEST_HOOKS !== '1') return;
  const name = basename(path);
  if (name.includes('__cardhound_hang__')) {
    for (;;) {
      // Synchronous on purpose: only terminating the thread can stop this.
    }
  }
  if (name.includes('__cardhound_oom__')) {
    const hoard: number[][] = [];
    for (;;) hoard.push(new Array<number>(1_000_000).fill(hoard.length));
  }
}

/** Scans one file; `scanFile` reports per-file trouble in the result and does not throw. */
export default async function scanTask(task: FileTask): Promise<FileReport> {
  task.started.postMessage('start');
  task.started.close();
  testHooks(task.path);
  return scanFileBlocking(task.path, task.options);
}
