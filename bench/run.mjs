#!/usr/bin/env node
/**
 * cardhound benchmarks: `npm run bench` (default sizes) or `npm run bench:short` (CI sizes).
 *
 *   node bench/run.mjs [--short] [--suite text|huge|share|formats|all] [--reps N]
 *
 * Every cardhound number comes with a baseline measured in the same run on the same data,
 * because on a shared 2-core machine absolute MB/s say little; ratios say more. How to read
 * the tables: bench/README.md. Exit status 1 when cardhound misses a planted PAN, prints one
 * in full, or cannot run at all.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureLog, ensureCsv, ensureShare, ensureFormats } from './generate.mjs';
import { naiveScan, grepCount, rgCount, hasCommand } from './baselines.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const DATA = path.join(HERE, '.data');
const DIST_INDEX = path.join(ROOT, 'dist', 'index.js');
const DIST_CLI = path.join(ROOT, 'dist', 'cli.js');
const MB = 1e6;
const SUITES = ['text', 'formats', 'share', 'huge'];
/** A CLI run that takes longer than this is a hang, not a measurement. */
const CLI_TIMEOUT_MS = 30 * 60 * 1000;

const USAGE = `usage: node bench/run.mjs [--short | --large] [--suite text|huge|share|formats|all] [--reps N]
  --short   CI sizes (log 8 MB, CSV 4 MB, huge 200 MB, share 2,000 files), 1 repetition
  --large   text suite at the speed issue's sizes (log 200 MB, CSV 100 MB); implied by --suite all
  --suite   which measurements (default text); all = ${SUITES.join(', ')}
  --reps    repetitions per measurement, median reported (default 3, --short 1)`;

function parseArgs(argv) {
  const opts = { short: false, large: false, suite: 'text', reps: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--short') opts.short = true;
    else if (a === '--large') opts.large = true;
    else if (a === '--suite') opts.suite = argv[++i];
    else if (a === '--reps') opts.reps = Number(argv[++i]);
    else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else {
      console.error(`unknown argument ${a}\n${USAGE}`);
      process.exit(2);
    }
  }
  if (opts.suite !== 'all' && !SUITES.includes(opts.suite)) {
    console.error(`unknown suite ${opts.suite}\n${USAGE}`);
    process.exit(2);
  }
  if (opts.short && opts.large) {
    console.error(`--short and --large exclude each other\n${USAGE}`);
    process.exit(2);
  }
  opts.large ||= opts.suite === 'all' && !opts.short;
  opts.reps ??= opts.short ? 1 : 3;
  if (!Number.isInteger(opts.reps) || opts.reps < 1) {
    console.error(`--reps must be a positive integer\n${USAGE}`);
    process.exit(2);
  }
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
const SIZES = opts.short
  ? { log: 8 * MB, csv: 4 * MB, huge: 200 * MB, share: 2000 }
  : { log: (opts.large ? 200 : 100) * MB, csv: (opts.large ? 100 : 50) * MB, huge: 2000 * MB, share: 20000 };
const failures = [];
const log = (msg) => process.stderr.write(`[bench] ${msg}\n`);

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

async function timed(fn) {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

/** Runs `fn` `reps` times; returns the median time and the last result. */
async function repeat(reps, fn) {
  const times = [];
  let value;
  for (let i = 0; i < reps; i++) {
    const r = await timed(fn);
    times.push(r.ms);
    value = r.value;
  }
  return { ms: median(times), value };
}

/** Reads a file (or every file under a folder) once so the timed runs hit the page cache. */
function warmCache(target) {
  const buf = Buffer.allocUnsafe(1 << 20);
  const read = (file) => {
    const fd = fs.openSync(file, 'r');
    try {
      while (fs.readSync(fd, buf, 0, buf.length, null) > 0);
    } finally {
      fs.closeSync(fd);
    }
  };
  if (!fs.statSync(target).isDirectory()) return read(target);
  for (const entry of fs.readdirSync(target, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) read(path.join(entry.parentPath ?? entry.path, entry.name));
  }
}

/** Whether a masked value (`*` hides a digit) could have been made from `digits`. */
function fits(masked, digits) {
  if (masked.length !== digits.length) return false;
  for (let i = 0; i < masked.length; i++) if (masked[i] !== '*' && masked[i] !== digits[i]) return false;
  return true;
}

/** Numbers indexed by length and last four, the part of a masked value every mask keeps. */
function indexByTail(entries) {
  const index = new Map();
  for (const entry of entries) {
    const key = `${entry.digits.length}:${entry.digits.slice(-4)}`;
    if (!index.has(key)) index.set(key, []);
    index.get(key).push(entry);
  }
  return (masked) => index.get(`${masked.length}:${masked.slice(-4)}`) ?? [];
}

/**
 * Matches reported masked values against the planted PANs. Matching goes by compatibility,
 * not equality, so it does not depend on how many BIN digits the scanner chooses to show.
 * Planted PANs are a multiset (copies of a document plant the same PAN again). Unmatched
 * reports are "extra"; those that are a known decoy are named by its kind.
 */
function score(maskedReported, truth) {
  const open = indexByTail(truth.planted.map((p) => ({ digits: p.pan })));
  const decoys = indexByTail(Object.entries(truth.decoyNumbers ?? {}).map(([digits, kind]) => ({ digits, kind })));
  let found = 0;
  const extras = {};
  for (const m of maskedReported) {
    const candidates = open(m);
    const i = candidates.findIndex((c) => fits(m, c.digits));
    if (i >= 0) {
      candidates.splice(i, 1);
      found++;
    } else {
      const kind = decoys(m).find((c) => fits(m, c.digits))?.kind ?? 'unplanted';
      extras[kind] = (extras[kind] ?? 0) + 1;
    }
  }
  const extra = Object.values(extras).reduce((a, b) => a + b, 0);
  return { found, planted: truth.planted.length, extra, extras };
}

/**
 * How many planted PANs appear in `text` as a full digit string, also with single
 * separators squeezed out. Counts only: the numbers themselves are never printed.
 */
function countLeaks(text, pans) {
  const squeezed = text.replace(/(?<=\d)[ .\u00a0-](?=\d)/g, '');
  const leaked = new Set();
  for (const m of squeezed.matchAll(/\d{12,}/g)) {
    const d = m[0];
    for (let i = 0; i + 12 <= d.length; i++) {
      for (let len = 12; len <= 19 && i + len <= d.length; len++) {
        const sub = d.slice(i, i + len);
        if (pans.has(sub)) leaked.add(sub);
      }
    }
  }
  return leaked.size;
}

/**
 * One line of an error message for the table: short, and with long digit runs blanked, since
 * a broken build might echo its input and the table must never show a planted PAN.
 */
function quote(message) {
  return message.split('\n')[0].slice(0, 200).replace(/\d(?:[ .-]?\d){11,}/g, '[digits]');
}

const mbps = (bytes, ms) => bytes / MB / (ms / 1000);
const fmtRate = (x) => (x === undefined ? '' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const fmtRatio = (x) => (x === undefined || !Number.isFinite(x) ? '' : `${x.toFixed(2)}×`);
const fmtBytes = (b) => (b >= 1e9 ? `${(b / 1e9).toFixed(2)} GB` : b >= MB ? `${(b / MB).toFixed(1)} MB` : `${(b / 1e3).toFixed(0)} kB`);
const fmtRss = (kb) => (kb === undefined ? 'n/a' : `${(kb / 1024).toFixed(0)} MiB`);
function fmtExtra(s) {
  if (s.extra === 0) return '0';
  return `${s.extra} (${Object.entries(s.extras).map(([k, v]) => `${k} ${v}`).join(', ')})`;
}

function table(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

// ---------------------------------------------------------------------------------------------
// cardhound, in process and as a CLI
// ---------------------------------------------------------------------------------------------

const BUILD_HINT = 'run npm run build first';

async function loadCardhound() {
  if (!fs.existsSync(DIST_INDEX) || !fs.existsSync(DIST_CLI)) return { error: `dist/ is missing: ${BUILD_HINT}` };
  try {
    const lib = await import(pathToFileURL(DIST_INDEX).href);
    if (typeof lib.scanText !== 'function' || typeof lib.scanFile !== 'function') {
      return { error: `dist/index.js has no scanText/scanFile: ${BUILD_HINT}` };
    }
    return { lib };
  } catch (err) {
    return { error: `dist/index.js does not load (${quote(err.message)}): ${BUILD_HINT}` };
  }
}

const cardhound = await loadCardhound();
const TIME_BIN = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** CLI runs live in their own process group (see runCliOnce); take them down with us. */
const running = new Set();
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    for (const pid of running) process.kill(-pid, 'SIGKILL');
    process.exit(130);
  });
}

/** Findings at `medium` or above (the default threshold; filtered again in case it is not). */
const reportable = (findings) => findings.filter((f) => f.confidence === 'medium' || f.confidence === 'high');

/**
 * One CLI run, wall clock from spawn to exit, peak RSS through `/usr/bin/time -f %M` when
 * present. The child gets its own process group so a hung run can be stopped completely.
 */
let cliRuns = 0;

function runCliOnce(args, cpus) {
  const rssFile = path.join(os.tmpdir(), `cardhound-bench-rss-${process.pid}-${++cliRuns}`);
  // `cpus`: run the whole process (every thread) on these CPUs only, with taskset.
  const command = [...(cpus ? ['taskset', '-c', cpus] : []), process.execPath, DIST_CLI, ...args];
  const [cmd, cmdArgs] = TIME_BIN ? [TIME_BIN, ['-f', '%M', '-o', rssFile, ...command]] : [command[0], command.slice(1)];
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, cmdArgs, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const out = [];
    const err = [];
    child.stdout.on('data', (b) => out.push(b));
    child.stderr.on('data', (b) => err.push(b));
    running.add(child.pid);
    const timer = setTimeout(() => process.kill(-child.pid, 'SIGKILL'), CLI_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (status, signal) => {
      const ms = performance.now() - t0;
      clearTimeout(timer);
      running.delete(child.pid);
      let rssKb;
      if (TIME_BIN) {
        // `time` writes "Command exited with non-zero status N" before the number when N > 0.
        rssKb = Number(fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop());
        fs.rmSync(rssFile, { force: true });
      }
      resolve({ ms, status, signal, rssKb, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

/** Runs `--shard k/n` for every k at once; one run: the last to finish, both outputs, RSS summed. */
async function runShardsAtOnce(args, n) {
  const runs = await Promise.all(Array.from({ length: n }, (_, k) => runCliOnce([...args, '--shard', `${k + 1}/${n}`])));
  const worst = runs.find((r) => r.status !== 0 && r.status !== 1) ?? runs.find((r) => r.status === 1) ?? runs[0];
  return {
    ms: Math.max(...runs.map((r) => r.ms)),
    status: worst.status,
    signal: worst.signal,
    rssKb: runs.every((r) => r.rssKb !== undefined) ? runs.reduce((sum, r) => sum + r.rssKb, 0) : undefined,
    stdout: runs.map((r) => r.stdout).join(''),
    stderr: runs.map((r) => r.stderr).join(''),
  };
}

/** Parses NDJSON output: reportable findings' masked values, error records, the summary. */
function parseNdjson(stdout) {
  const masked = [];
  let errors = 0;
  let summary;
  let garbage = 0;
  for (const line of stdout.split('\n')) {
    if (!line.trim()) continue;
    let rec;
    try {
      rec = JSON.parse(line);
    } catch {
      garbage++;
      continue;
    }
    if (rec.type === 'finding' && (rec.confidence === 'medium' || rec.confidence === 'high')) masked.push(rec.masked);
    else if (rec.type === 'error') errors++;
    else if (rec.type === 'summary') summary = rec;
  }
  return { masked, errors, summary, garbage };
}

/**
 * Runs the CLI `reps` times and checks what it printed. Returns the row fields: median time,
 * peak RSS over the runs, recall against `truth`, leak count, notes.
 */
async function measureCli(args, truth, reps, cpus) {
  const runs = [];
  for (let i = 0; i < reps; i++) runs.push(await runCliOnce(args, cpus));
  return summariseCli(runs, truth);
}

/** Median time, peak RSS, exit-status notes and recall of repeated CLI runs on one input. */
function summariseCli(runs, truth) {
  const last = runs[runs.length - 1];
  const bad = runs.find((r) => r.status !== 0 && r.status !== 1 && r.status !== 3);
  if (bad) {
    const why = bad.signal ? `killed by ${bad.signal}` : `exit ${bad.status}`;
    return { error: `CLI failed (${why}): ${quote(bad.stderr.trim().split('\n').pop())}` };
  }
  const parsed = parseNdjson(last.stdout);
  const notes = [];
  if (last.status === 3) notes.push('exit 3 (incomplete)');
  if (last.status === 1 && parsed.masked.length === 0) notes.push('exit 1 without medium+ findings');
  if (last.status === 0 && parsed.masked.length > 0) notes.push('exit 0 despite findings');
  if (parsed.errors) notes.push(`${parsed.errors} error records`);
  if (parsed.garbage) notes.push(`${parsed.garbage} non-JSON lines`);
  if (!parsed.summary) notes.push('no summary line');
  const pans = new Set(truth.planted.map((p) => p.pan));
  return {
    ms: median(runs.map((r) => r.ms)),
    rssKb: TIME_BIN ? Math.max(...runs.map((r) => r.rssKb)) : undefined,
    score: score(parsed.masked, truth),
    leaks: countLeaks(last.stdout + last.stderr, pans),
    notes,
  };
}

function checkCardhoundRow(where, row) {
  if (row.error) failures.push(`${where}: ${row.error}`);
  if (row.score && row.score.found !== row.score.planted) failures.push(`${where}: recall ${row.score.found}/${row.score.planted} planted PANs`);
  if (row.leaks) failures.push(`${where}: ${row.leaks} planted PANs printed in full`);
}

// ---------------------------------------------------------------------------------------------
// Suites
// ---------------------------------------------------------------------------------------------

/**
 * Throughput rows on one big file: cardhound in process (unless the file is too large for a
 * string) and as a CLI, the naive Node baseline, grep, and ripgrep when installed.
 */
async function throughputRows(label, file, truth, { inProcess }) {
  const bytes = truth.bytes;
  const rows = [];
  log(`${label}: warming the page cache`);
  warmCache(file);
  const pans = new Set(truth.planted.map((p) => p.pan));

  if (inProcess) {
    const row = { tool: 'cardhound scanText' };
    if (cardhound.error) row.error = cardhound.error;
    else {
      log(`${label}: scanText ×${opts.reps}`);
      const text = fs.readFileSync(file, 'utf8');
      try {
        // Warm-up on the first megabyte so JIT compilation is not billed to the first run.
        cardhound.lib.scanText(text.slice(0, MB));
        const r = await repeat(opts.reps, () => reportable(cardhound.lib.scanText(text)));
        row.rate = mbps(bytes, r.ms);
        row.score = score(r.value.map((f) => f.masked), truth);
        row.leaks = countLeaks(JSON.stringify(r.value), pans);
      } catch (err) {
        row.error = `scanText threw: ${quote(err.message)}`;
      }
    }
    checkCardhoundRow(`${label} scanText`, row);
    rows.push(row);
  }

  const cli = { tool: 'cardhound CLI' };
  if (cardhound.error) cli.error = cardhound.error;
  else {
    log(`${label}: CLI ×${opts.reps}`);
    const r = await measureCli(['scan', file, '--format', 'ndjson', '--min-confidence', 'medium'], truth, opts.reps);
    Object.assign(cli, r, r.ms === undefined ? {} : { rate: mbps(bytes, r.ms) });
  }
  checkCardhoundRow(`${label} CLI`, cli);
  rows.push(cli);

  log(`${label}: naive Node baseline ×${opts.reps}`);
  const naive = await repeat(opts.reps, () => naiveScan(file));
  rows.push({
    tool: 'naive (readline + regex + Luhn)',
    rate: mbps(bytes, naive.ms),
    score: score(naive.value.masked, truth),
    notes: [`${naive.value.matches} regex matches, ${naive.value.masked.length} Luhn-valid`],
    baseline: 'naive',
  });

  log(`${label}: grep ×${opts.reps}`);
  const grep = await repeat(opts.reps, () => grepCount(file));
  rows.push({ tool: 'grep -E -o (LC_ALL=C)', rate: mbps(bytes, grep.ms), notes: [`${grep.value} regex matches, no Luhn`], baseline: 'grep' });

  if (hasCommand('rg')) {
    log(`${label}: ripgrep ×${opts.reps}`);
    const rg = await repeat(opts.reps, () => rgCount(file));
    rows.push({ tool: 'rg -o', rate: mbps(bytes, rg.ms), notes: [`${rg.value} regex matches, no Luhn`] });
  }

  const naiveRate = rows.find((r) => r.baseline === 'naive').rate;
  const grepRate = rows.find((r) => r.baseline === 'grep').rate;
  return rows.map((r) => ({ ...r, file: `${label} (${fmtBytes(bytes)})`, vsNaive: r.rate / naiveRate, vsGrep: r.rate / grepRate }));
}

function throughputTable(rows) {
  return table(
    ['file', 'tool', 'MB/s (median)', '× naive', '× grep', 'planted found', 'extra reports', 'peak RSS', 'notes'],
    rows.map((r) => [
      r.file,
      r.tool,
      r.error ? '**FAILED**' : fmtRate(r.rate),
      r.error ? '' : fmtRatio(r.vsNaive),
      r.error ? '' : fmtRatio(r.vsGrep),
      r.score ? `${r.score.found} / ${r.score.planted}` : 'n/a',
      r.score ? fmtExtra(r.score) : 'n/a',
      r.tool === 'cardhound CLI' && !r.error ? fmtRss(r.rssKb) : '',
      [r.error, r.leaks ? `**${r.leaks} PANs printed in full**` : '', ...(r.notes ?? [])].filter(Boolean).join('; '),
    ]),
  );
}

async function suiteText() {
  log(`text: generating data (log ${fmtBytes(SIZES.log)}, CSV ${fmtBytes(SIZES.csv)}; cached in bench/.data)`);
  const logTruth = ensureLog(path.join(DATA, `log-${SIZES.log / MB}MB.log`), SIZES.log);
  const csvTruth = ensureCsv(path.join(DATA, `csv-${SIZES.csv / MB}MB.csv`), SIZES.csv);
  const rows = [
    ...(await throughputRows('log', path.join(DATA, `log-${SIZES.log / MB}MB.log`), logTruth, { inProcess: true })),
    ...(await throughputRows('csv', path.join(DATA, `csv-${SIZES.csv / MB}MB.csv`), csvTruth, { inProcess: true })),
  ];
  const d = (t) => Object.entries(t.decoys).map(([k, v]) => `${k} ${v}`).join(', ');
  return {
    title: 'text: one large log file and one digit-dense CSV',
    body: throughputTable(rows),
    notes: [
      `log: ${logTruth.lines} lines, ${logTruth.planted.length} planted PANs, decoys: ${d(logTruth)}.`,
      `csv: ${csvTruth.lines} lines, ${csvTruth.planted.length} planted PANs, ${csvTruth.maskedRows} masked, decoys: ${d(csvTruth)}.`,
      await cliFixedCost(),
    ],
  };
}

/**
 * The CLI's cost before the first byte (Node start-up, module loading, worker pool): the
 * CLI's MB/s on a small file is mostly this, so it is measured separately.
 */
async function cliFixedCost() {
  const node = await repeat(opts.reps, () => new Promise((resolve) => spawn(process.execPath, ['-e', '0']).on('close', resolve)));
  const bare = `bare \`node -e 0\`: ${node.ms.toFixed(0)} ms`;
  if (cardhound.error) return `CLI fixed cost: not measured (${cardhound.error}); ${bare}.`;
  log(`CLI fixed cost ×${opts.reps}`);
  const tiny = path.join(DATA, 'one-line.log');
  const r = await measureCli(['scan', tiny, '--format', 'ndjson', '--min-confidence', 'medium'], ensureLog(tiny, 1), opts.reps);
  checkCardhoundRow('one-line file CLI', r);
  return r.error ? `CLI fixed cost: ${r.error}` : `CLI fixed cost: ${r.ms.toFixed(0)} ms median wall time on a one-line file (${bare}), peak RSS ${fmtRss(r.rssKb)}.`;
}

async function suiteHuge() {
  const file = path.join(DATA, `huge-${SIZES.huge / MB}MB.log`);
  log(`huge: generating ${fmtBytes(SIZES.huge)} log by streaming to disk (cached)`);
  const truth = ensureLog(file, SIZES.huge, 3);
  const rows = await throughputRows('huge log', file, truth, { inProcess: false });
  const cached = truth.bytes < os.freemem();
  return {
    title: 'huge: one very large log through the CLI (streaming, memory bound)',
    body: throughputTable(rows),
    notes: [
      `${truth.lines} lines, ${truth.planted.length} planted PANs.`,
      `Available memory ${fmtBytes(os.freemem())}: the file ${cached ? 'fits' : 'may NOT fit'} in the page cache, so runs ${cached ? 'read from memory' : 'may read from disk'}.`,
    ],
  };
}

async function suiteShare() {
  const dir = path.join(DATA, `share-${SIZES.share}`);
  log(`share: generating ${SIZES.share} files (cached; docx/xlsx/pdf from a pool of unique documents)`);
  const truth = await ensureShare(dir, SIZES.share);
  warmCache(dir);
  const rows = [];
  // With one worker the main thread still walks, dispatches and reports beside it: a run
  // pinned to one CPU shows what one core does.
  const pinned = os.cpus().length >= 2 && hasCommand('taskset');
  // The machine's own ceiling for this work: two independent processes, each scanning half the
  // tree (`--shard`) with one worker, share nothing but the hardware (cores, caches, memory
  // bandwidth). What `--concurrency 2` gets short of their speed-up is ours; the rest is the machine's.
  const configs = [
    { concurrency: 1 },
    ...(pinned ? [{ concurrency: 1, cpus: '0', note: ', one CPU (taskset -c 0)' }] : []),
    { concurrency: 2 },
    { concurrency: 1, shards: 2, note: ', 2 processes at once (--shard 1/2 and 2/2)' },
  ];
  const argsOf = (concurrency) => ['scan', dir, '--format', 'ndjson', '--min-confidence', 'medium', '--concurrency', String(concurrency)];
  // Repetitions take turns (1, pinned, 2, 1, pinned, 2 …) so that a machine whose speed drifts
  // during the suite (a shared VM does) skews every row alike, not the ratios between them.
  const runsOf = configs.map(() => []);
  if (!cardhound.error) {
    for (let rep = 0; rep < opts.reps; rep++) {
      for (const [i, { concurrency, cpus, shards, note = '' }] of configs.entries()) {
        log(`share: CLI --concurrency ${concurrency}${note} (${rep + 1}/${opts.reps})`);
        runsOf[i].push(shards ? await runShardsAtOnce(argsOf(concurrency), shards) : await runCliOnce(argsOf(concurrency), cpus));
      }
    }
  }
  for (const [i, { concurrency, cpus, shards, note = '' }] of configs.entries()) {
    const row = { tool: `cardhound CLI --concurrency ${concurrency}${note}`, cpus };
    if (cardhound.error) row.error = cardhound.error;
    else Object.assign(row, summariseCli(runsOf[i], truth));
    if (shards && row.notes) row.notes.push('machine ceiling: no shared process; peak RSS of both together');
    checkCardhoundRow(`share ${row.tool}`, row);
    rows.push(row);
  }
  const base = rows[0].ms;
  const oneCpu = rows.find((r) => r.cpus)?.ms;
  const mix = Object.entries(truth.byExt).map(([k, v]) => `${k} ${v}`).join(', ');
  return {
    title: 'share: a tree of small mixed files through the CLI',
    body: table(
      ['tree', 'tool', 'files/s (median)', 'MB/s', 'speed-up vs --concurrency 1', 'speed-up vs one CPU', 'planted found', 'extra reports', 'peak RSS', 'notes'],
      rows.map((r) => [
        `${truth.files} files (${fmtBytes(truth.totalBytes)})`,
        r.tool,
        r.error ? '**FAILED**' : fmtRate(truth.files / (r.ms / 1000)),
        r.error ? '' : fmtRate(mbps(truth.totalBytes, r.ms)),
        r.error || rows[0].error ? '' : fmtRatio(base / r.ms),
        r.error || oneCpu === undefined ? '' : fmtRatio(oneCpu / r.ms),
        r.score ? `${r.score.found} / ${r.score.planted}` : 'n/a',
        r.score ? fmtExtra(r.score) : 'n/a',
        r.error ? '' : fmtRss(r.rssKb),
        [r.error, r.leaks ? `**${r.leaks} PANs printed in full**` : '', ...(r.notes ?? [])].filter(Boolean).join('; '),
      ]),
    ),
    notes: [`Mix: ${mix}. Binary documents are copies from a pool of 100 unique documents per kind.`],
  };
}

/** The parser cardhound builds on, called bare on the same bytes. */
const PARSERS = {
  pdf: async () => {
    const { PDFParse } = await import('pdf-parse');
    return async (buf) => {
      const parser = new PDFParse({ data: new Uint8Array(buf) });
      try {
        await parser.getText();
      } finally {
        await parser.destroy();
      }
    };
  },
  xlsx: async () => {
    const XLSX = await import('xlsx');
    return async (buf) => XLSX.read(buf);
  },
  docx: async () => {
    const { default: mammoth } = await import('mammoth');
    return async (buf) => mammoth.extractRawText({ buffer: buf });
  },
};
const PARSER_NAMES = { pdf: 'pdf-parse getText()', xlsx: 'XLSX.read', docx: 'mammoth.extractRawText' };

async function suiteFormats() {
  log('formats: generating documents (cached)');
  const docs = await ensureFormats(path.join(DATA, opts.short ? 'formats-short' : 'formats'), opts.short);
  const rows = [];
  for (const [kind, doc] of Object.entries(docs)) {
    warmCache(doc.file);
    const buf = fs.readFileSync(doc.file);
    const [unit, units] = kind === 'pdf' ? ['pages', doc.pages] : kind === 'xlsx' ? ['cells', doc.cells] : ['MB', doc.bytes / MB];
    log(`formats: ${kind}: ${PARSER_NAMES[kind]} ×${opts.reps}`);
    const parse = await PARSERS[kind]();
    await parse(buf);
    const parser = await repeat(opts.reps, () => parse(buf));
    const row = { kind, file: `${path.basename(doc.file)} (${fmtBytes(doc.bytes)})`, unit, parserRate: units / (parser.ms / 1000), notes: [] };
    if (cardhound.error) row.error = cardhound.error;
    else {
      log(`formats: ${kind}: scanFile ×${opts.reps}`);
      try {
        await cardhound.lib.scanFile(doc.file);
        const r = await repeat(opts.reps, () => cardhound.lib.scanFile(doc.file));
        row.rate = units / (r.ms / 1000);
        row.ratio = r.ms / parser.ms;
        const found = reportable(r.value.findings);
        row.score = score(found.map((f) => f.masked), doc);
        row.leaks = countLeaks(JSON.stringify(r.value), new Set(doc.planted.map((p) => p.pan)));
        if (r.value.errors.length) row.notes.push(`errors: ${r.value.errors.map((e) => e.code).join(', ')}`);
      } catch (err) {
        row.error = `scanFile threw: ${quote(err.message)}`;
      }
    }
    checkCardhoundRow(`formats ${kind}`, row);
    rows.push(row);
  }
  return {
    title: 'formats: cardhound scanFile vs the bare parser, in process',
    body: table(
      ['format', 'file', 'unit', 'cardhound scanFile /s', 'bare parser /s', 'parser', 'time ratio (scanFile ÷ parser)', 'planted found', 'extra reports', 'notes'],
      rows.map((r) => [
        r.kind,
        r.file,
        r.unit,
        r.error ? '**FAILED**' : fmtRate(r.rate),
        fmtRate(r.parserRate),
        PARSER_NAMES[r.kind],
        r.error ? '' : fmtRatio(r.ratio),
        r.score ? `${r.score.found} / ${r.score.planted}` : 'n/a',
        r.score ? fmtExtra(r.score) : 'n/a',
        [r.error, r.leaks ? `**${r.leaks} PANs printed in full**` : '', ...r.notes].filter(Boolean).join('; '),
      ]),
    ),
    notes: ['One untimed warm-up call per tool and file before the timed runs.'],
  };
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

function machine() {
  const cpuinfo = fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf8') : '';
  const cpu = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  const git = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout?.trim() || 'unknown';
  return [
    `- date: ${new Date().toISOString()}, commit ${git}; ${fs.existsSync(DIST_INDEX) ? `dist/ built ${fs.statSync(DIST_INDEX).mtime.toISOString()}` : 'no dist/'} (the build measured, whatever the commit)`,
    `- machine: ${cpu}, ${os.availableParallelism()} cores, ${fmtBytes(os.totalmem())} RAM, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} at start`,
    `- node ${process.version}; grep: ${spawnSync('grep', ['--version'], { encoding: 'utf8' }).stdout?.split('\n')[0] ?? 'n/a'}; ripgrep: ${hasCommand('rg') ? 'yes' : 'not installed'}`,
    `- CLI peak RSS: ${TIME_BIN ? '/usr/bin/time -f %M (max over repetitions)' : 'n/a (no /usr/bin/time)'}`,
    `- mode: ${opts.short ? '--short' : opts.large ? '--large (text: 200 MB log, 100 MB CSV)' : 'default sizes'}, suite ${opts.suite}, ${opts.reps} repetition(s) per measurement, median reported; MB = 10^6 bytes`,
    '- warm cache: every data file is read once before its timed runs; timings do not include disk reads',
  ].join('\n');
}

const suites = { text: suiteText, huge: suiteHuge, share: suiteShare, formats: suiteFormats };
const chosen = opts.suite === 'all' ? SUITES : [opts.suite];
const out = ['# cardhound benchmark', '', machine(), ''];
if (cardhound.error) out.push(`**cardhound not measured: ${cardhound.error}.**`, '');
console.log(out.join('\n'));

for (const name of chosen) {
  const s = await suites[name]();
  const section = [`## ${s.title}`, '', s.body, '', ...s.notes.map((n) => `- ${n}`), ''].join('\n');
  console.log(section);
  out.push(section);
}

out.push(failures.length ? `## FAILED\n\n${failures.map((f) => `- ${f}`).join('\n')}\n` : '## All cardhound checks passed (exact recall, no PAN printed in full).\n');
console.log(out[out.length - 1]);
fs.mkdirSync(DATA, { recursive: true });
fs.writeFileSync(path.join(DATA, 'last-run.md'), out.join('\n'));
log(`table written to ${path.relative(ROOT, path.join(DATA, 'last-run.md'))}`);
process.exitCode = failures.length ? 1 : 0;
