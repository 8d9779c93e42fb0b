// Proves the volume-map geometry: runs become one rectangle each laid end to end across the
// bar (so a 100k-extent PV with few runs is few shapes), hit testing finds the run under a
// PE by binary search (checked against a linear scan on seeded random layouts), the ghost is
// where the plan puts the extents, and segments are laid out by LE; the maps and bars read as
// text list every run and segment; the LV finder matches names and says where they lie.
// (Colours: palette.test.ts.)
import { describe, expect, it, onTestFailed } from 'vitest';
import { SeededRandom } from '../../../app/base/clock';
import type { ExtentRun } from '../../../app/api/views';
import { describeLvBar, describePvMap, describeRun, foundLvs, foundText, landingRanges, lvLayoutText, peAtX, mapRects, peRangeSpec, runAt, runRects, segmentRects } from '../../../renderer/geometry/extentMap';

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

  it('draws a 4M-extent PV of 800 thin runs as at most one rectangle per unit of width, wide runs as themselves', () => {
    const peCount = 4_194_295;
    const runs: ExtentRun[] = Array.from({ length: 800 }, (_, i) => ({ startPe: i * 2684, count: 2684, lv: `lv${i}`, le: 0, moving: null }));
    runs.push({ startPe: 800 * 2684, count: peCount - 800 * 2684, lv: null, le: null, moving: null });
    const rects = mapRects({ peCount, runs }, 1000);
    expect(rects.length).toBeLessThanOrEqual(1000);
    const thin = rects.filter((r) => r.run.lv !== null);
    expect(new Set(thin.map((r) => r.x)).size).toBe(thin.length); // one per column
    expect(thin.length).toBeGreaterThan(500); // every column of the allocated half is drawn
    const free = rects.at(-1)!;
    expect(free.run.lv).toBeNull();
    expect(free.x).toBeCloseTo((800 * 2684 * 1000) / peCount);
    expect(free.x + free.width).toBeCloseTo(1000);
  });

  it('lets a found LV or a moving run stand for the column it shares with larger runs', () => {
    const runs: ExtentRun[] = [
      { startPe: 0, count: 50, lv: 'big', le: 0, moving: null },
      { startPe: 50, count: 2, lv: 'wanted', le: 0, moving: null },
      { startPe: 52, count: 48, lv: 'big2', le: 0, moving: null },
      { startPe: 100, count: 3, lv: 'mover', le: 0, moving: 'source' },
      { startPe: 103, count: 97, lv: 'big3', le: 0, moving: null },
      { startPe: 200, count: 999_800, lv: null, le: null, moving: null },
    ];
    const pv = { peCount: 1_000_000, runs };
    expect(mapRects(pv, 1000).map((r) => r.run.lv)).toEqual(['mover', null]);
    expect(mapRects(pv, 1000, new Set(['wanted'])).map((r) => r.run.lv)).toEqual(['wanted', null]);
    // Runs a unit wide or more are drawn exactly as runRects draws them.
    expect(mapRects({ peCount: 100, runs: runs.slice(0, 3) }, 1000)).toEqual(runRects({ peCount: 100, runs: runs.slice(0, 3) }, 1000));
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

describe('maps and bars in words (their text alternatives)', () => {
  const runs: ExtentRun[] = [
    { startPe: 0, count: 10, lv: 'lv0', le: 0, moving: null },
    { startPe: 10, count: 5, lv: 'lv1', le: 3, moving: 'source' },
    { startPe: 15, count: 85, lv: null, le: null, moving: null },
  ];

  it('list every run of a PV map with its LE and PE ranges, free space and the move mark', () => {
    expect(describePvMap({ name: 'pv2', peCount: 100, runs })).toBe('Extent map of pv2, 100 extents: lv0 LE 0-9 · PE 0-9; lv1 LE 3-7 · PE 10-14 · source of the move in progress; free · PE 15-99 (85 extents).');
  });

  it('sum up the runs past the fortieth', () => {
    const many: ExtentRun[] = Array.from({ length: 45 }, (_, i) => ({ startPe: i, count: 1, lv: `lv${i}`, le: 0, moving: null }));
    expect(describePvMap({ name: 'pv1', peCount: 45, runs: many })).toMatch(/lv39 LE 0-0 · PE 39-39; and 5 more runs\.$/);
  });

  it('list every segment of an LV bar and where it lives', () => {
    const seg = (index: number, startLe: number, count: number, target: string, start: number, kind: 'pv' | 'lv' = 'pv') => ({ index, startLe, count, type: 'striped', areas: [{ target, kind, start }], extentsMoved: null, regionSizeSectors: null, unmovableReason: null });
    expect(describeLvBar({ name: 'lv0', extentCount: 15, segments: [seg(1, 0, 6, 'pv1', 0), seg(2, 6, 9, 'pvmove0', 0, 'lv')] })).toBe('Segments of lv0, 15 extents: LE 0-5 on pv1 PE 0-5; LE 6-14 on pvmove0 LE 0-8.');
  });
});

describe('finding an LV', () => {
  const names = ['root', 'home', 'data01', 'data02'];
  it('matches any part of a name in any case, and nothing when the box is empty', () => {
    expect(foundLvs(names, '')).toBeNull();
    expect(foundLvs(names, '  ')).toBeNull();
    expect([...foundLvs(names, 'DATA')!]).toEqual(['data01', 'data02']);
    expect([...foundLvs(names, 'zzz')!]).toEqual([]);
  });

  it('says which LVs it found and on which PVs they lie', () => {
    const pvs = [{ name: 'pv1', runs: [{ startPe: 0, count: 1, lv: 'home', le: 0, moving: null }] }, { name: 'pv2', runs: [{ startPe: 0, count: 1, lv: 'data01', le: 0, moving: null }] }];
    expect(foundText(foundLvs(names, 'home'), pvs)).toBe('home on pv1');
    expect(foundText(foundLvs(names, 'data'), pvs)).toBe('2 LVs on pv2');
    expect(foundText(foundLvs(names, 'root'), pvs)).toBe('root on no PV');
    expect(foundText(foundLvs(names, 'x'), pvs)).toBe('no LV matches');
  });
});
