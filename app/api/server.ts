// The generic server: registers every method of the contract on a Wire, validates every
// payload at runtime before a handler sees it, and answers with data
// (`{ok, value} | {ok: false, error}`), never with a thrown exception. Engine events go
// through an EventCoalescer before they cross the boundary.

import type { Clock } from '../base/clock';
import type { Disposable } from '../base/emitter';
import { toErrorInfo } from '../base/result';
import { EventCoalescer } from './coalesce';
import { events, isEventName, isMethodName, methods } from './contract';
import type { EventName, MethodName, ParsedParamsOf, PayloadOf, ResultOf } from './contract';
import type { ApiResult, Wire, WireMessage } from './wire';

export type Handlers = { [M in MethodName]: (params: ParsedParamsOf<M>) => Promise<ResultOf<M>> };

export interface EventSource {
  subscribe(listener: <E extends EventName>(name: E, payload: PayloadOf<E>) => void): Disposable;
}

/**
 * The longest text any parameter may hold: a path (PATH_MAX). Names are far shorter; checking
 * once here keeps every error sentence that names a value a readable length.
 */
export const MAX_TEXT_CHARS = 4096;

/** The length of the longest string anywhere in `value` (walked without recursion: any depth). */
export function longestText(value: unknown): number {
  let longest = 0;
  const pending: unknown[] = [value];
  while (pending.length) {
    const item = pending.pop();
    if (typeof item === 'string') longest = Math.max(longest, item.length);
    else if (Array.isArray(item)) pending.push(...item);
    else if (item !== null && typeof item === 'object') for (const [key, v] of Object.entries(item)) pending.push(key, v);
  }
  return longest;
}

/**
 * Methods that carry whole files as `{name, text}` (a vgcfgbackup, a pvs report): their `text`
 * fields are bounded by the method's own schema, every other string by MAX_TEXT_CHARS.
 */
const FILE_TEXT_METHODS: ReadonlySet<string> = new Set(['workspace.import']);

/** The params with the `text` of each top-level `{name, text}` file left out. */
function withoutFileTexts(params: unknown): unknown {
  if (params === null || typeof params !== 'object' || Array.isArray(params)) return params;
  return Object.fromEntries(Object.entries(params).map(([key, value]) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || typeof (value as { text?: unknown }).text !== 'string') return [key, value];
    const { text: _text, ...rest } = value as { text: string };
    return [key, rest];
  }));
}

/**
 * Validates and dispatches one request; used by every transport (IPC, WebSocket, tests). It
 * never rejects: whatever a hostile or broken caller sends (params nested too deep for the
 * validator, getters that throw), the answer is `{ok: false, error}`.
 */
export async function dispatch(handlers: Handlers, methodName: unknown, params: unknown): Promise<ApiResult<unknown>> {
  if (!isMethodName(methodName)) {
    return { ok: false, error: { code: 'BAD_REQUEST', message: `Unknown method '${String(methodName).slice(0, 80)}'. Known methods: ${Object.keys(methods).join(', ')}.` } };
  }
  const overlong = longestText(FILE_TEXT_METHODS.has(methodName) ? withoutFileTexts(params) : params);
  if (overlong > MAX_TEXT_CHARS) {
    return { ok: false, error: { code: 'BAD_REQUEST', message: `Invalid parameters for ${methodName}: a text of ${overlong} characters is longer than any name or path may be (${MAX_TEXT_CHARS} at most).` } };
  }
  try {
    const parsed = methods[methodName].params.safeParse(params ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? ` (at ${issue.path.join('.').slice(0, 120)})` : '';
      return { ok: false, error: { code: 'BAD_REQUEST', message: `Invalid parameters for ${methodName}: ${issue?.message ?? 'malformed'}${where}.` } };
    }
    const handler = handlers[methodName] as (p: unknown) => Promise<unknown>;
    return { ok: true, value: await handler(parsed.data) };
  } catch (e) {
    return { ok: false, error: toErrorInfo(e) };
  }
}

export function serveApi(wire: Wire, handlers: Handlers, source: EventSource, clock: Clock): Disposable {
  const coalescer = new EventCoalescer(
    clock,
    (name) => (isEventName(name) ? events[name].coalesce : { mode: 'all' }),
    (name, payloads) => wire.send({ kind: 'event', name, payloads }),
  );
  const subscription = source.subscribe((name, payload) => coalescer.push(name, payload));
  const incoming = wire.onMessage((message: WireMessage) => {
    if (message.kind !== 'request') return;
    void dispatch(handlers, message.method, message.params).then((result) => answer(wire, message.id, message.method, result));
  });
  return {
    dispose() {
      coalescer.flush();
      coalescer.dispose();
      subscription.dispose();
      incoming.dispose();
    },
  };
}

/**
 * Sends one response. A value the transport cannot carry (a send that throws) still gets an
 * answer, an INTERNAL error naming the method, so no caller waits forever.
 */
function answer(wire: Wire, id: number, method: string, result: ApiResult<unknown>): void {
  try {
    wire.send({ kind: 'response', id, result });
  } catch (e) {
    const message = `The answer to ${method} could not be sent: ${toErrorInfo(e).message}`;
    wire.send({ kind: 'response', id, result: { ok: false, error: { code: 'INTERNAL', message } } });
  }
}
