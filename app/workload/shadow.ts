// The shadow model: what every LV sector must contain. A sector is either untouched since
// the demo fill (demo pattern) or holds the content of the last *acknowledged* workload write
// to it. Writes are recorded when their promise resolves — that is the moment DESIGN §2.2
// calls acknowledged — and the generator never has two writes to one sector in flight, so
// "last acknowledged" is well defined.

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

  recordWrite(writeId: number, sector: number, countSectors: number): void {
    for (let s = sector; s < sector + countSectors; s += 1) {
      this.lastWrite.set(s, writeId);
      this.inDoubt.delete(s);
    }
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

  get writtenSectors(): number {
    return this.lastWrite.size;
  }

  /** Every (sector, writeId) pair, for persisting the model across a process crash. */
  entries(): IterableIterator<[number, number]> {
    return this.lastWrite.entries();
  }
}
