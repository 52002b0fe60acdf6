/**
 * `scan()`: many files in, one event stream out. Walks the arguments, parses each file in a
 * worker under a time limit, reuses cached results of unchanged files, and yields findings and
 * error records as files finish, progress events when asked, and a summary last.
 *
 * Flow control: the consumer pulls. At most `concurrency` files are parsed in workers at once;
 * at most `3 × concurrency + 2` are in hand (parsing, scanned on the main thread, or queued for
 * a worker) and as many more wait stat-ed and ready; while the consumer does not pull, nothing
 * new is walked or submitted.
 *
 * Where files are parsed: small plain-text files on the main thread, everything else in worker
 * threads. Measured on the 2-core project machine (under load from other jobs) with 2 000 files
 * of 220 bytes: the main thread scanned them in 0.6–1.9 s, the worker pool in 4.3–7.2 s — a
 * worker round trip costs ~2 ms per file there, against ~0.3 ms for the scan itself. Workers
 * are kept for everything that needs a third-party parser or can be large: only they can be
 * terminated (a synchronous hang), have a heap limit, and keep a parser's prototype pollution
 * out of our isolate. Plain text of at most {@link INLINE_MAX_BYTES} goes through our own
 * decoder and detector only, whose work is linear in the input and bounded by the size.
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
  | { readonly kind: 'task'; readonly id: number; readonly outcome: TaskOutcome }
  | { readonly kind: 'tick' }
  | { readonly kind: 'abort' };

interface Running {
  readonly file: Pick<WalkFile, 'display' | 'abs' | 'size' | 'mtimeMs'>;
  readonly done: Promise<Wake>;
}

const STDIN_NAME = '-';

/** Largest file that may be scanned on the main thread (if it sniffs as plain text). */
export const INLINE_MAX_BYTES = 64 * 1024;


/** Formats handled by cardhound's own code only (no third-party parser), safe on the main thread. */
const INLINE_FORMATS: ReadonlySet<FormatId> = new Set<FormatId>(['text', 'csv', 'tsv', 'json']);

const NO_STATS: FileReport['stats'] = { bytes: 0, segments: 0, chars: 0, nested: 0, suppressed: 0, rejected: 0, durationMs: 0, format: 'unknown' };

/**
 * Scans a small file on the main thread if it is plain text; `undefined` means "give it to a
 * worker". Never rejects.
 */
async function scanInline(file: WalkFile, options: ScanOptions): Promise<FileReport | undefined> {
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
async function scanLargeInline(file: WalkFile, options: ScanOptions): Promise<FileReport | undefined> {
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

  const inlineOptions: ScanOptions = { ...plan.workerOptions, signal };
  const inWorker = (file: WalkFile): Promise<TaskOutcome> => {
    pool ??= new ParserPool({
      concurrency: plan.concurrency,
      timeoutMs: plan.settings.limits.timeoutMs,
      heapMb: internals.workerHeapMb ?? DEFAULT_WORKER_HEAP_MB,
    });
    return pool.run({ path: file.abs, options: plan.workerOptions }, signal, file.size);
  };
  // Files in hand: three per worker, plus two. The main thread scans small plain text itself
  // while the workers parse; files are taken in walk order, and on a share most are plain
  // text, so with few in hand the ones for the workers run out while text waits for the main
  // thread. Measured on 20,000 mixed files (three in four plain text) with 2 workers: 23.3–24.0 s
  // with one file per worker in hand, 19.5–20.6 s with two more, and a further 8 % less with
  // six more (the workers had been idle half the time).
  const inFlightLimit = 3 * plan.concurrency + 2;
  // One large plain-text file at a time is streamed on the main thread, which otherwise only
  // dispatches: it saves a worker's start-up on the common "one big log" scan and adds a
  // thread's worth of work on a share. The text path is our own linear code, nothing to isolate.
  let bigInline = false;
  const inlineLarge = (file: WalkFile): Promise<TaskOutcome> => {
    bigInline = true;
    return scanLargeInline(file, inlineOptions)
      .then(
        (report): TaskOutcome | Promise<TaskOutcome> => (report ? { kind: 'report', report } : inWorker(file)),
        (error: unknown): TaskOutcome => ({ kind: 'failed', ...describeError(error) }),
      )
      .finally(() => {
        bigInline = false;
      });
  };
  const submit = (file: WalkFile): void => {
    const id = nextId++;
    internals.onParse?.(file.abs);
    const outcome =
      file.size <= INLINE_MAX_BYTES
        ? scanInline(file, inlineOptions).then(
            (report): TaskOutcome | Promise<TaskOutcome> => (report ? { kind: 'report', report } : inWorker(file)),
            (error: unknown): TaskOutcome => ({ kind: 'failed', ...describeError(error) }),
          )
        : !bigInline && internals.inlineLarge !== false
          ? inlineLarge(file)
          : inWorker(file);
    const done = outcome.then((result): Wake => ({ kind: 'task', id, outcome: result }));
    running.set(id, { file, done });
  };

  if (internals.stdin) {
    const id = nextId++;
    const stdinOptions: ScanOptions = { ...plan.workerOptions, signal };
    // Standard input is scanned here, not in a worker: a stream cannot be handed to a thread.
    // The scanner's own (cooperative) time limit still applies.
    const done = scanStream(internals.stdin, {}, stdinOptions).then(
      (report): Wake => ({ kind: 'task', id, outcome: { kind: 'report', report } }),
      (error: unknown): Wake => {
        const { code, message } = describeError(error);
        return { kind: 'task', id, outcome: code === 'aborted' ? { kind: 'aborted' } : { kind: 'failed', code, message } };
      },
    );
    running.set(id, { file: { display: STDIN_NAME, abs: STDIN_NAME, size: 0, mtimeMs: 0 }, done });
  }

  const progress = (): ScanProgress => {
    const seconds = (performance.now() - started) / 1000;
    const current = running.values().next().value?.file.display;
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
      while (running.size < inFlightLimit && ready.length > 0) submit(ready.shift()!);
      if (!walkDone && walkPull === undefined && ready.length < inFlightLimit) {
        walkPull = walker.next().then(
          (result): Wake => ({ kind: 'walk', result }),
          (): Wake => ({ kind: 'walk-failed' }),
        );
      }
      if (walkPull === undefined && running.size === 0 && ready.length === 0) break;

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
          const { outcome } = wake;
          const { display } = task.file;
          if (outcome.kind === 'aborted') continue;
          if (outcome.kind === 'failed') {
            yield* failure(display, outcome.code, outcome.message);
            continue;
          }
          const { report } = outcome;
          countFile(report.stats.bytes, report.stats.suppressed, report.stats.rejected, report.errors);
          if (cache && display !== STDIN_NAME && cacheable(report.errors)) {
            cache.set(task.file.abs, {
              size: task.file.size,
              mtimeMs: task.file.mtimeMs,
              findings: report.findings,
              errors: report.errors,
              bytes: report.stats.bytes,
              suppressed: report.stats.suppressed,
              rejected: report.stats.rejected,
            });
          }
          yield* emitRecords(report.findings, report.errors, display);
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
