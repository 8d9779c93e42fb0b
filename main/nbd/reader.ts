// Reads exact byte counts from a socket: the NBD protocol is a sequence of fixed headers and
// payloads whose length the header gives, so the connection asks for "the next N bytes".
// Chunks are kept as they arrive and joined only when a read needs bytes from several, or
// copied into a buffer the caller lends (a pooled payload buffer: payloads are the bulk of
// what arrives, and a fresh 1 MiB buffer per WRITE kept V8's collector busy).

import type { Socket } from 'node:net';

export class ClosedError extends Error {
  constructor() {
    super('the client closed the connection');
  }
}

export class SocketReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private waiter: { bytes: number; into?: Buffer; resolve: (b: Buffer) => void; reject: (e: Error) => void } | null = null;
  private ended = false;

  constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
      this.serve();
    });
    const end = () => {
      this.ended = true;
      this.serve();
    };
    socket.on('end', end);
    socket.on('close', end);
  }

  /** The next `bytes` bytes; rejects with ClosedError when the socket ends first. */
  read(bytes: number): Promise<Buffer> {
    return this.wait(bytes);
  }

  /** The next `into.length` bytes, copied into `into` (resolves with it). */
  readInto(into: Buffer): Promise<Buffer> {
    return this.wait(into.length, into);
  }

  private wait(bytes: number, into?: Buffer): Promise<Buffer> {
    if (this.waiter) return Promise.reject(new Error('SocketReader: one read at a time'));
    return new Promise((resolve, reject) => {
      this.waiter = { bytes, into, resolve, reject };
      this.serve();
    });
  }

  private serve(): void {
    const w = this.waiter;
    if (!w) return;
    if (this.buffered >= w.bytes) {
      this.waiter = null;
      w.resolve(w.into ? this.copyInto(w.into) : this.take(w.bytes));
    } else if (this.ended) {
      this.waiter = null;
      w.reject(new ClosedError());
    }
  }

  private take(bytes: number): Buffer {
    const first = this.chunks[0];
    if (first && first.length >= bytes) {
      this.buffered -= bytes;
      if (first.length === bytes) this.chunks.shift();
      else this.chunks[0] = first.subarray(bytes);
      return first.subarray(0, bytes);
    }
    return this.copyInto(Buffer.allocUnsafe(bytes));
  }

  private copyInto(out: Buffer): Buffer {
    const bytes = out.length;
    this.buffered -= bytes;
    let done = 0;
    while (done < bytes) {
      const chunk = this.chunks[0];
      const n = Math.min(chunk.length, bytes - done);
      chunk.copy(out, done, 0, n);
      done += n;
      if (n === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(n);
    }
    return out;
  }
}
