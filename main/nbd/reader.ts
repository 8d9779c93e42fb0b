// Reads exact byte counts from a socket: the NBD protocol is a sequence of fixed headers and
// payloads whose length the header gives, so the connection asks for "the next N bytes".
//
// The socket reads into memory this reader owns (Node's `onread` option) instead of emitting
// a fresh buffer per read: Node's 'data' path allocates 64 KiB outside V8's heap for every
// read, and at a few hundred MiB/s of WRITE payloads that garbage started a full mark-compact
// every 100-200 ms (--trace-gc: "external memory pressure"; ~0.8 ms of collector per 1 MiB
// WRITE in --cpu-prof). Small reads (headers, options, small payloads) land in one reused
// staging buffer and are copied out; a large payload, once the staging buffer is drained,
// is read by the kernel straight into the buffer the caller lent (no copy at all).
// When nobody reads and the staging buffer is full, the socket stops reading until someone does.

import type { Socket } from 'node:net';

export class ClosedError extends Error {
  constructor() {
    super('the client closed the connection');
  }
}

/** Bytes of the reused buffer small reads land in. */
const STAGING_BYTES = 256 << 10;
/** A payload at least this much short of complete is read straight into its own buffer. */
const DIRECT_MIN_BYTES = 32 << 10;
/**
 * The socket asks for its next buffer even when it is told to stop reading, and reads into
 * it once resumed: a full staging buffer hands out this spare one, resumed only when the
 * staging buffer has room for all it can hold.
 */
const SPARE_BYTES = 64 << 10;

interface Waiter {
  into: Buffer;
  filled: number;
  /** Bytes of `into` the progress callback has been told about. */
  told: number;
  progress?: (filled: number) => void;
  resolve: (b: Buffer) => void;
  reject: (e: Error) => void;
}

export class SocketReader {
  private readonly staging = Buffer.allocUnsafeSlow(STAGING_BYTES);
  private spare: Buffer | null = null;
  /** Bytes received and not yet consumed: staging[start, end). */
  private start = 0;
  private end = 0;
  /** Where the read in progress puts its bytes: the staging buffer's free tail, or a waiter's payload. */
  private target: 'staging' | 'spare' | Waiter = 'staging';
  private waiter: Waiter | null = null;
  private ended = false;
  private paused = false;
  private socket: Socket | null = null;

  /**
   * The `onread` option of the socket this reader reads (net.connect, new net.Socket): pass
   * it when the socket is made, then attach() the socket.
   */
  readonly onread = {
    buffer: (): Uint8Array => this.nextBuffer(),
    callback: (bytes: number): boolean => this.received(bytes),
  };

  /** True while the socket does not read because the staging buffer is full and nobody reads. */
  get stopped(): boolean {
    return this.paused;
  }

  attach(socket: Socket): void {
    this.socket = socket;
    const end = () => {
      this.ended = true;
      this.serve();
    };
    socket.on('end', end);
    socket.on('close', end);
  }

  /** The next `bytes` bytes; rejects with ClosedError when the socket ends first. */
  read(bytes: number): Promise<Buffer> {
    return this.wait(Buffer.allocUnsafe(bytes));
  }

  /**
   * The next `into.length` bytes, written into `into` (resolves with it). `progress` hears how
   * many bytes of `into` have arrived after each socket read that brought some, so the caller
   * can work on them while the rest is on its way.
   */
  readInto(into: Buffer, progress?: (filled: number) => void): Promise<Buffer> {
    return this.wait(into, progress);
  }

  private wait(into: Buffer, progress?: (filled: number) => void): Promise<Buffer> {
    if (this.waiter) return Promise.reject(new Error('SocketReader: one read at a time'));
    return new Promise((resolve, reject) => {
      this.waiter = { into, filled: 0, told: 0, progress, resolve, reject };
      this.serve();
      if (this.paused && this.staging.length - (this.end - this.start) >= SPARE_BYTES) {
        this.paused = false;
        this.socket?.resume();
      }
    });
  }

  /** Called by the socket before each read: where the kernel may put the bytes. */
  private nextBuffer(): Uint8Array {
    const w = this.waiter;
    if (w && this.start === this.end && w.into.length - w.filled >= DIRECT_MIN_BYTES) {
      this.target = w;
      return w.into.subarray(w.filled);
    }
    if (this.start === this.end) this.start = this.end = 0;
    else if (this.staging.length - this.end < DIRECT_MIN_BYTES) this.compact();
    if (this.end === this.staging.length) {
      this.target = 'spare';
      return (this.spare ??= Buffer.allocUnsafeSlow(SPARE_BYTES));
    }
    this.target = 'staging';
    return this.staging.subarray(this.end);
  }

  private compact(): void {
    if (this.start === 0) return;
    this.staging.copyWithin(0, this.start, this.end);
    this.end -= this.start;
    this.start = 0;
  }

  /** The socket read `bytes` bytes into the last buffer nextBuffer() gave; false stops reading. */
  private received(bytes: number): boolean {
    if (this.target === 'staging') this.end += bytes;
    else if (this.target === 'spare') {
      // Read after a resume, which waited for this much room.
      this.compact();
      this.spare!.copy(this.staging, this.end, 0, bytes);
      this.end += bytes;
    } else this.target.filled += bytes;
    this.serve();
    // Nobody took the bytes and there is no room for more: wait for a reader (wait() resumes).
    if (this.end === this.staging.length && this.start === 0) {
      this.paused = true;
      return false;
    }
    return true;
  }

  private serve(): void {
    const w = this.waiter;
    if (!w) return;
    const n = Math.min(this.end - this.start, w.into.length - w.filled);
    if (n > 0) {
      this.staging.copy(w.into, w.filled, this.start, this.start + n);
      this.start += n;
      w.filled += n;
    }
    if (w.progress && w.filled > w.told) {
      w.told = w.filled;
      w.progress(w.filled);
    }
    if (w.filled === w.into.length) {
      this.waiter = null;
      w.resolve(w.into);
    } else if (this.ended) {
      this.waiter = null;
      w.reject(new ClosedError());
    }
  }
}
