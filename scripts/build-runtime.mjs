#!/usr/bin/env node
// Builds what a packaged app needs to create its Python runtime offline (electron-builder ships it as
// extraResources `runtime/`):
//   wheels/            every pin of python/requirements.lock for this platform, plus studio_runtime as a wheel
//   bin/uv             the uv binary, taken from its PyPI wheel (its license files beside it)
//   requirements.lock  the lock the wheels come from
//   manifest.json      sha256 of every wheel (a corrupted one is refused by name) and the runtime key
//                      (hash of the lock and the studio_runtime wheel: a changed key re-provisions)
//   python/            optional: a bundled interpreter (python-build-standalone), copied from
//                      $STUDIO_BUNDLED_PYTHON, fetched at release time on a machine with internet
// Needs a Python >= 3.10 with pip and access to PyPI. Node built-ins only.
// Wheels are for the building interpreter's Python version; STUDIO_RUNTIME_PYTHONS=3.10,3.11,3.12,3.13
// adds wheels for those versions too, so a system Python of any of them can be used.
//
// Usage: node scripts/build-runtime.mjs [--out DIR] [--reuse DIR]
//   --out    default build/runtime; env PYTHON picks the interpreter, default the bundled one when
//            STUDIO_BUNDLED_PYTHON is set, else python3
//   --reuse  an earlier wheelhouse of the same lock and uv: its pinned wheels and uv are copied instead
//            of downloaded, and only studio_runtime is built anew (tests rebuild it in seconds)
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

const bundledPython = process.env.STUDIO_BUNDLED_PYTHON ? resolve(process.env.STUDIO_BUNDLED_PYTHON) : null;
const bundledExe = (dir) => (isWin ? join(dir, 'python.exe') : join(dir, 'bin', 'python3'));

/** An earlier wheelhouse built from the same lock and uv release, or null (with the reason logged). */
function reusable(dir, lockText) {
  try {
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    if (readFileSync(join(dir, 'requirements.lock'), 'utf8') !== lockText) throw new Error('it was built from another requirements.lock');
    if (manifest.uv?.version !== UV_VERSION) throw new Error(`it carries uv ${manifest.uv?.version}, not ${UV_VERSION}`);
    return { dir, manifest };
  } catch (err) {
    console.error(`build-runtime: not reusing ${dir}: ${err.message}; downloading`);
    return null;
  }
}

export function buildRuntime({
  out = join(root, 'build', 'runtime'),
  python = process.env.PYTHON || (bundledPython ? bundledExe(bundledPython) : isWin ? 'python' : 'python3'),
  extraPythons = (process.env.STUDIO_RUNTIME_PYTHONS ?? '').split(',').map((v) => v.trim()).filter(Boolean),
  reuse = null,
} = {}) {
  const started = Date.now();
  const outDir = resolve(out);
  // Built beside the destination and renamed into place: an interrupted build never looks complete.
  mkdirSync(dirname(outDir), { recursive: true });
  const stage = mkdtempSync(join(dirname(outDir), '.runtime-build-'));
  const wheels = join(stage, 'wheels');
  mkdirSync(wheels);
  const pip = [python, ['-m', 'pip', '--disable-pip-version-check']];
  const lock = join(pyDir, 'requirements.lock');

  const lockText = readFileSync(lock, 'utf8');
  const own = spawnSync(python, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' }).stdout.trim();
  const uvName = isWin ? 'uv.exe' : 'uv';
  const previous = reuse && reusable(resolve(reuse), lockText);
  let pythonVersions;
  if (previous) {
    console.error(`build-runtime: reusing the pinned wheels and uv of ${previous.dir}`);
    for (const w of previous.manifest.wheels) if (w.file !== previous.manifest.runtimeWheel) cpSync(join(previous.dir, 'wheels', w.file), join(wheels, w.file));
    cpSync(join(previous.dir, 'bin'), join(stage, 'bin'), { recursive: true });
    pythonVersions = previous.manifest.pythonVersions;
  } else {
    run(pip[0], [...pip[1], 'download', '-q', '--only-binary=:all:', '-r', lock, '-d', wheels]);
    pythonVersions = [...new Set([own, ...extraPythons])].sort();
    for (const v of extraPythons.filter((v) => v !== own)) {
      if (!/^3\.\d+$/.test(v)) fail(`STUDIO_RUNTIME_PYTHONS: ${v} is not a version like 3.12`);
      run(pip[0], [...pip[1], 'download', '-q', '--only-binary=:all:', '--python-version', v, '-r', lock, '-d', wheels]);
    }
  }

  // studio_runtime from a copy of its sources: setuptools would otherwise leave build/ and egg-info in python/.
  const src = mkdtempSync(join(tmpdir(), 'studio-runtime-src-'));
  cpSync(join(pyDir, 'pyproject.toml'), join(src, 'pyproject.toml'));
  cpSync(join(pyDir, 'studio_runtime'), join(src, 'studio_runtime'), {
    recursive: true,
    filter: (p) => !p.includes('__pycache__'),
  });
  // Fixed timestamps: the same sources give the same wheel, hence the same runtime key (no needless re-provisioning).
  run(pip[0], [...pip[1], 'wheel', '-q', '--no-deps', '-w', wheels, src], { env: { ...process.env, SOURCE_DATE_EPOCH: '315532800' } });
  rmSync(src, { recursive: true, force: true });

  if (!previous) {
    const uvDl = mkdtempSync(join(tmpdir(), 'studio-uv-'));
    run(pip[0], [...pip[1], 'download', '-q', '--no-deps', '--only-binary=:all:', `uv==${UV_VERSION}`, '-d', uvDl]);
    const uvWheel = readdirSync(uvDl).find((f) => f.endsWith('.whl'));
    if (!uvWheel) fail(`pip downloaded no wheel of uv==${UV_VERSION}`);
    // The binary, and its license files beside it (uv-LICENSE-*).
    const extract = [
      'import os, sys, zipfile',
      'z = zipfile.ZipFile(sys.argv[1])',
      `m = [n for n in z.namelist() if n.endswith('.data/scripts/${uvName}')]`,
      "open(os.path.join(sys.argv[2], '" + uvName + "'), 'wb').write(z.read(m[0]))",
      "for n in z.namelist():",
      "    if '.dist-info/licenses/' in n and not n.endswith('/'):",
      "        open(os.path.join(sys.argv[2], 'uv-' + os.path.basename(n)), 'wb').write(z.read(n))",
    ].join('\n');
    mkdirSync(join(stage, 'bin'));
    run(python, ['-c', extract, join(uvDl, uvWheel), join(stage, 'bin')]);
    rmSync(uvDl, { recursive: true, force: true });
  }
  chmodSync(join(stage, 'bin', uvName), 0o755);

  if (bundledPython) {
    if (!existsSync(bundledExe(bundledPython))) fail(`STUDIO_BUNDLED_PYTHON: no interpreter at ${bundledExe(bundledPython)}`);
    cpSync(bundledPython, join(stage, 'python'), { recursive: true, verbatimSymlinks: true });
  }

  writeFileSync(join(stage, 'requirements.lock'), lockText);
  const files = readdirSync(wheels).sort();
  const runtimeWheel = files.find((f) => /^studio_runtime-.*\.whl$/.test(f));
  if (!runtimeWheel) fail('no studio_runtime wheel was built');
  const wheelList = files.map((file) => ({ file, sha256: sha256(join(wheels, file)) }));
  const manifest = {
    format: 1,
    key: runtimeKey(lockText, wheelList.find((w) => w.file === runtimeWheel).sha256),
    platform: `${process.platform}-${process.arch}`,
    /** Python versions (major.minor) the wheels fit. */
    pythonVersions,
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
  const arg = (name) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? (process.argv[i + 1] ?? fail(`${name} needs a directory`)) : undefined;
  };
  buildRuntime({ out: arg('--out'), reuse: arg('--reuse') });
}
