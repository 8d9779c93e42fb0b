// A WebSocket client written on a bare TCP socket, so tests can send frames no well-behaved
// library would: unmasked, with reserved bits or opcodes, lying lengths, broken UTF-8, bad
// close codes. It performs the HTTP upgrade, then parses what the server sends back (text
// messages and the close frame) — server frames are unmasked and, from `ws`, never fragmented
// except by TCP, which the parser handles.

import { randomBytes } from 'node:crypto';
import net from 'node:net';

export const OPCODE = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

export interface FrameSpec {
  opcode: number;
  payload?: Uint8Array | string;
  fin?: boolean;
  /** The three reserved bits, as a number 0–7 (RSV1 = 4). */
  rsv?: number;
  /** Clients must mask; false sends an unmasked frame (a protocol error). */
  mask?: boolean;
  /** Announce this length instead of the payload's real one. */
  lengthOverride?: number;
  /** Use the 64-bit length form even for short payloads (allowed, if odd). */
  longLength?: boolean;
}

/** Encodes one client frame exactly as specified (including what the RFC forbids). */
export function encodeFrame(spec: FrameSpec): Buffer {
  const payload = typeof spec.payload === 'string' ? Buffer.from(spec.payload, 'utf8') : Buffer.from(spec.payload ?? new Uint8Array(0));
  const length = spec.lengthOverride ?? payload.length;
  const mask = spec.mask ?? true;
  const first = ((spec.fin ?? true) ? 0x80 : 0) | (((spec.rsv ?? 0) & 7) << 4) | (spec.opcode & 0xf);
  let header: Buffer;
  if (length < 126 && !spec.longLength) {
    header = Buffer.from([first, (mask ? 0x80 : 0) | length]);
  } else if (length < 0x10000 && !spec.longLength) {
    header = Buffer.alloc(4);
    header[0] = first;
    header[1] = (mask ? 0x80 : 0) | 126;
    header.writeUInt16BE(length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = (mask ? 0x80 : 0) | 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  if (!mask) return Buffer.concat([header, payload]);
  const key = randomBytes(4);
  const masked = Buffer.from(payload);
  for (let i = 0; i < masked.length; i++) masked[i] ^= key[i & 3];
  return Buffer.concat([header, key, masked]);
}

export function closePayload(code: number, reason = ''): Buffer {
  const b = Buffer.alloc(2 + Buffer.byteLength(reason));
  b.writeUInt16BE(code, 0);
  b.write(reason, 2);
  return b;
}

export interface RawConnection {
  socket: net.Socket;
  /** Text messages received so far, parsed as JSON. */
  messages: unknown[];
  /** Payloads of the pong frames received so far. */
  pongs: string[];
  /** The close code the server sent, once it did (1005 when its close frame had none). */
  closeCode(): number | undefined;
  /** Resolves when the TCP connection has ended. */
  ended: Promise<void>;
  send(frame: Buffer): void;
  sendText(text: string): void;
  destroy(): void;
}

export interface UpgradeResult {
  status: number;
  connection?: RawConnection;
}

/** Opens `/api?token=…` on 127.0.0.1:port and performs the upgrade by hand. */
export function connectRaw(port: number, token: string): Promise<RawConnection> {
  return upgradeRaw(port, `/api?token=${token}`, `127.0.0.1:${port}`).then((r) => {
    if (!r.connection) throw new Error(`upgrade refused with HTTP ${r.status}`);
    return r.connection;
  });
}

export function upgradeRaw(port: number, target: string, host: string): Promise<UpgradeResult> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let buffer: Buffer = Buffer.alloc(0);
    let upgraded = false;
    const messages: unknown[] = [];
    const pongs: string[] = [];
    let closeCode: number | undefined;
    const ended = new Promise<void>((done) => socket.once('close', () => done()));
    socket.on('error', (e) => {
      if (!upgraded) reject(e);
    });
    socket.on('connect', () => {
      const key = randomBytes(16).toString('base64');
      socket.write(`GET ${target} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    });
    const connection: RawConnection = {
      socket,
      messages,
      pongs,
      closeCode: () => closeCode,
      ended,
      send: (frame) => void (socket.writable && socket.write(frame)),
      sendText: (text) => connection.send(encodeFrame({ opcode: OPCODE.text, payload: text })),
      destroy: () => socket.destroy(),
    };
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!upgraded) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(buffer.subarray(0, end).toString('latin1'))?.[1] ?? 0);
        buffer = buffer.subarray(end + 4);
        if (status !== 101) {
          socket.destroy();
          return resolve({ status });
        }
        upgraded = true;
        resolve({ status, connection });
      }
      buffer = consumeFrames(buffer, (opcode, payload) => {
        if (opcode === OPCODE.text) messages.push(JSON.parse(payload.toString('utf8')));
        else if (opcode === OPCODE.pong) pongs.push(payload.toString('utf8'));
        else if (opcode === OPCODE.close) closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
      });
    });
  });
}

/** Parses every complete unmasked server frame at the start of `buffer`; returns the rest. */
function consumeFrames(buffer: Buffer, onFrame: (opcode: number, payload: Buffer) => void): Buffer {
  for (;;) {
    if (buffer.length < 2) return buffer;
    const opcode = buffer[0] & 0xf;
    let length = buffer[1] & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (buffer.length < 4) return buffer;
      length = buffer.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (buffer.length < 10) return buffer;
      length = Number(buffer.readBigUInt64BE(2));
      offset = 10;
    }
    if (buffer.length < offset + length) return buffer;
    onFrame(opcode, buffer.subarray(offset, offset + length));
    buffer = buffer.subarray(offset + length);
  }
}

/** Resolves once `probe` returns a value, checking after every chunk the socket receives. */
export function waitForData<T>(connection: RawConnection, probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const value = probe();
      if (value !== undefined) {
        cleanup();
        resolve(value);
      }
    };
    const onClose = () => {
      const value = probe();
      cleanup();
      if (value !== undefined) resolve(value);
      else reject(new Error('the connection ended before the expected data arrived'));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no expected data within ${timeoutMs} ms`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      connection.socket.off('data', later);
      connection.socket.off('close', onClose);
    };
    // 'data' listeners run in order: defer the probe until the parser above has run.
    const later = () => queueMicrotask(check);
    connection.socket.on('data', later);
    connection.socket.on('close', onClose);
    check();
  });
}
