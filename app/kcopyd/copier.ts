// The copier (Linux `dm-kcopyd.c`): copies sector ranges from one device to one or more
// others. A job is split into chunks; at most `maxChunksInFlight` background chunks run at
// once (plus `prioritySlots` for copies a write waits on, see the queues below). Each
// chunk is read once and written to every destination.
//
// Chunk size: kcopyd's sub-jobs are 512 KiB × 8 (kcopyd_subjob_size_kb, SPLIT_COUNT), and the
// kernel's block layer merges and reads ahead behind them. Here each chunk is a system call
// through libuv's thread pool and nothing merges below us, so the copier does it: chunks are
// up to 4 MiB, and background jobs queued back to back (a mirror's adjacent regions: same
// source and destinations, each starting where the previous one ends) share one chunk while
// the copy is unthrottled. Measured on a 2 GiB move: 512 KiB chunks, one new buffer each,
// ran at a third of `cp`'s speed, most of it in the garbage collector and in page faults.
// Chunk buffers come from a pool (bufferPool.ts) and are lent to the source's read.
//
// Queues (both bounded by `maxQueuedJobs`), drained by `pump()` in this order:
//   1. `priorityLane`: jobs for regions a write is waiting on (held writes). They run even
//      while paused and first in line: the next free slot is theirs. With `prioritySlots` > 0
//      they start at once: background chunks fill at most `maxChunksInFlight` slots and that
//      many more are kept for these jobs alone. Off by default: measured on 2 GiB moves under
//      1,000 IOPS (bench/results/heldWrites.md), a fifth chunk in flight made the outline's
//      loaded move about twice as slow (four libuv threads carry every IO) and no write p99
//      gain stood out of the noise. Their bytes count against the rate limit like any
//      other, but they may run up to PRIORITY_BURST_MS ahead of it, so an occasional write is
//      never throttled while a steady stream of them cannot copy faster than the set rate.
//   2. `normalLane`: background jobs, in submission order, unless paused, at most
//      `rateBytesPerSec` (0 = unlimited).
// A job leaves its lane once all its chunks are issued; it finishes when they have all
// completed. Outcomes are data (`CopyOutcome`), never unhandled rejections.

import type { Clock, Timer } from '../base/clock';
import { assert } from '../base/assert';
import { Emitter } from '../base/emitter';
import { LvmscopeError } from '../base/result';
import { SECTOR_SIZE } from '../base/units';
import type { BlockDevice } from '../block/blockDevice';
import { runsOf, type RegionRange } from '../dm/regions';
import { BufferPool } from './bufferPool';

/** How far ahead of the rate limit copies that writes wait on may run (one second's worth of bytes). */
const PRIORITY_BURST_MS = 1000;
/** Default chunk: 4 MiB (see the top of this file for why not kcopyd's 512 KiB). */
const DEFAULT_CHUNK_SECTORS = 8192;
/**
 * Chunks of a rate-limited copy stay at kcopyd's 512 KiB: the rate is charged a chunk at a
 * time, so a 4 MiB chunk at 1 MiB/s would copy in 4-second bursts (and let a copy a write
 * waits on run 4 MiB ahead of the rate instead of about one second's worth).
 */
const THROTTLED_CHUNK_SECTORS = 1024;
const DEFAULT_CHUNKS_IN_FLIGHT = 4;
/** Chunk slots only the priority lane may use, beyond the background's `maxChunksInFlight` (see the top of this file). */
const DEFAULT_PRIORITY_SLOTS = 0;
/** Jobs a client keeps queued at most to feed merging (tiny regions would ask for thousands). */
const MAX_FEED_JOBS = 1024;

export interface CopyDestination {
  readonly device: BlockDevice;
  readonly sector: number;
}

export interface CopyJobSpec {
  /** Who asked, for progress grouping, e.g. "vg0-lv0[1]". */
  readonly owner: string;
  readonly source: BlockDevice;
  readonly sourceSector: number;
  readonly destinations: readonly CopyDestination[];
  readonly countSectors: number;
  /** Start in the priority lane (an intercepted write waits on this job). */
  readonly priority?: boolean;
  /** The region this job copies, reported in progress events when it finishes. */
  readonly region?: number;
  /** Called once, when the job's first chunk is issued (the job leaves the queue). */
  readonly onStart?: () => void;
}

export type CopyOutcome = { readonly ok: true } | { readonly ok: false; readonly cancelled: boolean; readonly message: string };

export type CopyJobState = 'queued' | 'running' | 'done';

/** A submitted job; `done` always resolves (never rejects). */
export interface CopyJob {
  readonly spec: CopyJobSpec;
  readonly done: Promise<CopyOutcome>;
  readonly state: CopyJobState;
  readonly priority: boolean;
}

export interface CopierOptions {
  chunkSectors?: number;
  maxChunksInFlight?: number;
  /** Extra chunk slots only copies a write waits on may use, so they start at once (default 0). */
  prioritySlots?: number;
  maxQueuedJobs?: number;
  rateBytesPerSec?: number;
  /** How often progress events are emitted at most (ms). */
  progressIntervalMs?: number;
}

export interface CopierProgress {
  readonly finished: readonly { readonly owner: string; readonly ranges: readonly RegionRange[] }[];
  readonly bytesCopied: number;
  readonly queuedJobs: number;
  readonly chunksInFlight: number;
  readonly paused: boolean;
  readonly rateBytesPerSec: number;
}

/** The part of one job a chunk covers. */
interface Piece {
  readonly job: Job;
  readonly offsetSectors: number;
  readonly countSectors: number;
}

class Job implements CopyJob {
  state: CopyJobState = 'queued';
  priority: boolean;
  nextOffsetSectors = 0;
  chunksInFlight = 0;
  failure: string | undefined;
  cancelled = false;
  readonly done: Promise<CopyOutcome>;
  settle!: (outcome: CopyOutcome) => void;
  constructor(readonly spec: CopyJobSpec) {
    this.priority = spec.priority ?? false;
    this.done = new Promise((resolve) => (this.settle = resolve));
  }
  get fullyIssued(): boolean {
    return this.nextOffsetSectors >= this.spec.countSectors || this.failure !== undefined || this.cancelled;
  }
}

export class Copier {
  readonly chunkSectors: number;
  readonly maxChunksInFlight: number;
  readonly prioritySlots: number;
  readonly maxQueuedJobs: number;
  readonly progressIntervalMs: number;
  readonly events = new Emitter<CopierProgress>();

  private readonly priorityLane: Job[] = [];
  private readonly normalLane: Job[] = [];
  private chunksInFlight = 0;
  private paused = false;
  private rate: number;
  private nextSlotMs = 0;
  private rateTimer: Timer | undefined;
  private progressTimer: Timer | undefined;
  private bytesCopied = 0;
  private finishedByOwner = new Map<string, Set<number>>();
  private readonly buffers: BufferPool;

  constructor(
    private readonly clock: Clock,
    options: CopierOptions = {},
  ) {
    this.chunkSectors = options.chunkSectors ?? DEFAULT_CHUNK_SECTORS;
    this.maxChunksInFlight = options.maxChunksInFlight ?? DEFAULT_CHUNKS_IN_FLIGHT;
    this.prioritySlots = options.prioritySlots ?? DEFAULT_PRIORITY_SLOTS;
    this.maxQueuedJobs = options.maxQueuedJobs ?? 65536;
    this.progressIntervalMs = options.progressIntervalMs ?? 33;
    this.rate = options.rateBytesPerSec ?? 0;
    assert(Number.isInteger(this.chunkSectors) && this.chunkSectors > 0, 'chunk size must be a positive number of sectors');
    assert(Number.isInteger(this.maxChunksInFlight) && this.maxChunksInFlight > 0, 'in-flight bound must be positive');
    assert(Number.isInteger(this.prioritySlots) && this.prioritySlots >= 0, 'priority slots must be a whole number');
    this.buffers = new BufferPool(this.chunkSectors * SECTOR_SIZE, this.maxChunksInFlight + this.prioritySlots);
  }

  /**
   * How many jobs of `jobSectors` a client (a mirror's recovery) should keep queued so every
   * chunk in flight is full and the next ones are ready to merge: two rounds of chunks.
   */
  jobsToKeepQueued(jobSectors: number): number {
    // A rate-limited copy merges nothing (nextChunk), so the chunks in flight are all it needs;
    // a mirror counts every queued region as being copied, and a shorter queue leaves the
    // regions ahead of it to the kernel's rule (source leg only) instead of holding their writes.
    if (this.rate > 0) return this.maxChunksInFlight;
    const perRound = Math.ceil((this.maxChunksInFlight * this.chunkSectors) / Math.max(1, jobSectors));
    return Math.min(MAX_FEED_JOBS, Math.max(this.maxChunksInFlight, 2 * perRound));
  }

  /** Queues a copy. Fails with BUSY when the lanes hold `maxQueuedJobs` jobs already. */
  copy(spec: CopyJobSpec): CopyJob {
    if (this.priorityLane.length + this.normalLane.length >= this.maxQueuedJobs) {
      throw new LvmscopeError('BUSY', `The copier already has ${this.maxQueuedJobs} jobs queued; wait for some to finish before queuing more.`);
    }
    assert(spec.destinations.length > 0, 'a copy needs at least one destination');
    const job = new Job(spec);
    if (spec.countSectors <= 0) {
      job.state = 'done';
      job.settle({ ok: true });
      return job;
    }
    (job.priority ? this.priorityLane : this.normalLane).push(job);
    this.pump();
    return job;
  }

  /** Moves a queued background job to the priority lane (a write now waits on it). */
  promote(job: CopyJob): void {
    const j = job as Job;
    if (j.priority || j.state === 'done') return;
    j.priority = true;
    const at = this.normalLane.indexOf(j);
    if (at >= 0) {
      this.normalLane.splice(at, 1);
      this.priorityLane.push(j);
      this.pump();
    }
    // A job already fully issued is about to finish anyway; nothing to move.
  }

  /** Stops issuing chunks of `job`; chunks already running finish. Its outcome is `cancelled`. */
  cancel(job: CopyJob): void {
    const j = job as Job;
    if (j.state === 'done' || j.cancelled) return;
    j.cancelled = true;
    this.removeFromLanes(j);
    if (j.chunksInFlight === 0) this.finish(j);
  }

  pause(): void {
    this.paused = true;
    this.scheduleProgress();
  }

  resume(): void {
    this.paused = false;
    this.pump();
    this.scheduleProgress();
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Live-adjustable background copy rate in bytes per second; 0 = unlimited. */
  setRate(bytesPerSec: number): void {
    if (!Number.isFinite(bytesPerSec) || bytesPerSec < 0) {
      throw new LvmscopeError('INVALID', `The copy rate must be 0 (unlimited) or a positive number of bytes per second, not ${bytesPerSec}.`);
    }
    this.rate = bytesPerSec;
    this.nextSlotMs = this.clock.now();
    this.rateTimer?.cancel();
    this.rateTimer = undefined;
    this.pump();
    this.scheduleProgress();
  }

  get rateBytesPerSec(): number {
    return this.rate;
  }

  get queuedJobs(): number {
    return this.priorityLane.length + this.normalLane.length;
  }

  get inFlightChunks(): number {
    return this.chunksInFlight;
  }

  get totalBytesCopied(): number {
    return this.bytesCopied;
  }

  /**
   * The one pump: issues chunks, priority lane first, until the in-flight bound is reached:
   * `maxChunksInFlight` for background chunks, `prioritySlots` more for priority ones (which may
   * also take any slot the background leaves free, and background chunks wait for them).
   */
  private pump(): void {
    for (;;) {
      const job = this.nextJob();
      if (!job) return;
      if (this.chunksInFlight >= this.maxChunksInFlight + (job.priority ? this.prioritySlots : 0)) return;
      const pieces = this.nextChunk(job);
      const sectors = pieces.reduce((n, p) => n + p.countSectors, 0);
      if (this.rate > 0 && !this.takeRateSlot(sectors, job.priority ? PRIORITY_BURST_MS : 0)) return;
      this.issueChunk(pieces, sectors);
    }
  }

  /**
   * The next chunk, starting with `job`: its next part, plus whole background jobs queued
   * right behind it that continue it on every device, up to `chunkSectors`. Only while
   * unthrottled: a rate-limited copy does not need the speed, and keeps its chunks as even
   * as its regions.
   */
  private nextChunk(job: Job): Piece[] {
    const limit = this.rate > 0 ? Math.min(this.chunkSectors, THROTTLED_CHUNK_SECTORS) : this.chunkSectors;
    const count = Math.min(limit, job.spec.countSectors - job.nextOffsetSectors);
    const pieces: Piece[] = [{ job, offsetSectors: job.nextOffsetSectors, countSectors: count }];
    if (job.priority || this.rate > 0 || job.nextOffsetSectors + count < job.spec.countSectors) return pieces;
    let total = count;
    let last = job;
    for (let i = this.normalLane.indexOf(job) + 1; i < this.normalLane.length; i++) {
      const next = this.normalLane[i];
      if (total + next.spec.countSectors > this.chunkSectors || !continues(last.spec, next.spec)) break;
      pieces.push({ job: next, offsetSectors: 0, countSectors: next.spec.countSectors });
      total += next.spec.countSectors;
      last = next;
    }
    return pieces;
  }

  private nextJob(): Job | undefined {
    if (this.priorityLane.length > 0) return this.priorityLane[0];
    if (this.paused) return undefined;
    return this.normalLane[0];
  }

  /**
   * Token bucket of one chunk: true when a chunk of `sectors` may start now; otherwise arms a
   * timer. A chunk is charged for its real size, so small jobs (64 KiB mirror regions) run at
   * the set rate instead of paying for a full chunk each. `burstMs` is how far ahead of the
   * rate a chunk may run: 0 for the background copy; PRIORITY_BURST_MS for a copy a write is
   * waiting on, so a few intercepted writes never wait for the rate, while a steady stream of
   * them cannot carry the whole copy past it (`--rate` used to be ignored under a workload).
   */
  private takeRateSlot(sectors: number, burstMs: number): boolean {
    const now = this.clock.now();
    // Never bank more than one chunk of credit, so a long idle spell does not allow a burst.
    if (this.nextSlotMs < now) this.nextSlotMs = now;
    if (this.nextSlotMs - burstMs > now) {
      if (!this.rateTimer) {
        this.rateTimer = this.clock.setTimer(this.nextSlotMs - burstMs - now, () => {
          this.rateTimer = undefined;
          this.pump();
        });
      }
      return false;
    }
    this.nextSlotMs += ((sectors * SECTOR_SIZE) / this.rate) * 1000;
    return true;
  }

  private issueChunk(pieces: readonly Piece[], countSectors: number): void {
    for (const { job, countSectors: count } of pieces) {
      job.nextOffsetSectors += count;
      job.chunksInFlight += 1;
      if (job.state === 'queued') {
        job.state = 'running';
        job.spec.onStart?.();
      }
      if (job.fullyIssued) this.removeFromLanes(job);
    }
    this.chunksInFlight += 1;
    const buffer = this.buffers.take();
    copyChunk(pieces[0], countSectors, buffer.subarray(0, countSectors * SECTOR_SIZE))
      .then(
        () => undefined,
        (e: unknown) => (e instanceof Error ? e.message : String(e)),
      )
      .then((failure) => {
        // Back in the pool before chunkDone pumps the next chunk, which takes it again.
        this.buffers.give(buffer);
        this.chunkDone(pieces, failure);
      });
  }

  private chunkDone(pieces: readonly Piece[], failure: string | undefined): void {
    this.chunksInFlight -= 1;
    for (const { job, countSectors } of pieces) {
      job.chunksInFlight -= 1;
      if (failure === undefined) this.bytesCopied += countSectors * SECTOR_SIZE;
      else if (job.failure === undefined) {
        job.failure = failure;
        this.removeFromLanes(job);
      }
      if (job.fullyIssued && job.chunksInFlight === 0) this.finish(job);
    }
    this.pump();
    this.scheduleProgress();
  }

  private finish(job: Job): void {
    if (job.state === 'done') return;
    job.state = 'done';
    if (job.cancelled) job.settle({ ok: false, cancelled: true, message: 'the copy was cancelled' });
    else if (job.failure !== undefined) job.settle({ ok: false, cancelled: false, message: job.failure });
    else {
      if (job.spec.region !== undefined) this.recordFinished(job.spec.owner, job.spec.region);
      job.settle({ ok: true });
    }
  }

  private removeFromLanes(job: Job): void {
    for (const lane of [this.priorityLane, this.normalLane]) {
      const at = lane.indexOf(job);
      if (at >= 0) lane.splice(at, 1);
    }
  }

  private recordFinished(owner: string, region: number): void {
    let list = this.finishedByOwner.get(owner);
    if (!list) this.finishedByOwner.set(owner, (list = new Set()));
    list.add(region);
  }

  /** Coalesces progress: at most one event per `progressIntervalMs`. */
  private scheduleProgress(): void {
    if (this.progressTimer || this.events.listenerCount === 0) {
      if (this.events.listenerCount === 0) this.finishedByOwner.clear();
      return;
    }
    this.progressTimer = this.clock.setTimer(this.progressIntervalMs, () => {
      this.progressTimer = undefined;
      this.events.emit(this.takeProgress());
    });
  }

  private takeProgress(): CopierProgress {
    const finished = [...this.finishedByOwner].map(([owner, regions]) => ({
      owner,
      ranges: runsOf([...regions].sort((a, b) => a - b), () => 'copied'),
    }));
    this.finishedByOwner.clear();
    return {
      finished,
      bytesCopied: this.bytesCopied,
      queuedJobs: this.queuedJobs,
      chunksInFlight: this.chunksInFlight,
      paused: this.paused,
      rateBytesPerSec: this.rate,
    };
  }
}

/** True when job `b` starts on every device exactly where job `a` ends. */
function continues(a: CopyJobSpec, b: CopyJobSpec): boolean {
  if (b.source !== a.source || b.sourceSector !== a.sourceSector + a.countSectors || b.destinations.length !== a.destinations.length) return false;
  return b.destinations.every((d, i) => d.device === a.destinations[i].device && d.sector === a.destinations[i].sector + a.countSectors);
}

/**
 * Reads one chunk once (into `buffer`, lent to the source) and writes it to every
 * destination. `first` is the chunk's first piece; the rest continue it on every device.
 */
async function copyChunk(first: Piece, countSectors: number, buffer: Uint8Array): Promise<void> {
  const spec = first.job.spec;
  const offsetSectors = first.offsetSectors;
  const data = await spec.source.read(spec.sourceSector + offsetSectors, countSectors, buffer);
  if (spec.destinations.length === 1) {
    const d = spec.destinations[0];
    await d.device.write(d.sector + offsetSectors, data);
    return;
  }
  // Every write settles before the chunk does: a chunk reported failed while a write to
  // another destination is still in flight could be overtaken by that write after a retry.
  const outcomes = await Promise.allSettled(spec.destinations.map((d) => d.device.write(d.sector + offsetSectors, data)));
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed) throw failed.reason;
}
