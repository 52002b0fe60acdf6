import { describe, expect, it } from 'vitest';
import {
  createStreamDecoder,
  decodeBounded,
  decodeText,
  detectUtf16,
  type StreamDecoder,
} from '../../src/extract/decode.js';
import { ExtractError } from '../../src/errors.js';
import { concat, utf16be, utf16le, utf8 } from '../fixtures/textual.js';

/** ASCII, 2-, 3- and 4-byte UTF-8 sequences, and a surrogate pair in UTF-16. */
const MIXED = 'Card № 4111 1111 1111 1111 — Müller € 𝄞 日本 ok';

const ENCODINGS: ReadonlyArray<{ name: string; bytes: Uint8Array; encoding: string }> = [
  { name: 'UTF-8', bytes: utf8(MIXED), encoding: 'utf-8' },
  { name: 'UTF-8 with BOM', bytes: concat(Uint8Array.from([0xef, 0xbb, 0xbf]), utf8(MIXED)), encoding: 'utf-8' },
  { name: 'UTF-16LE with BOM', bytes: utf16le(MIXED, true), encoding: 'utf-16le' },
  { name: 'UTF-16BE with BOM', bytes: utf16be(MIXED, true), encoding: 'utf-16be' },
  { name: 'UTF-16LE without BOM', bytes: utf16le(MIXED), encoding: 'utf-16le' },
  { name: 'UTF-16BE without BOM', bytes: utf16be(MIXED), encoding: 'utf-16be' },
];

function streamAll(decoder: StreamDecoder, chunks: readonly Uint8Array[]): string {
  let out = '';
  chunks.forEach((chunk, i) => (out += decoder.decode(chunk, i === chunks.length - 1)));
  return out;
}

describe('decodeText', () => {
  for (const { name, bytes, encoding } of ENCODINGS) {
    it(`${name}: exact text, BOM stripped`, () => {
      expect(decodeText(bytes)).toEqual({ text: MIXED, encoding });
    });
  }

  it('invalid UTF-8 falls back to Windows-1252, including 0x80–0x9F', () => {
    const bytes = Uint8Array.from([0x93, 0x34, 0x31, 0x94, 0x20, 0x80, 0x20, 0xe9, 0x20, 0x9f]);
    expect(decodeText(bytes)).toEqual({ text: '\u201c41\u201d \u20ac \u00e9 \u0178', encoding: 'windows-1252' });
  });

  it('UTF-8 with a stray byte stays UTF-8; Windows-1252 text with accents stays Windows-1252', () => {
    // A cut record or a pasted Latin-1 byte in a UTF-8 export: its full-width digits and accented
    // words must survive, with one replacement character for the stray byte.
    const mostly = concat(utf8(`${MIXED} Größe `.repeat(3)), Uint8Array.from([0xe9]), utf8(' ４１１１ fin'));
    const decoded = decodeText(mostly);
    expect(decoded.encoding).toBe('utf-8');
    expect(decoded.text).toBe(`${MIXED} Größe `.repeat(3) + '\ufffd ４１１１ fin');
    // Real Windows-1252: every non-ASCII byte is invalid as UTF-8.
    const latin = Uint8Array.from([...utf8('Gr'), 0xf6, 0xdf, 0x65, 0x20, 0x63, 0x61, 0x66, 0xe9, 0x20, 0x80, 0x20, 0x93, 0x34, 0x94]);
    expect(decodeText(latin)).toEqual({ text: 'Größe café € \u201c4\u201d', encoding: 'windows-1252' });
    // The streaming decoder decides the same way from its first chunk.
    expect(createStreamDecoder(mostly).encoding).toBe('utf-8');
    expect(createStreamDecoder(latin).encoding).toBe('windows-1252');
  });

  it('UTF-8-encoded surrogates (invalid UTF-8) do not throw', () => {
    const bytes = concat(utf8('ab '), Uint8Array.from([0xed, 0xa0, 0x80]), utf8(' cd'));
    const { text, encoding } = decodeText(bytes);
    expect(encoding).toBe('windows-1252');
    expect(text.startsWith('ab ')).toBe(true);
    expect(text.endsWith(' cd')).toBe(true);
  });

  it('lone surrogates in UTF-16 do not throw and leave the rest intact', () => {
    const bytes = utf16le('ab \ud800 cd \udfff ef', true);
    const { text } = decodeText(bytes);
    expect(text.replace(/[\ud800-\udfff\ufffd]/g, '?')).toBe('ab ? cd ? ef');
  });

  it('empty input is empty UTF-8', () => {
    expect(decodeText(new Uint8Array(0))).toEqual({ text: '', encoding: 'utf-8' });
  });
});

describe('detectUtf16', () => {
  it('needs the NUL pattern, not just NULs', () => {
    expect(detectUtf16(utf16le('hello world'))).toBe('utf-16le');
    expect(detectUtf16(utf16be('hello world'))).toBe('utf-16be');
    expect(detectUtf16(new Uint8Array(100))).toBeUndefined();
    expect(detectUtf16(utf8('hello world'))).toBeUndefined();
    expect(detectUtf16(Uint8Array.from([0x41, 0]))).toBeUndefined();
  });

  it('finds UTF-16LE whose text is mostly non-Latin but has digits and spaces', () => {
    expect(detectUtf16(utf16le('Номер карты: 4111 1111 1111 1111'))).toBe('utf-16le');
  });
});

describe('createStreamDecoder', () => {
  for (const { name, bytes, encoding } of ENCODINGS) {
    it(`${name}: every two-way split gives the same text`, () => {
      for (let cut = 0; cut <= bytes.length; cut++) {
        const decoder = createStreamDecoder(bytes);
        expect(decoder.encoding).toBe(encoding);
        const text = streamAll(decoder, [bytes.subarray(0, cut), bytes.subarray(cut)]);
        expect(text, `cut at ${cut}`).toBe(MIXED);
      }
    });
  }

  it('UTF-8: one byte per chunk still gives the same text', () => {
    const bytes = concat(Uint8Array.from([0xef, 0xbb, 0xbf]), utf8(MIXED));
    const decoder = createStreamDecoder(bytes);
    expect(decoder.bomLength).toBe(3);
    const chunks = Array.from(bytes, (b) => Uint8Array.of(b));
    expect(streamAll(decoder, chunks)).toBe(MIXED);
  });

  it('UTF-16LE: one byte per chunk gives the same text', () => {
    const bytes = utf16le(MIXED, true);
    const decoder = createStreamDecoder(bytes);
    expect(decoder.bomLength).toBe(2);
    expect(streamAll(decoder, Array.from(bytes, (b) => Uint8Array.of(b)))).toBe(MIXED);
  });

  it('a first chunk cut inside a multi-byte sequence is still UTF-8', () => {
    const bytes = utf8('x'.repeat(50) + '€uro');
    for (let cut = 51; cut <= 53; cut++) {
      expect(createStreamDecoder(bytes.subarray(0, cut)).encoding).toBe('utf-8');
    }
  });

  it('an invalid first chunk selects Windows-1252 for the whole stream', () => {
    const first = Uint8Array.from([0x43, 0x61, 0x72, 0x64, 0x20, 0x80, 0x20]);
    const decoder = createStreamDecoder(first);
    expect(decoder.encoding).toBe('windows-1252');
    expect(streamAll(decoder, [first, Uint8Array.from([0x93, 0x94])])).toBe('Card € \u201c\u201d');
  });

  it('a lone lead byte at the very end is flushed as a replacement, not thrown', () => {
    const bytes = concat(utf8('abc'), Uint8Array.from([0xe2, 0x82]));
    const decoder = createStreamDecoder(bytes);
    expect(decoder.encoding).toBe('utf-8');
    const text = streamAll(decoder, [bytes]);
    expect(text.startsWith('abc')).toBe(true);
    expect(text.slice(3)).toMatch(/^\ufffd+$/);
  });
});

describe('decodeBounded', () => {
  it('returns everything when within the limit', () => {
    expect(decodeBounded(utf8('hello'), 5)).toEqual({ text: 'hello', encoding: 'utf-8', truncated: false });
  });

  it('truncates to maxChars and says so', () => {
    const bytes = utf8('a'.repeat(3 * 1024 * 1024));
    const result = decodeBounded(bytes, 1_500_000);
    expect(result.truncated).toBe(true);
    expect(result.text.length).toBe(1_500_000);
  });

  it('counts characters, not bytes: multi-byte text over the byte count but under the limit is whole', () => {
    const text = '€'.repeat(1_200_000);
    const result = decodeBounded(utf8(text), 2_000_000);
    expect(result.truncated).toBe(false);
    expect(result.text).toBe(text);
  });

  it('never ends in half a surrogate pair', () => {
    const text = '𝄞'.repeat(1_000_000);
    const result = decodeBounded(utf8(text), 1_000_001);
    expect(result.truncated).toBe(true);
    expect(result.text.length).toBe(1_000_000);
    expect(result.text.endsWith('𝄞')).toBe(true);
  });

  it('throws ExtractError aborted when the signal has fired', () => {
    const controller = new AbortController();
    controller.abort();
    expect(() => decodeBounded(utf8('x'), 10, controller.signal)).toThrow(ExtractError);
    try {
      decodeBounded(utf8('x'), 10, controller.signal);
    } catch (error) {
      expect((error as ExtractError).code).toBe('aborted');
    }
  });
});
