// Proves the geometry of the extent ruler and of a PE range drawn on a map: the span is placed
// by extent, exactly (never widened to the runs it touches), marks go on every extent boundary
// while extents are at least MIN_PX_PER_MARK wide and on round numbers only after that (so a
// 100k-extent PV still gets a handful of marks), PE 0 is always numbered, and the part of a
// range inside a segment is their overlap.
import { describe, expect, it } from 'vitest';
import { MIN_PX_PER_MARK, overlapOf, rulerTicks, spanBox } from '../../../renderer/geometry/extentMap';

describe('the extent ruler', () => {
  it('places a PE range by extent, starting and ending where its extents do', () => {
    expect(spanBox({ startPe: 2, count: 3 }, 15, 1500)).toEqual({ x: 200, width: 300 });
    expect(spanBox({ startPe: 0, count: 1 }, 100_000, 1000).width).toBe(1); // never thinner than a pixel
  });

  it('marks every extent boundary of a small PV and numbers round PEs from 0', () => {
    const ticks = rulerTicks(15, 1000, 8);
    expect(ticks.map((t) => t.pe)).toEqual(Array.from({ length: 16 }, (_, i) => i));
    expect(ticks.filter((t) => t.labelled).map((t) => t.pe)).toEqual([0, 2, 4, 6, 8, 10, 12, 14]);
    expect(ticks[15].x).toBe(1000);
  });

  it('marks round numbers only once extents get narrower than the minimum', () => {
    const ticks = rulerTicks(100_000, 1000, 8);
    expect(1000 / 100_000).toBeLessThan(MIN_PX_PER_MARK);
    expect(ticks.length).toBeLessThan(20);
    expect(ticks[0]).toEqual({ pe: 0, x: 0, labelled: true });
    expect(ticks.at(-1)).toEqual({ pe: 100_000, x: 1000, labelled: false });
    expect(ticks.filter((t) => t.labelled).every((t) => t.pe % 10_000 === 0)).toBe(true);
  });

  it('draws nothing for an empty PV or bar', () => {
    expect([rulerTicks(0, 1000), rulerTicks(10, 0)]).toEqual([[], []]);
  });

  it('finds the part of a range inside a segment, or none when they do not touch', () => {
    expect(overlapOf({ startPe: 0, count: 5 }, { startPe: 2, count: 6 })).toEqual({ startPe: 2, count: 3 });
    expect(overlapOf({ startPe: 0, count: 5 }, { startPe: 5, count: 2 })).toBeNull();
  });
});
