/**
 * Scan a folder (default: the bundled sample share) and write NDJSON: one JSON object per
 * finding or error, then a summary line. The whole scan is stopped after a time limit with an
 * AbortSignal; the summary then says `"aborted": true, "complete": false`.
 *
 *   npx tsx examples/scan-share.ts [folder] [output.ndjson] [--timeout=SECONDS]
 * (or bundle with esbuild as shown in scan-text.ts; `scan()` parses files in worker threads and
 * needs the built `dist/worker.js`: run `npm run build` first)
 *
 * Exit status follows the CLI: 1 findings, 3 nothing found but incomplete, 0 clean.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { scan, createReporter, type ScanSummary } from '../src/index.js';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const folder = args[0] ?? 'examples/share';
const outPath = args[1];
const timeoutArg = process.argv.find((a) => a.startsWith('--timeout='));
const timeoutMs = timeoutArg ? Number(timeoutArg.slice('--timeout='.length)) * 1000 : 60_000;

const out = outPath ? createWriteStream(outPath) : process.stdout;
const reporter = createReporter('ndjson');

/** Writes with back-pressure: a huge scan must not buffer its whole report in memory. */
async function write(text: string): Promise<void> {
  if (text !== '' && !out.write(text)) await once(out, 'drain');
}

let summary: ScanSummary | undefined;
const events = scan(folder, {
  signal: AbortSignal.timeout(timeoutMs),
  minConfidence: 'medium',
  exclude: ['**/node_modules/**', '**/.git/**'],
  progressIntervalMs: 1000,
});

for await (const event of events) {
  switch (event.type) {
    case 'progress':
      // Reporters ignore progress; show it on stderr so the NDJSON stays clean.
      process.stderr.write(`\r${event.files} files, ${event.findings} findings…`);
      continue;
    case 'finding':
      // Every field is masked already; e.g. route high findings to an alerting hook here.
      break;
    case 'error':
      // Per-file problems (encrypted, corrupt, limits): the scan goes on.
      break;
    case 'summary':
      summary = event;
      break;
  }
  await write(reporter.write(event));
}
await write(reporter.end());
if (outPath) {
  out.end();
  await once(out, 'finish');
}

if (summary) {
  process.stderr.write(
    `\r${summary.files} files, ${summary.findings} findings, ${summary.errors} errors in ${summary.durationMs} ms` +
      `${summary.aborted ? ' (stopped: time limit)' : ''}\n`,
  );
  process.exitCode = summary.findings > 0 ? 1 : summary.complete ? 0 : 3;
}
