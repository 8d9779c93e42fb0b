// The move storm's own IO (test/app/pvmove/moveStorm.test.ts): a seeded driver of 4 KiB
// reads, writes and flushes through the dm stack of every LV, and the model of what each
// block must hold. One IO per block at a time, so a read must return exactly the last
// acknowledged write (or the demo pattern). Flushes are tracked as in simCrash.test.ts: a
// write acknowledged before a flush was issued is durable once that flush resolves; after a
// power loss a block may hold its last durable write or any later one (other flushes, the
// copier's and the metadata commits', may have made later writes durable too).

import { sleep, type Clock, type Random } from '../../../app/base/clock';
import { SECTOR_SIZE } from '../../../app/base/units';
import type { Engine } from '../../../app/engine';
import { ShadowModel, lvKey } from '../../../app/workload';
import { fillDemoSector, fillWriteSector, writeSectors } from '../../../app/workload/pattern';

export const BLOCK_SECTORS = 8;
/** Write ids of the storm driver start here, far from the engine workload's ids. */
const FIRST_STORM_WRITE_ID = 1_000_000;

interface BlockState {
  /** Content at the last reopen (a write id, or undefined = the demo pattern). */
  base: number | undefined;
  /** Writes acknowledged since then, in order. */
  acked: number[];
  /** How many of `acked` a completed flush covers. */
  durable: number;
  /** A write issued and not yet acknowledged. */
  inFlight: number | undefined;
  busy: boolean;
}

export interface StormLv {
  vg: string;
  lv: string;
  extentSizeSectors: number;
  sizeSectors: number;
  blocks: BlockState[];
}

export type IoMix = 'none' | 'writes' | 'reads' | 'mixed';

/** What every block of every LV must hold; survives crashes (the test's memory, not the engine's). */
export class StormModel {
  readonly lvs = new Map<string, StormLv>();
  nextWriteId = FIRST_STORM_WRITE_ID;

  add(vg: string, lv: string, extentSizeSectors: number, sizeSectors: number): void {
    const blocks = Array.from({ length: sizeSectors / BLOCK_SECTORS }, (): BlockState => ({ base: undefined, acked: [], durable: 0, inFlight: undefined, busy: false }));
    this.lvs.set(lvKey(vg, lv), { vg, lv, extentSizeSectors, sizeSectors, blocks });
  }

  /** The content a block must hold now (no IO on it in flight). */
  static current(b: BlockState): number | undefined {
    return b.acked.length ? b.acked[b.acked.length - 1] : b.base;
  }

  /** After a crash: the contents a block may hold (undefined = demo pattern). */
  static afterCrash(b: BlockState, everyWriteLanded: boolean): Array<number | undefined> {
    const durable = everyWriteLanded ? b.acked.length : b.durable;
    const last = durable > 0 ? b.acked[durable - 1] : b.base;
    const later = b.acked.slice(durable);
    return b.inFlight === undefined ? [last, ...later] : [last, ...later, b.inFlight];
  }

  /** Checks the bytes of an LV after a crash and takes what was found as the new base. */
  settleAfterCrash(key: string, data: Uint8Array, everyWriteLanded: boolean): string[] {
    const lv = this.lvs.get(key)!;
    const problems: string[] = [];
    lv.blocks.forEach((b, i) => {
      const candidates = StormModel.afterCrash(b, everyWriteLanded);
      const found = candidates.findIndex((c) => blockHolds(lv, i, data.subarray(i * BLOCK_SECTORS * SECTOR_SIZE), c));
      if (found < 0 && problems.length < 5) problems.push(`${key} block ${i} (sector ${i * BLOCK_SECTORS}) holds none of ${candidates.map((c) => c ?? 'demo').join(', ')} after the crash`);
      Object.assign(b, { base: found >= 0 ? candidates[found] : StormModel.current(b), acked: [], durable: 0, inFlight: undefined, busy: false });
    });
    return problems;
  }

  /** Every block holds what the model says (after all IO finished). */
  check(key: string, data: Uint8Array): string[] {
    const lv = this.lvs.get(key)!;
    const problems: string[] = [];
    lv.blocks.forEach((b, i) => {
      const expected = StormModel.current(b);
      if (!blockHolds(lv, i, data.subarray(i * BLOCK_SECTORS * SECTOR_SIZE), expected) && problems.length < 5) {
        problems.push(`${key} block ${i} (sector ${i * BLOCK_SECTORS}) does not hold ${expected ?? 'the demo pattern'}`);
      }
    });
    return problems;
  }

  /** A shadow model for the engine's verify.run that says what the storm model says. */
  shadowFor(key: string): ShadowModel {
    const lv = this.lvs.get(key)!;
    const shadow = new ShadowModel({ vg: lv.vg, lv: lv.lv, extentSizeSectors: lv.extentSizeSectors, sizeSectors: lv.sizeSectors });
    lv.blocks.forEach((b, i) => {
      const id = StormModel.current(b);
      if (id !== undefined) shadow.recordWrite(id, i * BLOCK_SECTORS, BLOCK_SECTORS);
    });
    return shadow;
  }
}

function blockHolds(lv: StormLv, block: number, data: Uint8Array, writeId: number | undefined): boolean {
  const expected = new Uint8Array(SECTOR_SIZE);
  for (let s = 0; s < BLOCK_SECTORS; s += 1) {
    const sector = block * BLOCK_SECTORS + s;
    if (writeId === undefined) fillDemoSector(lv.vg, lv.lv, lv.extentSizeSectors, sector, expected);
    else fillWriteSector(writeId, sector, expected);
    const at = data.subarray(s * SECTOR_SIZE, (s + 1) * SECTOR_SIZE);
    for (let k = 0; k < SECTOR_SIZE; k += 1) if (at[k] !== expected[k]) return false;
  }
  return true;
}

/**
 * Issues IO to the LVs in `keys` until stopped, at most `depth` at a time, and records every
 * acknowledged write in the model and in the session's shadow (so verify.run agrees).
 */
export class StormIoDriver {
  private stopped = false;
  /** Set at a crash: the process is gone, later completions are not observed. */
  private dead = false;
  readonly inFlight = new Set<Promise<void>>();
  readonly problems: string[] = [];
  readonly counts = { reads: 0, writes: 0, flushes: 0 };
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly engine: Engine,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly model: StormModel,
    private readonly keys: string[],
    private readonly mix: IoMix,
    private readonly depth = 4,
  ) {}

  start(): void {
    if (this.mix === 'none' || this.keys.length === 0) return;
    this.loop = this.run();
  }

  /** Stops issuing; resolves when every IO in flight has completed. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  /** The process died: nothing more is issued or observed; in-flight writes stay in doubt. */
  kill(): void {
    this.stopped = true;
    this.dead = true;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      await sleep(this.clock, this.random.next() * 4);
      if (this.stopped || this.inFlight.size >= this.depth) continue;
      const io = this.issueOne().finally(() => this.inFlight.delete(io));
      this.inFlight.add(io);
    }
  }

  private async issueOne(): Promise<void> {
    const key = this.keys[this.random.int(this.keys.length)];
    const lv = this.model.lvs.get(key)!;
    const device = this.engine.session!.lvDevice(lv.vg, lv.lv);
    const roll = this.random.next();
    if (roll < 0.05) return this.flush(key, device);
    const block = this.random.int(lv.blocks.length);
    const b = lv.blocks[block];
    if (b.busy) return;
    b.busy = true;
    const isWrite = this.mix === 'writes' || (this.mix === 'mixed' && this.random.next() < 0.5);
    try {
      if (isWrite) await this.write(key, device, block, b);
      else await this.read(key, device, block, b);
    } catch (e) {
      if (!this.dead) this.problems.push(`${isWrite ? 'write' : 'read'} of ${key} block ${block} failed: ${(e as Error).message}`);
    } finally {
      if (!this.dead) b.busy = false;
    }
  }

  private async write(key: string, device: { write(sector: number, data: Uint8Array): Promise<void> }, block: number, b: BlockState): Promise<void> {
    const id = this.model.nextWriteId++;
    const sector = block * BLOCK_SECTORS;
    b.inFlight = id;
    await device.write(sector, writeSectors(id, sector, BLOCK_SECTORS));
    if (this.dead) return;
    b.inFlight = undefined;
    b.acked.push(id);
    this.engine.session!.shadowOf(this.model.lvs.get(key)!.vg, this.model.lvs.get(key)!.lv).recordWrite(id, sector, BLOCK_SECTORS);
    this.counts.writes += 1;
  }

  private async read(key: string, device: { read(sector: number, count: number): Promise<Uint8Array> }, block: number, b: BlockState): Promise<void> {
    const expected = StormModel.current(b);
    const data = await device.read(block * BLOCK_SECTORS, BLOCK_SECTORS);
    if (this.dead) return;
    this.counts.reads += 1;
    if (!blockHolds(this.model.lvs.get(key)!, block, data, expected) && this.problems.length < 10) {
      this.problems.push(`a read of ${key} block ${block} during the storm did not return ${expected ?? 'the demo pattern'}`);
    }
  }

  private async flush(key: string, device: { flush(): Promise<void> }): Promise<void> {
    const lv = this.model.lvs.get(key)!;
    const covered = lv.blocks.map((b) => b.acked.length);
    await device.flush();
    if (this.dead) return;
    this.counts.flushes += 1;
    lv.blocks.forEach((b, i) => (b.durable = Math.max(b.durable, Math.min(covered[i], b.acked.length))));
  }
}
