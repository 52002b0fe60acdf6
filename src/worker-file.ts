import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function moduleDir(): string {
  // The CJS build has `__dirname`; the ESM build has `import.meta.url` (and no `__dirname`).
  if (typeof __dirname === 'string') return __dirname;
  return dirname(fileURLToPath(import.meta.url));
}

/**
 * Finds a built worker script (`worker` for the file pool, `extract-worker` for isolated
 * parsers). From the package (`dist/*.js`) it is a sibling. From the TypeScript sources (the
 * tests) a worker thread cannot load a `.ts` file, so the built `dist/` of this checkout is
 * used: the test command builds first.
 */
export function resolveWorkerFile(name = 'worker'): string {
  const here = moduleDir();
  const candidates = [join(here, `${name}.js`), join(here, `${name}.cjs`), join(here, '..', 'dist', `${name}.js`)];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found === undefined) {
    throw new Error(`cardhound worker script not found (looked for ${candidates.join(', ')}); build the package with \`npm run build\``);
  }
  return found;
}

