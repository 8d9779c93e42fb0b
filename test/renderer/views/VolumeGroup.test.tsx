// @vitest-environment happy-dom
// Proves the volume group panel stays small for a big VG: with 10,000 LVs the LV list holds
// only the rows around its scroll position (in a box as tall as all rows, so scrolling still
// reaches every LV), the legend names its first LVs and counts the rest, and the find box
// brings a far LV's row into the list. A small VG keeps every row, as before. With 64 PVs only
// the maps in view draw their runs (an IntersectionObserver the test drives says which).

import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExtentRun, LvView, WorkspaceView } from '../../../app/api/views';
import { createAppStore } from '../../../renderer/store';
import { StoreContext } from '../../../renderer/storeContext';
import { freeText, LEGEND_MAX_LVS, LV_ROW_STRIDE_PX, VolumeGroup } from '../../../renderer/views/VolumeGroup';

afterEach(cleanup);

/** A VG of `lvCount` one-segment LVs laid end to end on one PV. */
function bigView(lvCount: number): WorkspaceView {
  const lvs: LvView[] = Array.from({ length: lvCount }, (_, i) => ({
    name: `lv${i}`,
    uuid: `u${i}`,
    status: ['READ', 'WRITE', 'VISIBLE'],
    hidden: false,
    locked: false,
    extentCount: 4,
    sizeBytes: 4 * 4 * 2 ** 20,
    segments: [{ index: 1, startLe: 0, count: 4, type: 'linear', areas: [{ target: 'pv01', kind: 'pv', start: i * 4 }], extentsMoved: null, regionSizeSectors: null, unmovableReason: null }],
    dmName: `vg-lv${i}`,
  }));
  const runs: ExtentRun[] = lvs.map((lv, i) => ({ startPe: i * 4, count: 4, lv: lv.name, le: 0, moving: null }));
  const peCount = lvCount * 8;
  runs.push({ startPe: lvCount * 4, count: lvCount * 4, lv: null, le: null, moving: null });
  const pv = { name: 'pv01', image: 'pv01.img', pvSection: 'pv0', uuid: 'p', devno: '7:0', sizeBytes: peCount * 4 * 2 ** 20, peStartSectors: 2048, peCount, allocatedCount: lvCount * 4, allocatable: true, missing: false, runs };
  return {
    path: '/ws',
    images: [{ name: 'pv01.img', sizeBytes: pv.sizeBytes, devno: '7:0', role: 'pv' }],
    vgs: [{ name: 'vg', uuid: 'v', seqno: 1, extentSizeSectors: 8192, peCount, freeCount: lvCount * 4, sizeBytes: pv.sizeBytes, freeBytes: pv.sizeBytes / 2, status: [], readOnlyReason: null, pvs: [pv], lvs, moveInProgress: null }],
    problems: [],
  };
}

function renderVg(view: WorkspaceView) {
  const store = createAppStore();
  store.getState().setWorkspaceView(view);
  render(
    <StoreContext.Provider value={store}>
      <VolumeGroup />
    </StoreContext.Provider>,
  );
}

const rowNames = () => screen.queryAllByTestId(/^lv-row-/).map((r) => r.getAttribute('data-testid')!.replace('lv-row-', ''));

describe('the volume group panel with 10,000 LVs', () => {
  it('keeps only the rows around the scroll position in the DOM, in a box as tall as every row', () => {
    renderVg(bigView(10_000));
    const list = screen.getByTestId('lv-rows');
    expect(rowNames().length).toBeLessThanOrEqual(40);
    expect(rowNames()[0]).toBe('lv0');
    expect((list.firstElementChild as HTMLElement).style.height).toBe(`${10_000 * LV_ROW_STRIDE_PX}px`);
    act(() => {
      list.scrollTop = 5000 * LV_ROW_STRIDE_PX;
      fireEvent.scroll(list);
    });
    expect(rowNames()).toContain('lv5000');
    expect(rowNames()).not.toContain('lv0');
    expect(rowNames().length).toBeLessThanOrEqual(40);
  });

  it('names the first LVs in the legend and counts the others', () => {
    renderVg(bigView(10_000));
    expect(screen.getByTestId('lv-legend').querySelectorAll('li[data-lv]')).toHaveLength(LEGEND_MAX_LVS);
    expect(screen.getByTestId('legend-more').textContent).toBe(`and ${(10_000 - LEGEND_MAX_LVS).toLocaleString('en-US')} more LVs (find one by name below)`);
  });

  it('brings the row of an LV found by name into the list and says where it lies', () => {
    renderVg(bigView(10_000));
    act(() => void fireEvent.change(screen.getByTestId('lv-find'), { target: { value: 'lv7777' } }));
    expect(screen.getByTestId('lv-find-result').textContent).toBe('lv7777 on pv01');
    expect(screen.getByTestId('lv-row-lv7777').className).toContain('found');
    expect(screen.getByTestId('lv-rows').scrollTop).toBe(7777 * LV_ROW_STRIDE_PX);
    // The suggestions are the matches, not 10,000 options.
    expect(document.querySelectorAll('#lv-find-names option')).toHaveLength(1);
  });
});

describe('the volume group panel with a few LVs', () => {
  it('keeps every row in the DOM', () => {
    renderVg(bigView(34));
    expect(rowNames()).toHaveLength(34);
    expect(screen.queryByTestId('legend-more')).toBeNull();
  });
});

/** A VG of `pvCount` PVs with one 4-extent LV on each (the extra runs a map draws). */
function manyPvs(pvCount: number): WorkspaceView {
  const view = bigView(pvCount);
  const vg = view.vgs[0];
  const template = vg.pvs[0];
  vg.pvs = vg.lvs.map((lv, i) => {
    const name = `pv${String(i + 1).padStart(2, '0')}`;
    lv.segments[0].areas[0] = { target: name, kind: 'pv', start: 0 };
    return { ...template, name, image: `${name}.img`, peCount: 8, allocatedCount: 4, runs: [{ startPe: 0, count: 4, lv: lv.name, le: 0, moving: null }, { startPe: 4, count: 4, lv: null, le: null, moving: null }] };
  });
  return view;
}

/** An IntersectionObserver the test drives: `show(names)` reports those rows in view and the others out of it. */
function fakeIntersections() {
  const observers: Array<{ callback: IntersectionObserverCallback; rows: Element[] }> = [];
  class FakeObserver {
    rows: Element[] = [];
    constructor(callback: IntersectionObserverCallback) {
      observers.push({ callback, rows: this.rows });
    }
    observe(row: Element) {
      this.rows.push(row);
    }
    disconnect() {}
  }
  const saved = globalThis.IntersectionObserver;
  globalThis.IntersectionObserver = FakeObserver as unknown as typeof IntersectionObserver;
  return {
    show(names: string[]) {
      const o = observers.at(-1)!;
      act(() => o.callback(o.rows.map((target) => ({ target, isIntersecting: names.includes((target as HTMLElement).dataset.dropPv ?? '') }) as IntersectionObserverEntry), {} as IntersectionObserver));
    },
    restore: () => void (globalThis.IntersectionObserver = saved),
  };
}

/** The PVs whose map draws its runs. */
const drawnMaps = () => screen.queryAllByTestId(/^pv-map-pv\d+$/).filter((m) => m.querySelector('rect.run')).map((m) => m.getAttribute('data-testid')!.replace('pv-map-', ''));

describe('the volume group panel with 64 PVs', () => {
  it('draws the runs of the rows in view only, and of a row as it scrolls into view, keeping every row as a drop target and keyboard control', () => {
    const io = fakeIntersections();
    try {
      renderVg(manyPvs(64));
      expect(screen.queryAllByTestId(/^pv-row-/)).toHaveLength(64);
      expect(screen.queryAllByTestId(/^pv-keys-/)).toHaveLength(64);
      expect(drawnMaps().length).toBeLessThan(20); // what fits the pane before it is measured
      io.show(['pv30', 'pv31', 'pv32']);
      expect(drawnMaps()).toEqual(['pv30', 'pv31', 'pv32']);
      // A map out of view still says what it holds to a screen reader.
      expect(screen.getByTestId('pv-map-pv01').getAttribute('aria-label')).toBe('Extent map of pv01, 8 extents: lv0 LE 0-3 · PE 0-3; free · PE 4-7 (4 extents).');
    } finally {
      io.restore();
    }
  });

  it('draws every map of a VG with a few PVs', () => {
    const io = fakeIntersections();
    try {
      renderVg(manyPvs(8));
      expect(drawnMaps()).toHaveLength(8);
    } finally {
      io.restore();
    }
  });
});

describe('the free space under a PV name', () => {
  it('counts free extents, and for a PV of millions of extents gives the percent free so the label still fits', () => {
    expect(freeText(3, 15)).toBe('3 free');
    expect(freeText(2_095_407, 4_194_295)).toBe('49% free');
  });
});
