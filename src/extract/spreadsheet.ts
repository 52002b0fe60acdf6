/**
 * Workbooks (xlsx, xlsb, xls, ods) → one text segment per row, every sheet including hidden
 * ones, with each cell located as a field (`sheet`, `cell`, `row`, column header as its name),
 * and cell comments as segments of their own.
 *
 * SheetJS (xlsx 0.18.5) parses; it has unpatched prototype-pollution and ReDoS advisories, so
 * it only ever sees bytes whose container signature matches (zip or OLE/BIFF, never text: its
 * text and CSV paths are where the ReDoS lives), zip packages pass the ratio and budget checks
 * of {@link ZipPackage} first, and the scanner runs it in a worker.
 */
import * as XLSX from 'xlsx';
import { ExtractError } from '../errors.js';
import type { ExtractItem, Segment, SegmentField } from '../types.js';
import { isEncryptedOoxml, isOle, TextBudget, throwIfAborted, ZipPackage } from './ooxml.js';
import { quietly } from './quiet.js';
import type { ExtractContext, Extractor, FormatId } from './types.js';

/** The workbook formats this file reads. */
type WorkbookFormat = Extract<FormatId, 'xlsx' | 'xlsb' | 'xls' | 'ods'>;

/** A sheet read with `dense: true`: rows by absolute index, cells by absolute column. */
type DenseSheet = (XLSX.CellObject | undefined)[][];

/**
 * A numeric cell as digits a reader of the sheet would recognise, without inventing digits.
 *
 * The raw value `v` is used, never the formatted `w` (`w` is often `5.55556E+15`, which hides
 * a PAN stored as a number). Integers are written out in full with no exponent, except where the
 * stored double cannot be the number someone typed:
 * - above `Number.MAX_SAFE_INTEGER` the double is not the exact integer any more (a 19-digit
 *   PAN comes back with different last digits);
 * - a negative number of 16 digits ending in 0 lost digits too, and is no card number.
 * Those are written the way Excel displays them in General format (`4.11111E+15`): six
 * significant digits and an exponent, which no card-number reading can mistake for a PAN.
 * A positive 16-digit number ending in 0 is written out: it may have lost its last digit
 * (Excel keeps 15 significant digits, so 4111111111111111 typed in is stored as
 * 4111111111111110), which {@link significantDigitsOf} tells the detector.
 */
export function numberText(value: number): string {
  if (!Number.isFinite(value) || !Number.isInteger(value) || Math.abs(value) < 1e15) return String(value);
  if (significantDigitsOf(value) !== undefined) return BigInt(value).toString();
  if (Math.abs(value) <= Number.MAX_SAFE_INTEGER) {
    const digits = BigInt(value).toString();
    if (!digits.endsWith('0')) return digits;
  }
  return value.toExponential(5).toUpperCase();
}

/**
 * 15 for a number that Excel (and LibreOffice) may have cut to 15 significant digits: a positive
 * 16-digit integer ending in 0 (exact as a double up to 10^16, past 2^53 too: it is even).
 * Undefined for every other number.
 */
export function significantDigitsOf(value: number): number | undefined {
  return Number.isInteger(value) && value >= 1e15 && value < 1e16 && value % 10 === 0 ? 15 : undefined;
}

/** The text of one cell, or undefined for an empty one. */
function cellText(cell: XLSX.CellObject): string | undefined {
  const v = cell.v;
  switch (cell.t) {
    case 'n':
      return typeof v === 'number' ? numberText(v) : undefined;
    case 's':
      return v === undefined || v === '' ? undefined : String(v);
    case 'b':
      return v === undefined ? undefined : v ? 'TRUE' : 'FALSE';
    case 'd':
      // A date is never card data; its displayed form (`12/29`) is what an expiry reads like.
      if (cell.w !== undefined) return cell.w;
      return v instanceof Date && !Number.isNaN(v.getTime()) ? v.toISOString().slice(0, 10) : undefined;
    case 'e':
      return cell.w;
    default:
      return undefined;
  }
}

/** Short, with a letter and no long digit run: a cell that names a column rather than holding data. */
function looksLikeHeader(text: string): boolean {
  return text.length <= 100 && /\p{L}/u.test(text) && !/\d{6}/.test(text);
}

/** Column headers of a sheet whose first non-empty row is all short text labels. */
function headerNames(row: readonly (XLSX.CellObject | undefined)[]): Map<number, string> | undefined {
  const names = new Map<number, string>();
  for (const [column, cell] of row.entries()) {
    if (!cell) continue;
    const text = cellText(cell);
    if (text === undefined) continue;
    if (cell.t !== 's' || !looksLikeHeader(text.trim())) return undefined;
    names.set(column, text.trim());
  }
  return names.size > 0 ? names : undefined;
}

/** The comment texts of a cell, each once (xlsx threaded comments repeat in a legacy note). */
function commentText(cell: XLSX.CellObject): string | undefined {
  if (!cell.c || cell.c.length === 0) return undefined;
  const texts = [...new Set(cell.c.map((c) => (typeof c.t === 'string' ? c.t : '')).filter((t) => t.trim() !== ''))];
  return texts.length > 0 ? texts.join('\n') : undefined;
}

/** BOF record of a raw BIFF2–5 worksheet (old .xls written without an OLE container). */
function isRawBiff(bytes: Uint8Array): boolean {
  return bytes[0] === 0x09 && (bytes[1] === 0x00 || bytes[1] === 0x02 || bytes[1] === 0x04 || bytes[1] === 0x08);
}

/**
 * Refuses what SheetJS must not parse and checks zip packages before it inflates them:
 * password-protected OOXML (an OLE container), a wrong container (`unsupported` for an .xls
 * that is really HTML or XML, as Excel exports often are; `corrupt` for a zip format that is not
 * a zip), encryption, bombs.
 */
function checkContainer(bytes: Uint8Array, format: WorkbookFormat, ctx: ExtractContext): void {
  if (isEncryptedOoxml(bytes)) throw new ExtractError('encrypted', 'workbook is password-protected');
  if (format === 'xls') {
    if (!isOle(bytes) && !isRawBiff(bytes)) throw new ExtractError('unsupported', 'not a binary Excel workbook');
    return;
  }
  const pkg = ZipPackage.open(bytes, ctx);
  if (format === 'ods' && pkg.readXml('META-INF/manifest.xml')?.includes('encryption-data')) {
    throw new ExtractError('encrypted', 'workbook is password-protected');
  }
  // SheetJS inflates every part of the package.
  pkg.vouchFor(pkg.names);
}

/**
 * Parses the whole workbook: SheetJS has no streaming reader. Its memory is bounded through the
 * part sizes `checkContainer` vouched for; `sheetRows` is not used because it cuts by row index,
 * which would drop a far-down cell of a sparse sheet without counting it against `maxCells`.
 */
function readWorkbook(bytes: Uint8Array): XLSX.WorkBook {
  try {
    return XLSX.read(bytes, {
      type: 'array',
      dense: true,
      cellFormula: false,
      cellHTML: false,
      cellNF: false,
      cellStyles: false,
      cellDates: true,
      // `w` is kept for dates and errors only; numbers are written from `v` (see numberText).
      cellText: true,
      sheetStubs: false,
      bookVBA: false,
      bookDeps: false,
      bookFiles: false,
      WTF: false,
    });
  } catch (error) {
    // SheetJS throws Errors and bare strings; the text only picks the code and is never shown.
    const text = error instanceof Error ? error.message : typeof error === 'string' ? error : '';
    if (/password|encrypt/i.test(text)) throw new ExtractError('encrypted', 'workbook is password-protected');
    if (error instanceof RangeError) throw new ExtractError('limit', 'workbook is too large to parse');
    throw new ExtractError('corrupt', 'workbook could not be parsed');
  }
}

async function* workbookSegments(bytes: Uint8Array, ctx: ExtractContext, format: WorkbookFormat): AsyncIterable<ExtractItem> {
  throwIfAborted(ctx.signal);
  checkContainer(bytes, format, ctx);
  const workbook = readWorkbook(bytes);
  const budget = new TextBudget(ctx.limits.maxTextChars);
  const maxCells = ctx.limits.maxCells;
  let cells = 0;
  for (const sheet of workbook.SheetNames) {
    const rows = workbook.Sheets[sheet] as unknown as DenseSheet | undefined;
    if (!rows || !Array.isArray(rows)) continue;
    let headers: Map<number, string> | undefined;
    let seenRow = false;
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r];
      if (!row) continue;
      throwIfAborted(ctx.signal);
      const rowNumber = r + 1;
      const isHeader = !seenRow;
      const parts: string[] = [];
      const fields: SegmentField[] = [];
      const comments: Segment[] = [];
      let length = 0;
      let cellLimit = false;
      for (let c = 0; c < row.length; c++) {
        const cell = row[c];
        if (!cell) continue;
        const text = cellText(cell);
        const comment = commentText(cell);
        if (text === undefined && comment === undefined) continue;
        if (++cells > maxCells) {
          cellLimit = true;
          break;
        }
        const address = XLSX.utils.encode_cell({ r, c });
        if (text !== undefined) {
          if (parts.length > 0) length += 1;
          const name = isHeader ? undefined : headers?.get(c);
          const at = { sheet, cell: address, row: rowNumber };
          const field = name === undefined ? { start: length, end: length + text.length, at } : { start: length, end: length + text.length, name, at };
          const significantDigits = cell.t === 'n' && typeof cell.v === 'number' ? significantDigitsOf(cell.v) : undefined;
          fields.push(significantDigits === undefined ? field : { ...field, significantDigits });
          parts.push(text);
          length += text.length;
        }
        if (comment !== undefined) comments.push({ text: comment, at: { sheet, cell: address }, fieldName: 'comment' });
      }
      if (isHeader && parts.length > 0) {
        seenRow = true;
        headers = headerNames(row);
      }
      const segments: Segment[] = parts.length > 0 ? [{ text: parts.join('\t'), at: { sheet, row: rowNumber }, fields }, ...comments] : comments;
      for (const segment of segments) {
        const text = budget.take(segment.text);
        if (text === segment.text) yield segment;
        else {
          // Fields past the cut would point outside the text.
          if (text.length > 0) {
            yield segment.fields ? { ...segment, text, fields: segment.fields.filter((f) => f.end <= text.length) } : { ...segment, text };
          }
          throw budget.error();
        }
      }
      if (cellLimit) throw new ExtractError('limit', `workbook has more than ${maxCells} cells; the rest was not scanned`);
    }
  }
}

/**
 * SheetJS prints diagnostics on some damaged inputs (zip size mismatches, record and formula
 * dumps); they are muted because a formula dump can quote cell contents.
 */
function workbookExtractor(format: WorkbookFormat): Extractor {
  return { id: format, extract: (bytes, ctx) => quietly(workbookSegments(bytes, ctx, format)) };
}

/** Excel 2007+ workbooks (.xlsx, .xlsm). */
export const xlsxExtractor = workbookExtractor('xlsx');

/** Excel binary workbooks (.xlsb). */
export const xlsbExtractor = workbookExtractor('xlsb');

/** Excel 97–2003 and older workbooks (.xls: OLE container or raw BIFF). */
export const xlsExtractor = workbookExtractor('xls');

/** OpenDocument spreadsheets (.ods). */
export const odsExtractor = workbookExtractor('ods');
