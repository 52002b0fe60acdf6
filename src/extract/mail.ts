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

function readMsg(bytes: Uint8Array): { reader: MsgReaderImport; data: FieldsData } {
  try {
    const reader = new MsgReader(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength));
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
