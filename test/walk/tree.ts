/**
 * Temporary file trees for walk, scan and CLI tests: built from an object, removed afterwards.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach } from 'vitest';

/** Creates a fresh folder under the OS temp folder with `files` (paths with `/`) in it. */
export function makeTree(files: Readonly<Record<string, string | Uint8Array>>): string {
  const root = mkdtempSync(join(tmpdir(), 'cardhound-test-'));
  for (const [path, content] of Object.entries(files)) {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  return root;
}

/** Removes a tree made by {@link makeTree}, first giving back permissions a test took away. */
export function removeTree(root: string): void {
  try {
    execFileSync('chmod', ['-R', 'u+rwx', root], { stdio: 'ignore' });
  } catch {
    // Nothing to give back.
  }
  rmSync(root, { recursive: true, force: true });
}

/**
 * Whether `chmod 000` actually denies reading here. It does not for root (CAP_DAC_OVERRIDE),
 * and tests often run as root in containers; the permission assertions are skipped then.
 */
export function permissionsEnforced(): boolean {
  const root = mkdtempSync(join(tmpdir(), 'cardhound-perm-'));
  const probe = join(root, 'probe');
  writeFileSync(probe, 'x');
  chmodSync(probe, 0o000);
  try {
    readFileSync(probe);
    return false;
  } catch {
    return true;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Makes a FIFO with mkfifo(1); false when the tool is missing. */
export function makeFifo(path: string): boolean {
  try {
    execFileSync('mkfifo', [path], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * A `makeTree` whose trees are removed after each test of the calling file. Call once at the
 * top level of a test file (it registers an `afterEach`).
 */
export function tempTrees(): (files: Readonly<Record<string, string | Uint8Array>>) => string {
  const roots: string[] = [];
  afterEach(() => {
    for (const root of roots.splice(0)) removeTree(root);
  });
  return (files) => {
    const root = makeTree(files);
    roots.push(root);
    return root;
  };
}
