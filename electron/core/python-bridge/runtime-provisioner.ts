/**
 * Creates the Python runtime from a wheelhouse (built by scripts/build-runtime.mjs) with its bundled
 * uv, offline: a venv in the user's data directory for a packaged app, or python/.venv for
 * `npm run setup`. The venv is built in a temp dir beside the target and renamed into place, so a run
 * killed half-way never leaves a runtime that looks complete; a marker holding the wheelhouse's key
 * makes it idempotent and redoes it when the lock file (or the runtime package) changes.
 */
import { execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { RuntimeProvisionError } from './errors';
import { isAlive } from './worker';

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

const manifestSchema = z.object({
  format: z.literal(1),
  key: sha256Hex,
  platform: z.string().min(1),
  /** Python versions (major.minor) the wheels fit. */
  pythonVersions: z.array(z.string().regex(/^\d+\.\d+$/)).min(1),
  uv: z.object({ version: z.string().min(1), path: z.string().min(1) }),
  runtimeWheel: z.string().min(1),
  wheels: z.array(z.object({ file: z.string().min(1), sha256: sha256Hex })).min(1),
});
export type WheelhouseManifest = z.infer<typeof manifestSchema>;

const baseInterpreterSchema = z.object({
  path: z.string().min(1),
  version: z.string().min(1),
  /** bundled: shipped in the wheelhouse; configured: $PYTHON or an option; system: found on PATH. */
  source: z.enum(['bundled', 'configured', 'system']),
});
export type BaseInterpreter = z.infer<typeof baseInterpreterSchema>;

const markerSchema = z.object({
  key: z.string().min(1),
  pythonVersion: z.string().min(1),
  dspyVersion: z.string().min(1),
  baseInterpreter: baseInterpreterSchema,
  uvVersion: z.string().min(1),
  provisionedAt: z.string().min(1),
});
export type RuntimeMarker = z.infer<typeof markerSchema>;

export const MARKER_FILE = '.studio-runtime.json';
export const MIN_PYTHON: readonly [number, number] = [3, 10];
/** Where a packaged app keeps its runtime, under the data directory. */
export const provisionedVenv = (dataDir: string) => path.join(dataDir, 'python-runtime', 'venv');

export const PROVISION_STEPS = ['wheelhouse', 'python', 'venv', 'install', 'check', 'activate'] as const;
export type ProvisionStep = (typeof PROVISION_STEPS)[number];

export interface ProvisionProgress {
  step: ProvisionStep;
  /** 1-based position of the step in PROVISION_STEPS. */
  index: number;
  total: number;
  message: string;
  /** Since provisioning began. */
  elapsedMs: number;
}

export interface ProvisionOptions {
  /** The wheelhouse dir: manifest.json, requirements.lock, wheels/, bin/uv. */
  wheelhouse: string;
  /** The venv to create or refresh. */
  target: string;
  /** Install studio_runtime as a .pth file naming this source dir (development) instead of its wheel. */
  editableSource?: string;
  /** Base interpreter; default $PYTHON, the wheelhouse's bundled one, else a system Python >= 3.10. */
  python?: string;
  env?: NodeJS.ProcessEnv;
  /** Rebuild even when the marker says the runtime is up to date (Settings: Repair runtime). */
  force?: boolean;
  onProgress?: (p: ProvisionProgress) => void;
}

export interface ProvisionResult {
  /** The runtime's interpreter. */
  python: string;
  target: string;
  marker: RuntimeMarker;
  /** False when the runtime was already up to date. */
  provisioned: boolean;
  elapsedMs: number;
}

const isWindows = process.platform === 'win32';
/** A venv's interpreter. */
export const venvPython = (venv: string) => (isWindows ? path.join(venv, 'Scripts', 'python.exe') : path.join(venv, 'bin', 'python'));

/** The wheelhouse's manifest, validated; errors name the file and what is wrong. */
export function readManifest(wheelhouse: string): WheelhouseManifest {
  const file = path.join(wheelhouse, 'manifest.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new RuntimeProvisionError(`The runtime wheelhouse has no readable manifest (${file}): ${(err as Error).message}. ${REBUILD_HINT}`, 'wheelhouse');
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new RuntimeProvisionError(`The runtime wheelhouse manifest ${file} is invalid (${issues}). ${REBUILD_HINT}`, 'wheelhouse');
  }
  return parsed.data;
}

const REBUILD_HINT = 'Reinstall Pipeline Studio, or in a source checkout run `npm run build:runtime`.';

/** The marker of a complete runtime at `target`, or null (absent, unreadable, or its interpreter is gone). */
export function readMarker(target: string): RuntimeMarker | null {
  try {
    const marker = markerSchema.parse(JSON.parse(readFileSync(path.join(target, MARKER_FILE), 'utf8')));
    return existsSync(venvPython(target)) ? marker : null;
  } catch {
    return null;
  }
}

/** The key a runtime built from this wheelhouse carries (an editable install differs from a wheel install). */
export function expectedKey(manifest: WheelhouseManifest, editable: boolean): string {
  return editable ? `${manifest.key}:editable` : manifest.key;
}

/** The marker of the runtime at `target` when it is complete and built from this wheelhouse's key, else null. */
export function currentMarker(manifest: WheelhouseManifest, target: string, editable = false): RuntimeMarker | null {
  const marker = readMarker(target);
  return marker?.key === expectedKey(manifest, editable) ? marker : null;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Runs a command; `out` interleaves stdout and stderr (for error messages), `stdout` is stdout alone. */
function run(cmd: string, args: string[], opts: { env: NodeJS.ProcessEnv; cwd?: string }): Promise<{ code: number | null; out: string; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: opts.env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => ((out += d.toString()), (stdout += d.toString())));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, stdout }));
  });
}

function probe(cmd: string, env: NodeJS.ProcessEnv, accept: readonly string[] | undefined): Promise<{ path: string; version: string } | string> {
  const code = 'import sys; print(sys.executable); print("%d.%d.%d" % sys.version_info[:3])';
  return new Promise((resolve) => {
    execFile(cmd, ['-c', code], { env, timeout: 15_000 }, (err, stdout) => {
      if (err) return resolve((err as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : `does not run (${err.message.split('\n')[0]})`);
      const [exe, version] = stdout.trim().split('\n');
      const [maj, min] = (version ?? '').split('.').map(Number);
      if (!exe || !version) return resolve('printed no version');
      if (maj < MIN_PYTHON[0] || (maj === MIN_PYTHON[0] && min < MIN_PYTHON[1])) return resolve(`is Python ${version}`);
      if (accept && !accept.includes(`${maj}.${min}`)) return resolve(`is Python ${version}, the bundled packages are for ${accept.join(', ')}`);
      resolve({ path: exe, version });
    });
  });
}

/**
 * The interpreter the venv is based on: an explicit one ($PYTHON or the option; an error if unusable),
 * else the wheelhouse's bundled python-build-standalone, else the first system Python >= 3.10.
 */
export async function findBasePython(opts: { wheelhouse?: string; python?: string; env?: NodeJS.ProcessEnv; accept?: readonly string[] }): Promise<BaseInterpreter> {
  const env = opts.env ?? process.env;
  const explicit = opts.python ?? env.PYTHON;
  const need = `Python >= ${MIN_PYTHON.join('.')}`;
  if (explicit) {
    const r = await probe(explicit, env, opts.accept);
    if (typeof r === 'string') throw new RuntimeProvisionError(`The configured Python (${explicit}) ${r}; Pipeline Studio needs ${need}.`, 'python');
    return { ...r, source: 'configured' };
  }
  const tried: string[] = [];
  if (opts.wheelhouse) {
    const bundled = isWindows ? path.join(opts.wheelhouse, 'python', 'python.exe') : path.join(opts.wheelhouse, 'python', 'bin', 'python3');
    if (existsSync(bundled)) {
      const r = await probe(bundled, env, opts.accept);
      if (typeof r !== 'string') return { ...r, source: 'bundled' };
      tried.push(`${bundled} ${r}`);
    }
  }
  const names = isWindows ? ['python', 'py'] : ['python3', 'python3.13', 'python3.12', 'python3.11', 'python3.10', 'python'];
  for (const name of names) {
    const r = await probe(name, env, opts.accept);
    if (typeof r !== 'string') return { ...r, source: 'system' };
    tried.push(`${name} ${r}`);
  }
  throw new RuntimeProvisionError(
    `No ${need}${opts.accept ? ` of version ${opts.accept.join(' or ')}` : ''} found (tried: ${tried.join('; ')}). Install ${opts.accept ? `Python ${opts.accept.join(' or ')}` : 'Python 3.10 or newer'} (e.g. \`apt install python3\`, ` +
      '`brew install python@3.12`, or python.org), or set PYTHON=/path/to/python3.',
    'python',
  );
}

async function fileSha256(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Every wheel present with its recorded sha256; a missing or corrupted wheel is named. */
export async function verifyWheelhouse(wheelhouse: string, manifest: WheelhouseManifest): Promise<void> {
  const platform = `${process.platform}-${process.arch}`;
  if (manifest.platform !== platform) {
    throw new RuntimeProvisionError(`The runtime wheelhouse was built for ${manifest.platform}, this machine is ${platform}. ${REBUILD_HINT}`, 'wheelhouse');
  }
  if (!existsSync(path.join(wheelhouse, manifest.uv.path))) {
    throw new RuntimeProvisionError(`The runtime wheelhouse lacks uv (${path.join(wheelhouse, manifest.uv.path)}). ${REBUILD_HINT}`, 'wheelhouse');
  }
  for (const w of manifest.wheels) {
    const file = path.join(wheelhouse, 'wheels', w.file);
    let actual: string;
    try {
      actual = await fileSha256(file);
    } catch {
      throw new RuntimeProvisionError(`The runtime wheelhouse is missing the wheel ${w.file} (${file}). ${REBUILD_HINT}`, 'wheelhouse');
    }
    if (actual !== w.sha256) {
      throw new RuntimeProvisionError(
        `The runtime wheelhouse holds a corrupted wheel: ${w.file} (sha256 ${actual}, expected ${w.sha256}). ${REBUILD_HINT}`,
        'wheelhouse',
      );
    }
  }
}

/**
 * An exclusive lock beside the target. A lock held by a live process is waited for (another app or CLI
 * instance provisioning the same runtime); a lock whose process is gone is taken over.
 */
async function takeLock(target: string, onWait: (pid: number) => void, timeoutMs = 15 * 60_000): Promise<() => Promise<void>> {
  const file = `${target}.lock`;
  const deadline = Date.now() + timeoutMs;
  let waitingFor = 0;
  for (;;) {
    try {
      await fs.writeFile(file, String(process.pid), { flag: 'wx' });
      return () => fs.rm(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const pid = Number(await fs.readFile(file, 'utf8').catch(() => ''));
    if (!(Number.isInteger(pid) && pid > 0 && isAlive(pid))) {
      await fs.rm(file, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new RuntimeProvisionError(`Another process (pid ${pid}) has been creating the Python runtime at ${target} for too long; if it hangs, end it and start again.`, 'venv');
    }
    if (pid !== waitingFor) onWait((waitingFor = pid));
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Environment for uv: no user config, no interpreter downloads, nothing from the network. */
function uvEnv(env: NodeJS.ProcessEnv, cacheDir: string): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'TEMP', 'TMP', 'SYSTEMROOT', 'LANG'];
  const out: NodeJS.ProcessEnv = Object.fromEntries(keep.filter((k) => env[k] !== undefined).map((k) => [k, env[k]]));
  return { ...out, UV_CACHE_DIR: cacheDir, UV_NO_CONFIG: '1', UV_PYTHON_DOWNLOADS: 'never', UV_OFFLINE: '1' };
}

const CHECK_SCRIPT = [
  'import json, sys, dspy, optuna, studio_runtime',
  'print(json.dumps({"python": "%d.%d.%d" % sys.version_info[:3], "dspy": dspy.__version__}))',
].join('\n');

/** Creates (or refreshes) the runtime at `target` from the wheelhouse; a no-op when its marker is current. */
export async function provisionRuntime(opts: ProvisionOptions): Promise<ProvisionResult> {
  const started = Date.now();
  const target = path.resolve(opts.target);
  const env = opts.env ?? process.env;
  const report = (step: ProvisionStep, message: string) =>
    opts.onProgress?.({ step, index: PROVISION_STEPS.indexOf(step) + 1, total: PROVISION_STEPS.length, message, elapsedMs: Date.now() - started });

  report('wheelhouse', `Checking the bundled packages in ${opts.wheelhouse}`);
  const manifest = readManifest(opts.wheelhouse);
  const editable = opts.editableSource !== undefined;
  const key = expectedKey(manifest, editable);
  const unchanged = (marker: RuntimeMarker): ProvisionResult => ({ python: venvPython(target), target, marker, provisioned: false, elapsedMs: Date.now() - started });
  const current = opts.force ? null : currentMarker(manifest, target, editable);
  if (current) return unchanged(current);
  await verifyWheelhouse(opts.wheelhouse, manifest);

  const parent = path.dirname(target);
  await fs.mkdir(parent, { recursive: true });
  const release = await takeLock(target, (pid) => report('wheelhouse', `Waiting for another process (pid ${pid}) that is creating this runtime`));
  // Whoever held the lock may have just made it current.
  const done = opts.force ? null : currentMarker(manifest, target, editable);
  if (done) {
    await release();
    return unchanged(done);
  }
  const stage = path.join(parent, `.${path.basename(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  const cache = `${stage}-uv-cache`;
  try {
    // Leftovers of runs that were killed: never complete, never in use.
    const prefix = `.${path.basename(target)}.`;
    for (const name of await fs.readdir(parent)) {
      if (name.startsWith(prefix) && /\.(tmp|old)-/.test(name)) await fs.rm(path.join(parent, name), { recursive: true, force: true });
    }

    report('python', 'Looking for a Python interpreter');
    const base = await findBasePython({ wheelhouse: opts.wheelhouse, python: opts.python, env, accept: manifest.pythonVersions });
    const baseLabel = base.source === 'bundled' ? 'the bundled Python' : base.source === 'configured' ? 'the configured Python' : 'the system Python';
    report('python', `Using ${baseLabel} ${base.version} (${base.path})`);

    const uv = path.join(opts.wheelhouse, manifest.uv.path);
    // Beside the stage (same filesystem, so uv hard-links from it), removed with it.
    const uvE = uvEnv(env, cache);
    const step = async (name: ProvisionStep, args: string[], what: string) => {
      const r = await run(uv, args, { env: uvE, cwd: parent });
      if (r.code !== 0) throw new RuntimeProvisionError(`${what} failed (uv exit ${r.code}):\n${r.out.trim().split('\n').slice(-15).join('\n')}`, name);
    };
    report('venv', `Creating the virtual environment with uv ${manifest.uv.version}`);
    await step('venv', ['venv', '--relocatable', '--no-python-downloads', '--offline', '--python', base.path, stage], 'Creating the virtual environment');
    const python = venvPython(stage);

    report('install', `Installing ${manifest.wheels.length} packages from the bundled wheels (offline)`);
    const wheels = path.join(opts.wheelhouse, 'wheels');
    const pkgs = opts.editableSource ? [] : [path.join(wheels, manifest.runtimeWheel)];
    await step(
      'install',
      ['pip', 'install', '--offline', '--no-index', '--no-build', '--find-links', wheels, '--python', python, '-r', path.join(opts.wheelhouse, 'requirements.lock'), ...pkgs],
      'Installing the bundled wheels',
    );
    if (opts.editableSource) {
      // What an editable install does, without a build backend: site .pth files are honoured under -I.
      const r = await run(python, ['-I', '-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'], { env: uvE, cwd: stage });
      if (r.code !== 0) throw new RuntimeProvisionError(`Could not locate the venv's site-packages: ${r.out.trim()}`, 'install');
      await fs.writeFile(path.join(r.stdout.trim(), 'studio_runtime.pth'), path.resolve(opts.editableSource) + '\n');
    }

    report('check', 'Checking that studio_runtime, DSPy and Optuna import');
    const check = await run(python, ['-I', '-c', CHECK_SCRIPT], { env: uvE, cwd: stage });
    const versions = check.code === 0 ? z.object({ python: z.string(), dspy: z.string() }).safeParse(parseJson(check.stdout)) : null;
    if (!versions?.success) throw new RuntimeProvisionError(`The new runtime does not import studio_runtime, dspy and optuna:\n${check.out.trim()}`, 'check');

    report('activate', `Moving the runtime into place at ${target}`);
    const marker: RuntimeMarker = {
      key,
      pythonVersion: versions.data.python,
      dspyVersion: versions.data.dspy,
      baseInterpreter: base,
      uvVersion: manifest.uv.version,
      provisionedAt: new Date().toISOString(),
    };
    await fs.writeFile(path.join(stage, MARKER_FILE), JSON.stringify(marker, null, 2) + '\n');
    // Renames are atomic: killed between the two, the target is absent and the next start rebuilds it.
    const old = existsSync(target) ? path.join(parent, `.${path.basename(target)}.old-${randomBytes(4).toString('hex')}`) : null;
    if (old) await fs.rename(target, old);
    await fs.rename(stage, target);
    if (old) await fs.rm(old, { recursive: true, force: true });
    return { python: venvPython(target), target, marker, provisioned: true, elapsedMs: Date.now() - started };
  } finally {
    await fs.rm(cache, { recursive: true, force: true });
    await fs.rm(stage, { recursive: true, force: true });
    await release();
  }
}

/** Python and installed DSPy versions of an interpreter, read without importing DSPy (null if it does not run). */
export function probeVersions(python: string): Promise<{ python: string; dspy: string | null } | null> {
  const code = [
    'import json, sys, importlib.metadata as m',
    'try:\n    d = m.version("dspy")\nexcept m.PackageNotFoundError:\n    d = None',
    'print(json.dumps({"python": "%d.%d.%d" % sys.version_info[:3], "dspy": d}))',
  ].join('\n');
  return new Promise((resolve) => {
    execFile(python, ['-I', '-c', code], { timeout: 15_000, cwd: path.dirname(python) }, (err, stdout) => {
      const parsed = z.object({ python: z.string(), dspy: z.string().nullable() }).safeParse(err ? null : parseJson(stdout));
      resolve(parsed.success ? parsed.data : null);
    });
  });
}

/** The wheelhouse a packaged app ships (resources/runtime) or a checkout built (build/runtime), if any. */
export function findWheelhouse(opts: { resourcesPath?: string | null; repoRoot?: string | null }): string | null {
  const candidates = [opts.resourcesPath && path.join(opts.resourcesPath, 'runtime'), opts.repoRoot && path.join(opts.repoRoot, 'build', 'runtime')];
  return candidates.find((c): c is string => !!c && existsSync(path.join(c, 'manifest.json'))) ?? null;
}
