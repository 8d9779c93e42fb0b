// The step history of presentation mode: one snapshot per step of the move, holding the views
// the engine sent while that step was the current one (workspace view, dm devices, move
// state and progress). A snapshot keeps following the engine until the next step becomes
// current, so it ends as "the state right after that step". The presenter's ← shows an
// earlier snapshot again (the views render it exactly as they rendered the live state), →
// walks forward toward live. Pure functions over plain data, so they are tested in Node.
import type { MoveProgressView, MoveStateView } from '../../app/api/move';
import type { DmDeviceView, WorkspaceView } from '../../app/api/views';
import { currentStep, stepFreshness } from '../store/stepList';

/** At most this many snapshots are kept (one per step; a long move keeps the newest). */
export const MAX_SNAPSHOTS = 64;

/** What the views of the move render, as the engine last sent it. */
export interface LiveViews {
  workspace: WorkspaceView | undefined;
  devices: DmDeviceView[];
  move: MoveStateView | null;
  progress: MoveProgressView | null;
}

export interface StepSnapshot {
  /** `<move id>:<step id>`; consecutive snapshots never share a key. */
  key: string;
  moveId: number;
  /** The step's id and its position in the move's list (what the presenter reads). */
  stepId: string;
  index: number;
  lv: string | null;
  views: LiveViews & { move: MoveStateView };
}

export interface StepHistory {
  snapshots: StepSnapshot[];
  /** Which snapshot is shown; null = the live state. */
  cursor: number | null;
}

export const EMPTY_HISTORY: StepHistory = { snapshots: [], cursor: null };

/**
 * The step the move is at (the one running or waiting for Next first: a coalesced `move.step`
 * field can lag behind the step events), by id and position; null before the first step.
 */
export function currentStepOf(move: Pick<MoveStateView, 'steps' | 'step'>): { id: string; index: number; lv: string | null } | null {
  const step = currentStep(move);
  return step ? { id: step.id, index: step.index, lv: step.lv } : null;
}

function keyOf(move: MoveStateView): string | null {
  const at = currentStepOf(move);
  return at ? `${move.id}:${at.id}` : null;
}

function sameViews(a: LiveViews, b: LiveViews): boolean {
  return a.workspace === b.workspace && a.devices === b.devices && a.move === b.move && a.progress === b.progress;
}

/**
 * Records the live views into the snapshot of the move's current step (creating it when a
 * new step becomes current). Returns the same history object when nothing changed, so a
 * store subscriber can call it on every change without looping.
 */
export function recordLive(history: StepHistory, live: LiveViews): StepHistory {
  const move = live.move;
  if (!move) return history;
  const key = keyOf(move);
  if (!key) return history;
  const last = history.snapshots.at(-1);
  // A new move starts a new story: the old one's snapshots would only confuse ←.
  const snapshots = last && last.moveId !== move.id ? [] : history.snapshots;
  const cursor = snapshots === history.snapshots ? history.cursor : null;
  const newest = snapshots.at(-1);
  // move.state (coalesced) can arrive after a newer move.step: such a stale view would make
  // the timeline flip back a step and forth again, so it is not recorded.
  if (newest && newest.moveId === move.id && stepFreshness(move) < stepFreshness(newest.views.move)) return history;
  if (newest && newest.key === key) {
    if (sameViews(newest.views, live)) return history;
    return { snapshots: [...snapshots.slice(0, -1), { ...newest, views: { ...live, move } }], cursor };
  }
  // Otherwise a step became current: the timeline grows (an undo, or a resume after a crash,
  // appends its steps again, so ← retraces exactly what the audience saw).
  const at = currentStepOf(move)!;
  const snapshot: StepSnapshot = { key, moveId: move.id, stepId: at.id, index: at.index, lv: at.lv, views: { ...live, move } };
  const appended = [...snapshots, snapshot];
  const dropped = Math.max(0, appended.length - MAX_SNAPSHOTS);
  return { snapshots: appended.slice(dropped), cursor: cursor === null ? null : Math.max(0, cursor - dropped) };
}

/** ← : the step before the one shown (from live: the step before the current one). */
export function stepBack(history: StepHistory): StepHistory {
  const n = history.snapshots.length;
  if (n === 0) return history;
  const from = history.cursor ?? n - 1;
  const cursor = Math.max(0, from - 1);
  return cursor === history.cursor ? history : { ...history, cursor };
}

/** → in the history: the next step; past the newest snapshot it returns to live. */
export function stepForward(history: StepHistory): StepHistory {
  if (history.cursor === null) return history;
  const cursor = history.cursor + 1 >= history.snapshots.length - 1 ? null : history.cursor + 1;
  return { ...history, cursor };
}

/** The snapshot on screen, or null when the live state is shown. */
export function shownSnapshot(history: StepHistory): StepSnapshot | null {
  return history.cursor === null ? null : (history.snapshots[history.cursor] ?? null);
}
