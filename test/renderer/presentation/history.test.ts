// Proves the step history of presentation mode: each step of the move gets one snapshot that
// follows the live views until the next step becomes current; ← walks back one step at a
// time (from live: to the step before the current one), → walks forward and returns to live;
// a new move starts a new history; the store subscriber records without looping; steps are
// known by id, so a list of any length and of either stack (the lvm2 stack's move-wide steps
// have no LV) is recorded the same way. Built from hand-made move views (no engine), so every
// transition is checked exactly.
import { describe, expect, it } from 'vitest';
import type { MoveStateView, StepView } from '../../../app/api/move';
import type { DmDeviceView } from '../../../app/api/views';
import { createAppStore } from '../../../renderer/store';
import { currentStepOf, EMPTY_HISTORY, MAX_SNAPSHOTS, recordLive, shownSnapshot, stepBack, stepForward, type LiveViews, type StepHistory } from '../../../renderer/presentation/history';

const stepView = (index: number, state: StepView['state'], timeMs = 0, lv: string | null = 'lv0', id = `lv0/s${index}`): StepView => ({ id, index, name: `s${index}`, lv, state, narration: '', commands: [], timeMs });

/** A move at its `step`-th step (running); 0 = before the first step. */
function move(step: number, id = 1, status: MoveStateView['status'] = 'running'): MoveStateView {
  const steps = step > 0 ? [stepView(step, 'running')] : [];
  return { id, vg: 'vg0', stack: 'outline', status, stepMode: false, plan: { lvs: ['lv0'] } as unknown as MoveStateView['plan'], currentLv: 'lv0', step: steps[0]?.id ?? null, steps, layer: null, progress: null as unknown as MoveStateView['progress'], error: null };
}
const devices = (names: string[]) => names.map((name) => ({ name }) as DmDeviceView);
const live = (m: MoveStateView | null, names: string[] = ['vg0-lv0']): LiveViews => ({ workspace: undefined, devices: devices(names), move: m, progress: null });

/** Steps 1..n, each recorded twice (the second record = the state the step ended with). */
function walk(n: number): StepHistory {
  let h = EMPTY_HISTORY;
  for (let step = 1; step <= n; step += 1) {
    h = recordLive(h, live(move(step), ['vg0-lv0']));
    h = recordLive(h, live(move(step), ['vg0-lv0', `after-${step}`]));
  }
  return h;
}

describe('the presentation step history', () => {
  it('keeps one snapshot per step, holding the last views seen while that step was current', () => {
    const h = walk(4);
    expect(h.snapshots.map((s) => s.index)).toEqual([1, 2, 3, 4]);
    expect(h.snapshots.map((s) => s.views.devices.at(-1)?.name)).toEqual(['after-1', 'after-2', 'after-3', 'after-4']);
    expect(h.cursor).toBeNull();
  });

  it('returns the very same history when nothing changed, so a store subscriber cannot loop', () => {
    const views = live(move(2));
    const h = recordLive(recordLive(EMPTY_HISTORY, views), views);
    expect(recordLive(h, views)).toBe(h);
    expect(recordLive(h, live(null))).toBe(h);
    expect(recordLive(EMPTY_HISTORY, live(move(0)))).toBe(EMPTY_HISTORY);
  });

  it('goes back one step at a time from live, stops at the first step, and forward returns to live', () => {
    let h = walk(5);
    h = stepBack(h);
    expect(shownSnapshot(h)?.index).toBe(4);
    h = stepBack(stepBack(stepBack(stepBack(h))));
    expect(shownSnapshot(h)?.index).toBe(1);
    expect(stepBack(h)).toBe(h);
    h = stepForward(stepForward(stepForward(h)));
    expect(shownSnapshot(h)?.index).toBe(4);
    h = stepForward(h);
    expect(h.cursor).toBeNull();
    expect(stepForward(h)).toBe(h);
  });

  it('does not move a shown snapshot while the live move goes on, and keeps it frozen', () => {
    let h = stepBack(walk(3));
    const shown = shownSnapshot(h);
    h = recordLive(h, live(move(3), ['changed']));
    h = recordLive(h, live(move(4)));
    expect(shownSnapshot(h)).toBe(shown);
    expect(h.snapshots.map((s) => s.index)).toEqual([1, 2, 3, 4]);
    expect(h.snapshots[2].views.devices[0].name).toBe('changed');
  });

  it('starts a new history when a new move starts', () => {
    const h = recordLive(stepBack(walk(8)), live(move(1, 2)));
    expect(h.snapshots.map((s) => `${s.moveId}:${s.index}`)).toEqual(['2:1']);
    expect(h.cursor).toBeNull();
  });

  it('appends steps seen again (an undo, or a resume after a crash) so ← retraces what was shown', () => {
    let h = walk(5);
    for (const step of [4, 3]) h = recordLive(h, live(move(step, 1, 'aborting')));
    expect(h.snapshots.map((s) => s.index)).toEqual([1, 2, 3, 4, 5, 4, 3]);
  });

  it('keeps only the newest MAX_SNAPSHOTS snapshots and shifts a shown cursor with them', () => {
    let h = EMPTY_HISTORY;
    for (let i = 0; i < MAX_SNAPSHOTS + 10; i += 1) h = recordLive(h, live(move((i % 8) + 1)));
    expect(h.snapshots).toHaveLength(MAX_SNAPSHOTS);
    h = stepBack(h);
    const shown = shownSnapshot(h);
    h = recordLive(h, live(move(((MAX_SNAPSHOTS + 10) % 8) + 1)));
    expect(shownSnapshot(h)).toBe(shown);
  });

  it('takes the step waiting for Next as current, although move.step still names the last one started', () => {
    const waiting: MoveStateView = { ...move(3), steps: [stepView(3, 'done'), stepView(4, 'waiting')] };
    expect(waiting.step).toBe('lv0/s3');
    expect(currentStepOf(waiting)).toEqual({ id: 'lv0/s4', index: 4, lv: 'lv0' });
    const h = recordLive(recordLive(EMPTY_HISTORY, live(move(3))), live(waiting));
    expect(h.snapshots.map((s) => s.index)).toEqual([3, 4]);
    expect(currentStepOf(move(3))).toEqual({ id: 'lv0/s3', index: 3, lv: 'lv0' });
    expect(currentStepOf(move(0))).toBeNull();
  });

  it('ignores a stale move view that arrives after a newer step, so the timeline does not flip back and forth', () => {
    const at = (step: number, state: StepView['state'], timeMs: number): MoveStateView => ({ ...move(step), steps: [stepView(step, state, timeMs)] });
    let h = recordLive(EMPTY_HISTORY, live(at(3, 'running', 10)));
    h = recordLive(h, live(at(4, 'waiting', 20)));
    const before = h;
    h = recordLive(h, live(at(3, 'running', 10)));
    expect(h).toBe(before);
    h = recordLive(h, live(at(4, 'running', 30)));
    expect(h.snapshots.map((s) => s.index)).toEqual([3, 4]);
  });

  it('is recorded by the store from its live views', () => {
    const store = createAppStore();
    store.subscribe(() => store.getState().recordStepSnapshot());
    store.getState().setDevices(devices(['vg0-lv0']));
    store.getState().setMoveState(move(1));
    store.getState().setDevices(devices(['vg0-lv0', 'vg0-lv0-orig']));
    store.getState().setMoveState(move(2));
    const h = store.getState().presenting.history;
    expect(h.snapshots.map((s) => [s.index, s.views.devices.map((d) => d.name).join(',')])).toEqual([[1, 'vg0-lv0,vg0-lv0-orig'], [2, 'vg0-lv0,vg0-lv0-orig']]);
    store.getState().historyBack();
    expect(shownSnapshot(store.getState().presenting.history)?.index).toBe(1);
    store.getState().historyLive();
    expect(store.getState().presenting.history.cursor).toBeNull();
  });

  it('keeps the steps in order when an answer overtakes batched step events (issue 16: ← showed 7, 6, 5, 4, 3, 2, 3, 1, 3)', () => {
    // The order a presentation window received them in, running the seed scenario: the engine's
    // events wait up to 33 ms in a batch, while the move.state fetched after a scenario event
    // is answered at once. So the answer (at step 3) came first, then the batch with the steps
    // it already held, and the batch's own move.state (at step 2), then the rest live.
    const steps8 = (upTo: number, state: StepView['state']): StepView[] =>
      Array.from({ length: 8 }, (_, i) => (i + 1 < upTo ? stepView(i + 1, 'done', (i + 2) * 10) : i + 1 === upTo ? stepView(i + 1, state, (i + 1) * 10) : stepView(i + 1, 'pending', 0)));
    const at = (upTo: number): MoveStateView => ({ ...move(0), steps: steps8(upTo, 'running'), step: `lv0/s${upTo}` });
    const store = createAppStore();
    store.subscribe(() => store.getState().recordStepSnapshot());
    const s = store.getState();
    s.setMoveState(at(3));
    for (const [n, state, t] of [[1, 'running', 10], [1, 'done', 20], [2, 'running', 20], [2, 'done', 30], [3, 'running', 30]] as const) s.applyStep(stepView(n, state, t));
    s.setMoveState(at(2));
    for (let n = 3; n < 8; n += 1) {
      s.applyStep(stepView(n, 'done', (n + 1) * 10));
      s.applyStep(stepView(n + 1, 'running', (n + 1) * 10));
    }
    expect(store.getState().presenting.history.snapshots.map((x) => x.index)).toEqual([3, 4, 5, 6, 7, 8]);
    const seen: number[] = [];
    for (let i = 0; i < 8; i += 1) {
      store.getState().historyBack();
      seen.push(shownSnapshot(store.getState().presenting.history)!.index);
    }
    expect(seen).toEqual([7, 6, 5, 4, 3, 3, 3, 3]);
    // The live view never stepped back either: the late move.state at step 2 changed nothing.
    expect(currentStepOf(store.getState().move.state!)?.index).toBe(8);
  });

  it('records an lvm2 list step by step by id, move-wide steps (no LV) included, and names each by its position', () => {
    const ids = ['preload', 'suspend', 'commit', 'resume', 'copy-1', 'checkpoint-1', 'copy-2', 'finish', 'remove-layer'];
    const lvm2 = (current: number): MoveStateView => ({
      ...move(0),
      stack: 'lvm2',
      step: ids[current - 1],
      steps: ids.map((id, i) => stepView(i + 1, i + 1 < current ? 'done' : i + 1 === current ? 'running' : 'pending', i, id.startsWith('copy') ? 'lv0' : null, id)),
    });
    let h = EMPTY_HISTORY;
    for (let n = 1; n <= ids.length; n += 1) h = recordLive(h, live(lvm2(n)));
    expect(h.snapshots.map((s) => `${s.index}:${s.stepId}:${s.lv ?? 'move'}`)).toEqual(ids.map((id, i) => `${i + 1}:${id}:${id.startsWith('copy') ? 'lv0' : 'move'}`));
    expect(shownSnapshot(stepBack(h))?.stepId).toBe('finish');
  });
});
