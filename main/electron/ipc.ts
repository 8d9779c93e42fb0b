// Registers every method of the contract on an ipcMain-like object, generically (VS Code's
// ProxyChannel habit): channel `lvmscope:<method>`, sender checked first, then the payload
// validated by `dispatch` (zod), the answer always data `{ok, value} | {ok: false, error}`.
// Engine events are coalesced (≤ 30 batches per second per kind) and sent on
// `lvmscope:event`. No `electron` import here: tests drive it with fakes.

import type { Clock } from '../../app/base/clock';
import type { Disposable } from '../../app/base/emitter';
import { METHOD_NAMES, events, isEventName } from '../../app/api/contract';
import type { ApiResult } from '../../app/api/wire';
import { EVENT_CHANNEL, methodChannel } from './channels';
import type { EventBatch } from './channels';
import { EventCoalescer } from '../../app/api/coalesce';
import { dispatch } from '../../app/api/server';
import type { EventSource, Handlers } from '../../app/api/server';
import type { SenderVerdict } from './senderCheck';

export { EVENT_CHANNEL, methodChannel };
export type { EventBatch };

/** The part of Electron's ipcMain we use. */
export interface IpcMainLike<E> {
  handle(channel: string, listener: (event: E, ...args: unknown[]) => Promise<unknown> | unknown): void;
  removeHandler(channel: string): void;
}

export function registerApiHandlers<E>(
  ipcMain: IpcMainLike<E>,
  handlers: Handlers,
  verifySender: (event: E) => SenderVerdict,
): Disposable {
  for (const method of METHOD_NAMES) {
    ipcMain.handle(methodChannel(method), async (event, params): Promise<ApiResult<unknown>> => {
      const verdict = verifySender(event);
      if (!verdict.trusted) {
        return { ok: false, error: { code: 'BAD_REQUEST', message: `Refused ${method}: ${verdict.reason}.` } };
      }
      return dispatch(handlers, method, params);
    });
  }
  return { dispose: () => METHOD_NAMES.forEach((m) => ipcMain.removeHandler(methodChannel(m))) };
}

/** Forwards engine events, coalesced, to `send` (the window's webContents.send on EVENT_CHANNEL). */
export function forwardEvents(source: EventSource, clock: Clock, send: (batch: EventBatch) => void): Disposable {
  const coalescer = new EventCoalescer(
    clock,
    (name) => (isEventName(name) ? events[name].coalesce : { mode: 'all' }),
    (name, payloads) => send({ name, payloads }),
  );
  const subscription = source.subscribe((name, payload) => coalescer.push(name, payload));
  return {
    dispose() {
      subscription.dispose();
      coalescer.dispose();
    },
  };
}
