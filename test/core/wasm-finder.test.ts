/**
 * The WebAssembly kernel settles most runs of digits itself and hands the rest to the
 * JavaScript finder: the two together must find exactly what the JavaScript finder finds
 * alone — the same candidates at the same offsets, the same resumption after track data, the
 * same counts — on texts built to hit every rule and every seam (chunk ends, non-ASCII
 * stretches, track data across a chunk end).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { findCandidates, finderTuning, type Candidate, type RunTally } from '../../src/core/candidates.js';
import { findTrack } from '../../src/core/track.js';
import { AT_TEXT_END, AT_TEXT_START, finderKernel } from '../../src/core/wasm/kernel.js';
import { group, makePan, rng, BRAND_SAMPLES } from '../support/cards.js';
import { ALL, counters, scan } from './helpers.js';

const DEFAULT_TUNING = { ...finderTuning };
afterEach(() => Object.assign(finderTuning, DEFAULT_TUNING));

type Random = () => number;

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function digits(random: Random, count: number): string {
  let out = '';
  for (let n = 0; n < count; n++) out += String(Math.floor(random() * 10));
  return out;
}

/** One piece of adversarial text: card numbers in every shape, decoys, glue, tracks, non-ASCII. */
function piece(random: Random, asciiOnly: boolean): string {
  const sample = pick(random, BRAND_SAMPLES);
  const pan = makePan(sample.prefix, sample.length, random);
  const pieces: (() => string)[] = [
    () => pan,
    () => group(pan, [4, 4, 4, 4, 4].slice(0, Math.ceil(pan.length / 4)), pick(random, [' ', '-', '.'])),
    () => `${pan.slice(0, 4)} ${pan.slice(4, 10)}-${pan.slice(10)}`,
    () => digits(random, 12 + Math.floor(random() * 10)), // random runs, about one in ten Luhn-valid
    () => `${digits(random, 1 + Math.floor(random() * 6))}${pick(random, [' ', '-', '.', '  ', '--', ','])}${digits(random, 8 + Math.floor(random() * 12))}`,
    () => `%B${pan}^DOE/JANE^2708101${digits(random, Math.floor(random() * 30))}?`,
    () => `;${pan}=2708101${digits(random, Math.floor(random() * 25))}?`,
    () => `${pan}=2708101${digits(random, 20)}`,
    () => `${pan}D2708101${digits(random, 5)}`,
    () => `B${pan}`,
    () => `${pick(random, ['x', '_', 'Z', 'b', 'B'])}${pan}${pick(random, ['', 'y', '_', 'D', '^', '='])}`,
    () => `12.${pan}`,
    () => `${pan}.5`,
    () => `ref ${digits(random, 24)} end`,
    () => `${Date.UTC(2026, 0, 1) + Math.floor(random() * 1e10)}`,
    () => `+44 20 ${digits(random, 4)} ${digits(random, 4)}`,
    () => pick(random, ['\n', ',', ';', ' ', '  ', '\t', '|', 'card ', 'exp 08/27 ', 'cvv 123 ', '?', '=', '^', '%']),
    () => `${digits(random, 4)} ${digits(random, 4)} ${digits(random, 4)} ${digits(random, 4)} ${digits(random, 4)}`,
  ];
  const wide: (() => string)[] = [
    () => Array.from(pan, (d) => String.fromCharCode(0xff10 + Number(d))).join(''),
    () => group(pan, [4, 4, 4, 4], '\u00a0'),
    () => `é${pan}`,
    () => `${pan}ü`,
    () => `${pan.slice(0, 8)}\u2011${pan.slice(8)}`,
    () => pick(random, ['naïve ', '日本語 ', '\u00a0', '\u2009', '\ud83d\ude00']),
  ];
  return pick(random, asciiOnly || random() < 0.9 ? pieces : wide)();
}

function text(seed: number, length: number, asciiOnly: boolean): string {
  const random = rng(seed);
  let out = '';
  while (out.length < length) out += piece(random, asciiOnly) + pick(random, [' ', ',', '\n', '', ' | ']);
  return out;
}

interface Trace {
  readonly runs: string[];
  readonly tally: RunTally;
}

/** Every hand-over of `findCandidates`, resuming after track data the way the detector does. */
function trace(input: string, knownBrandsOnly: boolean, from = 0, to = input.length): Trace {
  const runs: string[] = [];
  const tally: RunTally = { rejected: 0, heldBack: 0 };
  findCandidates(
    input,
    (readings: readonly Candidate[], runStart, runEnd) => {
      runs.push(`${runStart}-${runEnd}:${readings.map((c) => `${c.start}+${c.digits}/${c.grouping}`).join(',')}`);
      let resume = runEnd;
      for (const c of readings) {
        const track = findTrack(input, c.start, c.end, to);
        if (track && track !== 'invalid') resume = Math.max(resume, track.end);
      }
      return resume;
    },
    from,
    to,
    knownBrandsOnly,
    tally,
  );
  return { runs, tally };
}

function withKernel<T>(on: boolean, chunk: number, run: () => T): T {
  Object.assign(finderTuning, { kernel: on, chunk, minText: 0 });
  try {
    return run();
  } finally {
    Object.assign(finderTuning, DEFAULT_TUNING);
  }
}

describe('WebAssembly finder kernel', () => {
  it('loads in Node', () => {
    expect(finderKernel()).toBeDefined();
  });

  it('hands over and counts exactly what the JavaScript finder finds, on ASCII and mixed texts, at every chunk size, with and without Latin-1', () => {
    const kernel = finderKernel()!;
    let handedOver = 0;
    let settled = 0;
    for (let seed = 1; seed <= 24; seed++) {
      const asciiOnly = seed % 3 !== 0;
      const input = text(seed, 20_000 + seed * 1500, asciiOnly);
      for (const known of [true, false]) {
        const plain = withKernel(false, 0, () => trace(input, known));
        for (const chunk of [64, 1000, 8192, 1 << 17]) {
          for (const latin1 of [true, false]) {
            kernel.latin1 = latin1; // false: the ASCII-only path a browser takes
            try {
              const fast = withKernel(true, chunk, () => trace(input, known));
              expect(fast.runs, `seed ${seed}, chunk ${chunk}, known ${known}, latin1 ${latin1}`).toEqual(plain.runs);
              expect(fast.tally, `seed ${seed}, chunk ${chunk}, known ${known}, latin1 ${latin1}`).toEqual(plain.tally);
            } finally {
              kernel.latin1 = true;
            }
          }
        }
        handedOver += plain.runs.length;
        settled += plain.tally.rejected + plain.tally.heldBack;
      }
    }
    // The texts exercise both sides: many candidates and many settled runs.
    expect(handedOver).toBeGreaterThan(5000);
    expect(settled).toBeGreaterThan(5000);
  });

  it('agrees on a sub-range of a text (context outside it does not count)', () => {
    const input = text(99, 30_000, true);
    for (const [from, to] of [
      [1, input.length - 1],
      [777, 20_001],
      [5000, 5100],
    ] as const) {
      const plain = withKernel(false, 0, () => trace(input, true, from, to));
      expect(withKernel(true, 1000, () => trace(input, true, from, to))).toEqual(plain);
    }
  });

  it('gives scanText the same findings and counters with and without it', () => {
    for (let seed = 200; seed < 206; seed++) {
      const input = text(seed, 40_000, seed % 2 === 0);
      for (const options of [ALL, {}]) {
        const plainCounters = counters();
        const plain = withKernel(false, 0, () => scan(input, options, plainCounters));
        const fastCounters = counters();
        const fast = withKernel(true, 4096, () => scan(input, options, fastCounters));
        expect(fast).toEqual(plain);
        expect(fastCounters).toEqual(plainCounters);
      }
    }
  });

  it('takes Latin-1 text (names with accents in an export) in Node, and hands back a stretch with a character beyond it', () => {
    const kernel = finderKernel()!;
    const random = rng(11);
    let row = '';
    for (let n = 0; n < 50; n++) row += `José Müller;${digits(random, 13)};${digits(random, 13)}\n`;
    const pass = kernel.scan(row, 0, row.length, 0, row.length, AT_TEXT_START | AT_TEXT_END, 0);
    expect(pass).toBeDefined();
    expect(pass!.rejected + pass!.count).toBe(100); // every 13-digit run settled or handed over
    kernel.latin1 = false; // a browser: no Buffer to copy Latin-1 with
    try {
      expect(kernel.scan(row, 0, row.length, 0, row.length, AT_TEXT_START | AT_TEXT_END, 0)).toBeUndefined();
      expect(kernel.firstUnloadable(row, 0, row.length)).toBe(row.indexOf('é'));
    } finally {
      kernel.latin1 = true;
    }
    const beyond = `${row}€`;
    expect(kernel.scan(beyond, 0, beyond.length, 0, beyond.length, AT_TEXT_START | AT_TEXT_END, 0)).toBeUndefined();
    expect(kernel.firstUnloadable(beyond, 0, beyond.length)).toBe(row.length);
  });

  it('reads a run longer than a chunk, and digit runs across chunk ends', () => {
    const random = rng(7);
    const pan = makePan('4', 16, random);
    const input = `${digits(random, 5000)} card ${pan} ${'1234 '.repeat(3000)}${pan}`;
    const plain = withKernel(false, 0, () => trace(input, true));
    expect(plain.runs.length).toBeGreaterThan(0);
    for (const chunk of [64, 100, 4096]) expect(withKernel(true, chunk, () => trace(input, true))).toEqual(plain);
  });
});

describe('WebAssembly finder binary', () => {
  it('is the assembly of finder.wat (run `npm run wasm` after editing it)', async () => {
    // @ts-expect-error: a plain .mjs build script without types
    const { assembleFinder } = await import('../../scripts/assemble-wasm.mjs');
    const { FINDER_WASM_BASE64 } = await import('../../src/core/wasm/finder-binary.js');
    expect(await assembleFinder()).toBe(FINDER_WASM_BASE64);
  });
});
