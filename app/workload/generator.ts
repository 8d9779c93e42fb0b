// The IO generator: random or sequential reads / writes of one block size on an LV, paced to
// a target IOPS, with a bounded queue depth. Every write carries a unique id and its content
// is derived from that id (pattern.ts), so the shadow model needs only the id per sector.
//
// One pump (`pump`) issues IO: on each tick it starts as many IOs as the pace allows and the
// queue depth permits. Blocks with IO in flight are never chosen again until it completes,
// so there are never two writes to one sector in flight.

import type { Clock, Random, Timer } from '../base/clock';
import type { BlockDevice } from '../block/blockDevice';
import { SECTOR_SIZE } from '../base/units';
import { LvmscopeError } from '../base/result';
import { writeSectors } from './pattern';
import type { ShadowModel } from './shadow';

export type WorkloadPattern = 'randwrite' | 'seqwrite' | 'randrw' | 'randread';

export interface WorkloadOptions {
  pattern: WorkloadPattern;
  blockSizeBytes: number;
  iops: number;
  queueDepth?: number;
  /** First write id (ids must stay unique across restarts of a crashed process). */
  firstWriteId?: number;
  /** Gives out write ids instead of counting from firstWriteId (when other writers share the journal). */
  allocateWriteId?: () => number;
  /** Awaited before a write is issued (the journal records its intent). */
  beforeWrite?: (writeId: number, sector: number, countSectors: number) => Promise<void>;
  /** Called when a write is acknowledged (after the shadow model recorded it). */
  onWriteAcknowledged?: (writeId: number, sector: number, countSectors: number) => void;
  /** Called when an IO fails (the write, or the journal record before it): data, not an exception. */
  onIoError?: (message: string) => void;
}

export interface WorkloadStats {
  running: boolean;
  reads: number;
  writes: number;
  bytesRead: number;
  bytesWritten: number;
  errors: number;
  writeLatencyP50Ms: number | null;
  writeLatencyP99Ms: number | null;
  lastError: string | null;
}

const TICK_MS = 10;
const LATENCY_SAMPLES = 8192;

export class Workload {
  private running = false;
  private timer: Timer | undefined;
  private readonly inFlightBlocks = new Set<number>();
  private readonly inFlight = new Set<Promise<void>>();
  private startedAtMs = 0;
  private issued = 0;
  private nextSeqBlock = 0;
  private nextWriteId: number;
  private readonly latencies: number[] = [];
  private readonly counters = { reads: 0, writes: 0, bytesRead: 0, bytesWritten: 0, errors: 0 };
  private lastError: string | null = null;
  readonly blockSectors: number;
  readonly blockCount: number;

  constructor(
    private readonly device: BlockDevice,
    private readonly shadow: ShadowModel,
    private readonly options: WorkloadOptions,
    private readonly clock: Clock,
    private readonly random: Random,
  ) {
    if (options.blockSizeBytes % SECTOR_SIZE !== 0 || options.blockSizeBytes <= 0) {
      throw new LvmscopeError('INVALID', `workload: block size must be a positive multiple of 512 bytes (got ${options.blockSizeBytes}).`);
    }
    if (!(options.iops > 0)) throw new LvmscopeError('INVALID', 'workload: IOPS must be greater than 0.');
    this.blockSectors = options.blockSizeBytes / SECTOR_SIZE;
    this.blockCount = Math.floor(device.sizeSectors / this.blockSectors);
    if (this.blockCount < 1) throw new LvmscopeError('INVALID', `workload: ${device.name} is smaller than one ${options.blockSizeBytes}-byte block.`);
    this.nextWriteId = options.firstWriteId ?? 1;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.startedAtMs = this.clock.now();
    this.issued = 0;
    this.schedule();
  }

  /** Stops issuing IO and waits for every IO in flight. */
  /**
   * Issues no more IO; with `drain`, resolves once the IO in flight has completed. Without it
   * resolves at once: IO queued on a suspended device completes when the device resumes, which
   * a move in step mode may hold off until the user presses Next.
   */
  async stop(drain = true): Promise<void> {
    this.running = false;
    this.timer?.cancel();
    this.timer = undefined;
    while (drain && this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  get isRunning(): boolean {
    return this.running;
  }

  stats(): WorkloadStats {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const pick = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : null);
    return { running: this.running, ...this.counters, writeLatencyP50Ms: pick(0.5), writeLatencyP99Ms: pick(0.99), lastError: this.lastError };
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = this.clock.setTimer(TICK_MS, () => {
      this.timer = undefined;
      this.pump();
      this.schedule();
    });
  }

  /** Starts as many IOs as the pace and the queue depth allow. */
  private pump(): void {
    const depth = this.options.queueDepth ?? 4;
    const due = Math.floor(((this.clock.now() - this.startedAtMs) / 1000) * this.options.iops);
    while (this.running && this.issued < due && this.inFlight.size < depth) {
      const block = this.chooseBlock();
      if (block === undefined) break;
      this.issued += 1;
      const io = this.issue(block).finally(() => {
        this.inFlight.delete(io);
        this.inFlightBlocks.delete(block);
        // A completion frees a slot: issue what the pace allows now, not at the next tick
        // (otherwise the queue depth per tick caps the rate at depth / tick).
        if (this.running) this.pump();
      });
      this.inFlightBlocks.add(block);
      this.inFlight.add(io);
    }
    // Do not build up a backlog while the device is suspended: pace restarts from now.
    if (this.issued < due - this.options.iops) this.issued = due - this.options.iops;
  }

  private chooseBlock(): number | undefined {
    for (let attempt = 0; attempt < 8; attempt += 1) {
      let block: number;
      if (this.options.pattern === 'seqwrite') {
        block = this.nextSeqBlock;
        this.nextSeqBlock = (this.nextSeqBlock + 1) % this.blockCount;
      } else block = this.random.int(this.blockCount);
      if (!this.inFlightBlocks.has(block)) return block;
    }
    return undefined;
  }

  private isWrite(): boolean {
    switch (this.options.pattern) {
      case 'randwrite':
      case 'seqwrite':
        return true;
      case 'randread':
        return false;
      case 'randrw':
        return this.random.next() < 0.5;
    }
  }

  /**
   * One IO. A failed IO is counted and remembered (lastError), never thrown. A write that
   * failed after it was issued was not acknowledged, but it may have reached some of its
   * sectors (a short write, one mirror leg but not the other): the shadow model records it
   * as in doubt, so the verifier accepts either content there and flags nothing it owes.
   * A write whose journal intent could not be recorded is not issued at all.
   */
  private async issue(block: number): Promise<void> {
    const sector = block * this.blockSectors;
    const started = this.clock.now();
    let issuedWrite: number | undefined;
    try {
      if (this.isWrite()) {
        const writeId = this.options.allocateWriteId?.() ?? this.nextWriteId++;
        await this.options.beforeWrite?.(writeId, sector, this.blockSectors);
        issuedWrite = writeId;
        await this.device.write(sector, writeSectors(writeId, sector, this.blockSectors));
        issuedWrite = undefined;
        this.shadow.recordWrite(writeId, sector, this.blockSectors);
        this.options.onWriteAcknowledged?.(writeId, sector, this.blockSectors);
        this.counters.writes += 1;
        this.counters.bytesWritten += this.options.blockSizeBytes;
        this.latencies.push(this.clock.now() - started);
        if (this.latencies.length > LATENCY_SAMPLES) this.latencies.splice(0, this.latencies.length - LATENCY_SAMPLES);
      } else {
        await this.device.read(sector, this.blockSectors);
        this.counters.reads += 1;
        this.counters.bytesRead += this.options.blockSizeBytes;
      }
    } catch (e) {
      if (issuedWrite !== undefined) this.shadow.recordInDoubt(issuedWrite, sector, this.blockSectors);
      this.counters.errors += 1;
      this.lastError = e instanceof Error ? e.message : String(e);
      this.options.onIoError?.(this.lastError);
    }
  }
}
