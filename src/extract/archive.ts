/**
 * Zip, gzip and tar: each member becomes a {@link NestedInput} for the scanner to sniff and
 * recurse into. Nothing is ever written to disk, so hostile member names (`../x`, `/etc/x`) are
 * only names. Expansion is bounded while inflating, not afterwards: declared sizes are checked
 * first, then a byte counter stops every inflate at the cap, because declared sizes can lie.
 */
import { constants as bufferConstants } from 'node:buffer';
import { constants as zlibConstants, gunzipSync, inflateRawSync } from 'node:zlib';
import { extract as tarExtract, type Entry as TarEntry } from 'tar-stream';
import { ExtractError } from '../errors.js';
import type { ErrorCode, ExtractItem, ExtractWarning, NestedInput } from '../types.js';
import { throwIfAborted } from './text.js';
import type { ExtractContext, Extractor } from './types.js';

/**
 * Below this many expanded bytes a high ratio is harmless (a small file of padding compresses
 * 500:1 legitimately); the ratio limit exists to stop bombs, whose cost is their output size.
 */
export const RATIO_FLOOR = 1024 * 1024;

/** Member names are shown to users and joined into `location.entry`: one separator style. */
export function normaliseMemberName(name: string): string {
  return name.replace(/\\/g, '/');
}

/**
 * A copy that owns its memory. A member must not be a view of the whole input: handing it to a
 * worker would copy the input, and `Buffer#slice` would not copy at all.
 */
export function copyOf(view: Uint8Array): Uint8Array {
  return new Uint8Array(view);
}

function warning(code: ErrorCode, message: string, entry?: string): ExtractWarning {
  return entry === undefined ? { kind: 'error', code, message } : { kind: 'error', code, message, at: { entry } };
}

/** The chunks joined into a new array (tar-stream's chunks are views of the input). */
function concat(chunks: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** Tracks how much the extractor may still expand; the budget is shared by all members of one input. */
export class Budget {
  private used = 0;
  constructor(private readonly limit: number) {}
  get remaining(): number {
    return Math.max(0, this.limit - this.used);
  }
  spend(bytes: number): void {
    this.used += bytes;
  }
}

/**
 * The output cap for one compressed stream and the warning to give when it is hit: whichever
 * of the ratio limit and the remaining budget is tighter.
 */
function expansionCap(compressedSize: number, ctx: ExtractContext, budget: Budget): { cap: number; code: ErrorCode } {
  const ratioCap = Math.max(RATIO_FLOOR, compressedSize * ctx.limits.maxRatio);
  return budget.remaining <= ratioCap
    ? { cap: budget.remaining, code: 'archive_size' }
    : { cap: ratioCap, code: 'archive_ratio' };
}

function capMessage(code: ErrorCode): string {
  return code === 'archive_ratio'
    ? 'member expands beyond the compression-ratio limit; skipped'
    : 'member expands beyond the remaining expansion budget; skipped';
}

/** The warning for a member skipped because it does not fit the remaining expansion budget. */
export function budgetWarning(entry: string): ExtractWarning {
  return warning('archive_size', capMessage('archive_size'), entry);
}

type InflateResult =
  | { readonly status: 'ok'; readonly bytes: Uint8Array }
  | { readonly status: 'over' }
  | { readonly status: 'corrupt'; readonly bytes: Uint8Array };

function plain(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/**
 * Inflates a raw deflate stream or a gzip file and stops as soon as the output passes `cap`:
 * zlib's `maxOutputLength` is checked after every 16 KiB chunk, so a bomb costs `cap` and no
 * more. (fflate's streaming inflater, driven in slices with a counter, measured 4–6× slower.)
 * `corrupt` keeps the head of a truncated stream.
 */
export function inflateCapped(format: 'deflate' | 'gzip', input: Uint8Array, cap: number): InflateResult {
  const inflate = format === 'gzip' ? gunzipSync : inflateRawSync;
  // One byte over the cap proves the overflow; the option must be at least 1.
  const maxOutputLength = Math.min(cap + 1, bufferConstants.MAX_LENGTH);
  try {
    const out = inflate(input, { maxOutputLength });
    return out.length > cap ? { status: 'over' } : { status: 'ok', bytes: plain(out) };
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') return { status: 'over' };
  }
  try {
    // Accepting a missing end gives back what inflated before the cut.
    const head = inflate(input, { maxOutputLength, finishFlush: zlibConstants.Z_SYNC_FLUSH });
    return { status: 'corrupt', bytes: plain(head.subarray(0, cap)) };
  } catch {
    return { status: 'corrupt', bytes: new Uint8Array(0) };
  }
}

// ---------------------------------------------------------------------------------------------
// zip
// ---------------------------------------------------------------------------------------------

export const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const SIG_ZIP64_EOCD = 0x06064b50;
const SIG_DESCRIPTOR = 0x08074b50;
export const FLAG_ENCRYPTED = 0x0001;
const FLAG_DESCRIPTOR = 0x0008;
const FLAG_UTF8 = 0x0800;

function u16(d: Uint8Array, at: number): number {
  return d[at]! | (d[at + 1]! << 8);
}
export function u32(d: Uint8Array, at: number): number {
  return (d[at]! | (d[at + 1]! << 8) | (d[at + 2]! << 16) | (d[at + 3]! << 24)) >>> 0;
}
function u64(d: Uint8Array, at: number): number {
  return u32(d, at) + u32(d, at + 4) * 0x1_0000_0000;
}

const utf8 = new TextDecoder('utf-8');
const latin1 = new TextDecoder('latin1');

function decodeName(d: Uint8Array, flags: number): string {
  // Without the UTF-8 flag names are in the OEM code page (CP437); latin1 keeps ASCII exact and
  // never fails, which is all a location needs.
  return (flags & FLAG_UTF8 ? utf8 : latin1).decode(d);
}

export interface ZipEntry {
  readonly name: string;
  readonly flags: number;
  readonly method: number;
  readonly size: number;
  readonly originalSize: number;
  /** Offset of the local header, corrected for data prepended to the archive. */
  readonly localOffset: number;
}

export function findEocd(d: Uint8Array): number {
  const stop = Math.max(0, d.length - 22 - 0xffff);
  for (let at = d.length - 22; at >= stop; at--) {
    if (u32(d, at) === SIG_EOCD) return at;
  }
  return -1;
}

/** Applies a zip64 extended-information extra field (id 1) to the values saturated at 0xFFFFFFFF. */
function zip64Values(
  d: Uint8Array,
  extraStart: number,
  extraEnd: number,
  values: { originalSize: number; size: number; offset: number },
): void {
  for (let at = extraStart; at + 4 <= extraEnd; ) {
    const id = u16(d, at);
    const len = u16(d, at + 2);
    if (id === 1) {
      let field = at + 4;
      const end = Math.min(field + len, extraEnd);
      for (const key of ['originalSize', 'size', 'offset'] as const) {
        if (values[key] !== 0xffffffff) continue;
        if (field + 8 > end) break;
        values[key] = u64(d, field);
        field += 8;
      }
      return;
    }
    at += 4 + len;
  }
}

/**
 * Reads the central directory. `complete` is false when a record is damaged; the records before
 * it are still returned. Stops after `maxFiles + 1` file entries: enough to know the limit is hit.
 */
export function readCentralDirectory(
  d: Uint8Array,
  eocd: number,
  maxFiles: number,
): { entries: ZipEntry[]; complete: boolean } {
  let count = u16(d, eocd + 10);
  let cdSize = u32(d, eocd + 12);
  let cdOffset = u32(d, eocd + 16);
  if (eocd >= 20 && u32(d, eocd - 20) === SIG_ZIP64_LOCATOR) {
    const z = u64(d, eocd - 12);
    if (z + 56 <= d.length && u32(d, z) === SIG_ZIP64_EOCD) {
      count = u64(d, z + 32);
      cdSize = u64(d, z + 40);
      cdOffset = u64(d, z + 48);
    }
  }
  // Self-extracting archives and zips with a prefix: offsets are relative to the zip's own start.
  let shift = 0;
  if (u32(d, cdOffset) !== SIG_CENTRAL && eocd - cdSize >= 0 && u32(d, eocd - cdSize) === SIG_CENTRAL) {
    shift = eocd - cdSize - cdOffset;
  }
  const entries: ZipEntry[] = [];
  let files = 0;
  let at = cdOffset + shift;
  for (let i = 0; i < count; i++) {
    if (at + 46 > d.length || u32(d, at) !== SIG_CENTRAL) return { entries, complete: false };
    const flags = u16(d, at + 8);
    const nameLen = u16(d, at + 28);
    const extraLen = u16(d, at + 30);
    const commentLen = u16(d, at + 32);
    const nameEnd = at + 46 + nameLen;
    if (nameEnd + extraLen > d.length) return { entries, complete: false };
    const values = { originalSize: u32(d, at + 24), size: u32(d, at + 20), offset: u32(d, at + 42) };
    zip64Values(d, nameEnd, nameEnd + extraLen, values);
    const name = decodeName(d.subarray(at + 46, nameEnd), flags);
    entries.push({
      name,
      flags,
      method: u16(d, at + 10),
      size: values.size,
      originalSize: values.originalSize,
      localOffset: values.offset + shift,
    });
    if (!name.endsWith('/') && !name.endsWith('\\') && ++files > maxFiles) break;
    at = nameEnd + extraLen + commentLen;
  }
  return { entries, complete: true };
}

/** Start of an entry's data after its local header, or -1 when the header is missing or cut off. */
export function localDataStart(d: Uint8Array, localOffset: number): number {
  if (localOffset + 30 > d.length || u32(d, localOffset) !== SIG_LOCAL) return -1;
  const start = localOffset + 30 + u16(d, localOffset + 26) + u16(d, localOffset + 28);
  return start <= d.length ? start : -1;
}

/**
 * Without a central directory (a truncated zip), the local headers are the only map. Yields
 * entries in file order until one is cut off or the headers stop.
 */
function* walkLocalHeaders(d: Uint8Array): Generator<ZipEntry & { readonly dataStart: number }, void> {
  let at = 0;
  while (at + 30 <= d.length && u32(d, at) === SIG_LOCAL) {
    const flags = u16(d, at + 6);
    const method = u16(d, at + 8);
    const nameLen = u16(d, at + 26);
    const extraLen = u16(d, at + 28);
    const nameEnd = at + 30 + nameLen;
    const dataStart = nameEnd + extraLen;
    if (dataStart > d.length) return;
    const values = { originalSize: u32(d, at + 22), size: u32(d, at + 18), offset: at };
    zip64Values(d, nameEnd, dataStart, values);
    let next: number;
    if (flags & FLAG_DESCRIPTOR && values.size === 0) {
      // Sizes follow the data: find the descriptor whose recorded size matches the distance.
      const found = findDescriptor(d, dataStart);
      if (!found) return;
      values.size = found.size;
      values.originalSize = found.originalSize;
      next = found.next;
    } else {
      next = dataStart + values.size;
      if (flags & FLAG_DESCRIPTOR) next += u32(d, next) === SIG_DESCRIPTOR ? 16 : 12;
    }
    if (dataStart + values.size > d.length) return;
    yield {
      name: decodeName(d.subarray(at + 30, nameEnd), flags),
      flags,
      method,
      size: values.size,
      originalSize: values.originalSize,
      localOffset: at,
      dataStart,
    };
    at = next;
  }
}

function findDescriptor(d: Uint8Array, dataStart: number): { size: number; originalSize: number; next: number } | undefined {
  for (let at = dataStart; at + 16 <= d.length; at++) {
    if (u32(d, at) === SIG_DESCRIPTOR && u32(d, at + 8) === at - dataStart) {
      return { size: at - dataStart, originalSize: u32(d, at + 12), next: at + 16 };
    }
  }
  return undefined;
}

/** Turns one file entry into a member or the warning that explains why it was skipped. */
function readZipEntry(
  d: Uint8Array,
  entry: ZipEntry,
  dataStart: number,
  name: string,
  ctx: ExtractContext,
  budget: Budget,
): NestedInput | ExtractWarning {
  if (entry.flags & FLAG_ENCRYPTED) return warning('encrypted', 'archive member is encrypted; skipped', name);
  if (entry.method !== 0 && entry.method !== 8) {
    return warning('unsupported', `archive member uses compression method ${entry.method}; skipped`, name);
  }
  if (dataStart < 0 || dataStart + entry.size > d.length) {
    return warning('corrupt', 'archive member data is missing or cut off; skipped', name);
  }
  const data = d.subarray(dataStart, dataStart + entry.size);
  if (entry.method === 0) {
    if (entry.size > budget.remaining) return budgetWarning(name);
    budget.spend(entry.size);
    return { kind: 'nested', name, bytes: copyOf(data) };
  }
  if (entry.originalSize > RATIO_FLOOR && entry.originalSize > entry.size * ctx.limits.maxRatio) {
    return warning('archive_ratio', capMessage('archive_ratio'), name);
  }
  if (entry.originalSize > budget.remaining) return budgetWarning(name);
  // The declared size passed both limits, so it is the cap: a member that inflates past it lied
  // about its size, which is how bombs get past a directory check.
  const result = inflateCapped('deflate', data, entry.originalSize);
  if (result.status === 'over') {
    return warning('archive_ratio', 'member inflates past its declared size (possible zip bomb); skipped', name);
  }
  if (result.status === 'corrupt') return warning('corrupt', 'archive member does not inflate; skipped', name);
  budget.spend(result.bytes.length);
  return { kind: 'nested', name, bytes: result.bytes };
}

function isDirectory(name: string): boolean {
  return name.endsWith('/') || name.endsWith('\\');
}

/** The warning for a container with more members than `maxEntries`. */
export function entriesWarning(max: number): ExtractWarning {
  return warning('archive_entries', `archive has more than ${max} members; the rest were not read`);
}

/**
 * Zip archives (fflate inflates). Reads the central directory first so that limits are checked
 * on declared sizes before any inflating; falls back to the local headers of a truncated zip and
 * then reports it `corrupt`.
 */
export const zipExtractor: Extractor = {
  id: 'zip',
  async *extract(bytes: Uint8Array, ctx: ExtractContext): AsyncIterable<ExtractItem> {
    if (!ctx.archives) return;
    throwIfAborted(ctx);
    const budget = new Budget(ctx.expandBudget);
    const maxFiles = ctx.limits.maxEntries;
    const eocd = findEocd(bytes);
    let files = 0;
    if (eocd >= 0) {
      const { entries, complete } = readCentralDirectory(bytes, eocd, maxFiles);
      for (const entry of entries) {
        if (isDirectory(entry.name)) continue;
        if (++files > maxFiles) {
          yield entriesWarning(maxFiles);
          return;
        }
        throwIfAborted(ctx);
        const name = normaliseMemberName(entry.name) || `entry-${files}`;
        yield readZipEntry(bytes, entry, localDataStart(bytes, entry.localOffset), name, ctx, budget);
      }
      if (!complete) throw new ExtractError('corrupt', 'zip central directory is damaged; later members were not read');
      return;
    }
    for (const entry of walkLocalHeaders(bytes)) {
      if (isDirectory(entry.name)) continue;
      if (++files > maxFiles) {
        yield entriesWarning(maxFiles);
        return;
      }
      throwIfAborted(ctx);
      const name = normaliseMemberName(entry.name) || `entry-${files}`;
      yield readZipEntry(bytes, entry, entry.dataStart, name, ctx, budget);
    }
    throw new ExtractError('corrupt', 'zip archive is truncated or damaged (no central directory)');
  },
};

// ---------------------------------------------------------------------------------------------
// gzip
// ---------------------------------------------------------------------------------------------

function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}

/** The FNAME field of a gzip header (RFC 1952 §2.3), if the writer recorded one. */
function gzipHeaderName(d: Uint8Array): string | undefined {
  const flags = d[3] ?? 0;
  if (!(flags & 0x08)) return undefined;
  let at = 10;
  if (flags & 0x04) at += 2 + u16(d, at);
  const end = d.indexOf(0, at);
  if (end <= at) return undefined;
  return baseName(latin1.decode(d.subarray(at, end)));
}

/** `logs.tgz` → `logs.tar`, `a.log.gz` → `a.log`; else the name the gzip header recorded. */
function gunzippedName(bytes: Uint8Array, filename: string | undefined): string {
  const base = filename === undefined ? '' : baseName(filename);
  if (/\.tgz$/i.test(base)) return base.slice(0, -4) + '.tar';
  if (/\.svgz$/i.test(base)) return base.slice(0, -1);
  if (/\.gz$/i.test(base) && base.length > 3) return base.slice(0, -3);
  return normaliseMemberName(gzipHeaderName(bytes) ?? (base || 'content'));
}

/**
 * Gzip (single or concatenated members) as one nested member, inflated under the ratio and
 * budget caps. A truncated gzip yields the part that inflated, then `corrupt`.
 */
export const gzipExtractor: Extractor = {
  id: 'gzip',
  async *extract(bytes: Uint8Array, ctx: ExtractContext): AsyncIterable<ExtractItem> {
    if (!ctx.archives) return;
    throwIfAborted(ctx);
    const name = gunzippedName(bytes, ctx.filename);
    const budget = new Budget(ctx.expandBudget);
    const { cap, code } = expansionCap(bytes.length, ctx, budget);
    // No pre-check on the trailer's ISIZE: it is mod 2^32, covers the last member only, and in a
    // truncated file it is whatever bytes happen to be last. The byte counter is the check.
    const result = inflateCapped('gzip', bytes, cap);
    if (result.status === 'over') {
      yield warning(code, capMessage(code), name);
      return;
    }
    if (result.bytes.length > 0) yield { kind: 'nested', name, bytes: result.bytes };
    if (result.status === 'corrupt') throw new ExtractError('corrupt', 'gzip data is truncated or damaged');
  },
};

// ---------------------------------------------------------------------------------------------
// tar
// ---------------------------------------------------------------------------------------------

/**
 * Tar archives (tar-stream): every regular file is a member, named from its header (ustar
 * prefix, GNU long name and pax path applied). Links, devices and folders are passed over.
 */
export const tarExtractor: Extractor = {
  id: 'tar',
  async *extract(bytes: Uint8Array, ctx: ExtractContext): AsyncIterable<ExtractItem> {
    if (!ctx.archives) return;
    throwIfAborted(ctx);
    const budget = new Budget(ctx.expandBudget);
    const maxFiles = ctx.limits.maxEntries;
    const extract = tarExtract();
    extract.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    const entries = extract[Symbol.asyncIterator]();
    let files = 0;
    try {
      for (;;) {
        let next: IteratorResult<TarEntry>;
        try {
          next = await entries.next();
        } catch {
          throw new ExtractError('corrupt', 'tar archive is truncated or damaged');
        }
        if (next.done) return;
        const entry = next.value;
        const header = entry.header;
        if (header.type !== 'file' && header.type !== 'contiguous-file') {
          entry.resume();
          continue;
        }
        const name = normaliseMemberName(header.name) || `entry-${files + 1}`;
        if (++files > maxFiles) {
          yield entriesWarning(maxFiles);
          return;
        }
        throwIfAborted(ctx);
        const cap = budget.remaining;
        const chunks: Uint8Array[] = [];
        let total = 0;
        try {
          for await (const chunk of entry) {
            total += chunk.length;
            // The bytes are already in memory, so draining an oversized member costs nothing.
            if (total <= cap) chunks.push(chunk);
          }
        } catch {
          throw new ExtractError('corrupt', 'tar archive is truncated or damaged');
        }
        if (total > cap) {
          yield budgetWarning(name);
          continue;
        }
        budget.spend(total);
        yield { kind: 'nested', name, bytes: concat(chunks, total) };
      }
    } finally {
      extract.destroy();
    }
  },
};
