/**
 * Runtime provisioning from a wheelhouse built by scripts/build-runtime.mjs (pinned wheels downloaded
 * once and cached) into a temp dir outside the checkout, offline (uv --offline --no-index): the bridge's health check and a tiny
 * optimization against the result; idempotence and a changed lock; a provisioning killed half-way; a
 * corrupted or missing wheel; `npm run setup` through the same code; Studio's first use and repair.
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PythonPool, RuntimeProvisionError, locateRuntime } from '../../electron/core/python-bridge';
import {
  MARKER_FILE,
  PROVISION_STEPS,
  provisionRuntime,
  provisionedVenv,
  readMarker,
  type ProvisionProgress,
} from '../../electron/core/python-bridge/runtime-provisioner';
import { Studio } from '../../electron/core/studio';
import { createStudioService } from '../../electron/core/studio-service/service';
import type { RuntimeStatus } from '../../shared/api/index';
import { resolveOptimizerParams } from '../../shared/dspy/optimizers';
import { TOY_PROGRAM } from '../support/toy-data';
import { repoRoot } from './helpers';
import { copiedWheelhouse, freshWheelhouse } from './wheelhouse';

const LONG = 600_000;
// Asynchronous throughout: blocking the worker for long stalls vitest's reporting.
const run = promisify(execFile);
let wheelhouse: string;
let dataDir: string;

// Venvs hold tens of thousands of files: removed asynchronously (a synchronous removal blocks the worker for a minute).
const scratch: string[] = [];
function tempDataDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ps-provision-test-'));
  scratch.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(scratch.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}, LONG);

beforeAll(async () => {
  const root = tempDataDir();
  wheelhouse = await freshWheelhouse(root);
  dataDir = path.join(root, 'data');
  expect(path.relative(repoRoot, wheelhouse).startsWith('..')).toBe(true);
}, LONG);

async function expectProvisionError(work: Promise<unknown>, pattern: RegExp, step: string): Promise<void> {
  const err = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RuntimeProvisionError);
  expect((err as RuntimeProvisionError).message).toMatch(pattern);
  expect((err as RuntimeProvisionError).step).toBe(step);
}

describe('runtime provisioning from the wheelhouse', () => {
  it('creates the runtime in the data directory, offline; the bridge health-checks it and optimizes', async () => {
    const progress: ProvisionProgress[] = [];
    const target = provisionedVenv(dataDir);
    const result = await provisionRuntime({ wheelhouse, target, onProgress: (p) => progress.push(p) });
    expect(result).toMatchObject({ provisioned: true, python: path.join(target, 'bin', 'python') });
    expect(result.marker).toMatchObject({ pythonVersion: expect.stringMatching(/^3\.\d+/), dspyVersion: '3.4.1' });
    expect(['bundled', 'system']).toContain(result.marker.baseInterpreter.source);
    // Every step reported, in order, and the Python that was used named.
    expect([...new Set(progress.map((p) => p.step))]).toEqual([...PROVISION_STEPS]);
    expect(progress.some((p) => /^Using the (system|bundled) Python 3\.\d+/.test(p.message))).toBe(true);
    // The installed package is the wheel's copy, not the checkout's sources.
    const where = (await run(result.python, ['-I', '-c', 'import studio_runtime; print(studio_runtime.__file__)'], { cwd: dataDir })).stdout.trim();
    expect(where.startsWith(target)).toBe(true);

    const runtime = locateRuntime({ env: {}, repoRoot: null, dataDir });
    expect(runtime).toMatchObject({ source: 'provisioned', python: result.python });
    const pool = new PythonPool({ runtime, poolSize: 1, dataDir, healthCheckInterval: 0, timeout: 120_000 });
    try {
      await pool.start();
      expect(await pool.request<{ ok: boolean }>('health')).toMatchObject({ ok: true });
      const dataset = JSON.parse(
        (await run(result.python, ['-I', '-c', 'import json; from studio_runtime.datasets import toy_dataset; print(json.dumps(toy_dataset(16, seed=1)))'], { cwd: dataDir })).stdout,
      ) as unknown[];
      const res = await pool.request<{ optimized_score: number; baseline_score: number }>('optimize', {
        strategy: 'bootstrap_few_shot',
        program: TOY_PROGRAM,
        trainset: dataset.slice(0, 8),
        devset: dataset.slice(8),
        lm: { provider: 'simulated', model: 'toy' },
        metric: 'exact_match',
        params: resolveOptimizerParams('bootstrap_few_shot', { max_bootstrapped_demos: 2, max_labeled_demos: 2 }),
      });
      expect(typeof res.optimized_score).toBe('number');
    } finally {
      await pool.shutdown();
    }
  }, LONG);

  it('is idempotent, and provisions anew when the lock (the wheelhouse key) changes', async () => {
    const target = provisionedVenv(dataDir);
    const before = readMarker(target);
    const again = await provisionRuntime({ wheelhouse, target });
    expect(again.provisioned).toBe(false);
    expect(again.marker.provisionedAt).toBe(before?.provisionedAt);

    const changed = await copiedWheelhouse(wheelhouse, tempDataDir());
    const manifest = JSON.parse(readFileSync(path.join(changed, 'manifest.json'), 'utf8')) as { key: string };
    writeFileSync(path.join(changed, 'manifest.json'), JSON.stringify({ ...manifest, key: 'f'.repeat(64) }));
    const updated = await provisionRuntime({ wheelhouse: changed, target });
    expect(updated.provisioned).toBe(true);
    expect(updated.marker.key).toBe('f'.repeat(64));
    expect(readdirSync(path.dirname(target))).toEqual(['venv']);
  }, LONG);

  it('a provisioning killed half-way leaves no runtime that looks complete; the next start redoes it', async () => {
    const dir = path.join(tempDataDir(), 'data');
    const target = provisionedVenv(dir);
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/provision-runtime.ts', '--wheelhouse', wheelhouse, '--target', target], {
      cwd: repoRoot,
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    for await (const line of createInterface({ input: child.stderr! })) {
      console.log(line);
      // Killed with everything it started (uv), as when the app is killed during installation.
      if (line.includes('[4/6 install]')) {
        process.kill(-child.pid!, 'SIGKILL');
        break;
      }
    }
    expect(await exited).toBe('SIGKILL');
    expect(existsSync(target)).toBe(false);
    expect(readMarker(target)).toBeNull();
    const leftovers = readdirSync(path.dirname(target));
    expect(leftovers).toContain('venv.lock');
    expect(leftovers.some((n) => n.startsWith('.venv.tmp-'))).toBe(true);

    const redone = await provisionRuntime({ wheelhouse, target });
    expect(redone.provisioned).toBe(true);
    expect(readdirSync(path.dirname(target))).toEqual(['venv']);
    expect(existsSync(path.join(target, MARKER_FILE))).toBe(true);
  }, LONG);

  it('two provisionings at once: the second waits for the first and finds the runtime current', async () => {
    const target = provisionedVenv(path.join(tempDataDir(), 'data'));
    const waits: string[] = [];
    const onProgress = (p: ProvisionProgress) => p.message.startsWith('Waiting for another process') && waits.push(p.message);
    const [a, b] = await Promise.all([provisionRuntime({ wheelhouse, target, onProgress }), provisionRuntime({ wheelhouse, target, onProgress })]);
    expect([a.provisioned, b.provisioned].sort()).toEqual([false, true]);
    expect(waits).toEqual([`Waiting for another process (pid ${process.pid}) that is creating this runtime`]);
    expect(b.marker).toEqual(a.marker);
  }, LONG);

  it('refuses a corrupted or missing wheel, naming it, before touching the runtime', async () => {
    const broken = await copiedWheelhouse(wheelhouse, tempDataDir());
    const wheel = readdirSync(path.join(broken, 'wheels')).find((f) => f.startsWith('six-'))!;
    const file = path.join(broken, 'wheels', wheel);
    writeFileSync(file, readFileSync(file).subarray(0, statSync(file).size >> 1));
    const target = path.join(tempDataDir(), 'venv');
    await expectProvisionError(provisionRuntime({ wheelhouse: broken, target }), new RegExp(`corrupted wheel: ${wheel.replace(/\./g, '\\.')} \\(sha256 [0-9a-f]{64}, expected`), 'wheelhouse');
    rmSync(file);
    await expectProvisionError(provisionRuntime({ wheelhouse: broken, target }), new RegExp(`missing the wheel ${wheel.replace(/\./g, '\\.')}`), 'wheelhouse');
    expect(existsSync(target)).toBe(false);
  });

  it('says which Python versions the bundled packages need when no interpreter fits', async () => {
    const other = await copiedWheelhouse(wheelhouse, tempDataDir());
    const manifest = JSON.parse(readFileSync(path.join(other, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(path.join(other, 'manifest.json'), JSON.stringify({ ...manifest, pythonVersions: ['3.99'] }));
    await expectProvisionError(provisionRuntime({ wheelhouse: other, target: path.join(tempDataDir(), 'venv') }), /No Python >= 3\.10 of version 3\.99 found \(tried: .*the bundled packages are for 3\.99/, 'python');
  }, LONG);

  it('npm run setup installs from a wheelhouse of the same lock with the same code (studio_runtime editable)', async () => {
    const venv = path.join(tempDataDir(), 'dev-venv');
    const env = { ...process.env, STUDIO_SETUP_VENV: venv, STUDIO_SETUP_WHEELHOUSE: wheelhouse, STUDIO_SETUP_FORCE: '' };
    const child = spawn(process.execPath, ['scripts/setup-python.mjs'], { cwd: repoRoot, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const r = { status: await new Promise<number | null>((resolve) => child.on('close', resolve)), stderr };
    console.log(r.stderr);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/installing from the wheelhouse .* \(offline, uv\)/);
    expect(r.stderr).toMatch(/\[6\/6 activate\]/);
    const where = (await run(path.join(venv, 'bin', 'python'), ['-I', '-c', 'import studio_runtime; print(studio_runtime.__file__)'], { cwd: venv })).stdout.trim();
    expect(where).toBe(path.join(repoRoot, 'python', 'studio_runtime', '__init__.py'));
    const again = await run(process.execPath, ['scripts/setup-python.mjs'], { cwd: repoRoot, env });
    expect(again.stderr).toMatch(/is up to date/);
  }, LONG);

  it('the app starts provisioning when it opens, shows the steps, and "Repair runtime" rebuilds it', async () => {
    const service = createStudioService({
      dataDir: path.join(tempDataDir(), 'data'),
      mode: 'test',
      env: {},
      studio: { runtime: { wheelhouse, repoRoot: null }, pool: { poolSize: 1, healthCheckInterval: 0 } },
    });
    const states: string[] = [];
    service.subscribe((e) => {
      if (e.event !== 'runtime.progress') return;
      const s = e.payload as RuntimeStatus;
      states.push(s.state === 'provisioning' ? `provisioning ${s.progress?.step ?? ''}`.trim() : s.state);
    });
    try {
      // Opening the app starts it; the first pool waits for the same provisioning.
      const studio = await service.studio();
      expect(studio.runtime.status.state).toBe('provisioning');
      const pool = await studio.pool();
      expect(pool.runtime).toMatchObject({ source: 'provisioned' });
      expect([...new Set(states)]).toEqual(['provisioning', ...PROVISION_STEPS.map((s) => `provisioning ${s}`), 'ready']);
      const before = await service.call('runtime.info', {});
      expect(before).toMatchObject({ source: 'provisioned', repairable: true, dspyVersion: '3.4.1', baseInterpreter: { source: 'system' }, status: { state: 'ready', provisioned: true } });
      // A later start finds it current: no provisioning state at all.
      const seen = states.length;
      await studio.restartPool();
      expect(states.length).toBe(seen);
      const after = await service.call('runtime.repair', {});
      expect(after.provisionedAt).not.toBe(before.provisionedAt);
      expect(after.status).toMatchObject({ state: 'ready', provisioned: true });
      expect(states.slice(seen)).toContain('provisioning check');
      expect(await (await studio.pool()).request<{ ok: boolean }>('health')).toMatchObject({ ok: true });
    } finally {
      await service.close();
    }
  }, LONG);

  it('repair refuses when a development venv is the runtime in use, naming it', async () => {
    const studio = await Studio.open({ dataDir: path.join(tempDataDir(), 'data'), runtime: { wheelhouse }, pool: { poolSize: 1, healthCheckInterval: 0 } });
    try {
      expect(studio.runtime.info()).toMatchObject({ source: 'bundled-venv', repairable: false });
      await expectProvisionError(studio.runtime.ensure(true), /the bundled venv \(python\/\.venv\).*npm run setup/, 'wheelhouse');
    } finally {
      await studio.close();
    }
  });
});
