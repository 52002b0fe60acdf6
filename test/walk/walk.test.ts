import { chmodSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileGlob } from '../../src/walk/glob.js';
import { walk, type WalkItem, type WalkOptions } from '../../src/walk/walk.js';
import { makeFifo, permissionsEnforced, tempTrees } from './tree.js';

const BASE: WalkOptions = { include: [], exclude: [], hidden: true, followSymlinks: false, maxFileSize: 1 << 30 };

async function collect(args: string[], options: Partial<WalkOptions> = {}): Promise<WalkItem[]> {
  const items: WalkItem[] = [];
  for await (const item of walk(args, { ...BASE, ...options })) items.push(item);
  return items;
}

function files(items: WalkItem[]): string[] {
  return items.flatMap((item) => (item.kind === 'file' ? [item.display] : [])).sort();
}

function errors(items: WalkItem[]): Array<[string, string]> {
  return items.flatMap((item): Array<[string, string]> => (item.kind === 'error' ? [[item.record.path, item.record.code]] : [])).sort();
}

function skips(items: WalkItem[]): string[] {
  return items.flatMap((item) => (item.kind === 'skip' ? [item.display] : [])).sort();
}

const tree = tempTrees();

describe('walk', () => {
  it('lists files below folders with paths as given, plus stat facts', async () => {
    const root = tree({ 'a.txt': 'aa', 'sub/b.csv': 'bbb', 'sub/deeper/c.log': 'c', '.hidden/d.txt': 'd' });
    const items = await collect([root]);
    expect(files(items)).toEqual([join(root, '.hidden/d.txt'), join(root, 'a.txt'), join(root, 'sub/b.csv'), join(root, 'sub/deeper/c.log')]);
    const b = items.find((item) => item.kind === 'file' && item.rel === 'sub/b.csv');
    expect(b).toMatchObject({ kind: 'file', abs: join(root, 'sub/b.csv'), size: 3 });
  });

  it('keeps relative arguments relative', async () => {
    const root = tree({ 'x/a.txt': 'a' });
    const previous = process.cwd();
    process.chdir(root);
    try {
      expect(files(await collect(['x', './x/a.txt']))).toEqual(['./x/a.txt', 'x/a.txt']);
    } finally {
      process.chdir(previous);
    }
  });

  it('passes over hidden files and folders with hidden: false', async () => {
    const root = tree({ 'a.txt': 'a', '.b.txt': 'b', '.git/config': 'c', 'sub/.env': 'd' });
    expect(files(await collect([root], { hidden: false }))).toEqual([join(root, 'a.txt')]);
  });

  it('applies include to files and exclude to files and folders', async () => {
    const root = tree({ 'a.txt': '', 'b.csv': '', 'node_modules/x.txt': '', 'sub/c.txt': '', 'sub/skip.txt': '', 'logs/old/d.txt': '' });
    const items = await collect([root], {
      include: [compileGlob('*.txt')],
      exclude: [compileGlob('node_modules'), compileGlob('skip.txt'), compileGlob('logs/old/')],
    });
    expect(files(items)).toEqual([join(root, 'a.txt'), join(root, 'sub/c.txt')]);
  });

  it('scans explicitly named files regardless of include and exclude', async () => {
    const root = tree({ 'a.bin': 'x' });
    const items = await collect([join(root, 'a.bin')], { include: [compileGlob('*.txt')], exclude: [compileGlob('*.bin')] });
    expect(files(items)).toEqual([join(root, 'a.bin')]);
  });

  it('expands glob arguments below their static folder', async () => {
    const root = tree({ 'share/a.pdf': '', 'share/x/b.pdf': '', 'share/x/c.txt': '', 'other/d.pdf': '' });
    expect(files(await collect([`${root}/share/**/*.pdf`]))).toEqual([join(root, 'share/a.pdf'), join(root, 'share/x/b.pdf')]);
    expect(files(await collect([`${root}/share/*.pdf`]))).toEqual([join(root, 'share/a.pdf')]);
    expect(files(await collect([`${root}/*/*.pdf`]))).toEqual([join(root, 'other/d.pdf'), join(root, 'share/a.pdf')]);
  });

  it('reports a missing argument as not_found and goes on', async () => {
    const root = tree({ 'a.txt': '' });
    const items = await collect([join(root, 'nope'), root]);
    expect(errors(items)).toEqual([[join(root, 'nope'), 'not_found']]);
    expect(files(items)).toEqual([join(root, 'a.txt')]);
  });

  it('reports files over the size limit as too_large without opening them', async () => {
    const root = tree({ 'big.txt': 'x'.repeat(100), 'small.txt': 'x' });
    const items = await collect([root], { maxFileSize: 10 });
    expect(errors(items)).toEqual([[join(root, 'big.txt'), 'too_large']]);
    expect(files(items)).toEqual([join(root, 'small.txt')]);
  });

  it('skips a FIFO without opening it (no hang) and counts it as skipped', async () => {
    const root = tree({ 'a.txt': '' });
    if (!makeFifo(join(root, 'pipe'))) return expect.soft(true, 'mkfifo not available').toBe(true);
    const items = await collect([root]);
    expect(skips(items)).toEqual([join(root, 'pipe')]);
    expect(files(items)).toEqual([join(root, 'a.txt')]);
    // Named explicitly, it is skipped too rather than opened.
    expect(skips(await collect([join(root, 'pipe')]))).toEqual([join(root, 'pipe')]);
  });

  it('skips symlinks by default and survives a symlink loop when following them', async () => {
    const root = tree({ 'd/a.txt': 'a', 'target.txt': 't' });
    symlinkSync(join(root, 'd'), join(root, 'd/loop')); // d/loop → d
    symlinkSync(join(root, 'target.txt'), join(root, 'd/link.txt'));
    symlinkSync(join(root, 'missing'), join(root, 'd/dangling'));

    const off = await collect([join(root, 'd')]);
    expect(files(off)).toEqual([join(root, 'd/a.txt')]);
    expect(skips(off)).toEqual([join(root, 'd/dangling'), join(root, 'd/link.txt'), join(root, 'd/loop')]);
    expect(errors(off)).toEqual([]);

    const on = await collect([join(root, 'd')], { followSymlinks: true });
    expect(files(on)).toEqual([join(root, 'd/a.txt'), join(root, 'd/link.txt')]);
    expect(errors(on)).toEqual([[join(root, 'd/dangling'), 'not_found']]);
  });

  it('ends on a two-folder symlink cycle and visits overlapping arguments once', async () => {
    const root = tree({ 'a/x.txt': '', 'b/y.txt': '' });
    symlinkSync(join(root, 'b'), join(root, 'a/to-b'));
    symlinkSync(join(root, 'a'), join(root, 'b/to-a'));
    const items = await collect([join(root, 'a'), join(root, 'b'), join(root, 'a')], { followSymlinks: true });
    expect(files(items)).toEqual([join(root, 'a/to-b/y.txt'), join(root, 'a/x.txt')]);
  });

  it('reports an unreadable folder as permission_denied and goes on', async (context) => {
    const root = tree({ 'open/a.txt': '', 'locked/b.txt': '' });
    chmodSync(join(root, 'locked'), 0o000);
    if (!permissionsEnforced()) context.skip('running as root: chmod 000 does not deny reading');
    const items = await collect([root]);
    expect(errors(items)).toEqual([[join(root, 'locked'), 'permission_denied']]);
    expect(files(items)).toEqual([join(root, 'open/a.txt')]);
  });

  it('stops when the signal is aborted', async () => {
    const spec: Record<string, string> = {};
    for (let i = 0; i < 50; i++) spec[`d${i}/f.txt`] = '';
    const root = tree(spec);
    const controller = new AbortController();
    let count = 0;
    for await (const item of walk([root], { ...BASE, signal: controller.signal })) {
      if (item.kind === 'file' && ++count === 3) controller.abort();
    }
    expect(count).toBe(3);
  });

  it('partitions files between shards by their path below the root', async () => {
    const spec: Record<string, string> = {};
    for (let i = 0; i < 60; i++) spec[`d${i % 7}/f${i}.txt`] = '';
    const root = tree(spec);
    const all = files(await collect([root]));
    const parts = await Promise.all([0, 1, 2].map(async (index) => files(await collect([root], { shard: { index, count: 3 } }))));
    expect(parts.flat().sort()).toEqual(all);
    expect(new Set(parts.flat()).size).toBe(all.length);
    for (const part of parts) expect(part.length).toBeGreaterThan(0);
  });

  it('treats an empty folder as nothing to do', async () => {
    const root = tree({});
    mkdirSync(join(root, 'empty'));
    expect(await collect([root])).toEqual([]);
  });
});
