import { describe, expect, it } from 'vitest';
import { REPORT_FORMATS } from '../../src/report/index.js';
import { expectGolden, expectNoFullPan, render } from './helpers.js';
import { SAMPLE_EVENTS } from './sample-events.js';

describe('golden output of every reporter (UPDATE_GOLDEN=1 rewrites)', () => {
  it.each(REPORT_FORMATS)('%s', (format) => {
    const output = render(format, SAMPLE_EVENTS, { toolVersion: '0.1.0', root: '/srv/share' });
    expectNoFullPan(output);
    expect(output).not.toMatch(/snippet/i);
    expectGolden(`sample.${format}`, output);
  });
});
