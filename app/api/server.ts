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
 * Validates and dispatches one request; used by every transport (IPC, WebSocket, tests). It
 * never rejects: whatever a hostile or broken caller sends (params nested too deep for the
 * validator, getters that throw), the answer is `{ok: false, error}`.
 */
export async function dispatch(handlers: Handlers, methodName: unknown, params: unknown): Promise<ApiResult<unknown>> {
  if (!isMethodName(methodName)) {
    return { ok: false, error: { code: 'BAD_REQUEST', message: `Unknown method '${String(methodName).slice(0, 80)}'. Known methods: ${Object.keys(methods).join(', ')}.` } };
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
