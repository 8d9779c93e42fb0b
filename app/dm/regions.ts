// Per-region copy state of a mirror (the region hash + core log of dm-raid1, reduced to what
// lvmscope shows): two bits per region (a copied bitset, as dm-log's sync bits, and a copying
// bitset), so a 2,097,152-region mirror holds 512 KiB, not two million objects. Searches and
// the run-length view skip whole 32-region words that are all one state, so a mirror copied in
// order is a few runs found in a pass over words, never a pass over regions.

import { assert } from '../base/assert';

export type RegionState = 'not-copied' | 'copying' | 'copied';

/** `count` consecutive regions starting at `start`, all in `state`. */
export interface RegionRange {
  readonly start: number;
  readonly count: number;
  readonly state: RegionState;
}

const FULL = 0xffffffff;

export class RegionMap {
  /** Bit r set: region r is copied (in sync). */
  private readonly copied: Uint32Array;
  /** Bit r set: region r is being copied now (never together with its copied bit). */
  private readonly copying: Uint32Array;
  private copiedCount: number;

  constructor(
    readonly nrRegions: number,
    initial: RegionState,
  ) {
    const words = Math.ceil(nrRegions / 32);
    this.copied = new Uint32Array(words);
    this.copying = new Uint32Array(words);
    if (initial !== 'not-copied') this.fillAll(initial === 'copied' ? this.copied : this.copying);
    this.copiedCount = initial === 'copied' ? nrRegions : 0;
  }

  /** Bytes the two bitsets hold (the memory bench reports it beside the heap it measures). */
  get bytes(): number {
    return this.copied.byteLength + this.copying.byteLength;
  }

  get inSyncRegions(): number {
    return this.copiedCount;
  }

  get(region: number): RegionState {
    assert(region >= 0 && region < this.nrRegions, `region ${region} out of range`);
    return stateAt(this.copied[region >>> 5], this.copying[region >>> 5], 1 << (region & 31));
  }

  set(region: number, state: RegionState): void {
    const w = region >>> 5;
    const bit = 1 << (region & 31);
    const wasCopied = (this.copied[w] & bit) !== 0;
    if (wasCopied !== (state === 'copied')) this.copiedCount += wasCopied ? -1 : 1;
    this.copied[w] = state === 'copied' ? this.copied[w] | bit : this.copied[w] & ~bit;
    this.copying[w] = state === 'copying' ? this.copying[w] | bit : this.copying[w] & ~bit;
  }

  /** The first region at or after `from` in `state`, or -1 (whole words of other states are skipped). */
  next(from: number, state: RegionState): number {
    let r = Math.max(0, from);
    while (r < this.nrRegions) {
      const w = r >>> 5;
      const mask = this.wordOf(w, state) >>> (r & 31);
      if (mask !== 0) {
        const found = r + ctz(mask);
        return found < this.nrRegions ? found : -1;
      }
      r = (w + 1) * 32;
    }
    return -1;
  }

  /** The whole map as runs of one state, in order. */
  ranges(): RegionRange[] {
    const out: RegionRange[] = [];
    let runState: RegionState = this.get(0);
    let runStart = 0;
    const words = this.copied.length;
    for (let w = 0; w < words; w++) {
      const c = this.copied[w];
      const k = this.copying[w];
      // A word of 32 regions in the run's state continues the run without looking at bits.
      if (isUniform(c, k, runState) && (w + 1) * 32 <= this.nrRegions) continue;
      const end = Math.min(this.nrRegions, (w + 1) * 32);
      for (let r = w * 32; r < end; r++) {
        const s = stateAt(c, k, 1 << (r & 31));
        if (s === runState) continue;
        out.push({ start: runStart, count: r - runStart, state: runState });
        runStart = r;
        runState = s;
      }
    }
    out.push({ start: runStart, count: this.nrRegions - runStart, state: runState });
    return out;
  }

  /** The word of bit set to 1 where a region is in `state`. */
  private wordOf(w: number, state: RegionState): number {
    if (state === 'copied') return this.copied[w];
    if (state === 'copying') return this.copying[w];
    return ~(this.copied[w] | this.copying[w]);
  }

  private fillAll(bits: Uint32Array): void {
    bits.fill(FULL);
    const tail = this.nrRegions & 31;
    // Bits past the last region stay clear, so counts and searches never see them.
    if (tail !== 0) bits[bits.length - 1] = (1 << tail) - 1;
  }
}

function stateAt(copiedWord: number, copyingWord: number, bit: number): RegionState {
  if (copiedWord & bit) return 'copied';
  return copyingWord & bit ? 'copying' : 'not-copied';
}

function isUniform(copiedWord: number, copyingWord: number, state: RegionState): boolean {
  if (state === 'copied') return copiedWord === FULL;
  if (state === 'copying') return copyingWord === FULL;
  return copiedWord === 0 && copyingWord === 0;
}

/** Trailing zero bits of a non-zero 32-bit word. */
function ctz(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/** Groups sorted region numbers into runs of consecutive regions with the same label. */
export function runsOf(sortedRegions: readonly number[], stateOf: (region: number) => RegionState): RegionRange[] {
  const out: RegionRange[] = [];
  let i = 0;
  while (i < sortedRegions.length) {
    const start = sortedRegions[i];
    const state = stateOf(start);
    let j = i + 1;
    while (j < sortedRegions.length && sortedRegions[j] === start + (j - i) && stateOf(sortedRegions[j]) === state) j++;
    out.push({ start, count: j - i, state });
    i = j;
  }
  return out;
}
