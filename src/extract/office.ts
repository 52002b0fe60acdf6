/**
 * Word, PowerPoint and OpenDocument text/presentation files → text segments located by part
 * name (`entry`) and, for presentations, slide (`page`).
 *
 * Every format is read by one raw XML pass per part ({@link walkParagraphs}): runs are joined
 * per paragraph, so a number split across formatting runs comes out whole. mammoth is not used
 * for Word bodies: its raw text drops line breaks without a trace (`Visa<w:br/>4111…` comes out
 * as `Visa4111…`, which no longer reads as a separate number), drops DrawingML-only text boxes
 * and tracked deletions, and needed ~47 bytes of memory per byte of document.xml here. All parts
 * come out of a {@link ZipPackage}, which refuses bombs on declared sizes before inflating.
 */
import { ExtractError } from '../errors.js';
import type { ExtractItem, ExtractWarning, Location, NestedInput, Segment } from '../types.js';
import {
  elementAttributes,
  readRelationships,
  TextBudget,
  throwIfAborted,
  walkParagraphs,
  type TextDialect,
  type XmlParagraph,
  ZipPackage,
} from './ooxml.js';
import type { ExtractContext, Extractor } from './types.js';

const set = (...names: string[]): ReadonlySet<string> => new Set(names);

/**
 * WordprocessingML. Properties are skipped because `w:tab` also names tab stops inside `w:pPr`.
 * `mc:Fallback` repeats its `mc:Choice` in an older vocabulary (a text box in VML beside its
 * DrawingML original), so only the choice is read. Field instructions (`w:instrText`) are not
 * text; field results are ordinary runs.
 */
const WORD: TextDialect = {
  paragraphs: set('w:p'),
  texts: set('w:t'),
  deleted: set('w:delText'),
  inserted: set('w:ins'),
  chars: new Map([
    ['w:tab', '\t'],
    ['w:ptab', '\t'],
    ['w:br', '\n'],
    ['w:cr', '\n'],
    ['w:noBreakHyphen', '-'],
  ]),
  skip: set('w:pPr', 'w:rPr', 'mc:Fallback'),
};

/** DrawingML text (slides, notes, SmartArt data) and PresentationML comments (`p:text`). */
const DRAWING: TextDialect = {
  paragraphs: set('a:p', 'p:text'),
  texts: set('a:t', 'p:text'),
  chars: new Map([['a:br', '\n']]),
  skip: set('a:pPr', 'a:rPr', 'a:endParaRPr', 'mc:Fallback'),
};

/**
 * OpenDocument text. Character data anywhere inside a paragraph is text, so metadata that sits
 * inside paragraphs (annotation author and date, alt text, footnote numbers that would glue
 * onto a preceding number) is skipped.
 */
const ODF: TextDialect = {
  paragraphs: set('text:p', 'text:h'),
  chars: new Map([
    ['text:tab', '\t'],
    ['text:line-break', '\n'],
  ]),
  spaces: 'text:s',
  skip: set('text:note-citation', 'dc:creator', 'dc:date', 'meta:date-string', 'svg:title', 'svg:desc'),
  collapseWhitespace: true,
};

/**
 * Collects paragraph lines for one segment; a paragraph with tracked deletions adds a second
 * line with its wording before the changes (deleted text is still in the file).
 */
class Lines {
  readonly lines: string[] = [];
  add(paragraph: XmlParagraph): void {
    if (paragraph.text.trim() !== '') this.lines.push(paragraph.text);
    if (paragraph.original !== undefined && paragraph.original.trim() !== '') this.lines.push(paragraph.original);
  }
  get text(): string {
    return this.lines.join('\n');
  }
}

/** Turns collected text into segments under the document's character budget. */
class SegmentSink {
  private readonly budget: TextBudget;
  constructor(private readonly ctx: ExtractContext) {
    this.budget = new TextBudget(ctx.limits.maxTextChars);
  }

  /** The segment for `text` (cut to the budget), or undefined for empty text. */
  segment(text: string, at: Location, fieldName?: string): Segment | undefined {
    throwIfAborted(this.ctx.signal);
    if (text.trim() === '' || this.budget.exhausted) return undefined;
    const kept = this.budget.take(text);
    return fieldName === undefined ? { text: kept, at } : { text: kept, at, fieldName };
  }

  /** Throws the limit error once the budget has run out; call after yielding. */
  check(): void {
    if (this.budget.exhausted) throw this.budget.error();
  }
}

function byNumber(a: string, b: string): number {
  const na = Number(/(\d+)\.xml$/.exec(a)?.[1] ?? 0);
  const nb = Number(/(\d+)\.xml$/.exec(b)?.[1] ?? 0);
  return na - nb || a.localeCompare(b);
}

function paragraphsOf(xml: string, dialect: TextDialect): Lines {
  const lines = new Lines();
  walkParagraphs(xml, dialect, { paragraph: (p) => lines.add(p) });
  return lines;
}

/**
 * Embedded files (an Excel sheet pasted into a Word document, a document inside a slide) as
 * members for the scanner to sniff and scan: they are whole files of their own, stored under
 * `<app>/embeddings/`. A member that cannot be read is skipped with a warning.
 */
function* embeddings(pkg: ZipPackage, folder: string, ctx: ExtractContext): Generator<NestedInput | ExtractWarning> {
  if (!ctx.archives) return;
  for (const name of pkg.names) {
    if (!name.startsWith(folder) || name.endsWith('/')) continue;
    throwIfAborted(ctx.signal);
    try {
      const bytes = pkg.read(name);
      // A view into the package would pin the whole document in memory for as long as the member lives.
      if (bytes && bytes.length > 0) yield { kind: 'nested', name, bytes: bytes.slice() };
    } catch (error) {
      if (!(error instanceof ExtractError) || error.code === 'aborted') throw error;
      yield { kind: 'error', code: error.code, message: `embedded file skipped: ${error.message}`, at: { entry: name } };
    }
  }
}

/** Wraps an unexpected failure: only a fixed, content-free message is kept. */
function wrap(error: unknown, message: string): ExtractError {
  if (error instanceof ExtractError) return error;
  if (error instanceof RangeError) return new ExtractError('limit', 'document is too large to parse');
  return new ExtractError('corrupt', message);
}

// ---------------------------------------------------------------------------------------------
// docx
// ---------------------------------------------------------------------------------------------

/** The main document part named by the package relationships (usually `word/document.xml`). */
function mainDocumentPart(pkg: ZipPackage): string {
  for (const rel of readRelationships(pkg, '').values()) {
    if (rel.type.endsWith('/officeDocument') && pkg.has(rel.target)) return rel.target;
  }
  return 'word/document.xml';
}

/** The main part, then headers, footers, notes and comments, in reading order. */
function wordParts(pkg: ZipPackage, main: string): { name: string; fieldName?: string }[] {
  const names = pkg.names.filter((n) => n.startsWith('word/'));
  const numbered = (kind: string) => names.filter((n) => new RegExp(`^word/${kind}\\d*\\.xml$`).test(n)).sort(byNumber);
  const single = (name: string) => (pkg.has(name) ? [name] : []);
  return [
    { name: main },
    ...numbered('header').map((name) => ({ name })),
    ...numbered('footer').map((name) => ({ name })),
    ...single('word/footnotes.xml').map((name) => ({ name })),
    ...single('word/endnotes.xml').map((name) => ({ name })),
    ...single('word/comments.xml').map((name) => ({ name, fieldName: 'comment' })),
  ];
}

/**
 * Word 2007+ documents (.docx, .docm). One segment per part, at its part name: the body
 * (`word/document.xml`: paragraphs, tables, text boxes, tracked deletions), each header and
 * footer, footnotes, endnotes, and comments (`fieldName: 'comment'`). One line per paragraph.
 * Embedded files follow as nested members.
 */
export const docxExtractor: Extractor = {
  id: 'docx',
  async *extract(bytes: Uint8Array, ctx: ExtractContext): AsyncIterable<ExtractItem> {
    throwIfAborted(ctx.signal);
    const pkg = ZipPackage.open(bytes, ctx);
    const sink = new SegmentSink(ctx);
    try {
      const main = mainDocumentPart(pkg);
      if (!pkg.has(main)) throw new ExtractError('corrupt', 'Word document has no main document part');
      for (const part of wordParts(pkg, main)) {
        const xml = pkg.readXml(part.name);
        if (xml === undefined) continue;
        const segment = sink.segment(paragraphsOf(xml, WORD).text, { entry: part.name }, part.fieldName);
        if (segment) yield segment;
        sink.check();
      }
      yield* embeddings(pkg, 'word/embeddings/', ctx);
    } catch (error) {
      throw wrap(error, 'Word document could not be parsed');
    }
  },
};

// ---------------------------------------------------------------------------------------------
// pptx
// ---------------------------------------------------------------------------------------------

/** Slide part names in presentation order; slides the presentation does not list follow by number. */
function slideOrder(pkg: ZipPackage): string[] {
  const ordered: string[] = [];
  const presentation = pkg.readXml('ppt/presentation.xml');
  if (presentation !== undefined) {
    const rels = readRelationships(pkg, 'ppt/presentation.xml');
    for (const sld of elementAttributes(presentation, 'p:sldId')) {
      const target = rels.get(sld['r:id'] ?? '')?.target;
      if (target !== undefined && pkg.has(target) && !ordered.includes(target)) ordered.push(target);
    }
  }
  const rest = pkg.names.filter((n) => /^ppt\/slides\/slide\d+\.xml$/.test(n) && !ordered.includes(n)).sort(byNumber);
  return [...ordered, ...rest];
}

/** Relationship types of slide parts whose text belongs to the slide: notes, comments, SmartArt. */
function relatedKind(type: string): 'notes' | 'comment' | 'diagram' | undefined {
  if (type.endsWith('/notesSlide')) return 'notes';
  if (type.endsWith('/comments')) return 'comment';
  if (type.endsWith('/diagramData')) return 'diagram';
  return undefined;
}

/**
 * PowerPoint 2007+ presentations (.pptx, .pptm). One segment per slide at
 * `{ page: <position in the show>, entry: 'ppt/slides/slideN.xml' }`, then the slide's notes,
 * SmartArt text and comments (`fieldName: 'comment'`) at the same page with their own part names.
 * Embedded files follow as nested members.
 */
export const pptxExtractor: Extractor = {
  id: 'pptx',
  async *extract(bytes: Uint8Array, ctx: ExtractContext): AsyncIterable<ExtractItem> {
    throwIfAborted(ctx.signal);
    const pkg = ZipPackage.open(bytes, ctx);
    const sink = new SegmentSink(ctx);
    const seen = new Set<string>();
    try {
      const slides = slideOrder(pkg);
      for (const [index, slide] of slides.entries()) {
        const page = index + 1;
        const parts: { name: string; fieldName?: string }[] = [{ name: slide }];
        for (const rel of readRelationships(pkg, slide).values()) {
          const kind = relatedKind(rel.type);
          if (kind !== undefined && pkg.has(rel.target)) {
            parts.push(kind === 'comment' ? { name: rel.target, fieldName: 'comment' } : { name: rel.target });
          }
        }
        for (const part of parts) {
          if (seen.has(part.name)) continue;
          seen.add(part.name);
          const xml = pkg.readXml(part.name);
          if (xml === undefined) continue;
          const segment = sink.segment(paragraphsOf(xml, DRAWING).text, { page, entry: part.name }, part.fieldName);
          if (segment) yield segment;
          sink.check();
        }
      }
      yield* embeddings(pkg, 'ppt/embeddings/', ctx);
    } catch (error) {
      throw wrap(error, 'presentation could not be parsed');
    }
  },
};

// ---------------------------------------------------------------------------------------------
// OpenDocument text and presentations
// ---------------------------------------------------------------------------------------------

/**
 * ODF encryption is declared in the manifest, not in zip flags: the parts are deflated and
 * then encrypted, and would inflate to garbage.
 */
function openOdf(bytes: Uint8Array, ctx: ExtractContext): ZipPackage {
  const pkg = ZipPackage.open(bytes, ctx);
  const manifest = pkg.readXml('META-INF/manifest.xml');
  if (manifest?.includes('encryption-data')) throw new ExtractError('encrypted', 'document is password-protected');
  return pkg;
}

/** Follows element starts and ends to tell which page a paragraph is on. */
interface PageTracker {
  page(): number | undefined;
  open(name: string): void;
  close(name: string): void;
}

/** Annotations: Writer and Calc write `office:annotation`, Impress `officeooo:annotation`. */
const ANNOTATIONS = set('office:annotation', 'officeooo:annotation');

/** Paragraphs of an ODF part, by page, split into body text and annotation (comment) text. */
function odfParagraphs(xml: string, pageOf?: PageTracker): { body: Map<number | undefined, Lines>; comments: Map<number | undefined, Lines> } {
  const body = new Map<number | undefined, Lines>();
  const comments = new Map<number | undefined, Lines>();
  const linesFor = (map: Map<number | undefined, Lines>, page: number | undefined): Lines => {
    let lines = map.get(page);
    if (!lines) map.set(page, (lines = new Lines()));
    return lines;
  };
  walkParagraphs(xml, ODF, {
    open: (name) => pageOf?.open(name),
    close: (name) => pageOf?.close(name),
    paragraph(p) {
      const page = pageOf?.page();
      linesFor(p.ancestors.some((name) => ANNOTATIONS.has(name)) ? comments : body, page).add(p);
    },
  });
  return { body, comments };
}

/** Tracks the 1-based `draw:page` a presentation's paragraphs are in. */
function drawPageTracker(): PageTracker {
  let count = 0;
  let current: number | undefined;
  return {
    page: () => current,
    open(name: string) {
      if (name === 'draw:page') current = ++count;
    },
    close(name: string) {
      if (name === 'draw:page') current = undefined;
    },
  };
}

async function* odfSegments(bytes: Uint8Array, ctx: ExtractContext, presentation: boolean): AsyncIterable<ExtractItem> {
  throwIfAborted(ctx.signal);
  const pkg = openOdf(bytes, ctx);
  const sink = new SegmentSink(ctx);
  try {
    const content = pkg.readXml('content.xml');
    if (content === undefined) throw new ExtractError('corrupt', 'OpenDocument file has no content part');
    const { body, comments } = odfParagraphs(content, presentation ? drawPageTracker() : undefined);
    const pages = [...new Set([...body.keys(), ...comments.keys()])].sort((a, b) => (a ?? 0) - (b ?? 0));
    for (const page of pages) {
      const at = page === undefined ? { entry: 'content.xml' } : { page, entry: 'content.xml' };
      for (const segment of [sink.segment(body.get(page)?.text ?? '', at), sink.segment(comments.get(page)?.text ?? '', at, 'comment')]) {
        if (segment) yield segment;
      }
      sink.check();
    }
    // Headers and footers live in the master pages of styles.xml.
    const styles = pkg.readXml('styles.xml');
    if (styles !== undefined) {
      const segment = sink.segment(odfParagraphs(styles).body.get(undefined)?.text ?? '', { entry: 'styles.xml' });
      if (segment) yield segment;
      sink.check();
    }
  } catch (error) {
    throw wrap(error, 'OpenDocument file could not be parsed');
  }
}

/**
 * OpenDocument text (.odt). Segments at `content.xml` (body; annotations separately with
 * `fieldName: 'comment'`) and at `styles.xml` (headers and footers).
 */
export const odtExtractor: Extractor = {
  id: 'odt',
  extract: (bytes, ctx) => odfSegments(bytes, ctx, false),
};

/**
 * OpenDocument presentations (.odp). One segment per `draw:page` (slide text and its notes) at
 * `{ page, entry: 'content.xml' }`, annotations separately with `fieldName: 'comment'`.
 */
export const odpExtractor: Extractor = {
  id: 'odp',
  extract: (bytes, ctx) => odfSegments(bytes, ctx, true),
};
