/**
 * XML and HTML: text runs and attribute values, entities decoded, each with the element or
 * attribute it belongs to and the line/column where it starts in the file.
 *
 * Built on htmlparser2's Tokenizer rather than its Parser: the Parser keeps open elements with
 * `Array#unshift`, which makes deep nesting quadratic (100 000 levels took 4.5 s here); our own
 * element stack is capped instead. DTD entities are never expanded (the tokenizer does not read
 * the internal subset), so entity bombs stay the size of the file.
 */
import { Tokenizer, type TokenizerCallbacks } from 'htmlparser2';
import { ExtractError } from '../errors.js';
import type { ExtractItem, Segment } from '../types.js';
import { decodeForExtract, textLimitWarning, throwIfAborted } from './text.js';
import type { ExtractContext, Extractor, FormatId } from './types.js';

/** Open elements tracked for naming; deeper levels are counted only. */
export const MAX_MARKUP_DEPTH = 1000;
/** Characters handed to the tokenizer between abort checks and yields. */
const WRITE_CHUNK = 1024 * 1024;
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

/** Turns string offsets into 1-based line/column, walking forward with a cursor. */
class LineLocator {
  private line = 1;
  private lineStart = 0;
  private scanned = 0;

  constructor(private readonly text: string) {}

  at(offset: number): { line: number; column: number } {
    if (offset < this.scanned) {
      this.line = 1;
      this.lineStart = 0;
      this.scanned = 0;
    }
    for (let i = this.text.indexOf('\n', this.scanned); i !== -1 && i < offset; i = this.text.indexOf('\n', i + 1)) {
      this.line++;
      this.lineStart = i + 1;
    }
    this.scanned = offset;
    return { line: this.line, column: offset - this.lineStart + 1 };
  }
}

interface PendingAttribute {
  name: string;
  value: string;
  start: number;
}

/** Tokenizer callbacks that turn one document into segments, collected until `take()`. */
class MarkupCollector implements TokenizerCallbacks {
  readonly out: ExtractItem[] = [];
  chars = 0;
  truncated = false;

  private readonly html: boolean;
  private readonly locator: LineLocator;
  private readonly stack: string[] = [];
  private overflow = 0;
  /** End of the last token seen: where a text run that starts with an entity begins. */
  private cursor = 0;

  private readonly runParts: string[] = [];
  private runStart = -1;
  private runName: string | undefined;

  private tagName = '';
  private attributes: PendingAttribute[] = [];
  private attributeName = '';
  private attributeNameEnd = 0;
  private attributeValue = '';
  private attributeStart = -1;

  constructor(
    private readonly source: string,
    xml: boolean,
    private readonly maxChars: number,
  ) {
    this.html = !xml;
    this.locator = new LineLocator(source);
  }

  private emit(text: string, start: number, fieldName: string | undefined): void {
    if (this.truncated || !/\S/.test(text)) return;
    if (this.chars + text.length > this.maxChars) {
      text = text.slice(0, this.maxChars - this.chars);
      this.truncated = true;
    }
    this.chars += text.length;
    const segment: Segment =
      fieldName === undefined
        ? { text, at: this.locator.at(start) }
        : { text, at: this.locator.at(start), fieldName };
    this.out.push(segment);
  }

  private addText(text: string, start: number): void {
    if (this.runStart < 0) {
      this.runStart = start;
      this.runName = this.stack[this.stack.length - 1];
    }
    this.runParts.push(text);
  }

  private endRun(): void {
    if (this.runStart < 0) return;
    const text = this.runParts.length === 1 ? this.runParts[0]! : this.runParts.join('');
    this.emit(text, this.runStart, this.runName);
    this.runParts.length = 0;
    this.runStart = -1;
  }

  /** At an element boundary: HTML inline elements continue the run, spaced ones add a space. */
  private boundary(name: string): void {
    if (this.html && HTML_INLINE.has(name)) return;
    if (this.html && HTML_SPACED.has(name)) {
      const last = this.runParts[this.runParts.length - 1];
      if (last !== undefined && !/\s$/.test(last)) this.runParts.push(' ');
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
        stack.length = i;
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
      this.emit(attribute.value, attribute.start, name);
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
    this.addText(this.source.slice(start, end), start);
    this.cursor = end;
  }

  ontextentity(codepoint: number, end: number): void {
    this.addText(String.fromCodePoint(codepoint), this.cursor);
    this.cursor = end;
  }

  oncdata(start: number, end: number, endOffset: number): void {
    this.addText(this.source.slice(start, end - endOffset), start);
    this.cursor = end + 1;
  }

  oncomment(start: number, end: number, endOffset: number): void {
    this.endRun();
    this.emit(this.source.slice(start, end - endOffset), start, undefined);
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
    this.attributeValue = '';
    this.attributeStart = -1;
  }

  onattribdata(start: number, end: number): void {
    if (this.attributeStart < 0) this.attributeStart = start;
    this.attributeValue += this.source.slice(start, end);
  }

  onattribentity(codepoint: number): void {
    if (this.attributeStart < 0) this.attributeStart = this.valueStart();
    this.attributeValue += String.fromCodePoint(codepoint);
  }

  onattribend(_quote: number, end: number): void {
    if (this.attributeStart >= 0) {
      this.attributes.push({ name: this.attributeName, value: this.attributeValue, start: this.attributeStart });
    }
    this.attributeValue = '';
    this.attributeStart = -1;
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
