import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS } from '../../src/report/csv.js';
import { createReporter } from '../../src/report/index.js';
import type { Finding, ScanErrorRecord } from '../../src/types.js';
import { render } from './helpers.js';
import { error, finding, overfedFinding, progress, SAMPLE_EVENTS, summary, TEXT_FINDING } from './sample-events.js';

/**
 * A strict RFC 4180 reader: records end with CRLF, a field is either quoted (quotes doubled
 * inside) or free of `"`, `,`, CR and LF. Anything else throws, so a broken row cannot pass.
 */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let i = 0;
  while (i < text.length) {
    const row: string[] = [];
    for (;;) {
      let field = '';
      if (text[i] === '"') {
        i++;
        for (;;) {
          if (i >= text.length) throw new Error('unterminated quoted field');
          if (text[i] !== '"') field += text[i++];
          else if (text[i + 1] === '"') (field += '"'), (i += 2);
          else break;
        }
        i++;
      } else {
        while (i < text.length && !',\r\n'.includes(text[i]!)) {
          if (text[i] === '"') throw new Error(`quote inside an unquoted field at ${i}`);
          field += text[i++];
        }
      }
      row.push(field);
      if (text[i] === ',') i++;
      else if (text.startsWith('\r\n', i)) {
        i += 2;
        break;
      } else throw new Error(`expected "," or CRLF at ${i}`);
    }
    rows.push(row);
  }
  return rows;
}

type Record = { readonly [column: string]: string };

function records(output: string): Record[] {
  const [header, ...rows] = parseCsv(output);
  expect(header).toEqual([...CSV_COLUMNS]);
  return rows.map((row) => {
    expect(row).toHaveLength(CSV_COLUMNS.length);
    return Object.fromEntries(CSV_COLUMNS.map((column, i) => [column, row[i]!]));
  });
}

const FORMULA_START = /^[=+\-@\t\r]/;

describe('csv reporter', () => {
  it('writes a header and one row per finding and error, CRLF-terminated', () => {
    const out = render('csv', SAMPLE_EVENTS);
    const rows = records(out);
    expect(rows.map((row) => row.type)).toEqual([...Array(8).fill('finding'), 'error', 'error', 'error']);
    expect(out.replace(/"(?:[^"]|"")*"/g, '').match(/\n/g)).toHaveLength(rows.length + 1);
    expect(out.replace(/"(?:[^"]|"")*"/g, '')).not.toMatch(/[^\r]\n/);
  });

  it('fills the finding columns', () => {
    const [row] = records(
      render('csv', [
        finding({
          location: { entry: 'a.zip!/b.xlsx', sheet: 'Q3', cell: 'C12', row: 12 },
          cvv: { present: true, location: { sheet: 'Q3', cell: 'D12' } },
          testCard: true,
        }),
      ]),
    );
    expect(row).toMatchObject({
      type: 'finding',
      path: 'share/payments.txt',
      entry: 'a.zip!/b.xlsx',
      page: '',
      sheet: 'Q3',
      cell: 'C12',
      row: '12',
      line: '',
      kind: 'pan',
      brand: 'visa',
      masked: '411111******1111',
      bin: '411111',
      last4: '1111',
      length: '16',
      confidence: 'high',
      score: '0.93',
      expiry: 'false',
      cvv: 'true',
      testCard: 'true',
      fingerprint: finding().fingerprint,
      reasons: 'luhn brand:visa keyword:card@-12',
      errorCode: '',
      errorMessage: '',
    });
  });

  it('writes errors with their code and message in dedicated columns', () => {
    const [row] = records(render('csv', [error({ location: { entry: 'inner.docx' } })]));
    expect(row).toMatchObject({ type: 'error', path: 'share/secret.zip', entry: 'inner.docx', errorCode: 'encrypted', errorMessage: 'archive is password-protected' });
    expect(row!.masked).toBe('');
    expect(row!.kind).toBe('');
  });

  it('leaves the path empty for text without one, and writes no summary or progress row', () => {
    const rows = records(render('csv', [TEXT_FINDING, progress, summary()]));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.path).toBe('');
  });

  it('writes the header even when there is nothing else', () => {
    expect(render('csv', [])).toBe(`${CSV_COLUMNS.join(',')}\r\n`);
    const reporter = createReporter('csv');
    expect(reporter.write(finding()).startsWith('type,path,')).toBe(true);
    expect(reporter.write(finding()).startsWith('finding,')).toBe(true);
    expect(reporter.end()).toBe('');
  });

  it('quotes fields with commas, quotes and line breaks, doubling quotes', () => {
    const out = render('csv', [finding({ path: 'a, "b"\r\nc.txt' })]);
    expect(out).toContain(',"a, ""b""\r\nc.txt",');
    expect(records(out)[0]!.path).toBe('a, "b"\r\nc.txt');
  });

  it.each(['=1+2', '+1', '-2', '@SUM(A1)', '\tx', '\rx', "=cmd|' /C calc'!A0", '-'])('defuses a cell starting %j', (path) => {
    const [row] = records(render('csv', [error({ path, message: path })]));
    expect(row!.path).toBe(`'${path}`);
    expect(row!.errorMessage).toBe(`'${path}`);
  });

  it.each(['a=b', ' =1', "'quoted", 'x-y'])('leaves %j alone', (path) => {
    expect(records(render('csv', [error({ path })]))[0]!.path).toBe(path);
  });

  it('copies only its columns', () => {
    expect(render('csv', [overfedFinding()])).not.toMatch(/4111111111111111|12\/29|123/);
  });

  it('keeps its row shape and defuses formulas for any path, entry, sheet and message (property)', () => {
    const tricky = fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\n', '\r\n', '"', ',', "'", ' ', '\u0000', '\u2028');
    const text = fc.string({ unit: fc.oneof(tricky, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 12 });
    const event = fc.oneof(
      fc.record({ path: text, entry: text, sheet: text }).map(({ path, entry, sheet }): Finding | ScanErrorRecord =>
        finding({ path, location: { entry, sheet, cell: 'B2', row: 2 } }),
      ),
      fc.record({ path: text, entry: text, message: text }).map(({ path, entry, message }): Finding | ScanErrorRecord =>
        error({ path, message, location: { entry } }),
      ),
    );
    fc.assert(
      fc.property(fc.array(event, { maxLength: 6 }), (events) => {
        const rows = records(render('csv', events));
        expect(rows).toHaveLength(events.length);
        rows.forEach((row, i) => {
          for (const value of Object.values(row)) expect(value).not.toMatch(FORMULA_START);
          const source = events[i]!;
          const restore = (cell: string, original: string): string => (FORMULA_START.test(original) ? cell.slice(1) : cell);
          expect(restore(row.path!, source.path ?? '')).toBe(source.path);
          if (source.type === 'error') expect(restore(row.errorMessage!, source.message)).toBe(source.message);
          else expect(restore(row.sheet!, source.location.sheet!)).toBe(source.location.sheet);
        });
      }),
      { numRuns: 300 },
    );
  });
});
