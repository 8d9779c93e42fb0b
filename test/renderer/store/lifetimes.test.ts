// Proves that every piece of UI state ends with the workspace, move or scenario it belongs to
// (issue 16), on a fresh vanilla store fed what the engine would send: another workspace
// clears the Verify result, the selection, the step history, a finished scenario's caption, an
// open plan and a move's error; a new view of the same workspace keeps them but drops a
// selection of what is gone; a new move clears the selection, the Verify result and a finished
// scenario's caption (a running scenario's stays); the controls follow the running move's rate
// and step mode whichever window changed them; the event log history merges with live lines.
import { describe, expect, it } from 'vitest';
import type { MoveProgressView, MoveStateView } from '../../../app/api/move';
import type { WorkspaceView } from '../../../app/api/views';
import { createAppStore, type AppStore } from '../../../renderer/store';
import { mergeLogHistory } from '../../../renderer/store/engineSlice';
import { selectionExists } from '../../../renderer/store/lifetimes';

const run = (startPe: number, count: number, lv: string | null) => ({ startPe, count, lv, le: lv ? 0 : null, moving: null });
const pv = (name: string, runs: ReturnType<typeof run>[]) => ({ name, image: `${name}.img`, pvSection: '', uuid: name, devno: '7:0', sizeBytes: 16 << 20, peStartSectors: 2048, peCount: 15, allocatedCount: 4, allocatable: true, missing: false, runs });

/** A workspace at `path` whose VG has `pvs` (lv0 on pv2:0-3 unless told otherwise). */
function view(path: string, pvs = [pv('pv1', [run(0, 15, null)]), pv('pv2', [run(0, 4, 'lv0'), run(4, 11, null)])]): WorkspaceView {
  return { path, images: [], problems: [], vgs: [{ name: 'vg0', uuid: 'u', seqno: 1, extentSizeSectors: 2048, peCount: 30, freeCount: 26, sizeBytes: 32 << 20, freeBytes: 26 << 20, status: [], readOnlyReason: null, pvs, lvs: [], moveInProgress: null }] } as unknown as WorkspaceView;
}

const progress = (patch: Partial<MoveProgressView> = {}): MoveProgressView => ({ bytesTotal: 4 << 20, bytesCopied: 0, percent: 0, bytesPerSec: 0, etaSeconds: null, rateBytesPerSec: 200 * 1024, paused: false, interceptedWrites: 0, waitingWrites: 0, mirrors: [], crashCostBytes: 0, ...patch });
function move(id: number, status: MoveStateView['status'] = 'running', patch: Partial<MoveStateView> = {}): MoveStateView {
  return { id, vg: 'vg0', stack: 'outline', status, stepMode: false, plan: { lvs: ['lv0'] } as MoveStateView['plan'], currentLv: 'lv0', step: null, steps: [], layer: null, progress: progress(), error: null, ...patch };
}
const VERIFY = { vg: 'vg0', lv: 'lv0', bytesChecked: 1, blocksChecked: 1, mismatches: 0, firstMismatches: [], summary: 'lv0: 0 mismatches' };
const SCENARIO = { name: 'seed', title: 'The seed move', status: 'done' as const, actionIndex: 5, actionCount: 5, narration: 'Done: lv0 now lives on pv4.', error: null };

/** A store that shows /ws/a with a Verify result, a selection of all of pv2, a finished scenario and a step snapshot. */
function storeWithState(): AppStore {
  const store = createAppStore();
  const s = store.getState();
  s.setWorkspaceView(view('/ws/a'));
  s.setVerifyResult(VERIFY);
  s.select({ kind: 'pv', pv: 'pv2' });
  s.setScenarioState(SCENARIO, '/ws/a');
  s.setMoveState(move(1, 'done', { steps: [{ id: 'lv0/suspend', index: 1, name: 'Suspend', lv: 'lv0', state: 'done', narration: '', commands: [], timeMs: 1 }] }));
  s.recordStepSnapshot();
  s.setMoveError('The move failed.');
  return store;
}

describe('state that belongs to a workspace', () => {
  it('ends when another workspace is shown: Verify result, selection, step history, finished caption, move error', () => {
    const store = storeWithState();
    expect(store.getState().presenting.history.snapshots).toHaveLength(1);
    store.getState().setWorkspaceView(view('/ws/b'));
    const s = store.getState();
    expect(s.workload.verify).toBeNull();
    expect(s.ui.selection).toBeNull();
    expect(s.presenting.history.snapshots).toEqual([]);
    expect(s.presenting.scenario).toBeNull();
    expect(s.move.error).toBeNull();
  });

  it('ends even when the new folder was listed first (the view is dropped in between)', () => {
    const store = storeWithState();
    store.getState().setWorkspaceImages('/ws/b', []);
    store.getState().setWorkspaceView(view('/ws/b'));
    expect(store.getState().workload.verify).toBeNull();
    expect(store.getState().ui.selection).toBeNull();
  });

  it('stays through a new view of the same workspace (a commit; a trailing slash is the same folder)', () => {
    const store = storeWithState();
    store.getState().setWorkspaceView(view('/ws/a/'));
    const s = store.getState();
    expect(s.workload.verify).toEqual(VERIFY);
    expect(s.ui.selection).toEqual({ kind: 'pv', pv: 'pv2' });
    expect(s.presenting.scenario).toEqual(SCENARIO);
  });

  it('keeps a scenario\'s caption in the scenario\'s own workspace', () => {
    const store = createAppStore();
    store.getState().setWorkspaceView(view('/ws/a'));
    store.getState().setScenarioState({ ...SCENARIO, status: 'running' }, '/ws/lvmscope-scenario-seed');
    store.getState().setWorkspaceView(view('/ws/lvmscope-scenario-seed'));
    expect(store.getState().presenting.scenario?.status).toBe('running');
  });
});

describe('a selection', () => {
  it('ends when what it names leaves the workspace: a PV, or an LV segment that moved away', () => {
    const store = storeWithState();
    store.getState().setWorkspaceView(view('/ws/a', [pv('pv1', [run(0, 15, null)])]));
    expect(store.getState().ui.selection).toBeNull();
    store.getState().setWorkspaceView(view('/ws/a'));
    store.getState().select({ kind: 'segment', lv: 'lv0', pv: 'pv2', startPe: 0, count: 4 });
    store.getState().setWorkspaceView(view('/ws/a', [pv('pv1', [run(0, 15, null)]), pv('pv2', [run(0, 15, null)])]));
    expect(store.getState().ui.selection).toBeNull();
  });

  it('is checked against the PVs, their LV runs and their size', () => {
    const v = view('/ws/a');
    expect(selectionExists({ kind: 'pv', pv: 'pv2' }, v)).toBe(true);
    expect(selectionExists({ kind: 'pv', pv: 'pv9' }, v)).toBe(false);
    expect(selectionExists({ kind: 'segment', lv: 'lv0', pv: 'pv2', startPe: 1, count: 2 }, v)).toBe(true);
    expect(selectionExists({ kind: 'segment', lv: 'lv1', pv: 'pv2', startPe: 0, count: 4 }, v)).toBe(false);
    expect(selectionExists({ kind: 'range', pv: 'pv1', startPe: 10, count: 5 }, v)).toBe(true);
    expect(selectionExists({ kind: 'range', pv: 'pv1', startPe: 10, count: 6 }, v)).toBe(false);
  });
});

describe('a new move', () => {
  it('ends the selection it was made from, the Verify result of the layout before and a finished scenario\'s caption', () => {
    const store = storeWithState();
    store.getState().setMoveState(move(2));
    const s = store.getState();
    expect(s.ui.selection).toBeNull();
    expect(s.workload.verify).toBeNull();
    expect(s.presenting.scenario).toBeNull();
  });

  it('keeps the caption of the scenario that runs it', () => {
    const store = createAppStore();
    store.getState().setScenarioState({ ...SCENARIO, status: 'running' }, '/ws/a');
    store.getState().setMoveState(move(1));
    expect(store.getState().presenting.scenario?.status).toBe('running');
  });

  it('is told from the same move going on, and from a move restarting at id 1 after a reopen', () => {
    const store = storeWithState();
    store.getState().select({ kind: 'pv', pv: 'pv2' });
    store.getState().setMoveState(move(2));
    store.getState().select({ kind: 'pv', pv: 'pv1' });
    store.getState().setMoveState(move(2, 'paused'));
    expect(store.getState().ui.selection).toEqual({ kind: 'pv', pv: 'pv1' });
    store.getState().setMoveState(move(2, 'done'));
    store.getState().setMoveState(move(2, 'running'));
    expect(store.getState().ui.selection).toBeNull();
  });
});

describe('the controls of a running move', () => {
  it('show the move\'s own rate and step mode in a window that attaches', () => {
    const store = createAppStore();
    store.getState().setMoveState(move(4, 'waiting-step', { stepMode: true, progress: progress({ rateBytesPerSec: 96 * 1024 }) }));
    expect(store.getState().move.settings).toMatchObject({ stepMode: true, ratePreset: 'custom', customRateBytesPerSec: 96 * 1024 });
  });

  it('follow a change made in another window, and a report still on its way does not undo a click made here', () => {
    const store = createAppStore();
    store.getState().setMoveState(move(1));
    expect(store.getState().move.settings.ratePreset).toBe('demo');
    // Here: unlimited is clicked; a report with the old rate arrives before the engine's answer.
    store.getState().setMoveSettings({ ratePreset: 'unlimited' });
    store.getState().setProgress(progress({ rateBytesPerSec: 200 * 1024 }));
    expect(store.getState().move.settings.ratePreset).toBe('unlimited');
    store.getState().setProgress(progress({ rateBytesPerSec: 0 }));
    // Another window sets 1 MiB/s and step mode.
    store.getState().setProgress(progress({ rateBytesPerSec: 1 << 20 }));
    store.getState().setMoveState(move(1, 'running', { stepMode: true, progress: progress({ rateBytesPerSec: 1 << 20 }) }));
    expect(store.getState().move.settings).toMatchObject({ ratePreset: 'custom', customRateBytesPerSec: 1 << 20, stepMode: true });
  });

  it('keep the choices for the next move once the move ended', () => {
    const store = createAppStore();
    store.getState().setMoveState(move(1, 'done', { stepMode: true }));
    expect(store.getState().move.settings.stepMode).toBe(false);
  });
});

describe('the event log history', () => {
  it('puts the engine\'s lines so far under the ones received meanwhile, without doubles', () => {
    const line = (t: number) => ({ timeMs: t, level: 'info' as const, source: 'pvmove', message: `line ${t}` });
    expect(mergeLogHistory([line(1), line(2), line(3)], [line(3), line(4)]).map((l) => l.timeMs)).toEqual([1, 2, 3, 4]);
    const store = createAppStore();
    store.getState().appendLog([line(3), line(4)]);
    store.getState().setLogHistory([line(1), line(2), line(3)]);
    expect(store.getState().engine.log.map((l) => l.timeMs)).toEqual([1, 2, 3, 4]);
  });
});
