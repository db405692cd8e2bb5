/**
 * Typed errors of the Python bridge. Every error carries a stable string `code`
 * (for the UI and the CLI) and a human-readable message naming the cause.
 */

/** JSON-RPC error codes used by the runtime (docs/python-protocol.md). */
export const RpcCodes = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  RUNTIME_ERROR: -32000,
  CANCELLED: -32001,
  PROVIDER_ERROR: -32002,
} as const;

export type BridgeErrorCode =
  | 'RUNTIME_NOT_FOUND'
  | 'RUNTIME_PROVISION_FAILED'
  | 'WORKER_START_FAILED'
  | 'PROTOCOL_MISMATCH'
  | 'PROTOCOL_ERROR'
  | 'WORKER_CRASHED'
  | 'TIMEOUT'
  | 'CANCELLED'
  | 'BUSY'
  | 'RPC_ERROR'
  | 'INVALID_PARAMS'
  | 'PROVIDER_ERROR'
  | 'RETRIES_EXHAUSTED'
  | 'POOL_CLOSED';

export class BridgeError extends Error {
  readonly code: BridgeErrorCode;
  /** Transient faults (crash, timeout) are retried by the pool on a fresh worker. */
  readonly transient: boolean;
  constructor(code: BridgeErrorCode, message: string, options?: { cause?: unknown; transient?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.transient = options?.transient ?? false;
  }
}

/** No usable Python runtime: says what is missing and how to install it. */
export class RuntimeNotFoundError extends BridgeError {
  /** Every location that was tried, with why it was rejected. */
  readonly checked: { source: string; path: string; problem: string }[];
  constructor(message: string, checked: { source: string; path: string; problem: string }[]) {
    super('RUNTIME_NOT_FOUND', message);
    this.checked = checked;
  }
}

/** Creating the runtime from the bundled wheelhouse failed; the message names what is missing or broken. */
export class RuntimeProvisionError extends BridgeError {
  constructor(
    message: string,
    /** The provisioning step that failed. */
    readonly step: string,
  ) {
    super('RUNTIME_PROVISION_FAILED', message);
  }
}

/** The runtime died or stayed silent before its `ready` handshake. */
export class WorkerStartError extends BridgeError {
  readonly stderrTail: string[];
  constructor(message: string, stderrTail: string[], cause?: unknown) {
    super('WORKER_START_FAILED', withTail(message, stderrTail), { cause });
    this.stderrTail = stderrTail;
  }
}

/** The runtime speaks another protocol version. */
export class ProtocolMismatchError extends BridgeError {
  constructor(
    readonly expected: number,
    readonly actual: unknown,
  ) {
    super(
      'PROTOCOL_MISMATCH',
      `Python runtime speaks protocol ${JSON.stringify(actual)}, this app needs protocol ${expected}; ` +
        'the runtime and the app are from different versions: run `npm run setup` to reinstall the runtime',
    );
  }
}

/** A frame from the worker was not JSON, not JSON-RPC, or larger than the frame limit. */
export class ProtocolError extends BridgeError {
  constructor(message: string) {
    super('PROTOCOL_ERROR', message);
  }
}

/** The worker process exited or was killed while serving the request. */
export class WorkerCrashedError extends BridgeError {
  readonly stderrTail: string[];
  constructor(message: string, stderrTail: string[] = []) {
    super('WORKER_CRASHED', withTail(message, stderrTail), { transient: true });
    this.stderrTail = stderrTail;
  }
}

export class RequestTimeoutError extends BridgeError {
  constructor(method: string, timeoutMs: number) {
    super('TIMEOUT', `Python request '${method}' did not answer within ${timeoutMs} ms`, { transient: true });
  }
}

export class CancelledError extends BridgeError {
  constructor(method: string) {
    super('CANCELLED', `Python request '${method}' was cancelled`);
  }
}

/** The request queue is full: try again later. Answered immediately. */
export class BusyError extends BridgeError {
  constructor(readonly queueLimit: number) {
    super('BUSY', `Python runtime is busy: all workers are working and the queue holds its limit of ${queueLimit} requests; try again later`);
  }
}

/** The runtime answered with a JSON-RPC error. */
export class RpcError extends BridgeError {
  constructor(
    readonly method: string,
    readonly rpcCode: number,
    readonly rpcMessage: string,
    readonly data?: unknown,
    code: BridgeErrorCode = 'RPC_ERROR',
  ) {
    super(code, `Python request '${method}' failed (${rpcCode}): ${rpcMessage}`);
  }
}

/** -32602: the params were refused; never retried. */
export class ValidationError extends RpcError {
  constructor(method: string, rpcMessage: string, data?: unknown) {
    super(method, RpcCodes.INVALID_PARAMS, rpcMessage, data, 'INVALID_PARAMS');
  }
}

/** -32002: the language model provider failed. */
export class ProviderError extends RpcError {
  constructor(method: string, rpcMessage: string, data?: unknown) {
    super(method, RpcCodes.PROVIDER_ERROR, rpcMessage, data, 'PROVIDER_ERROR');
  }
}

/** A transient fault persisted over every retry. `cause` is the last fault. */
export class RetriesExhaustedError extends BridgeError {
  constructor(
    readonly method: string,
    readonly attempts: number,
    readonly lastError: BridgeError,
  ) {
    super('RETRIES_EXHAUSTED', `Python request '${method}' failed after ${attempts} attempts; last cause: ${lastError.message}`, {
      cause: lastError,
    });
  }
}

export class PoolClosedError extends BridgeError {
  constructor() {
    super('POOL_CLOSED', 'The Python worker pool is shut down');
  }
}

/** Maps a JSON-RPC error object to the matching typed error. */
export function fromRpcError(method: string, err: { code: number; message: string; data?: unknown }): BridgeError {
  switch (err.code) {
    case RpcCodes.INVALID_PARAMS:
      return new ValidationError(method, err.message, err.data);
    case RpcCodes.CANCELLED:
      return new CancelledError(method);
    case RpcCodes.PROVIDER_ERROR:
      return new ProviderError(method, err.message, err.data);
    default:
      return new RpcError(method, err.code, err.message, err.data);
  }
}

function withTail(message: string, tail: string[]): string {
  if (tail.length === 0) return message;
  return `${message}\n--- last runtime log lines ---\n${tail.join('\n')}`;
}
