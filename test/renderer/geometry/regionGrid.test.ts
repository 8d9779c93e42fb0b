// Proves the region grid geometry: the grid fits its box; when regions outnumber the cells,
// cells aggregate them and show exactly the fraction copied and copying (checked region by
// region at several zoom levels, down to one region per cell); filling the cells costs at
// most cells + runs, whatever the number of regions; zooming and panning stay in the mirror.
import { describe, expect, it, onTestFailed } from 'vitest';
import { SeededRandom } from '../../../app/base/clock';
import type { RegionRun } from '../../../app/api/move';
import {
  cellAt,
  cellGrid,
  cellOf,
  cellRect,
  cellRegions,
  cellStates,
  clampWindow,
  copiedCount,
  describeCell,
  describeRegionGrid,
  describeWindow,
  gridLayout,
  maxCells,
  MIN_WINDOW,
  panWindow,
  ZOOM_STEP,
  zoomWindow,
  type CellGrid,
  type RegionWindow,
} from '../../../renderer/geometry/regionGrid';

describe('region grid geometry', () => {
  it('fits 64 and 65 536 regions in the box', () => {
    for (const n of [1, 8, 64, 65_536]) {
      const g = gridLayout(n, 600, 120);
      expect(g.cols * g.rows).toBeGreaterThanOrEqual(n);
      expect(g.rows * g.cellHeight).toBeLessThanOrEqual(120 + 1e-6);
      expect(g.cols * g.cellWidth).toBeCloseTo(600);
      const last = cellRect(g, n - 1);
      expect(last.y + last.height).toBeLessThanOrEqual(120 + 1e-6);
    }
  });

  it('counts copied regions from the runs', () => {
    const runs = [{ start: 0, count: 30, state: 'copied' as const }, { start: 30, count: 1, state: 'copying' as const }, { start: 31, count: 33, state: 'pending' as const }];
    expect(copiedCount(runs)).toBe(30);
  });
});

/** The fractions a cell should show, region by region (the slow, obvious way). */
function expectedFractions(grid: CellGrid, states: readonly string[]) {
  return Array.from({ length: grid.cells }, (_, cell) => {
    const { start, count } = cellRegions(grid, cell);
    const slice = states.slice(start, start + count);
    return { copied: slice.filter((s) => s === 'copied').length / count, copying: slice.filter((s) => s === 'copying').length / count };
  });
}

function runsOf(states: readonly RegionRun['state'][]): RegionRun[] {
  const runs: RegionRun[] = [];
  states.forEach((state, r) => {
    const last = runs[runs.length - 1];
    if (last && last.state === state) last.count += 1;
    else runs.push({ start: r, count: 1, state });
  });
  return runs;
}

describe('region cells: aggregated when regions outnumber the pixels, exact at every zoom level', () => {
  it('shows each cell\'s fraction copied and copying exactly, at the whole view and at several zoom levels down to one region per cell', () => {
    const seed = 2020;
    onTestFailed(() => console.error(`seed ${seed}; replay: npx vitest run --project unit test/renderer/geometry/regionGrid.test.ts`));
    const random = new SeededRandom(seed);
    const total = 50_000;
    // A copy in order up to 30 000, a copying window, and scattered regions copied ahead (held writes).
    const states: RegionRun['state'][] = Array.from({ length: total }, (_, r) => (r < 30_000 ? 'copied' : r < 30_008 ? 'copying' : 'pending'));
    for (let i = 0; i < 300; i++) states[30_008 + random.int(total - 30_008)] = random.next() < 0.5 ? 'copied' : 'copying';
    const runs = runsOf(states);
    let window: RegionWindow = { start: 0, count: total };
    const seen: number[] = [];
    for (let level = 0; level < 8; level++) {
      const grid = cellGrid(total, 480, 100, window);
      seen.push(grid.perCell);
      expect(grid.cells).toBe(Math.ceil(grid.window.count / grid.perCell));
      expect(grid.cells).toBeLessThanOrEqual(maxCells(480, 100));
      expect(grid.layout.cols * grid.layout.rows).toBeGreaterThanOrEqual(grid.cells);
      const got = cellStates(grid, runs);
      const want = expectedFractions(grid, states);
      for (let cell = 0; cell < grid.cells; cell++) {
        expect(got.copied[cell], `copied in cell ${cell} at ${grid.perCell} per cell`).toBeCloseTo(want[cell].copied, 5);
        expect(got.copying[cell], `copying in cell ${cell} at ${grid.perCell} per cell`).toBeCloseTo(want[cell].copying, 5);
      }
      // Zoom in around the edge of the copy, where the states mix.
      window = zoomWindow(grid.window, total, ZOOM_STEP, 30_004);
    }
    expect(seen[0]).toBe(Math.ceil(total / maxCells(480, 100)));
    expect(seen.at(-1)).toBe(1);
    const full = cellGrid(total, 480, 100, window);
    expect(full.perCell).toBe(1);
    expect(cellRegions(full, cellOf(full, 30_004))).toEqual({ start: 30_004, count: 1 });
  });

  it('touches at most cells + runs per update, as many for 2,097,152 regions as for 65,536', () => {
    const touched = [65_536, 2_097_152].map((total) => {
      const runs: RegionRun[] = [
        { start: 0, count: total / 2, state: 'copied' },
        { start: total / 2, count: 8, state: 'copying' },
        { start: total / 2 + 8, count: total / 4, state: 'pending' },
        { start: (3 * total) / 4 + 8, count: 1, state: 'copied' },
        { start: (3 * total) / 4 + 9, count: total / 4 - 9, state: 'pending' },
      ];
      const grid = cellGrid(total, 600, 120);
      const { touched: n } = cellStates(grid, runs);
      expect(n).toBeLessThanOrEqual(grid.cells + runs.length);
      return { cells: grid.cells, n };
    });
    // The cells are what fits the box, whatever the region count (rounding aside).
    for (const t of touched) expect(t.cells).toBeLessThanOrEqual(maxCells(600, 120));
    expect(touched[1].n).toBeLessThanOrEqual(maxCells(600, 120) + 5);
    expect(Math.abs(touched[1].n - touched[0].n)).toBeLessThan(maxCells(600, 120) * 0.1);
  });

  it('zooms around an anchor that keeps its place, pans, and never leaves the mirror', () => {
    const total = 2_097_152;
    const zoomed = zoomWindow({ start: 0, count: total }, total, 4, total / 2);
    expect(zoomed).toEqual({ start: (3 * total) / 8, count: total / 4 });
    expect(zoomWindow(zoomed, total, 1 / 4, total / 2)).toEqual({ start: 0, count: total });
    expect(panWindow(zoomed, total, 10)).toEqual({ start: total - total / 4, count: total / 4 });
    expect(panWindow(zoomed, total, -10)).toEqual({ start: 0, count: total / 4 });
    expect(zoomWindow({ start: 100, count: 20 }, total, 4).count).toBe(MIN_WINDOW);
    expect(clampWindow({ start: 5, count: 1000 }, 64)).toEqual({ start: 0, count: 64 });
  });

  it('finds the cell under a point and says what it holds', () => {
    const total = 2_097_152;
    const runs: RegionRun[] = [{ start: 0, count: 1000, state: 'copied' }, { start: 1000, count: total - 1000, state: 'pending' }];
    const grid = cellGrid(total, 600, 120);
    expect(cellAt(grid, 1, 1)).toBe(0);
    expect(cellAt(grid, -1, 1)).toBe(-1);
    expect(describeCell(grid, 0, runs, [5])).toBe(`Regions 0–${grid.perCell - 1}: ${grid.perCell} of ${grid.perCell} copied (100%); a write is held here until its region is copied.`);
    const one = cellGrid(total, 600, 120, { start: 990, count: 20 });
    expect(describeCell(one, 10, runs, [])).toBe('Region 1,000: not copied.');
    expect(describeWindow(one)).toBe('regions 990–1,009 of 2,097,152, one per cell');
    expect(describeWindow(grid)).toBe(`all 2,097,152 regions, ${grid.perCell.toLocaleString('en-US')} per cell`);
  });
});

describe('the region grid in words (its text alternative)', () => {
  it('says how many regions are copied and copying, and which wait with a write held', () => {
    const regions = [{ start: 0, count: 10, state: 'copied' as const }, { start: 10, count: 1, state: 'copying' as const }, { start: 11, count: 53, state: 'pending' as const }];
    expect(describeRegionGrid({ regionsTotal: 64, regionsCopied: 10, regions, intercepted: [] })).toBe('Region grid of the mirror: 10 of 64 regions copied, 1 copying.');
    expect(describeRegionGrid({ regionsTotal: 64, regionsCopied: 10, regions, intercepted: [40] })).toBe('Region grid of the mirror: 10 of 64 regions copied, 1 copying; a write is held until region 40 is copied.');
    expect(describeRegionGrid({ regionsTotal: 64, regionsCopied: 10, regions, intercepted: [40, 41] })).toMatch(/writes are held until 2 regions are copied\.$/);
    expect(describeRegionGrid(null)).toBe('Region grid: no mirror is copying.');
  });
});
