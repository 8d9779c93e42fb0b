// One browser-mode WebSocket connection: the Wire the API server talks through, and the rules
// that keep one misbehaving client from hurting the others.
// - A frame that breaks the WebSocket protocol (unmasked, reserved opcode or RSV bit, bad
//   close code, invalid UTF-8, a control frame over 125 bytes) or a message over the size
//   limit closes that connection only: `ws` sends the matching close code (1002, 1007, 1009)
//   and emits 'error', which is handled here; an unhandled 'error' would end the process.
// - Every message that arrives gets an answer (app/api/wire.ts): a request is dispatched; text
//   that is not a request, and any binary message, gets an error response (id null when no
//   usable id could be read).
// - A client that stops reading while events keep coming is disconnected once its backlog
//   passes a bound, instead of growing the server's memory without limit; it gets a fresh
//   snapshot when it reconnects.

import type { WebSocket } from 'ws';
import type { Disposable } from '../../app/base/emitter';
import { badRequest, readRequest } from '../../app/api/wire';
import type { Wire, WireMessage } from '../../app/api/wire';

/** The largest message a client may send (a request is a few hundred bytes). */
export const MAX_MESSAGE_BYTES = 1 << 20;
/** Outgoing bytes a client may leave unread before it is disconnected. */
export const MAX_UNREAD_BYTES = 64 << 20;

const BINARY_REFUSAL = 'Binary messages are not part of the lvmscope protocol; send each request as one JSON text message.';

/**
 * Serves one accepted connection: `start` begins the API session on it, which is disposed when
 * the connection closes. Returns that session (the server disposes it early on shutdown).
 */
export function serveConnection(ws: WebSocket, start: (wire: Wire) => Disposable, limits: ConnectionLimits = { maxUnreadBytes: MAX_UNREAD_BYTES }): Disposable {
  // ws closes the connection itself after a protocol error, with the matching close code; this
  // listener only has to exist (an ECONNRESET from the peer lands here too).
  ws.on('error', () => undefined);
  const session = start(socketWire(ws, limits));
  ws.once('close', () => session.dispose());
  return session;
}

export interface ConnectionLimits {
  /** Outgoing bytes the client may leave unread before it is disconnected. */
  maxUnreadBytes: number;
  /** Told why a connection was dropped (for the server's log). */
  onDrop?: (reason: string) => void;
}

/** A Wire over one WebSocket; every incoming message is answered (see the header). */
export function socketWire(ws: WebSocket, limits: ConnectionLimits = { maxUnreadBytes: MAX_UNREAD_BYTES }): Wire {
  const send = (message: WireMessage) => {
    if (ws.readyState !== ws.OPEN) return;
    // Checked before sending: one large message may exceed the bound by itself, but a client
    // that still has more than the bound unread by the next message is not reading.
    if (ws.bufferedAmount > limits.maxUnreadBytes) {
      // No close frame: it would wait behind the very backlog the client does not read.
      ws.terminate();
      limits.onDrop?.(`a browser connection stopped reading (over ${limits.maxUnreadBytes} bytes unread) and was disconnected; it gets a fresh view when it reconnects.`);
      return;
    }
    ws.send(JSON.stringify(message));
  };
  return {
    send,
    onMessage(listener) {
      const onData = (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
        if (isBinary) return send(badRequest(null, BINARY_REFUSAL));
        const incoming = readRequest(textOf(data));
        if (incoming.ok) listener(incoming.request);
        else send(incoming.response);
      };
      ws.on('message', onData);
      return { dispose: () => void ws.off('message', onData) } satisfies Disposable;
    },
  };
}

/** The text of a message `ws` has already checked to be valid UTF-8. */
function textOf(data: Buffer | ArrayBuffer | Buffer[]): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}
