// Proves what presentation mode's move picker (M) offers: every LV segment on a PV, PV by PV,
// then each whole PV that holds extents (free runs and extents of a move in progress are not
// offered); every PV but the source's as a destination; the verdict in words (where the first
// extent lands, or the engine's reason); and the plan's one-line summary.
import { describe, expect, it } from 'vitest';
import type { MovePlanView } from '../../../app/api/move';
import { destinationsFor, moveSources, planSummary, verdictText } from '../../../renderer/presentation/picker';

const pvs = [
  { name: 'pv1', allocatedCount: 6, runs: [{ startPe: 0, count: 6, lv: 'lv0', le: 0, moving: null }, { startPe: 6, count: 9, lv: null, le: null, moving: null }] },
  { name: 'pv2', allocatedCount: 4, runs: [{ startPe: 0, count: 4, lv: 'lv0', le: 6, moving: 'source' as const }, { startPe: 4, count: 11, lv: null, le: null, moving: null }] },
  { name: 'pv4', allocatedCount: 0, runs: [{ startPe: 0, count: 15, lv: null, le: null, moving: null }] },
];

describe('the presentation move picker', () => {
  it('offers each LV segment not already moving, then each PV holding extents', () => {
    expect(moveSources(pvs).map((s) => `${s.label} · ${s.detail}`)).toEqual(['lv0 on pv1:0-5 · 6 extents', 'all of pv1 · 6 extents (pvmove pv1)', 'all of pv2 · 4 extents (pvmove pv2)']);
    expect(moveSources(pvs)[0].selection).toEqual({ kind: 'segment', lv: 'lv0', pv: 'pv1', startPe: 0, count: 6 });
  });

  it('offers every other PV as a destination', () => {
    expect(destinationsFor(pvs, { kind: 'pv', pv: 'pv2' })).toEqual(['pv1', 'pv4']);
  });

  it('says the verdict: checking, where a yes lands, or the engine’s reason', () => {
    const plan = { extentCount: 4, moves: [{ lv: 'lv0', startLe: 6, count: 4, fromPv: 'pv2', fromPe: 0, toPv: 'pv4', toPe: 0 }], command: 'pvmove -n vg0/lv0 /dev/pv2:0-3 /dev/pv4', bytes: 4 * 1024 * 1024 } as unknown as MovePlanView;
    expect(verdictText(undefined, 'pv4')).toBe('checking…');
    expect(verdictText({ ok: true, plan }, 'pv4')).toBe('yes: 4 extents land at pv4:0');
    expect(verdictText({ ok: false, reason: 'pv1 has no free extents' }, 'pv1')).toBe('no: pv1 has no free extents');
    expect(planSummary(plan)).toBe('pvmove -n vg0/lv0 /dev/pv2:0-3 /dev/pv4 · 4.00 MiB');
  });
});
