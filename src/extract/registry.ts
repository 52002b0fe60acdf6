import { restoreIntrinsics } from './intrinsics.js';
import type { Extractor, FormatId } from './types.js';

/**
 * One line per format. Loaders are lazy so that scanning a log never loads pdf.js or SheetJS
 * (start-up time matters when every worker thread pays it).
 */
const LOADERS: Record<FormatId, () => Promise<Extractor>> = {
  text: () => import('./text.js').then((m) => m.textExtractor),
  csv: () => import('./csv.js').then((m) => m.csvExtractor),
  tsv: () => import('./csv.js').then((m) => m.tsvExtractor),
  json: () => import('./json.js').then((m) => m.jsonExtractor),
  xml: () => import('./markup.js').then((m) => m.xmlExtractor),
  html: () => import('./markup.js').then((m) => m.htmlExtractor),
  rtf: () => import('./rtf.js').then((m) => m.rtfExtractor),
  pdf: () =>
    import('./pdf.js').then((m) => {
      restoreIntrinsics();
      return m.pdfExtractor;
    }),
  xlsx: () => import('./spreadsheet.js').then((m) => m.xlsxExtractor),
  xlsb: () => import('./spreadsheet.js').then((m) => m.xlsbExtractor),
  xls: () => import('./spreadsheet.js').then((m) => m.xlsExtractor),
  ods: () => import('./spreadsheet.js').then((m) => m.odsExtractor),
  docx: () => import('./office.js').then((m) => m.docxExtractor),
  pptx: () => import('./office.js').then((m) => m.pptxExtractor),
  odt: () => import('./office.js').then((m) => m.odtExtractor),
  odp: () => import('./office.js').then((m) => m.odpExtractor),
  ole: () => import('./strings.js').then((m) => m.oleExtractor),
  binary: () => import('./strings.js').then((m) => m.binaryExtractor),
  eml: () => import('./mail.js').then((m) => m.emlExtractor),
  msg: () => import('./mail.js').then((m) => m.msgExtractor),
  mbox: () => import('./mail.js').then((m) => m.mboxExtractor),
  pst: () => import('./pst.js').then((m) => m.pstExtractor),
  zip: () => import('./archive.js').then((m) => m.zipExtractor),
  gzip: () => import('./archive.js').then((m) => m.gzipExtractor),
  tar: () => import('./archive.js').then((m) => m.tarExtractor),
};

const loaded = new Map<FormatId, Promise<Extractor>>();

/** The extractor for a format id (loaded on first use). */
export function getExtractor(format: FormatId): Promise<Extractor> {
  let extractor = loaded.get(format);
  if (!extractor) {
    extractor = LOADERS[format]();
    loaded.set(format, extractor);
  }
  return extractor;
}

/** Formats that are plain text to the detector and can be scanned as a stream of chunks. */
export const STREAMABLE_TEXT: ReadonlySet<FormatId> = new Set<FormatId>(['text', 'csv', 'tsv', 'json', 'xml', 'html']);
