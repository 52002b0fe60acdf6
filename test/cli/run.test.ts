/**
 * The CLI shell in-process: exit statuses, argument errors, every output format, standard
 * input, output files, progress and colour decisions, a closed pipe.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { parseCommand, parseSize, UsageError } from '../../src/cli/args.js';
import { formatProgress } from '../../src/cli/progress.js';
import { run, type CliIo } from '../../src/cli/run.js';
import type { ScanEvent } from '../../src/types.js';
import { TOOL_VERSION } from '../../src/walk/version.js';
import { leakedPans } from '../support/cards.js';
import { cardLine, masked, pans, WORKER_SIZED } from '../walk/fixtures.js';
import { removeTree, tempTrees } from '../walk/tree.js';

interface Outcome {
  status: number;
  stdout: string;
  stderr: string;
}

interface Fake {
  stdin?: Readable;
  env?: Record<string, string>;
  stdoutIsTTY?: boolean;
  stderrIsTTY?: boolean;
  stdoutWrite?: (text: string) => void | Promise<void>;
}

async function cli(argv: string[], fake: Fake = {}): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: fake.stdoutWrite ?? ((text) => void (stdout += text)) },
    stderr: { write: (text) => void (stderr += text) },
    stdin: fake.stdin ?? Readable.from([]),
    env: fake.env ?? {},
    stdoutIsTTY: fake.stdoutIsTTY ?? false,
    stderrIsTTY: fake.stderrIsTTY ?? false,
    columns: 100,
    cwd: process.cwd(),
  };
  const status = await run(argv, io);
  return { status, stdout, stderr };
}

/** RFC 4180 records (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') field += text[++i];
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

const tree = tempTrees();

const saved = { key: process.env.CARDHOUND_FINGERPRINT_KEY, hooks: process.env.CARDHOUND_TEST_HOOKS };
beforeAll(() => {
  delete process.env.CARDHOUND_FINGERPRINT_KEY;
  process.env.CARDHOUND_TEST_HOOKS = '1';
});
afterAll(() => {
  if (saved.key !== undefined) process.env.CARDHOUND_FINGERPRINT_KEY = saved.key;
  if (saved.hooks === undefined) delete process.env.CARDHOUND_TEST_HOOKS;
  else process.env.CARDHOUND_TEST_HOOKS = saved.hooks;
});

const LIST = pans(3, 101);

describe('exit status', () => {
  it('0 when nothing is found and everything was scanned', async () => {
    const root = tree({ 'a.txt': 'hello\n', 'b/c.txt': 'world\n' });
    const { status, stdout, stderr } = await cli(['scan', root]);
    expect(status).toBe(0);
    expect(stdout).toContain('complete');
    expect(stderr).toBe('');
  });

  it('1 when card data is found; the output shows it masked only', async () => {
    const root = tree({ 'a.txt': cardLine(LIST[0]!), 'b.txt': cardLine(LIST[1]!) });
    const { status, stdout } = await cli(['scan', root]);
    expect(status).toBe(1);
    expect(stdout).toContain(masked(LIST[0]!));
    expect(stdout).toContain(masked(LIST[1]!));
    expect(leakedPans(stdout, LIST)).toEqual([]);
  });

  it('0 when findings are below --min-confidence', async () => {
    const root = tree({ 'a.txt': `${LIST[0]}\n` }); // alone, no keyword: medium at most
    expect((await cli(['scan', '--min-confidence', 'high', root])).status).toBe(0);
  });

  it('3 when nothing is found but some input could not be scanned', async () => {
    const root = tree({ 'a.txt': 'hello\n', 'big.txt': 'x'.repeat(5000) });
    expect((await cli(['scan', join(root, 'missing')])).status).toBe(3);
    const tooLarge = await cli(['scan', '--max-file-size', '1K', '--format', 'ndjson', root]);
    expect(tooLarge.status).toBe(3);
    expect(tooLarge.stdout).toContain('"too_large"');
  });

  it('1 beats 3: findings are reported even when other files failed', async () => {
    const root = tree({ 'a.txt': cardLine(LIST[0]!) });
    expect((await cli(['scan', root, join(root, 'missing')])).status).toBe(1);
  });

  it('1 with the findings up to --max-findings and one limit record for the rest of the file', async () => {
    const root = tree({ 'dump.txt': pans(5, 303).map(cardLine).join('') });
    const { status, stdout } = await cli(['scan', '--max-findings', '3', '--format', 'ndjson', root]);
    expect(status).toBe(1);
    const records = stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(records.filter((r) => r.type === 'finding')).toHaveLength(3);
    expect(records.filter((r) => r.type === 'error').map((e) => e.code)).toEqual(['limit']);
    expect(records.at(-1)).toMatchObject({ type: 'summary', findings: 3, complete: false });
  });

  it('3 with one timeout record when a parser hangs (--timeout)', async () => {
    const root = tree({ 'x__cardhound_hang__.txt': WORKER_SIZED, 'ok.txt': 'fine\n' });
    const { status, stdout } = await cli(['scan', '--timeout', '0.5', '--format', 'ndjson', root]);
    expect(status).toBe(3);
    const errors = stdout.trim().split('\n').map((line) => JSON.parse(line)).filter((r) => r.type === 'error');
    expect(errors.map((e) => e.code)).toEqual(['timeout']);
  });
});

describe('usage errors: status 2, one line on stderr pointing to --help', () => {
  it.each([
    [[]],
    [['frobnicate']],
    [['scan']],
    [['scan', '--bogus', '.']],
    [['scan', '--format', 'xml', '.']],
    [['scan', '--format']],
    [['scan', '--min-confidence', 'max', '.']],
    [['scan', '--max-file-size', '10X', '.']],
    [['scan', '--concurrency', '0', '.']],
    [['scan', '--timeout', '-1', '.']],
    [['scan', '--timeout', '0', '.']],
    [['scan', '--max-findings', '0', '.']],
    [['scan', '--max-findings', 'all', '.']],
    [['scan', '--shard', '5/4', '.']],
    [['scan', '--mask', 'first6', '.']],
    [['scan', '--include', '', '.']],
    [['scan', '--quiet=yes', '.']],
  ])('%j', async (argv) => {
    const { status, stdout, stderr } = await cli(argv);
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^cardhound: .+ \(see cardhound --help\)\n$/);
  });

  it('masks a card number typed into an argument', async () => {
    const { status, stderr } = await cli(['scan', '--include', `[9-0]*${LIST[0]}*`, '.']);
    expect(status).toBe(2);
    expect(leakedPans(stderr, LIST)).toEqual([]);
    expect(stderr).toContain(LIST[0]!.slice(-4));
  });

  it('--cache without a fingerprint key', async () => {
    const root = tree({ 'a.txt': 'x' });
    const { status, stderr } = await cli(['scan', '--cache', join(root, 'c.json'), root]);
    expect(status).toBe(2);
    expect(stderr).toContain('CARDHOUND_FINGERPRINT_KEY');
  });

  it('an unwritable --output is fatal (2) before scanning', async () => {
    const root = tree({ 'a.txt': 'x' });
    const { status, stderr } = await cli(['scan', '--output', join(root, 'no/such/dir/out.txt'), root]);
    expect(status).toBe(2);
    expect(stderr).toContain('cannot write');
  });
});

describe('formats', () => {
  const root = () => tree({ 'a.txt': cardLine(LIST[0]!), 'sub/b.csv': `note\n"${cardLine(LIST[1]!).trim()}"\n` });

  it('json is one document with findings and a summary', async () => {
    const { status, stdout } = await cli(['scan', '--format', 'json', root()]);
    expect(status).toBe(1);
    const doc = JSON.parse(stdout);
    expect(JSON.stringify(doc)).toContain(masked(LIST[0]!));
    expect(JSON.stringify(doc)).toContain('"summary"');
    expect(leakedPans(stdout, LIST)).toEqual([]);
  });

  it('ndjson is one JSON record per line, summary last', async () => {
    const { stdout } = await cli(['scan', '--format', 'ndjson', root()]);
    const records = stdout.trim().split('\n').map((line) => JSON.parse(line) as ScanEvent);
    expect(records.filter((r) => r.type === 'finding')).toHaveLength(2);
    expect(records.at(-1)?.type).toBe('summary');
    expect(leakedPans(stdout, LIST)).toEqual([]);
  });

  it('csv has a header and rows of the same width', async () => {
    const { stdout } = await cli(['scan', '--format', 'csv', root()]);
    const rows = parseCsv(stdout);
    expect(rows.length).toBe(3);
    for (const row of rows) expect(row.length).toBe(rows[0]!.length);
    expect(rows.slice(1).map((row) => row[0])).toEqual(['finding', 'finding']);
    expect(stdout).toContain(masked(LIST[1]!));
    expect(leakedPans(stdout, LIST)).toEqual([]);
  });

  it('sarif is SARIF 2.1.0 with results', async () => {
    const { stdout } = await cli(['scan', '--format', 'sarif', root()]);
    const doc = JSON.parse(stdout);
    expect(doc.version).toBe('2.1.0');
    expect(doc.runs[0].tool.driver.version).toBe(TOOL_VERSION);
    expect(doc.runs[0].results).toHaveLength(2);
    expect(leakedPans(stdout, LIST)).toEqual([]);
  });

  it('--output writes the report to a file and nothing to stdout', async () => {
    const dir = root();
    const out = join(dir, '..', `${dir.split('/').pop()}-report.ndjson`);
    onTestFinished(() => removeTree(out));
    const { status, stdout } = await cli(['scan', '--format', 'ndjson', '-o', out, dir]);
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(readFileSync(out, 'utf8').trim().split('\n').at(-1)).toContain('"summary"');
  });

  it('--mask last4 hides the BIN', async () => {
    const { stdout } = await cli(['scan', '--format', 'ndjson', '--mask', 'last4', root()]);
    expect(stdout).not.toContain(LIST[0]!.slice(0, 6));
    expect(stdout).toContain(LIST[0]!.slice(-4));
  });
});

describe('standard input', () => {
  it('- scans standard input as a file named -', async () => {
    const stdin = Readable.from([Buffer.from('header\n'), Buffer.from(cardLine(LIST[2]!))]);
    const { status, stdout } = await cli(['scan', '--format', 'ndjson', '-'], { stdin });
    expect(status).toBe(1);
    const findings = stdout.trim().split('\n').map((line) => JSON.parse(line)).filter((r) => r.type === 'finding');
    expect(findings).toMatchObject([{ path: '-', masked: masked(LIST[2]!) }]);
  });

  it('- together with paths', async () => {
    const root = tree({ 'a.txt': cardLine(LIST[0]!) });
    const stdin = Readable.from([Buffer.from(cardLine(LIST[1]!))]);
    const { stdout } = await cli(['scan', '--format', 'ndjson', root, '-'], { stdin });
    const paths = stdout.trim().split('\n').map((line) => JSON.parse(line)).filter((r) => r.type === 'finding').map((r) => r.path).sort();
    expect(paths).toEqual(['-', join(root, 'a.txt')]);
  });
});

describe('terminal behaviour', () => {
  it('colours text only on a terminal and never with NO_COLOR', async () => {
    const root = tree({ 'a.txt': cardLine(LIST[0]!) });
    expect((await cli(['scan', root], { stdoutIsTTY: true })).stdout).toContain('\u001b[');
    expect((await cli(['scan', root], { stdoutIsTTY: true, env: { NO_COLOR: '1' } })).stdout).not.toContain('\u001b[');
    expect((await cli(['scan', root])).stdout).not.toContain('\u001b[');
  });

  it('draws progress on a terminal stderr, erases it, and stays silent with --quiet or off a terminal', async () => {
    const root = tree({ 'slow__cardhound_hang__.txt': WORKER_SIZED, 'a.txt': 'fine\n' });
    const shown = await cli(['scan', '--timeout', '0.6', root], { stderrIsTTY: true });
    expect(shown.stderr).toMatch(/\d+ files .* findings, \d+ errors/);
    expect(shown.stderr.endsWith('\r\u001b[2K')).toBe(true);
    expect((await cli(['scan', '--timeout', '0.6', '--quiet', root], { stderrIsTTY: true })).stderr).toBe('');
    expect((await cli(['scan', '--timeout', '0.6', root], { stderrIsTTY: false })).stderr).toBe('');
    expect((await cli(['scan', '--timeout', '0.6', '--progress', '--no-progress', root], { stderrIsTTY: true })).stderr).toBe('');
  });

  it('fits the progress line to the terminal, shortening the current path from the left', () => {
    const progress = { type: 'progress', files: 1234, bytes: 5 * 1024 ** 2, findings: 3, errors: 1, rate: 1024 ** 2 } as const;
    expect(formatProgress(progress, 200)).toBe('1234 files 5.0 MiB (1.0 MiB/s), 3 findings, 1 errors');
    const line = formatProgress({ ...progress, current: `/share/${'deep/'.repeat(30)}last\u001b[2Jfile.txt` }, 100);
    expect(line).toHaveLength(100);
    expect(line.endsWith('last?[2Jfile.txt')).toBe(true);
    expect(line).not.toContain('\u001b');
    expect(formatProgress(progress, 20)).toHaveLength(20);
  });

  it('stops quietly when the reader goes away (EPIPE)', async () => {
    // Enough findings for several batched writes (output is written in 64 KiB pieces).
    const spec: Record<string, string> = {};
    const all = pans(300, 111);
    for (let f = 0; f < 20; f++) spec[`f${f}.txt`] = all.slice(f * 15, f * 15 + 15).map(cardLine).join('\n');
    const root = tree(spec);
    let writes = 0;
    const { status, stderr } = await cli(['scan', '--format', 'ndjson', root], {
      stdoutWrite: () => {
        if (++writes > 1) throw Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
      },
    });
    expect(status).toBe(1);
    expect(stderr).toBe('');
    expect(writes).toBe(2);
  });
});

describe('help, version, shards, cache', () => {
  it('--help lists options, examples and exit statuses', async () => {
    const { status, stdout } = await cli(['--help']);
    expect(status).toBe(0);
    for (const text of ['--format', '--shard', '--cache', 'Exit status', 'Examples', '3  nothing found']) expect(stdout).toContain(text);
    expect((await cli(['scan', '--help'])).stdout).toBe(stdout);
  });

  it('--version', async () => {
    expect(await cli(['--version'])).toEqual({ status: 0, stdout: `cardhound ${TOOL_VERSION}\n`, stderr: '' });
  });

  it('--shard i/n splits the files exactly', async () => {
    const spec: Record<string, string> = {};
    pans(10, 121).forEach((pan, i) => (spec[`d${i % 3}/f${i}.txt`] = cardLine(pan)));
    const root = tree(spec);
    const paths: string[] = [];
    for (const shard of ['1/2', '2/2']) {
      const { stdout } = await cli(['scan', '--format', 'ndjson', '--shard', shard, root]);
      for (const line of stdout.trim().split('\n')) {
        const record = JSON.parse(line);
        if (record.type === 'finding') paths.push(record.path);
      }
    }
    expect(paths.sort()).toEqual(Object.keys(spec).map((rel) => join(root, rel)).sort());
  });

  it('--cache with a key re-reports cached findings', async () => {
    const root = tree({ 'share/a.txt': cardLine(LIST[0]!) });
    process.env.CARDHOUND_FINGERPRINT_KEY = 'cli-cache-key';
    try {
      const args = ['scan', '--format', 'ndjson', '--cache', join(root, 'cache.json'), join(root, 'share')];
      const first = await cli(args);
      const second = await cli(args);
      expect(second.status).toBe(1);
      expect(second.stdout.split('\n')[0]).toBe(first.stdout.split('\n')[0]);
    } finally {
      delete process.env.CARDHOUND_FINGERPRINT_KEY;
    }
  });
});

describe('argument parsing', () => {
  it.each([
    ['4096', 4096],
    ['10K', 10 * 1024],
    ['10M', 10 * 1024 ** 2],
    ['10MB', 10 * 1024 ** 2],
    ['1.5g', 1.5 * 1024 ** 3],
    ['2GiB', 2 * 1024 ** 3],
  ])('size %s → %i bytes', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  it.each(['', '10X', '-1', 'M', '1e9'])('size %j is refused', (text) => {
    expect(() => parseSize(text)).toThrow(UsageError);
  });

  it('maps flags to scan options', () => {
    const command = parseCommand([
      'scan',
      '--include', '*.csv',
      '--include', '*.txt',
      '--exclude', 'tmp/',
      '--no-hidden',
      '--no-archives',
      '--no-binary-strings',
      '--follow-symlinks',
      '--include-test-cards',
      '--timeout', '2.5',
      '--max-file-size', '1M',
      '--concurrency', '3',
      '--shard', '2/4',
      'a', '-', 'a',
    ]);
    expect(command).toMatchObject({
      kind: 'scan',
      scan: {
        inputs: ['a'],
        stdin: true,
        format: 'text',
        progress: 'auto',
        options: {
          include: ['*.csv', '*.txt'],
          exclude: ['tmp/'],
          hidden: false,
          archives: false,
          binaryStrings: false,
          followSymlinks: true,
          includeTestCards: true,
          limits: { timeoutMs: 2500, maxFileSize: 1024 ** 2 },
          concurrency: 3,
          shard: { index: 1, count: 4 },
        },
      },
    });
  });

  it('the last of --progress / --no-progress wins', () => {
    const progress = (argv: string[]) => {
      const command = parseCommand(['scan', ...argv, '.']);
      return command.kind === 'scan' ? command.scan.progress : undefined;
    };
    expect(progress(['--no-progress', '--progress'])).toBe('always');
    expect(progress(['--progress', '--no-progress'])).toBe('never');
    expect(progress([])).toBe('auto');
  });
});
