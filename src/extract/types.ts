import type { ExtractItem, LimitOptions } from '../types.js';

/** Format ids produced by `sniff()`; each maps to one extractor in `registry.ts`. */
export type FormatId =
  | 'text'
  | 'csv'
  | 'tsv'
  | 'json'
  | 'xml'
  | 'html'
  | 'rtf'
  | 'pdf'
  | 'xlsx'
  | 'xlsb'
  | 'xls'
  | 'ods'
  | 'docx'
  | 'pptx'
  | 'odt'
  | 'odp'
  | 'ole'
  | 'eml'
  | 'msg'
  | 'pst'
  | 'mbox'
  | 'zip'
  | 'gzip'
  | 'tar'
  | 'binary';

/** What an extractor gets besides the bytes. Extractors never see card-detection settings. */
export interface ExtractContext {
  /** Name of the file or member (for extension hints and messages only). */
  readonly filename?: string;
  readonly mediaType?: string;
  readonly limits: Readonly<Required<LimitOptions>>;
  /** Bytes the scanner will still accept from expansion of this top-level input (zip-bomb budget). */
  readonly expandBudget: number;
  /** False when the caller turned off archives: containers yield no NestedInput. */
  readonly archives: boolean;
  readonly binaryStrings: boolean;
  readonly signal?: AbortSignal;
}

/**
 * Turns bytes of one format into text segments, nested members and warnings. Must not throw
 * for bad input in a way that loses earlier items: throw an `ExtractError` (typed code) and the
 * scanner records it. Must honour the limits in `ctx`.
 */
export interface Extractor {
  readonly id: FormatId;
  extract(bytes: Uint8Array, ctx: ExtractContext): AsyncIterable<ExtractItem>;
}
