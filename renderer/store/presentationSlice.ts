// Presentation mode, scenarios and export (issue 7): the step history ← / → walks through,
// whether the presenter hint line shows, the demo scenarios (scenario.list) and the one
// running (scenario.state events), and the last export error. The `presentation` flag itself
// lives in uiSlice (the native menu toggles it).
import type { StateCreator } from 'zustand/vanilla';
import type { ScenarioStateView, ScenarioSummary } from '../../app/api/scenario';
import { EMPTY_HISTORY, recordLive, stepBack, stepForward, type StepHistory } from '../presentation/history';
import type { AppState } from './index';

export interface PresentationSlice {
  presenting: {
    history: StepHistory;
    hintVisible: boolean;
    scenarios: ScenarioSummary[];
    scenario: ScenarioStateView | null;
    /** Where the running scenario's workspace is (a folder beside the host's workspace). */
    scenarioPath: string | null;
    error: string | null;
  };
  /** Records the store's live views into the current step's snapshot (no-op if unchanged). */
  recordStepSnapshot(): void;
  historyBack(): void;
  historyForward(): void;
  historyLive(): void;
  toggleHint(): void;
  setScenarios(list: ScenarioSummary[]): void;
  setScenarioState(state: ScenarioStateView | null, path?: string | null): void;
  setPresentingError(message: string | null): void;
}

export const createPresentationSlice: StateCreator<AppState, [], [], PresentationSlice> = (set, get) => {
  const setHistory = (history: StepHistory) => {
    if (history !== get().presenting.history) set((s) => ({ presenting: { ...s.presenting, history } }));
  };
  return {
    presenting: { history: EMPTY_HISTORY, hintVisible: true, scenarios: [], scenario: null, scenarioPath: null, error: null },
    recordStepSnapshot() {
      const s = get();
      setHistory(recordLive(s.presenting.history, { workspace: s.workspace.view, devices: s.devices.list, move: s.move.state, progress: s.move.progress }));
    },
    historyBack: () => setHistory(stepBack(get().presenting.history)),
    historyForward: () => setHistory(stepForward(get().presenting.history)),
    historyLive: () => setHistory({ ...get().presenting.history, cursor: null }),
    toggleHint: () => set((s) => ({ presenting: { ...s.presenting, hintVisible: !s.presenting.hintVisible } })),
    setScenarios: (scenarios) => set((s) => ({ presenting: { ...s.presenting, scenarios } })),
    setScenarioState: (scenario, path) => set((s) => ({ presenting: { ...s.presenting, scenario, scenarioPath: path === undefined ? s.presenting.scenarioPath : path } })),
    setPresentingError: (error) => set((s) => ({ presenting: { ...s.presenting, error } })),
  };
};
