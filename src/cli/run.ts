/**
 * The command-line shell: arguments in, exit status out. Everything it touches comes through
 * {@link CliIo}, so tests run it in-process; `main.ts` is the only file that knows `process`.
 *
 * Exit status: 0 nothing found and everything scanned; 1 findings at or above the threshold;
 * 2 usage or fatal error; 3 nothing found but the result is incomplete (some input unreadable,
 * too large, timed out, or the scan was interrupted).
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { redactDigitRuns } from '../core/mask.js';
import { describeError } from '../errors.js';
import { OptionsError, resolveSettings } from '../options.js';
import { createReporter } from '../report/index.js';
import type { ScanEvent, ScanSummary } from '../types.js';
import { scanWith } from '../walk/scan.js';
import { TOOL_VERSION } from '../walk/version.js';
import { helpText, parseCommand, type ScanCommand, UsageError } from './args.js';
import { ProgressLine } from './progress.js';

/** Somewhere to write text. A returned promise is awaited (backpressure); a rejection with code `EPIPE` means the reader went away. */
export interface CliWriter {
  write(text: string): void | Promise<void>;
}

/** The outside world of the CLI. */
export interface CliIo {
  readonly stdout: CliWriter;
  readonly stderr: CliWriter;
  /** Read only when `-` is among the inputs. */
  readonly stdin: Readable | ReadableStream<Uint8Array>;
  /** For `NO_COLOR`. (The fingerprint key is read from the process environment by the options code.) */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
  /** Width of the terminal on standard error, for the progress line. Default 80. */
  readonly columns?: number;
  /** Base for relative paths in SARIF output. */
  readonly cwd: string;
  /** Aborted on Ctrl-C / SIGTERM: the scan stops and still reports what it found. */
  readonly signal?: AbortSignal;
}

/** Progress redraw interval on a terminal, and line interval in a log (`--progress` off a terminal). */
const TERMINAL_PROGRESS_MS = 200;
const LOG_PROGRESS_MS = 5_000;

/**
 * Usage messages quote what the user typed, and stderr ends up in CI logs: a card number typed
 * as an argument (a glob for files named after it, a value in the wrong place) is masked.
 */
function usage(io: CliIo, message: string): Promise<number> {
  return Promise.resolve(io.stderr.write(`cardhound: ${redactDigitRuns(message)} (see cardhound --help)\n`)).then(() => 2);
}

/**
 * Collects output and writes it in pieces of {@link BATCH_CHARS}, and whatever is pending after
 * {@link BATCH_MS} of quiet, so a slow scan still shows its findings promptly. A failed write
 * (EPIPE) comes out of the next `write` or `flush`.
 */
class BatchedWriter {
  private pending = '';
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly target: CliWriter) {}

  write(text: string): Promise<void> | undefined {
    this.pending += text;
    if (this.pending.length >= BATCH_CHARS) return this.flush();
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.flush().catch(() => undefined); // the rejection stays in the chain for the next caller
    }, BATCH_MS);
    return undefined;
  }

  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const text = this.pending;
    this.pending = '';
    if (text !== '') this.chain = this.chain.then(() => this.target.write(text));
    return this.chain;
  }

  /** Drops what is pending: the loop is leaving on an error. */
  discard(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = '';
  }
}

const BATCH_CHARS = 64 * 1024;
const BATCH_MS = 100;

function isBrokenPipe(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED';
}

/**
 * Runs `cardhound <argv…>` and resolves to the exit status. Never rejects for anything the user
 * or the files did: usage and fatal errors are one line on `io.stderr` and status 2.
 */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let command;
  try {
    command = parseCommand(argv);
  } catch (error) {
    if (error instanceof UsageError) return usage(io, error.message);
    throw error;
  }
  try {
    if (command.kind === 'help') {
      await io.stdout.write(helpText(TOOL_VERSION));
      return 0;
    }
    if (command.kind === 'version') {
      await io.stdout.write(`cardhound ${TOOL_VERSION}\n`);
      return 0;
    }
  } catch (error) {
    if (isBrokenPipe(error)) return 0;
    throw error;
  }
  return runScan(command.scan, io);
}

function statusOf(summary: ScanSummary): number {
  if (summary.findings > 0) return 1;
  return summary.complete ? 0 : 3;
}

async function runScan(command: ScanCommand, io: CliIo): Promise<number> {
  const warnings: string[] = [];
  const progressShown = !command.quiet && (command.progress === 'always' || (command.progress === 'auto' && io.stderrIsTTY));
  const options = {
    ...command.options,
    ...(io.signal ? { signal: io.signal } : {}),
    ...(progressShown ? { progressIntervalMs: io.stderrIsTTY ? TERMINAL_PROGRESS_MS : LOG_PROGRESS_MS } : {}),
  };

  let events: AsyncIterable<ScanEvent>;
  try {
    if (options.cacheFile !== undefined && resolveSettings(options).fingerprintKeySource === 'random') {
      return await usage(io, '--cache needs a fingerprint key: set CARDHOUND_FINGERPRINT_KEY (cached fingerprints must match new ones)');
    }
    events = scanWith(command.inputs, options, {
      ...(command.stdin ? { stdin: io.stdin } : {}),
      onWarning: (message) => warnings.push(message),
    });
  } catch (error) {
    if (error instanceof OptionsError) return usage(io, error.message);
    throw error;
  }

  let file: FileHandle | undefined;
  if (command.output !== undefined) {
    try {
      file = await open(command.output, 'w');
    } catch (error) {
      await io.stderr.write(`cardhound: cannot write ${redactDigitRuns(command.output)}: ${describeError(error).message}\n`);
      return 2;
    }
  }
  const handle = file;
  const target: CliWriter = handle ? { write: async (text) => void (await handle.write(text)) } : io.stdout;
  // Into a file or a pipe, output goes in batches (one write per finding cost a tenth of a
  // digit-dense scan); a person watching a terminal sees each line as it comes.
  const out = handle || !io.stdoutIsTTY ? new BatchedWriter(target) : undefined;
  const write = (text: string) => (out ? out.write(text) : target.write(text));
  const color = command.format === 'text' && !handle && io.stdoutIsTTY && !io.env.NO_COLOR;
  const reporter = createReporter(command.format, { color, toolVersion: TOOL_VERSION, root: io.cwd });
  const progress = progressShown ? new ProgressLine(io.stderr, io.stderrIsTTY, io.columns ?? 80) : undefined;
  // The progress line shares the terminal with standard output when both are one screen.
  const sharesScreen = progress !== undefined && io.stderrIsTTY && io.stdoutIsTTY && !handle;

  const flushWarnings = async (): Promise<void> => {
    if (warnings.length === 0) return;
    await progress?.clear();
    for (const warning of warnings.splice(0)) {
      if (!command.quiet) await io.stderr.write(`cardhound: warning: ${redactDigitRuns(warning)}\n`);
    }
  };

  let summary: ScanSummary | undefined;
  let findings = 0;
  try {
    for await (const event of events) {
      if (event.type === 'progress') {
        await progress?.draw(event);
        continue;
      }
      await flushWarnings();
      if (event.type === 'finding') findings++;
      if (event.type === 'summary') summary = event;
      const text = reporter.write(event);
      if (text === '') continue;
      if (sharesScreen) await progress.clear();
      await write(text);
    }
    const rest = reporter.end();
    if (rest !== '') await write(rest);
    await out?.flush();
  } catch (error) {
    await progress?.clear();
    // The reader of our output went away (`cardhound scan … | head`): stop quietly. Leaving the
    // loop has already stopped the walk and the workers.
    if (!handle && isBrokenPipe(error)) {
      out?.discard();
      return findings > 0 ? 1 : 3;
    }
    // What was reported before the failure still goes out, ahead of the message.
    await out?.flush().catch(() => undefined);
    await io.stderr.write(`cardhound: ${redactDigitRuns(error instanceof Error ? error.message : 'unexpected failure')}\n`);
    return 2;
  } finally {
    await handle?.close();
  }
  await progress?.clear();
  await flushWarnings();
  if (!summary) return 2;
  if (summary.files === 0 && summary.errors === 0 && summary.skipped === 0 && !summary.aborted && !command.quiet) {
    await io.stderr.write('cardhound: warning: no file matched; nothing was scanned\n');
  }
  return statusOf(summary);
}
