// The move as the engine reports it (move.state, move.step, move.progress, and the held
// writes of the dm event stream), the plan the user is looking at (the plan dialog), and the
// settings of the next move (device stack, rate preset, region size, lvm2's maximum segment
// size, step mode). Held writes (intercepted,
// released, on both legs) are kept as a short bounded list in stream order; the diagram's
// animation controller reads it.
import type { StateCreator } from 'zustand/vanilla';
import type { MirrorProgressView, MovePlanView, MoveProgressView, MoveRequest, MoveStack, MoveStateView, StepView } from '../../app/api/move';
import type { WriteEvent } from '../../app/api/dmStream';
import type { AppState } from './index';
import { mergeMoveState, withStep } from './stepList';
import { endStateBeforeMove, isNewMove } from './lifetimes';

/** Held-write events kept for the animation (the newest; each is drawn for a few seconds at most). */
export const MAX_WRITE_EVENTS = 64;

/** The copy-rate presets: demo makes the seed's 4 MiB segment take about 20 s. */
export const RATE_PRESETS = { demo: 200 * 1024, unlimited: 0 } as const;
export type RatePreset = keyof typeof RATE_PRESETS | 'custom';

/**
 * What the figures remember of the current move (high-water marks): the engine's progress
 * drops its mirrors once a run is checkpointed, but "regions 64 / 64" is still true afterwards.
 */
export interface FigureMemory {
  moveId: number | null;
  /** Regions of each mirror seen, keyed `device@targetStartSector`. */
  regionsTotal: Record<string, number>;
}

export const EMPTY_FIGURES: FigureMemory = { moveId: null, regionsTotal: {} };

/** The memory after `progress` of move `moveId` arrived (a new move id starts afresh). */
export function rememberFigures(prev: FigureMemory, moveId: number | null, progress: MoveProgressView | null): FigureMemory {
  const base = prev.moveId === moveId ? prev : { ...EMPTY_FIGURES, moveId };
  if (!progress) return base;
  let regionsTotal = base.regionsTotal;
  for (const m of progress.mirrors) {
    const key = `${m.device}@${m.targetStartSector}`;
    if (regionsTotal[key] !== m.regionsTotal) regionsTotal = { ...regionsTotal, [key]: m.regionsTotal };
  }
  return regionsTotal === base.regionsTotal ? base : { moveId, regionsTotal };
}

/** Regions copied / total as shown: the mirrors drawn, else (move done) every region the move had. */
export function regionsFigure(mirrors: readonly MirrorProgressView[], status: MoveStateView['status'] | null, figures: FigureMemory): string {
  if (mirrors.length > 0) {
    const copied = mirrors.reduce((n, m) => n + m.regionsCopied, 0);
    const total = mirrors.reduce((n, m) => n + m.regionsTotal, 0);
    return total ? `${copied} / ${total}` : '—';
  }
  const total = Object.values(figures.regionsTotal).reduce((n, t) => n + t, 0);
  return status === 'done' && total > 0 ? `${total} / ${total}` : '—';
}

/** The word shown for a step: the engine keeps a paused copy's step `running`, a presenter wants to read `paused`. */
export function stepStateLabel(state: StepView['state'], moveStatus: MoveStateView['status'] | null): string {
  return state === 'running' && moveStatus === 'paused' ? 'paused' : state;
}

export interface MoveSettings {
  /** The device stack of the next move (the outline is the default, as in the scenarios). */
  stack: MoveStack;
  /** lvm2 only: pvmove0's segments are split so none is larger (null = LVM2's default, no limit). */
  maxSegmentSizeMiB: number | null;
  /**
   * lvm2 only: `pvmove --atomic`, one mirror over every segment, so everything moves or nothing
   * does. Never checkpointed, so it excludes a maximum segment size (the engine refuses both).
   */
  atomic: boolean;
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
    writes: WriteEvent[];
    /** The plan dialog: the plan and the request it came from (null = closed). */
    planDialog: { request: MoveRequest; plan: MovePlanView } | null;
    settings: MoveSettings;
    error: string | null;
    figures: FigureMemory;
  };
  setMoveState(state: MoveStateView | null): void;
  applyStep(step: StepView): void;
  setProgress(progress: MoveProgressView): void;
  addWriteEvents(events: readonly WriteEvent[]): void;
  openPlan(request: MoveRequest, plan: MovePlanView): void;
  closePlan(): void;
  setMoveSettings(settings: Partial<MoveSettings>): void;
  setMoveError(message: string | null): void;
}

export function rateOf(settings: MoveSettings): number {
  return settings.ratePreset === 'custom' ? settings.customRateBytesPerSec : RATE_PRESETS[settings.ratePreset];
}

/** The move is still under way (the engine can pause, resume, abort or step it). */
export function isMoveActive(status: MoveStateView['status']): boolean {
  return status === 'running' || status === 'paused' || status === 'waiting-step' || status === 'aborting';
}

/** The rate settings that show `rateBytesPerSec` (a preset when it is one, else custom). */
export function rateSettingsOf(rateBytesPerSec: number): Pick<MoveSettings, 'ratePreset'> & Partial<MoveSettings> {
  if (rateBytesPerSec === RATE_PRESETS.unlimited) return { ratePreset: 'unlimited' };
  if (rateBytesPerSec === RATE_PRESETS.demo) return { ratePreset: 'demo' };
  return { ratePreset: 'custom', customRateBytesPerSec: rateBytesPerSec };
}

/**
 * The controls of a move under way show what the engine does, whichever window changed it: a
 * window that attaches shows the move's own rate and step mode, and a change made in another
 * window shows here too. Only a change of the engine's value (or another move) is followed, so
 * a report still on its way with the old rate does not undo a click made here.
 */
export function followMove(settings: MoveSettings, previous: MoveStateView | null, previousProgress: MoveProgressView | null, state: MoveStateView, progress: MoveProgressView | null): MoveSettings {
  if (!isMoveActive(state.status)) return settings;
  const another = !previous || previous.id !== state.id || !isMoveActive(previous.status);
  let next = settings;
  if ((another || previous.stepMode !== state.stepMode) && settings.stepMode !== state.stepMode) next = { ...next, stepMode: state.stepMode };
  // A recorded snapshot may carry no progress (a move replayed before its first report).
  if (!progress) return next;
  const rate = progress.rateBytesPerSec;
  if ((another || previousProgress?.rateBytesPerSec !== rate) && rateOf(next) !== rate) next = { ...next, ...rateSettingsOf(rate) };
  return next;
}

/**
 * `next` with the steps, plan and pvmove0 layer of `prev` where they are equal: the engine sends
 * the whole move view with every progress report (several a second), and views that show the
 * steps or the layer compare these by identity (sameMoveShape) to skip a render.
 */
export function withSameParts(prev: MoveStateView | null, next: MoveStateView): MoveStateView {
  if (!prev || prev === next || prev.id !== next.id) return next;
  const steps = sameJson(prev.steps, next.steps) ? prev.steps : next.steps;
  const plan = sameJson(prev.plan, next.plan) ? prev.plan : next.plan;
  const layer = sameJson(prev.layer, next.layer) ? prev.layer : next.layer;
  return steps === next.steps && plan === next.plan && layer === next.layer ? next : { ...next, steps, plan, layer };
}

function sameJson(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The same move as far as its steps, plan, layer, status and settings go (the progress inside
 * may differ: views using this read progress from `move.progress`, never from the state).
 */
export function sameMoveShape(a: MoveStateView | null, b: MoveStateView | null): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return a.id === b.id && a.status === b.status && a.stack === b.stack && a.stepMode === b.stepMode && a.currentLv === b.currentLv && a.step === b.step && a.error === b.error && a.vg === b.vg && a.steps === b.steps && a.plan === b.plan && a.layer === b.layer;
}

export const DEFAULT_MOVE_SETTINGS: MoveSettings = { stack: 'outline', maxSegmentSizeMiB: null, atomic: false, ratePreset: 'demo', customRateBytesPerSec: 1024 * 1024, regionSizeSectors: 128, stepMode: false };

export const createMoveSlice: StateCreator<AppState, [], [], MoveSlice> = (set, get) => ({
  move: { state: null, progress: null, writes: [], planDialog: null, settings: DEFAULT_MOVE_SETTINGS, error: null, figures: EMPTY_FIGURES },
  setMoveState: (state) => {
    const previous = get().move.state;
    set((s) => {
      // No move (a workspace was just opened, or reopened after a crash): nothing of an
      // earlier move's progress or figures may stay on screen.
      if (!state) return { move: { ...s.move, state: null, progress: null, writes: [], figures: EMPTY_FIGURES } };
      const merged = withSameParts(s.move.state, mergeMoveState(s.move.state, state));
      // An older view than the one shown (it waited in a batch while an answer overtook it).
      if (merged === s.move.state) return {};
      const settings = followMove(s.move.settings, s.move.state, s.move.progress, merged, merged.progress);
      return { move: { ...s.move, state: merged, progress: merged.progress, settings, figures: rememberFigures(s.move.figures, merged.id, merged.progress) } };
    });
    if (state && isMoveActive(state.status) && isNewMove(previous, state, isMoveActive)) endStateBeforeMove(get, set);
  },
  applyStep: (step) =>
    set((s) => {
      const current = s.move.state;
      return current ? { move: { ...s.move, state: withStep(current, step) } } : {};
    }),
  setProgress: (progress) =>
    set((s) => {
      const settings = s.move.state ? followMove(s.move.settings, s.move.state, s.move.progress, s.move.state, progress) : s.move.settings;
      return { move: { ...s.move, progress, settings, figures: rememberFigures(s.move.figures, s.move.state?.id ?? s.move.figures.moveId, progress) } };
    }),
  addWriteEvents: (events) => set((s) => ({ move: { ...s.move, writes: [...s.move.writes, ...events].slice(-MAX_WRITE_EVENTS) } })),
  openPlan: (request, plan) => set((s) => ({ move: { ...s.move, planDialog: { request, plan }, error: null } })),
  closePlan: () => set((s) => ({ move: { ...s.move, planDialog: null } })),
  setMoveSettings: (settings) => set((s) => ({ move: { ...s.move, settings: { ...s.move.settings, ...settings } } })),
  setMoveError: (error) => set((s) => ({ move: { ...s.move, error } })),
});
