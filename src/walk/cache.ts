/**
 * Incremental re-scans: a JSON file remembering, per absolute path, the size, the mtime and the
 * result (findings and error records) of the last scan of that file. An unchanged file is not
 * read again; its earlier findings are reported as if it had been.
 *
 * What is safe to store: findings are masked at birth and error messages never quote content,
 * so the cache holds nothing a report does not. The fingerprint key is never stored, only an
 * HMAC tag derived from it that invalidates the cache when the key changes. The file is still
 * written with mode 0600: it lists where card data sits.
 *
 * Why a configured key is required (checked by `scan()`): fingerprints are HMACs under the
 * run's key. With a random per-run key, cached fingerprints would not match fresh ones, and the
 * same card would show two fingerprints in one report.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { lstat, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Settings } from '../options.js';
import type { ErrorCode, Finding, ScanErrorRecord } from '../types.js';

/** Bumped when the file layout or the meaning of a stored result changes. */
const CACHE_FORMAT = 1;

/** One file's remembered result. */
export interface CacheEntry {
  readonly size: number;
  readonly mtimeMs: number;
  readonly findings: readonly Finding[];
  readonly errors: readonly ScanErrorRecord[];
  /** The scanner's byte count and counters, so the summary of a cached run adds up. */
  readonly bytes: number;
  readonly suppressed: number;
  readonly rejected: number;
}

interface CacheFile {
  readonly format: typeof CACHE_FORMAT;
  readonly options: string;
  readonly entries: Record<string, CacheEntry>;
}

/**
 * Errors that say something about the moment, not the file: the next run must try again
 * rather than repeat them from the cache.
 */
const TRANSIENT: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'timeout',
  'memory_limit',
  'aborted',
  'io_error',
  'not_found',
  'permission_denied',
  'internal',
]);

/** Whether a file's result may be remembered: only if none of its errors is transient. */
export function cacheable(errors: readonly ScanErrorRecord[]): boolean {
  return errors.every((error) => !TRANSIENT.has(error.code));
}

/**
 * A digest of everything that changes what a scan of an unchanged file reports. The per-file
 * timeout is left out on purpose: timed-out files are never cached (see {@link cacheable}).
 */
export function optionsDigest(settings: Settings, toolVersion: string): string {
  const { timeoutMs: _timeout, ...limits } = settings.limits;
  const keyTag = createHmac('sha256', settings.fingerprintKey).update('cardhound cache key check').digest('hex');
  const relevant = {
    toolVersion,
    minConfidence: settings.minConfidence,
    windowBefore: settings.windowBefore,
    windowAfter: settings.windowAfter,
    mask: settings.mask,
    binLength: settings.binLength,
    allowFingerprints: [...settings.allowFingerprints].sort(),
    allowBins: settings.allowBins.map((range) => `${range.from}-${range.to ?? range.from}`).sort(),
    includeTestCards: settings.includeTestCards,
    archives: settings.archives,
    binaryStrings: settings.binaryStrings,
    limits: Object.fromEntries(Object.entries(limits).sort(([a], [b]) => a.localeCompare(b))),
    keyTag,
  };
  return createHash('sha256').update(JSON.stringify(relevant)).digest('hex');
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function validEntry(value: unknown): value is CacheEntry {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  return (
    isCount(entry.size) &&
    isCount(entry.mtimeMs) &&
    isCount(entry.bytes) &&
    isCount(entry.suppressed) &&
    isCount(entry.rejected) &&
    Array.isArray(entry.findings) &&
    entry.findings.every((f) => typeof f === 'object' && f !== null && (f as { type?: unknown }).type === 'finding') &&
    Array.isArray(entry.errors) &&
    entry.errors.every((e) => typeof e === 'object' && e !== null && (e as { type?: unknown }).type === 'error')
  );
}

/** The cache of one scan run: loaded at the start, saved once at the end. */
export class ScanCache {
  private readonly previous: Map<string, CacheEntry>;
  private readonly current = new Map<string, CacheEntry>();

  private constructor(
    private readonly file: string,
    private readonly options: string,
    previous: Map<string, CacheEntry>,
  ) {
    this.previous = previous;
  }

  /**
   * Reads `file`. A missing file starts an empty cache; an unreadable, corrupt or foreign one
   * also starts empty and comes with a warning (never an exception: the scan must still run).
   * A file written under other options is dropped as a whole.
   */
  static async load(file: string, options: string): Promise<{ cache: ScanCache; warning?: string }> {
    const empty = new Map<string, CacheEntry>();
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') return { cache: new ScanCache(file, options, empty) };
      return { cache: new ScanCache(file, options, empty), warning: `cannot read cache file ${file}; scanning everything` };
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const data = parsed as Partial<CacheFile> | undefined;
    if (typeof data !== 'object' || data === null || data.format !== CACHE_FORMAT || typeof data.entries !== 'object' || data.entries === null) {
      return { cache: new ScanCache(file, options, empty), warning: `cache file ${file} is not a cardhound cache or is corrupt; ignoring it` };
    }
    if (data.options !== options) return { cache: new ScanCache(file, options, empty) };
    const entries = new Map<string, CacheEntry>();
    for (const [path, entry] of Object.entries(data.entries)) {
      if (validEntry(entry)) entries.set(path, entry);
    }
    return { cache: new ScanCache(file, options, entries) };
  }

  /** The remembered result for `abs` if its size and mtime are still the same. */
  get(abs: string, size: number, mtimeMs: number): CacheEntry | undefined {
    const entry = this.previous.get(abs);
    if (!entry || entry.size !== size || entry.mtimeMs !== mtimeMs) return undefined;
    this.current.set(abs, entry);
    return entry;
  }

  /** Remembers a fresh result. Findings and errors are stored as given (paths are re-mapped on reading). */
  set(abs: string, entry: CacheEntry): void {
    this.current.set(abs, entry);
  }

  /**
   * Writes the cache atomically (temporary file in the same folder, then rename, so a crash
   * never leaves half a file). Entries of this run replace old ones. Old entries this run did
   * not touch are kept while their file exists, so that scanning one folder, one shard or an
   * interrupted run does not forget the rest; entries of deleted files are dropped.
   */
  async save(): Promise<void> {
    const entries: Record<string, CacheEntry> = {};
    for (const [path, entry] of this.previous) {
      if (this.current.has(path)) continue;
      try {
        await lstat(path);
        entries[path] = entry;
      } catch {
        // Gone (or no longer reachable): nothing to remember.
      }
    }
    for (const [path, entry] of this.current) entries[path] = entry;
    const data: CacheFile = { format: CACHE_FORMAT, options: this.options, entries };
    const temp = join(dirname(this.file), `.${basename(this.file)}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await writeFile(temp, JSON.stringify(data), { mode: 0o600, flag: 'wx' });
      await rename(temp, this.file);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }
}
