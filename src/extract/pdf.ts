/**
 * PDF → one text segment per page (`at: { page }`), through pdf-parse 2.4.5 (pdfjs 5.4).
 *
 * Pages are pulled one at a time, so a limit or an abort stops the work and every page read
 * before it has already been yielded. pdfjs needs `@napi-rs/canvas` (its DOMMatrix) even for
 * text; pdf-parse depends on it and it loads on this platform.
 */
// First: it captures the native built-ins before pdf-parse's core-js replaces them.
import { restoreIntrinsics } from './intrinsics.js';
import { PDFParse } from 'pdf-parse';
import { ExtractError } from '../errors.js';
import type { ExtractItem } from '../types.js';
import { TextBudget, throwIfAborted } from './ooxml.js';
import type { ExtractContext, Extractor } from './types.js';

/** pdfjs `VerbosityLevel.ERRORS`: pdfjs logs warnings and infos, which can quote content, only above it. */
const VERBOSITY_ERRORS = 0;

/**
 * How page text is assembled. pdf-parse joins the items of a line with nothing, so a number
 * drawn as several items with no gap comes out contiguous, and pdfjs puts one space item where
 * it sees a gap. Where pdf-parse still finds a wide gap after that, it inserts the cell
 * separator: a space here instead of its default tab, so a number drawn in two pieces reads as
 * grouped digits rather than as two table cells.
 */
const TEXT_PARAMS = { cellSeparator: ' ' } as const;

/** Maps pdf-parse / pdfjs failures to codes; their messages can quote the document and are dropped. */
function pdfError(error: unknown): ExtractError {
  if (error instanceof ExtractError) return error;
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'PasswordException') return new ExtractError('encrypted', 'PDF is password-protected');
  if (error instanceof RangeError) return new ExtractError('limit', 'PDF is too large to parse');
  return new ExtractError('corrupt', 'PDF could not be parsed');
}

/**
 * PDF documents. Yields pages in order; past `maxPages` or `maxTextChars` it yields what was
 * read and then throws a `limit` error.
 */
export const pdfExtractor: Extractor = {
  id: 'pdf',
  async *extract(bytes: Uint8Array, ctx: ExtractContext): AsyncIterable<ExtractItem> {
    throwIfAborted(ctx.signal);
    guardPdfjsRejections();
    const failuresBefore = orphanedFailures;
    // pdfjs takes ownership of the array it is given and detaches its buffer; the caller's bytes
    // must stay intact, so it gets a copy.
    const parser = new PDFParse({
      data: bytes.slice(),
      verbosity: VERBOSITY_ERRORS,
      // Fonts are only needed for text positions here: never compile font programs to
      // JavaScript, never touch system fonts or the network.
      isEvalSupported: false,
      useSystemFonts: false,
      disableFontFace: true,
      useWorkerFetch: false,
      enableXfa: false,
    });
    const budget = new TextBudget(ctx.limits.maxTextChars);
    try {
      let total = 1;
      for (let page = 1; page <= total; page++) {
        throwIfAborted(ctx.signal);
        if (page > ctx.limits.maxPages) {
          throw new ExtractError('limit', `PDF has more than ${ctx.limits.maxPages} pages; the rest were not scanned`);
        }
        let text: string;
        try {
          const result = await parser.getText({ ...TEXT_PARAMS, partial: [page] });
          total = result.total;
          text = result.pages[0]?.text ?? '';
        } catch (error) {
          throw pdfError(error);
        }
        const kept = budget.take(text);
        if (kept.trim() !== '') yield { text: kept, at: { page } };
        if (budget.exhausted) throw budget.error();
      }
    } finally {
      await parser.destroy().catch(() => undefined);
      restoreIntrinsics();
    }
    // Some damage pdf.js reports only by leaving a promise rejected with nobody listening
    // (seen by the guard below), while the pages it could read come out as text. Unhandled
    // rejections are reported after the current task: wait one turn for them. A document with
    // such a failure is partly unread — an auditor must not take it for clean.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (orphanedFailures > failuresBefore) {
      yield { kind: 'error', code: 'corrupt', message: 'PDF is damaged: part of it could not be read; the rest was scanned' };
    }
  },
};

/** Exception classes pdf.js throws for broken documents. */
const PDFJS_ERRORS = new Set([
  'ParserEOFException',
  'FormatError',
  'InvalidPDFException',
  'MissingPDFException',
  'UnknownErrorException',
  'UnexpectedResponseException',
  'PasswordException',
  'AbortException',
  'XRefEntryException',
  'XRefParseException',
  'MissingDataException',
]);

let guarded = false;
/**
 * pdf.js failures seen only as unhandled rejections in this thread. One document parses at a
 * time in a worker (and in an isolated parser); only documents parsed side by side in one
 * thread by an application could see each other's count.
 */
let orphanedFailures = 0;

/**
 * pdf.js (run in-thread by pdf-parse) leaves some promises of a damaged document rejected with
 * nobody listening, after `getText` has already returned; Node's default turns that into a
 * crash of the whole process — the caller's, under `scanBuffer`. This listener swallows exactly
 * those pdf.js exceptions; any other unhandled rejection keeps Node's default behaviour (thrown
 * as an uncaught exception) unless the application has listeners of its own.
 */
function guardPdfjsRejections(): void {
  if (guarded) return;
  guarded = true;
  process.on('unhandledRejection', (reason) => {
    const name = (reason as { name?: unknown } | null)?.name;
    if (typeof name === 'string' && PDFJS_ERRORS.has(name)) {
      orphanedFailures++;
      return;
    }
    if (process.listenerCount('unhandledRejection') > 1) return;
    process.nextTick(() => {
      throw reason;
    });
  });
}
