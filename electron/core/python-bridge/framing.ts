/**
 * Framing of the host <-> runtime protocol (docs/python-protocol.md):
 * one JSON-RPC 2.0 object per line, UTF-8, `\n`-terminated, at most 16 MiB a frame.
 */
import { ProtocolError } from './errors';
import { jsonBoundsProblem } from '../../../shared/json/bounds';

export const PROTOCOL_VERSION = 1;
export const MAX_FRAME_BYTES = 16 * 1024 * 1024;

export type RpcId = number;

export interface RpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

export type IncomingMessage =
  | { kind: 'result'; id: RpcId; result: unknown }
  | { kind: 'error'; id: RpcId | null; error: RpcErrorObject }
  | { kind: 'notification'; method: string; params: Record<string, unknown> }
  | { kind: 'request'; id: RpcId; method: string; params: unknown };

/** Encodes one outgoing frame. JSON escapes newlines, so a frame is always one line. */
export function encodeFrame(message: Record<string, unknown>): string {
  return `${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`;
}

/**
 * Splits a byte stream into lines without ever holding more than `maxFrameBytes`
 * of one line: a longer line is reported through `onError` as soon as the limit
 * is crossed and the decoder stops (the worker is then killed and replaced).
 */
export class LineDecoder {
  private parts: Buffer[] = [];
  private size = 0;
  private failed = false;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly onError: (err: ProtocolError) => void,
    private readonly maxFrameBytes = MAX_FRAME_BYTES,
  ) {}

  push(chunk: Buffer): void {
    if (this.failed) return;
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(0x0a, start);
      const end = nl === -1 ? chunk.length : nl;
      const piece = chunk.subarray(start, end);
      if (this.size + piece.length > this.maxFrameBytes) {
        this.failed = true;
        this.parts = [];
        this.onError(new ProtocolError(`Python worker sent a frame larger than the ${this.maxFrameBytes}-byte limit`));
        return;
      }
      if (nl === -1) {
        // Copy: the stream may reuse its buffer.
        this.parts.push(Buffer.from(piece));
        this.size += piece.length;
        return;
      }
      const line =
        this.parts.length === 0 ? piece.toString('utf8') : Buffer.concat([...this.parts, piece], this.size + piece.length).toString('utf8');
      this.parts = [];
      this.size = 0;
      start = nl + 1;
      if (line.trim() !== '') this.onLine(line);
      if (this.failed) return;
    }
  }

  /** Bytes of an unfinished line at end of stream. */
  get pending(): number {
    return this.size;
  }
}

/** Parses one line into a JSON-RPC message, or throws ProtocolError naming what is wrong. */
export function parseFrame(line: string): IncomingMessage {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new ProtocolError(`Python worker sent a frame that is not JSON: ${preview(line)}`);
  }
  const tooBig = jsonBoundsProblem(value);
  if (tooBig) throw new ProtocolError(`Python worker sent a frame ${tooBig}: ${preview(line)}`);
  if (typeof value !== 'object' || value === null || Array.isArray(value) || (value as { jsonrpc?: unknown }).jsonrpc !== '2.0') {
    throw new ProtocolError(`Python worker sent a frame that is not a JSON-RPC 2.0 object: ${preview(line)}`);
  }
  const msg = value as Record<string, unknown>;
  const hasId = 'id' in msg && msg.id !== undefined;
  if (typeof msg.method === 'string') {
    if (hasId) {
      if (typeof msg.id !== 'number') throw new ProtocolError(`Python worker sent a request with a non-numeric id: ${preview(line)}`);
      return { kind: 'request', id: msg.id, method: msg.method, params: msg.params };
    }
    const params = msg.params;
    if (params !== undefined && (typeof params !== 'object' || params === null || Array.isArray(params))) {
      throw new ProtocolError(`Python worker sent a notification whose params are not an object: ${preview(line)}`);
    }
    return { kind: 'notification', method: msg.method, params: (params ?? {}) as Record<string, unknown> };
  }
  if ('result' in msg) {
    if (typeof msg.id !== 'number') throw new ProtocolError(`Python worker sent a response without a numeric id: ${preview(line)}`);
    return { kind: 'result', id: msg.id, result: msg.result };
  }
  if ('error' in msg) {
    const e = msg.error as Record<string, unknown> | null;
    if (typeof e !== 'object' || e === null || typeof e.code !== 'number' || typeof e.message !== 'string') {
      throw new ProtocolError(`Python worker sent an error response without code and message: ${preview(line)}`);
    }
    if (msg.id !== null && typeof msg.id !== 'number') throw new ProtocolError(`Python worker sent an error with a bad id: ${preview(line)}`);
    return { kind: 'error', id: msg.id as number | null, error: { code: e.code, message: e.message, data: e.data } };
  }
  throw new ProtocolError(`Python worker sent a JSON-RPC frame that is neither a request, a notification nor a response: ${preview(line)}`);
}

function preview(line: string): string {
  const s = line.length > 120 ? `${line.slice(0, 120)}... (${line.length} chars)` : line;
  return JSON.stringify(s);
}
