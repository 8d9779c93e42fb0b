// The ONE place where the renderer picks how it talks to the engine: through the Electron
// preload (`window.lvmscope`, when present) or through browser mode's WebSocket
// (`/api?token=…`, the token taken from the page URL). Everything else sees an ApiClient.

import { createApiClient, EVENT_NAMES, wireTransport } from '../app/api';
import type { ApiClient, ApiResult, Transport, Wire, WireMessage } from '../app/api';

type Disposable = { dispose(): void };

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

/** `reconnecting`: the connection closed and the next attempt waits for its backoff. */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface EngineConnection {
  client: ApiClient;
  kind: 'preload' | 'websocket';
  /** Called when the connection state changes (the preload is always open). */
  onState(listener: (state: ConnectionState) => void): void;
  /**
   * Called when the connection opened again after it closed: what the engine sent meanwhile
   * is lost, so the window asks for every view it holds again (loadAfterReconnect).
   */
  onReconnect(listener: () => void): void;
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
      if (socket.readyState === socket.OPEN) socket.send(text);
      else if (socket.readyState === socket.CONNECTING) queued.push(text);
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
    return { client: createApiClient(preloadTransport(win.lvmscope)), kind: 'preload', onState: (l) => l('open'), onReconnect: () => undefined };
  }
  const url = apiSocketUrl(win.location);
  const transport = reconnectingTransport(() => new WebSocket(url), { wait: (ms, run) => clearTimeout.bind(null, setTimeout(run, ms)) });
  return { client: createApiClient(transport), kind: 'websocket', onState: transport.onState, onReconnect: transport.onReconnect };
}

/** Waits before reconnection attempts, one after the other; the last one repeats. */
export const RECONNECT_BACKOFF_MS: readonly number[] = [250, 500, 1000, 2000, 4000, 8000];

export interface ReconnectOptions {
  /** Runs `run` after `ms`; returns what cancels it. */
  wait(ms: number, run: () => void): () => void;
  backoffMs?: readonly number[];
  /** How each socket's Wire is made (browserSocketWire; a test passes its own frames). */
  wire?: (socket: WebSocket) => Wire;
}

/**
 * A Transport over a WebSocket that is opened again whenever it closes: the browser server
 * drops a page that stops reading (main/serve/socket.ts), a laptop sleeps, the network blips;
 * a page that stayed closed showed a frozen move until someone reloaded it. Attempts follow
 * RECONNECT_BACKOFF_MS; each open after a close is announced (`onReconnect`) so the window
 * asks again for what it shows. Calls made while closed fail at once with a sentence, as do
 * the calls the closed connection had not answered; event listeners stay subscribed across.
 */
export function reconnectingTransport(open: () => WebSocket, options: ReconnectOptions): Transport & Disposable & { onState(listener: (s: ConnectionState) => void): void; onReconnect(listener: () => void): void } {
  const backoff = options.backoffMs ?? RECONNECT_BACKOFF_MS;
  const makeWire = options.wire ?? ((socket: WebSocket) => browserSocketWire(socket));
  const stateListeners: Array<(s: ConnectionState) => void> = [];
  const reconnectListeners: Array<() => void> = [];
  const eventListeners = new Set<(name: string, payloads: unknown[]) => void>();
  let current: (Transport & Disposable) | null = null;
  let failures = 0;
  let everOpen = false;
  let disposed = false;
  let cancelWait: (() => void) | null = null;
  const setState = (s: ConnectionState) => stateListeners.forEach((l) => l(s));

  const connect = () => {
    cancelWait = null;
    const socket = open();
    const transport = wireTransport(makeWire(socket));
    transport.onEvent((name, payloads) => eventListeners.forEach((l) => l(name, payloads)));
    current = transport;
    setState('connecting');
    socket.addEventListener('open', () => {
      failures = 0;
      setState('open');
      if (everOpen) reconnectListeners.forEach((l) => l());
      everOpen = true;
    });
    socket.addEventListener('close', () => {
      transport.dispose(); // pending calls resolve with an error instead of hanging
      if (current === transport) current = null;
      if (disposed) return setState('closed');
      setState('reconnecting');
      cancelWait = options.wait(backoff[Math.min(failures, backoff.length - 1)], connect);
      failures += 1;
    });
  };
  connect();

  return {
    call(method, params) {
      if (!current) return Promise.resolve({ ok: false, error: { code: 'IO', message: 'The connection to the engine is closed; lvmscope is reconnecting, try again in a moment.' } });
      return current.call(method, params);
    },
    onEvent(listener) {
      eventListeners.add(listener);
      return { dispose: () => void eventListeners.delete(listener) };
    },
    onState: (listener) => void stateListeners.push(listener),
    onReconnect: (listener) => void reconnectListeners.push(listener),
    dispose() {
      disposed = true;
      cancelWait?.();
      current?.dispose();
    },
  };
}
