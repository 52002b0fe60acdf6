import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ExtractError } from '../../src/errors.js';
import { emlExtractor, mboxExtractor, msgExtractor } from '../../src/extract/mail.js';
import { pstExtractor, subjectSlug } from '../../src/extract/pst.js';
import type { ExtractItem, ExtractWarning, NestedInput, Segment } from '../../src/types.js';
import { makePans, rng } from '../support/cards.js';
import { emlHtmlOnly, emlWithAttachments, fakePst, mboxOf, msgOf } from '../fixtures/containers.js';
import { ctx, run } from '../support/extract.js';

const dec = new TextDecoder();


const isSegment = (i: ExtractItem): i is Segment => !('kind' in i);
const segments = (items: readonly ExtractItem[]): Segment[] => items.filter(isSegment);
const nested = (items: readonly ExtractItem[]): NestedInput[] =>
  items.filter((i): i is NestedInput => 'kind' in i && i.kind === 'nested');
const warnings = (items: readonly ExtractItem[]): ExtractWarning[] =>
  items.filter((i): i is ExtractWarning => 'kind' in i && i.kind === 'error');
const names = (items: readonly ExtractItem[]): string[] => nested(items).map((n) => n.name);
const textAt = (items: readonly ExtractItem[], entry: string): string =>
  segments(items)
    .filter((s) => s.at.entry === entry)
    .map((s) => s.text)
    .join('\n');

function expectCode(error: unknown, code: string): void {
  expect(error).toBeInstanceOf(ExtractError);
  expect((error as ExtractError).code).toBe(code);
}

const pans = makePans(3, 42);

describe('emlExtractor', () => {
  const fixture = emlWithAttachments(pans);

  it('yields the subject as a named field and the decoded text body', async () => {
    const { items, error } = await run(emlExtractor, fixture.bytes);
    expect(error).toBeUndefined();
    const segs = segments(items);
    expect(segs[0]).toEqual({ text: fixture.subject, at: { entry: 'subject' }, fieldName: 'subject' });
    // Quoted-printable, soft line break and UTF-8 accents undone.
    expect(segs[1]).toEqual({ text: fixture.bodyText, at: { entry: 'body' } });
    expect(segs).toHaveLength(2);
  });

  it('yields every attachment, inline part and forwarded message as a nested member', async () => {
    const { items } = await run(emlExtractor, fixture.bytes);
    const members = nested(items);
    expect(members.map((m) => [m.name, m.mediaType])).toEqual([
      ['attachment-1', 'image/png'],
      ['cards.csv', 'text/csv'],
      ['archive.zip', 'application/zip'],
      ['attachment-4.eml', 'message/rfc822'],
    ]);
    expect(members[0]?.bytes).toEqual(fixture.inlineImage);
    expect(dec.decode(members[1]?.bytes)).toBe(fixture.csv);
    expect(members[2]?.bytes).toEqual(fixture.zip);
    expect(dec.decode(members[3]?.bytes)).toContain(`old card ${pans[2]}`);
    expect(warnings(items)).toEqual([]);
  });

  it('reads the HTML part when there is no text part, without style or markup', async () => {
    const { items } = await run(emlExtractor, emlHtmlOnly(pans[0]!));
    const body = textAt(items, 'body');
    expect(body).toContain(pans[0]);
    expect(body).toContain('Thanks');
    expect(body).not.toMatch(/<p>|<b>|&nbsp;/);
    expect(segments(items).every((s) => s.at.entry === 'subject' || s.at.entry === 'body')).toBe(true);
  });

  it('leaves attachments alone when archives are turned off', async () => {
    const { items } = await run(emlExtractor, fixture.bytes, ctx({ archives: false }));
    expect(nested(items)).toEqual([]);
    expect(segments(items)).toHaveLength(2);
  });

  it('stops after maxEntries attachments with a warning', async () => {
    const { items } = await run(emlExtractor, fixture.bytes, ctx({ limits: { maxEntries: 2 } }));
    expect(names(items)).toEqual(['attachment-1', 'cards.csv']);
    expect(items.at(-1)).toEqual(expect.objectContaining({ code: 'archive_entries' }));
  });

  it('skips attachments beyond the expansion budget', async () => {
    const { items } = await run(emlExtractor, fixture.bytes, ctx({ expandBudget: 100 }));
    expect(names(items)).toEqual(['attachment-1', 'cards.csv']);
    expect(warnings(items)).toEqual([
      expect.objectContaining({ code: 'archive_size', at: { entry: 'archive.zip' } }),
      expect.objectContaining({ code: 'archive_size', at: { entry: 'attachment-4.eml' } }),
    ]);
  });

  it('maps the MIME part limit to a `limit` error', async () => {
    const parts = Array.from({ length: 1100 }, (_, i) => `--b\r\nContent-Type: text/plain\r\n\r\npart ${i}\r\n`).join('');
    const eml = new TextEncoder().encode(`Subject: quux-subject\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n${parts}--b--\r\n`);
    const { error } = await run(emlExtractor, eml, ctx({ limits: { maxEntries: 10 } }));
    expectCode(error, 'limit');
    expect((error as Error).message).not.toMatch(/part \d|quux/);
  });
});

describe('mboxExtractor', () => {
  const bodies = [`first ${pans[0]}`, `second\n>From the archive\n${pans[1]}`, `third ${pans[2]}`];

  it('splits on `From ` lines into nested message-N.eml members', async () => {
    const { items, error } = await run(mboxExtractor, mboxOf(bodies));
    expect(error).toBeUndefined();
    const members = nested(items);
    expect(members.map((m) => [m.name, m.mediaType])).toEqual([
      ['message-1.eml', 'message/rfc822'],
      ['message-2.eml', 'message/rfc822'],
      ['message-3.eml', 'message/rfc822'],
    ]);
    members.forEach((m, i) => {
      const text = dec.decode(m.bytes);
      expect(text.startsWith(`From: sender${i + 1}@example.test\n`)).toBe(true);
      expect(text).toContain(bodies[i]);
      expect(text).not.toMatch(/^From sender/m);
    });
  });

  it('handles CRLF line ends and text before the first separator', async () => {
    const crlf = new TextEncoder().encode(
      `stray preamble ${pans[0]}\r\nFrom a@b Wed Jan  1 10:00:00 2020\r\nSubject: x\r\n\r\none\r\nFrom c@d Wed Jan  1 10:00:00 2020\r\nSubject: y\r\n\r\ntwo\r\n`,
    );
    const { items } = await run(mboxExtractor, crlf);
    expect(nested(items).map((m) => dec.decode(m.bytes))).toEqual([
      `stray preamble ${pans[0]}\r\n`,
      'Subject: x\r\n\r\none\r\n',
      'Subject: y\r\n\r\ntwo\r\n',
    ]);
  });

  it('bounds the message count by maxEntries', async () => {
    const { items } = await run(mboxExtractor, mboxOf(bodies), ctx({ limits: { maxEntries: 2 } }));
    expect(names(items)).toEqual(['message-1.eml', 'message-2.eml']);
    expect(items.at(-1)).toEqual(expect.objectContaining({ code: 'archive_entries' }));
  });

  it('reads messages in place when archives are turned off', async () => {
    const { items } = await run(mboxExtractor, mboxOf(bodies), ctx({ archives: false }));
    expect(nested(items)).toEqual([]);
    expect(segments(items).map((s) => s.at.entry)).toEqual([
      'message-1.eml!/subject',
      'message-1.eml!/body',
      'message-2.eml!/subject',
      'message-2.eml!/body',
      'message-3.eml!/subject',
      'message-3.eml!/body',
    ]);
    expect(textAt(items, 'message-2.eml!/body')).toContain(pans[1]);
  });
});

describe('msgExtractor', () => {
  const fixture = msgOf(pans);

  it('yields subject and body, the attachment and the embedded message', async () => {
    const { items, error } = await run(msgExtractor, fixture.bytes);
    expect(error).toBeUndefined();
    expect(segments(items)).toEqual([
      { text: fixture.subject, at: { entry: 'subject' }, fieldName: 'subject' },
      { text: fixture.body, at: { entry: 'body' } },
    ]);
    const members = nested(items);
    expect(members.map((m) => m.name)).toEqual([fixture.attachmentName, 'Forwarded.msg']);
    expect(members[0]?.bytes).toEqual(fixture.attachment);
    // The embedded message is a .msg of its own that the scanner can recurse into.
    const inner = await run(msgExtractor, members[1]!.bytes);
    expect(inner.error).toBeUndefined();
    expect(textAt(inner.items, 'subject')).toBe(fixture.innerSubject);
    expect(textAt(inner.items, 'body')).toBe(`inner card ${pans[0]}`);
  });

  it('reads a message that is a view into a larger buffer', async () => {
    const padded = new Uint8Array(fixture.bytes.length + 1000);
    padded.set(fixture.bytes, 600);
    const { items } = await run(msgExtractor, padded.subarray(600, 600 + fixture.bytes.length));
    expect(textAt(items, 'subject')).toBe(fixture.subject);
  });

  it('reads the HTML body through the HTML extractor when there is no plain body', async () => {
    const { items } = await run(msgExtractor, msgOf(pans, { htmlOnly: true }).bytes);
    const body = textAt(items, 'body');
    expect(body).toContain(pans[1]);
    expect(body).not.toContain('<');
  });

  it('leaves attachments alone when archives are turned off', async () => {
    const { items } = await run(msgExtractor, fixture.bytes, ctx({ archives: false }));
    expect(nested(items)).toEqual([]);
    expect(segments(items)).toHaveLength(2);
  });

  it('checks the attachment size against the budget before reading it', async () => {
    const { items } = await run(msgExtractor, fixture.bytes, ctx({ expandBudget: 10 }));
    expect(warnings(items)[0]).toEqual(
      expect.objectContaining({ code: 'archive_size', at: { entry: fixture.attachmentName } }),
    );
  });

  it('fails as corrupt, quickly, on garbage and on truncated files', async () => {
    const random = rng(7);
    const garbage = Uint8Array.from({ length: 4096 }, () => Math.floor(random() * 256));
    expectCode((await run(msgExtractor, garbage)).error, 'corrupt');
    for (const cut of [512, 1536, 3000]) {
      const started = performance.now();
      expectCode((await run(msgExtractor, fixture.bytes.subarray(0, cut))).error, 'corrupt');
      expect(performance.now() - started).toBeLessThan(1000);
    }
  });
});

describe('pstExtractor', () => {
  it('fails as corrupt, quickly, on damaged stores', async () => {
    const random = rng(9);
    const inputs = [
      fakePst(100),
      fakePst(64 * 1024),
      new Uint8Array(600),
      Uint8Array.from({ length: 8192 }, () => Math.floor(random() * 256)),
    ];
    for (const bytes of inputs) {
      const started = performance.now();
      const { items, error } = await run(pstExtractor, bytes);
      expectCode(error, 'corrupt');
      expect((error as Error).message).not.toMatch(/BDN|PSTFile/);
      expect(items).toEqual([]);
      expect(performance.now() - started).toBeLessThan(2000);
    }
  });

  it('keeps digits out of the subject slug used in locations', () => {
    expect(subjectSlug(`Card ${pans[0]} for Zoë!`)).toBe('card-for-zoe');
    expect(subjectSlug('4111 1111 1111 1111')).toBe('message');
    expect(subjectSlug('')).toBe('message');
    expect(subjectSlug('x'.repeat(100))).toHaveLength(40);
  });

  // A real store: the sample that ships inside the installed pst-extractor package (public Enron
  // corpus). Not committed here; the test is skipped where the package does not carry it.
  const enron = 'node_modules/pst-extractor/example/testdata/enron.pst';
  it.skipIf(!existsSync(enron))('walks a real store: folders, messages, attachments, limits', async () => {
    const bytes = new Uint8Array(readFileSync(enron));
    const { items, error } = await run(pstExtractor, bytes);
    expect(error).toBeUndefined();
    const segs = segments(items);
    const subjects = segs.filter((s) => s.fieldName === 'subject');
    expect(subjects.length).toBeGreaterThan(50);
    for (const s of segs) expect(s.at.entry).toMatch(/^Top of Personal Folders\/.+\/\d+-[a-z-]+$/);
    expect(segs.some((s) => s.fieldName === undefined && s.text.length > 100)).toBe(true);
    const members = nested(items);
    expect(members.length).toBeGreaterThan(10);
    const entries = new Set(segs.map((s) => s.at.entry));
    for (const m of members) {
      expect(entries.has(m.name.slice(0, m.name.lastIndexOf('/')))).toBe(true);
      expect(m.bytes.length).toBeGreaterThan(0);
    }
    expect(members.some((m) => m.mediaType === 'application/msword' && m.name.endsWith('.doc'))).toBe(true);

    const limited = await run(pstExtractor, bytes, ctx({ limits: { maxEntries: 5 }, archives: false }));
    expect(new Set(segments(limited.items).map((s) => s.at.entry)).size).toBe(5);
    expect(limited.items.at(-1)).toEqual(expect.objectContaining({ code: 'archive_entries' }));
    expect(nested(limited.items)).toEqual([]);

    const budgeted = await run(pstExtractor, bytes, ctx({ expandBudget: 100_000 }));
    expect(nested(budgeted.items).reduce((n, m) => n + m.bytes.length, 0)).toBeLessThanOrEqual(100_000);
    expect(warnings(budgeted.items).some((w) => w.code === 'archive_size')).toBe(true);
  });
});
