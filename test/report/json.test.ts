import { describe, expect, it } from 'vitest';
import { createReporter } from '../../src/report/index.js';
import type { Finding, ScanEvent } from '../../src/types.js';
import { render } from './helpers.js';
import { error, finding, overfedFinding, progress, SAMPLE_EVENTS, summary, TEXT_FINDING } from './sample-events.js';

describe('json reporter', () => {
  it('buffers events and writes one document at the end', () => {
    const reporter = createReporter('json');
    for (const event of SAMPLE_EVENTS) expect(reporter.write(event)).toBe('');
    const doc = JSON.parse(reporter.end());
    expect(Object.keys(doc)).toEqual(['version', 'findings', 'errors', 'summary']);
    expect(doc.version).toBe(1);
    const findings = SAMPLE_EVENTS.filter((event) => event.type === 'finding');
    expect(doc.findings.map((f: Finding) => f.fingerprint)).toEqual(findings.map((f) => f.fingerprint));
    expect(doc.errors.map((e: { path: string }) => e.path)).toEqual(['share/secret.zip', '@evil,"x".docx', '-rf share.pdf']);
    expect(doc.summary).toEqual(summary());
  });

  it('is pretty-printed with two spaces and ends with a newline', () => {
    const out = render('json', [finding()]);
    expect(out.split('\n')[1]).toBe('  "version": 1,');
    expect(out.endsWith('}\n')).toBe(true);
  });

  it('keeps findings and errors as data, equal to the events', () => {
    const events: ScanEvent[] = [finding(), TEXT_FINDING, error({ location: { entry: 'x/y.xml' } })];
    const doc = JSON.parse(render('json', events));
    expect(doc.findings).toEqual([finding(), TEXT_FINDING]);
    expect(doc.errors).toEqual([error({ location: { entry: 'x/y.xml' } })]);
    expect(doc.findings[1]).not.toHaveProperty('path');
    expect(doc.findings[0]).not.toHaveProperty('expiry');
  });

  it('writes summary null when the stream had none, and leaves progress out', () => {
    const doc = JSON.parse(render('json', [progress]));
    expect(doc).toEqual({ version: 1, findings: [], errors: [], summary: null });
  });

  it('copies only contract fields, whatever an event object carries at run time', () => {
    const out = render('json', [overfedFinding()]);
    expect(out).not.toMatch(/4111111111111111|snippet|cvvValue|12\/29/);
    expect(JSON.parse(out).findings[0].expiry).toEqual({ present: true, location: { line: 1, column: 30 } });
  });
});

describe('ndjson reporter', () => {
  it('writes each finding, error and summary as one line as it arrives', () => {
    const reporter = createReporter('ndjson');
    const written = SAMPLE_EVENTS.map((event) => reporter.write(event));
    expect(reporter.end()).toBe('');
    SAMPLE_EVENTS.forEach((event, i) => {
      if (event.type === 'progress') return expect(written[i]).toBe('');
      expect(written[i]).toMatch(/^[^\n]+\n$/);
      expect(JSON.parse(written[i]!)).toEqual(event);
    });
  });

  it('keeps newlines in paths inside their line', () => {
    const out = render('ndjson', [finding({ path: 'a\nb\r\n.txt' }), error({ message: 'x\ny' })]);
    const lines = out.split('\n');
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[0]!).path).toBe('a\nb\r\n.txt');
  });

  it('copies only contract fields', () => {
    expect(render('ndjson', [overfedFinding()])).not.toMatch(/4111111111111111|snippet|cvvValue|12\/29/);
  });
});
