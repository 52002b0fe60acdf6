/**
 * Fuzzing every extractor through `scanBuffer` (fast-check): valid files of every format,
 * mutated by bit flips, truncation, inserted noise, filled and duplicated regions and splices of
 * other formats' files; and plain random bytes under every file name. Properties:
 * - `scanBuffer` resolves (never an uncaught exception or rejection);
 * - it ends within the per-file time limit passed (`limits.timeoutMs: 5000`, plus slack for the
 *   cooperative stop);
 * - every finding keeps the contract (masked, valid location), every error has a code from the
 *   `ErrorCode` union and a message that quotes no digits (see `expectValidReport`).
 *
 * `scanBuffer` runs in a worker thread (the built `dist/index.js`; the test command builds
 * first) under a hard time and heap limit: a parser that loops in synchronous code or exhausts
 * the heap — both were found this way — cannot stall or kill the test run, and is reported as
 * the failure it is.
 *
 * Seeds are fixed by default, so CI runs are reproducible. Set CARDHOUND_FUZZ_SEED to replay a
 * seed fast-check printed, CARDHOUND_FUZZ_RANDOM=1 to explore, CARDHOUND_FUZZ_RUNS to run more.
 * A failure found here becomes a regression case in test/fuzz/seeds/ (regressions.test.ts).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanBuffer } from '../../src/scanner.js';
import * as G from '../hostile/generate.js';

const TIMEOUT_MS = 5_000;
/** The scanner stops cooperatively: whatever one parser step takes on top of the limit. */
const SLACK_MS = 3_000;
const RUNS = Number(process.env.CARDHOUND_FUZZ_RUNS ?? 12);
const SEED = G.fuzzSeed(0xc4d);
const OPTIONS = { limits: { timeoutMs: TIMEOUT_MS }, minConfidence: 'low' } as const;

const mutationArb: fc.Arbitrary<G.Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('fill' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 512 }), value: fc.constantFrom(0x00, 0xff, 0x30, 0x20, 0x3c) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 2048 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('graft' as const), donor: fc.nat(), from: fc.nat(), length: fc.integer({ min: 1, max: 4096 }), at: fc.nat() }),
  },
);

let samples: G.Sample[] = [];
let donors: Uint8Array[] = [];
beforeAll(async () => {
  samples = await G.validSamples();
  donors = samples.map(([, , bytes]) => bytes);
});

/**
 * With CARDHOUND_FUZZ_LOG=<folder>, each input is written there before it is scanned: an input
 * that kills the process (heap exhaustion in a parser) leaves itself behind as `last-<name>`.
 */
const LOG = process.env.CARDHOUND_FUZZ_LOG;

const isolated = new G.IsolatedScanner({ hardLimitMs: TIMEOUT_MS + SLACK_MS + 2_000, heapMb: 1024 });
afterAll(() => isolated.close());

/** scanBuffer on one input (in the isolated worker), with the properties every run must keep. */
async function check(bytes: Uint8Array, filename: string, label: string): Promise<void> {
  if (LOG) {
    writeFileSync(join(LOG, `last-${filename}`), bytes);
    writeFileSync(join(LOG, `last-${filename}.txt`), label);
  }
  const outcome = await isolated.scanBuffer(bytes, filename, OPTIONS);
  expect(outcome.kind, `${label}: ${outcome.kind === 'report' ? '' : outcome.detail}`).toBe('report');
  if (outcome.kind !== 'report') return;
  expect(outcome.ms, `${label}: ${Math.round(outcome.ms)} ms`).toBeLessThan(TIMEOUT_MS + SLACK_MS);
  G.expectValidReport(outcome.report, bytes, label);
}

const FORMATS = G.SAMPLE_FORMATS;

describe('every extractor survives mutated input', () => {
  it('the samples are valid (each scans without error; most have findings)', async () => {
    expect(samples.map(([format]) => format)).toEqual([...FORMATS]);
    let withFindings = 0;
    for (const [format, filename, bytes] of samples) {
      const report = await scanBuffer(bytes, { filename }, OPTIONS);
      G.expectValidReport(report, bytes, format);
      if (format !== 'pst') expect(report.errors, format).toEqual([]);
      if (report.findings.length > 0) withFindings++;
    }
    expect(withFindings).toBeGreaterThanOrEqual(FORMATS.length - 3);
  });

  it.each(FORMATS)('%s', async (format) => {
    const [, filename, valid] = samples.find(([f]) => f === format)!;
    await fc.assert(
      fc.asyncProperty(fc.array(mutationArb, { minLength: 1, maxLength: 4 }), async (mutations) => {
        const input = G.mutate(valid, mutations, donors);
        await check(input, filename, `${format} ${mutations.map(G.describeMutation).join(' ')}`);
      }),
      { numRuns: RUNS, ...SEED },
    );
  });
});

describe('a real Outlook store, mutated', () => {
  // The public Enron sample that ships inside the installed pst-extractor package (14 MB); not
  // committed here, skipped where the package does not carry it. A few runs: each one walks the
  // whole store.
  const enron = 'node_modules/pst-extractor/example/testdata/enron.pst';
  it.skipIf(!existsSync(enron))('pst', async () => {
    const valid = new Uint8Array(readFileSync(enron));
    await fc.assert(
      fc.asyncProperty(fc.array(mutationArb, { minLength: 1, maxLength: 4 }), async (mutations) => {
        await check(G.mutate(valid, mutations, donors), 'store.pst', `pst ${mutations.map(G.describeMutation).join(' ')}`);
      }),
      { numRuns: Math.max(3, Math.round(RUNS / 3)), ...SEED },
    );
  });
});

describe('random bytes under every name', () => {
  const names = [...new Set(FORMATS.map((f) => (f === 'utf16' ? 'x.txt' : f === 'pdf-hand' ? 'x.pdf' : `x.${f === 'gzip' ? 'gz' : f === 'binary' ? 'bin' : f === 'ole' ? 'doc' : f}`)))];
  it('never throws, never runs over, keeps the report contract', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 8192 }),
          // A real signature in front of noise gets past sniffing into the parsers.
          fc.tuple(fc.constantFrom('%PDF-1.7\n', 'PK\u0003\u0004', '\u00d0\u00cf\u0011\u00e0\u00a1\u00b1\u001a\u00e1', '!BDN', '\u001f\u008b\u0008', '{\\rtf1 ', 'From a@b Mon Jan  1 00:00:00 2024\n'), fc.uint8Array({ maxLength: 8192 })).map(
            ([head, tail]) => G.cat([Uint8Array.from(head, (ch) => ch.charCodeAt(0)), tail]),
          ),
        ),
        fc.constantFrom(...names),
        async (bytes, filename) => check(bytes, filename, `random ${bytes.length} bytes as ${filename}`),
      ),
      { numRuns: RUNS * 10, ...SEED },
    );
  });
});
