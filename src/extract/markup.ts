/**
 * XML and HTML: text runs and attribute values, entities decoded, each with the element or
 * attribute it belongs to and the line/column where it starts in the file. Each segment's
 * `locate` maps an offset in its decoded text back to the file (line, column and `offset` =
 * UTF-16 offset in the decoded file), exact across entities and removed inline tags.
 *
 * Built on htmlparser2's Tokenizer rather than its Parser: the Parser keeps open elements with
 * `Array#unshift`, which makes deep nesting quadratic (100 000 levels took 4.5 s here); our own
 * element stack is capped instead. DTD entities are never expanded (the tokenizer does not read
 * the internal subset), so entity bombs stay the size of the file.
 */
import { Tokenizer, type TokenizerCallbacks } from 'htmlparser2';
import { ExtractError } from '../errors.js';
import type { ExtractItem, Location, Segment } from '../types.js';
import { decodeForExtract, textLimitWarning, throwIfAborted } from './text.js';
import type { ExtractContext, Extractor, FormatId } from './types.js';

/** Open elements tracked for naming; deeper levels are counted only. */
export const MAX_MARKUP_DEPTH = 1000;
/** Characters handed to the tokenizer between abort checks and yields (small: fewer segments held at once). */
const WRITE_CHUNK = 64 * 1024;
/** How far down the element stack a close tag looks for its opener. */
const CLOSE_SEARCH = 64;

/** HTML elements that do not interrupt the text around them: `4111 <b>1111</b> …` stays one run. */
const HTML_INLINE = new Set(
  'a abbr acronym b bdi bdo big cite code data del dfn em font i ins kbd label mark nobr q rp rt ruby s samp small span strike strong sub sup time tt u var wbr tbody thead tfoot colgroup col'.split(
    ' ',
  ),
);
/** HTML elements that keep the run going but separate words (table cells, line breaks, list items). */
const HTML_SPACED = new Set('br td th tr li dt dd'.split(' '));
/** HTML elements without content (never pushed on the element stack). */
const HTML_VOID = new Set(
  'area base br col embed hr img input keygen link meta param source track wbr'.split(' '),
);
/** HTML elements an opener of the same name implicitly closes. */
const HTML_SELF_CLOSING_SIBLINGS = new Set('p li td th tr option dt dd'.split(' '));
/** Attributes whose value is named after a sibling attribute (`<input name="cardnumber" value="…">`). */
const VALUE_ATTRIBUTES = new Set(['value', 'content']);
const NAMING_ATTRIBUTES = ['name', 'id', 'property', 'itemprop'];

function lineBreaks(text: string): number[] {
  const out: number[] = [];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) out.push(i);
  return out;
}

/** Maps an offset in extracted text to the offset in the source it came from. */
type SourceMap = (offset: number) => number;

/**
 * Text assembled from pieces of the source, remembering where each piece came from: verbatim
 * slices map character by character; a decoded entity or an inserted space maps to one place.
 */
class Pieces {
  // Reused across runs; `count` marks the live entries (truncating arrays is slow in V8).
  private readonly parts: string[] = [];
  private readonly textStarts: number[] = [];
  /** Source offset per piece; bitwise NOT for pieces that are not verbatim copies. */
  private readonly sources: number[] = [];
  private count = 0;
  private length = 0;

  get empty(): boolean {
    return this.count === 0;
  }

  get first(): number {
    const source = this.sources[0]!;
    return source < 0 ? ~source : source;
  }

  get last(): string | undefined {
    return this.count === 0 ? undefined : this.parts[this.count - 1];
  }

  add(text: string, source: number, verbatim: boolean): void {
    this.parts[this.count] = text;
    this.textStarts[this.count] = this.length;
    this.sources[this.count] = verbatim ? source : ~source;
    this.count++;
    this.length += text.length;
  }

  text(): string {
    return this.count === 1 ? this.parts[0]! : this.parts.slice(0, this.count).join('');
  }

  map(): SourceMap {
    if (this.count === 1 && this.sources[0]! >= 0) {
      const start = this.sources[0]!;
      return (offset) => start + offset;
    }
    const textStarts = this.textStarts.slice(0, this.count);
    const sources = this.sources.slice(0, this.count);
    return (offset) => {
      let lo = 0;
      let hi = textStarts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (textStarts[mid]! <= offset) lo = mid;
        else hi = mid - 1;
      }
      const source = sources[lo]!;
      return source >= 0 ? source + offset - textStarts[lo]! : ~source;
    };
  }

  clear(): void {
    this.count = 0;
    this.length = 0;
  }
}

interface PendingAttribute {
  readonly name: string;
  readonly value: string;
  readonly start: number;
  readonly map: SourceMap;
}

/** Tokenizer callbacks that turn one document into segments, collected until `take()`. */
class MarkupCollector implements TokenizerCallbacks {
  readonly out: ExtractItem[] = [];
  chars = 0;
  truncated = false;

  private readonly html: boolean;
  private readonly stack: string[] = [];
  private overflow = 0;
  /** End of the last token seen: where a text run that starts with an entity begins. */
  private cursor = 0;

  private readonly run = new Pieces();
  private runName: string | undefined;

  private tagName = '';
  private attributes: PendingAttribute[] = [];
  private attributeName = '';
  private attributeNameEnd = 0;
  private readonly attribute = new Pieces();
  /** End of the last verbatim piece of the attribute value: where a following entity starts. */
  private attributeCursor = 0;
  /** Offsets of the line breaks in the source, built on first use. */
  private newlines: number[] | undefined;

  constructor(
    private readonly source: string,
    xml: boolean,
    private readonly maxChars: number,
  ) {
    this.html = !xml;
  }

  /** Line, column and offset in the file of a source offset; any order (attributes of an inline tag come before the run around them). */
  private position(offset: number): Location {
    const newlines = (this.newlines ??= lineBreaks(this.source));
    let lo = 0;
    let hi = newlines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (newlines[mid]! < offset) lo = mid + 1;
      else hi = mid;
    }
    const lineStart = lo === 0 ? 0 : newlines[lo - 1]! + 1;
    return { line: lo + 1, column: offset - lineStart + 1, offset };
  }

  private emit(text: string, start: number, fieldName: string | undefined, map: SourceMap): void {
    if (this.truncated || !/\S/.test(text)) return;
    if (this.chars + text.length > this.maxChars) {
      text = text.slice(0, this.maxChars - this.chars);
      this.truncated = true;
    }
    this.chars += text.length;
    const { line, column } = this.position(start);
    const at: Location = { line, column };
    const position = (offset: number): Location => this.position(map(offset));
    // Entities and joined inline elements shift offsets, so positions come from the source map.
    // `this.at`, not the `at` above: a caller that re-bases a copy of the segment (mail adds its
    // `entry`) keeps what it added.
    function locate(this: Segment | undefined, offset: number): Location {
      return { ...(this?.at ?? at), ...position(offset) };
    }
    this.out.push(fieldName === undefined ? { text, at, locate } : { text, at, fieldName, locate });
  }

  private addText(text: string, source: number, verbatim: boolean): void {
    if (this.run.empty) this.runName = this.stack[this.stack.length - 1];
    this.run.add(text, source, verbatim);
  }

  private endRun(): void {
    if (this.run.empty) return;
    this.emit(this.run.text(), this.run.first, this.runName, this.run.map());
    this.run.clear();
  }

  /** At an element boundary: HTML inline elements continue the run, spaced ones add a space. */
  private boundary(name: string): void {
    if (this.html && HTML_INLINE.has(name)) return;
    if (this.html && HTML_SPACED.has(name)) {
      const last = this.run.last;
      if (last !== undefined && !/\s$/.test(last)) this.run.add(' ', this.cursor, false);
      return;
    }
    this.endRun();
  }

  private tagNameOf(start: number, end: number): string {
    const name = this.source.slice(start, end);
    return this.html ? name.toLowerCase() : name;
  }

  private push(name: string): void {
    if (this.html && HTML_VOID.has(name)) return;
    if (this.html && HTML_SELF_CLOSING_SIBLINGS.has(name) && this.stack[this.stack.length - 1] === name) {
      this.stack.pop();
    }
    if (this.stack.length >= MAX_MARKUP_DEPTH) this.overflow++;
    else this.stack.push(name);
  }

  private pop(name: string): void {
    if (this.overflow > 0) {
      this.overflow--;
      return;
    }
    const stack = this.stack;
    for (let i = stack.length - 1; i >= 0 && i >= stack.length - CLOSE_SEARCH; i--) {
      if (stack[i] === name) {
        while (stack.length > i) stack.pop();
        return;
      }
    }
  }

  private flushAttributes(): void {
    const attributes = this.attributes;
    if (attributes.length === 0) return;
    let label: string | undefined;
    for (const naming of NAMING_ATTRIBUTES) {
      const found = attributes.find((a) => a.name === naming && a.value.trim() !== '');
      if (found) {
        label = found.value.trim();
        break;
      }
    }
    for (const attribute of attributes) {
      const name = label !== undefined && VALUE_ATTRIBUTES.has(attribute.name) ? label : attribute.name;
      this.emit(attribute.value, attribute.start, name, attribute.map);
    }
    this.attributes = [];
  }

  /** Where the value of the attribute being read starts (after `=`, blanks and an opening quote). */
  private valueStart(): number {
    const s = this.source;
    let i = this.attributeNameEnd;
    while (i < s.length && /\s/.test(s[i]!)) i++;
    if (s[i] === '=') i++;
    while (i < s.length && /\s/.test(s[i]!)) i++;
    if (s[i] === '"' || s[i] === "'") i++;
    return i;
  }

  ontext(start: number, end: number): void {
    this.addText(this.source.slice(start, end), start, true);
    this.cursor = end;
  }

  ontextentity(codepoint: number, end: number): void {
    this.addText(String.fromCodePoint(codepoint), this.cursor, false);
    this.cursor = end;
  }

  oncdata(start: number, end: number, endOffset: number): void {
    this.addText(this.source.slice(start, end - endOffset), start, true);
    this.cursor = end + 1;
  }

  oncomment(start: number, end: number, endOffset: number): void {
    this.endRun();
    this.emit(this.source.slice(start, end - endOffset), start, undefined, (offset) => start + offset);
    this.cursor = end + 1;
  }

  onopentagname(start: number, end: number): void {
    const name = this.tagNameOf(start, end);
    this.boundary(name);
    this.tagName = name;
    this.push(name);
  }

  onattribname(start: number, end: number): void {
    this.attributeName = this.tagNameOf(start, end);
    this.attributeNameEnd = end;
    this.attribute.clear();
  }

  onattribdata(start: number, end: number): void {
    this.attribute.add(this.source.slice(start, end), start, true);
    this.attributeCursor = end;
  }

  onattribentity(codepoint: number): void {
    const at = this.attribute.empty ? this.valueStart() : this.attributeCursor;
    this.attribute.add(String.fromCodePoint(codepoint), at, false);
    // The tokenizer does not say where an entity in an attribute ends; `;` usually does.
    const semicolon = this.source.indexOf(';', at);
    this.attributeCursor = semicolon !== -1 && semicolon - at <= 32 ? semicolon + 1 : at + 1;
  }

  onattribend(_quote: number, end: number): void {
    const value = this.attribute;
    if (!value.empty) {
      this.attributes.push({ name: this.attributeName, value: value.text(), start: value.first, map: value.map() });
    }
    value.clear();
    this.cursor = end;
  }

  onopentagend(end: number): void {
    this.flushAttributes();
    this.cursor = end + 1;
  }

  onselfclosingtag(end: number): void {
    this.flushAttributes();
    if (this.tagName !== '' && !(this.html && HTML_VOID.has(this.tagName))) this.pop(this.tagName);
    this.cursor = end + 1;
  }

  onclosetag(start: number, end: number): void {
    const name = this.tagNameOf(start, end);
    this.boundary(name);
    if (!(this.html && HTML_VOID.has(name))) this.pop(name);
    this.cursor = end + 1;
  }

  ondeclaration(_start: number, end: number): void {
    this.endRun();
    this.cursor = end + 1;
  }

  onprocessinginstruction(_start: number, end: number): void {
    this.endRun();
    this.cursor = end + 1;
  }

  onend(): void {
    this.flushAttributes();
    this.endRun();
  }

  /** Segments collected so far, handed over once. */
  take(): ExtractItem[] {
    return this.out.splice(0, this.out.length);
  }
}

function markupExtractor(id: FormatId, xml: boolean): Extractor {
  return {
    id,
    async *extract(bytes: Uint8Array, ctx: ExtractContext) {
      throwIfAborted(ctx);
      // The limit applies to the extracted text below, not to the markup around it.
      const { text, truncated } = decodeForExtract(bytes, ctx, Number.MAX_SAFE_INTEGER);
      const collector = new MarkupCollector(text, xml, ctx.limits.maxTextChars);
      const tokenizer = new Tokenizer({ xmlMode: xml, decodeEntities: true }, collector);
      for (let at = 0; at < text.length && !collector.truncated; at += WRITE_CHUNK) {
        throwIfAborted(ctx);
        try {
          tokenizer.write(text.slice(at, at + WRITE_CHUNK));
        } catch (error) {
          throw new ExtractError(error instanceof RangeError ? 'limit' : 'corrupt', 'could not parse markup');
        }
        yield* collector.take();
      }
      if (!collector.truncated) {
        try {
          tokenizer.end();
        } catch (error) {
          throw new ExtractError(error instanceof RangeError ? 'limit' : 'corrupt', 'could not parse markup');
        }
      }
      yield* collector.take();
      if (truncated || collector.truncated) yield textLimitWarning();
    },
  };
}

/** XML: text per element (named after it), attribute values (named after the attribute), comments, CDATA. */
export const xmlExtractor: Extractor = markupExtractor('xml', true);

/**
 * HTML: like XML, plus inline elements do not split text, table cells and line breaks become
 * spaces, and `<script>` / `<style>` contents are scanned too (saved pages keep data there).
 */
export const htmlExtractor: Extractor = markupExtractor('html', false);
