/**
 * The `cardhound` executable: the only file that touches `process`. It adapts stdout/stderr to
 * awaitable writers that turn a closed pipe into a quiet `EPIPE` rejection (no stack trace),
 * turns the first Ctrl-C / SIGTERM into a graceful stop (the summary is still written; a pod
 * being shut down still reports) and a second Ctrl-C into an immediate exit, and sets the exit
 * status that `run` returns.
 */
import type { Writable } from 'node:stream';
import { run, type CliWriter } from './run.js';

/** A writer that resolves once `stream` accepted the text (drained) and rejects after an error such as EPIPE. */
function writerFor(stream: Writable): CliWriter {
  let failure: Error | undefined;
  const waiting = new Set<(error?: Error) => void>();
  // Without a listener, EPIPE on a closed pipe would be an uncaught exception with a stack trace.
  stream.on('error', (error: Error) => {
    failure = error;
    for (const settle of waiting) settle(error);
    waiting.clear();
  });
  return {
    write(text: string): Promise<void> {
      if (failure) return Promise.reject(failure);
      return new Promise<void>((resolve, reject) => {
        const settle = (error?: Error): void => {
          waiting.delete(settle);
          if (error) reject(error);
          else resolve();
        };
        waiting.add(settle);
        if (stream.write(text)) settle();
        else stream.once('drain', () => settle());
      });
    },
  };
}

const controller = new AbortController();
let interrupts = 0;
const stop = (signal: NodeJS.Signals): void => {
  interrupts++;
  if (interrupts > 1) process.exit(signal === 'SIGINT' ? 130 : 143);
  controller.abort();
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

try {
  process.exitCode = await run(process.argv.slice(2), {
    stdout: writerFor(process.stdout),
    stderr: writerFor(process.stderr),
    // A getter: touching process.stdin opens it, which a scan without `-` must not do.
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    columns: process.stderr.columns,
    cwd: process.cwd(),
    signal: controller.signal,
  });
} catch (error) {
  // A bug, not a user error: one line, no stack trace (it could show paths from the scan), status 2.
  process.stderr.write(`cardhound: internal error: ${error instanceof Error ? error.message : 'unknown'}\n`);
  process.exitCode = 2;
}
process.off('SIGINT', stop);
process.off('SIGTERM', stop);
