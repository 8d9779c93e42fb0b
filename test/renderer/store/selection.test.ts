// Proves what a selection means: the pvmove request a drop makes from an LV segment, a PE
// range and a whole PV; the labels the UI shows (a range with its count); which runs it
// highlights everywhere, and that a PE range is drawn by its exact span instead.
import { describe, expect, it } from 'vitest';
import { isSelected, requestFor, selectedSpan, selectionLabel, selectionOfRun } from '../../../renderer/store/selection';

describe('selections', () => {
  it('turn into the request pvmove would get', () => {
    expect(requestFor({ kind: 'segment', lv: 'lv0', pv: 'pv2', startPe: 0, count: 4 }, 'vg0', 'pv4')).toEqual({ vg: 'vg0', sources: ['pv2:0-3'], destinations: ['pv4'], lv: 'lv0' });
    expect(requestFor({ kind: 'range', pv: 'pv2', startPe: 2, count: 1 }, 'vg0', 'pv4')).toEqual({ vg: 'vg0', sources: ['pv2:2'], destinations: ['pv4'] });
    expect(requestFor({ kind: 'pv', pv: 'pv2' }, 'vg0', 'pv4')).toEqual({ vg: 'vg0', sources: ['pv2'], destinations: ['pv4'] });
  });

  it('are named for people', () => {
    expect(selectionLabel({ kind: 'segment', lv: 'lv0', pv: 'pv2', startPe: 0, count: 4 })).toBe('lv0 on pv2:0-3');
    expect(selectionLabel({ kind: 'pv', pv: 'pv3' })).toBe('all of pv3');
    expect([selectionLabel({ kind: 'range', pv: 'pv3', startPe: 2, count: 3 }), selectionLabel({ kind: 'range', pv: 'pv3', startPe: 7, count: 1 })]).toEqual(['pv3:2-4 (3 extents)', 'pv3:7 (1 extent)']);
  });

  it('draw a PE range by its exact span, never by outlining the whole runs it touches', () => {
    const range = { kind: 'range' as const, pv: 'pv3', startPe: 2, count: 3 };
    expect(isSelected(range, 'pv3', 0, 5, 'lv0')).toBe(false);
    expect(selectedSpan(range, 'pv3')).toEqual({ startPe: 2, count: 3 });
    expect([selectedSpan(range, 'pv2'), selectedSpan({ kind: 'pv', pv: 'pv3' }, 'pv3'), selectedSpan(null, 'pv3')]).toEqual([null, null, null]);
  });

  it('highlight overlapping runs of the same LV on the same PV only', () => {
    const seg = { kind: 'segment' as const, lv: 'lv0', pv: 'pv2', startPe: 0, count: 4 };
    expect(isSelected(seg, 'pv2', 2, 10, 'lv0')).toBe(true);
    expect(isSelected(seg, 'pv2', 4, 10, 'lv0')).toBe(false);
    expect(isSelected(seg, 'pv2', 0, 4, 'lv1')).toBe(false);
    expect(isSelected(seg, 'pv1', 0, 4, 'lv0')).toBe(false);
    expect(isSelected({ kind: 'pv', pv: 'pv2' }, 'pv2', 9, 1, null)).toBe(true);
    expect(isSelected(null, 'pv2', 0, 1, 'lv0')).toBe(false);
  });

  it('of a run is its LV segment, or a free range', () => {
    expect(selectionOfRun('pv2', { startPe: 0, count: 4, lv: 'lv0', le: 6, moving: null })).toEqual({ kind: 'segment', lv: 'lv0', pv: 'pv2', startPe: 0, count: 4 });
    expect(selectionOfRun('pv4', { startPe: 4, count: 12, lv: null, le: null, moving: null })).toEqual({ kind: 'range', pv: 'pv4', startPe: 4, count: 12 });
  });
});
