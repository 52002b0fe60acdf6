/**
 * The public contract of cardhound: every type a caller, an extractor or a reporter sees.
 *
 * Rule that shapes everything here: no type in this file has a field that can hold a full
 * card number or a security-code value. A PAN is masked the moment the detector creates a
 * {@link Finding}; a CVV is only ever reported as `present`.
 *
 * Position bases: `page`, `line`, `column` and `row` are 1-based; `offset` is 0-based.
 * `column` and `offset` count UTF-16 code units of the extracted text (what JavaScript
 * string indices count), not bytes of the original file.
 *
 * @packageDocumentation
 */

/** Card brands cardhound knows, as lower-case ids. `unknown` means no IIN range matched. */
export type Brand =
  | 'visa'
  | 'mastercard'
  | 'amex'
  | 'discover'
  | 'jcb'
  | 'diners'
  | 'unionpay'
  | 'maestro'
  | 'mir'
  | 'rupay'
  | 'elo'
  | 'hipercard'
  | 'verve'
  | 'troy'
  | 'uatp'
  | 'dankort'
  | 'unknown';

/** What the levels mean is fixed by the design: see README "Confidence". */
export type Confidence = 'low' | 'medium' | 'high';

/** `pan` is a bare card number; `track1`/`track2` are magnetic-stripe data (sensitive authentication data). */
export type FindingKind = 'pan' | 'track1' | 'track2';

/**
 * Where something is. Every field is optional because formats differ: a PDF has pages, a
 * sheet has cells, a log has lines. `entry` is the chain inside containers joined with `!/`
 * (`outer.zip!/inner/b.docx`), or a part name inside a document (`word/footer1.xml`).
 */
export interface Location {
  readonly entry?: string;
  /** 1-based page (PDF) or slide (presentations). */
  readonly page?: number;
  readonly sheet?: string;
  /** A1-style cell address, e.g. `C12`. */
  readonly cell?: string;
  /** 1-based record number (CSV/TSV record, spreadsheet row). */
  readonly row?: number;
  /** 1-based line in the extracted text. */
  readonly line?: number;
  /** 1-based column (UTF-16 code units) in that line. */
  readonly column?: number;
  /** 0-based offset (UTF-16 code units) in the extracted text of the segment/file. */
  readonly offset?: number;
}

/** A companion value (expiry date, security code) that belongs to a PAN: only its presence and place. */
export interface CompanionRef {
  readonly present: true;
  readonly location: Location;
}

/**
 * One occurrence of card data. Plain, readonly JSON data. It never holds the full PAN or a
 * CVV value: `masked` shows at most the BIN and the last four digits.
 */
export interface Finding {
  readonly type: 'finding';
  /** File as given or relative to the scan root; absent in `scanText` results. */
  readonly path?: string;
  readonly location: Location;
  readonly kind: FindingKind;
  readonly brand: Brand;
  /** BIN + last four at most, the rest `*`, no separators: `411111******1111`. */
  readonly masked: string;
  /** First six digits (eight when `binLength: 8` is asked and the brand issues 8-digit BINs); empty with `mask: 'last4'`. */
  readonly bin: string;
  readonly last4: string;
  /** Number of digits in the PAN. */
  readonly length: number;
  readonly confidence: Confidence;
  /** 0–1; `confidence` is derived from it (see README). */
  readonly score: number;
  /** Machine tags explaining every point of the score, e.g. `luhn`, `brand:visa`, `keyword:card@-12`. */
  readonly reasons: readonly string[];
  readonly expiry?: CompanionRef;
  readonly cvv?: CompanionRef;
  /** True for published test numbers (kept below the default threshold). */
  readonly testCard: boolean;
  /** HMAC-SHA-256 of the PAN digits, hex, under the run's fingerprint key. */
  readonly fingerprint: string;
}

/**
 * Stable error codes. Per-file problems become an {@link ScanErrorRecord} with one of these;
 * the scan goes on. Only bad options and usage errors throw.
 */
export type ErrorCode =
  | 'not_found'
  | 'permission_denied'
  | 'too_large'
  | 'encrypted'
  | 'corrupt'
  | 'unsupported'
  | 'timeout'
  | 'archive_depth'
  | 'archive_ratio'
  | 'archive_entries'
  | 'archive_size'
  | 'memory_limit'
  | 'limit'
  | 'io_error'
  | 'aborted'
  | 'internal';

/** A file, folder or container member that could not be (fully) read. The message never quotes file content. */
export interface ScanErrorRecord {
  readonly type: 'error';
  readonly path: string;
  readonly location?: Location;
  readonly code: ErrorCode;
  readonly message: string;
}

/** Counts keyed by level, brand or kind. */
export type Counts<K extends string> = { readonly [key in K]?: number };

/** The last record of a scan. `complete` is false when the scan was aborted or some input could not be read. */
export interface ScanSummary {
  readonly type: 'summary';
  /** Files (top-level) that were read. */
  readonly files: number;
  /** Bytes read from those files. */
  readonly bytes: number;
  /** Files passed over on purpose (excluded type, size, device files …). */
  readonly skipped: number;
  readonly errors: number;
  /** Findings reported (at or above the threshold). */
  readonly findings: number;
  readonly byConfidence: Counts<Confidence>;
  readonly byBrand: Counts<Brand>;
  readonly byKind: Counts<FindingKind>;
  /** Luhn-valid candidates held back (below threshold, allow-listed); for diagnostics. */
  readonly suppressed: number;
  /** Candidates in card format that failed the Luhn check; counted, never reported. */
  readonly rejected: number;
  readonly durationMs: number;
  readonly complete: boolean;
  readonly aborted: boolean;
  /** `option`, `env` or `random`: where the fingerprint key came from (random keys make fingerprints useless across runs). */
  readonly fingerprintKey: 'option' | 'env' | 'random';
}

/** Emitted now and then for user interfaces; reporters ignore it. */
export interface ScanProgress {
  readonly type: 'progress';
  readonly files: number;
  readonly bytes: number;
  readonly findings: number;
  readonly errors: number;
  /** Bytes per second since the start. */
  readonly rate: number;
  /** Path of a file in work, if any. */
  readonly current?: string;
}

export type ScanEvent = Finding | ScanErrorRecord | ScanSummary | ScanProgress;

/** Statistics of one file / buffer / stream scan. */
export interface FileStats {
  readonly bytes: number;
  /** Text segments handed to the detector. */
  readonly segments: number;
  /** Characters of extracted text scanned. */
  readonly chars: number;
  /** Nested members (archive entries, attachments) scanned. */
  readonly nested: number;
  readonly suppressed: number;
  readonly rejected: number;
  readonly durationMs: number;
  /** Detected format id, e.g. `text`, `pdf`, `xlsx`, `zip`. */
  readonly format: string;
}

/** What `scanBuffer`, `scanFile` and `scanStream` return. */
export interface FileReport {
  readonly path?: string;
  readonly findings: readonly Finding[];
  readonly errors: readonly ScanErrorRecord[];
  readonly stats: FileStats;
}

/** Caller-supplied facts about bytes whose origin is not a path. */
export interface InputMeta {
  readonly filename?: string;
  readonly mediaType?: string;
}

// ---------------------------------------------------------------------------------------------
// Extractor contract (bytes → text segments). Extractors know nothing about card numbers.
// ---------------------------------------------------------------------------------------------

/** A named region of a segment's text, e.g. one CSV cell under its column header. */
export interface SegmentField {
  /** Offset of the field's first character in `Segment.text`. */
  readonly start: number;
  /** Offset after its last character. */
  readonly end: number;
  /** Column header, JSON key, XML element/attribute name: used as context by the detector. */
  readonly name?: string;
  /** Location of this field (e.g. `{ sheet, cell, row }`); merged over the segment's `at`. */
  readonly at?: Location;
  /**
   * The field is a number stored with only this many significant digits, written out in full
   * with zeros for the digits that were not kept: a spreadsheet cell, where Excel keeps 15
   * (a 16-digit number typed in loses its last digit).
   */
  readonly significantDigits?: number;
}

/**
 * A piece of extracted text with its place. The detector reports offsets into `text`; the
 * scanner turns them into a {@link Location} with `locate` when given, else by merging `at`
 * with the line/column computed from `text` (lines relative to `at.line`, default 1).
 */
export interface Segment {
  readonly text: string;
  readonly at: Location;
  /** Names of the parts of `text` (cells, keys) used as context and for cell locations. */
  readonly fields?: readonly SegmentField[];
  /** A field name that applies to the whole segment (JSON key, XML element, column header). */
  readonly fieldName?: string;
  /** Exact location of an offset in `text`, when the extractor knows better than line counting. */
  locate?(offset: number): Location;
}

/** A member of a container (archive entry, mail attachment) for the scanner to scan recursively. */
export interface NestedInput {
  readonly kind: 'nested';
  /** Name within the container; becomes one link of `location.entry`. */
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly mediaType?: string;
}

/** A problem an extractor met but could step over (one member unreadable, a part encrypted …). */
export interface ExtractWarning {
  readonly kind: 'error';
  readonly code: ErrorCode;
  readonly message: string;
  readonly at?: Location;
}

export type ExtractItem = Segment | NestedInput | ExtractWarning;

// ---------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------

/** An allowed BIN range: numbers whose leading digits fall in [from, to] are never reported. */
export interface BinRange {
  /** Leading digits, e.g. `"411111"`. */
  readonly from: string;
  /** Inclusive upper bound with the same number of digits as `from`. Defaults to `from`. */
  readonly to?: string;
}

/** Limits on untrusted input. Every one has a documented default (see `DEFAULT_LIMITS`). */
export interface LimitOptions {
  /** Files larger than this are not read at all (`too_large`). Default 64 GiB: plain text streams in bounded memory whatever its size. */
  readonly maxFileSize?: number;
  /** Largest input held in memory for parsing (documents, archives, members; also a stream that is not plain text). Default 512 MiB. */
  readonly maxBufferSize?: number;
  /** Per-file time limit in milliseconds (worker timeouts). Default 60 000. */
  readonly timeoutMs?: number;
  /** Container nesting depth (zip in zip in mail …). Default 8. */
  readonly maxDepth?: number;
  /** Members per container. Default 10 000. */
  readonly maxEntries?: number;
  /** Total bytes expanded from one top-level file. Default 1 GiB. */
  readonly maxExpandedBytes?: number;
  /** Largest expansion ratio (expanded / compressed) of one member. Default 200. */
  readonly maxRatio?: number;
  /** PDF pages read per document. Default 2 000. */
  readonly maxPages?: number;
  /** Characters of text extracted from one document. Default 256 Mi. */
  readonly maxTextChars?: number;
  /** Spreadsheet cells read per workbook. Default 5 000 000. */
  readonly maxCells?: number;
  /**
   * Findings kept per file (its members included). A file with more gets a `limit` record
   * and the rest of it is not scanned: it is a card dump, and a finding costs about
   * 1.2 KB until the file's report is out, so an export with millions of card numbers would
   * otherwise exhaust memory. Default 100 000. Does not apply to `scanText`.
   */
  readonly maxFindings?: number;
}

/** Options for every scan function. All optional; defaults are documented per field. */
export interface ScanOptions {
  /** Findings below this level are not reported. Default `medium`. */
  readonly minConfidence?: Confidence;
  /** Characters before a number searched for context. Default 64. */
  readonly windowBefore?: number;
  /** Characters after a number searched for context. Default 32. */
  readonly windowAfter?: number;
  /** Key for fingerprints; else `CARDHOUND_FINGERPRINT_KEY`; else random per run. */
  readonly fingerprintKey?: string | Uint8Array;
  /** `bin-last4` (default, PCI DSS 3.4.1 maximum) or `last4` (only the last four digits shown). */
  readonly mask?: 'bin-last4' | 'last4';
  /** BIN length shown for brands that issue 8-digit BINs (visa, mastercard on 16 digits). Default 6. */
  readonly binLength?: 6 | 8;
  /** Fingerprints (hex) never reported. */
  readonly allowFingerprints?: readonly string[];
  /** BIN ranges never reported. */
  readonly allowBins?: readonly BinRange[];
  /** Report published test numbers (still flagged `testCard`, still low). Default false. */
  readonly includeTestCards?: boolean;
  /** Look into archives and mail attachments. Default true. */
  readonly archives?: boolean;
  /** Extract printable strings from unknown binary files. Default true. */
  readonly binaryStrings?: boolean;
  readonly limits?: LimitOptions;
  /** Stops the scan; the summary says it was aborted. */
  readonly signal?: AbortSignal;

  // --- walking many files (`scan()` and the CLI) ---
  /** Only files matching one of these globs (relative to each root) are scanned. Default: all. */
  readonly include?: readonly string[];
  /** Files and folders matching these globs are passed over. */
  readonly exclude?: readonly string[];
  /** Scan dot-files and dot-folders. Default true: card data does not hide less well in them. */
  readonly hidden?: boolean;
  /** Follow symbolic links (loop-safe). Default false. */
  readonly followSymlinks?: boolean;
  /**
   * Worker threads scanning files at once. Default: the number of CPU cores. The calling thread
   * walks, dispatches and reports; it scans only the first few small plain-text files (a scan
   * of a handful needs no worker) and one large plain-text file at a time.
   */
  readonly concurrency?: number;
  /** Emit `progress` events at most this often, in ms. Default: none. */
  readonly progressIntervalMs?: number;
  /** Cache file for incremental re-scans (size + mtime per file). */
  readonly cacheFile?: string;
  /** Scan only shard `index` (0-based) of `count`, split by a stable hash of the path. */
  readonly shard?: { readonly index: number; readonly count: number };
}
