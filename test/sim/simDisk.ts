// A seeded simulated disk (TigerBeetle's `testing/storage.zig` habit): every IO completes
// after a latency drawn from the seed, IO errors are injected at a seeded rate or on demand,
// and `crash()` models power loss: writes acknowledged but not yet flushed are dropped
// (each one survives with `crashKeepProbability`, default 0). The disk keeps a durable image
// plus an ordered overlay of pending (unflushed) writes.

import type { Clock } from '../../app/base/clock';
import { sleep, type Random } from '../../app/base/clock';
import { LvmscopeError } from '../../app/base/result';
import type { BlockStore } from '../../app/block/blockStore';

/**
 * Free space shared by every disk (and journal) of a simulated filesystem, in 4 KiB pages, as
 * on tmpfs: the first write to a page allocates it. When a write needs more pages than are
 * free, the part that fits lands (a short write) and the write fails with ENOSPC, as write(2)
 * does on a full filesystem. `Infinity` = never full.
 */
export class SpaceBudget {
  static readonly PAGE_BYTES = 4096;
  constructor(public freePages = Infinity) {}
  /** Sentences of the ENOSPC failures so far (the test checks each reached the user). */
  readonly failures: string[] = [];

  /** Allocates what fits of `pages` (ascending page numbers not yet allocated); returns how many fit. */
  take(pages: number): number {
    const fit = Math.min(pages, this.freePages);
    this.freePages -= fit;
    return fit;
  }
}

export interface SimDiskOptions {
  readonly clock: Clock;
  readonly random: Random;
  /** The filesystem's free space; without it the disk never fills. */
  readonly space?: SpaceBudget;
  /** Latency of each IO, uniform in [min, max] ms. */
  readonly latencyMs?: readonly [number, number];
  readonly readErrorProbability?: number;
  readonly writeErrorProbability?: number;
}

interface PendingWrite {
  readonly offsetBytes: number;
  readonly data: Uint8Array;
}

export class SimDisk implements BlockStore {
  /** What reads see: the durable image with every acknowledged write applied. */
  readonly current: Uint8Array;
  /** What survives a crash. */
  readonly durable: Uint8Array;
  private pending: PendingWrite[] = [];
  /** Fail the next this-many IOs (reads or writes). */
  failNextIos = 0;
  /** A targeted fault: the error a write at this place gets (before anything lands), or undefined. */
  writeFault: ((offsetBytes: number, lengthBytes: number) => LvmscopeError | undefined) | undefined;
  readErrorProbability: number;
  writeErrorProbability: number;
  readonly stats = { reads: 0, writes: 0, flushes: 0, injectedErrors: 0 };
  /** One bit per 4 KiB page: allocated (written at least once). */
  private readonly allocated: Uint8Array;

  constructor(
    readonly name: string,
    readonly sizeBytes: number,
    private readonly options: SimDiskOptions,
  ) {
    this.current = new Uint8Array(sizeBytes);
    this.durable = new Uint8Array(sizeBytes);
    this.allocated = new Uint8Array(Math.ceil(sizeBytes / SpaceBudget.PAGE_BYTES));
    this.readErrorProbability = options.readErrorProbability ?? 0;
    this.writeErrorProbability = options.writeErrorProbability ?? 0;
  }

  async read(offsetBytes: number, lengthBytes: number): Promise<Uint8Array> {
    this.check(offsetBytes, lengthBytes);
    await this.latency();
    this.stats.reads += 1;
    this.maybeFail('read', offsetBytes, this.readErrorProbability);
    return this.current.slice(offsetBytes, offsetBytes + lengthBytes);
  }

  async write(offsetBytes: number, data: Uint8Array): Promise<void> {
    this.check(offsetBytes, data.length);
    const copy = data.slice(); // the bytes as they were when the write was issued
    await this.latency();
    this.stats.writes += 1;
    this.maybeFail('write', offsetBytes, this.writeErrorProbability);
    const fault = this.writeFault?.(offsetBytes, copy.length);
    if (fault) {
      this.stats.injectedErrors += 1;
      throw fault;
    }
    const fitBytes = this.allocate(offsetBytes, copy.length);
    const landed = fitBytes < copy.length ? copy.subarray(0, fitBytes) : copy;
    this.current.set(landed, offsetBytes);
    if (landed.length) this.pending.push({ offsetBytes, data: landed });
    if (fitBytes < copy.length) {
      const message = `${this.name}: no space left on the simulated filesystem (ENOSPC) after ${fitBytes} of ${copy.length} bytes at byte ${offsetBytes}; free space, then try again.`;
      this.options.space!.failures.push(message);
      throw new LvmscopeError('NO_SPACE', message);
    }
  }

  /** Allocates the pages a write touches, in order; returns how many of its bytes fit. */
  private allocate(offsetBytes: number, lengthBytes: number): number {
    const space = this.options.space;
    if (!space || lengthBytes === 0) return lengthBytes;
    const page = SpaceBudget.PAGE_BYTES;
    const first = Math.floor(offsetBytes / page);
    const last = Math.floor((offsetBytes + lengthBytes - 1) / page);
    for (let p = first; p <= last; p += 1) {
      if (this.allocated[p]) continue;
      if (space.take(1) === 0) return Math.max(0, p * page - offsetBytes);
      this.allocated[p] = 1;
    }
    return lengthBytes;
  }

  async flush(): Promise<void> {
    // Only writes acknowledged before the flush was issued are guaranteed durable by it.
    const covered = this.pending.length;
    await this.latency();
    this.stats.flushes += 1;
    for (const w of this.pending.slice(0, covered)) this.durable.set(w.data, w.offsetBytes);
    this.pending = this.pending.slice(covered);
  }

  async close(): Promise<void> {}

  /** Power loss: unflushed writes are lost (each kept with `keepProbability`, in order). */
  crash(keepProbability = 0): void {
    for (const w of this.pending) if (keepProbability > 0 && this.options.random.next() < keepProbability) this.durable.set(w.data, w.offsetBytes);
    this.pending = [];
    this.current.set(this.durable);
  }

  get pendingWrites(): number {
    return this.pending.length;
  }

  private latency(): Promise<void> {
    const [min, max] = this.options.latencyMs ?? [0, 0];
    const ms = min + this.options.random.next() * (max - min);
    return sleep(this.options.clock, ms);
  }

  private maybeFail(op: string, offsetBytes: number, probability: number): void {
    const forced = this.failNextIos > 0;
    if (forced) this.failNextIos -= 1;
    if (forced || (probability > 0 && this.options.random.next() < probability)) {
      this.stats.injectedErrors += 1;
      throw new LvmscopeError('IO', `${this.name}: injected ${op} error at byte ${offsetBytes}.`);
    }
  }

  private check(offsetBytes: number, lengthBytes: number): void {
    if (offsetBytes < 0 || offsetBytes + lengthBytes > this.sizeBytes) {
      throw new LvmscopeError('IO', `${this.name}: access at byte ${offsetBytes} (+${lengthBytes}) is past the end (${this.sizeBytes} bytes)`);
    }
  }
}

/** The seed for a test run: $SEED if given, else a fresh one (printed on failure by the caller). */
export function seedFromEnv(): number {
  const fromEnv = process.env.SEED;
  if (fromEnv !== undefined && fromEnv !== '') return Number(fromEnv) >>> 0;
  return (Math.random() * 2 ** 32) >>> 0;
}
