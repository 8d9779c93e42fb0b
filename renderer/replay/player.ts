// Replays a recorded move (issue 19) into an AppStore, so every view (maps, diagram, dm stack,
// steps, log, figures) shows the state of any instant of it — the same store and the same
// views as a live move, fed from the recording instead of an engine.
//
// The player works on a scratch store of its own: it applies the initial answers and then the
// recorded events with the same setters the live bindings call (store/engineEvents.ts), and
// every KEYFRAME_EVERY events it keeps the engine-fed slices (plain immutable objects, so a
// keyframe is five references). Seeking to an instant restores the nearest keyframe at or
// before it and applies the few events after it; then the shown store gets those slices in
// one update. The UI's own state (selection, panes, presentation) is never touched.
import { isWriteEvent, type DmStreamEvent } from '../../app/api/dmStream';
import type { PayloadOf } from '../../app/api';
import type { RecordedEvent, RecordedStep, Recording } from '../../app/api/recording';
import { createAppStore, type AppState, type AppStore } from '../store';

/** Events between two keyframes: a seek applies at most this many (measured in bench/). */
export const KEYFRAME_EVERY = 64;

/** The slices the engine feeds; a seek replaces exactly these. */
type FedSlices = Pick<AppState, 'engine' | 'workspace' | 'devices' | 'move' | 'workload'>;

function fedSlices(s: AppState): FedSlices {
  return { engine: s.engine, workspace: s.workspace, devices: s.devices, move: s.move, workload: s.workload };
}

/** Puts `slices` into `store` (the dm follower restarts from their devices). */
export function restoreSlices(store: AppStore, slices: FedSlices): void {
  store.getState().restoreDevices(slices.devices);
  store.setState({ engine: slices.engine, workspace: slices.workspace, move: slices.move, workload: slices.workload });
}

/** What a window loads when it attaches (loadInitialState), from the recording's answers. */
export function applyInitial(store: AppStore, recording: Recording): void {
  const s = () => store.getState();
  const { initial } = recording;
  s().setEngineInfo(initial.engineInfo, { host: initial.engineInfo.host, workspacePath: initial.workspacePath, recentWorkspaces: [], demoFolder: false });
  s().setConnection('open');
  s().setLogHistory(initial.log);
  s().setWorkspaceImages(initial.workspacePath, initial.images);
  s().setWorkspaceView(initial.workspace);
  s().applyDmSnapshot(initial.dm);
  s().setMoveState(initial.move);
  if (initial.workload) s().setWorkloadStats(initial.workload);
}

/**
 * Applies recorded events `events[from..to)` as the live bindings would (bindEngineEvents):
 * consecutive dm events go in as one batch, as a delivered batch does.
 */
export function applyRecorded(store: AppStore, events: readonly RecordedEvent[], from: number, to: number): void {
  const s = () => store.getState();
  let i = from;
  while (i < to) {
    const r = events[i];
    if (r.name === 'dm.event') {
      const batch: DmStreamEvent[] = [];
      while (i < to && events[i].name === 'dm.event') batch.push(events[i++].payload as DmStreamEvent);
      s().applyDmEvents(batch);
      const writes = batch.filter(isWriteEvent);
      if (writes.length) s().addWriteEvents(writes);
      continue;
    }
    applyOne(store, r);
    i++;
  }
}

function applyOne(store: AppStore, r: RecordedEvent): void {
  const s = store.getState();
  switch (r.name) {
    case 'log':
      return s.appendLog([r.payload as PayloadOf<'log'>]);
    case 'workspace.changed':
      // A recording holds every change since its initial view, in order: each one fits.
      return void s.applyWorkspaceChange(r.payload as PayloadOf<'workspace.changed'>);
    case 'dm.changed':
      // A recording holds every dm.changed since its initial list, in order: each one follows.
      return void s.applyDmChange(r.payload as PayloadOf<'dm.changed'>);
    case 'move.state':
      return s.setMoveState(r.payload as PayloadOf<'move.state'>);
    case 'move.step':
      return s.applyStep(r.payload as PayloadOf<'move.step'>);
    case 'move.progress':
      return s.setProgress(r.payload as PayloadOf<'move.progress'>);
    case 'workload.stats':
      return s.setWorkloadStats(r.payload as PayloadOf<'workload.stats'>);
    case 'scenario.state':
      return s.setScenarioState(r.payload as PayloadOf<'scenario.state'>);
    default:
      return; // dm.event is batched by applyRecorded; ui.command is never recorded
  }
}

/** Where a seek goes: an instant (ms after the start), a step (0-based), or an event count. */
export type SeekTarget = { timeMs: number } | { step: number } | { event: number };

export interface ReplayPosition {
  /** Events applied (0 = the initial views only, `events.length` = the end). */
  event: number;
  timeMs: number;
  /** The step shown (the last one started at or before this instant), -1 before the first. */
  step: number;
}

/** The number of events at or before `timeMs` (binary search; times never go back). */
export function eventsUntil(events: readonly RecordedEvent[], timeMs: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (events[mid].timeMs <= timeMs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The step that event count `event` is in: the last step whose start is applied. */
export function stepAt(steps: readonly RecordedStep[], event: number): number {
  let found = -1;
  for (let i = 0; i < steps.length && steps[i].eventIndex < event; i++) found = i;
  return found;
}

export class ReplayPlayer {
  private readonly scratch = createAppStore();
  private readonly keyframes: FedSlices[] = [];
  /** Events applied to the scratch store. */
  private applied = 0;
  private current: ReplayPosition = { event: 0, timeMs: 0, step: -1 };
  private readonly listeners = new Set<(p: ReplayPosition) => void>();

  private readonly every: number;

  /** `options.keyframeEvery`: events between keyframes (Infinity: every seek replays from the start; the bench's baseline). */
  constructor(readonly recording: Recording, private readonly store: AppStore, options: { keyframeEvery?: number } = {}) {
    this.every = options.keyframeEvery ?? KEYFRAME_EVERY;
    applyInitial(this.scratch, recording);
    this.keyframes.push(fedSlices(this.scratch.getState()));
  }

  get position(): ReplayPosition {
    return this.current;
  }

  get eventCount(): number {
    return this.recording.events.length;
  }

  /** Shows the instant `target` in the store; returns where it landed. */
  seek(target: SeekTarget): ReplayPosition {
    const events = this.recording.events;
    const event = this.eventIndexOf(target);
    this.computeUntil(event);
    restoreSlices(this.store, fedSlices(this.scratch.getState()));
    const timeMs = 'timeMs' in target ? Math.max(0, Math.min(target.timeMs, this.recording.durationMs)) : event > 0 ? events[event - 1].timeMs : 0;
    this.current = { event, timeMs, step: stepAt(this.recording.steps, event) };
    for (const l of [...this.listeners]) l(this.current);
    return this.current;
  }

  /** → : the next step, at the end of its work (the recording's end after the last one). */
  nextStep(): ReplayPosition {
    const next = this.current.step + 1;
    return next < this.recording.steps.length ? this.seek({ step: next }) : this.seek({ event: this.eventCount });
  }

  /** ← : the step shown (its end, as a seek to it shows), or the one before when already there. */
  previousStep(): ReplayPosition {
    const { steps } = this.recording;
    const at = this.current.step;
    if (at < 0) return this.seek({ event: 0 });
    const atStep = this.current.event === steps[at].endEventCount;
    const target = atStep ? at - 1 : at;
    return target < 0 ? this.seek({ event: 0 }) : this.seek({ step: target });
  }

  onPosition(listener: (p: ReplayPosition) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  private eventIndexOf(target: SeekTarget): number {
    const n = this.eventCount;
    if ('event' in target) return Math.max(0, Math.min(n, Math.floor(target.event)));
    if ('step' in target) {
      const steps = this.recording.steps;
      if (steps.length === 0) return 0;
      const k = Math.max(0, Math.min(steps.length - 1, Math.floor(target.step)));
      return steps[k].endEventCount;
    }
    return eventsUntil(this.recording.events, target.timeMs);
  }

  /** Brings the scratch store to `event` events applied, from the nearest keyframe. */
  private computeUntil(event: number): void {
    const every = this.every;
    const known = this.keyframes.length > 1 ? (this.keyframes.length - 1) * every : 0;
    if (event < this.applied || this.applied < Math.min(event, known)) {
      const k = Math.min(Math.floor(event / every), this.keyframes.length - 1);
      restoreSlices(this.scratch, this.keyframes[k]);
      this.applied = k > 0 ? k * every : 0;
    }
    while (this.applied < event) {
      const nextKeyframe = (Math.floor(this.applied / every) + 1) * every;
      const to = Math.min(event, nextKeyframe);
      applyRecorded(this.scratch, this.recording.events, this.applied, to);
      this.applied = to;
      if (to === nextKeyframe && this.keyframes.length === to / every) this.keyframes.push(fedSlices(this.scratch.getState()));
    }
  }
}
