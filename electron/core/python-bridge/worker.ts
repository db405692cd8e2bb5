/**
 * One Python worker process: spawn (isolated), `ready` handshake, JSON-RPC calls with
 * timeouts, progress routing, cancellation, and a kill that takes the whole process group.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { accessSync, constants, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  BridgeError,
  CancelledError,
  PoolClosedError,
  ProtocolError,
  ProtocolMismatchError,
  RequestTimeoutError,
  WorkerCrashedError,
  WorkerStartError,
  fromRpcError,
} from './errors';
import { LineDecoder, MAX_FRAME_BYTES, PROTOCOL_VERSION, encodeFrame, parseFrame, type IncomingMessage } from './framing';
import { silentLogger, type BridgeLogger } from './logger';

export const DEFAULT_MEMORY_LIMIT_BYTES = 4 * 1024 ** 3;
export const DEFAULT_RUNTIME_ARGS = ['-I', '-m', 'studio_runtime'];
const STDERR_TAIL_LINES = 40;

/** The `ready` handshake's params. */
export interface ReadyInfo {
  protocol: number;
  python?: string;
  dspy?: string;
  pid?: number;
  [key: string]: unknown;
}

/** A `progress` notification's params (request_id removed). */
export type ProgressEvent = Record<string, unknown> & {
  phase?: string;
  trial?: number;
  total_trials?: number;
  score?: number;
  best_score?: number;
  lm_calls?: number;
};

export interface WorkerSpawnOptions {
  /** Python interpreter (see runtime-locator). */
  python: string;
  /** Interpreter arguments; default `-I -m studio_runtime`. */
  args?: string[];
  /** The app's data directory: DSPy's cache and saved programs go under it. */
  dataDir: string;
  /** Address-space limit in bytes (RLIMIT_AS); null disables it. Default 4 GiB. */
  memoryLimitBytes?: number | null;
  /** How long to wait for `ready`, ms. */
  startupTimeoutMs?: number;
  /** Largest frame accepted from the worker. */
  maxFrameBytes?: number;
  /** How long a cancelled request may take to answer before the worker is killed, ms. */
  cancelGraceMs?: number;
  /** Extra environment variables (never put API keys here: they go per request in params). */
  extraEnv?: Record<string, string>;
  logger?: BridgeLogger;
}

export interface CallOptions {
  timeoutMs: number;
  onProgress?: (event: ProgressEvent) => void;
}

export interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Why the host ended it, when it did. */
  reason?: string;
}

interface Pending {
  method: string;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  onProgress?: (event: ProgressEvent) => void;
  timer: NodeJS.Timeout | null;
  /** Cancelled or otherwise given up: the answer, when it comes, is dropped. */
  abandoned: boolean;
}

export type WorkerState = 'starting' | 'ready' | 'stopping' | 'exited';

let nextWorkerId = 1;
let prlimitPath: string | null | undefined;

function findOnPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // keep looking
    }
  }
  return null;
}

function detectPrlimit(): string | null {
  if (prlimitPath === undefined) prlimitPath = findOnPath('prlimit');
  return prlimitPath;
}

/** The command line that applies the memory limit: prlimit when available, else `ulimit -v` via /bin/sh. */
export function limitedCommand(
  python: string,
  args: string[],
  memoryLimitBytes: number | null,
  prlimit: string | null = detectPrlimit(),
): { file: string; args: string[]; limiter: 'none' | 'prlimit' | 'ulimit' } {
  if (memoryLimitBytes === null || process.platform === 'win32') return { file: python, args, limiter: 'none' };
  if (prlimit) return { file: prlimit, args: [`--as=${Math.floor(memoryLimitBytes)}`, '--', python, ...args], limiter: 'prlimit' };
  const kib = Math.floor(memoryLimitBytes / 1024);
  return { file: '/bin/sh', args: ['-c', `ulimit -v ${kib} && exec "$0" "$@"`, python, ...args], limiter: 'ulimit' };
}

const PRIVATE_DIR_PREFIX = 'pipeline-studio-worker-';
const HOST_PID_FILE = 'host.pid';
const UNOWNED_DIR_MAX_AGE_MS = 60 * 60 * 1000;

/** Whether a process exists (EPERM: it does, owned by someone else). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes workers' private directories left by hosts that were killed (a live worker removes its
 * own on exit): those whose host pid is gone, and old ones naming no host. Returns what it removed.
 */
export function sweepStaleWorkerDirs(tmp: string = os.tmpdir(), now = Date.now()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(tmp).filter((n) => n.startsWith(PRIVATE_DIR_PREFIX));
  } catch {
    return removed;
  }
  for (const name of names) {
    const dir = path.join(tmp, name);
    try {
      let stale: boolean;
      try {
        const host = Number(readFileSync(path.join(dir, HOST_PID_FILE), 'utf8'));
        stale = !(Number.isInteger(host) && host > 0 && isAlive(host));
      } catch {
        stale = now - statSync(dir).mtimeMs > UNOWNED_DIR_MAX_AGE_MS;
      }
      if (stale) {
        rmSync(dir, { recursive: true, force: true });
        removed.push(dir);
      }
    } catch {
      // another host is sweeping it, or it is not ours to remove
    }
  }
  return removed;
}

let swept = false;
function sweepOnce(): void {
  if (swept) return;
  swept = true;
  sweepStaleWorkerDirs();
}

/** The scrubbed environment: nothing of the parent's except PATH and LANG. */
export function workerEnv(home: string, dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  const cache = path.join(dataDir, 'dspy-cache');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    TMPDIR: home,
    LANG: process.env.LANG || 'C.UTF-8',
    STUDIO_DSPY_CACHEDIR: cache,
    DSPY_CACHEDIR: cache,
    STUDIO_PROGRAMS_DIR: path.join(dataDir, 'programs'),
    // The worker exits when this process is gone (see python/studio_runtime/lifecycle.py).
    STUDIO_HOST_PID: String(process.pid),
    ...extra,
  };
  return env;
}

export class PythonWorker extends EventEmitter {
  readonly id = nextWorkerId++;
  state: WorkerState = 'starting';
  pid: number | undefined;
  ready: ReadyInfo | null = null;
  requestsServed = 0;
  readonly spawnedAt = Date.now();
  readyAt: number | null = null;
  /** Resolves when the process has exited (and its group was killed). */
  readonly exited: Promise<WorkerExit>;

  private readonly child: ChildProcessWithoutNullStreams;
  private readonly privateDir: string;
  private readonly logger: BridgeLogger;
  private readonly pending = new Map<number, Pending>();
  private readonly stderrLines: string[] = [];
  private stderrPartial = '';
  private nextRequestId = 1;
  private killReason: BridgeError | null = null;
  private readyWaiter: { resolve: (r: ReadyInfo) => void; reject: (e: Error) => void } | null = null;
  private readonly cancelGraceMs: number;

  constructor(private readonly options: WorkerSpawnOptions) {
    super();
    this.logger = options.logger ?? silentLogger;
    this.cancelGraceMs = options.cancelGraceMs ?? 5000;
    sweepOnce();
    this.privateDir = mkdtempSync(path.join(os.tmpdir(), PRIVATE_DIR_PREFIX));
    writeFileSync(path.join(this.privateDir, HOST_PID_FILE), String(process.pid));
    mkdirSync(path.join(options.dataDir, 'dspy-cache'), { recursive: true });
    mkdirSync(path.join(options.dataDir, 'programs'), { recursive: true });
    const cmd = limitedCommand(options.python, options.args ?? DEFAULT_RUNTIME_ARGS, options.memoryLimitBytes === undefined ? DEFAULT_MEMORY_LIMIT_BYTES : options.memoryLimitBytes);
    this.child = spawn(cmd.file, cmd.args, {
      cwd: this.privateDir,
      env: workerEnv(this.privateDir, options.dataDir, options.extraEnv),
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    this.pid = this.child.pid;
    this.logger.debug(`python worker ${this.id} spawned`, { pid: this.pid, limiter: cmd.limiter });

    const decoder = new LineDecoder(
      (line) => this.onLine(line),
      (err) => this.fail(err),
      options.maxFrameBytes ?? MAX_FRAME_BYTES,
    );
    this.child.stdout.on('data', (chunk: Buffer) => decoder.push(chunk));
    this.child.stderr.on('data', (chunk: Buffer) => this.onStderr(chunk));
    this.child.stdin.on('error', () => {
      /* EPIPE after the worker died: the exit handler reports it */
    });

    this.exited = new Promise<WorkerExit>((resolve) => {
      let done = false;
      const finish = (code: number | null, signal: NodeJS.Signals | null, spawnError?: Error) => {
        if (done) return;
        done = true;
        this.flushStderr();
        this.state = 'exited';
        this.killGroup();
        rmSync(this.privateDir, { recursive: true, force: true });
        const reason = this.killReason?.message;
        const exit: WorkerExit = { code, signal, reason };
        const how = spawnError ? `could not be started: ${spawnError.message}` : signal ? `was killed by ${signal}` : `exited with code ${code}`;
        const err =
          this.killReason ??
          (this.readyWaiter
            ? new WorkerStartError(`Python runtime ${this.options.python} ${how} before its ready handshake`, this.stderrTail(), spawnError)
            : new WorkerCrashedError(`Python worker ${this.id} (pid ${this.pid}) ${how}`, this.stderrTail()));
        this.readyWaiter?.reject(err);
        this.readyWaiter = null;
        this.rejectAll(err);
        this.logger[this.killReason ? 'debug' : 'warn'](`python worker ${this.id} ${how}`, { pid: this.pid, reason });
        resolve(exit);
        this.emit('exit', exit);
      };
      this.child.on('exit', (code, signal) => finish(code, signal));
      this.child.on('error', (err) => finish(null, null, err));
    });
  }

  /** Waits for the `ready` handshake and checks the protocol version. */
  waitReady(timeoutMs = this.options.startupTimeoutMs ?? 60_000): Promise<ReadyInfo> {
    if (this.ready) return Promise.resolve(this.ready);
    return new Promise<ReadyInfo>((resolve, reject) => {
      const timer = setTimeout(() => {
        const err = new WorkerStartError(`Python runtime did not send its ready handshake within ${timeoutMs} ms`, this.stderrTail());
        this.fail(err);
      }, timeoutMs);
      this.readyWaiter = {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
    });
  }

  get inFlight(): number {
    return this.pending.size;
  }

  /** Sends a request. Only after `ready`. Returns the request id (for cancel) and the answer. */
  call(method: string, params: unknown, opts: CallOptions): { id: number; result: Promise<unknown> } {
    const id = this.nextRequestId++;
    if (this.state !== 'ready') {
      const err = this.killReason ?? new WorkerCrashedError(`Python worker ${this.id} is ${this.state}`, this.stderrTail());
      return { id, result: Promise.reject(err) };
    }
    const result = new Promise<unknown>((resolve, reject) => {
      const entry: Pending = { method, resolve, reject, onProgress: opts.onProgress, timer: null, abandoned: false };
      if (opts.timeoutMs > 0 && Number.isFinite(opts.timeoutMs)) {
        entry.timer = setTimeout(() => {
          // A worker that does not answer in time cannot be trusted with the next request.
          this.fail(new RequestTimeoutError(method, opts.timeoutMs));
        }, opts.timeoutMs);
      }
      this.pending.set(id, entry);
      this.child.stdin.write(encodeFrame({ id, method, params: params ?? {} }));
    });
    return { id, result };
  }

  /** Sends a notification (no answer). */
  notify(method: string, params: Record<string, unknown>): void {
    if (this.state === 'exited') return;
    this.child.stdin.write(encodeFrame({ method, params }));
  }

  /**
   * Cancels a request: sends the `cancel` notification and rejects it at once with CancelledError.
   * The worker stays busy until the runtime answers; if it does not within the grace period it is killed.
   */
  cancel(id: number): void {
    const entry = this.pending.get(id);
    if (!entry || entry.abandoned) return;
    entry.abandoned = true;
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = setTimeout(() => {
      this.fail(new WorkerCrashedError(`Python worker ${this.id} ignored the cancellation of '${entry.method}' for ${this.cancelGraceMs} ms and was replaced`));
    }, this.cancelGraceMs);
    this.notify('cancel', { request_id: id });
    entry.reject(new CancelledError(entry.method));
  }

  /** Asks the runtime to exit, then kills the process group after `graceMs`. */
  async shutdown(graceMs = 2000): Promise<WorkerExit> {
    if (this.state === 'exited') return this.exited;
    this.killReason ??= new PoolClosedError();
    this.state = 'stopping';
    // In-flight requests end with POOL_CLOSED, not with whatever the runtime answers while exiting.
    this.rejectAll(this.killReason);
    try {
      this.child.stdin.write(encodeFrame({ id: this.nextRequestId++, method: 'shutdown', params: {} }));
      this.child.stdin.end();
    } catch {
      // already gone
    }
    const timer = setTimeout(() => this.killGroup(), graceMs);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }

  /** Kills the worker (whole process group) with a reason that pending requests receive. */
  kill(reason: BridgeError): void {
    this.fail(reason);
  }

  /** Last stderr lines, for error messages. */
  stderrTail(): string[] {
    return [...this.stderrLines, ...(this.stderrPartial ? [this.stderrPartial] : [])].slice(-STDERR_TAIL_LINES);
  }

  /** Resident set size in bytes from /proc (Linux), or null. */
  rssBytes(): number | null {
    return this.pid === undefined || this.state === 'exited' ? null : readProcKb(`/proc/${this.pid}/status`, 'VmRSS:');
  }

  /** Proportional set size in bytes from /proc/<pid>/smaps_rollup (Linux), or null. */
  pssBytes(): number | null {
    return this.pid === undefined || this.state === 'exited' ? null : readProcKb(`/proc/${this.pid}/smaps_rollup`, 'Pss:');
  }

  private fail(err: BridgeError): void {
    if (this.state === 'exited') return;
    this.killReason ??= err;
    this.state = 'stopping';
    this.readyWaiter?.reject(err);
    this.readyWaiter = null;
    this.rejectAll(err);
    this.killGroup();
  }

  private killGroup(): void {
    if (this.pid === undefined) return;
    try {
      process.kill(-this.pid, 'SIGKILL');
    } catch {
      // group already gone
    }
    try {
      this.child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }

  private rejectAll(err: Error): void {
    for (const [id, entry] of this.pending) {
      if (entry.timer) clearTimeout(entry.timer);
      this.pending.delete(id);
      if (!entry.abandoned) entry.reject(err);
    }
  }

  private onLine(line: string): void {
    let msg: IncomingMessage;
    try {
      msg = parseFrame(line);
    } catch (err) {
      this.fail(err as ProtocolError);
      return;
    }
    if (this.state === 'starting') {
      if (msg.kind !== 'notification' || msg.method !== 'ready') {
        this.fail(new ProtocolError(`Python worker sent ${JSON.stringify(line.slice(0, 120))} before its ready handshake`));
        return;
      }
      const info = msg.params as ReadyInfo;
      if (info.protocol !== PROTOCOL_VERSION) {
        this.fail(new ProtocolMismatchError(PROTOCOL_VERSION, info.protocol));
        return;
      }
      this.ready = info;
      this.readyAt = Date.now();
      this.state = 'ready';
      this.readyWaiter?.resolve(info);
      this.readyWaiter = null;
      return;
    }
    switch (msg.kind) {
      case 'notification': {
        if (msg.method === 'progress') {
          const { request_id: rid, ...event } = msg.params;
          const entry = typeof rid === 'number' ? this.pending.get(rid) : undefined;
          if (entry && !entry.abandoned && entry.onProgress) {
            try {
              entry.onProgress(event as ProgressEvent);
            } catch (err) {
              this.logger.warn('progress callback threw', { error: String(err) });
            }
          }
        } else if (msg.method === 'log') {
          this.logger.info(String(msg.params.message ?? ''), { worker: this.id, pid: this.pid });
        }
        return;
      }
      case 'request':
        // The runtime has nothing to ask the host; answer so it never waits.
        this.child.stdin.write(encodeFrame({ id: msg.id, error: { code: -32601, message: `host has no method ${msg.method}` } }));
        return;
      case 'result':
      case 'error': {
        const id = msg.id;
        const entry = id === null ? undefined : this.pending.get(id);
        if (!entry) {
          if (msg.kind === 'error' && id === null) {
            this.fail(new ProtocolError(`Python runtime reported a protocol error: ${msg.error.message}`));
          } else {
            this.logger.warn('python worker answered an unknown request id', { worker: this.id, id });
          }
          return;
        }
        this.pending.delete(id as number);
        if (entry.timer) clearTimeout(entry.timer);
        this.requestsServed++;
        if (!entry.abandoned) {
          if (msg.kind === 'result') entry.resolve(msg.result);
          else entry.reject(fromRpcError(entry.method, msg.error));
        }
        if (this.pending.size === 0) this.emit('drained');
        return;
      }
    }
  }

  private onStderr(chunk: Buffer): void {
    const text = this.stderrPartial + chunk.toString('utf8');
    const lines = text.split('\n');
    this.stderrPartial = lines.pop() ?? '';
    if (this.stderrPartial.length > 64 * 1024) {
      lines.push(this.stderrPartial);
      this.stderrPartial = '';
    }
    for (const line of lines) this.logStderr(line);
  }

  private flushStderr(): void {
    if (this.stderrPartial) this.logStderr(this.stderrPartial);
    this.stderrPartial = '';
  }

  private logStderr(raw: string): void {
    const line = raw.replace(/\r$/, '');
    if (line === '') return;
    this.stderrLines.push(line);
    if (this.stderrLines.length > STDERR_TAIL_LINES) this.stderrLines.shift();
    this.logger.info(line, { worker: this.id, pid: this.pid, stream: 'stderr' });
  }
}

function readProcKb(file: string, key: string): number | null {
  try {
    const text = readFileSync(file, 'utf8');
    const line = text.split('\n').find((l) => l.startsWith(key));
    if (!line) return null;
    const kb = Number.parseInt(line.slice(key.length).trim(), 10);
    return Number.isFinite(kb) ? kb * 1024 : null;
  } catch {
    return null;
  }
}
