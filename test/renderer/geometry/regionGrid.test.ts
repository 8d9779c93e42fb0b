// Proves the region grid geometry: the grid fits its box, every region has a cell inside it,
// and a run of regions is covered by at most three rectangles whose area equals exactly the
// run's cells (checked cell by cell on seeded random runs), so drawing cost follows runs.
import { describe, expect, it, onTestFailed } from 'vitest';
import { SeededRandom } from '../../../app/base/clock';
import { cellRect, copiedCount, describeRegionGrid, gridLayout, regionRects, spanRects, type Rect } from '../../../renderer/geometry/regionGrid';

const inside = (r: Rect, x: number, y: number) => x >= r.x && x < r.x + r.width + 1e-9 && y >= r.y && y < r.y + r.height + 1e-9;

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

  it('covers any run with at most three rectangles holding exactly its cells', () => {
    const seed = 77;
    onTestFailed(() => console.error(`seed ${seed}; replay: npx vitest run --project unit test/renderer/geometry/regionGrid.test.ts`));
    const random = new SeededRandom(seed);
    for (let t = 0; t < 200; t += 1) {
      const n = 1 + Math.floor(random.next() * 500);
      const g = { ...gridLayout(n, 300 + random.next() * 400, 80 + random.next() * 100), gap: 0 };
      const start = Math.floor(random.next() * n);
      const count = 1 + Math.floor(random.next() * (n - start));
      const rects = spanRects(g, start, count);
      expect(rects.length).toBeLessThanOrEqual(3);
      for (let region = 0; region < n; region += 1) {
        const c = cellRect(g, region);
        const centre = [c.x + g.cellWidth / 2, c.y + g.cellHeight / 2] as const;
        const covered = rects.some((r) => inside(r, ...centre));
        expect(covered, `region ${region} of run ${start}+${count} in ${n}`).toBe(region >= start && region < start + count);
      }
    }
  });

  it('sorts rectangles by state and counts copied regions', () => {
    const runs = [{ start: 0, count: 30, state: 'copied' as const }, { start: 30, count: 1, state: 'copying' as const }, { start: 31, count: 33, state: 'pending' as const }];
    const rects = regionRects(gridLayout(64, 400, 100), runs);
    expect(rects.copying).toHaveLength(1);
    expect(rects.copied.length).toBeGreaterThan(0);
    expect(copiedCount(runs)).toBe(30);
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
