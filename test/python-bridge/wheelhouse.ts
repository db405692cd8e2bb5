/**
 * The runtime wheelhouse for tests and benchmarks, built as CI would with `scripts/build-runtime.mjs`.
 * The pinned wheels and uv come from the checkout's build/runtime when it holds the same lock (CI builds
 * it first), else they are downloaded from PyPI once (about a minute) and cached under the OS temp dir,
 * keyed by the hash of the lock and the build script; each use then builds a fresh wheelhouse
 * (studio_runtime from the current sources, the rest reused from the cache) in a temp dir that is not
 * the checkout, as a packaged app's resources would be.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { cp, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

// Asynchronous: a minute of blocking would stall vitest's worker.
async function buildRuntime(args: string[], log: (msg: string) => void): Promise<void> {
  log(`runtime wheelhouse: node scripts/build-runtime.mjs ${args.join(' ')}`);
  const child = spawn(process.execPath, [path.join(repoRoot, 'scripts', 'build-runtime.mjs'), ...args], { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] });
  const code = await new Promise<number | null>((resolve, reject) => child.on('error', reject).on('exit', resolve));
  if (code !== 0) throw new Error(`scripts/build-runtime.mjs failed (exit ${code}); it needs python3 with pip and access to PyPI`);
}

/** The cached wheelhouse of the current lock (its studio_runtime wheel may be older than the sources). */
async function cachedWheelhouse(log: (msg: string) => void): Promise<string> {
  const h = createHash('sha256');
  for (const f of ['python/requirements.lock', 'scripts/build-runtime.mjs']) h.update(readFileSync(path.join(repoRoot, f)));
  const dir = path.join(os.tmpdir(), `pipeline-studio-wheelhouse-${h.digest('hex').slice(0, 16)}`);
  if (existsSync(path.join(dir, 'manifest.json'))) return dir;
  log(`runtime wheelhouse: downloading the pinned wheels and uv once into ${dir}`);
  // Built under a name of its own and renamed: others building the same key at once never see a partial one.
  const building = `${dir}.building-${process.pid}`;
  await buildRuntime(['--out', building], log);
  try {
    await rename(building, dir);
  } catch (err) {
    if (!existsSync(path.join(dir, 'manifest.json'))) throw err;
    await rm(building, { recursive: true, force: true });
  }
  return dir;
}

/** A wheelhouse of the current lock and sources, built into a fresh temp dir under `parent`. */
export async function freshWheelhouse(parent: string, log: (msg: string) => void = (m) => console.log(m)): Promise<string> {
  const built = path.join(repoRoot, 'build', 'runtime');
  const sameLock = (dir: string) => existsSync(path.join(dir, 'manifest.json')) && readFileSync(path.join(dir, 'requirements.lock'), 'utf8') === readFileSync(path.join(repoRoot, 'python', 'requirements.lock'), 'utf8');
  const cache = sameLock(built) ? built : await cachedWheelhouse(log);
  const out = path.join(mkdtempSync(path.join(parent, 'resources-')), 'runtime');
  await buildRuntime(['--out', out, '--reuse', cache], log);
  return out;
}

/** A copy of a wheelhouse in a fresh temp dir (to damage or change without touching the original). */
export async function copiedWheelhouse(source: string, parent: string): Promise<string> {
  const dir = path.join(mkdtempSync(path.join(parent, 'resources-')), 'runtime');
  await cp(source, dir, { recursive: true });
  return dir;
}
