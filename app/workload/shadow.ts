// The shadow model: what every LV sector must contain. A sector is either untouched since
// the demo fill (demo pattern) or holds the content of the last *acknowledged* workload write
// to it. Writes are recorded when their promise resolves — that is the moment DESIGN §2.2
// calls acknowledged — and the generator never has two writes to one sector in flight, so
// "last acknowledged" is well defined. A sector an export client (NBD) wrote last holds bytes
// only that client knew: the model keeps the hash of each such sector (sectorHash.ts), and the
// export port never has two overlapping client writes in flight either.

export interface ShadowLv {
  vg: string;
  lv: string;
  extentSizeSectors: number;
  sizeSectors: number;
  /** The LV's id (uuid): a demo record counts only for the LV it was written for. */
  lvId?: string;
}

/**
 * How many leading LV sectors hold the demo pattern: a number (from the journal's demo record),
 * or 'unknown' when the workspace has no demo records at all (images filled by LVM2's fixture
 * script, or by an lvmscope older than the records): the verifier then looks at the LV itself.
 */
export type DemoExtent = number | 'unknown';

export class ShadowModel {
  /** LV sector → id of the last acknowledged write covering it. */
  private readonly lastWrite = new Map<number, number>();

  /**
   * Sectors [0, demoSectors) were filled with the demo pattern; a sector past them that no
   * workload write touched holds what lvmscope never wrote (an lvextend, a fresh lvcreate),
   * so the verifier does not check it.
   */
  demoSectors: DemoExtent;

  constructor(
    readonly target: ShadowLv,
    demoSectors: DemoExtent = target.sizeSectors,
  ) {
    this.demoSectors = demoSectors;
  }

  /**
   * Sector → writes that were issued but never acknowledged (they failed, or the process died
   * in between): each may have reached the sector or not, so the sector may hold any of them
   * or the last acknowledged content. An acknowledged write to the sector clears the list.
   */
  private readonly inDoubt = new Map<number, number[]>();

  /** LV sector → hash of what an export client wrote there last (its write owns the sector in lastWrite). */
  private readonly external = new Map<number, number>();
  /** Sector hashes of client writes in doubt, by write id. */
  private readonly externalInDoubt = new Map<number, { sector: number; hashes: Uint32Array }>();

  recordWrite(writeId: number, sector: number, countSectors: number): void {
    for (let s = sector; s < sector + countSectors; s += 1) {
      this.lastWrite.set(s, writeId);
      this.inDoubt.delete(s);
      this.external.delete(s);
    }
  }

  /** An acknowledged write of an export client: one hash per sector it wrote. */
  recordExternalWrite(writeId: number, sector: number, hashes: Uint32Array): void {
    // Runs for every sector an NBD client writes: skip the in-doubt map when it is empty (it almost always is).
    const anyInDoubt = this.inDoubt.size > 0;
    for (let i = 0; i < hashes.length; i += 1) {
      this.lastWrite.set(sector + i, writeId);
      if (anyInDoubt) this.inDoubt.delete(sector + i);
      this.external.set(sector + i, hashes[i]);
    }
    if (this.externalInDoubt.size) this.externalInDoubt.delete(writeId);
  }

  /** A client write that was issued and never acknowledged (it failed, or the process died). */
  recordExternalInDoubt(writeId: number, sector: number, hashes: Uint32Array): void {
    this.externalInDoubt.set(writeId, { sector, hashes });
    this.recordInDoubt(writeId, sector, hashes.length);
  }

  /** The hash an export client's write left in `sector`, or undefined when no client wrote it last. */
  externalHashAt(sector: number): number | undefined {
    return this.external.get(sector);
  }

  /** The hash write `writeId` would have left in `sector` when it is a client write in doubt. */
  externalInDoubtHash(writeId: number, sector: number): number | undefined {
    const w = this.externalInDoubt.get(writeId);
    if (!w || sector < w.sector || sector >= w.sector + w.hashes.length) return undefined;
    return w.hashes[sector - w.sector];
  }

  /** Sectors an export client wrote last. */
  get externalSectors(): number {
    return this.external.size;
  }

  recordInDoubt(writeId: number, sector: number, countSectors: number): void {
    for (let s = sector; s < sector + countSectors; s += 1) {
      const ids = this.inDoubt.get(s);
      if (!ids) this.inDoubt.set(s, [writeId]);
      else if (!ids.includes(writeId)) ids.push(writeId);
    }
  }

  /** The writes that may or may not have reached `sector` (empty when none). */
  inDoubtAt(sector: number): readonly number[] {
    return this.inDoubt.get(sector) ?? [];
  }

  /** Sectors with at least one write in doubt. */
  get inDoubtSectors(): number {
    return this.inDoubt.size;
  }

  /** The write id that owns `sector`, or undefined when it must hold the demo pattern. */
  writeIdAt(sector: number): number | undefined {
    return this.lastWrite.get(sector);
  }

  /** Sectors the built-in workload wrote last (client writes are counted by externalSectors). */
  get writtenSectors(): number {
    return this.lastWrite.size - this.external.size;
  }

  /** Every (sector, writeId) pair, for persisting the model across a process crash. */
  entries(): IterableIterator<[number, number]> {
    return this.lastWrite.entries();
  }
}
