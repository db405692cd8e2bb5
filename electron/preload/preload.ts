/**
 * Preload (sandboxed, bundled as CommonJS): exposes only the typed StudioApi bridge on window.studio.
 * ipcRenderer itself is never exposed; listeners get the payload, never the Electron event.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { EventEnvelope, RequestEnvelope, ResponseEnvelope, StudioBridge } from '../../shared/api/index';

const IPC = 'studio:rpc';
const EVENTS = 'studio:event';

const bridge: StudioBridge = {
  invoke(request: RequestEnvelope): Promise<ResponseEnvelope> {
    return ipcRenderer.invoke(IPC, request) as Promise<ResponseEnvelope>;
  },
  onEvent(listener: (event: EventEnvelope) => void): () => void {
    const wrapped = (_e: unknown, payload: EventEnvelope) => listener(payload);
    ipcRenderer.on(EVENTS, wrapped);
    return () => ipcRenderer.removeListener(EVENTS, wrapped);
  },
};

contextBridge.exposeInMainWorld('studio', bridge);
