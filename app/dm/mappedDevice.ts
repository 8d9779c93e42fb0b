// One mapped device (`struct mapped_device` of dm.c): a live and an inactive table, the
// suspend state, the deferred-IO queue, in-flight and IO counters. It is itself a
// BlockDevice, so other tables (and LVs) use it like any disk.
//
// IO path: `submit` → deferred queue while blocked for suspend, else `dispatch` → the IO is
// cut at target boundaries (and at each target's max IO size) → `map()` of each target →
// the core completes what the target remapped. Mapping is synchronous up to the lower
// device's call, so IO reaches lower devices in the order it was submitted here.

import type { Clock, Timer } from '../base/clock';
import { assert } from '../base/assert';
import type { Emitter } from '../base/emitter';
import { LvmscopeError } from '../base/result';
import { SECTOR_SIZE } from '../base/units';
import { ioRangeError, type BlockDevice, type IoRequest } from '../block/blockDevice';
import { DeferredIoQueue, type DeferredIo } from './deferredQueue';
import type { DeviceState, DmEvent, IoCounters } from './events';
import type { LoadedTable, LoadedTarget } from './loadedTable';

const FLUSH: IoRequest = { op: 'flush', sector: 0, countSectors: 0 };

/** Thrown inside the IO path when a target asks for its IO to be pushed back. */
class RequeueSignal extends Error {}

export interface MappedDeviceOptions {
  readonly clock: Clock;
  readonly events: Emitter<DmEvent>;
  readonly deferredBound: number;
  readonly ioEventIntervalMs: number;
  /** Told of every table that enters or leaves a slot, so the registry can keep open counts. */
  readonly onTableSwap?: (before: LoadedTable | undefined, after: LoadedTable | undefined) => void;
}

export class MappedDevice implements BlockDevice {
  state: DeviceState = 'ACTIVE';
  private liveSlot: LoadedTable | undefined;
  private inactiveSlot: LoadedTable | undefined;
  eventNumber = 0;
  readonly counters: IoCounters = { reads: 0, writes: 0, flushes: 0, readSectors: 0, writtenSectors: 0 };
  private inFlightCount = 0;
  /** Set between "stop mapping" and resume (DMF_BLOCK_IO_FOR_SUSPEND). */
  private blocked = false;
  private noflush = false;
  private suspendInProgress = false;
  private readonly deferred: DeferredIoQueue;
  private drainWaiters: (() => void)[] = [];
  private ioEventTimer: Timer | undefined;

  constructor(
    readonly name: string,
    readonly uuid: string,
    readonly minor: number,
    readonly devno: string,
    private readonly options: MappedDeviceOptions,
  ) {
    this.deferred = new DeferredIoQueue(options.deferredBound);
  }

  get live(): LoadedTable | undefined {
    return this.liveSlot;
  }
  set live(table: LoadedTable | undefined) {
    this.options.onTableSwap?.(this.liveSlot, table);
    this.liveSlot = table;
  }
  get inactive(): LoadedTable | undefined {
    return this.inactiveSlot;
  }
  set inactive(table: LoadedTable | undefined) {
    this.options.onTableSwap?.(this.inactiveSlot, table);
    this.inactiveSlot = table;
  }

  get sizeSectors(): number {
    return this.live?.sizeSectors ?? 0;
  }
  get inFlight(): number {
    return this.inFlightCount;
  }
  get deferredCount(): number {
    return this.deferred.length;
  }
  get isSuspending(): boolean {
    return this.suspendInProgress;
  }

  read(sector: number, countSectors: number, into?: Uint8Array, client?: number): Promise<Uint8Array> {
    return this.submit({ op: 'read', sector, countSectors, into, client }) as Promise<Uint8Array>;
  }

  write(sector: number, data: Uint8Array, client?: number): Promise<void> {
    if (data.length % SECTOR_SIZE !== 0) {
      return Promise.reject(new LvmscopeError('IO', `${this.name}: a write of ${data.length} bytes is not a whole number of sectors.`));
    }
    return this.submit({ op: 'write', sector, countSectors: data.length / SECTOR_SIZE, data, client }) as Promise<void>;
  }

  flush(): Promise<void> {
    return this.submit(FLUSH) as Promise<void>;
  }

  submit(io: IoRequest): Promise<Uint8Array | void> {
    if (this.blocked) return this.defer(io);
    return this.dispatch(io);
  }

  private defer(io: IoRequest): Promise<Uint8Array | void> {
    if (this.deferred.isFull) {
      return Promise.reject(new LvmscopeError('BUSY', `${this.name} is suspended and already holds ${this.deferred.capacity} queued IOs; resume it before sending more.`));
    }
    return new Promise((resolve, reject) => {
      this.deferred.push({ io, resolve, reject });
      this.emitDeferred(io);
    });
  }

  private emitDeferred(io: IoRequest): void {
    if (this.options.events.listenerCount === 0) return;
    const { op, sector, countSectors } = io;
    this.options.events.emit({ type: 'io-deferred', device: this.name, devno: this.devno, op, sector, countSectors, queued: this.deferred.length });
  }

  private dispatch(io: IoRequest): Promise<Uint8Array | void> {
    const table = this.live;
    if (!table) return Promise.reject(new LvmscopeError('IO', `${this.name} has no live table; load a table and resume the device first.`));
    if (io.op !== 'flush') {
      const error = ioRangeError(this, io.sector, io.countSectors);
      if (error) return Promise.reject(error);
    }
    this.count(io);
    this.inFlightCount += 1;
    let result: Promise<Uint8Array | void>;
    try {
      result = this.mapIo(table, io);
    } catch (e) {
      result = Promise.reject(e);
    }
    return result.then(
      (value) => {
        this.ioDone();
        return value;
      },
      (error: unknown) => {
        this.ioDone();
        if (error instanceof RequeueSignal) return this.requeue(io);
        throw error;
      },
    );
  }

  /** A pushed-back IO waits for resume during a noflush suspend; otherwise it fails (as in dm.c). */
  private requeue(io: IoRequest): Promise<Uint8Array | void> {
    if (!(this.blocked && this.noflush)) {
      return Promise.reject(new LvmscopeError('IO', `${this.name}: a target pushed back an IO outside a noflush suspend, so it failed.`));
    }
    return new Promise((resolve, reject) => this.deferred.pushFront({ io, resolve, reject }));
  }

  private count(io: IoRequest): void {
    const c = this.counters;
    if (io.op === 'read') {
      c.reads += 1;
      c.readSectors += io.countSectors;
    } else if (io.op === 'write') {
      c.writes += 1;
      c.writtenSectors += io.countSectors;
    } else c.flushes += 1;
    this.scheduleIoEvent();
  }

  private ioDone(): void {
    this.inFlightCount -= 1;
    if (this.inFlightCount === 0 && this.drainWaiters.length > 0) {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const w of waiters) w();
    }
  }

  private mapIo(table: LoadedTable, io: IoRequest): Promise<Uint8Array | void> {
    if (io.op === 'flush') {
      // An empty flush goes to every target, as dm sends one flush bio per target.
      return Promise.all(table.targets.map((t) => this.mapPiece(t, FLUSH))).then(() => undefined);
    }
    const target = table.targets[table.find(io.sector)];
    const relative = io.sector - target.beginSector;
    if (fitsInOnePiece(target, relative, io.countSectors)) {
      return this.mapPiece(target, io.op === 'read' ? { op: 'read', sector: relative, countSectors: io.countSectors, into: io.into, client: io.client } : { op: 'write', sector: relative, countSectors: io.countSectors, data: io.data, client: io.client });
    }
    return this.mapSplit(table, io);
  }

  /** Cuts an IO that crosses target (or max IO) boundaries into pieces and joins the results. */
  private mapSplit(table: LoadedTable, io: Exclude<IoRequest, { op: 'flush' }>): Promise<Uint8Array | void> {
    const out = io.op === 'read' ? (io.into ?? new Uint8Array(io.countSectors * SECTOR_SIZE)) : undefined;
    const pieces: Promise<unknown>[] = [];
    let done = 0;
    while (done < io.countSectors) {
      const sector = io.sector + done;
      const target = table.targets[table.find(sector)];
      const relative = sector - target.beginSector;
      const count = Math.min(io.countSectors - done, pieceLimit(target, relative));
      const offsetBytes = done * SECTOR_SIZE;
      if (io.op === 'read') {
        const into = out!.subarray(offsetBytes, offsetBytes + count * SECTOR_SIZE);
        pieces.push(this.mapPiece(target, { op: 'read', sector: relative, countSectors: count, into, client: io.client }).then((bytes) => copyUnlessSame(bytes as Uint8Array, into)));
      } else {
        const data = io.data.subarray(offsetBytes, offsetBytes + count * SECTOR_SIZE);
        pieces.push(this.mapPiece(target, { op: 'write', sector: relative, countSectors: count, data, client: io.client }));
      }
      done += count;
    }
    return Promise.all(pieces).then(() => out);
  }

  private mapPiece(target: LoadedTarget, io: IoRequest): Promise<Uint8Array | void> {
    let result;
    try {
      result = target.type.map(target.state, io);
    } catch (e) {
      return Promise.reject(e);
    }
    switch (result.kind) {
      case 'remapped': {
        const { device, sector } = result;
        if (io.op === 'read') return device.read(sector, io.countSectors, io.into, io.client);
        if (io.op === 'write') return device.write(sector, io.data, io.client);
        return device.flush();
      }
      case 'submitted':
        return result.done;
      case 'requeue':
        return Promise.reject(new RequeueSignal());
      case 'error':
        return Promise.reject(new LvmscopeError('IO', `${this.name}: ${result.message}`));
    }
  }

  // ---- suspend / resume (dm.c order; see DESIGN §2.2) ----

  /** presuspend hooks → stop mapping (defer new IO) → wait for in-flight IO → postsuspend → SUSPENDED. */
  async suspend(noflush: boolean): Promise<void> {
    if (this.state === 'SUSPENDED') return;
    if (this.suspendInProgress) throw new LvmscopeError('BUSY', `${this.name} is already being suspended; wait for that to finish.`);
    this.suspendInProgress = true;
    try {
      this.emit({ type: 'suspending', device: this.name, devno: this.devno, noflush, inFlight: this.inFlightCount });
      const targets = this.live?.targets ?? [];
      for (const t of targets) await t.type.presuspend?.(t.state);
      this.blocked = true;
      this.noflush = noflush;
      await this.waitForInFlight();
      for (const t of targets) await t.type.postsuspend?.(t.state);
      this.state = 'SUSPENDED';
      this.emit({ type: 'suspended', device: this.name, devno: this.devno, deferred: this.deferred.length });
    } catch (e) {
      this.blocked = false;
      this.replayDeferred();
      throw e;
    } finally {
      this.suspendInProgress = false;
    }
  }

  private waitForInFlight(): Promise<void> {
    if (this.inFlightCount === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /**
   * Swaps in the inactive table if one is loaded (the caller checked the device is
   * suspended), runs the targets' resume hooks first, then replays deferred IO in order.
   * Returns the table that was replaced, for the registry to destroy.
   */
  async resume(): Promise<LoadedTable | undefined> {
    assert(this.state === 'SUSPENDED', 'resume of a device that is not suspended');
    let replaced: LoadedTable | undefined;
    if (this.inactive) {
      replaced = this.live;
      this.live = this.inactive;
      this.inactive = undefined;
      this.emit({ type: 'table-swapped', device: this.name, devno: this.devno, table: this.live.spec });
    }
    for (const t of this.live?.targets ?? []) await t.type.resume?.(t.state);
    this.state = 'ACTIVE';
    this.blocked = false;
    this.noflush = false;
    const replayed = this.replayDeferred();
    this.emit({ type: 'resumed', device: this.name, devno: this.devno, replayed });
    return replaced;
  }

  /** Resubmits deferred IO oldest first; synchronous, so no new IO can slip in between. */
  private replayDeferred(): number {
    const items: DeferredIo[] = this.deferred.drain();
    for (const item of items) this.dispatch(item.io).then(item.resolve, item.reject);
    return items.length;
  }

  /** Fails every deferred IO (the device is being removed). */
  failDeferred(): void {
    for (const item of this.deferred.drain()) item.reject(new LvmscopeError('IO', `${this.name} was removed while this IO waited for resume.`));
  }

  raiseEvent(): void {
    this.eventNumber += 1;
    this.emit({ type: 'event-number', device: this.name, devno: this.devno, eventNumber: this.eventNumber });
  }

  private emit(event: DmEvent): void {
    this.options.events.emit(event);
  }

  /** IO counters are published at most once per interval, and only when someone listens. */
  private scheduleIoEvent(): void {
    if (this.ioEventTimer || this.options.events.listenerCount === 0) return;
    this.ioEventTimer = this.options.clock.setTimer(this.options.ioEventIntervalMs, () => {
      this.ioEventTimer = undefined;
      this.emit({ type: 'io-counters', device: this.name, devno: this.devno, counters: { ...this.counters }, inFlight: this.inFlightCount, deferred: this.deferred.length });
    });
  }

  cancelTimers(): void {
    this.ioEventTimer?.cancel();
    this.ioEventTimer = undefined;
  }
}

/** Sectors the piece starting at `relative` may cover inside `target`. */
function pieceLimit(target: LoadedTarget, relative: number): number {
  const toEnd = target.lengthSectors - relative;
  if (target.maxIoSectors === 0) return toEnd;
  return Math.min(toEnd, target.maxIoSectors - (relative % target.maxIoSectors));
}

function fitsInOnePiece(target: LoadedTarget, relative: number, countSectors: number): boolean {
  return countSectors <= pieceLimit(target, relative);
}

/** Puts a piece's bytes in place, unless the lower device already read them there. */
function copyUnlessSame(bytes: Uint8Array, into: Uint8Array): void {
  if (bytes.buffer === into.buffer && bytes.byteOffset === into.byteOffset) return;
  into.set(bytes);
}
