// The one object the preload exposes as `window.lvmscope`, built from the contract's channel
// lists (VS Code / Electron Fiddle's narrow preload): `call(method, params)` and
// `on(event, listener) → unsubscribe`. Names not in the contract are refused in the renderer
// already; ipcRenderer itself is never exposed. No `electron` import here: the preload
// passes the real ipcRenderer and contextBridge in, tests pass fakes.

import { EVENT_NAMES, METHOD_NAMES } from '../../app/api/contract';
import type { ApiResult } from '../../app/api/wire';
import { EVENT_CHANNEL, methodChannel } from './channels';
import type { EventBatch } from './channels';

export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export interface ContextBridgeLike {
  exposeInMainWorld(key: string, api: unknown): void;
}

/** What the renderer sees as `window.lvmscope`. Event listeners get one coalesced batch. */
export interface PreloadApi {
  call(method: string, params: unknown): Promise<ApiResult<unknown>>;
  on(event: string, listener: (payloads: unknown[]) => void): () => void;
}

export function buildPreloadApi(ipcRenderer: IpcRendererLike): PreloadApi {
  const methods = new Set<string>(METHOD_NAMES);
  const eventNames = new Set<string>(EVENT_NAMES);
  const listeners = new Map<string, Set<(payloads: unknown[]) => void>>();
  // One subscription for every event kind; the batch is routed by name in this world.
  ipcRenderer.on(EVENT_CHANNEL, (_event, batch) => {
    const { name, payloads } = (batch ?? {}) as Partial<EventBatch>;
    if (typeof name !== 'string' || !Array.isArray(payloads)) return;
    for (const listener of [...(listeners.get(name) ?? [])]) listener(payloads);
  });
  return {
    call(method, params) {
      if (typeof method !== 'string' || !methods.has(method)) {
        return Promise.resolve({ ok: false, error: { code: 'BAD_REQUEST', message: `Unknown method '${String(method)}': the preload only forwards the contract's methods.` } });
      }
      return ipcRenderer.invoke(methodChannel(method), params) as Promise<ApiResult<unknown>>;
    },
    on(event, listener) {
      if (typeof event !== 'string' || !eventNames.has(event)) {
        throw new Error(`Unknown event '${String(event)}': the preload only forwards the contract's events (${EVENT_NAMES.join(', ')}).`);
      }
      if (typeof listener !== 'function') throw new Error(`on('${event}', listener): the listener must be a function.`);
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
      return () => void set.delete(listener);
    },
  };
}

export const PRELOAD_KEY = 'lvmscope';

export function exposePreloadApi(contextBridge: ContextBridgeLike, ipcRenderer: IpcRendererLike): void {
  const api = buildPreloadApi(ipcRenderer);
  // Expose plain functions only (contextBridge copies the object; no prototype, no ipcRenderer).
  contextBridge.exposeInMainWorld(PRELOAD_KEY, { call: api.call, on: api.on });
}
