/**
 * The worker pool: pool_size workers, a bounded queue, health checks, replacement of dead
 * or hung workers, retries with exponential backoff on transient faults, and a shutdown
 * that leaves no process behind.
 */
import { EventEmitter } from 'node:events';
import { resolveDataDir } from '../data-dir';
import { BridgeError, BusyError, CancelledError, PoolClosedError, RetriesExhaustedError, WorkerCrashedError } from './errors';
import { silentLogger, type BridgeLogger } from './logger';
import { locateRuntime, type LocatedRuntime } from './runtime-locator';
import { DEFAULT_MEMORY_LIMIT_BYTES, PythonWorker, type ProgressEvent, type ReadyInfo, type WorkerExit } from './worker';

export interface PoolOptions {
  /** Number of workers. Default 3, 1..32. */
  poolSize?: number;
  /** Per-attempt request timeout, ms. Default 30000. */
  timeout?: number;
  /** Retries of a request after a transient fault (crash, timeout). Default 3, 0..10. */
  maxRetries?: number;
  /** Interval between health checks of idle workers, ms. Default 10000; 0 disables. */
  healthCheckInterval?: number;
  /** Deadline for a worker to answer `health`, ms. Default min(5000, healthCheckInterval). */
  healthCheckTimeout?: number;
  /** Requests waiting for a worker before `busy` is answered. Default 64. */
  maxQueue?: number;
  /** Time allowed from spawn to `ready`, ms. Default 60000. */
  startupTimeout?: number;
  /** Per-worker address-space limit in bytes; null disables. Default 4 GiB. */
  memoryLimitBytes?: number | null;
  /** The app's data directory (DSPy cache, saved programs). Default: resolveDataDir(). */
  dataDir?: string;
  /** Explicit interpreter path; else $PIPELINE_STUDIO_PYTHON, the bundled venv, the app's resources. */
  pythonPath?: string;
  /** An already located runtime (skips the locator). */
  runtime?: LocatedRuntime;
  /** Interpreter arguments; default `-I -m studio_runtime` (tests point this at stand-in scripts). */
  args?: string[];
  /** First retry delay, ms; doubles each retry up to retryMaxDelay. Default 250. */
  retryBaseDelay?: number;
  retryMaxDelay?: number;
  /** How long a cancelled request may keep its worker before the worker is replaced, ms. Default 5000. */
  cancelGrace?: number;
  /** How long shutdown waits for workers to exit before SIGKILL, ms. Default 2000. */
  shutdownGrace?: number;
  /** Largest frame accepted from a worker, bytes. Default 16 MiB. */
  maxFrameBytes?: number;
  /** Extra environment for workers (not for secrets: keys go per request). */
  extraEnv?: Record<string, string>;
  logger?: BridgeLogger;
}

export interface RequestOptions {
  /** Overrides the pool's timeout for this request (per attempt), ms. */
  timeout?: number;
  onProgress?: (event: ProgressEvent) => void;
  signal?: AbortSignal;
  /** Asks the runtime to finish early with what it has (the `stop` notification); the request still resolves with its result. */
  stop?: AbortSignal;
  /** Overrides maxRetries for this request. */
  maxRetries?: number;
}

export type WorkerStatusState = 'starting' | 'idle' | 'busy' | 'checking' | 'stopping' | 'exited';

export interface WorkerStatus {
  id: number;
  pid: number | undefined;
  state: WorkerStatusState;
  requestsServed: number;
  rssBytes: number | null;
  startedAt: number;
  readyAt: number | null;
}

export interface PoolStatus {
  state: 'new' | 'starting' | 'ready' | 'degraded' | 'closed';
  poolSize: number;
  readyWorkers: number;
  queueDepth: number;
  inFlight: number;
  restarts: number;
  runtime: { python: string; source: string; protocol?: number; pythonVersion?: string; dspyVersion?: string } | null;
  workers: WorkerStatus[];
}

export type PoolEvent =
  | { type: 'worker-started'; workerId: number; pid: number | undefined; startMs: number }
  | { type: 'worker-exited'; workerId: number; pid: number | undefined; code: number | null; signal: string | null; reason?: string }
  | { type: 'worker-replaced'; oldWorkerId: number; oldPid: number | undefined; newWorkerId: number; newPid: number | undefined }
  | { type: 'worker-start-failed'; error: BridgeError }
  | { type: 'health-check-failed'; workerId: number; pid: number | undefined; error: BridgeError }
  | { type: 'request-retry'; method: string; attempt: number; delayMs: number; cause: BridgeError }
  | { type: 'queue'; depth: number };

interface Job {
  method: string;
  params: unknown;
  opts: RequestOptions;
  attempt: number;
  maxRetries: number;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  worker: PythonWorker | null;
  requestId: number | null;
  retryTimer: NodeJS.Timeout | null;
  done: boolean;
  onAbort: (() => void) | null;
}

interface Slot {
  worker: PythonWorker;
  checking: boolean;
  job: Job | null;
}

function clampInt(value: number | undefined, def: number, min: number, max: number, name: string): number {
  const v = value ?? def;
  if (!Number.isFinite(v) || v < min || v > max) throw new RangeError(`python bridge option ${name} must be between ${min} and ${max}, got ${value}`);
  return Math.floor(v);
}

export class PythonPool extends EventEmitter {
  readonly poolSize: number;
  readonly timeout: number;
  readonly maxRetries: number;
  readonly healthCheckInterval: number;
  readonly healthCheckTimeout: number;
  readonly maxQueue: number;
  private readonly startupTimeout: number;
  private readonly retryBaseDelay: number;
  private readonly retryMaxDelay: number;
  private readonly shutdownGrace: number;
  private readonly logger: BridgeLogger;
  private readonly dataDir: string;
  private runtimeInfo: LocatedRuntime | null;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private state: PoolStatus['state'] = 'new';
  private restarts = 0;
  private healthTimer: NodeJS.Timeout | null = null;
  private respawnFailures = 0;
  private pendingSpawns = 0;
  private lastReady: ReadyInfo | null = null;
  private readonly exitHook = () => this.killAllNow();

  constructor(private readonly options: PoolOptions = {}) {
    super();
    this.poolSize = clampInt(options.poolSize, 3, 1, 32, 'pool_size');
    this.timeout = clampInt(options.timeout, 30_000, 1, 24 * 3600_000, 'timeout');
    this.maxRetries = clampInt(options.maxRetries, 3, 0, 10, 'max_retries');
    this.healthCheckInterval = clampInt(options.healthCheckInterval, 10_000, 0, 3600_000, 'health_check_interval');
    this.healthCheckTimeout = clampInt(options.healthCheckTimeout, Math.min(5000, this.healthCheckInterval || 5000), 1, 600_000, 'health_check_timeout');
    this.maxQueue = clampInt(options.maxQueue, 64, 0, 100_000, 'max_queue');
    this.startupTimeout = clampInt(options.startupTimeout, 60_000, 100, 600_000, 'startup_timeout');
    this.retryBaseDelay = clampInt(options.retryBaseDelay, 250, 0, 60_000, 'retry_base_delay');
    this.retryMaxDelay = clampInt(options.retryMaxDelay, 5000, 0, 600_000, 'retry_max_delay');
    this.shutdownGrace = clampInt(options.shutdownGrace, 2000, 0, 60_000, 'shutdown_grace');
    if (options.memoryLimitBytes !== undefined && options.memoryLimitBytes !== null && options.memoryLimitBytes < 256 * 1024 ** 2) {
      throw new RangeError('python bridge option memoryLimitBytes must be at least 256 MiB (or null for no limit)');
    }
    this.logger = options.logger ?? silentLogger;
    this.dataDir = options.dataDir ?? resolveDataDir();
    this.runtimeInfo = options.runtime ?? null;
  }

  /** Creates a pool and waits until every worker is ready. */
  static async start(options: PoolOptions = {}): Promise<PythonPool> {
    const pool = new PythonPool(options);
    await pool.start();
    return pool;
  }

  /** Located runtime (after start). */
  get runtime(): LocatedRuntime | null {
    return this.runtimeInfo;
  }

  /** The handshake of the most recent ready worker (python and DSPy versions). */
  get handshake(): ReadyInfo | null {
    return this.lastReady;
  }

  /** Locates the runtime and starts pool_size workers; rejects (and cleans up) if any fails to start. */
  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error(`python pool already ${this.state}`);
    this.state = 'starting';
    try {
      this.runtimeInfo ??= locateRuntime({ pythonPath: this.options.pythonPath, dataDir: this.dataDir });
      await Promise.all(Array.from({ length: this.poolSize }, () => this.spawnWorker()));
    } catch (err) {
      await this.shutdown();
      throw err;
    }
    if (this.state !== 'starting') throw new PoolClosedError();
    this.state = 'ready';
    process.on('exit', this.exitHook);
    if (this.healthCheckInterval > 0) {
      this.healthTimer = setInterval(() => this.runHealthChecks(), this.healthCheckInterval);
      this.healthTimer.unref();
    }
  }

  /**
   * Sends a request to the next free worker. Rejects with BusyError at once when the queue is full,
   * ValidationError (-32602, never retried), CancelledError, RetriesExhaustedError after transient
   * faults persisted, or the runtime's typed error.
   */
  request<T = unknown>(method: string, params: unknown = {}, opts: RequestOptions = {}): Promise<T> {
    if (this.state === 'closed') return Promise.reject(new PoolClosedError());
    if (opts.signal?.aborted) return Promise.reject(new CancelledError(method));
    if (this.queue.length >= this.maxQueue && !this.slots.some((s) => this.isIdle(s))) {
      return Promise.reject(new BusyError(this.maxQueue));
    }
    return new Promise<T>((resolve, reject) => {
      const job: Job = {
        method,
        params,
        opts,
        attempt: 0,
        maxRetries: opts.maxRetries ?? this.maxRetries,
        resolve: resolve as (v: unknown) => void,
        reject,
        worker: null,
        requestId: null,
        retryTimer: null,
        done: false,
        onAbort: null,
      };
      if (opts.signal) {
        job.onAbort = () => this.abortJob(job);
        opts.signal.addEventListener('abort', job.onAbort, { once: true });
      }
      opts.stop?.addEventListener('abort', () => this.stopJob(job), { once: true });
      this.queue.push(job);
      this.emitEvent({ type: 'queue', depth: this.queue.length });
      this.pump();
    });
  }

  /** A snapshot for the monitor screen. */
  status(): PoolStatus {
    const ready = this.slots.filter((s) => s.worker.state === 'ready').length;
    return {
      state: this.state === 'ready' && ready < this.poolSize ? 'degraded' : this.state,
      poolSize: this.poolSize,
      readyWorkers: ready,
      queueDepth: this.queue.length,
      inFlight: this.slots.filter((s) => s.job !== null).length,
      restarts: this.restarts,
      runtime: this.runtimeInfo
        ? {
            python: this.runtimeInfo.python,
            source: this.runtimeInfo.source,
            protocol: this.lastReady?.protocol,
            pythonVersion: this.lastReady?.python,
            dspyVersion: this.lastReady?.dspy,
          }
        : null,
      workers: this.slots.map((s) => ({
        id: s.worker.id,
        pid: s.worker.pid,
        state: this.slotState(s),
        requestsServed: s.worker.requestsServed,
        rssBytes: s.worker.rssBytes(),
        startedAt: s.worker.spawnedAt,
        readyAt: s.worker.readyAt,
      })),
    };
  }

  /** Current worker pids (for tests and the monitor). */
  pids(): number[] {
    return this.slots.map((s) => s.worker.pid).filter((p): p is number => p !== undefined);
  }

  /** Workers (read-only use: memory figures, pids). */
  workers(): readonly PythonWorker[] {
    return this.slots.map((s) => s.worker);
  }

  /** Typed subscription to every pool event; returns the unsubscribe function. */
  subscribe(listener: (event: PoolEvent) => void): () => void {
    this.on('event', listener);
    return () => this.off('event', listener);
  }

  /** Resolves once pool_size workers are ready (after crashes), or rejects after `timeoutMs`. */
  async waitHealthy(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.status().readyWorkers < this.poolSize) {
      if (this.state === 'closed') throw new PoolClosedError();
      if (Date.now() > deadline) throw new Error(`python pool did not heal to ${this.poolSize} workers within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Sends shutdown to every worker, waits briefly, then SIGKILLs each process group. */
  async shutdown(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    if (this.healthTimer) clearInterval(this.healthTimer);
    process.off('exit', this.exitHook);
    for (const job of this.queue.splice(0)) this.finish(job, new PoolClosedError());
    const exits = this.slots.map((s) => s.worker.shutdown(this.shutdownGrace));
    await Promise.all(exits);
    // Spawns in flight finish and are stopped by spawnWorker itself.
    while (this.pendingSpawns > 0) await new Promise((r) => setTimeout(r, 10));
    this.slots.length = 0;
  }

  // ---- internals ----

  private emitEvent(event: PoolEvent): void {
    this.emit(event.type, event);
    this.emit('event', event);
  }

  private isIdle(s: Slot): boolean {
    return s.worker.state === 'ready' && !s.checking && s.job === null && s.worker.inFlight === 0;
  }

  private slotState(s: Slot): WorkerStatusState {
    if (s.worker.state === 'starting') return 'starting';
    if (s.worker.state === 'stopping') return 'stopping';
    if (s.worker.state === 'exited') return 'exited';
    if (s.checking) return 'checking';
    return s.job || s.worker.inFlight > 0 ? 'busy' : 'idle';
  }

  private async spawnWorker(replacing?: { id: number; pid: number | undefined }): Promise<void> {
    const runtime = this.runtimeInfo;
    if (!runtime) throw new Error('python runtime not located');
    this.pendingSpawns++;
    try {
      const worker = new PythonWorker({
        python: runtime.python,
        args: this.options.args,
        dataDir: this.dataDir,
        memoryLimitBytes: this.options.memoryLimitBytes === undefined ? DEFAULT_MEMORY_LIMIT_BYTES : this.options.memoryLimitBytes,
        startupTimeoutMs: this.startupTimeout,
        maxFrameBytes: this.options.maxFrameBytes,
        cancelGraceMs: this.options.cancelGrace,
        extraEnv: this.options.extraEnv,
        logger: this.logger,
      });
      const slot: Slot = { worker, checking: false, job: null };
      try {
        this.lastReady = await worker.waitReady(this.startupTimeout);
      } catch (err) {
        worker.kill(err as BridgeError);
        await worker.exited;
        throw err;
      }
      if (this.state === 'closed') {
        await worker.shutdown(0);
        return;
      }
      this.slots.push(slot);
      worker.on('drained', () => this.pump());
      worker.once('exit', (exit: WorkerExit) => this.onWorkerExit(slot, exit));
      if (worker.state === 'exited') {
        worker.removeAllListeners('exit');
        this.onWorkerExit(slot, await worker.exited);
        return;
      }
      this.emitEvent({ type: 'worker-started', workerId: worker.id, pid: worker.pid, startMs: (worker.readyAt ?? Date.now()) - worker.spawnedAt });
      if (replacing) {
        this.restarts++;
        this.emitEvent({ type: 'worker-replaced', oldWorkerId: replacing.id, oldPid: replacing.pid, newWorkerId: worker.id, newPid: worker.pid });
      }
      this.respawnFailures = 0;
      this.pump();
    } finally {
      this.pendingSpawns--;
    }
  }

  private onWorkerExit(slot: Slot, exit: WorkerExit): void {
    const idx = this.slots.indexOf(slot);
    if (idx !== -1) this.slots.splice(idx, 1);
    const w = slot.worker;
    this.emitEvent({ type: 'worker-exited', workerId: w.id, pid: w.pid, code: exit.code, signal: exit.signal, reason: exit.reason });
    if (this.state === 'closed' || this.state === 'new') return;
    this.replace({ id: w.id, pid: w.pid });
  }

  private replace(old: { id: number; pid: number | undefined }): void {
    const delay = this.respawnFailures === 0 ? 0 : Math.min(this.retryBaseDelay * 2 ** this.respawnFailures, 30_000);
    setTimeout(() => {
      if (this.state === 'closed') return;
      this.spawnWorker(old).catch((err: BridgeError) => {
        this.respawnFailures++;
        this.logger.error(`could not replace python worker: ${err.message}`);
        this.emitEvent({ type: 'worker-start-failed', error: err });
        // With no worker left and the runtime refusing to start, waiting requests would never run.
        if (this.slots.length === 0 && this.respawnFailures >= 3) {
          for (const job of this.queue.splice(0)) this.finish(job, err);
        }
        this.replace(old);
      });
    }, delay).unref();
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const slot = this.slots.find((s) => this.isIdle(s));
      if (!slot) break;
      const job = this.queue.shift() as Job;
      this.emitEvent({ type: 'queue', depth: this.queue.length });
      this.dispatch(job, slot);
    }
  }

  private dispatch(job: Job, slot: Slot): void {
    slot.job = job;
    job.worker = slot.worker;
    const { id, result } = slot.worker.call(job.method, job.params, {
      timeoutMs: job.opts.timeout ?? this.timeout,
      onProgress: job.opts.onProgress,
    });
    job.requestId = id;
    if (job.opts.stop?.aborted) this.stopJob(job); // stopped while queued
    result.then(
      (value) => {
        slot.job = null;
        job.worker = null;
        this.finish(job, null, value);
        this.pump();
      },
      (err: Error) => {
        slot.job = null;
        job.worker = null;
        this.onJobError(job, err);
        this.pump();
      },
    );
  }

  private onJobError(job: Job, err: Error): void {
    if (job.done) return;
    const bridgeErr = err instanceof BridgeError ? err : new WorkerCrashedError(String(err));
    if (bridgeErr.transient && this.state !== 'closed') {
      if (job.attempt < job.maxRetries) {
        job.attempt++;
        const delayMs = Math.min(this.retryBaseDelay * 2 ** (job.attempt - 1), this.retryMaxDelay);
        this.logger.warn(`retrying python request '${job.method}' (retry ${job.attempt}/${job.maxRetries}) in ${delayMs} ms: ${bridgeErr.message}`);
        this.emitEvent({ type: 'request-retry', method: job.method, attempt: job.attempt, delayMs, cause: bridgeErr });
        job.retryTimer = setTimeout(() => {
          job.retryTimer = null;
          if (job.done) return;
          if (this.state === 'closed') return this.finish(job, new PoolClosedError());
          this.queue.unshift(job);
          this.emitEvent({ type: 'queue', depth: this.queue.length });
          this.pump();
        }, delayMs);
        return;
      }
      if (job.attempt > 0) return this.finish(job, new RetriesExhaustedError(job.method, job.attempt + 1, bridgeErr));
    }
    this.finish(job, bridgeErr);
  }

  private stopJob(job: Job): void {
    if (!job.done && job.worker && job.requestId !== null) job.worker.notify('stop', { request_id: job.requestId });
  }

  private abortJob(job: Job): void {
    if (job.done) return;
    if (job.retryTimer) clearTimeout(job.retryTimer);
    const qi = this.queue.indexOf(job);
    if (qi !== -1) {
      this.queue.splice(qi, 1);
      this.emitEvent({ type: 'queue', depth: this.queue.length });
    }
    if (job.worker && job.requestId !== null) job.worker.cancel(job.requestId);
    this.finish(job, new CancelledError(job.method));
  }

  private finish(job: Job, err: Error | null, value?: unknown): void {
    if (job.done) return;
    job.done = true;
    if (job.onAbort) job.opts.signal?.removeEventListener('abort', job.onAbort);
    if (job.retryTimer) clearTimeout(job.retryTimer);
    if (err) job.reject(err);
    else job.resolve(value);
  }

  private runHealthChecks(): void {
    if (this.state !== 'ready') return;
    for (const slot of this.slots) {
      if (!this.isIdle(slot)) continue;
      slot.checking = true;
      const w = slot.worker;
      w.call('health', {}, { timeoutMs: this.healthCheckTimeout }).result.then(
        () => {
          slot.checking = false;
          this.pump();
        },
        (err: Error) => {
          slot.checking = false;
          const bridgeErr = err instanceof BridgeError ? err : new WorkerCrashedError(String(err));
          this.logger.warn(`python worker ${w.id} (pid ${w.pid}) failed its health check and is replaced: ${bridgeErr.message}`);
          this.emitEvent({ type: 'health-check-failed', workerId: w.id, pid: w.pid, error: bridgeErr });
          w.kill(bridgeErr);
        },
      );
    }
  }

  private killAllNow(): void {
    for (const s of this.slots) {
      if (s.worker.pid === undefined) continue;
      try {
        process.kill(-s.worker.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
}
