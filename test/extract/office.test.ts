import fc from 'fast-check';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { ExtractError } from '../../src/errors.js';
import { docxExtractor, odpExtractor, odtExtractor, pptxExtractor } from '../../src/extract/office.js';
import { walkParagraphs, type XmlParagraph } from '../../src/extract/ooxml.js';
import type { Extractor } from '../../src/extract/types.js';
import { group, leakedPans } from '../support/cards.js';
import {
  EMBEDDED_TEXT,
  makeDocx,
  makeEncryptedOoxml,
  makeOdp,
  makeOdt,
  makePptx,
  makeRatioBombDocx,
  makeWorkbook,
  markEncrypted,
  PANS,
  runExtractor,
  testContext,
  zeroMemberData,
} from '../fixtures/documents.js';

function codeOf(error: unknown): string | undefined {
  return error instanceof ExtractError ? error.code : undefined;
}

function occurrences(text: string, part: string): number {
  return text.split(part).length - 1;
}

/** document.xml of makeDocx(): one line per paragraph; a text box's paragraphs come before the paragraph holding it. */
const WORD_BODY = [
  `Body card ${group(PANS.docBody, [4, 4, 4, 4])} & more`,
  `Split ${PANS.docSplit}`,
  'See comment',
  `Visa\n${PANS.docLineBreak}\nexp 12/29`,
  'Card',
  PANS.docTable,
  `VML card ${PANS.docVmlBox}`,
  // The DrawingML choice is read and its VML fallback copy is not.
  `Boxed card ${PANS.docAlternateBox}`,
  `Drawn card ${PANS.docDrawingBox}`,
  // A tracked change: the current wording, then the wording before it.
  'Card on file: [removed]',
  `Card on file: ${PANS.docDeleted}`,
].join('\n');

describe('docxExtractor', () => {
  it('reads the body and every other text part, each at its part name', async () => {
    const { items, error } = await runExtractor(docxExtractor, await makeDocx());
    expect(error).toBeUndefined();
    expect(items).toEqual([
      { text: WORD_BODY, at: { entry: 'word/document.xml' } },
      { text: `Header A&B <card> ${PANS.docHeader}`, at: { entry: 'word/header1.xml' } },
      { text: `Footer card ${PANS.docFooter}`, at: { entry: 'word/footer1.xml' } },
      { text: `Footnote card ${PANS.docFootnote}`, at: { entry: 'word/footnotes.xml' } },
      { text: `Endnote card ${PANS.docEndnote}`, at: { entry: 'word/endnotes.xml' } },
      { text: `Use card ${PANS.docComment} for refunds`, at: { entry: 'word/comments.xml' }, fieldName: 'comment' },
      { kind: 'nested', name: 'word/embeddings/Microsoft_Excel_Worksheet.xlsx', bytes: makeWorkbook('xlsx') },
    ]);
  });

  it('leaves embedded files alone when archives are turned off', async () => {
    const { items } = await runExtractor(docxExtractor, await makeDocx(), { ...testContext(), archives: false });
    expect(items.filter((item) => 'kind' in item)).toEqual([]);
    expect(items).toHaveLength(6);
  });

  it('skips an embedded file that cannot be read, with a warning at its name', async () => {
    const damaged = zeroMemberData(await makeDocx(), 'word/embeddings/Microsoft_Excel_Worksheet.xlsx', 0, 64);
    const { items, error } = await runExtractor(docxExtractor, damaged);
    expect(error).toBeUndefined();
    expect(items.at(-1)).toEqual({
      kind: 'error',
      code: 'corrupt',
      message: 'embedded file skipped: a document part does not inflate to its declared size',
      at: { entry: 'word/embeddings/Microsoft_Excel_Worksheet.xlsx' },
    });
  });

  it('finds every planted number once (a text box with a fallback is not read twice)', async () => {
    const { segments } = await runExtractor(docxExtractor, await makeDocx());
    const all = segments.map((s) => s.text).join('\n');
    const planted = Object.entries(PANS)
      .filter(([key]) => key.startsWith('doc'))
      .map(([, pan]) => pan);
    expect(leakedPans(all, planted)).toEqual(planted);
    expect(occurrences(all, PANS.docAlternateBox)).toBe(1);
  });

  it('reports encryption: a password-protected package, or zip entries flagged encrypted', async () => {
    const protectedFile = await runExtractor(docxExtractor, makeEncryptedOoxml());
    expect(codeOf(protectedFile.error)).toBe('encrypted');
    const flagged = await runExtractor(docxExtractor, markEncrypted(await makeDocx(), 'word/footer1.xml'));
    expect(flagged.items).toEqual([]);
    expect(codeOf(flagged.error)).toBe('encrypted');
  });

  it('refuses bombs on declared sizes before inflating anything', async () => {
    const bomb = await runExtractor(docxExtractor, makeRatioBombDocx());
    expect(bomb.items).toEqual([]);
    expect(codeOf(bomb.error)).toBe('archive_ratio');
    const docx = await makeDocx();
    const budget = await runExtractor(docxExtractor, docx, testContext({ expandBudget: 4096 }));
    expect(budget.items).toEqual([]);
    expect(codeOf(budget.error)).toBe('archive_size');
    const entries = await runExtractor(docxExtractor, docx, testContext({ limits: { maxEntries: 5 } }));
    expect(codeOf(entries.error)).toBe('archive_entries');
  });

  it('reports damaged packages as corrupt with content-free messages', async () => {
    const docx = await makeDocx();
    const noDocument = zipSync({ '_rels/.rels': strToU8('<Relationships/>'), 'word/other.xml': strToU8(`<x>${PANS.docBody}</x>`) });
    for (const input of [docx.subarray(0, docx.length - 100), strToU8(`PK\u0003\u0004 ${PANS.docBody}`), noDocument]) {
      const { items, error } = await runExtractor(docxExtractor, input);
      expect(items).toEqual([]);
      expect(codeOf(error)).toBe('corrupt');
      expect((error as Error).message).not.toMatch(/\d{8}/);
    }
  });

  it('cuts text at maxTextChars and then reports the limit', async () => {
    const { items, error } = await runExtractor(docxExtractor, await makeDocx(), testContext({ limits: { maxTextChars: 30 } }));
    expect(items).toEqual([{ text: WORD_BODY.slice(0, 30), at: { entry: 'word/document.xml' } }]);
    expect(codeOf(error)).toBe('limit');
  });

  it('honours an aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    const { items, error } = await runExtractor(docxExtractor, await makeDocx(), testContext({ signal: controller.signal }));
    expect(items).toEqual([]);
    expect(codeOf(error)).toBe('aborted');
  });
});

describe('pptxExtractor', () => {
  it('yields slides in show order with notes and comments on the same page', async () => {
    const { items, error } = await runExtractor(pptxExtractor, makePptx());
    expect(error).toBeUndefined();
    expect(items).toEqual([
      // slide2.xml is listed first in presentation.xml; the fallback copy is not read.
      { text: 'Payments review\nshown once', at: { page: 1, entry: 'ppt/slides/slide2.xml' } },
      {
        text: `Refund & card ${PANS.slideBody}\nline one\nline two\nPAN\n${PANS.slideTable}`,
        at: { page: 2, entry: 'ppt/slides/slide1.xml' },
      },
      { text: `Speaker: card ${PANS.slideNotes}`, at: { page: 2, entry: 'ppt/notesSlides/notesSlide1.xml' } },
      { text: `Card ${PANS.slideComment} must go`, at: { page: 2, entry: 'ppt/comments/comment1.xml' }, fieldName: 'comment' },
      { kind: 'nested', name: 'ppt/embeddings/notes.txt', bytes: strToU8(EMBEDDED_TEXT) },
    ]);
  });

  it('reports a password-protected presentation as encrypted', async () => {
    const { error } = await runExtractor(pptxExtractor, makeEncryptedOoxml());
    expect(codeOf(error)).toBe('encrypted');
  });
});

describe('OpenDocument extractors', () => {
  it('odt: body paragraphs, annotations as comments, headers from styles.xml', async () => {
    const { items, error } = await runExtractor(odtExtractor, makeOdt());
    expect(error).toBeUndefined();
    expect(items).toEqual([
      {
        text: [
          `Removed card ${PANS.odtDeleted}`,
          'Payments & refunds',
          `Card  ${PANS.odtBody}\tok`,
          'Noted here',
          // The footnote body is a paragraph of its own, reported when it closes; its citation
          // number is left out so it cannot glue onto a number before it.
          `Note card ${PANS.odtNote}`,
          'See note',
          'a',
          'b',
        ].join('\n'),
        at: { entry: 'content.xml' },
      },
      { text: `Comment card ${PANS.odtComment}`, at: { entry: 'content.xml' }, fieldName: 'comment' },
      { text: `Header card ${PANS.odtHeader}\nPage footer`, at: { entry: 'styles.xml' } },
    ]);
  });

  it('odp: one segment per draw:page with its notes, comments apart', async () => {
    const { items, error } = await runExtractor(odpExtractor, makeOdp());
    expect(error).toBeUndefined();
    expect(items).toEqual([
      { text: 'Agenda\nQ3 numbers', at: { page: 1, entry: 'content.xml' } },
      { text: `Card ${PANS.odpSlide}\nSay ${PANS.odpNotes} aloud`, at: { page: 2, entry: 'content.xml' } },
      { text: `Remove ${PANS.odpComment}`, at: { page: 2, entry: 'content.xml' }, fieldName: 'comment' },
    ]);
  });

  it('reports encryption declared in the manifest', async () => {
    const { items, error } = await runExtractor(odtExtractor, makeOdt(true));
    expect(items).toEqual([]);
    expect(codeOf(error)).toBe('encrypted');
  });

  it('reports a package without content.xml as corrupt', async () => {
    const { error } = await runExtractor(odpExtractor, zipSync({ mimetype: strToU8('application/vnd.oasis.opendocument.presentation') }));
    expect(codeOf(error)).toBe('corrupt');
  });
});

describe('walkParagraphs', () => {
  const WORD = { paragraphs: new Set(['w:p']), texts: new Set(['w:t']) };
  const walk = (xml: string): XmlParagraph[] => {
    const out: XmlParagraph[] = [];
    walkParagraphs(xml, WORD, { paragraph: (p) => out.push({ ...p, ancestors: [...p.ancestors] }) });
    return out;
  };

  it('decodes character references and never expands DTD entities', () => {
    const xml =
      `<?xml version="1.0"?><!DOCTYPE w:hdr [<!ENTITY pan "${PANS.docHeader}"><!ENTITY lol "&pan;&pan;&pan;">]>` +
      '<w:hdr><w:p><w:r><w:t>a &amp; &#x34;&#49; &lol; &lt;b&gt;</w:t></w:r></w:p></w:hdr>';
    const [paragraph] = walk(xml);
    expect(paragraph?.text).toBe('a & 41 &lol; <b>');
    expect(paragraph?.text).not.toContain(PANS.docHeader);
  });

  it('joins runs, keeps nested paragraphs apart, and ignores text outside text elements', () => {
    const xml =
      '<w:body><w:p><w:r><w:t>4111</w:t></w:r><w:r><w:instrText>PAGE</w:instrText><w:t>1111</w:t></w:r>' +
      '<w:r><w:txbxContent><w:p><w:r><w:t>inner</w:t></w:r></w:p></w:txbxContent></w:r><w:r><w:t>2222</w:t></w:r></w:p></w:body>';
    expect(walk(xml).map((p) => [p.text, p.ancestors])).toEqual([
      ['inner', ['w:body', 'w:p', 'w:r', 'w:txbxContent']],
      ['411111112222', ['w:body']],
    ]);
  });
});

describe('office extractors share one contract', () => {
  it('turn every damaged package into a typed error or a clean read', async () => {
    const fixtures = [
      [docxExtractor, await makeDocx()],
      [pptxExtractor, makePptx()],
      [odtExtractor, makeOdt()],
      [odpExtractor, makeOdp()],
    ] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...fixtures),
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
        async ([extractor, original], edits, cut) => {
          const bytes = original.slice(0, cut === null ? original.length : Math.floor(cut * original.length));
          for (const [where, value] of edits) bytes[Math.floor(where * (bytes.length - 1))] = value;
          const { error } = await runExtractor(extractor, bytes);
          if (error !== undefined) expect(error).toBeInstanceOf(ExtractError);
        },
      ),
      { numRuns: 120, seed: 11 },
    );
  });

  it.each<[string, Extractor, () => Uint8Array | Promise<Uint8Array>]>([
    ['docx', docxExtractor, makeDocx],
    ['pptx', pptxExtractor, makePptx],
    ['odt', odtExtractor, () => makeOdt()],
    ['odp', odpExtractor, makeOdp],
  ])('%s: non-zip input is corrupt, not a crash', async (_, extractor) => {
    const { items, error } = await runExtractor(extractor, strToU8(`plain text ${PANS.docBody}`));
    expect(items).toEqual([]);
    expect(codeOf(error)).toBe('corrupt');
    expect((error as Error).message).not.toContain(PANS.docBody);
  });
});
