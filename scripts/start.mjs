#!/usr/bin/env node
// `npm start`: the Electron window where the Electron binary is installed; otherwise one short attempt to
// fetch it, and failing that browser mode (its URL printed with a one-line reason).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const run = (cmd, args, opts = {}) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });

function electronBinary() {
  try {
    const p = require('electron');
    return typeof p === 'string' && existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

// The DSPy runtime (python/.venv); without it the app still runs, with traditional execution only.
if (run(process.execPath, [path.join(root, 'scripts/setup-python.mjs')]).status !== 0) {
  console.error('The Python DSPy runtime could not be set up (see above): DSPy steps will fall back to traditional execution.');
}

let bin = electronBinary();
let reason = '';
if (!bin) {
  const install = path.join(root, 'node_modules/electron/install.js');
  if (existsSync(install)) {
    console.error('Electron binary not installed; trying to download it (30 s)…');
    const r = run(process.execPath, [install], { timeout: 30_000, stdio: 'ignore' });
    bin = electronBinary();
    if (!bin) reason = r.error ? `download failed (${r.error.code ?? r.error.message})` : 'download failed (offline?)';
  } else reason = 'the electron package is not installed';
}

if (run(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn']).status !== 0) process.exit(1);

if (bin) {
  if (run(process.execPath, [path.join(root, 'scripts/build-electron.mjs')]).status !== 0) process.exit(1);
  // The window needs better-sqlite3 built for Electron's ABI, beside (not instead of) the Node build.
  if (!existsSync(path.join(root, 'dist/native/electron/better_sqlite3.node'))) {
    if (run(process.execPath, [path.join(root, 'scripts/build-electron-native.mjs')]).status !== 0) process.exit(1);
  }
  const child = spawn(bin, [path.join(root, 'dist/electron/main.js')], { cwd: root, stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log(`Electron is not available: ${reason}. Starting browser mode instead.`);
  const child = spawn(process.execPath, [path.join(root, 'bin/pipeline-studio.js'), 'serve', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
}
