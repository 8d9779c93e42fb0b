// Proves the devices, move and workload slices on a fresh store: a suspend, a table load, a
// swap, a create and a remove are each recognised between two dm reports (and counters alone
// are not a change); step events update the step list in place; intercepts are bounded and
// numbered; the rate presets give the demo rate (4 MiB in about 20 s) and unlimited; a
// deferred removal is a change of its own; the figures remember a move's regions and
// intercepted writes after the engine's progress drops them (checkpoint, done).
import { describe, expect, it } from 'vitest';
import type { DmDeviceView } from '../../../app/api/views';
import type { MoveStateView } from '../../../app/api/move';
import { createAppStore } from '../../../renderer/store';
import { deviceChange } from '../../../renderer/store/devicesSlice';
import { MAX_INTERCEPTS, RATE_PRESETS, rateOf, DEFAULT_MOVE_SETTINGS, EMPTY_FIGURES, regionsFigure, rememberFigures } from '../../../renderer/store/moveSlice';
import type { MirrorProgressView, MoveProgressView } from '../../../app/api/move';

const ON_PV4 = [{ type: 'linear' as const, startSector: 0, lengthSectors: 8, device: { devno: '7:3', offsetSectors: 2048 } }];
const dev = (patch: Partial<DmDeviceView> = {}): DmDeviceView => ({ name: 'vg0-lv0', uuid: 'u', devno: '254:0', state: 'ACTIVE', live: [{ type: 'linear', startSector: 0, lengthSectors: 8, device: { devno: '7:0', offsetSectors: 2048 } }], inactive: null, status: [], mirrors: [], openCount: 0, eventNr: 0, inFlight: 0, deferred: 0, io: { reads: 0, writes: 0, readSectors: 0, writtenSectors: 0 }, dependsOn: ['7:0'], ...patch });

describe('device changes', () => {
  it('tell suspend, resume, load, swap, create and remove apart', () => {
    expect(deviceChange(dev(), dev({ state: 'SUSPENDED' }))).toBe('suspended');
    expect(deviceChange(dev({ state: 'SUSPENDED' }), dev())).toBe('resumed');
    expect(deviceChange(dev(), dev({ inactive: ON_PV4 }))).toBe('loaded');
    expect(deviceChange(dev({ inactive: ON_PV4 }), dev({ live: ON_PV4 }))).toBe('swapped');
    expect(deviceChange(undefined, dev())).toBe('created');
    expect(deviceChange(dev(), undefined)).toBe('removed');
    expect(deviceChange(dev(), dev({ deferredRemove: true }))).toBe('remove deferred');
    expect(deviceChange(dev({ deferredRemove: true }), dev({ deferredRemove: true }))).toBeNull();
    expect(deviceChange(dev(), dev({ io: { reads: 5, writes: 1, readSectors: 40, writtenSectors: 8 } }))).toBeNull();
  });

  it('are numbered in the store so the same change flashes again', () => {
    const store = createAppStore();
    store.getState().setDevices([dev()]);
    store.getState().setDevices([dev({ state: 'SUSPENDED' })]);
    const first = store.getState().devices.changes['vg0-lv0'];
    store.getState().setDevices([dev()]);
    store.getState().setDevices([dev({ state: 'SUSPENDED' })]);
    const second = store.getState().devices.changes['vg0-lv0'];
    expect(first.change).toBe('suspended');
    expect(second.change).toBe('suspended');
    expect(second.seq).toBeGreaterThan(first.seq);
  });
});

describe('the move slice', () => {
  it('updates a step in place from a move.step event', () => {
    const store = createAppStore();
    const step = (number: number, state: 'pending' | 'done' | 'running') => ({ number, name: `s${number}`, lv: 'lv0', state, narration: '', commands: [], timeMs: 0 });
    const progress = { bytesTotal: 0, bytesCopied: 0, percent: 0, bytesPerSec: 0, etaSeconds: null, rateBytesPerSec: 0, paused: false, interceptedWrites: 0, waitingWrites: 0, mirrors: [] };
    store.getState().setMoveState({ id: 1, vg: 'vg0', status: 'running', plan: {} as MoveStateView['plan'], currentLv: 'lv0', step: 1, steps: [step(1, 'running'), step(2, 'pending')], progress, error: null });
    store.getState().applyStep(step(1, 'done'));
    store.getState().applyStep(step(2, 'running'));
    expect(store.getState().move.state?.steps.map((s) => s.state)).toEqual(['done', 'running']);
    expect(store.getState().move.state?.step).toBe(2);
  });

  it('keeps the newest intercepts, numbered', () => {
    const store = createAppStore();
    for (let i = 0; i < MAX_INTERCEPTS + 10; i += 1) store.getState().addIntercept({ lv: 'lv0', device: 'vg0-lv0', region: i, sector: 0, phase: 'intercepted', timeMs: i });
    const list = store.getState().move.intercepts;
    expect(list).toHaveLength(MAX_INTERCEPTS);
    expect(list[0].region).toBe(10);
    expect(list.at(-1)!.seq).toBe(MAX_INTERCEPTS + 10);
  });

  it('offers a demo rate that moves 4 MiB in about 20 s, unlimited, and custom', () => {
    expect((4 * 1024 * 1024) / RATE_PRESETS.demo).toBeCloseTo(20, 0);
    expect(rateOf({ ...DEFAULT_MOVE_SETTINGS, ratePreset: 'unlimited' })).toBe(0);
    expect(rateOf({ ...DEFAULT_MOVE_SETTINGS, ratePreset: 'custom', customRateBytesPerSec: 12345 })).toBe(12345);
  });
});

const mirror = (copied: number, total = 64): MirrorProgressView => ({ device: 'vg0-lv0', targetIndex: 1, targetStartSector: 12288, lengthSectors: 8192, regionSizeSectors: 128, regionsTotal: total, regionsCopied: copied, regions: [], intercepted: [], sourceLeg: 'vg0-lv0-orig', destinationLeg: 'pv4' });
const progress = (patch: Partial<MoveProgressView>): MoveProgressView => ({ bytesTotal: 4 << 20, bytesCopied: 0, percent: 0, bytesPerSec: 0, etaSeconds: null, rateBytesPerSec: 0, paused: false, interceptedWrites: 0, waitingWrites: 0, mirrors: [], ...patch });

describe('move figures', () => {
  it('show the mirrors drawn while they exist, and every region of the move once it is done', () => {
    let memory = rememberFigures(EMPTY_FIGURES, 1, progress({ mirrors: [mirror(10)], interceptedWrites: 22 }));
    expect(regionsFigure([mirror(10)], 'running', memory)).toBe('10 / 64');
    // Done: the engine reports no mirrors and 0 intercepted writes; the memory keeps the move's.
    memory = rememberFigures(memory, 1, progress({ percent: 100, mirrors: [], interceptedWrites: 0 }));
    expect(regionsFigure([], 'done', memory)).toBe('64 / 64');
    expect(memory.interceptedWrites).toBe(22);
    expect(regionsFigure([], 'running', memory)).toBe('—');
  });

  it('start afresh for a new move', () => {
    const first = rememberFigures(EMPTY_FIGURES, 1, progress({ mirrors: [mirror(64)], interceptedWrites: 5 }));
    const second = rememberFigures(first, 2, progress({ mirrors: [] }));
    expect(second).toEqual({ moveId: 2, regionsTotal: {}, interceptedWrites: 0 });
    expect(regionsFigure([], 'done', second)).toBe('—');
  });
});
