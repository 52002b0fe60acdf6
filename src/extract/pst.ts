/**
 * Outlook data files (.pst / .ost) through pst-extractor, entirely in memory. Every message's
 * subject and body become segments placed at `<folder path>/<n>-<subject slug>`; attachments
 * become nested members below that entry; embedded messages are walked in place.
 */
import { quietly } from './quiet.js';
import { PSTFile, PSTMessage, type PSTFolder } from 'pst-extractor';
import { ExtractError } from '../errors.js';
import type { ExtractItem, ExtractWarning } from '../types.js';
import { budgetWarning, entriesWarning, normaliseMemberName } from './archive.js';
import { MemberGate, htmlBodyItems } from './mail.js';
import { throwIfAborted } from './text.js';
import type { ExtractContext, Extractor } from './types.js';

/** PR_ATTACH_METHOD value of an attachment that is itself a message ([MS-OXCMSG] 2.2.2.9). */
const ATTACH_EMBEDDED_MESSAGE = 5;
/** Folder nesting followed; real stores stay under ten, a corrupt one can loop. */
const MAX_FOLDER_DEPTH = 64;
const MAX_SLUG = 40;

function openRootFolder(bytes: Uint8Array): PSTFolder {
  let pst: PSTFile;
  try {
    pst = new PSTFile(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    // The library's messages quote header bytes; only its fixed wording is looked at.
    if (error instanceof Error && error.message.startsWith('PSTFile::open PST is encrypted')) {
      throw new ExtractError('encrypted', 'PST file uses high (strong) encryption');
    }
    throw new ExtractError('corrupt', 'not a readable Outlook data file');
  }
  try {
    return pst.getRootFolder();
  } catch {
    throw new ExtractError('corrupt', 'Outlook data file has no readable folder tree');
  }
}

/**
 * A short, readable hint of the subject for a location. Digits are dropped: a location is
 * printed in clear, and a subject can hold a card number.
 */
export function subjectSlug(subject: string): string {
  const slug = subject
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[0-9]/g, '')
    .replace(/[^\p{L}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_SLUG)
    .replace(/-+$/, '');
  return slug || 'message';
}

function folderName(folder: PSTFolder): string {
  return folder.displayName.replace(/[/\\]/g, '_') || 'folder';
}

function readWarning(entry: string, what: string): ExtractWarning {
  return { kind: 'error', code: 'corrupt', message: `${what} could not be read; skipped`, at: { entry } };
}

class PstWalk {
  private readonly messages: MemberGate;
  private readonly attachments: MemberGate;
  stopped = false;

  constructor(
    private readonly ctx: ExtractContext,
    /** Size of the store: no attachment stored in it can be larger. */
    private readonly storeSize: number,
  ) {
    this.messages = new MemberGate(ctx);
    // One budget for every attachment of the store; the entry count is per message.
    this.attachments = new MemberGate(ctx);
  }

  async *folder(folder: PSTFolder, path: string, depth: number): AsyncGenerator<ExtractItem> {
    const at = path || '/';
    let n = 0;
    for (;;) {
      throwIfAborted(this.ctx);
      let child: unknown;
      try {
        child = folder.getNextChild();
      } catch {
        yield readWarning(at, 'folder contents');
        break;
      }
      if (child === null || child === undefined) break;
      if (!(child instanceof PSTMessage)) continue;
      const over = this.messages.admit();
      if (over) {
        yield over;
        this.stopped = true;
        return;
      }
      n++;
      let entry: string;
      try {
        entry = `${path ? `${path}/` : ''}${n}-${subjectSlug(child.subject)}`;
      } catch {
        yield readWarning(`${path ? `${path}/` : ''}${n}`, 'message');
        continue;
      }
      yield* this.message(child, entry, 0);
    }
    if (depth >= MAX_FOLDER_DEPTH) {
      yield { kind: 'error', code: 'limit', message: 'folder tree nested too deep; deeper folders skipped', at: { entry: at } };
      return;
    }
    let subfolders: PSTFolder[];
    try {
      subfolders = folder.hasSubfolders ? folder.getSubFolders() : [];
    } catch {
      yield readWarning(at, 'folder list');
      return;
    }
    for (const sub of subfolders) {
      if (this.stopped) return;
      yield* this.folder(sub, path ? `${path}/${folderName(sub)}` : folderName(sub), depth + 1);
    }
  }

  private async *message(message: PSTMessage, entry: string, depth: number): AsyncGenerator<ExtractItem> {
    let subject: string;
    let body: string;
    let html: string;
    let attachmentCount: number;
    try {
      subject = message.subject;
      body = message.body;
      html = body ? '' : message.bodyHTML;
      attachmentCount = this.ctx.archives ? message.numberOfAttachments : 0;
    } catch {
      yield readWarning(entry, 'message');
      return;
    }
    if (subject) yield { text: subject, at: { entry }, fieldName: 'subject' };
    if (body) yield { text: body, at: { entry } };
    else if (html) yield* htmlBodyItems(html, entry, this.ctx);
    for (let i = 0; i < attachmentCount; i++) {
      throwIfAborted(this.ctx);
      if (i >= this.ctx.limits.maxEntries) {
        yield { ...entriesWarning(this.ctx.limits.maxEntries), at: { entry } };
        return;
      }
      yield* this.attachment(message, i, entry, depth);
    }
  }

  private async *attachment(message: PSTMessage, index: number, entry: string, depth: number): AsyncGenerator<ExtractItem> {
    const fallback = `${entry}/attachment-${index + 1}`;
    let name = fallback;
    try {
      const attachment = message.getAttachment(index);
      const label = attachment.longFilename || attachment.filename || attachment.displayName;
      if (label) name = `${entry}/${normaliseMemberName(label)}`;
      if (attachment.attachMethod === ATTACH_EMBEDDED_MESSAGE) {
        const embedded = attachment.embeddedPSTMessage;
        if (!embedded) return;
        if (depth >= this.ctx.limits.maxDepth) {
          yield { kind: 'error', code: 'archive_depth', message: 'embedded messages nested too deep; skipped', at: { entry: name } };
          return;
        }
        yield* this.message(embedded, name, depth + 1);
        return;
      }
      const stream = attachment.fileInputStream;
      if (!stream) return;
      const size = stream.length.toNumber();
      if (size < 0 || size > this.storeSize) {
        yield readWarning(name, 'attachment');
        return;
      }
      if (!this.attachments.fits(size)) {
        yield budgetWarning(name);
        return;
      }
      const bytes = Buffer.alloc(size);
      stream.readCompletely(bytes);
      yield this.attachments.member(name, new Uint8Array(bytes.buffer, bytes.byteOffset, size), attachment.mimeTag || undefined);
    } catch (error) {
      if (error instanceof ExtractError) throw error;
      yield readWarning(name, 'attachment');
    }
  }
}

/**
 * Outlook .pst / .ost stores. Messages are bounded by `maxEntries` (over the whole store), the
 * attachments' bytes by the expansion budget; a damaged message or attachment is a warning and
 * the walk goes on.
 */
export const pstExtractor: Extractor = {
  id: 'pst',
  async *extract(bytes: Uint8Array, ctx: ExtractContext): AsyncIterable<ExtractItem> {
    throwIfAborted(ctx);
    // pst-extractor logs folder names and property dumps of damaged stores to the console.
    yield* quietly(
      (async function* () {
        const root = openRootFolder(bytes);
        yield* new PstWalk(ctx, bytes.length).folder(root, '', 0);
      })(),
    );
  },
};
