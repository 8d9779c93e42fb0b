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
}

export class ShadowModel {
  /** LV sector → id of the last acknowledged write covering it. */
  private readonly lastWrite = new Map<number, number>();

  constructor(readonly target: ShadowLv) {}

  /**
   * Sector → a write that was issued but whose acknowledgement was never recorded (the
   * process died in between): the sector may hold that write's content or the previous one.
   */
  private readonly inDoubt = new Map<number, number>();

  recordWrite(writeId: number, sector: number, countSectors: number): void {
    for (let s = sector; s < sector + countSectors; s += 1) {
      this.lastWrite.set(s, writeId);
      this.inDoubt.delete(s);
    }
  }

  recordInDoubt(writeId: number, sector: number, countSectors: number): void {
    for (let s = sector; s < sector + countSectors; s += 1) this.inDoubt.set(s, writeId);
  }

  /** The write that may or may not have reached `sector`, if any. */
  inDoubtAt(sector: number): number | undefined {
    return this.inDoubt.get(sector);
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
