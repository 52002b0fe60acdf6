/**
 * Generators of hostile inputs for the hostile-input, fuzz and security suites. Everything is
 * built by code at test time: nothing binary is committed. Card numbers come from
 * `test/support/cards.ts` (seeded, Luhn-valid, never real cards).
 *
 * Sizes are chosen so that every input is cheap to build (well under a second each) while its
 * *claimed* or *expanded* size is large: bombs are a few hundred KiB on disk, the 100 000-entry
 * zip is built byte by byte, the 100 MB line is a stream that never exists in memory at once.
 */
import CFB from 'cfb';
import { existsSync, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { deflateSync } from 'node:zlib';
import { zipSync, type Zippable } from 'fflate';
import * as XLSX from 'xlsx';
import { expect } from 'vitest';
import type { FileReport, Finding, Location } from '../../src/types.js';
import { emlWithAttachments, fakePst, gzipOf, mboxOf, msgOf, rawZip, tarOf, zerosDeflate } from '../fixtures/containers.js';
import { makeDocx, makeOdp, makeOds, makeOdt, makePdf, makePptx, makeWorkbook } from '../fixtures/documents.js';
import { oleOf, utf16le } from '../fixtures/textual.js';
import { group, makePan, rng } from '../support/cards.js';

const enc = new TextEncoder();

/** Bytes of a string (UTF-8) or the bytes themselves. */
export function bytesOf(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? enc.encode(data) : data;
}

/** Concatenates byte arrays. */
export function cat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Card data
// ---------------------------------------------------------------------------------------------

const sixteen: ReadonlyArray<readonly [string, number]> = [
  ['4', 16],
  ['51', 16],
  ['6011', 16],
  ['55', 16],
  ['2221', 16],
  ['3528', 16],
];

/**
 * `count` distinct 16-digit Luhn-valid PANs (visa, mastercard, discover, jcb) for `seed`, with
 * no digit run that a test could confuse with another value (no four equal digits in a row).
 */
export function hostilePans(count: number, seed: number): string[] {
  const random = rng(seed);
  const out: string[] = [];
  while (out.length < count) {
    const [prefix, length] = sixteen[out.length % sixteen.length]!;
    const pan = makePan(prefix, length, random);
    if (/(\d)\1\1\1/.test(pan) || out.includes(pan)) continue;
    out.push(pan);
  }
  return out;
}

/** A line a person would type: keyword, grouped PAN and expiry, so the finding is `high`. */
export function cardLine(pan: string): string {
  return `Customer card number: ${group(pan, [4, 4, 4, 4])} exp 12/29\n`;
}

/** The masked form of a 16-digit PAN under the default mask. */
export function masked(pan: string): string {
  return `${pan.slice(0, 6)}******${pan.slice(-4)}`;
}

// ---------------------------------------------------------------------------------------------
// Damage
// ---------------------------------------------------------------------------------------------

/** The first `fraction` of `bytes` (a copy). */
export function truncated(bytes: Uint8Array, fraction: number): Uint8Array {
  return bytes.slice(0, Math.max(1, Math.floor(bytes.length * fraction)));
}

/**
 * `bytes` with `length` bytes from `fraction` of the way in overwritten by seeded noise: the
 * signature survives, the structure behind it does not.
 */
export function corrupted(bytes: Uint8Array, fraction = 0.5, length = 256, seed = 0xbad): Uint8Array {
  const out = bytes.slice();
  const random = rng(seed);
  const start = Math.min(out.length - 1, Math.max(8, Math.floor(out.length * fraction)));
  for (let i = start; i < Math.min(out.length, start + length); i++) out[i] = Math.floor(random() * 256);
  return out;
}

/** Seeded noise. */
export function noise(length: number, seed: number): Uint8Array {
  const random = rng(seed);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = Math.floor(random() * 256);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Zip
// ---------------------------------------------------------------------------------------------

/** A zip (fflate, fixed mtime) of `[name, content]` pairs in order; level 0 stores. */
export function zipOf(files: ReadonlyArray<readonly [string, string | Uint8Array]>, level: 0 | 6 = 6): Uint8Array {
  const input: Zippable = {};
  for (const [name, data] of files) input[name] = [bytesOf(data), { level, mtime: new Date(Date.UTC(2020, 0, 1)) }];
  return zipSync(input);
}

const MiB = 1024 * 1024;

/**
 * A zip bomb that tells the truth: one member of `mebibytes` MiB of zeros, about 1 KB of
 * deflate per MiB (expansion ratio ≈ 1000:1), with its real size in the headers.
 */
export function honestZipBomb(mebibytes = 1024, sibling?: string): Uint8Array {
  return rawZip([{ name: 'zeros.bin', data: zerosDeflate(mebibytes), method: 8, declaredSize: mebibytes * MiB }, ...storedMember('sibling.txt', sibling)]);
}

/** The same stream under headers that claim 1 000 bytes: only a byte counter while inflating can stop it. */
export function lyingZipBomb(mebibytes = 1024, sibling?: string): Uint8Array {
  return rawZip([{ name: 'small.txt', data: zerosDeflate(mebibytes), method: 8, declaredSize: 1000 }, ...storedMember('sibling.txt', sibling)]);
}

function storedMember(name: string, text: string | undefined) {
  if (text === undefined) return [];
  const data = enc.encode(text);
  return [{ name, data, method: 0, declaredSize: data.length }];
}

/**
 * 42.zip in small: `fanout` copies of an honest bomb member inside each of `fanout` inner zips.
 * Every member refuses on its declared ratio; nothing is inflated.
 */
export function fanoutZipBomb(fanout = 16, mebibytes = 64): Uint8Array {
  const leaf = zerosDeflate(mebibytes);
  const inner = rawZip(Array.from({ length: fanout }, (_, i) => ({ name: `zeros-${i}.bin`, data: leaf, method: 8, declaredSize: mebibytes * MiB })));
  return zipOf(Array.from({ length: fanout }, (_, i) => [`inner-${i}.zip`, inner] as const), 0);
}

/**
 * Zips nested `depth` deep: level k (0 = outermost) holds `pan-k.txt` with `pans[k]` (when
 * given) and `level-(k+1).zip`. Stored, so building 30 levels costs nothing.
 */
export function nestedZips(depth: number, pans: readonly string[]): Uint8Array {
  let inner: Uint8Array | undefined;
  for (let level = depth - 1; level >= 0; level--) {
    const files: [string, string | Uint8Array][] = [];
    const pan = pans[level];
    if (pan !== undefined) files.push([`pan-${level}.txt`, cardLine(pan)]);
    if (inner) files.push([`level-${level + 1}.zip`, inner]);
    else files.push(['bottom.txt', 'the end\n']);
    inner = zipOf(files, 0);
  }
  return inner!;
}

/**
 * A zip with `count` stored members of one byte each (`e/000001.txt` …), written byte by byte:
 * zip64 end records, since `count` can pass the 65 535 a classic end record holds. `first`
 * (optional) is the content of the first member, so a test can check it is still scanned.
 */
export function manyEntriesZip(count: number, first?: string): Uint8Array {
  const width = String(count).length;
  const names: Uint8Array[] = [];
  for (let i = 0; i < count; i++) names.push(enc.encode(`e/${String(i + 1).padStart(width, '0')}.txt`));
  const firstData = first === undefined ? undefined : enc.encode(first);
  const dataOf = (i: number): Uint8Array | number => (i === 0 && firstData ? firstData : 0x78); // 'x'
  const sizeOf = (i: number): number => (i === 0 && firstData ? firstData.length : 1);
  let localTotal = 0;
  let centralTotal = 0;
  for (let i = 0; i < count; i++) {
    localTotal += 30 + names[i]!.length + sizeOf(i);
    centralTotal += 46 + names[i]!.length;
  }
  const out = new Uint8Array(localTotal + centralTotal + 56 + 20 + 22);
  const view = new DataView(out.buffer);
  const offsets = new Array<number>(count);
  let at = 0;
  for (let i = 0; i < count; i++) {
    const name = names[i]!;
    offsets[i] = at;
    view.setUint32(at, 0x04034b50, true);
    view.setUint16(at + 4, 10, true);
    view.setUint32(at + 18, sizeOf(i), true);
    view.setUint32(at + 22, sizeOf(i), true);
    view.setUint16(at + 26, name.length, true);
    out.set(name, at + 30);
    at += 30 + name.length;
    const data = dataOf(i);
    if (typeof data === 'number') out[at++] = data;
    else {
      out.set(data, at);
      at += data.length;
    }
  }
  const cdStart = at;
  for (let i = 0; i < count; i++) {
    const name = names[i]!;
    view.setUint32(at, 0x02014b50, true);
    view.setUint16(at + 4, 45, true);
    view.setUint16(at + 6, 10, true);
    view.setUint32(at + 20, sizeOf(i), true);
    view.setUint32(at + 24, sizeOf(i), true);
    view.setUint16(at + 28, name.length, true);
    view.setUint32(at + 42, offsets[i]!, true);
    out.set(name, at + 46);
    at += 46 + name.length;
  }
  const cdSize = at - cdStart;
  // zip64 end of central directory record
  const z64 = at;
  view.setUint32(at, 0x06064b50, true);
  view.setBigUint64(at + 4, 44n, true);
  view.setUint16(at + 12, 45, true);
  view.setUint16(at + 14, 45, true);
  view.setBigUint64(at + 24, BigInt(count), true);
  view.setBigUint64(at + 32, BigInt(count), true);
  view.setBigUint64(at + 40, BigInt(cdSize), true);
  view.setBigUint64(at + 48, BigInt(cdStart), true);
  at += 56;
  // zip64 locator
  view.setUint32(at, 0x07064b50, true);
  view.setBigUint64(at + 8, BigInt(z64), true);
  view.setUint32(at + 16, 1, true);
  at += 20;
  // classic end record, saturated where zip64 takes over
  view.setUint32(at, 0x06054b50, true);
  view.setUint16(at + 8, 0xffff, true);
  view.setUint16(at + 10, 0xffff, true);
  view.setUint32(at + 12, cdSize, true);
  view.setUint32(at + 16, 0xffffffff, true);
  at += 22;
  if (at !== out.length) throw new Error(`manyEntriesZip: wrote ${at} of ${out.length} bytes`);
  return out;
}

/** Member names that would escape an extraction folder, if anything were ever extracted. */
export function traversalNames(marker: string): string[] {
  return [
    `../../../../../../tmp/${marker}-dotdot.txt`,
    `/tmp/${marker}-absolute.txt`,
    `..\\..\\..\\${marker}-backslash.txt`,
    `C:\\Windows\\Temp\\${marker}-drive.txt`,
    `a/../../${marker}-inner-dotdot.txt`,
    `./${marker}-dot.txt`,
  ];
}

/**
 * Writes a zip whose member names are exactly `names` (fflate would refuse none of them, but
 * a hand-built archive keeps them byte for byte, backslashes and drive letters included).
 */
export function zipWithNames(members: ReadonlyArray<readonly [string, string]>): Uint8Array {
  return rawZip(members.map(([name, text]) => ({ name, data: enc.encode(text), method: 0, declaredSize: enc.encode(text).length })));
}

// ---------------------------------------------------------------------------------------------
// OOXML packages with hostile XML
// ---------------------------------------------------------------------------------------------

const W_NS = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const REL = (kind: string): string => `http://schemas.openxmlformats.org/officeDocument/2006/relationships/${kind}`;
const CT_NS = 'http://schemas.openxmlformats.org/package/2006/content-types';
const SS_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';

/** A DOCTYPE whose entity `lol9` expands to 10^9 copies of `lol` (about 3 GB). */
export const BILLION_LAUGHS_DTD =
  '<!DOCTYPE lolz [<!ENTITY lol "lol">' +
  '<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
  Array.from({ length: 8 }, (_, i) => `<!ENTITY lol${i + 2} "${`&lol${i + 1};`.repeat(10)}">`).join('') +
  ']>';

/** A minimal docx whose `word/document.xml` is `documentXml` (and optional extra parts). */
export function docxPackage(
  documentXml: string,
  extra: Record<string, string | Uint8Array> = {},
  documentRels?: string,
  level: 0 | 6 = 6,
): Uint8Array {
  const files: [string, string | Uint8Array][] = [
    [
      '[Content_Types].xml',
      `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="${CT_NS}"><Default Extension="xml" ContentType="application/xml"/>` +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    ],
    ['_rels/.rels', `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${REL_NS}"><Relationship Id="rId1" Type="${REL('officeDocument')}" Target="word/document.xml"/></Relationships>`],
    ['word/document.xml', documentXml],
  ];
  if (documentRels !== undefined) files.push(['word/_rels/document.xml.rels', documentRels]);
  for (const [name, data] of Object.entries(extra)) files.push([name, data]);
  return zipOf(files, level);
}

/** Word paragraphs, one per line of `text`. */
export function wordBody(lines: readonly string[]): string {
  return lines.map((line) => `<w:p><w:r><w:t xml:space="preserve">${line}</w:t></w:r></w:p>`).join('');
}

/** A docx whose document.xml declares the billion-laughs DTD and uses `&lol9;`, next to a plain PAN paragraph. */
export function billionLaughsDocx(pan: string): Uint8Array {
  return docxPackage(
    `<?xml version="1.0" encoding="UTF-8"?>${BILLION_LAUGHS_DTD}<w:document xmlns:w="${W_NS}"><w:body>` +
      `${wordBody([cardLine(pan).trim()])}<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>`,
  );
}

/** A docx whose body nests `depth` elements (`w:sdt`/`w:sdtContent` pairs) around a paragraph with a PAN. */
export function deepDocx(depth: number, pan: string): Uint8Array {
  const open = '<w:sdt><w:sdtContent>'.repeat(depth / 2);
  const close = '</w:sdtContent></w:sdt>'.repeat(depth / 2);
  // Stored, not deflated: repeated tags compress far past the ratio limit, which would stop the
  // package before any XML parser saw the nesting.
  return docxPackage(
    `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="${W_NS}"><w:body>${wordBody([cardLine(pan).trim()])}` +
      `${open}${wordBody(['deep inside'])}${close}</w:body></w:document>`,
    {},
    undefined,
    0,
  );
}

/**
 * A minimal xlsx: one sheet named `sheetName` with inline-string cells from `rows`, optional
 * shared strings, comments and custom properties given as raw XML.
 */
export function xlsxPackage(options: {
  rows?: readonly (readonly string[])[];
  sheetName?: string;
  /** Raw XML inserted before `<sheetData>` content ends (e.g. deep nesting). */
  sheetDataExtra?: string;
  /** DOCTYPE put in front of the sheet's root element. */
  sheetDoctype?: string;
  sharedStrings?: string;
  comments?: string;
  customProps?: string;
  extraSheets?: readonly string[];
  /** 0 stores the parts (no ratio limit applies), 6 deflates them. */
  level?: 0 | 6;
}): Uint8Array {
  const sheetName = options.sheetName ?? 'Sheet1';
  const sheets = [sheetName, ...(options.extraSheets ?? [])];
  const col = (c: number): string => String.fromCharCode(65 + c);
  const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
  const rowsXml = (options.rows ?? [])
    .map(
      (row, r) =>
        `<row r="${r + 1}">${row.map((value, c) => `<c r="${col(c)}${r + 1}" t="inlineStr"><is><t>${escape(value)}</t></is></c>`).join('')}</row>`,
    )
    .join('');
  const sheetXml = (data: string): string =>
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>${options.sheetDoctype ?? ''}<worksheet xmlns="${SS_NS}" xmlns:r="${REL('').slice(0, -1)}"><sheetData>${data}</sheetData></worksheet>`;
  const overrides =
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
    sheets.map((_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join('') +
    (options.sharedStrings ? '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>' : '') +
    (options.comments ? '<Override PartName="/xl/comments1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"/>' : '') +
    (options.customProps ? '<Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/>' : '');
  const files: [string, string][] = [
    [
      '[Content_Types].xml',
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="${CT_NS}"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>${overrides}</Types>`,
    ],
    [
      '_rels/.rels',
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="${REL_NS}"><Relationship Id="rId1" Type="${REL('officeDocument')}" Target="xl/workbook.xml"/>` +
        (options.customProps ? `<Relationship Id="rId2" Type="${REL('custom-properties')}" Target="docProps/custom.xml"/>` : '') +
        '</Relationships>',
    ],
    [
      'xl/workbook.xml',
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="${SS_NS}" xmlns:r="${REL('').slice(0, -1)}"><sheets>` +
        sheets.map((name, i) => `<sheet name="${escape(name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('') +
        '</sheets></workbook>',
    ],
    [
      'xl/_rels/workbook.xml.rels',
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="${REL_NS}">` +
        sheets.map((_, i) => `<Relationship Id="rId${i + 1}" Type="${REL('worksheet')}" Target="worksheets/sheet${i + 1}.xml"/>`).join('') +
        (options.sharedStrings ? `<Relationship Id="rId${sheets.length + 1}" Type="${REL('sharedStrings')}" Target="sharedStrings.xml"/>` : '') +
        '</Relationships>',
    ],
    ['xl/worksheets/sheet1.xml', sheetXml(rowsXml + (options.sheetDataExtra ?? ''))],
  ];
  for (let i = 1; i < sheets.length; i++) files.push([`xl/worksheets/sheet${i + 1}.xml`, sheetXml('')]);
  if (options.sharedStrings) files.push(['xl/sharedStrings.xml', options.sharedStrings]);
  if (options.comments) {
    files.push(['xl/comments1.xml', options.comments]);
    files.push([
      'xl/worksheets/_rels/sheet1.xml.rels',
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="${REL_NS}"><Relationship Id="rId1" Type="${REL('comments')}" Target="../comments1.xml"/></Relationships>`,
    ]);
  }
  if (options.customProps) files.push(['docProps/custom.xml', options.customProps]);
  return zipOf(files, options.level ?? 6);
}

/** An xlsx whose sheet declares the billion-laughs DTD and has a cell `&lol9;` next to a PAN cell. */
export function billionLaughsXlsx(pan: string): Uint8Array {
  return xlsxPackage({
    rows: [['Card Number'], [pan]],
    sheetDoctype: BILLION_LAUGHS_DTD,
    sheetDataExtra: '<row r="3"><c r="A3" t="inlineStr"><is><t>&lol9;</t></is></c></row>',
    sharedStrings: `<?xml version="1.0" encoding="UTF-8"?>${BILLION_LAUGHS_DTD}<sst xmlns="${SS_NS}" count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>`,
  });
}

/** An xlsx whose sheet has `depth` nested elements inside a cell after a row with a PAN. */
export function deepXlsx(depth: number, pan: string): Uint8Array {
  return xlsxPackage({
    level: 0,
    rows: [['Card Number'], [pan]],
    sheetDataExtra: `<row r="3"><c r="A3" t="inlineStr"><is>${'<r>'.repeat(depth)}<t>deep</t>${'</r>'.repeat(depth)}</is></c></row>`,
  });
}

/**
 * A legacy .xls (SheetJS's BIFF8 writer) whose `\x05SummaryInformation` property set claims
 * 2^31 − 1 properties in a 92-byte stream: SheetJS 0.18.5 (`parse_PropertySet`) allocates an
 * entry per claimed property before reading any, so it exhausts the heap (or, with a smaller
 * count, burns seconds). A workbook crafted against a known parser weakness, as SECURITY.md
 * lists among the threats.
 */
export function xlsWithHugePropertyCount(pan: string): Uint8Array {
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([['Card Number'], [pan]]), 'Cards');
  wb.Props = { Title: 'report', CreatedDate: new Date(0) };
  const xls = new Uint8Array(XLSX.write(wb, { type: 'array', bookType: 'xls' }) as ArrayBuffer);
  const container = CFB.read(xls, { type: 'array' });
  const entry = CFB.find(container, '\u0005SummaryInformation');
  if (!entry?.content) throw new Error('the xls writer wrote no SummaryInformation stream');
  const stream = Buffer.from(entry.content as Uint8Array);
  // Property set stream header (28 bytes), then FMTID (16) + section offset (4); the section
  // starts with its size and then the property count.
  const section = stream.readUInt32LE(44);
  stream.writeUInt32LE(0x7fffffff, section + 4);
  entry.content = stream;
  entry.size = stream.length;
  return new Uint8Array(CFB.write(container, { type: 'array' }) as ArrayLike<number>);
}

/**
 * An Outlook .msg (compound file) whose sector chains loop: `directory` points the directory's
 * first sector at itself in the FAT, `minifat` does the same for the first mini-FAT sector,
 * `tree` makes the first child of the root its own left sibling. A reader that follows chains
 * without remembering where it has been pushes the same sector into an array forever.
 */
export function msgWithLoop(bytes: Uint8Array, kind: 'directory' | 'minifat' | 'tree'): Uint8Array {
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  const sectorSize = 1 << view.getUint16(0x1e, true);
  const sectorAt = (sector: number): number => (sector + 1) * sectorSize;
  const fatSector = view.getUint32(0x4c, true);
  const setFat = (sector: number, next: number): void => view.setUint32(sectorAt(fatSector) + sector * 4, next, true);
  const dirStart = view.getUint32(0x30, true);
  if (kind === 'directory') setFat(dirStart, dirStart);
  else if (kind === 'minifat') {
    const miniFat = view.getUint32(0x3c, true);
    const miniStart = sectorAt(miniFat);
    view.setUint32(miniStart, 0, true); // mini sector 0 → 0
    view.setUint32(miniStart + 4, 1, true); // mini sector 1 → 1
  } else {
    const root = sectorAt(dirStart);
    const child = view.getUint32(root + 0x4c, true);
    view.setUint32(root + child * 128 + 0x44, child, true);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// PDF
// ---------------------------------------------------------------------------------------------

/**
 * A one-page PDF, written by hand, whose content stream is `operators` (Flate-compressed when
 * `compress`), with `extra` entries in the catalog and page dictionaries. Offsets in the xref
 * table are exact.
 */
export function pdfWithContent(operators: Uint8Array, compress = true, extra: { catalog?: string; page?: string } = {}): Uint8Array {
  const stream = compress ? new Uint8Array(deflateSync(operators, { level: 6 })) : operators;
  const objects: (string | Uint8Array)[][] = [
    [`<< /Type /Catalog /Pages 2 0 R ${extra.catalog ?? ''}>>`],
    ['<< /Type /Pages /Kids [3 0 R] /Count 1 >>'],
    [`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R ${extra.page ?? ''}>>`],
    [`<< /Length ${stream.length}${compress ? ' /Filter /FlateDecode' : ''} >>\nstream\n`, stream, '\nendstream'],
    ['<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'],
  ];
  const parts: Uint8Array[] = [enc.encode('%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n')];
  let length = parts[0]!.length;
  const offsets: number[] = [];
  objects.forEach((pieces, i) => {
    offsets.push(length);
    for (const piece of [`${i + 1} 0 obj\n`, ...pieces, '\nendobj\n']) {
      const bytes = typeof piece === 'string' ? enc.encode(piece) : piece;
      parts.push(bytes);
      length += bytes.length;
    }
  });
  const xref =
    `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n` +
    offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('') +
    `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${length}\n%%EOF\n`;
  parts.push(enc.encode(xref));
  return cat(parts);
}

/** Text operators drawing `line` at the top of the page. */
export function textOps(line: string, y = 720): string {
  return `BT /F1 10 Tf 40 ${y} Td (${line}) Tj ET\n`;
}

/**
 * A PDF whose single content stream is `mebibytes` MiB of text-drawing operators (compressed
 * to a few hundred KiB), a PAN drawn first and another last.
 */
export function hugeContentPdf(mebibytes: number, first: string, last: string): Uint8Array {
  const head = enc.encode(textOps(cardLine(first).trim(), 760));
  const tail = enc.encode(textOps(cardLine(last).trim(), 40));
  // Text that draws over itself: what a generator gone wrong (or an attacker) writes. Whole
  // operators only: a cut one would open a string that swallows the tail.
  const op = 'BT /F1 8 Tf 60 400 Td (padding text) Tj ET\n';
  const body = Buffer.alloc(Math.floor((mebibytes * MiB - head.length - tail.length) / op.length) * op.length, op);
  return pdfWithContent(cat([head, body, tail]));
}

/** A PDF whose (uncompressed) content stream draws `pan` and whose xref and trailer are garbage. */
export function brokenPdfWithPan(pan: string): Uint8Array {
  const good = pdfWithContent(enc.encode(textOps(cardLine(pan).trim())), false);
  const text = Buffer.from(good).toString('latin1');
  const cut = text.indexOf('xref');
  // Keep the header and the content stream (with the PAN), then nonsense where the objects close.
  return cat([enc.encode(text.slice(0, text.indexOf('4 0 obj') + 200).replace(/endobj/g, 'endobj ] >> (')), noise(64, 3), enc.encode(`\ntrailer\n<< /Root 9 0 R >>\nstartxref\n${cut}\n%%EOF`)]);
}

// ---------------------------------------------------------------------------------------------
// Text
// ---------------------------------------------------------------------------------------------

/**
 * A readable stream of `total` bytes that is one line (no newline): `head` first, `tail` last,
 * filler in between, produced in 1 MiB chunks so it never exists in memory as a whole.
 */
export function oneLineStream(total: number, head: string, tail: string): Readable {
  const headBytes = enc.encode(head);
  const tailBytes = enc.encode(tail);
  const fillerChunk = Buffer.alloc(MiB, 'lorem ipsum dolor sit amet ');
  let sent = 0;
  return new Readable({
    read() {
      if (sent === 0) {
        sent += headBytes.length;
        this.push(Buffer.from(headBytes));
        return;
      }
      const left = total - tailBytes.length - sent;
      if (left > 0) {
        const n = Math.min(left, fillerChunk.length);
        sent += n;
        // A fresh copy per chunk: the scanner may keep the chunk it is handed.
        this.push(Buffer.from(fillerChunk.subarray(0, n)));
        return;
      }
      if (sent < total) {
        sent += tailBytes.length;
        this.push(Buffer.from(tailBytes));
        return;
      }
      this.push(null);
    },
  });
}

/** UTF-8 text with invalid sequences (lone continuation bytes, overlongs, a cut 4-byte sequence, 0xFF) around PANs. */
export function invalidUtf8(pans: readonly string[]): Uint8Array {
  const bad = [
    Uint8Array.of(0x80, 0xbf),
    Uint8Array.of(0xc0, 0xaf),
    Uint8Array.of(0xf0, 0x9f, 0x98),
    Uint8Array.of(0xff, 0xfe, 0xfd),
    Uint8Array.of(0xed, 0xa0, 0x80), // a UTF-16 surrogate encoded in UTF-8 (CESU), invalid in UTF-8
  ];
  const parts: Uint8Array[] = [enc.encode('Payments log — café\n')];
  pans.forEach((pan, i) => {
    parts.push(bad[i % bad.length]!, enc.encode(` ${cardLine(pan)}`), bad[(i + 1) % bad.length]!, enc.encode('\n'));
  });
  return cat(parts);
}

/** UTF-16LE (with BOM) text holding lone high and low surrogates next to PANs. */
export function utf16WithLoneSurrogates(pans: readonly string[]): Uint8Array {
  const text = pans.map((pan, i) => `${i % 2 ? '\uDC00' : '\uD800'}${cardLine(pan).trim()}${i % 2 ? '\uD83D' : '\uDE00'}\r\n`).join('');
  const out = new Uint8Array(2 + text.length * 2);
  out[0] = 0xff;
  out[1] = 0xfe;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    out[2 + i * 2] = unit & 0xff;
    out[3 + i * 2] = unit >> 8;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Measuring
// ---------------------------------------------------------------------------------------------

/** What {@link measure} saw. */
export interface Measured<T> {
  readonly value: T;
  readonly ms: number;
  /** Highest RSS seen while `fn` ran (sampled every 25 ms and at the end) minus RSS before, in MiB. */
  readonly rssMiB: number;
}

/**
 * Runs `fn`, timing it and sampling the resident set size. Sampling needs the event loop, so a
 * parser that blocks it is seen only at its end; the bound is a coarse guard, not a profile.
 */
export async function measure<T>(fn: () => Promise<T>): Promise<Measured<T>> {
  globalThis.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 25);
  const started = performance.now();
  try {
    const value = await fn();
    const ms = performance.now() - started;
    peak = Math.max(peak, process.memoryUsage().rss);
    return { value, ms, rssMiB: (peak - before) / MiB };
  } finally {
    clearInterval(timer);
  }
}

// ---------------------------------------------------------------------------------------------
// Fuzzing: mutations of valid inputs, and the invariants every report must keep
// ---------------------------------------------------------------------------------------------

/** One change to an input; positions and lengths are taken modulo the input's size. */
export type Mutation =
  | { readonly kind: 'flip'; readonly at: number; readonly bit: number }
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'insert'; readonly at: number; readonly bytes: Uint8Array }
  | { readonly kind: 'fill'; readonly at: number; readonly length: number; readonly value: number }
  | { readonly kind: 'duplicate'; readonly at: number; readonly length: number }
  | { readonly kind: 'graft'; readonly donor: number; readonly from: number; readonly length: number; readonly at: number };

/**
 * Applies `mutations` in order. `graft` splices a slice of another valid input (`donors`, by
 * index modulo their count) into this one: a zip member in a PDF, an XML part in an e-mail.
 */
export function mutate(input: Uint8Array, mutations: readonly Mutation[], donors: readonly Uint8Array[] = []): Uint8Array {
  let bytes: Uint8Array = input.slice();
  for (const m of mutations) {
    const n = bytes.length;
    switch (m.kind) {
      case 'flip':
        if (n > 0) bytes[m.at % n]! ^= 1 << (m.bit & 7);
        break;
      case 'truncate':
        bytes = bytes.slice(0, n === 0 ? 0 : m.at % n);
        break;
      case 'insert': {
        const at = n === 0 ? 0 : m.at % (n + 1);
        bytes = cat([bytes.subarray(0, at), m.bytes, bytes.subarray(at)]);
        break;
      }
      case 'fill': {
        if (n === 0) break;
        const at = m.at % n;
        bytes.fill(m.value & 0xff, at, Math.min(n, at + m.length));
        break;
      }
      case 'duplicate': {
        if (n === 0) break;
        const at = m.at % n;
        const piece = bytes.slice(at, Math.min(n, at + m.length));
        bytes = cat([bytes.subarray(0, at), piece, bytes.subarray(at)]);
        break;
      }
      case 'graft': {
        const donor = donors.length > 0 ? donors[m.donor % donors.length]! : undefined;
        if (!donor || donor.length === 0) break;
        const from = m.from % donor.length;
        const piece = donor.subarray(from, Math.min(donor.length, from + m.length));
        const at = n === 0 ? 0 : m.at % (n + 1);
        bytes = cat([bytes.subarray(0, at), piece, bytes.subarray(at)]);
        break;
      }
    }
  }
  return bytes;
}

/** A mutation as a short string, for failure messages and regression seeds. */
export function describeMutation(m: Mutation): string {
  const { kind, ...rest } = m;
  return `${kind}(${Object.entries(rest)
    .map(([k, v]) => `${k}=${v instanceof Uint8Array ? `[${v.length} bytes]` : String(v)}`)
    .join(',')})`;
}

/**
 * The members of the `ErrorCode` union, read from src/types.ts itself so that this list cannot
 * drift from the type.
 */
export const ERROR_CODES: ReadonlySet<string> = (() => {
  const source = readFileSync(new URL('../../src/types.ts', import.meta.url), 'utf8');
  const union = /export type ErrorCode =([^;]+);/.exec(source)?.[1];
  if (!union) throw new Error('ErrorCode union not found in src/types.ts');
  const codes = [...union.matchAll(/'([a-z_]+)'/g)].map((m) => m[1]!);
  if (codes.length < 10) throw new Error('ErrorCode union looks wrong');
  return new Set(codes);
})();

const LOCATION_KEYS = new Set(['entry', 'page', 'sheet', 'cell', 'row', 'line', 'column', 'offset']);

/** A location's fields have their documented types and bases. */
export function expectValidLocation(location: Location, label: string): void {
  for (const key of Object.keys(location)) expect(LOCATION_KEYS, `${label}: location key ${key}`).toContain(key);
  for (const key of ['page', 'row', 'line', 'column'] as const) {
    const value = location[key];
    if (value !== undefined) {
      expect(Number.isInteger(value) && value >= 1, `${label}: ${key} ${value} is a 1-based integer`).toBe(true);
    }
  }
  if (location.offset !== undefined) {
    expect(Number.isInteger(location.offset) && location.offset >= 0, `${label}: offset ${location.offset}`).toBe(true);
  }
  if (location.entry !== undefined) {
    expect(typeof location.entry).toBe('string');
    expect(location.entry, `${label}: entry names mask long digit runs`).not.toMatch(/\d{12}/);
  }
  if (location.cell !== undefined) expect(location.cell, label).toMatch(/^[A-Z]{1,3}[1-9]\d*$/);
}

/** A finding keeps the contract: masked at birth, consistent fields, a valid place. */
export function expectValidFinding(f: Finding, label: string): void {
  expect(f.type).toBe('finding');
  expect(['pan', 'track1', 'track2']).toContain(f.kind);
  expect(['low', 'medium', 'high']).toContain(f.confidence);
  expect(f.score >= 0 && f.score <= 1, `${label}: score ${f.score}`).toBe(true);
  expect(f.length >= 12 && f.length <= 19, `${label}: length ${f.length}`).toBe(true);
  expect(f.masked, label).toMatch(/^\d{0,8}\*{4,}\d{4}$/);
  expect(f.masked.length, label).toBe(f.length);
  expect(f.masked.startsWith(f.bin) && f.masked.endsWith(f.last4), label).toBe(true);
  expect(f.fingerprint, label).toMatch(/^[0-9a-f]{64}$/);
  expect(Array.isArray(f.reasons) && f.reasons.every((r) => typeof r === 'string'), label).toBe(true);
  expectValidLocation(f.location, label);
  for (const companion of [f.expiry, f.cvv]) {
    if (companion === undefined) continue;
    expect(Object.keys(companion).sort(), label).toEqual(['location', 'present']);
    expectValidLocation(companion.location, label);
  }
}

/**
 * Every report, whatever the input: findings valid, error codes from the union, error messages
 * that quote no digits from the file, locations valid, stats sane.
 */
export function expectValidReport(report: FileReport, input: Uint8Array, label: string): void {
  for (const f of report.findings) expectValidFinding(f, label);
  for (const e of report.errors) {
    expect(e.type).toBe('error');
    expect(ERROR_CODES, `${label}: error code ${e.code}`).toContain(e.code);
    expect(typeof e.message === 'string' && e.message.length > 0, label).toBe(true);
    expect(e.message, `${label}: message quotes no digit run`).not.toMatch(/\d{12}/);
    if (e.location) expectValidLocation(e.location, label);
  }
  expect(report.stats.bytes, label).toBe(input.length);
  for (const key of ['segments', 'chars', 'nested', 'suppressed', 'rejected', 'durationMs'] as const) {
    expect(Number.isInteger(report.stats[key]) && report.stats[key] >= 0, `${label}: stats.${key}`).toBe(true);
  }
}

/**
 * fast-check parameters for the seed: CARDHOUND_FUZZ_SEED replays one, CARDHOUND_FUZZ_RANDOM=1
 * lets fast-check pick (exploration), else `fixed` (CI runs stay reproducible).
 */
export function fuzzSeed(fixed: number): { seed?: number; endOnFailure?: boolean } {
  const env = process.env.CARDHOUND_FUZZ_SEED;
  if (env !== undefined && env !== '') return { seed: Number(env) };
  // Exploring: report the first failure as found (shrinking a hang costs a time limit per step).
  if (process.env.CARDHOUND_FUZZ_RANDOM === '1') return { endOnFailure: true };
  return { seed: fixed };
}

/** How one isolated scan ended. */
export type IsolatedOutcome =
  | { readonly kind: 'report'; readonly report: FileReport; readonly ms: number }
  | { readonly kind: 'rejected' | 'hang' | 'crash'; readonly detail: string };

/** The built library, as the worker loads it. */
export const DIST_INDEX = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

const ISOLATED_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
let loading;
parentPort.on('message', async ({ bytes, filename, options }) => {
  loading ??= import(workerData.dist);
  const { scanBuffer } = await loading;
  const started = performance.now();
  try {
    const report = await scanBuffer(bytes, { filename }, options);
    const ms = performance.now() - started;
    // A rejection a parser left unhandled surfaces within a tick or two: let it kill this
    // worker now, so that it is charged to this input and not to the next one.
    await new Promise((resolve) => setTimeout(resolve, 10));
    parentPort.postMessage({ report, ms });
  } catch (error) {
    parentPort.postMessage({ thrown: String(error && error.name) + ': ' + String(error && error.message).slice(0, 200) });
  }
});
`;

/**
 * `scanBuffer` of the built library in a worker thread with a hard time limit and a heap limit:
 * an input that makes a parser loop in synchronous code (the caller's thread would hang for
 * good) or exhaust the heap (the process would die) comes back as `hang` or `crash` and the
 * worker is replaced.
 */
export class IsolatedScanner {
  private worker: Worker | undefined;

  constructor(private readonly limits: { readonly hardLimitMs: number; readonly heapMb: number }) {}

  private start(): Worker {
    if (!existsSync(DIST_INDEX)) throw new Error(`${DIST_INDEX} is missing: build first (npm test does)`);
    const worker = new Worker(ISOLATED_SOURCE, {
      eval: true,
      workerData: { dist: DIST_INDEX },
      resourceLimits: { maxOldGenerationSizeMb: this.limits.heapMb },
    });
    // Replaced on the next scan; the failure itself is reported by the scan that saw it.
    worker.on('error', () => undefined);
    worker.once('exit', () => {
      if (this.worker === worker) this.worker = undefined;
    });
    return worker;
  }

  scanBuffer(bytes: Uint8Array, filename: string, options: object): Promise<IsolatedOutcome> {
    const worker = (this.worker ??= this.start());
    return new Promise((resolve) => {
      const finish = (outcome: IsolatedOutcome, dead: boolean): void => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        if (dead) {
          if (this.worker === worker) this.worker = undefined;
          void worker.terminate();
        }
        resolve(outcome);
      };
      const onMessage = (message: { report?: FileReport; ms?: number; thrown?: string }): void => {
        if (message.thrown !== undefined) finish({ kind: 'rejected', detail: message.thrown }, false);
        else finish({ kind: 'report', report: message.report!, ms: message.ms! }, false);
      };
      const onError = (error: unknown): void => {
        const e = error as { code?: string; name?: string; message?: string };
        finish({ kind: 'crash', detail: `${e.code ?? e.name ?? 'error'}: ${String(e.message).slice(0, 200)}` }, true);
      };
      const onExit = (code: number): void => finish({ kind: 'crash', detail: `worker exited with ${code}` }, true);
      const timer = setTimeout(() => finish({ kind: 'hang', detail: `no answer within ${this.limits.hardLimitMs} ms` }, true), this.limits.hardLimitMs);
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage({ bytes, filename, options });
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }
}

// ---------------------------------------------------------------------------------------------
// Fuzz samples
// ---------------------------------------------------------------------------------------------

const SAMPLE_PANS = hostilePans(8, 0xf022);

/** Formats of {@link validSamples}, in order ('utf16' is text in UTF-16, 'pdf-hand' a hand-written PDF). */
export const SAMPLE_FORMATS = [
  'text', 'csv', 'tsv', 'json', 'xml', 'html', 'rtf', 'utf16', 'eml', 'mbox', 'msg', 'pst', 'zip', 'gzip', 'tar',
  'pdf', 'pdf-hand', 'xlsx', 'xlsb', 'xls', 'ods', 'docx', 'pptx', 'odt', 'odp', 'ole', 'binary',
] as const;

/** A valid input of one format: format id, file name, bytes. */
export type Sample = [format: string, filename: string, bytes: Uint8Array];

/**
 * One valid sample per format, named as that format would be: the seeds the fuzzers mutate.
 * Deterministic: regression cases in test/fuzz/seeds/ are mutations of these.
 */
export async function validSamples(): Promise<Sample[]> {
  const [a, b, c, d] = SAMPLE_PANS as [string, string, string, string];
  const lines = SAMPLE_PANS.map((pan) => cardLine(pan)).join('');
  return [
    ['text', 'notes.txt', enc.encode(lines)],
    ['csv', 'export.csv', enc.encode(`name,card_number,exp\n${SAMPLE_PANS.map((p, i) => `n${i},"${p}",12/29`).join('\n')}\n`)],
    ['tsv', 'export.tsv', enc.encode(`name\tcard\n${SAMPLE_PANS.map((p, i) => `n${i}\t${p}`).join('\n')}\n`)],
    ['json', 'api.json', enc.encode(JSON.stringify({ cards: SAMPLE_PANS.map((p) => ({ number: p, exp: '12/29', nested: [{ pan: p }] })) }))],
    ['xml', 'feed.xml', enc.encode(`<?xml version="1.0"?><r><card number="${a}">${b}</card><![CDATA[${c}]]><!-- ${d} --></r>`)],
    ['html', 'page.html', enc.encode(`<!DOCTYPE html><html><body><table><tr><td>Card</td><td>${a}</td></tr></table><input name="cc" value="${b}"><script>var x="${c}"</script></body></html>`)],
    ['rtf', 'letter.rtf', enc.encode(`{\\rtf1\\ansi{\\fonttbl{\\f0 Arial;}}\\f0 Card ${a}\\par {\\b ${b}}\\par\\u8364? ${c}}`)],
    ['utf16', 'wide.txt', utf16le(lines, true)],
    ['eml', 'mail.eml', emlWithAttachments([a, b, c]).bytes],
    ['mbox', 'inbox.mbox', mboxOf([cardLine(a), cardLine(b)])],
    ['msg', 'note.msg', msgOf([a, b, c]).bytes],
    ['pst', 'store.pst', fakePst(4096)],
    ['zip', 'bundle.zip', zipOf([['a.txt', cardLine(a)], ['b/c.csv', `card\n${b}\n`], ['inner.zip', zipOf([['d.txt', cardLine(c)]])]])],
    ['gzip', 'notes.txt.gz', gzipOf(lines, 'notes.txt')],
    ['tar', 'backup.tar', tarOf([{ name: 'a.txt', data: cardLine(a) }, { name: 'dir/b.txt', data: cardLine(b) }])],
    ['pdf', 'report.pdf', await makePdf()],
    ['pdf-hand', 'hand.pdf', pdfWithContent(enc.encode(textOps(cardLine(a).trim()) + textOps(cardLine(b).trim(), 600)))],
    ['xlsx', 'book.xlsx', makeWorkbook('xlsx')],
    ['xlsb', 'book.xlsb', makeWorkbook('xlsb')],
    ['xls', 'book.xls', makeWorkbook('xls')],
    ['ods', 'sheet.ods', makeOds()],
    ['docx', 'letter.docx', await makeDocx()],
    ['pptx', 'deck.pptx', makePptx()],
    ['odt', 'doc.odt', makeOdt()],
    ['odp', 'deck.odp', makeOdp()],
    ['ole', 'legacy.doc', oleOf([['WordDocument', enc.encode(`${lines}${'\0'.repeat(512)}`)], ['1Table', new Uint8Array(512)]])],
    ['binary', 'blob.bin', cat([noise(2048, 1), enc.encode(cardLine(a)), noise(2048, 2), utf16le(cardLine(b))])],
  ];
}

