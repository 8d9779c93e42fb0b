// The ONE place where the renderer picks how it talks to the engine: through the Electron
// preload (`window.lvmscope`, when present) or through browser mode's WebSocket
// (`/api?token=…`, the token taken from the page URL). Everything else sees an ApiClient.

import { createApiClient, EVENT_NAMES, wireTransport } from '../app/api';
import type { ApiClient, ApiResult, Transport, Wire, WireMessage } from '../app/api';

/** What the Electron preload exposes (main/electron/preloadApi.ts). */
export interface PreloadBridge {
  call(method: string, params: unknown): Promise<ApiResult<unknown>>;
  on(event: string, listener: (payloads: unknown[]) => void): () => void;
}

declare global {
  interface Window {
    lvmscope?: PreloadBridge;
  }
}

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface EngineConnection {
  client: ApiClient;
  kind: 'preload' | 'websocket';
  /** Called when the connection state changes (the preload is always open). */
  onState(listener: (state: ConnectionState) => void): void;
}

export function preloadTransport(bridge: PreloadBridge): Transport {
  return {
    call: (method, params) => bridge.call(method, params),
    onEvent(listener) {
      const unsubscribers = EVENT_NAMES.map((name) => bridge.on(name, (payloads) => listener(name, payloads)));
      return { dispose: () => unsubscribers.forEach((off) => off()) };
    },
  };
}

/** A Wire over a browser WebSocket; messages sent before it opens are queued. */
export function browserSocketWire(socket: WebSocket): Wire {
  const queued: string[] = [];
  socket.addEventListener('open', () => queued.splice(0).forEach((text) => socket.send(text)));
  return {
    send(message: WireMessage) {
      const text = JSON.stringify(message);
      if (socket.readyState === WebSocket.OPEN) socket.send(text);
      else if (socket.readyState === WebSocket.CONNECTING) queued.push(text);
    },
    onMessage(listener) {
      const onMessage = (e: MessageEvent) => {
        if (typeof e.data !== 'string') return;
        try {
          listener(JSON.parse(e.data) as WireMessage);
        } catch {
          // A malformed frame is dropped; the server only sends JSON.
        }
      };
      socket.addEventListener('message', onMessage);
      return { dispose: () => socket.removeEventListener('message', onMessage) };
    },
  };
}

/** The WebSocket URL of browser mode, next to the page and with the page's token. */
export function apiSocketUrl(location: Pick<Location, 'host' | 'search' | 'protocol'>): string {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/api?token=${encodeURIComponent(token)}`;
}

export function connectEngine(win: Window = window): EngineConnection {
  if (win.lvmscope) {
    return { client: createApiClient(preloadTransport(win.lvmscope)), kind: 'preload', onState: (l) => l('open') };
  }
  const socket = new WebSocket(apiSocketUrl(win.location));
  const transport = wireTransport(browserSocketWire(socket));
  const stateListeners: Array<(s: ConnectionState) => void> = [];
  const setState = (s: ConnectionState) => stateListeners.forEach((l) => l(s));
  socket.addEventListener('open', () => setState('open'));
  socket.addEventListener('close', () => {
    transport.dispose(); // pending calls resolve with an error instead of hanging
    setState('closed');
  });
  return { client: createApiClient(transport), kind: 'websocket', onState: (l) => void stateListeners.push(l) };
}
