import type { Finding, Location, Segment } from '../types.js';
import type { Detection } from './detect.js';

/**
 * Maps offsets in a text to locations, counting lines once from the start however many
 * lookups are made (lookups must come in ascending order for the fast path; any order works).
 */
export class LineIndex {
  private cursor: number;
  private line: number;
  private lineStart: number;

  /**
   * @param origin offset in `text` that sits at `baseLine`:`baseColumn` (text before it is
   *   context only, e.g. the tail of the previous chunk of a stream).
   */
  constructor(
    private readonly text: string,
    private readonly baseLine = 1,
    private readonly baseColumn = 1,
    private readonly origin = 0,
  ) {
    this.cursor = origin;
    this.line = baseLine;
    this.lineStart = origin;
  }

  /** 1-based line and column of `offset`. Cheap for ascending offsets, correct for any. */
  at(offset: number): { line: number; column: number } {
    const { text } = this;
    if (offset >= this.cursor) {
      for (let nl = text.indexOf('\n', this.cursor); nl !== -1 && nl < offset; nl = text.indexOf('\n', nl + 1)) {
        this.line++;
        this.lineStart = nl + 1;
      }
    } else {
      // Companions can sit before their PAN: step back over the newlines in between.
      for (let nl = text.lastIndexOf('\n', this.cursor - 1); nl !== -1 && nl >= offset; nl = text.lastIndexOf('\n', nl - 1)) this.line--;
      this.lineStart = Math.max(text.lastIndexOf('\n', offset - 1) + 1, offset < this.origin ? 0 : this.origin);
    }
    this.cursor = offset;
    const column = this.lineStart <= this.origin && this.line === this.baseLine ? this.baseColumn + offset - this.origin : offset - this.lineStart + 1;
    return { line: this.line, column };
  }
}

/** The location of `offset` in a segment: the extractor's own `locate`, else its base plus line counting. */
export function locateInSegment(segment: Segment, lines: LineIndex, offset: number): Location {
  if (segment.locate) return { ...segment.at, ...segment.locate(offset) };
  const { at } = segment;
  const field = segment.fields && fieldContaining(segment, offset);
  const position = lines.at(offset);
  return {
    ...at,
    ...(field?.at ?? {}),
    line: position.line,
    column: position.column,
    offset: (at.offset ?? 0) + offset,
  };
}

function fieldContaining(segment: Segment, offset: number) {
  for (const f of segment.fields!) if (offset >= f.start && offset < f.end) return f;
  return undefined;
}

/** Builds the public, masked `Finding` of a detection. */
export function toFinding(d: Detection, locate: (offset: number) => Location, path?: string): Finding {
  // Built property by property rather than with conditional spreads: a digit-dense export has
  // tens of thousands of findings, and the spreads cost about as much as the rest of this.
  const finding = { type: 'finding' } as Mutable<Finding>;
  if (path !== undefined) finding.path = path;
  finding.location = locate(d.start);
  finding.kind = d.kind;
  finding.brand = d.brand;
  finding.masked = d.masked;
  finding.bin = d.bin;
  finding.last4 = d.last4;
  finding.length = d.length;
  finding.confidence = d.confidence;
  finding.score = d.score;
  finding.reasons = d.reasons;
  if (d.expiryAt !== undefined) finding.expiry = { present: true, location: locate(d.expiryAt) };
  if (d.cvvAt !== undefined) finding.cvv = { present: true, location: locate(d.cvvAt) };
  finding.testCard = d.testCard;
  finding.fingerprint = d.fingerprint;
  return finding;
}

/** `T` with its fields writable: for objects a function builds and owns before handing them on. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };
