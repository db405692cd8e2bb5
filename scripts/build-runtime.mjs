#!/usr/bin/env node
// Builds what a packaged app needs to create its Python runtime offline (electron-builder ships it as
// extraResources `runtime/`):
//   wheels/            every pin of python/requirements.lock for this platform, plus studio_runtime as a wheel
//   bin/uv             the uv binary, taken from its PyPI wheel
//   requirements.lock  the lock the wheels come from
//   manifest.json      sha256 of every wheel (a corrupted one is refused by name) and the runtime key
//                      (hash of the lock and the studio_runtime wheel: a changed key re-provisions)
// Needs a Python >= 3.10 with pip and access to PyPI. Node built-ins only.
//
// Usage: node scripts/build-runtime.mjs [--out DIR]   (default build/runtime; env PYTHON picks the interpreter)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The uv release the wheelhouse ships; its wheel holds only the binary. */
export const UV_VERSION = '0.13.8';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const pyDir = join(root, 'python');
const isWin = process.platform === 'win32';

function fail(msg) {
  console.error(`build-runtime: ${msg}`);
  process.exit(1);
}

function run(cmd, args, opts = {}) {
  console.error(`build-runtime: $ ${cmd} ${args.map((a) => (a.includes('\n') ? '<script>' : a)).join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], cwd: root, ...opts });
  if (r.error) fail(`could not run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) fail(`\`${cmd} ${args.join(' ')}\` failed with exit code ${r.status}`);
}

const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** The runtime key: changes when the lock or the studio_runtime wheel does. */
export function runtimeKey(lockText, runtimeWheelSha) {
  return createHash('sha256').update(lockText).update('\0').update(runtimeWheelSha).digest('hex');
}

export function buildRuntime({ out = join(root, 'build', 'runtime'), python = process.env.PYTHON || (isWin ? 'python' : 'python3') } = {}) {
  const started = Date.now();
  const outDir = resolve(out);
  // Built beside the destination and renamed into place: an interrupted build never looks complete.
  mkdirSync(dirname(outDir), { recursive: true });
  const stage = mkdtempSync(join(dirname(outDir), '.runtime-build-'));
  const wheels = join(stage, 'wheels');
  mkdirSync(wheels);
  const pip = [python, ['-m', 'pip', '--disable-pip-version-check']];
  const lock = join(pyDir, 'requirements.lock');

  run(pip[0], [...pip[1], 'download', '-q', '--only-binary=:all:', '-r', lock, '-d', wheels]);

  // studio_runtime from a copy of its sources: setuptools would otherwise leave build/ and egg-info in python/.
  const src = mkdtempSync(join(tmpdir(), 'studio-runtime-src-'));
  cpSync(join(pyDir, 'pyproject.toml'), join(src, 'pyproject.toml'));
  cpSync(join(pyDir, 'studio_runtime'), join(src, 'studio_runtime'), {
    recursive: true,
    filter: (p) => !p.includes('__pycache__'),
  });
  run(pip[0], [...pip[1], 'wheel', '-q', '--no-deps', '-w', wheels, src]);
  rmSync(src, { recursive: true, force: true });

  const uvDl = mkdtempSync(join(tmpdir(), 'studio-uv-'));
  run(pip[0], [...pip[1], 'download', '-q', '--no-deps', '--only-binary=:all:', `uv==${UV_VERSION}`, '-d', uvDl]);
  const uvWheel = readdirSync(uvDl).find((f) => f.endsWith('.whl'));
  if (!uvWheel) fail(`pip downloaded no wheel of uv==${UV_VERSION}`);
  const uvName = isWin ? 'uv.exe' : 'uv';
  const extract = [
    'import sys, zipfile',
    'z = zipfile.ZipFile(sys.argv[1])',
    `m = [n for n in z.namelist() if n.endswith('.data/scripts/${uvName}')]`,
    "open(sys.argv[2], 'wb').write(z.read(m[0]))",
  ].join('\n');
  mkdirSync(join(stage, 'bin'));
  run(python, ['-c', extract, join(uvDl, uvWheel), join(stage, 'bin', uvName)]);
  chmodSync(join(stage, 'bin', uvName), 0o755);
  rmSync(uvDl, { recursive: true, force: true });

  const lockText = readFileSync(lock, 'utf8');
  writeFileSync(join(stage, 'requirements.lock'), lockText);
  const files = readdirSync(wheels).sort();
  const runtimeWheel = files.find((f) => /^studio_runtime-.*\.whl$/.test(f));
  if (!runtimeWheel) fail('no studio_runtime wheel was built');
  const wheelList = files.map((file) => ({ file, sha256: sha256(join(wheels, file)) }));
  const manifest = {
    format: 1,
    key: runtimeKey(lockText, wheelList.find((w) => w.file === runtimeWheel).sha256),
    platform: `${process.platform}-${process.arch}`,
    uv: { version: UV_VERSION, path: `bin/${uvName}` },
    runtimeWheel,
    wheels: wheelList,
  };
  writeFileSync(join(stage, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');

  if (existsSync(outDir)) rmSync(outDir, { recursive: true, force: true });
  renameSync(stage, outDir);
  console.error(`build-runtime: ${files.length} wheels and uv ${UV_VERSION} in ${outDir} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return outDir;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--out');
  buildRuntime(i > 0 ? { out: process.argv[i + 1] ?? fail('--out needs a directory') } : {});
}
