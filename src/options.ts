import type { BinRange, Confidence, LimitOptions, ScanOptions } from './types.js';

/**
 * Defaults for the limits on untrusted input. Chosen so that a legitimate office document
 * never hits them while a bomb is stopped early: PANhunt uses depth 25 / ratio 100 / 10 000
 * members; we allow less depth (real archives rarely nest past 3) and a higher ratio (text-heavy
 * spreadsheets legitimately compress 100:1).
 */
export const DEFAULT_LIMITS: Required<LimitOptions> = Object.freeze({
  maxFileSize: 64 * 1024 * 1024 * 1024,
  maxBufferSize: 512 * 1024 * 1024,
  timeoutMs: 60_000,
  maxDepth: 8,
  maxEntries: 10_000,
  maxExpandedBytes: 1024 * 1024 * 1024,
  maxRatio: 200,
  maxPages: 2_000,
  maxTextChars: 256 * 1024 * 1024,
  maxCells: 5_000_000,
  maxFindings: 100_000,
});

/**
 * Context window defaults. Macie looks 30 characters around a number, Purview 300. 30 misses
 * "Credit card (Visa, personal) number: 4111…" style labels; 300 lets one keyword in a CSV
 * header line lend credibility to dozens of unrelated numbers below it. 64 before / 32 after
 * covers a label plus a short phrase on the same record, and keeps per-candidate work small.
 */
export const DEFAULT_WINDOW_BEFORE = 64;
export const DEFAULT_WINDOW_AFTER = 32;

export const CONFIDENCE_LEVELS: readonly Confidence[] = ['low', 'medium', 'high'];

/** Options resolved once: every field present, validated, frozen. */
export interface Settings {
  readonly minConfidence: Confidence;
  readonly windowBefore: number;
  readonly windowAfter: number;
  readonly fingerprintKey: Uint8Array;
  readonly fingerprintKeySource: 'option' | 'env' | 'random';
  readonly mask: 'bin-last4' | 'last4';
  readonly binLength: 6 | 8;
  readonly allowFingerprints: ReadonlySet<string>;
  readonly allowBins: readonly BinRange[];
  readonly includeTestCards: boolean;
  readonly archives: boolean;
  readonly binaryStrings: boolean;
  readonly limits: Readonly<Required<LimitOptions>>;
  readonly signal: AbortSignal | undefined;
}

/** Thrown for bad options only; per-file trouble never throws. */
export class OptionsError extends Error {
  override readonly name = 'OptionsError';
}

function positiveInt(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || Math.floor(value) !== value) {
    throw new OptionsError(`${name} must be a non-negative integer`);
  }
  return value;
}

const textEncoder = new TextEncoder();

function randomKey(): Uint8Array {
  const key = new Uint8Array(32);
  globalThis.crypto.getRandomValues(key);
  return key;
}

/** The process-wide random key: fingerprints stay comparable within one run when no key is given. */
let runKey: Uint8Array | undefined;

function readEnvKey(): string | undefined {
  // `process` may not exist in a browser; the core must not import node:process.
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  const value = proc?.env?.CARDHOUND_FINGERPRINT_KEY;
  return value === undefined || value === '' ? undefined : value;
}

function resolveKey(key: ScanOptions['fingerprintKey']): { key: Uint8Array; source: Settings['fingerprintKeySource'] } {
  if (key !== undefined) {
    const bytes = typeof key === 'string' ? textEncoder.encode(key) : key;
    if (bytes.length === 0) throw new OptionsError('fingerprintKey must not be empty');
    return { key: bytes, source: 'option' };
  }
  const env = readEnvKey();
  if (env !== undefined) return { key: textEncoder.encode(env), source: 'env' };
  runKey ??= randomKey();
  return { key: runKey, source: 'random' };
}

function resolveBins(bins: readonly BinRange[] | undefined): readonly BinRange[] {
  if (bins === undefined) return [];
  return bins.map((range) => {
    const to = range.to ?? range.from;
    if (!/^\d{1,19}$/.test(range.from) || !/^\d{1,19}$/.test(to) || to.length !== range.from.length) {
      throw new OptionsError('allowBins entries need digit strings `from` and `to` of equal length');
    }
    if (to < range.from) throw new OptionsError('allowBins: `to` must not be below `from`');
    return Object.freeze({ from: range.from, to });
  });
}

const settingsCache = new WeakMap<object, Settings>();

/** Validates options once and returns frozen settings (cached per options object). */
export function resolveSettings(options: ScanOptions = {}): Settings {
  const cached = settingsCache.get(options);
  if (cached) return cached;
  const minConfidence = options.minConfidence ?? 'medium';
  if (!CONFIDENCE_LEVELS.includes(minConfidence)) {
    throw new OptionsError('minConfidence must be one of low, medium, high');
  }
  const mask = options.mask ?? 'bin-last4';
  if (mask !== 'bin-last4' && mask !== 'last4') throw new OptionsError('mask must be bin-last4 or last4');
  const binLength = options.binLength ?? 6;
  if (binLength !== 6 && binLength !== 8) throw new OptionsError('binLength must be 6 or 8');
  const limitsIn = options.limits ?? {};
  const limits = Object.freeze(
    Object.fromEntries(
      Object.entries(DEFAULT_LIMITS).map(([name, fallback]) => [
        name,
        positiveInt((limitsIn as Record<string, unknown>)[name], `limits.${name}`, fallback),
      ]),
    ) as Required<LimitOptions>,
  );
  const { key, source } = resolveKey(options.fingerprintKey);
  const allowFingerprints = new Set((options.allowFingerprints ?? []).map((f) => f.toLowerCase()));
  const settings: Settings = Object.freeze({
    minConfidence,
    windowBefore: positiveInt(options.windowBefore, 'windowBefore', DEFAULT_WINDOW_BEFORE),
    windowAfter: positiveInt(options.windowAfter, 'windowAfter', DEFAULT_WINDOW_AFTER),
    fingerprintKey: key,
    fingerprintKeySource: source,
    mask,
    binLength,
    allowFingerprints,
    allowBins: resolveBins(options.allowBins),
    includeTestCards: options.includeTestCards ?? false,
    archives: options.archives ?? true,
    binaryStrings: options.binaryStrings ?? true,
    limits,
    signal: options.signal,
  });
  settingsCache.set(options, settings);
  return settings;
}
