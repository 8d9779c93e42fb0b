// Per-region copy state of a mirror (the region hash + core log of dm-raid1, reduced to what
// lvmscope shows): one byte per region, ascending search for the next region to recover, and
// run-length ranges for the UI so a million regions never become a million events.

import { assert } from '../base/assert';

export type RegionState = 'not-copied' | 'copying' | 'copied';

/** `count` consecutive regions starting at `start`, all in `state`. */
export interface RegionRange {
  readonly start: number;
  readonly count: number;
  readonly state: RegionState;
}

const STATES: readonly RegionState[] = ['not-copied', 'copying', 'copied'];
const CODE: Record<RegionState, number> = { 'not-copied': 0, copying: 1, copied: 2 };

export class RegionMap {
  private readonly codes: Uint8Array;
  private copiedCount: number;

  constructor(
    readonly nrRegions: number,
    initial: RegionState,
  ) {
    this.codes = new Uint8Array(nrRegions).fill(CODE[initial]);
    this.copiedCount = initial === 'copied' ? nrRegions : 0;
  }

  get inSyncRegions(): number {
    return this.copiedCount;
  }

  get(region: number): RegionState {
    assert(region >= 0 && region < this.nrRegions, `region ${region} out of range`);
    return STATES[this.codes[region]];
  }

  set(region: number, state: RegionState): void {
    const before = this.codes[region];
    const after = CODE[state];
    if (before === after) return;
    if (before === CODE.copied) this.copiedCount -= 1;
    if (after === CODE.copied) this.copiedCount += 1;
    this.codes[region] = after;
  }

  /** The first region at or after `from` in `state`, or -1. */
  next(from: number, state: RegionState): number {
    const code = CODE[state];
    for (let r = Math.max(0, from); r < this.nrRegions; r++) if (this.codes[r] === code) return r;
    return -1;
  }

  /** The whole map as runs of one state. */
  ranges(): RegionRange[] {
    const out: RegionRange[] = [];
    let start = 0;
    for (let r = 1; r <= this.nrRegions; r++) {
      if (r === this.nrRegions || this.codes[r] !== this.codes[start]) {
        out.push({ start, count: r - start, state: STATES[this.codes[start]] });
        start = r;
      }
    }
    return out;
  }
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
