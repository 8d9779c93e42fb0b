// The mirror's region map as bitsets: states, counts, searches and runs agree with a plain
// array model; whole words are skipped; 2,097,152 regions fit in 512 KiB.
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../app/base/clock';
import { RegionMap, type RegionState } from '../../../app/dm/regions';

const STATES: RegionState[] = ['not-copied', 'copying', 'copied'];

function modelRanges(model: RegionState[]) {
  const out: { start: number; count: number; state: RegionState }[] = [];
  model.forEach((state, r) => {
    const last = out[out.length - 1];
    if (last && last.state === state) last.count += 1;
    else out.push({ start: r, count: 1, state });
  });
  return out;
}

describe('RegionMap', () => {
  it('agrees with a plain array on states, the in-sync count, searches and runs after random changes', () => {
    for (const n of [1, 31, 32, 33, 100, 1000]) {
      const random = new SeededRandom(n);
      const map = new RegionMap(n, 'not-copied');
      const model: RegionState[] = Array.from({ length: n }, () => 'not-copied');
      for (let i = 0; i < n * 3; i++) {
        // Runs of one state, as a copy in order makes them, with some scattered changes.
        const start = random.int(n);
        const count = 1 + random.int(Math.min(40, n - start));
        const state = STATES[random.int(3)];
        for (let r = start; r < start + count; r++) {
          map.set(r, state);
          model[r] = state;
        }
      }
      expect(model.map((_, r) => map.get(r))).toEqual(model);
      expect(map.inSyncRegions).toBe(model.filter((s) => s === 'copied').length);
      expect(map.ranges()).toEqual(modelRanges(model));
      for (const state of STATES) for (let from = 0; from < n; from += 7) expect(map.next(from, state), `${state} from ${from} of ${n}`).toBe(model.indexOf(state, from));
    }
  });

  it('starts all copied or all not copied, with no state past the last region', () => {
    expect(new RegionMap(70, 'copied').ranges()).toEqual([{ start: 0, count: 70, state: 'copied' }]);
    expect(new RegionMap(70, 'copied').next(0, 'not-copied')).toBe(-1);
    expect(new RegionMap(70, 'copied').inSyncRegions).toBe(70);
    expect(new RegionMap(70, 'not-copied').next(65, 'copied')).toBe(-1);
    expect(new RegionMap(70, 'not-copied').ranges()).toEqual([{ start: 0, count: 70, state: 'not-copied' }]);
  });

  it('holds 2,097,152 regions in two bits each and reports a copy in order as three runs', () => {
    const n = 2_097_152;
    const map = new RegionMap(n, 'not-copied');
    expect(map.bytes).toBe(n / 4);
    for (let r = 0; r < 1_000_000; r++) map.set(r, 'copied');
    for (let r = 1_000_000; r < 1_000_008; r++) map.set(r, 'copying');
    expect(map.ranges()).toEqual([
      { start: 0, count: 1_000_000, state: 'copied' },
      { start: 1_000_000, count: 8, state: 'copying' },
      { start: 1_000_008, count: n - 1_000_008, state: 'not-copied' },
    ]);
    expect(map.next(0, 'not-copied')).toBe(1_000_008);
    expect(map.inSyncRegions).toBe(1_000_000);
  });
});
