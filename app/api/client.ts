// The generic client the renderer (and the CLI, and tests) use: typed calls that resolve to
// `{ok, value} | {ok: false, error}` and typed event subscriptions. It knows nothing of the
// transport; `renderer/transport.ts` picks Electron IPC or the WebSocket in one place.

import type { Disposable } from '../base/emitter';
import type { ErrorInfo } from '../base/result';
import type { EventName, MethodName, ParamsOf, PayloadOf, ResultOf } from './contract';
import type { ApiResult, Wire } from './wire';

export interface ApiClient {
  call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ApiResult<ResultOf<M>>>;
  /** Like `call`, but resolves to the value and rejects with an Error carrying `code`. */
  invoke<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>>;
  on<E extends EventName>(name: E, listener: (payload: PayloadOf<E>) => void): Disposable;
  dispose(): void;
}

export class ApiCallError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'ApiCallError';
  }
}

/** The minimal surface a transport offers; both the Wire adapter and the preload fit it. */
export interface Transport {
  call(method: string, params: unknown): Promise<ApiResult<unknown>>;
  onEvent(listener: (name: string, payloads: unknown[]) => void): Disposable;
}

export function createApiClient(transport: Transport): ApiClient {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const sub = transport.onEvent((name, payloads) => {
    const set = listeners.get(name);
    if (!set) return;
    for (const payload of payloads) for (const l of [...set]) l(payload);
  });
  const client: ApiClient = {
    call: (method, params) => transport.call(method, params) as never,
    async invoke(method, params) {
      const r = await transport.call(method, params);
      if (!r.ok) throw new ApiCallError(r.error.code, r.error.message);
      return r.value as never;
    },
    on(name, listener) {
      const set = listeners.get(name) ?? new Set();
      set.add(listener as (p: unknown) => void);
      listeners.set(name, set);
      return { dispose: () => void set.delete(listener as (p: unknown) => void) };
    },
    dispose: () => sub.dispose(),
  };
  return client;
}

export interface WireTransportOptions {
  /**
   * Called with a protocol error: a response with id null, the server's answer to a message it
   * could not read (see ResponseMessage in wire.ts). It answers no call of ours, so by default
   * it is only logged; the connection stays usable.
   */
  onProtocolError?: (error: ErrorInfo) => void;
}

/** Adapts a Wire (WebSocket, in-memory pair) to a Transport with request ids. */
export function wireTransport(wire: Wire, options: WireTransportOptions = {}): Transport & Disposable {
  let nextId = 1;
  const pending = new Map<number, (r: ApiResult<unknown>) => void>();
  const eventListeners = new Set<(name: string, payloads: unknown[]) => void>();
  const onProtocolError = options.onProtocolError ?? ((error) => console.warn(`lvmscope: the engine could not read a message: ${error.message}`));
  const sub = wire.onMessage((m) => {
    if (m.kind === 'response') {
      const id = m.id;
      if (id === null) {
        if (!m.result.ok) onProtocolError(m.result.error);
        return;
      }
      pending.get(id)?.(m.result);
      pending.delete(id);
    } else if (m.kind === 'event') {
      for (const l of [...eventListeners]) l(m.name, m.payloads);
    }
  });
  return {
    call(method, params) {
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        wire.send({ kind: 'request', id, method, params });
      });
    },
    onEvent(listener) {
      eventListeners.add(listener);
      return { dispose: () => void eventListeners.delete(listener) };
    },
    dispose() {
      sub.dispose();
      for (const resolve of pending.values()) resolve({ ok: false, error: { code: 'IO', message: 'The connection to the engine closed before it answered.' } });
      pending.clear();
    },
  };
}
