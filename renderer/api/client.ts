/** The StudioApi client: Electron's preload bridge when present, else the browser-mode WebSocket. */
import {
  eventEnvelopeSchema,
  responseEnvelopeSchema,
  StudioApiError,
  type EventEnvelope,
  type EventPayload,
  type MethodParams,
  type MethodResult,
  type ResponseEnvelope,
  type StudioApi,
  type StudioBridge,
  type StudioEvent,
  type StudioMethod,
} from '../../shared/api/index';

declare global {
  interface Window {
    studio?: StudioBridge;
  }
}

type Transport = {
  send(request: { kind: 'request'; id: number; method: string; params: unknown }): Promise<ResponseEnvelope>;
  onEvent(listener: (e: EventEnvelope) => void): void;
};

function bridgeTransport(bridge: StudioBridge): Transport {
  return { send: (r) => bridge.invoke(r), onEvent: (l) => void bridge.onEvent(l) };
}

/** Token from the page URL (`?token=`), kept for reconnects. */
export function pageToken(): string | null {
  const t = new URLSearchParams(window.location.search).get('token');
  if (t) sessionStorage.setItem('ps_token', t);
  return t ?? sessionStorage.getItem('ps_token');
}

function socketTransport(): Transport {
  const pending = new Map<number, (r: ResponseEnvelope) => void>();
  const eventListeners = new Set<(e: EventEnvelope) => void>();
  let socket: WebSocket | null = null;
  let ready: Promise<WebSocket> | null = null;
  const queue: string[] = [];

  function connect(): Promise<WebSocket> {
    if (ready) return ready;
    ready = new Promise((resolve, reject) => {
      const proto = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
      const token = pageToken() ?? '';
      const ws = new WebSocket(`${proto}//${window.location.host}/api?token=${encodeURIComponent(token)}`);
      ws.onopen = () => {
        socket = ws;
        for (const m of queue.splice(0)) ws.send(m);
        resolve(ws);
      };
      ws.onerror = () => reject(new StudioApiError('internal', 'cannot reach the Pipeline Studio host'));
      ws.onclose = () => {
        socket = null;
        ready = null;
        for (const [id, done] of pending) done({ kind: 'response', id, ok: false, error: { code: 'internal', message: 'connection to the host closed' } });
        pending.clear();
      };
      ws.onmessage = (msg) => {
        let data: unknown;
        try {
          data = JSON.parse(String(msg.data));
        } catch {
          return;
        }
        const resp = responseEnvelopeSchema.safeParse(data);
        if (resp.success) {
          pending.get(resp.data.id)?.(resp.data);
          pending.delete(resp.data.id);
          return;
        }
        const ev = eventEnvelopeSchema.safeParse(data);
        if (ev.success) for (const l of eventListeners) l(ev.data);
      };
    });
    return ready;
  }

  return {
    async send(request) {
      const text = JSON.stringify(request);
      const result = new Promise<ResponseEnvelope>((resolve) => pending.set(request.id, resolve));
      if (socket && socket.readyState === WebSocket.OPEN) socket.send(text);
      else {
        queue.push(text);
        await connect();
      }
      return result;
    },
    onEvent(l) {
      eventListeners.add(l);
      void connect().catch(() => {});
    },
  };
}

export function createStudioClient(transport: Transport = window.studio ? bridgeTransport(window.studio) : socketTransport()): StudioApi {
  let nextId = 1;
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  transport.onEvent((e) => {
    for (const l of listeners.get(e.event) ?? []) l(e.payload);
  });
  return {
    async call<M extends StudioMethod>(method: M, params: MethodParams<M>): Promise<MethodResult<M>> {
      const response = await transport.send({ kind: 'request', id: nextId++, method, params });
      if (!response.ok) throw new StudioApiError(response.error.code, response.error.message, response.error.issues);
      return response.result as MethodResult<M>;
    },
    on<E extends StudioEvent>(event: E, listener: (payload: EventPayload<E>) => void) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (p: unknown) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (p: unknown) => void);
    },
  };
}

export const studio: StudioApi = createStudioClient();
export const isElectron = (): boolean => Boolean(window.studio);
