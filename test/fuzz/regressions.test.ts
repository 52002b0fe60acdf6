/**
 * Regression cases found by the fuzzers, replayed: each file in test/fuzz/seeds/ names a valid
 * sample (test/hostile/generate.ts `validSamples`), the mutations fast-check applied to it, the
 * SHA-256 of the resulting input (so a change of the samples cannot silently turn a case into
 * another one), and the expected outcome. Inputs are scanned by `scanBuffer` in an isolated
 * worker (hangs and heap exhaustion are among the bugs recorded).
 *
 * `status: "open"` cases are bugs in files this suite does not own; they run as `it.fails`
 * until fixed, and then fail loudly so that their status is updated.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as G from '../hostile/generate.js';

interface Seed {
  readonly id: string;
  readonly status: 'fixed' | 'open';
  readonly title: string;
  readonly found: string;
  readonly sample: string;
  readonly filename: string;
  readonly mutations: readonly G.Mutation[];
  readonly inputSha256: string;
  /** Error codes the report must hold exactly (empty: any valid report). */
  readonly expectCodes: readonly string[];
  readonly bug: string;
}

const TIMEOUT_MS = 5_000;
const SLACK_MS = 3_000;
const SEEDS_DIR = new URL('./seeds/', import.meta.url);
const seeds: Seed[] = readdirSync(SEEDS_DIR)
  .filter((name) => name.endsWith('.json'))
  .sort()
  .map((name) => JSON.parse(readFileSync(new URL(name, SEEDS_DIR), 'utf8')) as Seed);

let samples: G.Sample[] = [];
const isolated = new G.IsolatedScanner({ hardLimitMs: TIMEOUT_MS + SLACK_MS + 4_000, heapMb: 512 });
beforeAll(async () => {
  samples = await G.validSamples();
});
afterAll(() => isolated.close());

function inputOf(seed: Seed): Uint8Array {
  const sample = samples.find(([format]) => format === seed.sample);
  if (!sample) throw new Error(`${seed.id}: no sample ${seed.sample}`);
  // Hex strings in JSON stand for inserted bytes.
  const mutations = seed.mutations.map((m) =>
    m.kind === 'insert' && typeof (m as { bytes: unknown }).bytes === 'string' ? { ...m, bytes: Buffer.from(m.bytes as unknown as string, 'hex') } : m,
  );
  return G.mutate(sample[2], mutations, samples.map(([, , bytes]) => bytes));
}

describe('fuzz regressions', () => {
  it('there are recorded cases, each complete', () => {
    expect(seeds.length).toBeGreaterThan(0);
    for (const seed of seeds) {
      expect(seed.id, seed.id).toMatch(/^[a-z0-9-]+$/);
      expect(['fixed', 'open']).toContain(seed.status);
      expect(seed.bug.length, seed.id).toBeGreaterThan(40);
      expect(seed.mutations.length, seed.id).toBeGreaterThan(0);
    }
  });

  for (const seed of seeds) {
    it(`${seed.id}: the input is the one that was recorded`, () => {
      expect(createHash('sha256').update(inputOf(seed)).digest('hex')).toBe(seed.inputSha256);
    });

    (seed.status === 'open' ? it.fails : it)(`${seed.id} (${seed.status}): ${seed.title}`, async () => {
      const input = inputOf(seed);
      const outcome = await isolated.scanBuffer(input, seed.filename, { limits: { timeoutMs: TIMEOUT_MS } });
      expect(outcome.kind, outcome.kind === 'report' ? '' : outcome.detail).toBe('report');
      if (outcome.kind !== 'report') return;
      expect(outcome.ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
      G.expectValidReport(outcome.report, input, seed.id);
      if (seed.expectCodes.length > 0) expect(outcome.report.errors.map((e) => e.code)).toEqual(seed.expectCodes);
    });
  }
});
