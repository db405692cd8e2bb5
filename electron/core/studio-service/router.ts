/**
 * The transport-independent StudioApi router: one handler per method, params validated with the
 * shared zod contract, results validated before they leave. Electron IPC and the browser-mode
 * WebSocket are two thin adapters over `dispatch`.
 */
import {
  isStudioMethod,
  parseParams,
  requestEnvelopeSchema,
  StudioApiError,
  studioEvents,
  studioMethods,
  type EventEnvelope,
  type EventPayload,
  type MethodResult,
  type ResponseEnvelope,
  type StudioEvent,
  type StudioMethod,
} from '../../../shared/api/index';
import { jsonBoundsProblem } from '../../../shared/json/bounds';

export type Handlers = { [M in StudioMethod]: (params: ReturnType<typeof parseParams<M>>) => Promise<MethodResult<M>> | MethodResult<M> };

export interface Router {
  /** Validates a raw envelope (already JSON-decoded), runs the method, returns a response envelope. Never throws. */
  dispatch(raw: unknown): Promise<ResponseEnvelope>;
  /** Calls a method directly (tests, CLI). Throws StudioApiError. */
  call<M extends StudioMethod>(method: M, params: unknown): Promise<MethodResult<M>>;
  subscribe(listener: (event: EventEnvelope) => void): () => void;
  emit<E extends StudioEvent>(event: E, payload: EventPayload<E>): void;
}

export function createRouter(handlers: Handlers, log: (msg: string) => void = () => {}): Router {
  const listeners = new Set<(event: EventEnvelope) => void>();

  async function call<M extends StudioMethod>(method: M, params: unknown): Promise<MethodResult<M>> {
    const input = parseParams(method, params);
    const handler = handlers[method] as (p: unknown) => Promise<MethodResult<M>> | MethodResult<M>;
    const result = await handler(input);
    const checked = studioMethods[method].result.safeParse(result);
    if (!checked.success) throw new StudioApiError('internal', `${method} produced an invalid result`);
    return checked.data as MethodResult<M>;
  }

  return {
    call,
    async dispatch(raw) {
      const rawId = (raw as { id?: unknown } | null)?.id;
      const id = Number.isSafeInteger(rawId) ? (rawId as number) : -1;
      const tooBig = jsonBoundsProblem(raw);
      if (tooBig) return { kind: 'response', id, ok: false, error: { code: 'bad_request', message: `request ${tooBig}` } };
      const env = requestEnvelopeSchema.safeParse(raw);
      if (!env.success) {
        return { kind: 'response', id, ok: false, error: { code: 'bad_request', message: 'malformed request envelope' } };
      }
      const { method, params } = env.data;
      if (!isStudioMethod(method)) {
        return { kind: 'response', id, ok: false, error: { code: 'unknown_method', message: `unknown method ${method}` } };
      }
      try {
        const result = await call(method, params);
        return { kind: 'response', id, ok: true, result };
      } catch (err) {
        if (err instanceof StudioApiError) {
          return { kind: 'response', id, ok: false, error: { code: err.code, message: err.message, issues: err.issues } };
        }
        const code = (err as NodeJS.ErrnoException)?.code;
        if (code === 'ENOENT') return { kind: 'response', id, ok: false, error: { code: 'not_found', message: (err as Error).message } };
        if (code === 'EEXIST') return { kind: 'response', id, ok: false, error: { code: 'conflict', message: (err as Error).message } };
        if (code === 'EACCES' || code === 'EPERM') return { kind: 'response', id, ok: false, error: { code: 'forbidden', message: (err as Error).message } };
        log(`studio-service: ${method} failed: ${err instanceof Error ? err.stack : String(err)}`);
        return { kind: 'response', id, ok: false, error: { code: 'internal', message: err instanceof Error ? err.message : String(err) } };
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(event, payload) {
      const checked = studioEvents[event].parse(payload);
      for (const l of listeners) l({ kind: 'event', event, payload: checked });
    },
  };
}
