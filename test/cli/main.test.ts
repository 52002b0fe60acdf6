/**
 * The built executable (`dist/cli.js`, made by the build that runs before the tests) as a
 * separate process: what only `main.ts` does — exit codes, a closed pipe, Ctrl-C — plus real
 * permission errors, which need a user that chmod can lock out.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cardLine, pans, WORKER_SIZED } from '../walk/fixtures.js';
import { permissionsEnforced, tempTrees } from '../walk/tree.js';

const CLI = resolve(import.meta.dirname, '../../dist/cli.js');
const NOBODY = 65534;

interface Result {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function cardhound(
  args: string[],
  options: { uid?: number; env?: Record<string, string>; onSpawn?: (child: ReturnType<typeof spawn>) => void } = {},
): Promise<Result> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', ...options.env },
      ...(options.uid !== undefined ? { uid: options.uid, gid: options.uid } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status, signal) => resolvePromise({ status, signal, stdout, stderr }));
    options.onSpawn?.(child);
  });
}

const tree = tempTrees();

describe('dist/cli.js', () => {
  it('is built (the test command builds first)', () => {
    expect(existsSync(CLI), `${CLI} missing: run \`npm run build\``).toBe(true);
  });

  it('exits 1 on findings and 0 on a clean tree, through the process exit code', async () => {
    const root = tree({ 'a.txt': cardLine(pans(1, 201)[0]!), 'clean/b.txt': 'nothing\n' });
    const found = await cardhound(['scan', root]);
    expect(found.status).toBe(1);
    expect(found.stderr).toBe('');
    expect((await cardhound(['scan', join(root, 'clean')])).status).toBe(0);
    expect((await cardhound(['scan', '--nope'])).status).toBe(2);
  });

  it('stops quietly on a closed pipe: no stack trace', async () => {
    const spec: Record<string, string> = {};
    const list = pans(20, 202);
    for (let i = 0; i < 20; i++) spec[`f${i}.txt`] = list.map(cardLine).join('').repeat(3);
    const root = tree(spec);
    const result = await cardhound(['scan', '--format', 'ndjson', root], {
      onSpawn: (child) => child.stdout?.once('data', () => child.stdout?.destroy()),
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(1);
  });

  it('finishes with a summary saying aborted on SIGINT', async () => {
    const root = tree({ 'x__cardhound_hang__.txt': WORKER_SIZED, 'a.txt': 'fine\n' });
    let interrupted = 0;
    // The first progress line proves the scan is under way (start-up loads every parser library,
    // which takes seconds on a busy machine); Ctrl-C then.
    const result = await cardhound(['scan', '--format', 'ndjson', '--timeout', '60', '--progress', root], {
      env: { CARDHOUND_TEST_HOOKS: '1' },
      onSpawn: (child) =>
        child.stderr?.once('data', () => {
          interrupted = Date.now();
          child.kill('SIGINT');
        }),
    });
    expect(interrupted).toBeGreaterThan(0);
    expect(Date.now() - interrupted).toBeLessThan(10_000);
    expect(result.status).toBe(3);
    const summary = JSON.parse(result.stdout.trim().split('\n').at(-1)!);
    expect(summary).toMatchObject({ type: 'summary', aborted: true, complete: false });
  });

  it('reports unreadable files and folders as permission_denied (exit 3)', async (context) => {
    const root = tree({ 'open.txt': 'fine\n', 'secret.txt': 'x', 'locked/inner.txt': 'y' });
    // mkdtemp makes the root private; the unprivileged user must be able to enter it.
    chmodSync(root, 0o755);
    chmodSync(join(root, 'open.txt'), 0o644);
    chmodSync(join(root, 'secret.txt'), 0o000);
    chmodSync(join(root, 'locked'), 0o000);
    const asRoot = process.getuid?.() === 0;
    if (!asRoot && !permissionsEnforced()) context.skip('chmod 000 does not deny reading here');
    // As root, chmod does not lock us out: run as nobody instead (spawn can drop privileges).
    const result = await cardhound(['scan', '--format', 'ndjson', root], asRoot ? { uid: NOBODY } : {});
    const errors = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
      .filter((record) => record.type === 'error')
      .map((record) => [record.path, record.code])
      .sort();
    expect(errors).toEqual([
      [join(root, 'locked'), 'permission_denied'],
      [join(root, 'secret.txt'), 'permission_denied'],
    ]);
    expect(result.status).toBe(3);
  });
});
