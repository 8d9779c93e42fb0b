// Every piece of UI state belongs to a workspace, a move or a scenario, and ends with it
// (issue 16): what the user saw of one workspace (the Verify result, the selection, the
// presentation's step history, a finished scenario's caption, a move's error sentence, an open
// plan) must not be shown as if it were true of the next one, and a finished scenario's
// caption must not narrate a move the user started by hand afterwards. The slices' setters
// call these rules when a workspace is shown or a move starts; tests drive them on a vanilla
// store.
import type { MoveStateView } from '../../app/api/move';
import type { WorkspaceView } from '../../app/api/views';
import { EMPTY_HISTORY } from '../presentation/history';
import type { Selection } from './selection';
import type { AppState } from './index';

type Get = () => AppState;
type Set = (partial: Partial<AppState> | ((s: AppState) => Partial<AppState>)) => void;

/** Whether two workspace paths name the same folder as typed (trailing separators aside). */
export function sameFolder(a: string, b: string): boolean {
  const trim = (p: string) => (p.length > 1 ? p.replace(/[\\/]+$/, '') : p);
  return trim(a) === trim(b);
}

/** Another workspace is shown: what belonged to the one before ends. */
export function endWorkspaceState(get: Get, set: Set, path: string): void {
  set((s) => {
    const scenarioHere = s.presenting.scenarioPath !== null && sameFolder(s.presenting.scenarioPath, path);
    return {
      workload: { ...s.workload, verify: null, verifying: false, error: null },
      presenting: { ...s.presenting, history: EMPTY_HISTORY, scenario: scenarioHere ? s.presenting.scenario : null, scenarioPath: scenarioHere ? s.presenting.scenarioPath : null, error: null },
      move: { ...s.move, planDialog: null, error: null },
    };
  });
  if (get().ui.selection) get().select(null);
}

/** The workspace's view changed (a commit, a move's step): a selection of what is gone ends. */
export function dropVanishedSelection(get: Get, view: WorkspaceView): void {
  const selection = get().ui.selection;
  if (selection && !selectionExists(selection, view)) get().select(null);
}

/** Whether `selection` still names something of the workspace: its PV, and its LV's extents there. */
export function selectionExists(selection: Selection, view: WorkspaceView): boolean {
  for (const vg of view.vgs) {
    const pv = vg.pvs.find((p) => p.name === selection.pv);
    if (!pv) continue;
    if (selection.kind === 'pv') return true;
    if (selection.startPe + selection.count > pv.peCount) return false;
    if (selection.kind === 'range') return true;
    const end = selection.startPe + selection.count;
    return pv.runs.some((r) => r.lv === selection.lv && r.startPe < end && selection.startPe < r.startPe + r.count);
  }
  return false;
}

/**
 * Whether `next` is another move than `previous`: another id, or a move under way where the
 * previous one had ended (ids start again at 1 in a workspace reopened after a crash).
 */
export function isNewMove(previous: MoveStateView | null, next: MoveStateView, active: (status: MoveStateView['status']) => boolean): boolean {
  return !previous || previous.id !== next.id || (!active(previous.status) && active(next.status));
}

/**
 * A move started (here or in another window): the selection it was made from, the Verify
 * result of the layout before it and a finished scenario's caption end. A scenario that is
 * still running started this move itself, so its caption stays.
 */
export function endStateBeforeMove(get: Get, set: Set): void {
  set((s) => ({
    workload: { ...s.workload, verify: null },
    presenting: s.presenting.scenario && s.presenting.scenario.status !== 'running' ? { ...s.presenting, scenario: null } : s.presenting,
  }));
  if (get().ui.selection) get().select(null);
}
