// Chunk buffers the copier reuses. A copy of a few GiB read into a fresh buffer per chunk
// spent more of its time in the garbage collector (external memory churn) and in page faults
// on new memory than in the copy itself (measured: 5.9 s of GC in a 2 GiB move); the copier
// never has more than `maxChunksInFlight` (+ its priority slots) chunks out, so that many
// buffers serve a whole copy.
//
// The buffers are page-aligned, so the storage may move them without the page cache
// (O_DIRECT wants aligned memory; main/node/directIo.ts). JavaScript cannot ask for aligned
// memory, but a WebAssembly.Memory is page-aligned by construction (its engine maps it
// whole): the pool carves its buffers out of one, at 64 KiB boundaries. Where that is not
// available the buffers are plain arrays, and the storage simply keeps using the page cache.

type WasmMemory = new (descriptor: { initial: number }) => { readonly buffer: ArrayBuffer };
const WASM_PAGE = 65536;

export class BufferPool {
  private readonly free: Uint8Array[] = [];
  private carved = 0;
  private slab: ArrayBuffer | undefined;

  constructor(
    /** Bytes of every buffer (the copier's largest chunk). */
    readonly bufferBytes: number,
    /** Buffers the pool makes and keeps; more are plain arrays left to the garbage collector. */
    private readonly keep: number,
  ) {}

  /** A buffer of `bufferBytes`, reused when one is free; its contents are stale. */
  take(): Uint8Array {
    const reused = this.free.pop();
    if (reused) return reused;
    if (this.carved >= this.keep) return new Uint8Array(this.bufferBytes);
    const slab = (this.slab ??= alignedSlab(this.stride * this.keep));
    return new Uint8Array(slab, this.stride * this.carved++, this.bufferBytes);
  }

  /** Hands a buffer back once nothing reads or writes it any more. */
  give(buffer: Uint8Array): void {
    if (buffer.buffer === this.slab && this.free.length < this.keep) this.free.push(buffer);
  }

  get freeBuffers(): number {
    return this.free.length;
  }

  /** Distance between carved buffers: whole WebAssembly pages, so each starts aligned. */
  private get stride(): number {
    return Math.ceil(this.bufferBytes / WASM_PAGE) * WASM_PAGE;
  }
}

/** `bytes` of page-aligned memory, or of ordinary memory where WebAssembly is missing or refuses. */
function alignedSlab(bytes: number): ArrayBuffer {
  const Memory = (globalThis as { WebAssembly?: { Memory: WasmMemory } }).WebAssembly?.Memory;
  try {
    if (Memory) return new Memory({ initial: bytes / WASM_PAGE }).buffer;
  } catch {
    // An address-space limit (ulimit -v) can refuse the reservation: fall through.
  }
  return new ArrayBuffer(bytes);
}
