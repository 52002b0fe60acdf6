import { describe, expect, it } from 'vitest';
import { createReporter, REPORT_FORMATS, type ReportFormat } from '../../src/report/index.js';
import { finding, progress, summary } from './sample-events.js';

describe('reporter registry', () => {
  it('offers the five documented formats', () => {
    expect([...REPORT_FORMATS].sort()).toEqual(['csv', 'json', 'ndjson', 'sarif', 'text']);
    expect(Object.isFrozen(REPORT_FORMATS)).toBe(true);
  });

  it.each(['xml', 'toString', '__proto__', 'constructor', ''])('rejects unknown format %j as a usage error', (format) => {
    expect(() => createReporter(format as ReportFormat)).toThrow(TypeError);
    expect(() => createReporter(format as ReportFormat)).toThrow(/expected one of: text, json, ndjson, csv, sarif/);
  });

  it.each(REPORT_FORMATS)('%s ignores progress events', (format) => {
    const reporter = createReporter(format);
    expect(reporter.write(progress)).toBe('');
    expect(reporter.end()).toBe(createReporter(format).end());
  });

  it.each([
    ['text', true],
    ['ndjson', true],
    ['csv', true],
    ['json', false],
    ['sarif', false],
  ] as const)('%s streams findings: %s', (format, streams) => {
    const reporter = createReporter(format);
    expect(reporter.write(finding()) !== '').toBe(streams);
    expect(reporter.write(summary()) === '').toBe(format === 'csv' || !streams);
  });

  it('gives every scan its own reporter state', () => {
    const first = createReporter('json');
    first.write(finding());
    const second = createReporter('json');
    expect(JSON.parse(second.end()).findings).toEqual([]);
    expect(JSON.parse(first.end()).findings).toHaveLength(1);
  });
});
