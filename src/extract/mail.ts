/**
 * E-mail: RFC 822 messages (mailparser), Outlook .msg files (msgreader) and mbox folders. The
 * subject and body become segments; attachments, inline parts and embedded messages become
 * nested members for the scanner to sniff and recurse into.
 */
import MsgReaderImport, { type FieldsData } from '@kenjiuno/msgreader';
import { simpleParser, type ParsedMail } from 'mailparser';
import { ExtractError } from '../errors.js';
import type { ExtractItem, ExtractWarning, NestedInput, Segment } from '../types.js';
import { Budget, budgetWarning, copyOf, entriesWarning, normaliseMemberName } from './archive.js';
import { htmlExtractor } from './markup.js';
import { throwIfAborted } from './text.js';
import type { ExtractContext, Extractor } from './types.js';

// msgreader is CommonJS with `exports.default = MsgReader`: Node's ESM loader hands us the
// exports object as the default import, bundlers hand us the class.
const MsgReader: typeof MsgReaderImport =
  (MsgReaderImport as unknown as { default?: typeof MsgReaderImport }).default ?? MsgReaderImport;

const utf8 = new TextEncoder();
/** mailparser's default `maxChildNodes`. */
const MAILPARSER_MAX_NODES = 1000;

function subjectSegment(subject: string | undefined, prefix: string): Segment[] {
  return subject ? [{ text: subject, at: { entry: `${prefix}subject` }, fieldName: 'subject' }] : [];
}

/**
 * An HTML body through the HTML extractor (so markup context such as `<td>Card</td>` counts),
 * every item placed under `entry`.
 */
export async function* htmlBodyItems(
  html: string | Uint8Array,
  entry: string,
  ctx: ExtractContext,
): AsyncGenerator<ExtractItem> {
  const bytes = typeof html === 'string' ? utf8.encode(html) : html;
  for await (const item of htmlExtractor.extract(bytes, ctx)) {
    if ('kind' in item && item.kind === 'nested') continue;
    yield { ...item, at: { ...item.at, entry } };
  }
}

/** Hands out attachments (or mbox messages) as members within the entry limit and the expansion budget. */
export class MemberGate {
  private count = 0;
  private readonly budget: Budget;

  constructor(private readonly ctx: ExtractContext) {
    this.budget = new Budget(ctx.expandBudget);
  }

  /** Counts one member; past `maxEntries` returns the warning to yield before stopping. */
  admit(): ExtractWarning | undefined {
    if (++this.count <= this.ctx.limits.maxEntries) return undefined;
    return entriesWarning(this.ctx.limits.maxEntries);
  }

  /** Whether `size` bytes still fit the budget (checked before reading a lazily loaded body). */
  fits(size: number): boolean {
    return size <= this.budget.remaining;
  }

  /** The member, or the budget warning when it does not fit. */
  member(name: string, content: Uint8Array, mediaType?: string): NestedInput | ExtractWarning {
    if (!this.fits(content.length)) return budgetWarning(name);
    this.budget.spend(content.length);
    // A plain Uint8Array even when a parser handed out a Buffer, whose `slice` would not copy.
    const bytes = new Uint8Array(content.buffer, content.byteOffset, content.byteLength);
    return mediaType ? { kind: 'nested', name, bytes, mediaType } : { kind: 'nested', name, bytes };
  }
}

function withExtension(name: string, extension: string): string {
  return name.toLowerCase().endsWith(extension) ? name : name + extension;
}

async function parseEml(bytes: Uint8Array, ctx: ExtractContext): Promise<ParsedMail> {
  try {
    return await simpleParser(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      // Only the text is wanted: no HTML rendering of text parts, no link rewriting, no hashing.
      skipHtmlToText: true,
      skipTextToHtml: true,
      skipTextLinks: true,
      skipImageLinks: true,
      keepCidLinks: true,
      checksumAlgo: false,
      // Forwarded messages stay whole attachments, so the scanner recurses into them as .eml.
      ignoreEmbedded: true,
      // mailparser's own bound on MIME nodes (multiparts included), raised when the caller allows
      // more members; our count of attachments against maxEntries comes on top.
      maxChildNodes: Math.max(MAILPARSER_MAX_NODES, ctx.limits.maxEntries),
    });
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code === 'EMAXLEN') {
      throw new ExtractError('limit', 'e-mail has too many MIME parts or an oversized header block');
    }
    throw new ExtractError('corrupt', 'could not parse e-mail message');
  }
}

/**
 * Items of one RFC 822 message. `prefix` is put before `subject` / `body` when the message is
 * itself inside a container whose members cannot be nested (mbox with archives turned off).
 */
async function* emlItems(bytes: Uint8Array, ctx: ExtractContext, prefix = ''): AsyncGenerator<ExtractItem> {
  throwIfAborted(ctx);
  const mail = await parseEml(bytes, ctx);
  yield* subjectSegment(mail.subject, prefix);
  if (mail.text) yield { text: mail.text, at: { entry: `${prefix}body` } };
  else if (typeof mail.html === 'string' && mail.html) yield* htmlBodyItems(mail.html, `${prefix}body`, ctx);
  if (!ctx.archives) return;
  const gate = new MemberGate(ctx);
  for (const [index, attachment] of mail.attachments.entries()) {
    const over = gate.admit();
    if (over) {
      yield over;
      return;
    }
    throwIfAborted(ctx);
    const isMessage = attachment.contentType === 'message/rfc822';
    let name = normaliseMemberName(attachment.filename ?? `attachment-${index + 1}`);
    if (isMessage) name = withExtension(name, '.eml');
    yield gate.member(name, attachment.content, attachment.contentType);
  }
}

/**
 * RFC 822 / MIME messages (.eml). Subject (`entry: 'subject'`, field `subject`) and text body
 * (`entry: 'body'`; the HTML part when there is no text part) as segments; every attachment and
 * inline part as a nested member, forwarded messages as nested `.eml`.
 */
export const emlExtractor: Extractor = {
  id: 'eml',
  extract: (bytes, ctx) => emlItems(bytes, ctx),
};

// ---------------------------------------------------------------------------------------------
// Outlook .msg
// ---------------------------------------------------------------------------------------------

// msgreader reads the compound file (CFB) itself, and follows every sector chain, the mini-FAT
// chain, the extended-FAT chain and the directory tree as the file says, with no check for
// cycles: a chain that loops back (one flipped byte in a FAT sector does it) makes it push the
// same sectors into an array until the heap is gone — the process dies, in whatever thread
// parses it (scanBuffer parses in the caller's). The walkers below are msgreader 1.28's own,
// with a visited set each; a cycle makes the file `corrupt`. Every walk is then bounded by the
// number of distinct sectors the file can name.

const END_OF_CHAIN = -2;
const UNUSED_BLOCK = -1;
const NO_INDEX = -1;
const DIRECTORY = 1;

/** The members of msgreader's internal `Reader` the guarded walkers use. */
interface CfbReader {
  bigBlockSize: number;
  bigBlockLength: number;
  xBlockLength: number;
  batCount: number;
  batData: number[];
  sbatStart: number;
  sbatCount: number;
  xbatStart: number;
  xbatCount: number;
  propertyData: CfbProperty[];
  ds: { byteLength: number };
  batCountInHeader(): number;
  getBlockAt(block: number): ArrayLike<number>;
  getNextBlock(block: number): number;
  getNextBlockSmall(block: number): number;
  convertBlockToProperties(block: number, props: CfbProperty[]): void;
  createPropertyHierarchy(props: CfbProperty[], node: CfbProperty | undefined): void;
  readProperty(property: CfbProperty): Uint8Array;
  /** Entries already placed in the directory tree during the current parse. */
  cardhoundPlaced?: Set<number>;
}

interface CfbProperty {
  type: number;
  previousProperty: number;
  nextProperty: number;
  childProperty: number;
  startBlock: number;
  sizeBlock: number;
  children?: number[];
}

class CfbStructureError extends Error {}

/** Remembers the sectors (or entries) one walk has visited; a second visit is a cycle. */
function visitor(): (item: number) => void {
  const seen = new Set<number>();
  return (item) => {
    if (seen.has(item)) throw new CfbStructureError('cycle');
    seen.add(item);
  };
}

const hardened = new WeakSet<object>();

/** Replaces the chain walkers of msgreader's `Reader` prototype with cycle-safe ones (once). */
function hardenMsgReader(reader: MsgReaderImport): void {
  const inner = (reader as unknown as { reader?: object }).reader;
  const proto = inner === undefined ? undefined : (Object.getPrototypeOf(inner) as CfbReader | null);
  if (!proto || hardened.has(proto)) return;
  const required = ['sbatDataReader', 'xbatDataReader', 'propertyDataReader', 'createPropertyHierarchy', 'getChainByBlockSmall', 'readBigBlockTable', 'readProperty'];
  if (!required.every((name) => typeof (proto as unknown as Record<string, unknown>)[name] === 'function')) {
    // Another msgreader version: its walkers are unknown, so they are not trusted.
    throw new CfbStructureError('unknown msgreader version');
  }
  const originalReadProperty = proto.readProperty;
  Object.assign(proto, {
    sbatDataReader(this: CfbReader): number[] {
      const result: number[] = [];
      const visit = visitor();
      let block = this.sbatStart;
      for (let i = 0; i < this.sbatCount && block && block !== END_OF_CHAIN; i++) {
        visit(block);
        result.push(block);
        block = this.getNextBlock(block);
      }
      return result;
    },
    xbatDataReader(this: CfbReader): void {
      let remaining = this.batCount - this.batCountInHeader();
      let next = this.xbatStart;
      const visit = visitor();
      for (let i = 0; i < this.xbatCount; i++) {
        visit(next);
        const xbat = this.getBlockAt(next);
        const count = Math.min(remaining, this.xBlockLength);
        for (let j = 0; j < count; j++) {
          const block = xbat[j]!;
          if (block === UNUSED_BLOCK || block === END_OF_CHAIN) break;
          this.batData.push(block);
        }
        remaining -= count;
        next = xbat[this.xBlockLength]!;
        if (next === UNUSED_BLOCK || next === END_OF_CHAIN) break;
      }
    },
    propertyDataReader(this: CfbReader, start: number): CfbProperty[] {
      const props: CfbProperty[] = [];
      const visit = visitor();
      for (let block = start; block !== END_OF_CHAIN; block = this.getNextBlock(block)) {
        visit(block);
        this.convertBlockToProperties(block, props);
      }
      this.cardhoundPlaced = new Set([0]);
      this.createPropertyHierarchy(props, props[0]);
      return props;
    },
    createPropertyHierarchy(this: CfbReader, props: CfbProperty[], node: CfbProperty | undefined): void {
      if (!node || node.childProperty === NO_INDEX) return;
      const placed = (this.cardhoundPlaced ??= new Set([0]));
      node.children = [];
      const stack: { mode: 'walk' | 'push'; index: number }[] = [{ mode: 'walk', index: node.childProperty }];
      while (stack.length > 0) {
        const { mode, index } = stack.pop()!;
        if (mode === 'push') {
          node.children.push(index);
          continue;
        }
        // Each entry has one place in the tree: a second one is a cycle (or a shared subtree).
        if (placed.has(index)) throw new CfbStructureError('cycle');
        placed.add(index);
        const current = props[index];
        if (!current) throw new CfbStructureError('dangling');
        if (current.type === DIRECTORY) this.createPropertyHierarchy(props, current);
        if (current.nextProperty !== NO_INDEX) stack.push({ mode: 'walk', index: current.nextProperty });
        stack.push({ mode: 'push', index });
        if (current.previousProperty !== NO_INDEX) stack.push({ mode: 'walk', index: current.previousProperty });
      }
    },
    getChainByBlockSmall(this: CfbReader, property: CfbProperty): number[] {
      const chain: number[] = [];
      const visit = visitor();
      for (let block = property.startBlock; block !== END_OF_CHAIN; block = this.getNextBlockSmall(block)) {
        visit(block);
        chain.push(block);
      }
      return chain;
    },
    readBigBlockTable(this: CfbReader): number[] {
      const table: number[] = [];
      const visit = visitor();
      for (let block = this.propertyData[0]!.startBlock; block !== END_OF_CHAIN; block = this.getNextBlock(block)) {
        visit(block);
        table.push(block);
      }
      return table;
    },
    readProperty(this: CfbReader, property: CfbProperty): Uint8Array {
      // A stream cannot be larger than the file that holds it; the size is allocated up front.
      if (property.sizeBlock > this.ds.byteLength) throw new CfbStructureError('stream larger than the file');
      return originalReadProperty.call(this, property);
    },
  });
  hardened.add(proto);
}

function readMsg(bytes: Uint8Array): { reader: MsgReaderImport; data: FieldsData } {
  try {
    const reader = new MsgReader(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    hardenMsgReader(reader);
    const data = reader.getFileData();
    if (!data.error) return { reader, data };
  } catch {
    // fall through: msgreader's own message may quote the bytes it choked on
  }
  throw new ExtractError('corrupt', 'not a readable Outlook message');
}

/**
 * Outlook .msg files: subject, body (or the HTML body when there is no plain one) as segments,
 * file attachments and embedded messages (as nested `.msg`) as members.
 */
export const msgExtractor: Extractor = {
  id: 'msg',
  async *extract(bytes: Uint8Array, ctx: ExtractContext): AsyncIterable<ExtractItem> {
    throwIfAborted(ctx);
    const { reader, data } = readMsg(bytes);
    yield* subjectSegment(data.subject, '');
    if (data.body) yield { text: data.body, at: { entry: 'body' } };
    else if (data.bodyHtml) yield* htmlBodyItems(data.bodyHtml, 'body', ctx);
    else if (data.html) yield* htmlBodyItems(data.html, 'body', ctx);
    if (!ctx.archives) return;
    const gate = new MemberGate(ctx);
    for (const [index, attachment] of (data.attachments ?? []).entries()) {
      const embedded = attachment.innerMsgContent === true;
      // Attachments by reference (links to a share) carry no bytes to scan.
      if (!embedded && attachment.dataId === undefined) continue;
      const over = gate.admit();
      if (over) {
        yield over;
        return;
      }
      throwIfAborted(ctx);
      const fallback = `attachment-${index + 1}`;
      const name = normaliseMemberName(
        embedded
          ? withExtension(attachment.name || fallback, '.msg')
          : attachment.fileName || attachment.fileNameShort || fallback,
      );
      if (!embedded && !gate.fits(attachment.contentLength ?? 0)) {
        yield budgetWarning(name);
        continue;
      }
      let content: Uint8Array;
      try {
        content = reader.getAttachment(attachment).content;
      } catch {
        yield { kind: 'error', code: 'corrupt', message: 'attachment could not be read; skipped', at: { entry: name } };
        continue;
      }
      yield gate.member(name, content, attachment.attachMimeTag);
    }
  },
};

// ---------------------------------------------------------------------------------------------
// mbox
// ---------------------------------------------------------------------------------------------

const FROM_LINE = utf8.encode('\nFrom ');

/** Byte ranges of the messages of an mbox: each runs from after its `From ` line to the next one. */
function* mboxMessages(bytes: Uint8Array): Generator<{ start: number; end: number }> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let separator = buffer.subarray(0, 5).toString('latin1') === 'From ' ? 0 : -1;
  if (separator < 0) {
    // Text before the first separator is not mbox framing; scan it as a message of its own.
    const first = buffer.indexOf(FROM_LINE);
    const end = first < 0 ? buffer.length : first + 1;
    if (buffer.subarray(0, end).some((b) => b > 0x20)) yield { start: 0, end };
    if (first < 0) return;
    separator = first + 1;
  }
  while (separator >= 0) {
    const lineEnd = buffer.indexOf(0x0a, separator);
    if (lineEnd < 0) return;
    const next = buffer.indexOf(FROM_LINE, lineEnd);
    yield { start: lineEnd + 1, end: next < 0 ? buffer.length : next + 1 };
    separator = next < 0 ? -1 : next + 1;
  }
}

/**
 * mbox folders: split on lines that begin with `From `; each message is a nested
 * `message-N.eml` (1-based). With archives turned off the messages are read in place, their
 * segments under `message-N.eml!/subject` and `…!/body`, and their attachments left alone.
 */
export const mboxExtractor: Extractor = {
  id: 'mbox',
  async *extract(bytes: Uint8Array, ctx: ExtractContext): AsyncIterable<ExtractItem> {
    throwIfAborted(ctx);
    const gate = new MemberGate(ctx);
    let n = 0;
    for (const { start, end } of mboxMessages(bytes)) {
      const over = gate.admit();
      if (over) {
        yield over;
        return;
      }
      throwIfAborted(ctx);
      const name = `message-${++n}.eml`;
      const message = bytes.subarray(start, end);
      if (ctx.archives) {
        yield gate.member(name, copyOf(message), 'message/rfc822');
        continue;
      }
      try {
        yield* emlItems(message, ctx, `${name}!/`);
      } catch (error) {
        if (!(error instanceof ExtractError) || error.code === 'aborted') throw error;
        yield { kind: 'error', code: error.code, message: error.message, at: { entry: name } };
      }
    }
  },
};
