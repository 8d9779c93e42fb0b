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

/**
 * A Wire over a browser WebSocket; messages sent before it opens are queued. Incoming messages
 * are handed on once per animation frame (frameBatched): during a big move the engine sends
 * dozens of event messages a second, and each delivered in a task of its own made React render
 * the whole page once per message.
 */
export function browserSocketWire(socket: WebSocket, schedule: FrameScheduler = browserFrames): Wire {
  const queued: string[] = [];
  socket.addEventListener('open', () => queued.splice(0).forEach((text) => socket.send(text)));
  return {
    send(message: WireMessage) {
      const text = JSON.stringify(message);
      if (socket.readyState === WebSocket.OPEN) socket.send(text);
      else if (socket.readyState === WebSocket.CONNECTING) queued.push(text);
    },
    onMessage(listener) {
      const batch = frameBatched(listener, schedule);
      const onMessage = (e: MessageEvent) => {
        if (typeof e.data !== 'string') return;
        try {
          batch.push(JSON.parse(e.data) as WireMessage);
        } catch {
          // A malformed frame is dropped; the server only sends JSON.
        }
      };
      // What arrived before the close is delivered before the transport fails the pending calls.
      const onClose = () => batch.flush();
      socket.addEventListener('message', onMessage);
      socket.addEventListener('close', onClose);
      return {
        dispose: () => {
          socket.removeEventListener('message', onMessage);
          socket.removeEventListener('close', onClose);
        },
      };
    },
  };
}

/** When to deliver: `frame` at the next animation frame, `soon` in a task of its own (both cancellable). */
export interface FrameScheduler {
  frame(run: () => void): () => void;
  soon(run: () => void): () => void;
}

/**
 * Animation frames, with a timer behind them: a hidden page gets no frames (a window in the
 * background, a minimised audience window), and must still keep up with the engine.
 */
const browserFrames: FrameScheduler = {
  frame(run) {
    let done = false;
    const once = () => {
      if (done) return;
      done = true;
      cancelAnimationFrame(raf);
      clearTimeout(timer);
      run();
    };
    const raf = requestAnimationFrame(once);
    const timer = setTimeout(once, 100);
    return () => {
      done = true;
      cancelAnimationFrame(raf);
      clearTimeout(timer);
    };
  },
  soon(run) {
    const channel = new MessageChannel();
    let live = true;
    channel.port1.onmessage = () => live && (channel.port1.close(), run());
    channel.port2.postMessage(null);
    return () => {
      live = false;
      channel.port1.close();
    };
  },
};

/**
 * Collects messages and hands them to `deliver` together, oldest first, at the next frame, so a
 * frame's worth of events is one store update and one React render. Order is kept, and so is
 * what a response's caller sees: after a response the rest waits for a task of its own, so the
 * code awaiting that response runs (its microtasks) before any later event is applied, as when
 * every message had its own task.
 */
export function frameBatched(deliver: (m: WireMessage) => void, schedule: FrameScheduler): { push(m: WireMessage): void; flush(): void } {
  let queue: WireMessage[] = [];
  let cancel: (() => void) | null = null;
  const run = () => {
    cancel = null;
    const at = queue.findIndex((m) => m.kind === 'response');
    const now = at < 0 ? queue : queue.slice(0, at + 1);
    queue = at < 0 ? [] : queue.slice(at + 1);
    if (queue.length) cancel = schedule.soon(run);
    for (const m of now) deliver(m);
  };
  return {
    push(m) {
      queue.push(m);
      cancel ??= schedule.frame(run);
    },
    flush() {
      cancel?.();
      cancel = null;
      const all = queue;
      queue = [];
      for (const m of all) deliver(m);
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
