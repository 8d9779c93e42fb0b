// A WorkspaceStorage whose images are SimDisks (seeded latency; crash() drops unflushed
// writes), so the whole engine can run on the simulated disk. `crash(clock)` models power loss
// and a restart: every disk drops its unflushed writes, and the storage continues on fresh
// SimDisks holding only the durable bytes, driven by the new process's clock — IO the dead
// process still had in flight stays parked on the old clock forever, as it would.
// The journal is kept in memory and survives a crash (tests that need it decide what it means).

import type { Clock, Random } from '../../app/base/clock';
import { LvmscopeError } from '../../app/base/result';
import type { BlockStore, WorkspaceStorage } from '../../app/block/blockStore';
import { MemoryFolder } from './memory';
import { SimDisk, type SpaceBudget } from './simDisk';

export class SimWorkspaceStorage extends MemoryFolder implements WorkspaceStorage {
  readonly disks = new Map<string, SimDisk>();

  constructor(
    private clock: Clock,
    private readonly random: Random,
    private readonly latencyMs: readonly [number, number] = [0, 0.2],
    readonly location = 'sim:/workspace',
    /** The filesystem's free space, shared by the images and the journals (never full without it). */
    readonly space?: SpaceBudget,
  ) {
    super();
    this.journalSpace = space;
  }

  async listImages(): Promise<string[]> {
    return [...this.disks.keys()].sort();
  }

  async open(name: string): Promise<BlockStore> {
    const disk = this.disks.get(name);
    if (!disk) throw new LvmscopeError('NOT_FOUND', `No image named ${name} in ${this.location}.`);
    return disk;
  }

  async create(name: string, sizeBytes: number): Promise<BlockStore> {
    if (this.disks.has(name)) throw new LvmscopeError('EXISTS', `${name} already exists in ${this.location}.`);
    const disk = this.newDisk(name, sizeBytes);
    this.disks.set(name, disk);
    return disk;
  }

  async remove(name: string): Promise<void> {
    this.disks.delete(name);
  }


  /**
   * Power loss, then a restart driven by `clock`: only flushed bytes remain; the lock is gone.
   * `keepUnflushedProbability` 1 models a killed process instead (the page cache survives:
   * every write that reached a disk stays, only IO still on its way is lost).
   */
  crash(clock: Clock, keepUnflushedProbability = 0): void {
    this.clock = clock;
    this.lockHolder = undefined;
    for (const [name, old] of this.disks) {
      old.crash(keepUnflushedProbability);
      const disk = this.newDisk(name, old.sizeBytes);
      disk.current.set(old.durable);
      disk.durable.set(old.durable);
      this.disks.set(name, disk);
    }
  }

  private newDisk(name: string, sizeBytes: number): SimDisk {
    return new SimDisk(name, sizeBytes, { clock: this.clock, random: this.random, latencyMs: this.latencyMs, space: this.space });
  }
}
