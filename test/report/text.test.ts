import { describe, expect, it } from 'vitest';
import { formatLocation } from '../../src/report/text.js';
import { error, finding, SAMPLE_EVENTS, summary, TEXT_FINDING } from './sample-events.js';
import { render } from './helpers.js';

const lines = (text: string): string[] => text.split('\n');

describe('text reporter', () => {
  it('prints a header when the path changes, then one indented line per finding', () => {
    const out = render('text', [
      finding({ path: 'a.txt' }),
      finding({ path: 'a.txt', location: { line: 7, column: 2 } }),
      finding({ path: 'b.txt' }),
      finding({ path: 'a.txt' }),
    ]);
    expect(lines(out).filter((line) => /^[ab]\.txt$/.test(line))).toEqual(['a.txt', 'b.txt', 'a.txt']);
    expect(lines(out).filter((line) => line.startsWith('  '))).toHaveLength(4);
    expect(out).toContain('  7:2  ');
  });

  it('shows the location, kind, brand, masked PAN, confidence and score of a finding', () => {
    const out = render('text', [finding({ kind: 'track2', brand: 'mastercard', masked: '542418******0022', confidence: 'medium', score: 0.714 })]);
    expect(lines(out)[1]).toMatch(/^ {2}4:17 +track2 +mastercard +542418\*{6}0022 +medium 0\.71$/);
  });

  it('marks expiry, CVV and test cards only when present', () => {
    const plain = render('text', [finding()]);
    expect(plain).not.toMatch(/expiry|cvv|test-card/);
    const marked = render('text', [
      finding({
        expiry: { present: true, location: { line: 4, column: 37 } },
        cvv: { present: true, location: { line: 4, column: 48 } },
        testCard: true,
      }),
    ]);
    expect(lines(marked)[1]).toMatch(/ {2}expiry cvv test-card$/);
  });

  it('names text without a path and stdin', () => {
    expect(lines(render('text', [TEXT_FINDING]))[0]).toBe('<text>');
    expect(lines(render('text', [finding({ path: '-' })]))[0]).toBe('<stdin>');
  });

  it('writes errors as "path: error code: message", with the location when known', () => {
    const out = render('text', [error(), error({ path: 'x.zip', location: { entry: 'a/b.docx' }, code: 'corrupt', message: 'bad zip' })]);
    expect(lines(out)).toEqual(['share/secret.zip: error encrypted: archive is password-protected', 'x.zip (a/b.docx): error corrupt: bad zip', '']);
  });

  it('keeps an error after a group visually apart from it', () => {
    const out = render('text', [finding({ path: 'a.txt' }), error({ path: 'b.zip' }), finding({ path: 'a.txt' })]);
    expect(lines(out)[2]).toBe('');
    expect(lines(out)[3]).toMatch(/^b\.zip: error/);
    expect(lines(out).filter((line) => line === 'a.txt')).toHaveLength(2);
  });

  it('escapes control and bidi characters from file names and messages', () => {
    const out = render('text', [
      finding({ path: 'a\nforged line\u001b[2J\u202etxt.exe' }),
      error({ path: 'b\r.zip', message: 'bad\u0007' }),
    ]);
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202e]/);
    expect(lines(out)[0]).toBe('a\\u{a}forged line\\u{1b}[2J\\u{202e}txt.exe');
    expect(out).toContain('b\\u{d}.zip: error encrypted: bad\\u{7}');
  });

  it('uses ANSI colours only when asked', () => {
    expect(render('text', SAMPLE_EVENTS)).not.toContain('\u001b');
    const coloured = render('text', SAMPLE_EVENTS, { color: true });
    expect(coloured).toContain('\u001b[1mshare/payments.txt\u001b[0m');
    expect(coloured).toContain('\u001b[1;31mhigh  \u001b[0m');
    expect(coloured.replace(/\u001b\[[0-9;]*m/g, '')).toBe(render('text', SAMPLE_EVENTS));
  });

  describe('summary', () => {
    const block = (overrides: Parameters<typeof summary>[0]): string => render('text', [summary(overrides)]);

    it('lists files, bytes, counts, errors, skipped and duration', () => {
      const out = block({ durationMs: 61_500 });
      expect(out).toContain('  files:      9\n');
      expect(out).toContain('  bytes:      3565123 (3.4 MiB)\n');
      expect(out).toContain('  findings:   10 (high 3, medium 4, low 3)\n');
      expect(out).toContain('  brands:     visa 5, mastercard 2, amex 1, discover 1, jcb 1\n');
      expect(out).toContain('  kinds:      pan 8, track1 1, track2 1\n');
      expect(out).toContain('  errors:     3\n');
      expect(out).toContain('  skipped:    2\n');
      expect(out).toContain('  duration:   61.5 s\n');
    });

    it('shows zero confidence counts and leaves out empty brand and kind lines', () => {
      const out = block({ findings: 0, byConfidence: {}, byBrand: {}, byKind: {}, bytes: 512, durationMs: 12.4 });
      expect(out).toContain('findings:   0 (high 0, medium 0, low 0)');
      expect(out).not.toMatch(/brands:|kinds:/);
      expect(out).toContain('bytes:      512\n');
      expect(out).toContain('duration:   12 ms\n');
    });

    it('says complete, INCOMPLETE or aborted', () => {
      expect(block({ complete: true, errors: 0 })).toContain('status:     complete\n');
      expect(block({ complete: false })).toContain('status:     INCOMPLETE (some input could not be read)\n');
      expect(block({ complete: false, aborted: true })).toContain('status:     INCOMPLETE (aborted)\n');
    });

    it('warns that random-key fingerprints cannot be compared across runs', () => {
      expect(block({ fingerprintKey: 'random' })).toMatch(/not comparable across runs.*CARDHOUND_FINGERPRINT_KEY/);
      expect(block({ fingerprintKey: 'env' })).not.toContain('CARDHOUND_FINGERPRINT_KEY');
      expect(block({ fingerprintKey: 'option' })).not.toContain('CARDHOUND_FINGERPRINT_KEY');
    });

    it('is set apart from findings by a blank line', () => {
      expect(render('text', [finding(), summary()])).toMatch(/1111 +high +0\.93\n\nSummary\n/);
      expect(block({}).startsWith('Summary\n')).toBe(true);
    });
  });
});

describe('formatLocation', () => {
  it.each([
    [{ line: 4, column: 17, offset: 83 }, '4:17'],
    [{ line: 4 }, 'line 4'],
    [{ offset: 120 }, 'offset 120'],
    [{ page: 3, line: 2, column: 1 }, 'page 3 2:1'],
    [{ sheet: 'Sheet1', cell: 'C12', row: 12 }, 'Sheet1!C12'],
    [{ sheet: "Bob's cards", cell: 'A1' }, "'Bob''s cards'!A1"],
    [{ sheet: 'Übersicht' }, 'Übersicht'],
    [{ row: 5 }, 'row 5'],
    [{ row: 5, line: 5, column: 3 }, '5:3'],
    [{ entry: 'a.zip!/b/c.docx', page: 2 }, 'a.zip!/b/c.docx page 2'],
    [{}, '-'],
  ])('%j → %s', (location, expected) => {
    expect(formatLocation(location)).toBe(expected);
  });
});
