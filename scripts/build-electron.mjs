#!/usr/bin/env node
// Bundles the Electron shell with esbuild: main as ESM -> dist/electron/main.js (and its validation and import workers), the sandboxed preload as
// CommonJS -> dist/electron/preload.cjs (sandboxed preloads cannot be ESM). Native modules stay external.
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'info', absWorkingDir: root };

// ESM with `require` available to the bundled code (better-sqlite3 loads its native module with it).
const esm = {
  ...common,
  format: 'esm',
  external: ['electron', 'better-sqlite3'],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
};

await build({ ...esm, entryPoints: ['electron/main/main.ts'], outfile: 'dist/electron/main.js' });
// Worker threads, found beside main.js: big workflows' validation (studio-service/validate.ts), large imports (training-data/background-import.ts).
await build({ ...esm, entryPoints: ['electron/core/studio-service/validate-worker.ts'], outfile: 'dist/electron/validate-worker.js' });
await build({ ...esm, entryPoints: ['electron/core/training-data/import-worker.ts'], outfile: 'dist/electron/import-worker.js' });

await build({
  ...common,
  entryPoints: ['electron/preload/preload.ts'],
  outfile: 'dist/electron/preload.cjs',
  format: 'cjs',
  external: ['electron'],
});
