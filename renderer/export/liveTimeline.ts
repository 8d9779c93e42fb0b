// The live diagram's timeline, kept so it can be exported as a video after the fact. Every
// change of what the move diagram draws (workspace view, dm devices, move state, progress,
// held writes, the selected LV) is stored with the instant this window saw it: the views are
// the store's own immutable objects, so a change costs one array entry, never a copy or a
// picture. A video of the live diagram is then made frame by frame from these views, exactly
// like a recording's replay: at any size and speed, and the same whatever the machine was
// doing while the move ran (a screen capture would drop frames on a busy machine, and would
// have had to start before the move).
import type { AppState, AppStore } from '../store';
import { isMoveActive } from '../store/moveSlice';

/** What the move diagram reads from the store, as it was at one instant. */
export interface DiagramViews {
  workspace: AppState['workspace'];
  devices: AppState['devices'];
  move: AppState['move'];
  selection: AppState['ui']['selection'];
}

export interface TimelineEntry {
  /** When this window saw it, ms on the timeline's clock. */
  atMs: number;
  views: DiagramViews;
}

/** A stretch of views to export: `entries[0]` holds from `startMs`; the video ends at `startMs + durationMs`. */
export interface FrozenTimeline {
  entries: readonly TimelineEntry[];
  startMs: number;
  durationMs: number;
  /** The move it shows (null: no move was seen; the video shows the diagram as it is). */
  moveId: number | null;
}

/**
 * At most this many changes are kept (a move reports ≤ 30 times a second: 11 minutes of it);
 * past it the oldest fifth is dropped at once, so appending stays O(1) on average.
 */
export const MAX_ENTRIES = 20_000;
const KEPT_AFTER_TRIM = Math.floor(MAX_ENTRIES * 0.8);
/** The diagram as it was just before a move starts, shown this long at the start of the video. */
export const LEAD_IN_MS = 1000;
/** The end state, held this long at the end of the video of a move that ended. */
export const TAIL_MS = 2000;

function sameViews(a: DiagramViews, b: DiagramViews): boolean {
  return a.workspace.view === b.workspace.view && a.devices.list === b.devices.list && a.move.state === b.move.state && a.move.progress === b.move.progress && a.move.writes === b.move.writes && a.move.settings.stack === b.move.settings.stack && a.selection === b.selection;
}

export function viewsOf(s: AppState): DiagramViews {
  return { workspace: s.workspace, devices: s.devices, move: s.move, selection: s.ui.selection };
}

const moveIdOf = (views: DiagramViews) => views.move.state?.id ?? null;

/**
 * The timeline after `views` were seen at `atMs`: unchanged views add nothing; a new move
 * starts a new timeline, led in by the diagram as it was just before (at most LEAD_IN_MS
 * before the move's first view), so a video of "the last move" does not begin with minutes
 * of an idle diagram. Appends in place (a change arrives up to 30 times a second) and returns
 * the array to keep: the same one, or a new one when a new move starts.
 */
export function appendViews(entries: TimelineEntry[], views: DiagramViews, atMs: number): TimelineEntry[] {
  const last = entries.at(-1);
  if (last && sameViews(last.views, views)) return entries;
  const entry = { atMs, views };
  const id = moveIdOf(views);
  if (last && id !== null && moveIdOf(last.views) !== id) {
    return [{ atMs: Math.max(last.atMs, atMs - LEAD_IN_MS), views: last.views }, entry];
  }
  entries.push(entry);
  if (entries.length > MAX_ENTRIES) entries.splice(0, entries.length - KEPT_AFTER_TRIM);
  return entries;
}

/** The index of the entry shown at `atMs`: the last one seen at or before it (the first before the start). */
export function entryIndexAt(entries: readonly TimelineEntry[], atMs: number): number {
  let lo = 0;
  let hi = entries.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (entries[mid].atMs <= atMs) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * What to export now: the whole timeline, ending now while a move is under way (the video
 * shows it so far), else TAIL_MS after the last change (the end state, held).
 */
export function freezeTimeline(entries: readonly TimelineEntry[], nowMs: number, active: boolean): FrozenTimeline | null {
  const first = entries[0];
  const last = entries.at(-1);
  if (!first || !last) return null;
  const endMs = active ? Math.max(nowMs, last.atMs) : last.atMs + TAIL_MS;
  return { entries: [...entries], startMs: first.atMs, durationMs: endMs - first.atMs, moveId: moveIdOf(last.views) };
}

/** Follows a store and keeps its timeline (one per window, from the moment it starts). */
export class LiveTimeline {
  private entries: TimelineEntry[] = [];
  private readonly unsubscribe: () => void;

  constructor(private readonly store: AppStore, private readonly now: () => number = () => performance.now()) {
    this.record();
    this.unsubscribe = store.subscribe(() => this.record());
  }

  private record(): void {
    this.entries = appendViews(this.entries, viewsOf(this.store.getState()), this.now());
  }

  /** The timeline to export as it is now (later changes do not alter it). */
  freeze(): FrozenTimeline | null {
    const move = this.store.getState().move.state;
    return freezeTimeline(this.entries, this.now(), move !== null && isMoveActive(move.status));
  }

  stop(): void {
    this.unsubscribe();
  }
}

/** Puts one instant's views into a store (the off-screen diagram of a video export reads them). */
export function showViews(store: AppStore, views: DiagramViews): void {
  store.setState((s) => ({ workspace: views.workspace, devices: views.devices, move: views.move, ui: { ...s.ui, selection: views.selection } }));
}

/** A frozen timeline as a video source: instant `atMs` shows the views seen last at or before it. */
export function timelineSource(timeline: FrozenTimeline): { durationMs: number; showAt(store: AppStore, atMs: number): void } {
  return {
    durationMs: timeline.durationMs,
    showAt: (store, atMs) => showViews(store, timeline.entries[entryIndexAt(timeline.entries, timeline.startMs + atMs)].views),
  };
}
