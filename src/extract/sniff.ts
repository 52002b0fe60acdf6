/**
 * Format detection. Content decides first (magic bytes, container structure); a file name or
 * media type only chooses among text-like formats, so a renamed file is parsed for what it is
 * and random bytes named `.xlsx` never reach a spreadsheet parser.
 */
import { unzipSync } from 'fflate';
import { detectBom, detectUtf16, decodeText } from './decode.js';
import type { FormatId } from './types.js';

/** Bytes looked at to tell text from binary and to recognise text formats. */
const HEAD = 8192;
/** `%PDF-` may follow some junk (readers accept it): how far to look. */
const PDF_WINDOW = 1024;

const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

function startsWith(bytes: Uint8Array, prefix: readonly number[] | string, at = 0): boolean {
  if (bytes.length < at + prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) {
    const want = typeof prefix === 'string' ? prefix.charCodeAt(i) : prefix[i];
    if (bytes[at + i] !== want) return false;
  }
  return true;
}

/** `%PDF-` and a version digit after some leading junk (checked after every other magic). */
function hasLatePdfHeader(bytes: Uint8Array): boolean {
  const end = Math.min(bytes.length - 5, PDF_WINDOW);
  for (let i = 1; i < end; i++) {
    if (bytes[i] === 0x25 && startsWith(bytes, '%PDF-', i)) {
      const digit = bytes[i + 5]!;
      if (digit >= 0x30 && digit <= 0x39) return true;
    }
  }
  return false;
}

function zipKind(bytes: Uint8Array): FormatId {
  let contentTypes = false;
  let word = false;
  let xl = false;
  let xlsb = false;
  let ppt = false;
  let mimetypeWanted = false;
  let files: Record<string, Uint8Array>;
  try {
    // The filter sees every central-directory record; returning false skips inflating, so this
    // costs a directory walk, not a decompression. Only a tiny `mimetype` entry is read.
    files = unzipSync(bytes, {
      filter: (file) => {
        const name = file.name;
        if (name === '[Content_Types].xml') contentTypes = true;
        else if (name.startsWith('word/')) word = true;
        else if (name.startsWith('xl/')) {
          xl = true;
          if (name === 'xl/workbook.bin') xlsb = true;
        } else if (name.startsWith('ppt/')) ppt = true;
        else if (name === 'mimetype' && file.originalSize <= 256 && file.size <= 256) {
          mimetypeWanted = true;
          return true;
        }
        return false;
      },
    });
  } catch {
    // Truncated or damaged archive: still a zip; the zip extractor reports what is wrong.
    return 'zip';
  }
  if (contentTypes) {
    if (word) return 'docx';
    if (xl) return xlsb ? 'xlsb' : 'xlsx';
    if (ppt) return 'pptx';
  }
  const mimetype = mimetypeWanted ? files['mimetype'] : undefined;
  if (mimetype) {
    const type = new TextDecoder().decode(mimetype).trim();
    const odf = 'application/vnd.oasis.opendocument.';
    if (type.startsWith(`${odf}text`)) return 'odt';
    if (type.startsWith(`${odf}spreadsheet`)) return 'ods';
    if (type.startsWith(`${odf}presentation`)) return 'odp';
  }
  return 'zip';
}

const ENDOFCHAIN = 0xfffffffe;
const MAX_OLE_SECTORS = 4096;
const MAX_OLE_NAMES = 4096;

/**
 * Names of the storages and streams in an OLE2 / Compound File Binary, read from its directory
 * without any library (cfb is only a dev dependency). Bounded: at most 4 096 directory sectors
 * and names. Undefined when the structure does not hold together.
 */
export function oleStreamNames(bytes: Uint8Array): string[] | undefined {
  if (!startsWith(bytes, OLE_MAGIC) || bytes.length < 512) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shift = view.getUint16(0x1e, true);
  if (shift !== 9 && shift !== 12) return undefined;
  const sectorSize = 1 << shift;
  const perSector = sectorSize / 4;
  const sectorOffset = (sector: number): number => (sector + 1) * sectorSize;
  const readU32 = (offset: number): number | undefined =>
    offset >= 0 && offset + 4 <= bytes.length ? view.getUint32(offset, true) : undefined;

  const difatSectors: number[] = [];
  let difatNext = view.getUint32(0x44, true);
  const difatEntry = (index: number): number | undefined => {
    if (index < 109) return view.getUint32(0x4c + index * 4, true);
    let rest = index - 109;
    const per = perSector - 1;
    // Walk the DIFAT chain only as far as needed, remembering sectors already visited.
    while (difatSectors.length <= Math.floor(rest / per)) {
      if (difatNext >= ENDOFCHAIN || difatSectors.length >= MAX_OLE_SECTORS) return undefined;
      difatSectors.push(difatNext);
      const next = readU32(sectorOffset(difatNext) + per * 4);
      if (next === undefined) return undefined;
      difatNext = next;
    }
    const sector = difatSectors[Math.floor(rest / per)]!;
    rest %= per;
    return readU32(sectorOffset(sector) + rest * 4);
  };
  const nextSector = (sector: number): number | undefined => {
    const fatSector = difatEntry(Math.floor(sector / perSector));
    if (fatSector === undefined || fatSector >= ENDOFCHAIN) return undefined;
    return readU32(sectorOffset(fatSector) + (sector % perSector) * 4);
  };

  const names: string[] = [];
  const seen = new Set<number>();
  let sector = view.getUint32(0x30, true);
  while (sector < ENDOFCHAIN) {
    if (seen.has(sector) || seen.size >= MAX_OLE_SECTORS) return undefined;
    seen.add(sector);
    const base = sectorOffset(sector);
    if (base + sectorSize > bytes.length) return undefined;
    for (let entry = base; entry < base + sectorSize; entry += 128) {
      const type = bytes[entry + 0x42];
      if (type !== 1 && type !== 2 && type !== 5) continue;
      const nameBytes = Math.min(64, view.getUint16(entry + 0x40, true));
      if (nameBytes < 2) continue;
      let name = '';
      for (let i = 0; i + 2 < nameBytes; i += 2) name += String.fromCharCode(view.getUint16(entry + i, true));
      names.push(name);
      if (names.length >= MAX_OLE_NAMES) return names;
    }
    const next = nextSector(sector);
    if (next === undefined) return undefined;
    sector = next;
  }
  return sector === ENDOFCHAIN ? names : undefined;
}

function extensionOf(filename: string | undefined): string {
  if (!filename) return '';
  const base = filename.slice(Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot + 1).toLowerCase();
}

function mediaTypeOf(mediaType: string | undefined): string {
  return (mediaType ?? '').split(';')[0]!.trim().toLowerCase();
}

function oleKind(bytes: Uint8Array, ext: string, media: string): FormatId {
  const names = oleStreamNames(bytes);
  if (names) {
    if (names.includes('Workbook') || names.includes('Book')) return 'xls';
    if (names.some((n) => n.startsWith('__substg1.0_') || n === '__properties_version1.0')) return 'msg';
    // Word, PowerPoint, encrypted OOXML and other OLE files all go to the generic OLE extractor.
    if (names.length > 1) return 'ole';
  }
  if (['xls', 'xlt', 'xla'].includes(ext) || media === 'application/vnd.ms-excel') return 'xls';
  if (ext === 'msg' || media === 'application/vnd.ms-outlook') return 'msg';
  return 'ole';
}

/** POSIX/GNU tar has `ustar` at 257; old v7 archives are recognised by their header checksum. */
function isTar(bytes: Uint8Array): boolean {
  if (bytes.length < 512) return false;
  if (startsWith(bytes, 'ustar', 257)) return true;
  let stored = 0;
  let digits = 0;
  for (let i = 148; i < 156; i++) {
    const c = bytes[i]!;
    if (c >= 0x30 && c <= 0x37) {
      stored = stored * 8 + (c - 0x30);
      digits++;
    } else if (c !== 0 && c !== 0x20) return false;
  }
  if (digits === 0 || bytes[0] === 0) return false;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : bytes[i]!;
  return sum === stored;
}

/** Text or binary, judged from the first 8 KiB. */
function looksBinary(head: Uint8Array): boolean {
  if (head.length === 0 || detectBom(head) || detectUtf16(head)) return false;
  let control = 0;
  for (let i = 0; i < head.length; i++) {
    const c = head[i]!;
    if (c === 0) return true;
    // Tab, LF, VT, FF, CR and ESC (ANSI colours in logs) occur in real text.
    if (c < 0x20 && (c < 0x09 || c > 0x0d) && c !== 0x1b) control++;
    else if (c === 0x7f) control++;
  }
  return control * 20 > head.length;
}

const MAIL_HEADERS = new Set([
  'from',
  'received',
  'subject',
  'mime-version',
  'return-path',
  'message-id',
  'date',
  'to',
  'cc',
  'reply-to',
  'delivered-to',
  'content-type',
]);
const HEADER_LINE = /^([!-9;-~]+):/;

/** An RFC 822 header block at the very start: every line a header or continuation, two known names. */
function looksLikeMail(head: string): boolean {
  const end = head.search(/\r?\n\r?\n/);
  const block = end < 0 ? head : head.slice(0, end);
  const lines = block.split(/\r?\n/);
  // Without a blank line the head must have been cut inside the headers: drop the partial line.
  if (end < 0 && lines.length > 1) lines.pop();
  let known = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (i > 0 && (line.startsWith(' ') || line.startsWith('\t'))) continue;
    const match = HEADER_LINE.exec(line);
    if (!match) return false;
    if (MAIL_HEADERS.has(match[1]!.toLowerCase())) known++;
  }
  return known >= 2;
}

function looksLikeMbox(head: string): boolean {
  if (!head.startsWith('From ')) return false;
  const eol = head.indexOf('\n');
  return eol > 0 && HEADER_LINE.test(head.slice(eol + 1));
}

const TEXT_EXTENSIONS: ReadonlyMap<string, FormatId> = new Map(Object.entries({
  txt: 'text',
  log: 'text',
  text: 'text',
  md: 'text',
  csv: 'csv',
  tsv: 'tsv',
  tab: 'tsv',
  json: 'json',
  jsonl: 'json',
  ndjson: 'json',
  geojson: 'json',
  har: 'json',
  xml: 'xml',
  xsd: 'xml',
  xsl: 'xml',
  xslt: 'xml',
  svg: 'xml',
  rss: 'xml',
  atom: 'xml',
  kml: 'xml',
  gpx: 'xml',
  wsdl: 'xml',
  resx: 'xml',
  plist: 'xml',
  html: 'html',
  htm: 'html',
  xhtml: 'html',
  shtml: 'html',
} satisfies Record<string, FormatId>));

function textKindFromMediaType(media: string): FormatId | undefined {
  if (media === 'text/csv' || media === 'application/csv') return 'csv';
  if (media === 'text/tab-separated-values') return 'tsv';
  if (media === 'application/json' || media === 'application/x-ndjson' || media.endsWith('+json')) return 'json';
  if (media === 'text/html' || media === 'application/xhtml+xml') return 'html';
  if (media === 'application/xml' || media === 'text/xml' || media.endsWith('+xml')) return 'xml';
  if (media === 'text/plain') return 'text';
  return undefined;
}

const JSON_START = /^[[{]\s*(?:["{[\]}\-0-9]|true\b|false\b|null\b)/;

function textKindFromContent(head: string): FormatId {
  const start = head.replace(/^\uFEFF?\s*/, '').slice(0, 256);
  const lower = start.toLowerCase();
  if (lower.startsWith('<?xml')) return 'xml';
  if (lower.startsWith('<!doctype html') || lower.startsWith('<html')) return 'html';
  if (JSON_START.test(start)) return 'json';
  return 'text';
}

/**
 * Detects the format of `bytes`. Magic bytes and container structure decide; `hint` (file name,
 * media type) only picks among csv/tsv/json/xml/html/text for text content, and between xls, msg
 * and generic OLE when the OLE directory cannot be read.
 */
export function sniff(bytes: Uint8Array, hint: { filename?: string; mediaType?: string } = {}): FormatId {
  const ext = extensionOf(hint.filename);
  const media = mediaTypeOf(hint.mediaType);
  if (startsWith(bytes, '%PDF')) return 'pdf';
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) {
    return zipKind(bytes);
  }
  if (startsWith(bytes, OLE_MAGIC)) return oleKind(bytes, ext, media);
  if (startsWith(bytes, '!BDN')) return 'pst';
  if (startsWith(bytes, [0x1f, 0x8b, 0x08])) return 'gzip';
  if (isTar(bytes)) return 'tar';
  if (startsWith(bytes, '{\\rtf')) return 'rtf';
  // Only now: a zip or tar whose first member is a stored PDF has `%PDF-` in its first KiB too.
  if (hasLatePdfHeader(bytes)) return 'pdf';

  const headBytes = bytes.subarray(0, HEAD);
  if (looksBinary(headBytes)) return 'binary';
  const head = decodeText(headBytes).text;
  if (looksLikeMbox(head)) return 'mbox';
  if (looksLikeMail(head)) return 'eml';
  return TEXT_EXTENSIONS.get(ext) ?? textKindFromMediaType(media) ?? textKindFromContent(head);
}
