/**
 * The command line of `cardhound scan`: one table of flags that drives both parsing
 * (`node:util` parseArgs) and `--help`, and the conversion of flag values into ScanOptions.
 * Every problem is a {@link UsageError} with a one-line message; the shell turns it into exit 2.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CONFIDENCE_LEVELS } from '../options.js';
import { REPORT_FORMATS, type ReportFormat } from '../report/index.js';
import type { Confidence, ScanOptions } from '../types.js';
import { parseShard } from '../walk/shard.js';

/** A mistake on the command line: shown as one line, exit status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

interface FlagSpec {
  readonly name: string;
  readonly short?: string;
  readonly type: 'string' | 'boolean';
  readonly multiple?: boolean;
  /** Placeholder in `--help`, for string flags. */
  readonly value?: string;
  readonly help: string;
}

/** Every flag of `cardhound scan`, in `--help` order. */
const FLAGS: readonly FlagSpec[] = [
  { name: 'format', short: 'f', type: 'string', value: 'FORMAT', help: `output format: ${REPORT_FORMATS.join(', ')} (default text)` },
  { name: 'output', short: 'o', type: 'string', value: 'FILE', help: 'write the report to FILE instead of standard output' },
  { name: 'min-confidence', type: 'string', value: 'LEVEL', help: 'report findings at or above LEVEL: low, medium, high (default medium)' },
  { name: 'include', type: 'string', multiple: true, value: 'GLOB', help: 'scan only files matching GLOB (repeatable; no "/" = any folder)' },
  { name: 'exclude', type: 'string', multiple: true, value: 'GLOB', help: 'pass over files and folders matching GLOB (repeatable)' },
  { name: 'max-file-size', type: 'string', value: 'SIZE', help: 'larger files are reported as too_large: bytes or 10K, 10M, 1G (default 64G; text streams in bounded memory)' },
  { name: 'concurrency', type: 'string', value: 'N', help: 'worker threads scanning files (default: number of CPU cores)' },
  { name: 'timeout', type: 'string', value: 'SECONDS', help: 'time limit per file (default 60)' },
  { name: 'max-findings', type: 'string', value: 'N', help: 'findings kept per file; past N the rest of the file is not scanned (default 100000)' },
  { name: 'no-archives', type: 'boolean', help: 'do not look into archives and mail attachments' },
  { name: 'no-binary-strings', type: 'boolean', help: 'do not extract text from unknown binary files' },
  { name: 'no-hidden', type: 'boolean', help: 'skip dot-files and dot-folders (scanned by default)' },
  { name: 'follow-symlinks', type: 'boolean', help: 'follow symbolic links (loop-safe; default: skip them)' },
  { name: 'include-test-cards', type: 'boolean', help: 'also report published test card numbers (they stay low)' },
  { name: 'mask', type: 'string', value: 'STYLE', help: 'bin-last4 (default) or last4 (show only the last four digits)' },
  { name: 'cache', type: 'string', value: 'FILE', help: 're-read only files changed since the run that wrote FILE (needs CARDHOUND_FINGERPRINT_KEY)' },
  { name: 'shard', type: 'string', value: 'I/N', help: 'scan only part I of N (1-based), split by a stable hash of each path' },
  { name: 'progress', type: 'boolean', help: 'show progress on standard error, also when it is not a terminal' },
  { name: 'no-progress', type: 'boolean', help: 'never show progress (default: shown when standard error is a terminal)' },
  { name: 'quiet', short: 'q', type: 'boolean', help: 'no progress and no warnings on standard error' },
  { name: 'help', short: 'h', type: 'boolean', help: 'show this help' },
  { name: 'version', short: 'V', type: 'boolean', help: 'show the version' },
];

/** What `cardhound scan …` asked for. */
export interface ScanCommand {
  readonly inputs: readonly string[];
  /** `-` was among the inputs: standard input is scanned too. */
  readonly stdin: boolean;
  readonly format: ReportFormat;
  readonly output?: string;
  readonly progress: 'auto' | 'always' | 'never';
  readonly quiet: boolean;
  readonly options: ScanOptions;
}

export type Command = { readonly kind: 'help' } | { readonly kind: 'version' } | { readonly kind: 'scan'; readonly scan: ScanCommand };

const UNITS: Readonly<Record<string, number>> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** `10M`, `1.5G`, `512KiB`, `4096` → bytes; units are powers of 1024. */
export function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/i.exec(text.trim());
  if (!match) throw new UsageError(`--max-file-size expects a size such as 4096, 10M or 1G (got "${text}")`);
  const bytes = Math.floor(Number(match[1]) * UNITS[match[2]!.toLowerCase()]!);
  if (!Number.isSafeInteger(bytes)) throw new UsageError(`--max-file-size ${text} is too large`);
  return bytes;
}

function parseCount(text: string, flag: string, maxDigits = 6): number {
  if (!new RegExp(`^\\d{1,${maxDigits}}$`).test(text.trim()) || Number(text) < 1) throw new UsageError(`--${flag} expects a positive whole number (got "${text}")`);
  return Number(text);
}

function parseSeconds(text: string): number {
  const match = /^\d+(?:\.\d+)?$/.exec(text.trim());
  const ms = match ? Math.round(Number(text) * 1000) : NaN;
  if (!(ms >= 1) || !Number.isSafeInteger(ms)) throw new UsageError(`--timeout expects seconds greater than 0, e.g. 30 or 0.5 (got "${text}")`);
  return ms;
}

function oneOf<T extends string>(text: string, allowed: readonly T[], flag: string): T {
  if (!(allowed as readonly string[]).includes(text)) throw new UsageError(`--${flag} must be one of ${allowed.join(', ')} (got "${text}")`);
  return text as T;
}

function parseConfig(): ParseArgsConfig['options'] {
  return Object.fromEntries(
    FLAGS.map((flag) => [flag.name, { type: flag.type, ...(flag.short ? { short: flag.short } : {}), ...(flag.multiple ? { multiple: true } : {}) }]),
  );
}

/** Rewrites parseArgs' messages into one short line. */
function usageFromParseError(error: unknown): UsageError {
  const { code, message } = error as { code?: string; message?: string };
  const quoted = /'([^']+)'/.exec(message ?? '')?.[1] ?? '';
  // parseArgs quotes `-f, --format <value>`: keep just the long name.
  const option = /--[\w-]+/.exec(quoted)?.[0] ?? quoted;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return new UsageError(`unknown option ${option}`);
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    return new UsageError(/does not take/.test(message ?? '') ? `option ${option} does not take a value` : `option ${option} needs a value`);
  }
  return new UsageError(message ?? 'invalid arguments');
}

/** Parses the arguments after the program name. Throws {@link UsageError}. */
export function parseCommand(argv: readonly string[]): Command {
  const [command, ...rest] = argv;
  if (command === undefined) throw new UsageError('no command given');
  if (command === '--help' || command === '-h' || command === 'help') return { kind: 'help' };
  if (command === '--version' || command === '-V') return { kind: 'version' };
  if (command !== 'scan') throw new UsageError(command.startsWith('-') ? `unknown option ${command}` : `unknown command "${command}"`);

  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...rest], options: parseConfig(), allowPositionals: true, strict: true, tokens: true });
  } catch (error) {
    throw usageFromParseError(error);
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  const string = (name: string): string | undefined => values[name] as string | undefined;
  const flag = (name: string): boolean => values[name] === true;
  const list = (name: string): string[] | undefined => values[name] as string[] | undefined;

  if (flag('help')) return { kind: 'help' };
  if (flag('version')) return { kind: 'version' };

  const positionals = parsed.positionals;
  if (positionals.length === 0) throw new UsageError('scan needs at least one path, glob, or - for standard input');
  const inputs = [...new Set(positionals.filter((input) => input !== '-'))];

  const limits: { maxFileSize?: number; timeoutMs?: number; maxFindings?: number } = {};
  const maxFileSize = string('max-file-size');
  if (maxFileSize !== undefined) limits.maxFileSize = parseSize(maxFileSize);
  const timeout = string('timeout');
  if (timeout !== undefined) limits.timeoutMs = parseSeconds(timeout);
  const maxFindings = string('max-findings');
  if (maxFindings !== undefined) limits.maxFindings = parseCount(maxFindings, 'max-findings', 9);
  const minConfidence = string('min-confidence');
  const mask = string('mask');
  const concurrency = string('concurrency');
  const shard = string('shard');
  const cache = string('cache');
  let shardValue: ScanOptions['shard'];
  try {
    shardValue = shard === undefined ? undefined : parseShard(shard);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }

  const options: ScanOptions = {
    ...(minConfidence !== undefined ? { minConfidence: oneOf<Confidence>(minConfidence, CONFIDENCE_LEVELS, 'min-confidence') } : {}),
    ...(mask !== undefined ? { mask: oneOf(mask, ['bin-last4', 'last4'] as const, 'mask') } : {}),
    ...(concurrency !== undefined ? { concurrency: parseCount(concurrency, 'concurrency') } : {}),
    ...(Object.keys(limits).length > 0 ? { limits } : {}),
    ...(list('include') ? { include: list('include') } : {}),
    ...(list('exclude') ? { exclude: list('exclude') } : {}),
    ...(cache !== undefined ? { cacheFile: cache } : {}),
    ...(shardValue ? { shard: shardValue } : {}),
    archives: !flag('no-archives'),
    binaryStrings: !flag('no-binary-strings'),
    hidden: !flag('no-hidden'),
    followSymlinks: flag('follow-symlinks'),
    includeTestCards: flag('include-test-cards'),
  };

  // The last of --progress / --no-progress wins, as with any repeated switch.
  let progress: ScanCommand['progress'] = 'auto';
  for (const token of parsed.tokens ?? []) {
    if (token.kind !== 'option') continue;
    if (token.name === 'progress') progress = 'always';
    else if (token.name === 'no-progress') progress = 'never';
  }
  const format = string('format');
  const output = string('output');
  return {
    kind: 'scan',
    scan: {
      inputs,
      stdin: positionals.includes('-'),
      format: format === undefined ? 'text' : oneOf(format, REPORT_FORMATS, 'format'),
      ...(output !== undefined ? { output } : {}),
      progress,
      quiet: flag('quiet'),
      options,
    },
  };
}

/** The text of `cardhound --help`. */
export function helpText(version: string): string {
  const rows = FLAGS.map((flag) => {
    const names = `${flag.short ? `-${flag.short}, ` : '    '}--${flag.name}${flag.value ? ` ${flag.value}` : ''}`;
    return `  ${names.padEnd(30)} ${flag.help}`;
  });
  return `cardhound ${version}: find payment-card data (card numbers, track data) in files

Usage:
  cardhound scan [options] <path|glob|->...
  cardhound --version | --help

Inputs are files, folders (everything below them), globs such as 'share/**/*.xlsx'
(quote them), or - for standard input. Findings show at most the first six and the
last four digits.

Options:
${rows.join('\n')}

Exit status:
  0  nothing found, and every file was scanned
  1  card data found at or above the threshold
  2  usage error or fatal error
  3  nothing found, but some input could not be scanned (unreadable, encrypted,
     too large, timed out, interrupted): the result is incomplete

Environment:
  CARDHOUND_FINGERPRINT_KEY  key for finding fingerprints (HMAC); without it a random
                             key is used and fingerprints differ between runs
  NO_COLOR                   no colours in text output

Examples:
  cardhound scan /srv/share
  cardhound scan --format sarif -o cards.sarif 'exports/**/*.{csv,xlsx}'
  cardhound scan --exclude node_modules --max-file-size 100M --timeout 30 .
  pg_dump shop | cardhound scan --format ndjson -
  CARDHOUND_FINGERPRINT_KEY=... cardhound scan --cache ~/.cache/cardhound.json /srv/share
  cardhound scan --shard 2/4 --format ndjson /srv/share > part-2.ndjson
`;
}
