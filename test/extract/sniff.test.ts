import { describe, expect, it } from 'vitest';
import { oleStreamNames, sniff } from '../../src/extract/sniff.js';
import {
  concat,
  formatSamples,
  oleOf,
  randomBytes,
  tarOf,
  utf16be,
  utf16le,
  utf8,
  zipOf,
} from '../fixtures/textual.js';
import { rng } from '../support/cards.js';

const samples = formatSamples();

describe('sniff: every format from its own bytes', () => {
  for (const [format, sample] of Object.entries(samples)) {
    it(`${format} named as itself`, () => {
      expect(sniff(sample.bytes, { filename: sample.filename })).toBe(format);
    });
  }

  // Containers and binary formats are recognised by content alone; the text family needs a hint
  // or tell-tale content, which is checked separately below.
  const byContent = Object.keys(samples).filter((f) => !['csv', 'tsv'].includes(f));
  for (const format of byContent) {
    it(`${format} without any name`, () => {
      expect(sniff(samples[format]!.bytes)).toBe(format);
    });
  }
});

describe('sniff: content wins over the name', () => {
  it('a docx renamed .txt is docx', () => {
    expect(sniff(samples.docx!.bytes, { filename: 'report.txt' })).toBe('docx');
  });

  it('random bytes named .xlsx are binary, never a spreadsheet', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      expect(sniff(randomBytes(10_000, seed), { filename: 'book.xlsx' })).toBe('binary');
    }
  });

  it('plain text named .pdf is text', () => {
    expect(sniff(utf8('nothing to see here\n'), { filename: 'scan.pdf', mediaType: 'application/pdf' })).toBe('text');
  });

  it('a PDF named .txt or with junk before the header is still pdf', () => {
    expect(sniff(samples.pdf!.bytes, { filename: 'x.txt' })).toBe('pdf');
    expect(sniff(concat(utf8('x'.repeat(500) + '\n'), samples.pdf!.bytes))).toBe('pdf');
  });

  it('a zip or tar whose first member is a stored PDF stays an archive', () => {
    const pdf = new TextDecoder().decode(samples.pdf!.bytes);
    expect(sniff(zipOf([['scan.pdf', pdf]], ['scan.pdf']))).toBe('zip');
    expect(sniff(tarOf('scan.pdf', pdf))).toBe('tar');
  });

  it('`%PDF-` beyond the first KiB does not make a PDF', () => {
    expect(sniff(utf8('x'.repeat(2000) + '%PDF-1.4'))).toBe('text');
  });

  it('zip entries decide the office type whatever the extension', () => {
    expect(sniff(samples.xlsx!.bytes, { filename: 'a.docx' })).toBe('xlsx');
    expect(sniff(samples.odt!.bytes, { filename: 'a.zip' })).toBe('odt');
    expect(sniff(samples.zip!.bytes, { filename: 'a.docx' })).toBe('zip');
  });

  it('a zip without [Content_Types].xml is a plain zip even with word/ entries', () => {
    expect(sniff(zipOf([['word/document.xml', '<x/>']]))).toBe('zip');
  });

  it('an empty zip and a truncated zip are zip', () => {
    const empty = concat(Uint8Array.from([0x50, 0x4b, 0x05, 0x06]), new Uint8Array(18));
    expect(sniff(empty, { filename: 'e.docx' })).toBe('zip');
    const docx = samples.docx!.bytes;
    expect(sniff(docx.subarray(0, Math.floor(docx.length / 2)), { filename: 'cut.docx' })).toBe('zip');
  });

  it('an unknown ODF-style mimetype is a zip', () => {
    const epub = zipOf([['mimetype', 'application/epub+zip'], ['a.xhtml', '<html/>']], ['mimetype']);
    expect(sniff(epub)).toBe('zip');
  });
});

describe('sniff: OLE2 files', () => {
  it('reads the directory: Workbook → xls, __substg → msg, WordDocument → ole, whatever the name', () => {
    expect(sniff(samples.xls!.bytes, { filename: 'a.doc' })).toBe('xls');
    expect(sniff(samples.msg!.bytes, { filename: 'a.bin' })).toBe('msg');
    expect(sniff(samples.ole!.bytes, { filename: 'a.xls' })).toBe('ole');
  });

  it('lists stream names', () => {
    const names = oleStreamNames(oleOf([['WordDocument', new Uint8Array(10)], ['1Table', new Uint8Array(10)]]));
    expect(names).toEqual(expect.arrayContaining(['Root Entry', 'WordDocument', '1Table']));
  });

  it('encrypted OOXML (EncryptedPackage in OLE) goes to the OLE extractor', () => {
    const bytes = oleOf([
      ['EncryptionInfo', new Uint8Array(200)],
      ['EncryptedPackage', new Uint8Array(5000)],
    ]);
    expect(sniff(bytes, { filename: 'secret.xlsx' })).toBe('ole');
  });

  it('falls back to the extension or media type when the directory is unreadable', () => {
    const header = concat(Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), new Uint8Array(1016));
    expect(oleStreamNames(header)).toBeUndefined();
    expect(sniff(header, { filename: 'old.XLS' })).toBe('xls');
    expect(sniff(header, { filename: 'mail.msg' })).toBe('msg');
    expect(sniff(header, { mediaType: 'application/vnd.ms-excel' })).toBe('xls');
    expect(sniff(header, { filename: 'old.doc' })).toBe('ole');
    expect(sniff(header)).toBe('ole');
  });

  it('survives a directory chain that loops', () => {
    const bytes = oleOf([['WordDocument', new Uint8Array(10)]]).slice();
    const view = new DataView(bytes.buffer);
    const dir = view.getUint32(0x30, true);
    // Point the FAT entry of the directory sector at itself.
    const fat = view.getUint32(0x4c, true);
    view.setUint32((fat + 1) * 512 + dir * 4, dir, true);
    expect(oleStreamNames(bytes)).toBeUndefined();
    expect(sniff(bytes, { filename: 'x.msg' })).toBe('msg');
  });
});

describe('sniff: archives and mail', () => {
  it('old v7 tar without the ustar magic is found by its checksum', () => {
    const v7 = tarOf('notes.txt', 'hello', false);
    expect(sniff(v7)).toBe('tar');
    v7[148] = 0x37; // break the checksum
    expect(sniff(v7)).not.toBe('tar');
  });

  it('gzip needs the deflate method byte', () => {
    expect(sniff(Uint8Array.from([0x1f, 0x8b, 0x07, 0, 0, 0]))).toBe('binary');
  });

  it('eml needs two known headers and nothing but headers before the blank line', () => {
    expect(sniff(utf8('From: a@example.com\nSubject: x\n\nbody'), { filename: 'notes.txt' })).toBe('eml');
    expect(sniff(utf8('Subject: x\n  continued\nMessage-ID: <1@x>\n\nbody'))).toBe('eml');
    expect(sniff(utf8('Subject: card numbers\nthis is a note\nTo: me\n\nbody'))).toBe('text');
    expect(sniff(utf8('Subject: x\nX-Custom: y\n\nbody'))).toBe('text');
  });

  it('mbox needs a header line after the From_ line', () => {
    expect(sniff(utf8('From the desk of Bob\nplease pay\n'))).toBe('text');
  });
});

describe('sniff: text family', () => {
  it('picks csv/tsv/json/xml/html/text by extension, case-insensitive, paths included', () => {
    const body = utf8('a,b\n1,2\n');
    expect(sniff(body, { filename: '/data/export.CSV' })).toBe('csv');
    expect(sniff(body, { filename: 'C:\\x\\t.tsv' })).toBe('tsv');
    expect(sniff(body, { filename: 'x.jsonl' })).toBe('json');
    expect(sniff(body, { filename: 'x.svg' })).toBe('xml');
    expect(sniff(body, { filename: 'x.htm' })).toBe('html');
    expect(sniff(body, { filename: 'x.log' })).toBe('text');
    expect(sniff(body, { filename: 'x.constructor' })).toBe('text');
  });

  it('then by media type (parameters ignored)', () => {
    const body = utf8('a;b\n');
    expect(sniff(body, { mediaType: 'text/csv; charset=utf-8' })).toBe('csv');
    expect(sniff(body, { mediaType: 'application/ld+json' })).toBe('json');
    expect(sniff(body, { mediaType: 'application/atom+xml' })).toBe('xml');
    expect(sniff(body, { mediaType: 'TEXT/HTML' })).toBe('html');
    expect(sniff(body, { filename: 'a.txt', mediaType: 'text/csv' })).toBe('text');
  });

  it('then by content', () => {
    expect(sniff(utf8('  \n<?xml version="1.0"?><r/>'))).toBe('xml');
    expect(sniff(utf8('<!doctype HTML>\n<p>x'))).toBe('html');
    expect(sniff(utf8('<html><body/></html>'))).toBe('html');
    expect(sniff(utf8('[{"a": 1}]'))).toBe('json');
    expect(sniff(utf8('{\n  "a": 1\n}'))).toBe('json');
    expect(sniff(utf8('[1, 2]'))).toBe('json');
    expect(sniff(utf8('[true]'))).toBe('json');
    expect(sniff(utf8('[network]\nhost=x\n'))).toBe('text');
    expect(sniff(utf8('{ not json }'))).toBe('text');
    expect(sniff(new Uint8Array(0))).toBe('text');
  });

  it('UTF-16 with BOM, and without BOM by its NUL pattern, is text (and its content is read)', () => {
    expect(sniff(utf16le('card 4111 1111 1111 1111\n', true))).toBe('text');
    expect(sniff(utf16le('card 4111 1111 1111 1111\n'))).toBe('text');
    expect(sniff(utf16be('card 4111 1111 1111 1111\n'))).toBe('text');
    expect(sniff(utf16le('<?xml version="1.0"?><a/>'))).toBe('xml');
    expect(sniff(utf16le('a,b\n1,2\n'), { filename: 'x.csv' })).toBe('csv');
  });

  it('UTF-8 and Windows-1252 text with accents is text; NULs or many control bytes are binary', () => {
    expect(sniff(utf8('Kartennummer für Müller: siehe unten\n'))).toBe('text');
    expect(sniff(Uint8Array.from([0x93, 0x68, 0x69, 0x94, 0x20, 0x80, 0x0a]))).toBe('text');
    expect(sniff(utf8('log line \u001b[31mred\u001b[0m\n'))).toBe('text');
    expect(sniff(concat(utf8('hello world'), Uint8Array.from([0]), utf8('more')))).toBe('binary');
    const controls = utf8('abcdefghij'.repeat(10));
    for (let i = 0; i < controls.length; i += 8) controls[i] = 0x01;
    expect(sniff(controls)).toBe('binary');
  });
});

describe('sniff: damaged input never throws', () => {
  it('truncated and byte-flipped samples of every format give some format id', () => {
    const random = rng(11);
    for (const sample of Object.values(samples)) {
      for (let i = 0; i < 40; i++) {
        const bytes = sample.bytes.slice(0, Math.floor(random() * (sample.bytes.length + 1)));
        for (let k = 0; k < 4 && bytes.length > 0; k++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
        expect(typeof sniff(bytes, { filename: sample.filename })).toBe('string');
      }
    }
  });
});
