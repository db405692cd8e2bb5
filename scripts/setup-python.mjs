#!/usr/bin/env node
// Creates python/.venv and installs the pinned runtime (python/requirements.lock) plus the
// studio_runtime package itself (a .pth file = editable install: the bridge runs `python -I -m studio_runtime`
// and -I ignores PYTHONPATH). Idempotent: a stamp file holding the hash of requirements.lock
// and pyproject.toml skips the work when nothing changed.
// With a wheelhouse built from the same lock (`npm run build:runtime`), the app's own provisioning
// code installs it offline with uv (scripts/provision-runtime.ts); otherwise pip installs from PyPI.
//
// Env: PYTHON (interpreter to build the venv with, default python3), STUDIO_SETUP_FORCE=1 to reinstall,
// STUDIO_SETUP_VENV (default python/.venv) and STUDIO_SETUP_WHEELHOUSE (default build/runtime), which
// tests and benchmarks point elsewhere.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const MIN = [3, 10];
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const pyDir = join(root, 'python');
const venv = process.env.STUDIO_SETUP_VENV ? resolve(process.env.STUDIO_SETUP_VENV) : join(pyDir, '.venv');
const wheelhouse = process.env.STUDIO_SETUP_WHEELHOUSE ? resolve(process.env.STUDIO_SETUP_WHEELHOUSE) : join(root, 'build', 'runtime');
const isWin = process.platform === 'win32';
const venvPython = isWin ? join(venv, 'Scripts', 'python.exe') : join(venv, 'bin', 'python');
const stampFile = join(venv, '.studio-setup-stamp');

function fail(msg) {
  console.error(`setup-python: ${msg}`);
  process.exit(1);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.error) fail(`could not run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) fail(`\`${cmd} ${args.join(' ')}\` failed with exit code ${r.status}`);
}

function pythonVersion(cmd) {
  const r = spawnSync(cmd, ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3])'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return null;
  return r.stdout.trim();
}

function stamp() {
  const h = createHash('sha256');
  for (const f of ['requirements.lock', 'pyproject.toml']) h.update(readFileSync(join(pyDir, f)));
  return h.digest('hex');
}

/** The wheelhouse, when it holds the current lock; null (pip installs) otherwise. */
function usableWheelhouse() {
  if (!existsSync(join(wheelhouse, 'manifest.json'))) return null;
  const shipped = join(wheelhouse, 'requirements.lock');
  if (existsSync(shipped) && readFileSync(shipped, 'utf8') === readFileSync(join(pyDir, 'requirements.lock'), 'utf8')) return wheelhouse;
  console.error(`setup-python: ${wheelhouse} was built from another requirements.lock; installing with pip (\`npm run build:runtime\` rebuilds it)`);
  return null;
}

export function setupPython({ quiet = false } = {}) {
  const want = stamp();
  if (!process.env.STUDIO_SETUP_FORCE && existsSync(venvPython) && existsSync(stampFile)
      && readFileSync(stampFile, 'utf8').trim() === want) {
    if (!quiet) console.error(`setup-python: ${venv} is up to date`);
    return venvPython;
  }
  const wh = usableWheelhouse();
  if (wh) {
    console.error(`setup-python: installing from the wheelhouse ${wh} (offline, uv)`);
    run(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'provision-runtime.ts'), '--wheelhouse', wh, '--target', venv, '--editable', pyDir,
      ...(process.env.STUDIO_SETUP_FORCE ? ['--force'] : [])], { stdio: ['ignore', 'ignore', 'inherit'] });
    writeFileSync(stampFile, want + '\n');
    console.error('setup-python: done');
    return venvPython;
  }
  if (!existsSync(venvPython)) {
    const base = process.env.PYTHON || (isWin ? 'python' : 'python3');
    const v = pythonVersion(base);
    if (!v) {
      fail(`no Python interpreter found (tried \`${base}\`). Pipeline Studio needs Python >= ${MIN.join('.')} `
        + 'with the venv module: install python3 (e.g. `apt install python3 python3-venv`, '
        + '`brew install python@3.11`, or python.org) or set PYTHON=/path/to/python3.');
    }
    const [maj, min] = v.split('.').map(Number);
    if (maj < MIN[0] || (maj === MIN[0] && min < MIN[1])) {
      fail(`\`${base}\` is Python ${v}; Pipeline Studio needs Python >= ${MIN.join('.')} `
        + '(DSPy 3 requires it). Install a newer python3 or set PYTHON=/path/to/python3.11.');
    }
    console.error(`setup-python: creating ${venv} with ${base} (Python ${v})`);
    run(base, ['-m', 'venv', venv]);
    if (!existsSync(venvPython)) fail('venv creation did not produce an interpreter; install python3-venv');
  }
  // A venv the wheelhouse path made has no pip of its own.
  if (spawnSync(venvPython, ['-m', 'pip', '--version'], { stdio: 'ignore' }).status !== 0) run(venvPython, ['-m', 'ensurepip', '-q']);
  console.error('setup-python: installing python/requirements.lock');
  run(venvPython, ['-m', 'pip', 'install', '--disable-pip-version-check', '-q', '-r', join(pyDir, 'requirements.lock')]);
  // The package itself: a .pth file in the venv's site-packages pointing at python/ (what an
  // editable install does, without needing a build backend or network). Site .pth files are
  // honoured under `python -I`, unlike PYTHONPATH.
  const r = spawnSync(venvPython, ['-I', '-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'],
    { encoding: 'utf8' });
  if (r.status !== 0) fail('could not locate the venv site-packages');
  writeFileSync(join(r.stdout.trim(), 'studio_runtime.pth'), pyDir + '\n');
  run(venvPython, ['-I', '-c', 'import studio_runtime, dspy, optuna'], { cwd: venv });
  writeFileSync(stampFile, want + '\n');
  console.error('setup-python: done');
  return venvPython;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  setupPython();
}
