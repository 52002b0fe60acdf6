/**
 * Shared helpers for zip-packaged documents (OOXML: docx, pptx, xlsx; ODF: odt, odp, ods):
 * a bounded zip reader and a paragraph-level XML text walker.
 *
 * Documents are untrusted: the zip reader checks every part's declared size against the
 * compression-ratio limit and the expansion budget before anything is inflated, and inflation
 * stops as soon as a part yields more than it declared, so a part that lies about its size is
 * refused rather than allowed to grow. The XML walker is htmlparser2 in XML mode, which never
 * expands DTD entities (no billion-laughs, no external entities) and works in one linear pass.
 */
import { inflateRawSync } from 'node:zlib';
import { Parser } from 'htmlparser2';
import { ExtractError } from '../errors.js';
import type { ExtractContext } from './types.js';

/** Throws the `aborted` error when the caller's signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ExtractError('aborted', 'scan aborted');
}

// ---------------------------------------------------------------------------------------------
// Text budget
// ---------------------------------------------------------------------------------------------

/**
 * Counts extracted characters against `maxTextChars`. `take` returns the part of a text that
 * still fits; the caller yields it and then calls `exceeded()` so the earlier text is scanned
 * before the limit error ends the document.
 */
export class TextBudget {
  private used = 0;
  private over = false;
  constructor(private readonly limit: number) {}

  /** The prefix of `text` that fits in what is left; marks the budget spent when it does not all fit. */
  take(text: string): string {
    const left = this.limit - this.used;
    if (text.length <= left) {
      this.used += text.length;
      return text;
    }
    this.over = true;
    this.used = this.limit;
    return text.slice(0, Math.max(0, left));
  }

  /** True once some text did not fit. */
  get exhausted(): boolean {
    return this.over;
  }

  /** The error that ends a document whose text passed the limit. */
  error(): ExtractError {
    return new ExtractError('limit', `document text exceeds the ${this.limit}-character limit; the rest was not scanned`);
  }
}

// ---------------------------------------------------------------------------------------------
// Zip packages
// ---------------------------------------------------------------------------------------------

/**
 * Below this many expanded bytes a high ratio is harmless (a small XML part of repeated markup
 * compresses 500:1 legitimately); the ratio limit exists to stop bombs, whose cost is their size.
 * Same floor as the archive extractor.
 */
const RATIO_FLOOR = 1024 * 1024;

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const SIG_ZIP64_EOCD = 0x06064b50;
const FLAG_ENCRYPTED = 0x0001;
const FLAG_UTF8 = 0x0800;

function u16(d: Uint8Array, at: number): number {
  return d[at]! | (d[at + 1]! << 8);
}
function u32(d: Uint8Array, at: number): number {
  return (d[at]! | (d[at + 1]! << 8) | (d[at + 2]! << 16) | (d[at + 3]! << 24)) >>> 0;
}
function u64(d: Uint8Array, at: number): number {
  return u32(d, at) + u32(d, at + 4) * 0x1_0000_0000;
}

const utf8 = new TextDecoder('utf-8');
const latin1 = new TextDecoder('latin1');

/** One part of a zip package as its central directory declares it. */
interface ZipPart {
  readonly name: string;
  readonly encrypted: boolean;
  readonly method: number;
  /** Compressed size. */
  readonly size: number;
  /** Declared expanded size. */
  readonly originalSize: number;
  readonly localOffset: number;
}

/** True when `bytes` start with a zip local-file header (`PK\x03\x04`). */
function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && u32(bytes, 0) === SIG_LOCAL;
}

/** True when `bytes` start with the OLE compound-file signature (`D0 CF 11 E0 A1 B1 1A E1`). */
export function isOle(bytes: Uint8Array): boolean {
  const sig = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
  return bytes.length >= 8 && sig.every((b, i) => bytes[i] === b);
}

/**
 * True when an OLE container holds an encrypted OOXML package ([MS-OFFCRYPTO]: the streams
 * `EncryptionInfo` and `EncryptedPackage`): what Office writes for a password-protected docx,
 * xlsx or pptx. Looks for both stream names in UTF-16LE, as the OLE directory stores them, so
 * no OLE parser runs on the untrusted bytes.
 */
export function isEncryptedOoxml(bytes: Uint8Array): boolean {
  if (!isOle(bytes)) return false;
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return buffer.includes('EncryptionInfo', 0, 'utf16le') && buffer.includes('EncryptedPackage', 0, 'utf16le');
}

function findEocd(d: Uint8Array): number {
  const stop = Math.max(0, d.length - 22 - 0xffff);
  for (let at = d.length - 22; at >= stop; at--) {
    if (u32(d, at) === SIG_EOCD) return at;
  }
  return -1;
}

/** Applies a zip64 extended-information extra field (id 1) to the values saturated at 0xFFFFFFFF. */
function zip64Values(d: Uint8Array, start: number, end: number, values: { originalSize: number; size: number; offset: number }): void {
  for (let at = start; at + 4 <= end; at += 4 + u16(d, at + 2)) {
    if (u16(d, at) !== 1) continue;
    let field = at + 4;
    const stop = Math.min(field + u16(d, at + 2), end);
    for (const key of ['originalSize', 'size', 'offset'] as const) {
      if (values[key] !== 0xffffffff) continue;
      if (field + 8 > stop) break;
      values[key] = u64(d, field);
      field += 8;
    }
    return;
  }
}

function readCentralDirectory(d: Uint8Array, maxEntries: number): ZipPart[] {
  const eocd = findEocd(d);
  if (eocd < 0) throw new ExtractError('corrupt', 'document package is not a readable zip (no central directory)');
  let count = u16(d, eocd + 10);
  let cdOffset = u32(d, eocd + 16);
  if (eocd >= 20 && u32(d, eocd - 20) === SIG_ZIP64_LOCATOR) {
    const z = u64(d, eocd - 12);
    if (z + 56 <= d.length && u32(d, z) === SIG_ZIP64_EOCD) {
      count = u64(d, z + 32);
      cdOffset = u64(d, z + 48);
    }
  }
  if (count > maxEntries) {
    throw new ExtractError('archive_entries', `document package has more than ${maxEntries} parts`);
  }
  const parts: ZipPart[] = [];
  let at = cdOffset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > d.length || u32(d, at) !== SIG_CENTRAL) {
      throw new ExtractError('corrupt', 'document package has a damaged zip directory');
    }
    const flags = u16(d, at + 8);
    const nameEnd = at + 46 + u16(d, at + 28);
    const extraEnd = nameEnd + u16(d, at + 30);
    if (extraEnd > d.length) throw new ExtractError('corrupt', 'document package has a damaged zip directory');
    const values = { originalSize: u32(d, at + 24), size: u32(d, at + 20), offset: u32(d, at + 42) };
    zip64Values(d, nameEnd, extraEnd, values);
    parts.push({
      name: (flags & FLAG_UTF8 ? utf8 : latin1).decode(d.subarray(at + 46, nameEnd)),
      encrypted: (flags & FLAG_ENCRYPTED) !== 0,
      method: u16(d, at + 10),
      size: values.size,
      originalSize: values.originalSize,
      localOffset: values.offset,
    });
    at = extraEnd + u16(d, at + 32);
  }
  return parts;
}

/**
 * A zip-packaged document opened for bounded reading. Opening reads only the central directory;
 * an encrypted part makes the whole document `encrypted` (a password-protected package cannot
 * be read in part). Parts are inflated only through {@link ZipPackage.read}, or checked with
 * {@link ZipPackage.vouchFor} before a library inflates them.
 */
export class ZipPackage {
  private readonly parts = new Map<string, ZipPart>();
  private readonly admitted = new Set<string>();
  private readonly vouched = new Set<string>();
  private expanded = 0;

  private constructor(
    private readonly bytes: Uint8Array,
    private readonly ctx: ExtractContext,
  ) {}

  /** Reads the central directory of `bytes`; throws `corrupt`, `encrypted` or `archive_entries`. */
  static open(bytes: Uint8Array, ctx: ExtractContext): ZipPackage {
    if (!isZip(bytes)) {
      if (isEncryptedOoxml(bytes)) throw new ExtractError('encrypted', 'document is password-protected');
      throw new ExtractError('corrupt', 'document is not a zip package');
    }
    const pkg = new ZipPackage(bytes, ctx);
    for (const part of readCentralDirectory(bytes, ctx.limits.maxEntries)) {
      if (part.encrypted) throw new ExtractError('encrypted', 'document package has encrypted parts');
      pkg.parts.set(part.name, part);
    }
    return pkg;
  }

  /** Names of all parts, in directory order. */
  get names(): string[] {
    return [...this.parts.keys()];
  }

  has(name: string): boolean {
    return this.parts.has(name);
  }

  /**
   * Checks declared sizes: each part within the ratio limit, all together within the expansion
   * budget (parts already admitted count once).
   */
  private admit(names: Iterable<string>): void {
    for (const name of names) {
      const part = this.parts.get(name);
      if (!part || this.admitted.has(name)) continue;
      if (part.method !== 0 && part.originalSize > RATIO_FLOOR && part.originalSize > part.size * this.ctx.limits.maxRatio) {
        throw new ExtractError('archive_ratio', 'a document part expands beyond the compression-ratio limit');
      }
      if (this.expanded + part.originalSize > this.ctx.expandBudget) {
        throw new ExtractError('archive_size', 'document parts expand beyond the expansion budget');
      }
      this.expanded += part.originalSize;
      this.admitted.add(name);
    }
  }

  /**
   * Prepares the named parts for a library that inflates them itself, which must not be trusted
   * to stop: SheetJS believes local-header sizes, grows its output without bound when they are
   * zero, and its inflater loops forever on some damaged streams. Each part passes the
   * declared-size checks, then is inflated here once: it must be a complete, valid stream that
   * yields no more than it declared, and its local header must not declare more than the
   * directory did.
   */
  vouchFor(names: Iterable<string>): void {
    for (const name of names) {
      const part = this.parts.get(name);
      if (!part || this.vouched.has(name)) continue;
      this.inflate(part);
      const local = part.localOffset;
      // Local sizes are zero when a data descriptor follows the data; then only the stream counts.
      if (u32(this.bytes, local + 22) > part.originalSize || u32(this.bytes, local + 18) > part.size) {
        throw new ExtractError('corrupt', 'a document part has inconsistent zip headers');
      }
      this.vouched.add(name);
    }
  }

  /** Admits and inflates one part; undefined when the package has no such part. */
  read(name: string): Uint8Array | undefined {
    const part = this.parts.get(name);
    return part ? this.inflate(part) : undefined;
  }

  private inflate(part: ZipPart): Uint8Array {
    this.admit([part.name]);
    const d = this.bytes;
    const local = part.localOffset;
    if (local + 30 > d.length || u32(d, local) !== SIG_LOCAL) {
      throw new ExtractError('corrupt', 'a document part is missing from the zip package');
    }
    const start = local + 30 + u16(d, local + 26) + u16(d, local + 28);
    if (start + part.size > d.length) throw new ExtractError('corrupt', 'a document part is cut off');
    const data = d.subarray(start, start + part.size);
    if (part.method === 0) return data;
    if (part.method !== 8) throw new ExtractError('unsupported', 'a document part uses an unsupported compression method');
    let out: Buffer;
    try {
      // zlib checks the cap as it goes: a part that lies about its size costs at most the lie.
      out = inflateRawSync(data, { maxOutputLength: Math.max(1, part.originalSize) });
    } catch {
      throw new ExtractError('corrupt', 'a document part does not inflate to its declared size');
    }
    if (out.length > part.originalSize) throw new ExtractError('corrupt', 'a document part does not inflate to its declared size');
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  }

  /** Reads a part and decodes it as XML text; undefined when the package has no such part. */
  readXml(name: string): string | undefined {
    const bytes = this.read(name);
    return bytes === undefined ? undefined : decodeXml(bytes);
  }
}

/**
 * XML part bytes → string. OOXML and ODF parts are UTF-8, or UTF-16 with a byte-order mark;
 * invalid sequences become U+FFFD rather than failing the document.
 */
function decodeXml(bytes: Uint8Array): string {
  try {
    if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
    if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
    return utf8.decode(bytes);
  } catch {
    // V8 cannot hold a string this long; the part is beyond what one document may contribute.
    throw new ExtractError('limit', 'a document part is too large to decode');
  }
}

// ---------------------------------------------------------------------------------------------
// XML paragraph walker
// ---------------------------------------------------------------------------------------------

/** How one XML vocabulary marks paragraphs and their text. Element names are qualified (`w:p`). */
export interface TextDialect {
  /** Elements that delimit a paragraph. Paragraphs may nest (a text box inside a paragraph). */
  readonly paragraphs: ReadonlySet<string>;
  /** Elements whose character data is text; absent: all character data inside a paragraph (ODF). */
  readonly texts?: ReadonlySet<string>;
  /** Empty elements that stand for a character: a tab, a line break inside a paragraph, a hyphen. */
  readonly chars?: ReadonlyMap<string, string>;
  /** ODF `<text:s text:c="n"/>`: n spaces. */
  readonly spaces?: string;
  /** Elements whose whole subtree is ignored. */
  readonly skip?: ReadonlySet<string>;
  /** Tracked insertions: their text belongs to the current version only. */
  readonly inserted?: ReadonlySet<string>;
  /** Text elements of tracked deletions: their text belongs to the original version only. */
  readonly deleted?: ReadonlySet<string>;
  /** Collapse runs of XML whitespace in character data to one space (ODF paragraph rules). */
  readonly collapseWhitespace?: boolean;
}

/** One paragraph as the walker reports it. */
export interface XmlParagraph {
  /** Text of the current version (tracked insertions in, deletions out). */
  readonly text: string;
  /** Text before tracked changes, when the paragraph has deleted text; else undefined. */
  readonly original?: string;
  /** Names of the open elements around the paragraph, outermost first (live: copy to keep). */
  readonly ancestors: readonly string[];
}

/** Callbacks of {@link walkParagraphs}. */
export interface ParagraphVisitor {
  paragraph(paragraph: XmlParagraph): void;
  /** Every element start, skipped subtrees excluded. */
  open?(name: string, attributes: Readonly<Record<string, string>>): void;
  /** Every element end, skipped subtrees excluded. */
  close?(name: string): void;
}

interface ParagraphFrame {
  current: string;
  original: string;
  revised: boolean;
}

/**
 * Walks `xml` once and reports each paragraph's text, runs joined so that a number split across
 * formatting runs comes out whole. Character references are decoded; DTD entities are not.
 */
export function walkParagraphs(xml: string, dialect: TextDialect, visitor: ParagraphVisitor): void {
  const stack: string[] = [];
  const frames: ParagraphFrame[] = [];
  let skipDepth = 0;
  let textDepth = 0;
  let insertedDepth = 0;
  let deletedDepth = 0;

  const append = (text: string): void => {
    const frame = frames[frames.length - 1];
    if (!frame) return;
    if (deletedDepth > 0) {
      frame.original += text;
      frame.revised = true;
      return;
    }
    frame.current += text;
    if (insertedDepth === 0) frame.original += text;
    else frame.revised = true;
  };

  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (skipDepth > 0 || dialect.skip?.has(name)) {
          skipDepth++;
          return;
        }
        stack.push(name);
        visitor.open?.(name, attributes);
        if (dialect.paragraphs.has(name)) frames.push({ current: '', original: '', revised: false });
        if (dialect.texts?.has(name)) textDepth++;
        if (dialect.inserted?.has(name)) insertedDepth++;
        if (dialect.deleted?.has(name)) {
          deletedDepth++;
          textDepth++;
        }
        const char = dialect.chars?.get(name);
        if (char !== undefined) append(char);
        else if (name === dialect.spaces) {
          const count = Number.parseInt(attributes['text:c'] ?? '1', 10);
          append(' '.repeat(Number.isFinite(count) && count > 0 ? Math.min(count, 1000) : 1));
        }
      },
      onclosetag(name) {
        if (skipDepth > 0) {
          skipDepth--;
          return;
        }
        if (dialect.deleted?.has(name)) {
          deletedDepth--;
          textDepth--;
        }
        if (dialect.inserted?.has(name)) insertedDepth--;
        if (dialect.texts?.has(name)) textDepth--;
        stack.pop();
        // Every paragraph start pushed a frame, and htmlparser2 closes every element it opened.
        const frame = dialect.paragraphs.has(name) ? frames.pop() : undefined;
        if (frame) {
          const original = frame.revised && frame.original !== frame.current ? frame.original : undefined;
          visitor.paragraph(original === undefined ? { text: frame.current, ancestors: stack } : { text: frame.current, original, ancestors: stack });
        }
        visitor.close?.(name);
      },
      ontext(data) {
        if (skipDepth > 0 || frames.length === 0) return;
        if (dialect.texts && textDepth === 0) return;
        append(dialect.collapseWhitespace ? data.replace(/[ \t\r\n]+/g, ' ') : data);
      },
    },
    { xmlMode: true, decodeEntities: true },
  );
  parser.end(xml);
}

/** Reads the attributes of every element named `name` (e.g. `Relationship`), in document order. */
export function elementAttributes(xml: string, name: string): Record<string, string>[] {
  const found: Record<string, string>[] = [];
  const parser = new Parser(
    {
      onopentag(tag, attributes) {
        if (tag === name) found.push(attributes);
      },
    },
    { xmlMode: true, decodeEntities: true },
  );
  parser.end(xml);
  return found;
}

/**
 * The relationships of an OPC part (`_rels/*.rels`) as id → target part name, targets resolved
 * against the folder of the part they belong to. External targets (URLs) are left out.
 */
export function readRelationships(pkg: ZipPackage, partName: string): Map<string, { target: string; type: string }> {
  const slash = partName.lastIndexOf('/');
  const folder = partName.slice(0, slash + 1);
  const xml = pkg.readXml(`${folder}_rels/${partName.slice(slash + 1)}.rels`);
  const out = new Map<string, { target: string; type: string }>();
  if (xml === undefined) return out;
  for (const rel of elementAttributes(xml, 'Relationship')) {
    const id = rel['Id'];
    const target = rel['Target'];
    if (id === undefined || target === undefined || rel['TargetMode'] === 'External') continue;
    out.set(id, { target: resolvePartName(folder, target), type: rel['Type'] ?? '' });
  }
  return out;
}

/** Resolves a relative OPC target (`../slides/slide1.xml`) against a folder (`ppt/slides/`). */
function resolvePartName(folder: string, target: string): string {
  const segments = target.startsWith('/') ? [] : folder.split('/').filter(Boolean);
  for (const segment of target.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  return segments.join('/');
}
