// The messages that cross a process boundary, whatever the transport (Electron IPC,
// WebSocket, or an in-memory pair in tests). Results are data, never thrown across:
// `{ok: true, value} | {ok: false, error: {code, message}}` (Signal's IPC habit).

import type { Disposable } from '../base/emitter';
import type { ErrorInfo } from '../base/result';

/** Every channel shares this prefix (Electron IPC channel names, log lines). */
export const CHANNEL_PREFIX = 'lvmscope:';

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

export type WireMessage = RequestMessage | ResponseMessage | EventMessage;

/** `id`: any safe integer the caller picks; its response carries the same id. */
export interface RequestMessage {
  kind: 'request';
  id: number;
  method: string;
  params: unknown;
}

/**
 * The answer to one request. `id` is null for a **protocol error**: the server could not read a
 * usable id from what it received (not JSON, not an object, a missing or non-integer id, a
 * binary frame), so the answer is addressed to no call in particular; `result` is then always
 * `{ok: false, error: {code: 'BAD_REQUEST', message}}`. Clients log such answers and carry on:
 * the connection stays usable. Every message a server receives gets exactly one response,
 * except what the transport itself refuses (a WebSocket frame that breaks the protocol, or
 * one over the size limit, closes that connection with the matching close code instead).
 */
export interface ResponseMessage {
  kind: 'response';
  id: number | null;
  result: ApiResult<unknown>;
}

/** Events are batched: `payloads` holds every coalesced event of one kind, oldest first. */
export interface EventMessage {
  kind: 'event';
  name: string;
  payloads: unknown[];
}

/** What a server makes of one incoming text: a request to dispatch, or the error response to send at once. */
export type IncomingRequest = { ok: true; request: RequestMessage } | { ok: false; response: ResponseMessage };

/** An error response (id null: a protocol error) with one sentence saying what to send instead. */
export function badRequest(id: number | null, message: string): ResponseMessage {
  return { kind: 'response', id, result: { ok: false, error: { code: 'BAD_REQUEST', message } } };
}

const REQUEST_EXAMPLE = '{"kind":"request","id":1,"method":"engine.info","params":{}}';

/** Reads one text message as a request; anything else becomes the response that explains it. */
export function readRequest(text: string): IncomingRequest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, response: badRequest(null, `The message is not valid JSON; send one JSON object per message, like ${REQUEST_EXAMPLE}.`) };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, response: badRequest(null, `The message is ${describeJson(raw)}, not a JSON object; send one request object per message, like ${REQUEST_EXAMPLE}.`) };
  }
  const message = raw as Record<string, unknown>;
  const id = message.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) {
    return { ok: false, response: badRequest(null, `The message has no usable id (its "id" is ${describeJson(id)}); give every request a whole-number id so that its answer can be matched to it.`) };
  }
  if (message.kind !== 'request') {
    return { ok: false, response: badRequest(id, `Only requests are accepted here ("kind": "request"), not ${describeJson(message.kind)}.`) };
  }
  if (typeof message.method !== 'string') {
    return { ok: false, response: badRequest(id, `The request names no method ("method" is ${describeJson(message.method)}, not a string like "engine.info").`) };
  }
  return { ok: true, request: { kind: 'request', id, method: message.method, params: message.params } };
}

/** A short description of a JSON value for an error sentence; never echoes long input back. */
export function describeJson(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isFinite(value) ? `the number ${String(value).slice(0, 24)}` : 'a number out of range';
  if (typeof value === 'string') return value.length <= 40 && /^[\x20-\x7e]*$/.test(value) ? `the string ${JSON.stringify(value)}` : 'a string';
  return `a ${typeof value === 'object' ? 'JSON object' : typeof value}`;
}

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
