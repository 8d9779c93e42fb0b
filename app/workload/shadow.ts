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

/** Sectors per chunk of a SectorTable: 128 KiB of LV, 2 KiB of table. */
const CHUNK_SECTORS = 256;

/**
 * A sparse map sector → non-negative integer (a write id, a 32-bit hash), in chunks of typed
 * arrays. Why not a Map: an NBD client's 1 MiB write sets 2,048 sectors in two of them, and
 * with half a million sectors in a Map each set cost ~0.5-1 µs (hashing, growth, GC of the
 * entries): 2-4 ms per MiB, more than the write itself. Here it is an array store. A chunk
 * holds value + 1 (0: no value), so ids and hashes up to 2^53 fit.
 */
class SectorTable {
  private readonly chunks = new Map<number, Float64Array>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(sector: number): number | undefined {
    const v = this.chunks.get(Math.floor(sector / CHUNK_SECTORS))?.[sector % CHUNK_SECTORS];
    return v ? v - 1 : undefined;
  }

  set(sector: number, value: number): void {
    const chunk = this.chunkFor(sector);
    const i = sector % CHUNK_SECTORS;
    if (!chunk[i]) this.count += 1;
    chunk[i] = value + 1;
  }

  /** Sets `count` sectors from `sector` on: to `value`, or to values[i] when given. */
  setRange(sector: number, count: number, value: number, values?: Uint32Array): void {
    let done = 0;
    while (done < count) {
      const chunk = this.chunkFor(sector + done);
      const first = (sector + done) % CHUNK_SECTORS;
      const n = Math.min(count - done, CHUNK_SECTORS - first);
      for (let i = 0; i < n; i += 1) {
        if (!chunk[first + i]) this.count += 1;
        chunk[first + i] = (values ? values[done + i] : value) + 1;
      }
      done += n;
    }
  }

  delete(sector: number): void {
    const chunk = this.chunks.get(Math.floor(sector / CHUNK_SECTORS));
    const i = sector % CHUNK_SECTORS;
    if (!chunk?.[i]) return;
    chunk[i] = 0;
    this.count -= 1;
  }

  deleteRange(sector: number, count: number): void {
    if (!this.count) return;
    for (let s = sector; s < sector + count; s += 1) this.delete(s);
  }

  *entries(): IterableIterator<[number, number]> {
    for (const [index, chunk] of this.chunks) {
      for (let i = 0; i < CHUNK_SECTORS; i += 1) if (chunk[i]) yield [index * CHUNK_SECTORS + i, chunk[i] - 1];
    }
  }

  private chunkFor(sector: number): Float64Array {
    const index = Math.floor(sector / CHUNK_SECTORS);
    let chunk = this.chunks.get(index);
    if (!chunk) {
      chunk = new Float64Array(CHUNK_SECTORS);
      this.chunks.set(index, chunk);
    }
    return chunk;
  }
}

export class ShadowModel {
  /** LV sector → id of the last acknowledged write covering it. */
  private readonly lastWrite = new SectorTable();

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
  private readonly external = new SectorTable();
  /** Sector hashes of client writes in doubt, by write id. */
  private readonly externalInDoubt = new Map<number, { sector: number; hashes: Uint32Array }>();

  recordWrite(writeId: number, sector: number, countSectors: number): void {
    this.lastWrite.setRange(sector, countSectors, writeId);
    this.clearInDoubt(sector, countSectors);
    this.external.deleteRange(sector, countSectors);
  }

  /** An acknowledged write of an export client: one hash per sector it wrote. */
  recordExternalWrite(writeId: number, sector: number, hashes: Uint32Array): void {
    this.lastWrite.setRange(sector, hashes.length, writeId);
    this.clearInDoubt(sector, hashes.length);
    this.external.setRange(sector, hashes.length, 0, hashes);
    if (this.externalInDoubt.size) this.externalInDoubt.delete(writeId);
  }

  /** An acknowledged write clears its sectors' doubts (the in-doubt map is almost always empty: skip it then). */
  private clearInDoubt(sector: number, countSectors: number): void {
    if (!this.inDoubt.size) return;
    for (let s = sector; s < sector + countSectors; s += 1) this.inDoubt.delete(s);
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
