// The move as the engine reports it (move.state, move.step, move.progress, move.intercept),
// the plan the user is looking at (the plan dialog), and the settings of the next move
// (rate preset, region size, step mode). Intercepted writes are kept as a short bounded
// list with sequence numbers; the diagram's animation controller reads it.
import type { StateCreator } from 'zustand/vanilla';
import type { InterceptView, MovePlanView, MoveProgressView, MoveRequest, MoveStateView, StepView } from '../../app/api/move';
import type { AppState } from './index';

export const MAX_INTERCEPTS = 64;

/** The copy-rate presets: demo makes the seed's 4 MiB segment take about 20 s. */
export const RATE_PRESETS = { demo: 200 * 1024, unlimited: 0 } as const;
export type RatePreset = keyof typeof RATE_PRESETS | 'custom';

export interface MoveSettings {
  ratePreset: RatePreset;
  /** Bytes per second for the custom preset. */
  customRateBytesPerSec: number;
  regionSizeSectors: number;
  stepMode: boolean;
}

export interface MoveSlice {
  move: {
    state: MoveStateView | null;
    progress: MoveProgressView | null;
    intercepts: Array<InterceptView & { seq: number }>;
    interceptSeq: number;
    /** The plan dialog: the plan and the request it came from (null = closed). */
    planDialog: { request: MoveRequest; plan: MovePlanView } | null;
    settings: MoveSettings;
    error: string | null;
  };
  setMoveState(state: MoveStateView | null): void;
  applyStep(step: StepView): void;
  setProgress(progress: MoveProgressView): void;
  addIntercept(view: InterceptView): void;
  openPlan(request: MoveRequest, plan: MovePlanView): void;
  closePlan(): void;
  setMoveSettings(settings: Partial<MoveSettings>): void;
  setMoveError(message: string | null): void;
}

export function rateOf(settings: MoveSettings): number {
  return settings.ratePreset === 'custom' ? settings.customRateBytesPerSec : RATE_PRESETS[settings.ratePreset];
}

export const DEFAULT_MOVE_SETTINGS: MoveSettings = { ratePreset: 'demo', customRateBytesPerSec: 1024 * 1024, regionSizeSectors: 128, stepMode: false };

export const createMoveSlice: StateCreator<AppState, [], [], MoveSlice> = (set) => ({
  move: { state: null, progress: null, intercepts: [], interceptSeq: 0, planDialog: null, settings: DEFAULT_MOVE_SETTINGS, error: null },
  setMoveState: (state) => set((s) => ({ move: { ...s.move, state, progress: state ? state.progress : s.move.progress } })),
  applyStep: (step) =>
    set((s) => {
      const current = s.move.state;
      if (!current) return {};
      const steps = current.steps.map((x) => (x.number === step.number && x.lv === step.lv ? step : x));
      if (!steps.includes(step)) steps.push(step);
      return { move: { ...s.move, state: { ...current, steps, step: step.number, currentLv: step.lv } } };
    }),
  setProgress: (progress) => set((s) => ({ move: { ...s.move, progress } })),
  addIntercept: (view) =>
    set((s) => {
      const seq = s.move.interceptSeq + 1;
      return { move: { ...s.move, interceptSeq: seq, intercepts: [...s.move.intercepts, { ...view, seq }].slice(-MAX_INTERCEPTS) } };
    }),
  openPlan: (request, plan) => set((s) => ({ move: { ...s.move, planDialog: { request, plan }, error: null } })),
  closePlan: () => set((s) => ({ move: { ...s.move, planDialog: null } })),
  setMoveSettings: (settings) => set((s) => ({ move: { ...s.move, settings: { ...s.move.settings, ...settings } } })),
  setMoveError: (error) => set((s) => ({ move: { ...s.move, error } })),
});
