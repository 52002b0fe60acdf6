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
import { Parser } from 'htmlparser2';
import { ExtractError } from '../errors.js';
import {
  FLAG_ENCRYPTED,
  findEocd,
  inflateCapped,
  localDataStart,
  RATIO_FLOOR,
  readCentralDirectory,
  SIG_LOCAL,
  u32,
  type ZipEntry,
} from './archive.js';
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

const utf8 = new TextDecoder('utf-8');

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

/**
 * A zip-packaged document opened for bounded reading. Opening reads only the central directory;
 * an encrypted part makes the whole document `encrypted` (a password-protected package cannot
 * be read in part). Parts are inflated only through {@link ZipPackage.read}, or checked with
 * {@link ZipPackage.vouchFor} before a library inflates them.
 */
export class ZipPackage {
  private readonly parts = new Map<string, ZipEntry>();
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
    const eocd = findEocd(bytes);
    if (eocd < 0) throw new ExtractError('corrupt', 'document package is not a readable zip (no central directory)');
    const maxEntries = ctx.limits.maxEntries;
    const { entries, complete } = readCentralDirectory(bytes, eocd, maxEntries);
    // Folders count too: a package is refused whole, not read in part like an archive.
    if (entries.length > maxEntries) {
      throw new ExtractError('archive_entries', `document package has more than ${maxEntries} parts`);
    }
    if (!complete) throw new ExtractError('corrupt', 'document package has a damaged zip directory');
    const pkg = new ZipPackage(bytes, ctx);
    for (const part of entries) {
      if (part.flags & FLAG_ENCRYPTED) throw new ExtractError('encrypted', 'document package has encrypted parts');
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

  private inflate(part: ZipEntry): Uint8Array {
    this.admit([part.name]);
    const d = this.bytes;
    const start = localDataStart(d, part.localOffset);
    if (start < 0) throw new ExtractError('corrupt', 'a document part is missing from the zip package');
    if (start + part.size > d.length) throw new ExtractError('corrupt', 'a document part is cut off');
    const data = d.subarray(start, start + part.size);
    if (part.method === 0) return data;
    if (part.method !== 8) throw new ExtractError('unsupported', 'a document part uses an unsupported compression method');
    // The declared size is the cap: a part that lies about its size costs at most the lie.
    const result = inflateCapped('deflate', data, part.originalSize);
    if (result.status !== 'ok') throw new ExtractError('corrupt', 'a document part does not inflate to its declared size');
    return result.bytes;
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
