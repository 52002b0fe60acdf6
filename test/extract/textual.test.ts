import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvExtractor, MAX_RECORD_CHARS, sniffDelimiter, tsvExtractor } from '../../src/extract/csv.js';
import { JsonValueReader, jsonExtractor } from '../../src/extract/json.js';
import { htmlExtractor, xmlExtractor } from '../../src/extract/markup.js';
import { rtfExtractor, rtfToText } from '../../src/extract/rtf.js';
import { chunkEnd, textExtractor } from '../../src/extract/text.js';
import type { Extractor } from '../../src/extract/types.js';
import { ExtractError } from '../../src/errors.js';
import type { ExtractItem, Segment, SegmentField } from '../../src/types.js';
import { group, makePans } from '../support/cards.js';
import { concat, context, extractAll, segmentsOf, utf16le, utf8 } from '../fixtures/textual.js';

const [PAN_A, PAN_B, PAN_C] = makePans(3, 42) as [string, string, string];

async function segments(extractor: Extractor, input: string | Uint8Array, ctx = context()): Promise<Segment[]> {
  return segmentsOf(await extractAll(extractor, typeof input === 'string' ? utf8(input) : input, ctx));
}

function warnings(items: readonly ExtractItem[]) {
  return items.filter((item) => 'kind' in item && item.kind === 'error');
}

/** The text of each field of a segment. */
function cellTexts(segment: Segment): string[] {
  return (segment.fields ?? []).map((f: SegmentField) => segment.text.slice(f.start, f.end));
}

function abortedContext() {
  const controller = new AbortController();
  controller.abort();
  return context({ signal: controller.signal });
}

async function expectAborted(extractor: Extractor, input: string): Promise<void> {
  const run = extractAll(extractor, utf8(input), abortedContext());
  await expect(run).rejects.toBeInstanceOf(ExtractError);
  await expect(run).rejects.toMatchObject({ code: 'aborted' });
}

describe('text', () => {
  it('one segment with the decoded text unchanged (BOM dropped)', async () => {
    const body = `line one\r\ncard ${PAN_A}\n\ttabbed  \n`;
    const out = await segments(textExtractor, concat(Uint8Array.from([0xef, 0xbb, 0xbf]), utf8(body)));
    expect(out).toEqual([{ text: body, at: {} }]);
  });

  it('decodes UTF-16 without BOM', async () => {
    const out = await segments(textExtractor, utf16le(`card ${PAN_A}\n`));
    expect(out[0]!.text).toBe(`card ${PAN_A}\n`);
  });

  it('empty input gives no segment', async () => {
    expect(await extractAll(textExtractor, new Uint8Array(0))).toEqual([]);
  });

  it('stops at maxTextChars with a limit warning', async () => {
    const items = await extractAll(textExtractor, utf8('x'.repeat(100)), context({ limits: { maxTextChars: 40 } }));
    expect(segmentsOf(items)[0]!.text).toBe('x'.repeat(40));
    expect(warnings(items)).toEqual([expect.objectContaining({ code: 'limit' })]);
  });

  it('honours an aborted signal', async () => {
    await expectAborted(textExtractor, 'hello');
  });
});

describe('chunkEnd', () => {
  it('cuts after a line break near the size, or else not inside a card-like run', () => {
    const text = 'a'.repeat(90) + '\n' + 'b'.repeat(100);
    expect(chunkEnd(text, 0, text.length, 100)).toBe(91);
    expect(chunkEnd(text, 0, 50, 100)).toBe(50);
    const long = 'word '.repeat(10) + `${group(PAN_A, [4, 4, 4, 4])} ` + 'x'.repeat(2_000_000);
    const cut = chunkEnd(long, 0, long.length, 60);
    expect(cut).toBeLessThanOrEqual(60);
    expect(long.slice(0, cut).endsWith('word')).toBe(true);
    expect(long.slice(cut).startsWith(` ${group(PAN_A, [4, 4, 4, 4])} `)).toBe(true);
    const glued = 'x'.repeat(50) + 'card:' + PAN_A + 'y'.repeat(100);
    expect(glued.slice(chunkEnd(glued, 0, glued.length, 60)).startsWith(PAN_A)).toBe(true);
  });
});

describe('csv', () => {
  it('one segment per record with raw text, row and line, cells named by the header', async () => {
    const body = `name,card_number,note\r\nAlice,${PAN_A},"said ""hi"", left"\r\nBob,"${PAN_B}","two\nlines"\r\n`;
    const out = await segments(csvExtractor, body);
    expect(out.map((s) => s.text)).toEqual([
      'name,card_number,note',
      `Alice,${PAN_A},"said ""hi"", left"`,
      `Bob,"${PAN_B}","two\nlines"`,
    ]);
    expect(out.map((s) => s.at)).toEqual([
      { row: 1, line: 1 },
      { row: 2, line: 2 },
      { row: 3, line: 3 },
    ]);
    expect(cellTexts(out[1]!)).toEqual(['Alice', PAN_A, 'said ""hi"", left']);
    expect(cellTexts(out[2]!)).toEqual(['Bob', PAN_B, 'two\nlines']);
    expect(out[1]!.fields!.map((f) => f.name)).toEqual(['name', 'card_number', 'note']);
    expect(out[2]!.fields![1]).toEqual({ start: 5, end: 5 + PAN_B.length, name: 'card_number', at: { row: 3 } });
    // The header record is scanned too, with its own cells named.
    expect(cellTexts(out[0]!)).toEqual(['name', 'card_number', 'note']);
  });

  it('offsets inside a record equal offsets in the file line', async () => {
    const body = `id;pan\n7;"${PAN_A}"\n`;
    const [, record] = await segments(csvExtractor, body);
    const field = record!.fields![1]!;
    const fileLine = body.split('\n')[1]!;
    expect(fileLine.slice(field.start, field.end)).toBe(PAN_A);
  });

  it('lines count the breaks inside quoted cells', async () => {
    const body = `a,b\n"x\ny\nz",1\nlast,2\n`;
    const out = await segments(csvExtractor, body);
    expect(out.map((s) => s.at.line)).toEqual([1, 2, 5]);
    expect(out.map((s) => s.at.row)).toEqual([1, 2, 3]);
  });

  it('no header names when the first record is data', async () => {
    const body = `Alice,${PAN_A},12/29\nBob,${PAN_B},01/30\n`;
    const out = await segments(csvExtractor, body);
    expect(out).toHaveLength(2);
    for (const segment of out) for (const field of segment.fields!) expect(field).not.toHaveProperty('name');
  });

  it('a header cell may be empty; cells beyond the header have no name', async () => {
    const out = await segments(csvExtractor, `,pan\n1,${PAN_A},extra\n`);
    expect(out[1]!.fields!.map((f) => f.name)).toEqual([undefined, 'pan', undefined]);
    expect(cellTexts(out[1]!)).toEqual(['1', PAN_A, 'extra']);
  });

  it('blank lines are counted as rows but not emitted; trailing delimiters give empty cells', async () => {
    const out = await segments(csvExtractor, `a,b\n\n1,2,\n`);
    expect(out.map((s) => s.at)).toEqual([
      { row: 1, line: 1 },
      { row: 3, line: 3 },
    ]);
    expect(cellTexts(out[1]!)).toEqual(['1', '2', '']);
  });

  it('last record without a line break, lone CR line ends', async () => {
    const out = await segments(csvExtractor, 'a,b\r1,2');
    expect(out.map((s) => s.text)).toEqual(['a,b', '1,2']);
  });

  it('sniffs the delimiter, ignoring delimiters inside quotes', () => {
    expect(sniffDelimiter('a;b;c\n1;2;3\n')).toBe(';');
    expect(sniffDelimiter('a\tb\n1\t2\n')).toBe('\t');
    expect(sniffDelimiter('a|b|c\n1|2|3\n')).toBe('|');
    expect(sniffDelimiter('"x,y";b\n"1,5";2\n')).toBe(';');
    expect(sniffDelimiter('a;b\n1,5;2,5\n3,5;4,5\n')).toBe(';');
    expect(sniffDelimiter('no delimiters here\n')).toBe(',');
  });

  it('splits semicolon CSV by the sniffed delimiter', async () => {
    const out = await segments(csvExtractor, `Name;Kartennummer\nMüller;${group(PAN_A, [4, 4, 4, 4])}\n`);
    expect(cellTexts(out[1]!)).toEqual(['Müller', group(PAN_A, [4, 4, 4, 4])]);
    expect(out[1]!.fields![1]!.name).toBe('Kartennummer');
  });

  it('TSV always splits on tabs', async () => {
    const out = await segments(tsvExtractor, `card,number\tpan\nx,y\t${PAN_A}\n`);
    expect(cellTexts(out[1]!)).toEqual(['x,y', PAN_A]);
    expect(out[1]!.fields![1]!.name).toBe('pan');
  });

  it('an unterminated quote does not swallow text: the rest is scanned as plain chunks', async () => {
    const body = `a,b\n1,"open\n${PAN_A}\n` + 'filler line\n'.repeat(10);
    const out = await segments(csvExtractor, body, context());
    // Short enough to stay one (runaway) record: all text present, nothing lost.
    expect(out.map((s) => s.text).join('\n')).toContain(PAN_A);
  });

  it('a record over the size bound turns the rest into plain line-aligned chunks', async () => {
    const huge = 'x'.repeat(MAX_RECORD_CHARS + 10);
    const body = `a,b\n1,2\n3,"${huge}\n${PAN_A}\n4,5\n`;
    const out = await segments(csvExtractor, body);
    expect(out[0]!.at).toEqual({ row: 1, line: 1 });
    expect(out[1]!.at).toEqual({ row: 2, line: 2 });
    const rest = out.slice(2);
    expect(rest.every((s) => s.fields === undefined)).toBe(true);
    expect(rest[0]!.at).toEqual({ line: 3, offset: 8 });
    expect(rest.map((s) => s.text).join('')).toBe(body.slice(8));
    const withPan = rest.find((s) => s.text.includes(PAN_A))!;
    expect(withPan.at.line! + withPan.text.slice(0, withPan.text.indexOf(PAN_A)).split('\n').length - 1).toBe(4);
  });

  it('maxCells: the rest of the file becomes plain text, nothing dropped', async () => {
    const body = `a,b\n1,2\n3,${PAN_A}\n5,6\n`;
    const items = await extractAll(csvExtractor, utf8(body), context({ limits: { maxCells: 5 } }));
    const out = segmentsOf(items);
    expect(out.slice(0, 2).map((s) => s.at.row)).toEqual([1, 2]);
    expect(out[2]).toEqual({ text: `3,${PAN_A}\n5,6\n`, at: { line: 3, offset: 8 } });
    expect(warnings(items)).toEqual([]);
  });

  it('honours an aborted signal', async () => {
    await expectAborted(csvExtractor, 'a,b\n');
  });
});

describe('json', () => {
  it('one field per string and number value, named by key; array items by the array key', async () => {
    const body = `{"customer": {"name": "Alice", "card": ${PAN_A}, "cards": ["${PAN_B}", ${PAN_C}]},\n "ok": true, "n": null, "tags": [[1.5e3]]}`;
    const [segment] = await segments(jsonExtractor, body);
    expect(segment!.text).toBe(body);
    expect(segment!.at).toEqual({ line: 1, offset: 0 });
    expect(segment!.fields!.map((f) => [f.name, body.slice(f.start, f.end)])).toEqual([
      ['name', 'Alice'],
      ['card', PAN_A],
      ['cards', PAN_B],
      ['cards', PAN_C],
      ['tags', '1.5e3'],
    ]);
  });

  it('keeps 19-digit numbers exactly as written', async () => {
    const pan19 = makePans(3, 9)[2]!.padEnd(19, '0');
    const body = `{"pan":${pan19}}`;
    const [segment] = await segments(jsonExtractor, body);
    const field = segment!.fields![0]!;
    expect(segment!.text.slice(field.start, field.end)).toBe(pan19);
  });

  it('decodes escapes in keys only; values keep their raw offsets', async () => {
    const body = '{"card\\u005fnumber": "a\\"b", "k\\"ey": "x"}';
    const [segment] = await segments(jsonExtractor, body);
    expect(segment!.text).toBe(body);
    expect(segment!.fields!.map((f) => [f.name, body.slice(f.start, f.end)])).toEqual([
      ['card_number', 'a\\"b'],
      ['k"ey', 'x'],
    ]);
  });

  it('NDJSON and comments', async () => {
    const body = `{"pan": "${PAN_A}"}\n// note\n{"pan": /* c */ "${PAN_B}"}\n`;
    const [segment] = await segments(jsonExtractor, body);
    expect(cellTexts(segment!)).toEqual([PAN_A, PAN_B]);
    expect(segment!.fields!.every((f) => f.name === 'pan')).toBe(true);
  });

  it('malformed input: fields stop where the tokenizer gets lost, the whole text is still scanned', async () => {
    const body = `{"a": "1", oops "b": "${PAN_A}"}`;
    const [segment] = await segments(jsonExtractor, body);
    expect(segment!.text).toBe(body);
    expect(segment!.fields!.map((f) => f.name)).toEqual(['a']);
    const reader = new JsonValueReader('{"a": tru}');
    expect(reader.next()).toBeUndefined();
  });

  it('deep nesting does not recurse and keeps naming', () => {
    const depth = 100_000;
    const text = '{"k":'.repeat(depth) + `"${PAN_A}"` + '}'.repeat(depth);
    const reader = new JsonValueReader(text);
    const value = reader.next()!;
    expect(text.slice(value.start, value.end)).toBe(PAN_A);
    expect(value.name).toBe('k');
    expect(reader.next()).toBeUndefined();
  });

  it('big JSON comes in line-aligned chunks with line and offset bases and chunk-relative fields', async () => {
    const record = (i: number) => `{"id": ${i}, "pan": "${PAN_A}", "pad": "${'p'.repeat(80)}"}`;
    const lines = Array.from({ length: 30_000 }, (_, i) => record(i));
    const body = lines.join('\n') + '\n';
    const out = await segments(jsonExtractor, body);
    expect(out.length).toBeGreaterThan(1);
    expect(out.map((s) => s.text).join('')).toBe(body);
    let offset = 0;
    let line = 1;
    let pans = 0;
    for (const segment of out) {
      expect(segment.at).toEqual({ line, offset });
      expect(segment.text.endsWith('\n')).toBe(true);
      for (const field of segment.fields!) {
        if (field.name === 'pan') {
          pans++;
          expect(segment.text.slice(field.start, field.end)).toBe(PAN_A);
        }
      }
      offset += segment.text.length;
      line += segment.text.split('\n').length - 1;
    }
    expect(pans).toBe(lines.length);
  });

  it('a value cut by a chunk boundary is named in both chunks', async () => {
    const longValue = 'v'.repeat(1_200_000);
    const body = `{"secret": "${longValue}"}`;
    const out = await segments(jsonExtractor, body);
    expect(out.length).toBe(2);
    const [a, b] = out.map((s) => s.fields![0]!);
    expect(a!.name).toBe('secret');
    expect(b!.name).toBe('secret');
    expect(a!.end - a!.start + (b!.end - b!.start)).toBe(longValue.length);
    expect(b!.start).toBe(0);
  });

  it('honours an aborted signal', async () => {
    await expectAborted(jsonExtractor, '{}');
  });
});

describe('xml', () => {
  it('text per element with entities decoded, attributes by name, line and column of the start', async () => {
    const body = [
      '<?xml version="1.0"?>',
      '<payment>',
      `  <card type="visa" number="${PAN_A}">`,
      `    <pan>${PAN_B}</pan>`,
      '    <holder>M&amp;M &#x41;&lt;</holder>',
      '  </card>',
      '</payment>',
    ].join('\n');
    const out = await segments(xmlExtractor, body);
    expect(out.map((s) => [s.fieldName, s.text, s.at])).toEqual([
      ['type', 'visa', { line: 3, column: 15 }],
      ['number', PAN_A, { line: 3, column: 29 }],
      ['pan', PAN_B, { line: 4, column: 10 }],
      ['holder', 'M&M A<', { line: 5, column: 13 }],
    ]);
  });

  it('a text run starting with an entity starts at the entity', async () => {
    const out = await segments(xmlExtractor, '<a>\n<b>&amp;x</b></a>');
    expect(out).toMatchObject([{ text: '&x', at: { line: 2, column: 4 }, fieldName: 'b' }]);
  });

  it('an attribute value starting with an entity starts after the quote', async () => {
    const out = await segments(xmlExtractor, `<a k = '&lt;${PAN_A}'/>`);
    expect(out).toMatchObject([{ text: `<${PAN_A}`, at: { line: 1, column: 9 }, fieldName: 'k' }]);
  });

  it('locate maps offsets in decoded text back to the file, past entities and line breaks', async () => {
    const body = `<r>\n  <note>A&amp;B &#x4e2d;\n   pan ${PAN_A}</note>\n  <v k="&quot;&lt;x&gt; ${PAN_B}"/>\n</r>`;
    const out = await segments(xmlExtractor, body);
    const where = (needle: string) => {
      const offset = body.indexOf(needle);
      const before = body.slice(0, offset).split('\n');
      return { line: before.length, column: before.at(-1)!.length + 1, offset };
    };
    const note = out.find((s) => s.fieldName === 'note')!;
    expect(note.text).toBe(`A&B \u4e2d\n   pan ${PAN_A}`);
    expect(note.locate!(note.text.indexOf(PAN_A))).toEqual(where(PAN_A));
    expect(note.locate!(note.text.indexOf('B'))).toEqual(where('B'));
    const value = out.find((s) => s.fieldName === 'k')!;
    expect(value.text).toBe(`"<x> ${PAN_B}`);
    expect(value.locate!(value.text.indexOf(PAN_B))).toEqual(where(PAN_B));
    expect(value.locate!(value.text.indexOf('x'))).toEqual(where('x&gt;'));
  });

  it('locate keeps what a caller adds to `at` of a copied segment', async () => {
    const [segment] = await segments(xmlExtractor, `<pan>${PAN_A}</pan>`);
    const rebased: Segment = { ...segment!, at: { ...segment!.at, entry: 'body.xml' } };
    expect(rebased.locate!(0)).toEqual({ entry: 'body.xml', line: 1, column: 6, offset: 5 });
  });

  it('CDATA is text of its element; comments are scanned too', async () => {
    const out = await segments(xmlExtractor, `<r><pan><![CDATA[${PAN_A}]]></pan><!-- old: ${PAN_B} --></r>`);
    expect(out.map((s) => [s.fieldName, s.text])).toEqual([
      ['pan', PAN_A],
      [undefined, ` old: ${PAN_B} `],
    ]);
  });

  it('does not expand DTD entities (billion laughs stays small)', async () => {
    const lol = [
      '<?xml version="1.0"?>',
      '<!DOCTYPE lolz [',
      ' <!ENTITY lol "lol">',
      ...Array.from({ length: 9 }, (_, i) => ` <!ENTITY lol${i + 1} "${`&lol${i ? i : ''};`.repeat(10)}">`),
      ']>',
      '<lolz>&lol9;</lolz>',
    ].join('\n');
    const out = await segments(xmlExtractor, lol);
    const total = out.reduce((n, s) => n + s.text.length, 0);
    expect(total).toBeLessThan(lol.length);
    expect(out.find((s) => s.fieldName === 'lolz')!.text).toBe('&lol9;');
  });

  it('survives 200 000 nested elements quickly and keeps the text', async () => {
    const depth = 200_000;
    const body = '<a>'.repeat(depth) + `<pan>${PAN_A}</pan>` + '</a>'.repeat(depth);
    const started = Date.now();
    const out = await segments(xmlExtractor, body);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(out).toEqual([expect.objectContaining({ text: PAN_A })]);
  });

  it('stops at maxTextChars with a warning', async () => {
    const body = `<r>${'<v>abcdefghij</v>'.repeat(10)}</r>`;
    const items = await extractAll(xmlExtractor, utf8(body), context({ limits: { maxTextChars: 25 } }));
    expect(segmentsOf(items).map((s) => s.text).join('')).toBe('abcdefghij'.repeat(2) + 'abcde');
    expect(warnings(items)).toEqual([expect.objectContaining({ code: 'limit' })]);
  });

  it('element names keep their case and namespace prefix', async () => {
    const out = await segments(xmlExtractor, `<x:Card><x:PAN>${PAN_A}</x:PAN></x:Card>`);
    expect(out[0]!.fieldName).toBe('x:PAN');
  });

  it('honours an aborted signal', async () => {
    await expectAborted(xmlExtractor, '<a/>');
  });
});

describe('html', () => {
  it('inline elements do not split a run; cells are joined with spaces; entities decoded', async () => {
    const body = [
      '<html><body>',
      `<p>Card&nbsp;number: <b>${PAN_A.slice(0, 8)}</b>${PAN_A.slice(8)}</p>`,
      `<table><tr><td>PAN</td><td>${PAN_B}</td></tr></table>`,
      '</body></html>',
    ].join('\n');
    const out = await segments(htmlExtractor, body);
    const texts = out.map((s) => s.text.trim());
    expect(texts).toContain(`Card\u00a0number: ${PAN_A}`);
    expect(texts).toContain(`PAN ${PAN_B}`);
    const p = out.find((s) => s.text.startsWith('Card'))!;
    expect(p.fieldName).toBe('p');
    expect(p.at).toEqual({ line: 2, column: 4 });
    // Offsets after the removed inline tags still point at the file.
    const tail = PAN_A.slice(8);
    const fileOffset = body.indexOf(`</b>${tail}`) + 4;
    expect(p.locate!(p.text.indexOf(PAN_A) + 8)).toEqual({ line: 2, column: fileOffset - body.indexOf('\n') , offset: fileOffset });
    expect(p.locate!(p.text.indexOf(PAN_A))).toMatchObject({ line: 2, column: body.indexOf(PAN_A.slice(0, 8)) - body.indexOf('\n') });
  });

  it('scans <script> and <style> contents without decoding entities there', async () => {
    const body = `<head><script>var cc = "${PAN_A}"; if (a &amp;&amp; b < c) {}</script><style>/* ${PAN_B} */</style></head>`;
    const out = await segments(htmlExtractor, body);
    expect(out.find((s) => s.fieldName === 'script')!.text).toBe(`var cc = "${PAN_A}"; if (a &amp;&amp; b < c) {}`);
    expect(out.find((s) => s.fieldName === 'style')!.text).toContain(PAN_B);
  });

  it('form values are named after the input they belong to', async () => {
    const body = `<form><input type="text" name="cardNumber" value="${PAN_A}"><input value="x" id="cvv"></form>`;
    const out = await segments(htmlExtractor, body);
    expect(out.find((s) => s.text === PAN_A)!.fieldName).toBe('cardNumber');
    expect(out.find((s) => s.text === 'x')!.fieldName).toBe('cvv');
    expect(out.find((s) => s.text === 'text')!.fieldName).toBe('type');
  });

  it('tag and attribute names are lower-cased', async () => {
    const out = await segments(htmlExtractor, `<DIV TITLE="t">x</DIV>`);
    expect(out.map((s) => s.fieldName)).toEqual(['title', 'div']);
  });

  it('unclosed paragraphs and void elements do not pile up or break naming', async () => {
    const body = '<div>' + '<p>one<br><img src=a.png>'.repeat(3000) + `<p>last ${PAN_A}</div>`;
    const out = await segments(htmlExtractor, body);
    const last = out.find((s) => s.text.includes(PAN_A))!;
    expect(last.fieldName).toBe('p');
  });

  it('malformed markup still yields its text', async () => {
    const out = await segments(htmlExtractor, `<p <b>x</p>< ${PAN_A} <<<`);
    expect(out.map((s) => s.text).join(' ')).toContain(PAN_A);
  });
});

describe('rtf', () => {
  it('drops control words and non-text destinations, keeps paragraphs and cells', async () => {
    const body = [
      '{\\rtf1\\ansi\\ansicpg1252\\deff0',
      '{\\fonttbl{\\f0\\fswiss Helvetica;}}',
      '{\\colortbl;\\red255\\green0\\blue0;}',
      '{\\stylesheet{\\s0 Normal;}}',
      '{\\*\\generator Riched20 10.0;}',
      '{\\info{\\title Payments}}',
      `\\pard\\f0\\fs20 Card:\\tab ${PAN_A}\\par`,
      `\\trowd\\cellx1000\\cellx2000 PAN\\cell ${PAN_B}\\cell\\row`,
      '{\\pict\\pngblip 89504e470d0a1a0a}',
      '{\\*\\fldinst HYPERLINK "http://example.com"}{\\fldrslt link}',
      '}',
    ].join('\n');
    const [segment] = await segments(rtfExtractor, body);
    expect(segment!.at).toEqual({});
    expect(segment!.text).toBe(`PaymentsCard:\t${PAN_A}\nPAN\t${PAN_B}\t\nlink`);
  });

  it("decodes \\'hh (cp1252 and the declared code page) and \\uN with its fallback skipped", () => {
    expect(rtfToText("{\\rtf1 M\\'fcller \\'80 \\'93q\\'94}", 1000).text).toBe('Müller € “q”');
    expect(rtfToText("{\\rtf1\\ansicpg1251 \\'ca\\'e0\\'f0\\'f2\\'e0}", 1000).text).toBe('Карта');
    // Double-byte code page: lead and trail byte decode together.
    expect(rtfToText("{\\rtf1\\ansicpg936 \\'c4\\'e3\\'ba\\'c3}", 1000).text).toBe('你好');
    expect(rtfToText('{\\rtf1 \\u20320?\\u22909? \\uc2\\u-3844??x}', 1000).text).toBe('你好 \uf0fcx');
    expect(rtfToText('{\\rtf1 \\u55348?\\u56606?}', 1000).text).toBe('𝄞');
  });

  it('escaped braces and backslashes, symbols, and \\bin payloads skipped whole', () => {
    expect(rtfToText('{\\rtf1 a\\{b\\}c\\\\d\\~e\\_f\\-g}', 1000).text).toBe('a{b}c\\d\u00a0e-fg');
    expect(rtfToText('{\\rtf1 before {\\object\\bin6 }{\\}\\x} after}', 1000).text).toBe('before  after');
  });

  it('deeply nested groups do not crash', () => {
    const depth = 100_000;
    const text = rtfToText('{\\rtf1 ' + '{'.repeat(depth) + PAN_A + '}'.repeat(depth) + ' end}', 1_000_000).text;
    expect(text).toBe(`${PAN_A} end`);
  });

  it('stops at maxTextChars with a warning', async () => {
    const items = await extractAll(rtfExtractor, utf8(`{\\rtf1 ${'abcdefghij'.repeat(5)}}`), context({ limits: { maxTextChars: 15 } }));
    expect(segmentsOf(items)[0]!.text).toBe('abcdefghijabcde');
    expect(warnings(items)).toEqual([expect.objectContaining({ code: 'limit' })]);
  });

  it('honours an aborted signal', async () => {
    await expectAborted(rtfExtractor, '{\\rtf1 x}');
  });
});

describe('robustness on arbitrary input (property-based)', () => {
  // No NUL: a NUL pattern would (rightly) make the decoder read the bytes as UTF-16.
  const text = fc.string({
    unit: fc.constantFrom('a', '1', ',', ';', '"', '\n', '\r', '\t', '{', '}', '[', ']', ':', '\\', '<', '>', '/', '&', '=', "'", ' ', '!', '-', '*', '?', 'é', '\u0001'),
    maxLength: 300,
  });

  it('csv: every record is a slice of the input, fields lie inside their record, no text is lost', async () => {
    await fc.assert(
      fc.asyncProperty(text, async (input) => {
        const out = await segments(csvExtractor, input);
        let from = 0;
        for (const segment of out) {
          const at = input.indexOf(segment.text, from);
          expect(at).toBeGreaterThanOrEqual(0);
          // Only line breaks (record separators) may be skipped between records.
          expect(input.slice(from, at)).toMatch(/^[\r\n]*$/);
          from = at + segment.text.length;
          for (const field of segment.fields ?? []) {
            expect(field.start).toBeGreaterThanOrEqual(0);
            expect(field.end).toBeGreaterThanOrEqual(field.start);
            expect(field.end).toBeLessThanOrEqual(segment.text.length);
          }
        }
        expect(input.slice(from)).toMatch(/^[\r\n]*$/);
      }),
      { numRuns: 300 },
    );
  });

  it('json: chunks concatenate to the input and fields stay inside their chunk', async () => {
    await fc.assert(
      fc.asyncProperty(text, async (input) => {
        const out = await segments(jsonExtractor, input);
        expect(out.map((s) => s.text).join('')).toBe(input);
        for (const segment of out) {
          for (const field of segment.fields ?? []) {
            expect(field.start).toBeGreaterThanOrEqual(0);
            expect(field.end).toBeLessThanOrEqual(segment.text.length);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('xml, html and rtf never throw and locate stays inside the file', async () => {
    await fc.assert(
      fc.asyncProperty(text, async (input) => {
        for (const extractor of [xmlExtractor, htmlExtractor]) {
          for (const segment of await segments(extractor, input)) {
            for (let offset = 0; offset < segment.text.length; offset++) {
              const where = segment.locate!(offset);
              expect(where.offset).toBeGreaterThanOrEqual(0);
              expect(where.offset).toBeLessThan(input.length);
            }
          }
        }
        await segments(rtfExtractor, `{\\rtf1 ${input}`);
      }),
      { numRuns: 300 },
    );
  });
});
