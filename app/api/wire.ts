// The messages that cross a process boundary, whatever the transport (Electron IPC,
// WebSocket, or an in-memory pair in tests). Results are data, never thrown across:
// `{ok: true, value} | {ok: false, error: {code, message}}` (Signal's IPC habit).

import type { Disposable } from '../base/emitter';
import type { ErrorInfo } from '../base/result';

/** Every channel shares this prefix (Electron IPC channel names, log lines). */
export const CHANNEL_PREFIX = 'lvmscope:';

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

export type WireMessage =
  | { kind: 'request'; id: number; method: string; params: unknown }
  | { kind: 'response'; id: number; result: ApiResult<unknown> }
  /** Events are batched: `payloads` holds every coalesced event of one kind, oldest first. */
  | { kind: 'event'; name: string; payloads: unknown[] };

/** One end of a message channel. */
export interface Wire {
  send(message: WireMessage): void;
  onMessage(listener: (message: WireMessage) => void): Disposable;
}

/** Two connected ends, for contract tests (VS Code's ipc.test.ts habit). Delivery is async. */
export function inMemoryWirePair(): [Wire, Wire] {
  const listeners: [Array<(m: WireMessage) => void>, Array<(m: WireMessage) => void>] = [[], []];
  const end = (mine: 0 | 1): Wire => ({
    send(message) {
      // Structured-clone semantics: the receiver never shares objects with the sender.
      const copy = JSON.parse(JSON.stringify(message)) as WireMessage;
      queueMicrotask(() => listeners[1 - mine].slice().forEach((l) => l(copy)));
    },
    onMessage(listener) {
      listeners[mine].push(listener);
      return { dispose: () => void (listeners[mine] = listeners[mine].filter((l) => l !== listener)) };
    },
  });
  return [end(0), end(1)];
}
