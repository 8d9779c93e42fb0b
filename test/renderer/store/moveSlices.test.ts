// Proves the devices, move and workload slices on a fresh store: the devices follow a dm
// snapshot plus the numbered events after it (a suspend and a resume in one batch are both
// applied, a table loaded shows in the inactive slot until the swap, counters alone are not a
// change, events older than the snapshot are skipped); step events update the step list in
// place; held-write events are bounded and kept in stream order; the rate presets give the demo rate (4 MiB in about 20 s) and unlimited; a
// deferred removal is a change of its own; the figures remember a move's regions and
// intercepted writes after the engine's progress drops them (checkpoint, done).
import { describe, expect, it } from 'vitest';
import type { DmDeviceView } from '../../../app/api/views';
import type { MoveStateView } from '../../../app/api/move';
import { createAppStore } from '../../../renderer/store';
import type { DmStreamEvent, WriteEvent } from '../../../app/api/dmStream';
import { MAX_WRITE_EVENTS, RATE_PRESETS, rateOf, DEFAULT_MOVE_SETTINGS, EMPTY_FIGURES, regionsFigure, rememberFigures, sameMoveShape } from '../../../renderer/store/moveSlice';
import type { MirrorProgressView, MoveProgressView } from '../../../app/api/move';

const ON_PV4 = [{ type: 'linear' as const, startSector: 0, lengthSectors: 8, device: { devno: '7:3', offsetSectors: 2048 } }];
const dev = (patch: Partial<DmDeviceView> = {}): DmDeviceView => ({ name: 'vg0-lv0', uuid: 'u', devno: '254:0', state: 'ACTIVE', live: [{ type: 'linear', startSector: 0, lengthSectors: 8, device: { devno: '7:0', offsetSectors: 2048 } }], inactive: null, status: [], mirrors: [], openCount: 0, eventNr: 0, inFlight: 0, deferred: 0, io: { reads: 0, writes: 0, readSectors: 0, writtenSectors: 0 }, dependsOn: ['7:0'], ...patch });

/** Numbered events of stream 1, as the engine sends them. */
function stream(bodies: Array<Partial<DmStreamEvent> & { type: DmStreamEvent['type'] }>, firstSeq = 1): DmStreamEvent[] {
  return bodies.map((b, i) => ({ stream: 1, seq: firstSeq + i, timeMs: i, device: 'vg0-lv0', devno: '254:0', ...b }) as DmStreamEvent);
}

describe('device changes', () => {
  it('follow every event after the snapshot: a suspend and a resume in one batch, a loaded table, a swap', () => {
    const store = createAppStore();
    store.getState().applyDmSnapshot({ stream: 1, seq: 0, devices: [dev()] });
    store.getState().applyDmEvents(stream([{ type: 'suspended', deferred: 3 }, { type: 'table-loaded', table: ON_PV4 }]));
    const d = () => store.getState().devices.list[0];
    expect(d()).toMatchObject({ state: 'SUSPENDED', deferred: 3, inactive: ON_PV4 });
    expect(store.getState().devices.changes['vg0-lv0'].change).toBe('loaded');
    store.getState().applyDmEvents(stream([{ type: 'table-swapped', table: ON_PV4 }, { type: 'resumed', replayed: 3 }], 3));
    expect(d()).toMatchObject({ state: 'ACTIVE', deferred: 0, live: ON_PV4, inactive: null, dependsOn: ['7:3'] });
    expect(store.getState().devices.changes['vg0-lv0']).toEqual({ change: 'resumed', seq: 4 });
    expect(store.getState().devices.seq).toBe(4);
  });

  it('creates and removes devices, marks a deferred removal, and does not count counters as a change', () => {
    const store = createAppStore();
    store.getState().applyDmSnapshot({ stream: 1, seq: 0, devices: [dev()] });
    store.getState().applyDmEvents(stream([{ type: 'device-created', device: 'vg0-lv0-orig', devno: '254:1', uuid: '' }, { type: 'io-counters', io: { reads: 5, writes: 1, readSectors: 40, writtenSectors: 8 }, inFlight: 0, deferred: 0 }]));
    expect(store.getState().devices.list.map((x) => x.name)).toEqual(['vg0-lv0', 'vg0-lv0-orig']);
    expect(store.getState().devices.changes['vg0-lv0']).toBeUndefined();
    expect(store.getState().devices.list[0].io.reads).toBe(5);
    store.getState().applyDmEvents(stream([{ type: 'remove-deferred', device: 'vg0-lv0-orig', devno: '254:1' }, { type: 'device-removed', device: 'vg0-lv0-orig', devno: '254:1' }], 3));
    expect(store.getState().devices.list.map((x) => x.name)).toEqual(['vg0-lv0']);
    expect(store.getState().devices.changes['vg0-lv0-orig'].change).toBe('removed');
  });

  it('skips events a newer snapshot already holds, and replays newer ones over an older snapshot', () => {
    const store = createAppStore();
    store.getState().applyDmEvents(stream([{ type: 'suspended', deferred: 0 }, { type: 'resumed', replayed: 0 }, { type: 'suspended', deferred: 1 }]));
    // The events came first: they wait for a snapshot of their stream.
    expect(store.getState().devices.list).toEqual([]);
    store.getState().applyDmSnapshot({ stream: 1, seq: 2, devices: [dev()] });
    expect(store.getState().devices.list[0]).toMatchObject({ state: 'SUSPENDED', deferred: 1 });
    expect(store.getState().devices.seq).toBe(3);
    store.getState().applyDmEvents(stream([{ type: 'resumed', replayed: 0 }], 2));
    expect(store.getState().devices.list[0].state).toBe('SUSPENDED');
  });
});

describe('the move slice', () => {
  it('updates a step in place from a move.step event, by id', () => {
    const store = createAppStore();
    const step = (index: number, state: 'pending' | 'done' | 'running') => ({ id: `lv0/s${index}`, index, name: `s${index}`, lv: 'lv0', state, narration: '', commands: [], timeMs: 0 });
    const progress = { bytesTotal: 0, bytesCopied: 0, percent: 0, bytesPerSec: 0, etaSeconds: null, rateBytesPerSec: 0, paused: false, interceptedWrites: 0, waitingWrites: 0, mirrors: [], crashCostBytes: 0 };
    store.getState().setMoveState({ id: 1, vg: 'vg0', stack: 'outline', status: 'running', stepMode: false, plan: {} as MoveStateView['plan'], currentLv: 'lv0', step: 'lv0/s1', steps: [step(1, 'running'), step(2, 'pending')], layer: null, progress, error: null });
    store.getState().applyStep(step(1, 'done'));
    expect(store.getState().move.state?.step).toBe('lv0/s1');
    store.getState().applyStep(step(2, 'running'));
    expect(store.getState().move.state?.steps.map((s) => s.state)).toEqual(['done', 'running']);
    expect(store.getState().move.state?.step).toBe('lv0/s2');
  });

  it('keeps the steps, plan and layer of a move.state that only brings new progress, so views of the steps see no change', () => {
    const store = createAppStore();
    const step = (index: number, state: 'pending' | 'done' | 'running') => ({ id: `lv0/s${index}`, index, name: `s${index}`, lv: 'lv0', state, narration: '', commands: [], timeMs: index });
    const progress = (percent: number) => ({ bytesTotal: 100, bytesCopied: percent, percent, bytesPerSec: 1, etaSeconds: null, rateBytesPerSec: 0, paused: false, interceptedWrites: 0, waitingWrites: 0, mirrors: [], crashCostBytes: 0 });
    // Each report is parsed anew from the wire: equal parts are new objects.
    const view = (percent: number, second: 'pending' | 'running'): MoveStateView => JSON.parse(JSON.stringify({ id: 1, vg: 'vg0', stack: 'outline', status: 'running', stepMode: false, plan: { lvs: ['lv0'] }, currentLv: 'lv0', step: 'lv0/s1', steps: [step(1, 'running'), step(2, second)], layer: null, progress: progress(percent), error: null }));
    store.getState().setMoveState(view(10, 'pending'));
    const first = store.getState().move.state;
    store.getState().setMoveState(view(20, 'pending'));
    const next = store.getState().move.state;
    expect(next?.progress.percent).toBe(20);
    expect(store.getState().move.progress?.percent).toBe(20);
    expect(next?.steps).toBe(first?.steps);
    expect(next?.plan).toBe(first?.plan);
    expect(sameMoveShape(first, next)).toBe(true);
    store.getState().setMoveState(view(30, 'running'));
    expect(sameMoveShape(next, store.getState().move.state)).toBe(false);
    expect(store.getState().move.state?.steps.map((s) => s.state)).toEqual(['running', 'running']);
  });

  it('sends the outline by default and remembers the stack and lvm2\'s maximum segment size chosen for the next move', () => {
    const store = createAppStore();
    expect(store.getState().move.settings).toMatchObject({ stack: 'outline', maxSegmentSizeMiB: null });
    store.getState().setMoveSettings({ stack: 'lvm2', maxSegmentSizeMiB: 1 });
    expect(store.getState().move.settings).toMatchObject({ stack: 'lvm2', maxSegmentSizeMiB: 1, ratePreset: 'demo' });
  });

  it('keeps the newest held-write events, in stream order', () => {
    const store = createAppStore();
    const writes = stream(Array.from({ length: MAX_WRITE_EVENTS + 10 }, (_, i) => ({ type: 'write-intercepted' as const, targetIndex: 1, region: i, sector: 12288 + i * 128, countSectors: 8, waitingWrites: 1 }))) as WriteEvent[];
    store.getState().addWriteEvents(writes);
    const list = store.getState().move.writes;
    expect(list).toHaveLength(MAX_WRITE_EVENTS);
    expect(list[0].region).toBe(10);
    expect(list.at(-1)!.seq).toBe(MAX_WRITE_EVENTS + 10);
  });

  it('offers a demo rate that moves 4 MiB in about 20 s, unlimited, and custom', () => {
    expect((4 * 1024 * 1024) / RATE_PRESETS.demo).toBeCloseTo(20, 0);
    expect(rateOf({ ...DEFAULT_MOVE_SETTINGS, ratePreset: 'unlimited' })).toBe(0);
    expect(rateOf({ ...DEFAULT_MOVE_SETTINGS, ratePreset: 'custom', customRateBytesPerSec: 12345 })).toBe(12345);
  });
});

const mirror = (copied: number, total = 64): MirrorProgressView => ({ device: 'vg0-lv0', targetIndex: 1, targetStartSector: 12288, lengthSectors: 8192, regionSizeSectors: 128, regionsTotal: total, regionsCopied: copied, regions: [], intercepted: [], sourceLeg: 'vg0-lv0-orig', destinationLeg: 'pv4', layerSegment: 1 });
const progress = (patch: Partial<MoveProgressView>): MoveProgressView => ({ bytesTotal: 4 << 20, bytesCopied: 0, percent: 0, bytesPerSec: 0, etaSeconds: null, rateBytesPerSec: 0, paused: false, interceptedWrites: 0, waitingWrites: 0, mirrors: [], crashCostBytes: 0, ...patch });

describe('move figures', () => {
  it('show the mirrors drawn while they exist, and every region of the move once it is done', () => {
    let memory = rememberFigures(EMPTY_FIGURES, 1, progress({ mirrors: [mirror(10)], interceptedWrites: 22 }));
    expect(regionsFigure([mirror(10)], 'running', memory)).toBe('10 / 64');
    // Done: the engine reports no mirrors; the memory keeps the move's regions. (The count of
    // intercepted writes is the engine's own for the whole move, so nothing remembers it here.)
    memory = rememberFigures(memory, 1, progress({ percent: 100, mirrors: [], interceptedWrites: 22 }));
    expect(regionsFigure([], 'done', memory)).toBe('64 / 64');
    expect(regionsFigure([], 'running', memory)).toBe('—');
  });

  it('start afresh for a new move', () => {
    const first = rememberFigures(EMPTY_FIGURES, 1, progress({ mirrors: [mirror(64)], interceptedWrites: 5 }));
    const second = rememberFigures(first, 2, progress({ mirrors: [] }));
    expect(second).toEqual({ moveId: 2, regionsTotal: {} });
    expect(regionsFigure([], 'done', second)).toBe('—');
  });
});
