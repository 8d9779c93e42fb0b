// Payload buffers of one NBD connection, used again instead of allocated per request. A 1 MiB
// WRITE or READ otherwise allocates a fresh 1 MiB buffer outside V8's heap; at a few hundred
// MiB/s that "external memory pressure" started a full mark-compact every ~100 ms, and the
// collector took ~30 % of the server's time (measured with --trace-gc and --cpu-prof).
// A buffer comes back only once nothing can still read or write it: after a request succeeded
// (a failed one may leave a lower layer's IO running on it, so it is left to the collector).

/** Bytes a pool keeps for later when nobody uses them (16 requests of 1 MiB, twice). */
const DEFAULT_MAX_IDLE_BYTES = 32 * 1024 * 1024;

export class BufferPool {
  private readonly idle = new Map<number, Buffer[]>();
  private idleBytes = 0;

  constructor(private readonly maxIdleBytes = DEFAULT_MAX_IDLE_BYTES) {}

  /** A buffer of exactly `bytes` bytes, with whatever it held before (the caller overwrites it all). */
  take(bytes: number): Buffer {
    const buf = this.idle.get(bytes)?.pop();
    if (!buf) return Buffer.allocUnsafeSlow(bytes);
    this.idleBytes -= bytes;
    return buf;
  }

  /** Gives back a buffer from take() that nothing uses any more; kept only while the pool has room. */
  give(buf: Buffer): void {
    if (buf.length === 0 || this.idleBytes + buf.length > this.maxIdleBytes) return;
    let list = this.idle.get(buf.length);
    if (!list) {
      list = [];
      this.idle.set(buf.length, list);
    }
    list.push(buf);
    this.idleBytes += buf.length;
  }

  /** Bytes kept for later. */
  get bytesIdle(): number {
    return this.idleBytes;
  }
}
