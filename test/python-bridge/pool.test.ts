/**
 * The pool against a stand-in worker (test/fixtures/python/standin_worker.py) that can
 * misbehave on demand: garbage and oversized frames, silence, crashes, a wrong protocol.
 */
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BusyError,
  CancelledError,
  PythonPool,
  RetriesExhaustedError,
  ValidationError,
  type PoolEvent,
  type PoolOptions,
} from '../../electron/core/python-bridge';
import { alive, processTable, standin, standinRuntime, tempDataDir, until } from './helpers';

const pools: PythonPool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.shutdown()));
});

async function startPool(opts: PoolOptions = {}, extraArgs: string[] = []): Promise<PythonPool> {
  const pool = new PythonPool({
    runtime: standinRuntime(),
    args: [standin, ...extraArgs],
    dataDir: tempDataDir(),
    poolSize: 2,
    healthCheckInterval: 0,
    retryBaseDelay: 20,
    ...opts,
  });
  pools.push(pool);
  await pool.start();
  return pool;
}

describe('python pool (stand-in worker)', () => {
  it('starts pool_size workers and answers requests', async () => {
    const pool = await startPool({ poolSize: 3 });
    expect(pool.status()).toMatchObject({ state: 'ready', poolSize: 3, readyWorkers: 3, queueDepth: 0 });
    expect(await pool.request('echo', { a: 1 })).toEqual({ a: 1 });
    const st = pool.status();
    expect(st.workers.every((w) => typeof w.pid === 'number' && w.state === 'idle')).toBe(true);
    expect(st.workers.reduce((n, w) => n + w.requestsServed, 0)).toBe(1);
    expect(st.workers[0].rssBytes).toBeGreaterThan(1024 * 1024);
  });

  it('isolates workers: scrubbed env, private cwd, data dirs, memory limit', async () => {
    process.env.ANTHROPIC_API_KEY = 'sk-must-not-leak';
    try {
      const dataDir = tempDataDir();
      const pool = await startPool({ poolSize: 1, dataDir, memoryLimitBytes: 2 * 1024 ** 3 });
      const env = await pool.request<Record<string, string>>('env');
      expect(Object.keys(env).sort()).toEqual(['DSPY_CACHEDIR', 'HOME', 'LANG', 'PATH', 'STUDIO_DSPY_CACHEDIR', 'STUDIO_HOST_PID', 'STUDIO_PROGRAMS_DIR', 'TMPDIR']);
      expect(env.STUDIO_DSPY_CACHEDIR.startsWith(dataDir)).toBe(true);
      expect(env.STUDIO_PROGRAMS_DIR.startsWith(dataDir)).toBe(true);
      const { cwd } = await pool.request<{ cwd: string }>('cwd');
      expect(cwd).toBe(env.HOME);
      expect(cwd).toMatch(/pipeline-studio-worker-/);
      const pid = pool.pids()[0];
      const limits = (await import('node:fs')).readFileSync(`/proc/${pid}/limits`, 'utf8');
      expect(limits).toMatch(/Max address space\s+2147483648/);
      await pool.shutdown();
      expect(existsSync(cwd)).toBe(false);
    } finally {
      delete process.env.ANTHROPIC_API_KEY;
    }
  });

  it("sends the worker's stderr lines to the injected logger", async () => {
    const lines: { message: string; meta?: Record<string, unknown> }[] = [];
    const noop = () => {};
    const pool = await startPool({ poolSize: 1, logger: { debug: noop, warn: noop, error: noop, info: (message, meta) => lines.push({ message, meta }) } });
    await pool.request('crash', {}, { maxRetries: 0 }).catch(() => {});
    expect(lines.some((l) => l.message === 'stand-in worker starting' && l.meta?.stream === 'stderr' && typeof l.meta?.pid === 'number')).toBe(true);
    await until(() => lines.some((l) => l.message === 'stand-in: crashing on purpose'), 2000, 'crash line');
  });

  it('routes progress notifications to the request in order', async () => {
    const pool = await startPool();
    const events: unknown[] = [];
    await pool.request('progress', { count: 4 }, { onProgress: (e) => events.push(e.trial) });
    expect(events).toEqual([1, 2, 3, 4]);
  });

  it('a validation error (-32602) is returned at once and never retried', async () => {
    const pool = await startPool();
    const retries: PoolEvent[] = [];
    pool.subscribe((e) => e.type === 'request-retry' && retries.push(e));
    const err = await pool.request<any>('invalid').catch((e: any) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.code).toBe('INVALID_PARAMS');
    expect(err.data).toEqual({ field: 'x' });
    expect(retries).toHaveLength(0);
  });

  it('a worker that dies at start fails start() with its last stderr lines', async () => {
    const err = await startPool({}, ['--die-at-start']).catch((e: any) => e);
    expect(err.code).toBe('WORKER_START_FAILED');
    expect(err.message).toMatch(/exited with code 3 before its ready handshake/);
    expect(err.message).toMatch(/No module named 'dspy'/);
  });

  it('a protocol version mismatch is a clear error', async () => {
    const err = await startPool({}, ['--protocol', '2']).catch((e: any) => e);
    expect(err.code).toBe('PROTOCOL_MISMATCH');
    expect(err.message).toMatch(/speaks protocol 2, this app needs protocol 1/);
  });

  it('a runtime that never sends ready times out at start', async () => {
    const t0 = Date.now();
    const err = await startPool({ startupTimeout: 500, poolSize: 1 }, ['--silent-start']).catch((e: any) => e);
    expect(err.code).toBe('WORKER_START_FAILED');
    expect(err.message).toMatch(/did not send its ready handshake within 500 ms/);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it.each([
    ['garbage', /not JSON/],
    ['not_jsonrpc', /not a JSON-RPC 2.0 object/],
    ['oversized', /larger than the 16777216-byte limit/],
  ])('a %s frame fails the request clearly and the worker is replaced', async (method, message) => {
    const pool = await startPool({ poolSize: 1 });
    const [oldPid] = pool.pids();
    const replaced = new Promise<PoolEvent>((resolve) => pool.once('worker-replaced', resolve));
    const t0 = Date.now();
    const err = await pool.request<any>(method).catch((e: any) => e);
    expect(err.code).toBe('PROTOCOL_ERROR');
    expect(err.message).toMatch(message);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(await replaced).toMatchObject({ type: 'worker-replaced', oldPid });
    await pool.waitHealthy(10_000);
    expect(pool.pids()[0]).not.toBe(oldPid);
    await until(() => !alive(oldPid), 5000, 'old worker gone');
    expect(await pool.request('echo', { ok: 1 })).toEqual({ ok: 1 });
  });

  it('a hung worker is found by the health check and replaced', async () => {
    const pool = await startPool({ poolSize: 2, healthCheckInterval: 200, healthCheckTimeout: 300 });
    const failed: PoolEvent[] = [];
    pool.subscribe((e) => e.type === 'health-check-failed' && failed.push(e));
    // Put one specific worker into silence: send to whichever is free first, remember its pid.
    const before = pool.pids();
    await pool.request('stop_answering');
    await until(() => failed.length >= 1, 5000, 'health check failure');
    const hungPid = (failed[0] as { pid: number }).pid;
    expect(before).toContain(hungPid);
    await until(() => !alive(hungPid), 5000, 'hung worker killed');
    await pool.waitHealthy(10_000);
    expect(pool.pids()).not.toContain(hungPid);
    expect(pool.status().restarts).toBeGreaterThanOrEqual(1);
  });

  it('a crash mid-request is retried on a fresh worker with backoff, then fails naming the cause', async () => {
    const pool = await startPool({ poolSize: 2, maxRetries: 2 });
    const retries: PoolEvent[] = [];
    pool.subscribe((e) => e.type === 'request-retry' && retries.push(e));
    const err = await pool.request<any>('crash').catch((e: any) => e);
    expect(err).toBeInstanceOf(RetriesExhaustedError);
    expect(err.code).toBe('RETRIES_EXHAUSTED');
    expect(err.message).toMatch(/failed after 3 attempts; last cause: Python worker \d+ \(pid \d+\) exited with code 9/);
    expect(err.message).toMatch(/crashing on purpose/);
    expect(retries.map((r) => (r as { delayMs: number }).delayMs)).toEqual([20, 40]);
    await pool.waitHealthy(10_000);
  });

  it('kill -9 of a worker mid-request: the request is retried on a fresh worker and succeeds', async () => {
    const pool = await startPool({ poolSize: 1 });
    const [pid] = pool.pids();
    const p = pool.request<{ pid: number }>('sleep', { seconds: 0.5 });
    await new Promise((r) => setTimeout(r, 100));
    process.kill(pid, 'SIGKILL');
    const res = await p;
    expect(res.pid).not.toBe(pid);
    expect(pool.status().readyWorkers).toBe(1);
  });

  it('a timeout kills the worker and is retried, then reported', async () => {
    const pool = await startPool({ poolSize: 1, maxRetries: 1, timeout: 200 });
    const err = await pool.request<any>('sleep', { seconds: 5 }).catch((e: any) => e);
    expect(err.code).toBe('RETRIES_EXHAUSTED');
    expect(err.cause.code).toBe('TIMEOUT');
    expect(err.message).toMatch(/did not answer within 200 ms/);
    await pool.waitHealthy(10_000);
  });

  it('cancellation rejects with CancelledError and sends cancel to the worker', async () => {
    const pool = await startPool({ poolSize: 1 });
    const ac = new AbortController();
    const p = pool.request<any>('sleep', { seconds: 10 }, { signal: ac.signal });
    setTimeout(() => ac.abort(), 100);
    const t0 = Date.now();
    const err = await p.catch((e: any): any => e);
    expect(err).toBeInstanceOf(CancelledError);
    expect(err.code).toBe('CANCELLED');
    expect(Date.now() - t0).toBeLessThan(2000);
    // The worker honoured cancel (answered -32001) and serves the next request; no replacement.
    const [pid] = pool.pids();
    expect(await pool.request('echo', { x: 1 })).toEqual({ x: 1 });
    expect(pool.pids()).toEqual([pid]);
    expect(pool.status().restarts).toBe(0);
  });

  it('a queued request can be cancelled before it runs', async () => {
    const pool = await startPool({ poolSize: 1 });
    const running = pool.request('sleep', { seconds: 0.3 });
    const ac = new AbortController();
    const queued = pool.request('echo', {}, { signal: ac.signal });
    expect(pool.status().queueDepth).toBe(1);
    ac.abort();
    await expect(queued).rejects.toBeInstanceOf(CancelledError);
    expect(pool.status().queueDepth).toBe(0);
    await running;
  });

  it('answers busy at once when the queue is full', async () => {
    const pool = await startPool({ poolSize: 1, maxQueue: 2 });
    const depths: number[] = [];
    pool.subscribe((e) => e.type === 'queue' && depths.push(e.depth));
    const running = [pool.request('sleep', { seconds: 0.3 }), pool.request('echo', { n: 1 }), pool.request('echo', { n: 2 })];
    const t0 = Date.now();
    const err = await pool.request<any>('echo', { n: 3 }).catch((e: any) => e);
    expect(Date.now() - t0).toBeLessThan(50);
    expect(err).toBeInstanceOf(BusyError);
    expect(err.code).toBe('BUSY');
    expect(err.message).toMatch(/busy.*limit of 2/);
    expect(await Promise.all(running)).toHaveLength(3);
    expect(Math.max(...depths)).toBe(2);
  });

  it('shutdown leaves no orphan process, including grandchildren', async () => {
    const pool = await startPool({ poolSize: 3 });
    const pids = pool.pids();
    const { child_pid: grandchild } = await pool.request<{ child_pid: number }>('spawn_child');
    const table = processTable();
    for (const pid of [...pids, grandchild]) expect(table.some((p) => p.pid === pid)).toBe(true);
    const pgids = new Set(table.filter((p) => pids.includes(p.pid)).map((p) => p.pgid));
    expect([...pgids].sort()).toEqual([...pids].sort()); // each worker leads its own group
    await pool.shutdown();
    await until(() => {
      const t = processTable();
      return !t.some((p) => pids.includes(p.pid) || p.pid === grandchild || pgids.has(p.pgid));
    }, 5000, 'no process of the pool left');
    expect(processTable().filter((p) => p.cmd.includes(standin))).toEqual([]);
  });
});
