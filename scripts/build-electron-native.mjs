#!/usr/bin/env node
// Builds better-sqlite3 for Electron's ABI into dist/native/electron/ (NOT node_modules), so Node (tests,
// CLI, browser mode) keeps its own build. The Electron shell loads it through better-sqlite3's
// `nativeBinding` option: new Database(file, { nativeBinding: '<dir>/better_sqlite3.node' }).
// Never run from postinstall. Needs the Electron headers (network) and a C++ toolchain.
//   npm run build:electron-native
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const electronVersion = JSON.parse(readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8')).version;
const out = path.join(root, 'dist/native/electron');
const work = mkdtempSync(path.join(os.tmpdir(), 'bsq-electron-'));
cpSync(path.join(root, 'node_modules/better-sqlite3'), work, { recursive: true });
console.log(`building better-sqlite3 for Electron ${electronVersion} in ${work}`);
execFileSync(
  process.platform === 'win32' ? 'npx.cmd' : 'npx',
  ['--no-install', 'node-gyp', 'rebuild', '--release', `--target=${electronVersion}`, '--dist-url=https://electronjs.org/headers', '--runtime=electron'],
  { cwd: work, stdio: 'inherit' },
);
const built = path.join(work, 'build/Release/better_sqlite3.node');
if (!existsSync(built)) throw new Error(`build produced no ${built}`);
mkdirSync(out, { recursive: true });
cpSync(built, path.join(out, 'better_sqlite3.node'));
console.log(`wrote ${path.join(out, 'better_sqlite3.node')}`);
