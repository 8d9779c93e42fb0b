// Proves the volume-map geometry: runs become one rectangle each laid end to end across the
// bar (so a 100k-extent PV with few runs is few shapes), hit testing finds the run under a
// PE by binary search (checked against a linear scan on seeded random layouts), the ghost is
// where the plan puts the extents, and segments are laid out by LE; LV colours (PV maps) and
// PV colours (LV bars, diagram) never coincide in a VG of up to 4 PVs and 5 LVs.
import { describe, expect, it, onTestFailed } from 'vitest';
import { SeededRandom } from '../../../app/base/clock';
import type { ExtentRun } from '../../../app/api/views';
import { colorMap, describeRun, landingRanges, LV_PALETTE, PV_PALETTE, lvLayoutText, peAtX, peRangeSpec, runAt, runRects, segmentRects } from '../../../renderer/geometry/extentMap';

function randomRuns(random: SeededRandom, peCount: number): ExtentRun[] {
  const runs: ExtentRun[] = [];
  for (let pe = 0; pe < peCount; ) {
    const count = Math.min(peCount - pe, 1 + Math.floor(random.next() * 50));
    const lv = random.next() < 0.3 ? null : `lv${Math.floor(random.next() * 5)}`;
    runs.push({ startPe: pe, count, lv, le: lv ? 0 : null, moving: null });
    pe += count;
  }
  return runs;
}

describe('PV extent map geometry', () => {
  it('lays runs end to end across the width, one rectangle per run', () => {
    const pv = { peCount: 100_000, runs: [{ startPe: 0, count: 60_000, lv: 'a', le: 0, moving: null }, { startPe: 60_000, count: 40_000, lv: null, le: null, moving: null }] as ExtentRun[] };
    const rects = runRects(pv, 1000);
    expect(rects).toHaveLength(2);
    expect(rects[0]).toMatchObject({ x: 0, width: 600 });
    expect(rects[1].x).toBeCloseTo(600);
    expect(rects[1].x + rects[1].width).toBeCloseTo(1000);
  });

  it('keeps a one-extent run visible as at least 1 px', () => {
    const pv = { peCount: 100_000, runs: [{ startPe: 0, count: 1, lv: 'a', le: 0, moving: null }, { startPe: 1, count: 99_999, lv: null, le: null, moving: null }] as ExtentRun[] };
    expect(runRects(pv, 1000)[0].width).toBe(1);
  });

  it('finds the run under any PE like a linear scan does (seeded random layouts)', () => {
    const seed = 20261121;
    onTestFailed(() => console.error(`seed ${seed}; replay: npx vitest run --project unit test/renderer/geometry/extentMap.test.ts`));
    const random = new SeededRandom(seed);
    for (let t = 0; t < 50; t += 1) {
      const peCount = 1 + Math.floor(random.next() * 5000);
      const pv = { peCount, runs: randomRuns(random, peCount) };
      for (let k = 0; k < 40; k += 1) {
        const pe = Math.floor(random.next() * peCount);
        expect(runAt(pv, pe)).toBe(pv.runs.find((r) => pe >= r.startPe && pe < r.startPe + r.count));
      }
      expect(runAt(pv, peCount)).toBeUndefined();
    }
  });

  it('maps a pointer position to a PE, clamped to the PV', () => {
    expect(peAtX({ peCount: 16 }, 0, 1000)).toBe(0);
    expect(peAtX({ peCount: 16 }, 999, 1000)).toBe(15);
    expect(peAtX({ peCount: 16 }, 1500, 1000)).toBe(15);
    expect(peAtX({ peCount: 16 }, 500, 1000)).toBe(8);
  });

  it('names PE ranges as pvmove does and describes runs for tooltips', () => {
    expect(peRangeSpec('pv2', { startPe: 0, count: 4 })).toBe('pv2:0-3');
    expect(peRangeSpec('pv2', { startPe: 7, count: 1 })).toBe('pv2:7');
    expect(describeRun('pv2', { startPe: 0, count: 4, lv: 'lv0', le: 6, moving: 'source' })).toBe('lv0 LE 6-9 · pv2 PE 0-3 · source of the move in progress');
    expect(describeRun('pv4', { startPe: 4, count: 12, lv: null, le: null, moving: null })).toBe('free · pv4 PE 4-15 (12 extents)');
  });

  it('puts the ghost where the plan lands extents on the hovered PV only', () => {
    const plan = { moves: [{ lv: 'lv0', startLe: 6, count: 4, fromPv: 'pv2', fromPe: 0, toPv: 'pv4', toPe: 0 }, { lv: 'lv1', startLe: 0, count: 2, fromPv: 'pv2', fromPe: 8, toPv: 'pv3', toPe: 5 }] };
    expect(landingRanges(plan, 'pv4')).toEqual([{ startPe: 0, count: 4 }]);
    expect(landingRanges(plan, 'pv3')).toEqual([{ startPe: 5, count: 2 }]);
    expect(landingRanges(plan, 'pv1')).toEqual([]);
  });

  it('lays out LV segments by LE with their PV and PE range', () => {
    const seg = (index: number, startLe: number, count: number, target: string, start: number, kind: 'pv' | 'lv' = 'pv') => ({ index, startLe, count, type: 'striped', areas: [{ target, kind, start }], extentsMoved: null, regionSizeSectors: null, unmovableReason: null });
    const lv = { extentCount: 15, segments: [seg(1, 0, 6, 'pv1', 0), seg(2, 6, 4, 'pvmove0', 0, 'lv'), seg(3, 10, 5, 'pv3', 0)] };
    const rects = segmentRects(lv, 1500);
    expect(rects.map((r) => [r.x, r.width, r.target])).toEqual([[0, 600, 'pv1'], [600, 400, 'pvmove0'], [1000, 500, 'pv3']]);
    expect(rects[0].peRange).toEqual({ startPe: 0, count: 6 });
    expect(rects[1].peRange).toBeNull();
    expect(lvLayoutText(lv)).toBe('pv1 | pvmove0 | pv3');
  });
});

describe('colours', () => {
  it('never give an LV the colour of a PV when there are at most 4 PVs and 5 LVs', () => {
    const pvs = colorMap(['pv1', 'pv2', 'pv3', 'pv4'], PV_PALETTE);
    const lvs = colorMap(['lv0', 'lv1', 'lv2', 'lv3', 'pvmove0'], LV_PALETTE);
    const pvColours = new Set(pvs.values());
    expect([...lvs.values()].filter((c) => pvColours.has(c))).toEqual([]);
    expect(new Set(lvs.values()).size).toBe(5);
  });
});
