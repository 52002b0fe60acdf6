import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // The library: ESM + CJS + types. `core` is a separate entry so browser users can import
    // the pure detector without pulling in any Node-only extractor.
    entry: { index: 'src/index.ts', core: 'src/core/index.ts', worker: 'src/walk/worker.ts', 'extract-worker': 'src/extract/isolated-worker.ts' },
    format: ['esm', 'cjs'],
    dts: { entry: { index: 'src/index.ts', core: 'src/core/index.ts' } },
    sourcemap: true,
    clean: true,
    target: 'node20',
    // Splitting keeps each extractor (and the parser library it imports) in its own chunk, loaded
    // on first use: a scan of plain text never loads pdf.js or SheetJS.
    splitting: true,
    // `import.meta.url` (used to find the worker scripts) is a syntax error in CommonJS: without
    // the shim, `require('cardhound')` failed to load at all.
    shims: true,
  },
  {
    entry: { cli: 'src/cli/main.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
    splitting: true,
    banner: { js: '#!/usr/bin/env node' },
  },
]);
