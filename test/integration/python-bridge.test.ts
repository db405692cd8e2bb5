/**
 * The bridge against the real runtime (python/.venv, `python -I -m studio_runtime`) with the
 * simulated LM and the local Anthropic/Gemini-format servers. Nothing here is skipped: without
 * a runtime every test fails with the locator's message (run `npm run setup`).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CancelledError,
  PythonPool,
  ValidationError,
  locateRuntime,
  type LocatedRuntime,
  type PoolEvent,
  type ProgressEvent,
} from '../../electron/core/python-bridge';
import { resolveOptimizerParams } from '../../shared/dspy/optimizers';
import { createContext } from '../../electron/cli/context';
import { registerRuntimeCommands } from '../../electron/cli/commands/runtime';
import { alive, processTable, tempDataDir, until } from '../python-bridge/helpers';
import { TOY_PROGRAM } from '../support/toy-data';

interface Example {
  id: string;
  inputs: { text: string };
  outputs: { label: string };
}

const SIMULATED = { provider: 'simulated', model: 'toy' };

let runtime: LocatedRuntime;
let pool: PythonPool;
let dataset: Example[];
const events: PoolEvent[] = [];

beforeAll(async () => {
  runtime = locateRuntime();
  dataset = JSON.parse(
    execFileSync(runtime.python, ['-I', '-c', 'import json; from studio_runtime.datasets import toy_dataset; print(json.dumps(toy_dataset(24, seed=1)))'], {
      encoding: 'utf8',
    }),
  ) as Example[];
  pool = new PythonPool({ runtime, poolSize: 2, dataDir: tempDataDir(), timeout: 60_000, retryBaseDelay: 50, healthCheckInterval: 1000, healthCheckTimeout: 10_000 });
  pool.subscribe((e) => events.push(e));
  await pool.start();
});

afterAll(async () => {
  await pool?.shutdown();
});

describe('python bridge with the real runtime', () => {
  it('handshakes with protocol, Python and DSPy versions', async () => {
    expect(pool.handshake).toMatchObject({ protocol: 1 });
    expect(pool.handshake?.dspy).toMatch(/^3\./);
    const v = await pool.request<Record<string, unknown>>('versions');
    expect(v.dspy).toBe(pool.handshake?.dspy);
    expect(String(v.dspy_cachedir)).toContain('dspy-cache');
    expect(pool.status()).toMatchObject({ state: 'ready', readyWorkers: 2, runtime: { source: 'bundled-venv', dspyVersion: v.dspy } });
  });

  it('runs a program with the simulated LM', async () => {
    const res = await pool.request<{ outputs: { label: string }; lm_calls: number }>('run', {
      program: TOY_PROGRAM,
      inputs: dataset[0].inputs,
      lm: SIMULATED,
    });
    expect(['fruit', 'animal', 'color', 'tool']).toContain(res.outputs.label);
    expect(res.lm_calls).toBe(1);
  });

  it('evaluates with per-example scores and progress in order', async () => {
    const progress: ProgressEvent[] = [];
    const devset = dataset.slice(0, 8);
    const res = await pool.request<{ scores: number[]; mean: number; ids: string[] }>(
      'evaluate',
      { program: TOY_PROGRAM, dataset: devset, lm: SIMULATED, metric: 'exact_match' },
      { onProgress: (e) => progress.push(e) },
    );
    expect(res.scores).toHaveLength(8);
    expect(res.ids).toEqual(devset.map((d) => d.id));
    expect(res.mean).toBeCloseTo(res.scores.reduce((a, b) => a + b, 0) / 8);
    expect(progress.map((p) => p.trial)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(progress.every((p) => p.phase === 'evaluate' && p.total_trials === 8)).toBe(true);
  });

  it('optimizes with bootstrap_few_shot, progress phases in order, and raises the dev score', async () => {
    const progress: ProgressEvent[] = [];
    const res = await pool.request<{
      baseline_score: number;
      optimized_score: number;
      program_state: Record<string, unknown>;
      demos: Record<string, unknown[]>;
    }>(
      'optimize',
      {
        strategy: 'bootstrap_few_shot',
        program: TOY_PROGRAM,
        trainset: dataset.slice(0, 12),
        devset: dataset.slice(12),
        lm: SIMULATED,
        metric: 'exact_match',
        params: resolveOptimizerParams('bootstrap_few_shot', { max_bootstrapped_demos: 4, max_labeled_demos: 4 }),
      },
      { onProgress: (e) => progress.push(e) },
    );
    expect(res.optimized_score).toBeGreaterThan(res.baseline_score);
    expect(Object.values(res.demos)[0].length).toBeGreaterThan(0);
    expect(res.program_state).toHaveProperty('metadata');
    // Phases arrive in order, each once as a block; trial counters never go back within a phase; lm_calls only grow.
    const phases = progress.map((p) => p.phase).filter((p, i, a) => i === 0 || a[i - 1] !== p);
    expect(phases).toEqual(['baseline', 'compile', 'final', 'done']);
    for (const phase of ['baseline', 'final']) {
      const trials = progress.filter((p) => p.phase === phase).map((p) => p.trial as number);
      expect(trials).toEqual([...trials].sort((a, b) => a - b));
    }
    const calls = progress.map((p) => p.lm_calls as number);
    expect(calls).toEqual([...calls].sort((a, b) => a - b));
    expect(progress.at(-1)).toMatchObject({ phase: 'done', score: res.optimized_score });
  });

  it('a print() inside an optimizer cannot corrupt the protocol stream', async () => {
    const res = await pool.request<{ optimized_score: number }>('optimize_with_stray_output', {
      strategy: 'bootstrap_few_shot',
      program: TOY_PROGRAM,
      trainset: dataset.slice(0, 4),
      devset: dataset.slice(4, 8),
      lm: SIMULATED,
      params: resolveOptimizerParams('bootstrap_few_shot', { max_bootstrapped_demos: 2 }),
    });
    expect(typeof res.optimized_score).toBe('number');
    expect(pool.status().restarts).toBe(0);
  });

  it('a validation error (-32602) names the field and is not retried', async () => {
    const retries = events.filter((e) => e.type === 'request-retry').length;
    const err = await pool.request<any>('run', { program: TOY_PROGRAM, inputs: {}, lm: SIMULATED }).catch((e: any) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.code).toBe('INVALID_PARAMS');
    expect(err.data).toMatchObject({ field: 'inputs.text' });
    expect(events.filter((e) => e.type === 'request-retry').length).toBe(retries);
  });

  it('cancels a running request: CancelledError at once, the worker keeps serving', async () => {
    const pidsBefore = pool.pids().sort();
    const ac = new AbortController();
    const p = pool.request<any>('sleep', { seconds: 20 }, { signal: ac.signal });
    await new Promise((r) => setTimeout(r, 200));
    const t0 = Date.now();
    ac.abort();
    const err = await p.catch((e: any) => e);
    expect(err).toBeInstanceOf(CancelledError);
    expect(Date.now() - t0).toBeLessThan(1000);
    await Promise.all([pool.request('health'), pool.request('health')]);
    expect(pool.pids().sort()).toEqual(pidsBefore);
  });

  it('kill -9 of a worker mid-request: retried on a fresh worker, and the pool heals', async () => {
    // A worker still finishing an earlier (cancelled) request would look busy too: start from idle.
    await until(() => pool.status().workers.every((w) => w.state === 'idle'), 15_000, 'all workers idle');
    const pidsBefore = pool.pids();
    const t0 = Date.now();
    // Long enough that the kill lands mid-request even on a loaded machine.
    const p = pool.request<{ slept: number }>('sleep', { seconds: 4 }, { timeout: 20_000 });
    await until(() => pool.status().workers.some((w) => w.state === 'busy'), 2000, 'a busy worker');
    const victim = pool.status().workers.find((w) => w.state === 'busy')?.pid as number;
    process.kill(victim, 'SIGKILL');
    const res = await p;
    expect(res).toEqual({ slept: 4 });
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(events.some((e) => e.type === 'request-retry' && e.cause.code === 'WORKER_CRASHED')).toBe(true);
    await pool.waitHealthy(30_000);
    expect(pool.pids()).not.toContain(victim);
    // The other worker was left alone (unless a health check replaced it, which would be reported).
    if (!events.some((e) => e.type === 'health-check-failed')) expect(pool.pids().filter((pid) => pidsBefore.includes(pid))).toHaveLength(1);
    expect(alive(victim)).toBe(false);
    expect(events.some((e) => e.type === 'worker-replaced' && e.oldPid === victim)).toBe(true);
  });

  describe('providers through the local Anthropic- and Gemini-format servers', () => {
    let servers: ChildProcess | undefined;
    let urls: Record<string, string> = {};

    beforeAll(async () => {
      servers = spawn(runtime.python, ['-I', '-m', 'studio_runtime.testing.fake_providers'], { stdio: ['pipe', 'pipe', 'ignore'] }); // serves until stdin closes
      const first = await new Promise<string>((resolve, reject) => {
        const rl = createInterface({ input: servers!.stdout! });
        rl.once('line', resolve);
        servers!.once('exit', (code) => reject(new Error(`fake_providers exited with ${code} before printing its URLs`)));
        setTimeout(() => reject(new Error('fake_providers printed no URLs within 30 s')), 30_000);
      });
      urls = JSON.parse(first);
    });
    afterAll(() => {
      servers?.stdin?.end();
      servers?.kill('SIGKILL');
    });

    it.each([
      ['anthropic', 'claude-3-5-haiku-20241022'],
      ['gemini', 'gemini-1.5-flash'],
    ])('runs a program through the %s wire format', async (provider, model) => {
      const base = urls[provider] ?? urls[`${provider}_base_url`] ?? urls[`${provider}_url`];
      expect(base, `fake_providers printed ${JSON.stringify(urls)}`).toBeTruthy();
      const res = await pool.request<{ outputs: { label: string } }>('run', {
        program: TOY_PROGRAM,
        inputs: dataset[1].inputs,
        lm: { provider, model, api_base: base, api_key: 'test-key-not-real' },
      });
      expect(['fruit', 'animal', 'color', 'tool']).toContain(res.outputs.label);
      // The request really went through the provider's HTTP wire format.
      const log = (await (await fetch(`${base}/_requests`)).json()) as unknown;
      expect(JSON.stringify(log)).toContain(model);
    });
  });

  it('`pipeline-studio runtime --json` reports versions, location and a healthy pool', async () => {
    let out = '';
    const ctx = createContext({ dataDir: tempDataDir() }, { out: { write: (s: string) => ((out += s), true) } as any, err: process.stderr });
    const program = new Command('pipeline-studio').exitOverride();
    registerRuntimeCommands(program, ctx);
    await program.parseAsync(['runtime', '--json', '--pool-size', '2'], { from: 'user' });
    expect(ctx.exitCode).toBe(0);
    const report = JSON.parse(out);
    expect(report).toMatchObject({
      ok: true,
      runtime: { python: runtime.python, source: runtime.source },
      versions: { protocol: 1, dspy: pool.handshake?.dspy, python: pool.handshake?.python },
      pool: { poolSize: 2, ready: 2, healthChecksPassed: 2 },
    });
  });

  it('`pipeline-studio runtime` with no usable runtime says how to install, exit 1', async () => {
    let err = '';
    const ctx = createContext({ dataDir: tempDataDir() }, { out: process.stdout, err: { write: (s: string) => ((err += s), true) } as any });
    const program = new Command('pipeline-studio').exitOverride();
    registerRuntimeCommands(program, ctx);
    await program.parseAsync(['runtime', '--python', '/nonexistent/python'], { from: 'user' });
    expect(ctx.exitCode).toBe(1);
    expect(err).toMatch(/does not exist/);
    expect(err).toMatch(/npm run setup/);
  });

  it('shutdown leaves no process of the pool in the process table', async () => {
    const p2 = await PythonPool.start({ runtime, poolSize: 3, dataDir: tempDataDir(), healthCheckInterval: 0 });
    const pids = p2.pids();
    expect(pids).toHaveLength(3);
    const running = p2.request('sleep', { seconds: 30 }).catch((e: Error) => e);
    await p2.shutdown();
    expect(await running).toMatchObject({ code: 'POOL_CLOSED' });
    await until(() => !processTable().some((p) => pids.includes(p.pid) || pids.includes(p.pgid)), 5000, 'all workers gone');
    expect(processTable().filter((p) => pids.includes(p.ppid))).toEqual([]);
  });
});
