/**
 * `scan()`: many files in, one event stream out. Walks the arguments, parses each file in a
 * worker under a time limit, reuses cached results of unchanged files, and yields findings and
 * error records as files finish, progress events when asked, and a summary last.
 *
 * Flow control: the consumer pulls. At most `concurrency` tasks run in workers at once, a task
 * being one file or a batch of small ones; at most `3 × concurrency + 2` tasks are in hand
 * (running, or queued for a worker) and a batch or two more files wait stat-ed and ready; while
 * the consumer does not pull, nothing new is walked or submitted.
 *
 * Where files are parsed: in worker threads, each under a time limit, heap limit and its own
 * isolate (only a worker can be stopped in a synchronous hang, and a parser's prototype
 * pollution stays out of our isolate). The main thread walks, dispatches and reports, so
 * `concurrency` is the number of threads scanning. Two exceptions save a worker's start-up
 * (loading every parser library, ~70 ms) where it would dominate: the first
 * {@link MAIN_THREAD_FILES} small files that sniff as plain text, and one large plain-text file
 * at a time (the common "one big log" scan), go through our own decoder and detector on the
 * main thread: their work is linear in the input, nothing to isolate.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import type { Readable } from 'node:stream';
import { redactDigitRuns } from '../core/mask.js';
import { describeError } from '../errors.js';
import { sniff } from '../extract/sniff.js';
import type { FormatId } from '../extract/types.js';
import { OptionsError, resolveSettings, type Settings } from '../options.js';
import { scanBuffer, scanFile, scanStream } from '../scanner.js';
import type {
  FileReport,
  Brand,
  Confidence,
  Finding,
  FindingKind,
  ScanErrorRecord,
  ScanEvent,
  ScanOptions,
  ScanProgress,
  ScanSummary,
} from '../types.js';
import { cacheable, optionsDigest, ScanCache } from './cache.js';
import { compileGlob, type Glob, hasGlobSyntax, splitGlobArgument } from './glob.js';
import { DEFAULT_WORKER_HEAP_MB, ParserPool, type TaskOutcome } from './pool.js';
import { checkShard } from './shard.js';
import { TOOL_VERSION } from './version.js';
import { walk, type WalkFile, type WalkItem } from './walk.js';

/**
 * Extras for the CLI and the tests; not part of the public API.
 * @internal
 */
export interface ScanInternals {
  /** Scanned as the input named `-`, next to the paths (the CLI's `-` argument). */
  readonly stdin?: Readable | ReadableStream<Uint8Array>;
  /** Receives warnings such as an unreadable cache file. Default: `process.emitWarning`. */
  readonly onWarning?: (message: string) => void;
  /** Called with the absolute path of every file handed to a parser (tests count cache misses with it). */
  readonly onParse?: (abs: string) => void;
  /** Heap limit of each worker in MB (tests use a small one to provoke `memory_limit`). */
  readonly workerHeapMb?: number;
  /** False sends large plain-text files to workers too (tests of worker behaviour use it). */
  readonly inlineLarge?: boolean;
}

/** Options that only steer the walk; everything else is forwarded to the per-file scanner. */
type WalkOnlyOption =
  | 'signal'
  | 'include'
  | 'exclude'
  | 'hidden'
  | 'followSymlinks'
  | 'concurrency'
  | 'progressIntervalMs'
  | 'cacheFile'
  | 'shard';

/**
 * The options each worker receives, listed one by one: an options object may carry values that
 * cannot cross a thread (a signal, a function someone added). `satisfies` makes a new field in
 * `ScanOptions` a compile error here until it is classified.
 */
const FORWARDED = {
  minConfidence: true,
  windowBefore: true,
  windowAfter: true,
  fingerprintKey: true,
  mask: true,
  binLength: true,
  allowFingerprints: true,
  allowBins: true,
  includeTestCards: true,
  archives: true,
  binaryStrings: true,
  limits: true,
} as const satisfies Record<Exclude<keyof ScanOptions, WalkOnlyOption>, true>;

interface Plan {
  readonly args: readonly string[];
  readonly settings: Settings;
  /** Plain options for the workers, with the run's key as bytes so every worker fingerprints alike. */
  readonly workerOptions: ScanOptions;
  readonly concurrency: number;
  readonly include: readonly Glob[];
  readonly exclude: readonly Glob[];
  readonly hidden: boolean;
  readonly followSymlinks: boolean;
  readonly progressIntervalMs: number | undefined;
  readonly cacheFile: string | undefined;
  readonly shard: ScanOptions['shard'];
}

function compileAll(globs: readonly string[] | undefined, name: string): Glob[] {
  if (globs === undefined) return [];
  if (!Array.isArray(globs) || !globs.every((glob) => typeof glob === 'string')) {
    throw new OptionsError(`${name} must be an array of glob strings`);
  }
  return globs.map((glob) => compileGlob(glob));
}

/** Validates everything up front, so bad options throw from `scan()` itself, before any I/O. */
function plan(pathsOrGlobs: string | readonly string[], options: ScanOptions): Plan {
  const args = typeof pathsOrGlobs === 'string' ? [pathsOrGlobs] : pathsOrGlobs;
  if (!Array.isArray(args) || !args.every((arg) => typeof arg === 'string')) {
    throw new OptionsError('scan() takes a path or glob, or an array of them');
  }
  for (const arg of args) if (hasGlobSyntax(arg)) compileGlob(splitGlobArgument(arg).pattern, true);
  const settings = resolveSettings(options);
  const concurrency = options.concurrency ?? availableParallelism();
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new OptionsError('concurrency must be a positive integer');
  const progressIntervalMs = options.progressIntervalMs;
  if (progressIntervalMs !== undefined && !(Number.isFinite(progressIntervalMs) && progressIntervalMs > 0)) {
    throw new OptionsError('progressIntervalMs must be a positive number');
  }
  if (options.cacheFile !== undefined && settings.fingerprintKeySource === 'random') {
    // See cache.ts: cached fingerprints made under an earlier random key would not match.
    throw new OptionsError('a cache needs a fingerprint key (option fingerprintKey or CARDHOUND_FINGERPRINT_KEY)');
  }
  const workerOptions: Record<string, unknown> = {};
  for (const key of Object.keys(FORWARDED) as (keyof typeof FORWARDED)[]) {
    if (options[key] !== undefined) workerOptions[key] = options[key];
  }
  workerOptions.fingerprintKey = settings.fingerprintKey;
  return {
    args,
    settings,
    workerOptions: workerOptions as ScanOptions,
    concurrency,
    include: compileAll(options.include, 'include'),
    exclude: compileAll(options.exclude, 'exclude'),
    hidden: options.hidden ?? true,
    followSymlinks: options.followSymlinks ?? false,
    progressIntervalMs,
    cacheFile: options.cacheFile,
    shard: checkShard(options.shard),
  };
}

/**
 * Scans files, folders (everything below them) and globs (`'share/**\/*.xlsx'`), in parallel
 * worker threads, and yields findings and error records as each file finishes, `progress`
 * events every `progressIntervalMs` if set, and a `summary` last.
 *
 * Paths in records are as given: an argument joined with the path below it. Every file or
 * folder that could not be read fully yields an error record with a stable code (`not_found`,
 * `permission_denied`, `too_large`, `timeout`, `memory_limit`, …) and the scan goes on. FIFOs,
 * sockets, devices and (unless `followSymlinks`) symbolic links are skipped unopened and counted
 * in `summary.skipped`. Aborting `options.signal` stops the walk and the running parsers; the
 * summary then says `aborted: true, complete: false`.
 *
 * @throws {OptionsError} at once, for invalid options (including `cacheFile` without a
 * configured fingerprint key). Nothing thrown later comes from the files being scanned.
 */
export function scan(pathsOrGlobs: string | readonly string[], options: ScanOptions = {}): AsyncIterable<ScanEvent> {
  return scanWith(pathsOrGlobs, options, {});
}

/**
 * {@link scan} with the extras of {@link ScanInternals}.
 * @internal
 */
export function scanWith(pathsOrGlobs: string | readonly string[], options: ScanOptions, internals: ScanInternals): AsyncIterable<ScanEvent> {
  const checked = plan(pathsOrGlobs, options);
  return { [Symbol.asyncIterator]: () => run(checked, options.signal, internals) };
}

/** Counters for progress and summary. */
class Tally {
  files = 0;
  bytes = 0;
  skipped = 0;
  errors = 0;
  findings = 0;
  suppressed = 0;
  rejected = 0;
  readonly byConfidence: Partial<Record<Confidence, number>> = {};
  readonly byBrand: Partial<Record<Brand, number>> = {};
  readonly byKind: Partial<Record<FindingKind, number>> = {};

  finding(finding: Finding): void {
    this.findings++;
    this.byConfidence[finding.confidence] = (this.byConfidence[finding.confidence] ?? 0) + 1;
    this.byBrand[finding.brand] = (this.byBrand[finding.brand] ?? 0) + 1;
    this.byKind[finding.kind] = (this.byKind[finding.kind] ?? 0) + 1;
  }
}

/**
 * A path as it may appear in an event. A file can be named after a card number
 * (`receipt-4111….txt`); digit runs as long as a PAN are masked like one, as the scanner does
 * for the paths it reports itself.
 */
function shown(path: string): string {
  return redactDigitRuns(path);
}

/** A file's records under the name the user knows it by. */
function relabel<T extends Finding | ScanErrorRecord>(records: readonly T[], path: string): T[] {
  const safe = shown(path);
  return records.map((record) => ({ ...record, path: safe }));
}

type Wake =
  | { readonly kind: 'walk'; readonly result: IteratorResult<WalkItem, void> }
  | { readonly kind: 'walk-failed' }
  | { readonly kind: 'task'; readonly id: number; readonly outcomes: readonly TaskOutcome[] }
  | { readonly kind: 'tick' }
  | { readonly kind: 'abort' };

/** What the dispatcher needs of a file (standard input has no more). */
type FileInHand = Pick<WalkFile, 'display' | 'abs' | 'size' | 'mtimeMs'>;

interface Running {
  /** One file, or a batch of small ones for a worker. */
  readonly files: readonly FileInHand[];
  readonly done: Promise<Wake>;
}

const STDIN_NAME = '-';

/** Largest file that may be scanned on the main thread (if it sniffs as plain text), and largest file sent to a worker in a batch. */
export const INLINE_MAX_BYTES = 64 * 1024;

/**
 * Small files scanned on the main thread at the start of a scan, before any goes to a worker:
 * a scan of a few text files (an upload, a handful of logs) then needs no worker, whose
 * start-up (loading every parser library) costs more than the whole scan.
 */
const MAIN_THREAD_FILES = 16;

/**
 * Small files per worker task. A task's round trip costs the main thread about as much as
 * scanning a small text file costs a worker; in a batch it is paid once per 16 files, and the
 * workers read with blocking calls instead of the main thread's four pooled async calls per
 * file. On 20,000 mixed files with 2 workers, runs taking turns: 22.2–24.9 s when the main
 * thread scanned small text itself (a third of the work, which then held the workers up),
 * 14.7–18.6 s with batches.
 */
const BATCH_FILES = 16;

/** Formats handled by cardhound's own code only (no third-party parser), safe on the main thread. */
const INLINE_FORMATS: ReadonlySet<FormatId> = new Set<FormatId>(['text', 'csv', 'tsv', 'json']);

const NO_STATS: FileReport['stats'] = { bytes: 0, segments: 0, chars: 0, nested: 0, suppressed: 0, rejected: 0, durationMs: 0, format: 'unknown' };

/**
 * Scans a small file on the main thread if it is plain text; `undefined` means "give it to a
 * worker". Never rejects.
 */
async function scanInline(file: FileInHand, options: ScanOptions): Promise<FileReport | undefined> {
  let bytes: Uint8Array;
  let handle;
  try {
    // O_NONBLOCK: if the file was swapped for a FIFO since the listing, opening must not wait for a writer.
    handle = await open(file.abs, constants.O_RDONLY | constants.O_NONBLOCK);
    const info = await handle.stat();
    if (!info.isFile() || info.size > INLINE_MAX_BYTES) return undefined;
    bytes = new Uint8Array(info.size);
    let filled = 0;
    while (filled < bytes.length) {
      const { bytesRead } = await handle.read(bytes, filled, bytes.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    bytes = bytes.subarray(0, filled);
  } catch (error) {
    const { code, message } = describeError(error);
    return { findings: [], errors: [{ type: 'error', path: file.abs, code, message }], stats: NO_STATS };
  } finally {
    await handle?.close().catch(() => undefined);
  }
  if (!INLINE_FORMATS.has(sniff(bytes, { filename: file.abs }))) return undefined;
  return scanBuffer(bytes, { filename: file.abs }, options);
}

/**
 * Streams a large file on the main thread if its first bytes sniff as plain text; `undefined`
 * means "give it to a worker". Never rejects.
 */
async function scanLargeInline(file: FileInHand, options: ScanOptions): Promise<FileReport | undefined> {
  let head: Uint8Array;
  let handle;
  try {
    handle = await open(file.abs, constants.O_RDONLY | constants.O_NONBLOCK);
    const info = await handle.stat();
    if (!info.isFile()) return undefined;
    head = new Uint8Array(Math.min(info.size, SNIFF_HEAD_BYTES));
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    head = head.subarray(0, bytesRead);
  } catch (error) {
    const { code, message } = describeError(error);
    return { findings: [], errors: [{ type: 'error', path: file.abs, code, message }], stats: NO_STATS };
  } finally {
    await handle?.close().catch(() => undefined);
  }
  if (!INLINE_FORMATS.has(sniff(head, { filename: file.abs })) || testHookFile(file.abs)) return undefined;
  return scanFile(file.abs, options);
}

const SNIFF_HEAD_BYTES = 64 * 1024;

/** Files named for the workers' test-only hooks (see worker.ts) must reach a worker. */
function testHookFile(path: string): boolean {
  return process.env.CARDHOUND_TEST_HOOKS === '1' && /__cardhound_(hang|oom)__/.test(path);
}

async function* run(plan: Plan, userSignal: AbortSignal | undefined, internals: ScanInternals): AsyncGenerator<ScanEvent, void, undefined> {
  const started = performance.now();
  const tally = new Tally();
  const warn = internals.onWarning ?? ((message: string) => process.emitWarning(message, 'CardhoundWarning'));
  // Our own controller stops workers and the walk when the consumer stops pulling early.
  const stop = new AbortController();
  const signal = userSignal ? AbortSignal.any([userSignal, stop.signal]) : stop.signal;

  let cache: ScanCache | undefined;
  if (plan.cacheFile !== undefined) {
    const loaded = await ScanCache.load(plan.cacheFile, optionsDigest(plan.settings, TOOL_VERSION));
    cache = loaded.cache;
    if (loaded.warning) warn(loaded.warning);
  }

  let pool: ParserPool | undefined;
  const running = new Map<number, Running>();
  const ready: WalkFile[] = [];
  // Files whose batch was stopped for another file's sake; each goes to a worker alone.
  const retries: FileInHand[] = [];
  let nextId = 0;
  const walker = walk(plan.args, {
    include: plan.include,
    exclude: plan.exclude,
    hidden: plan.hidden,
    followSymlinks: plan.followSymlinks,
    maxFileSize: plan.settings.limits.maxFileSize,
    shard: plan.shard,
    signal,
  });
  let walkPull: Promise<Wake> | undefined;
  let walkDone = false;
  let tick: Promise<Wake> | undefined;
  let tickTimer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<Wake>((resolve) => {
    onAbort = () => resolve({ kind: 'abort' });
    if (userSignal?.aborted) resolve({ kind: 'abort' });
    else userSignal?.addEventListener('abort', onAbort, { once: true });
  });

  const emitRecords = function* (findings: readonly Finding[], errors: readonly ScanErrorRecord[], display: string): Generator<ScanEvent> {
    for (const finding of relabel(findings, display)) {
      tally.finding(finding);
      yield finding;
    }
    for (const error of relabel(errors, display)) {
      tally.errors++;
      yield error;
    }
  };
  const countFile = (bytes: number, suppressed: number, rejected: number, errors: readonly ScanErrorRecord[]): void => {
    // A file that produced bytes, or no error at all, was read; a file only reported as
    // missing or unreadable was not.
    if (bytes > 0 || errors.length === 0) tally.files++;
    tally.bytes += bytes;
    tally.suppressed += suppressed;
    tally.rejected += rejected;
  };
  const failure = function* (path: string, code: ScanErrorRecord['code'], message: string): Generator<ScanEvent> {
    tally.errors++;
    yield { type: 'error', path: shown(path), code, message } satisfies ScanErrorRecord;
  };

  const settle = function* (file: FileInHand, outcome: TaskOutcome): Generator<ScanEvent> {
    const { display } = file;
    if (outcome.kind === 'aborted') return;
    if (outcome.kind === 'retry') {
      retries.push(file);
      return;
    }
    if (outcome.kind === 'failed') {
      yield* failure(display, outcome.code, outcome.message);
      return;
    }
    const { report } = outcome;
    countFile(report.stats.bytes, report.stats.suppressed, report.stats.rejected, report.errors);
    if (cache && display !== STDIN_NAME && cacheable(report.errors)) {
      cache.set(file.abs, {
        size: file.size,
        mtimeMs: file.mtimeMs,
        findings: report.findings,
        errors: report.errors,
        bytes: report.stats.bytes,
        suppressed: report.stats.suppressed,
        rejected: report.stats.rejected,
      });
    }
    yield* emitRecords(report.findings, report.errors, display);
  };

  const inlineOptions: ScanOptions = { ...plan.workerOptions, signal };
  // Pool tasks queued or running: a partial batch waits for more files only while every worker has one.
  let poolTasks = 0;
  const inWorker = (files: readonly FileInHand[]): Promise<readonly TaskOutcome[]> => {
    pool ??= new ParserPool({
      concurrency: plan.concurrency,
      timeoutMs: plan.settings.limits.timeoutMs,
      heapMb: internals.workerHeapMb ?? DEFAULT_WORKER_HEAP_MB,
    });
    poolTasks++;
    return pool
      .run(
        files.map((file) => ({ path: file.abs, size: file.size })),
        plan.workerOptions,
        signal,
      )
      .finally(() => poolTasks--);
  };
  // Tasks in hand: three per worker, plus two, so that the workers never wait for the main
  // thread to hand them work.
  const taskLimit = 3 * plan.concurrency + 2;
  // One large plain-text file at a time is streamed on the main thread, which otherwise only
  // walks, dispatches and reports: it saves a worker's start-up on the common "one big log"
  // scan. The text path is our own linear code, nothing to isolate.
  let bigInline = false;
  const inlineLarge = (file: FileInHand): Promise<readonly TaskOutcome[]> => {
    bigInline = true;
    return scanLargeInline(file, inlineOptions)
      .then(
        (report): readonly TaskOutcome[] | Promise<readonly TaskOutcome[]> => (report ? [{ kind: 'report', report }] : inWorker([file])),
        (error: unknown): readonly TaskOutcome[] => [{ kind: 'failed', ...describeError(error) }],
      )
      .finally(() => {
        bigInline = false;
      });
  };
  let mainThreadLeft = MAIN_THREAD_FILES;
  const start = (files: readonly FileInHand[], parse: () => Promise<readonly TaskOutcome[]>): void => {
    const id = nextId++;
    for (const file of files) internals.onParse?.(file.abs);
    const done = parse().then((outcomes): Wake => ({ kind: 'task', id, outcomes }));
    running.set(id, { files, done });
  };
  const submitOne = (file: FileInHand, alone: boolean): void => {
    if (file.size <= INLINE_MAX_BYTES && mainThreadLeft > 0 && !alone) {
      mainThreadLeft--;
      start([file], () =>
        scanInline(file, inlineOptions).then(
          (report): readonly TaskOutcome[] | Promise<readonly TaskOutcome[]> => (report ? [{ kind: 'report', report }] : inWorker([file])),
          (error: unknown): readonly TaskOutcome[] => [{ kind: 'failed', ...describeError(error) }],
        ),
      );
    } else if (file.size > INLINE_MAX_BYTES && !bigInline && internals.inlineLarge !== false) {
      start([file], () => inlineLarge(file));
    } else {
      start([file], () => inWorker([file]));
    }
  };
  /** Hands out the files at the head of `ready`; false when a partial batch should wait for more. */
  const submitNext = (): boolean => {
    const retry = retries.shift();
    if (retry) {
      submitOne(retry, true);
      return true;
    }
    const head = ready[0]!;
    if (head.size > INLINE_MAX_BYTES || mainThreadLeft > 0) {
      submitOne(ready.shift()!, false);
      return true;
    }
    let count = 1;
    while (count < BATCH_FILES && count < ready.length && ready[count]!.size <= INLINE_MAX_BYTES) count++;
    if (count < BATCH_FILES && count === ready.length && !walkDone && poolTasks >= plan.concurrency) return false;
    const batch = ready.splice(0, count);
    start(batch, () => inWorker(batch));
    return true;
  };
  if (internals.stdin) {
    const id = nextId++;
    const stdinOptions: ScanOptions = { ...plan.workerOptions, signal };
    // Standard input is scanned here, not in a worker: a stream cannot be handed to a thread.
    // The scanner's own (cooperative) time limit still applies.
    const done = scanStream(internals.stdin, {}, stdinOptions).then(
      (report): Wake => ({ kind: 'task', id, outcomes: [{ kind: 'report', report }] }),
      (error: unknown): Wake => {
        const { code, message } = describeError(error);
        return { kind: 'task', id, outcomes: [code === 'aborted' ? { kind: 'aborted' } : { kind: 'failed', code, message }] };
      },
    );
    running.set(id, { files: [{ display: STDIN_NAME, abs: STDIN_NAME, size: 0, mtimeMs: 0 }], done });
  }

  const progress = (): ScanProgress => {
    const seconds = (performance.now() - started) / 1000;
    const current = running.values().next().value?.files[0]?.display;
    return {
      type: 'progress',
      files: tally.files,
      bytes: tally.bytes,
      findings: tally.findings,
      errors: tally.errors,
      rate: seconds > 0 ? Math.round(tally.bytes / seconds) : 0,
      ...(current !== undefined ? { current: shown(current) } : {}),
    };
  };
  const armTick = (): void => {
    if (plan.progressIntervalMs === undefined) return;
    tick = new Promise<Wake>((resolve) => {
      tickTimer = setTimeout(() => resolve({ kind: 'tick' }), plan.progressIntervalMs);
    });
  };

  let interrupted = false;
  try {
    armTick();
    for (;;) {
      if (userSignal?.aborted) {
        interrupted = true;
        break;
      }
      while (running.size < taskLimit && (retries.length > 0 || ready.length > 0) && submitNext());
      if (!walkDone && walkPull === undefined && ready.length < taskLimit + BATCH_FILES) {
        walkPull = walker.next().then(
          (result): Wake => ({ kind: 'walk', result }),
          (): Wake => ({ kind: 'walk-failed' }),
        );
      }
      if (walkPull === undefined && running.size === 0 && ready.length === 0 && retries.length === 0) break;

      const waits: Promise<Wake>[] = [aborted];
      if (walkPull) waits.push(walkPull);
      for (const task of running.values()) waits.push(task.done);
      if (tick) waits.push(tick);
      const wake = await Promise.race(waits);

      switch (wake.kind) {
        case 'abort':
          continue;
        case 'tick':
          yield progress();
          armTick();
          continue;
        case 'walk-failed':
          // walk() turns file-system trouble into items; reaching this is a bug, said as such.
          walkPull = undefined;
          walkDone = true;
          yield* failure(plan.args.join(' '), 'internal', 'listing files failed unexpectedly; the scan is incomplete');
          continue;
        case 'walk': {
          walkPull = undefined;
          if (wake.result.done) {
            walkDone = true;
            continue;
          }
          const item = wake.result.value;
          if (item.kind === 'skip') {
            tally.skipped++;
          } else if (item.kind === 'error') {
            tally.errors++;
            yield { ...item.record, path: shown(item.record.path) };
          } else {
            const hit = cache?.get(item.abs, item.size, item.mtimeMs);
            if (hit) {
              countFile(hit.bytes, hit.suppressed, hit.rejected, hit.errors);
              yield* emitRecords(hit.findings, hit.errors, item.display);
            } else {
              ready.push(item);
            }
          }
          continue;
        }
        case 'task': {
          const task = running.get(wake.id)!;
          running.delete(wake.id);
          for (let index = 0; index < task.files.length; index++) yield* settle(task.files[index]!, wake.outcomes[index]!);
          continue;
        }
      }
    }
  } finally {
    stop.abort();
    clearTimeout(tickTimer);
    if (onAbort) userSignal?.removeEventListener('abort', onAbort);
    // Not awaited: a walk stuck in a slow folder listing must not hold up the end of the scan.
    walker.return(undefined).catch(() => undefined);
    await pool?.close();
    if (cache) {
      try {
        await cache.save();
      } catch (error) {
        warn(`cannot write cache file ${plan.cacheFile} (${describeError(error).message})`);
      }
    }
  }

  const summary: ScanSummary = {
    type: 'summary',
    files: tally.files,
    bytes: tally.bytes,
    skipped: tally.skipped,
    errors: tally.errors,
    findings: tally.findings,
    byConfidence: tally.byConfidence,
    byBrand: tally.byBrand,
    byKind: tally.byKind,
    suppressed: tally.suppressed,
    rejected: tally.rejected,
    durationMs: Math.round(performance.now() - started),
    complete: !interrupted && tally.errors === 0,
    aborted: interrupted,
    fingerprintKey: plan.settings.fingerprintKeySource,
  };
  yield summary;
}
