// Proves the live diagram's timeline: a store change that alters what the diagram draws adds
// one entry holding the store's own objects (no copy), other changes add none; a new move
// starts a new timeline led in by the diagram as it was just before (at most LEAD_IN_MS);
// the timeline is bounded; the view shown at any instant is the last one seen at or before
// it; a frozen timeline ends now while the move runs, else TAIL_MS after its last change;
// and as a video source it puts each instant's views into another store.
import { describe, expect, it } from 'vitest';
import type { MoveStateView } from '../../../app/api/move';
import { createAppStore } from '../../../renderer/store';
import { appendViews, entryIndexAt, freezeTimeline, LEAD_IN_MS, LiveTimeline, MAX_ENTRIES, TAIL_MS, timelineSource, viewsOf, type TimelineEntry } from '../../../renderer/export/liveTimeline';

const moveOf = (id: number, status: MoveStateView['status'] = 'running'): MoveStateView => ({ id, vg: 'vg0', stack: 'outline', status, stepMode: false, plan: { lvs: ['lv0'] } as MoveStateView['plan'], currentLv: 'lv0', step: null, steps: [], layer: null, progress: null, error: null } as unknown as MoveStateView);

function clocked() {
  let now = 0;
  const store = createAppStore();
  const timeline = new LiveTimeline(store, () => now);
  return { store, timeline, at: (ms: number) => (now = ms) };
}

describe('the live timeline', () => {
  it('adds one entry per change of what the diagram draws, holding the store objects themselves', () => {
    const { store, timeline, at } = clocked();
    at(100);
    store.getState().setMoveState(moveOf(1));
    at(150);
    store.getState().setTheme('dark'); // not drawn by the diagram
    at(200);
    store.getState().setDevices([]);
    const frozen = timeline.freeze()!;
    expect(frozen.entries.map((e) => e.atMs)).toEqual([0, 100, 200]);
    expect(frozen.entries[2].views.move).toBe(store.getState().move);
  });

  it('starts again at a new move, led in by the diagram just before it (at most LEAD_IN_MS earlier)', () => {
    const { store, timeline, at } = clocked();
    at(1000);
    store.getState().setMoveState(moveOf(1, 'done'));
    at(90_000);
    store.getState().setMoveState(moveOf(2));
    const frozen = timeline.freeze()!;
    expect(frozen.entries.map((e) => [e.atMs, e.views.move.state?.id])).toEqual([[90_000 - LEAD_IN_MS, 1], [90_000, 2]]);
    expect(frozen.moveId).toBe(2);
  });

  it('keeps at most MAX_ENTRIES changes, dropping the oldest fifth at once when full', () => {
    const views = viewsOf(createAppStore().getState());
    // Each entry a different devices list, so each is a change.
    let entries: TimelineEntry[] = [];
    let longest = 0;
    for (let i = 0; i < MAX_ENTRIES + 5; i += 1) {
      entries = appendViews(entries, { ...views, devices: { ...views.devices, list: [] } }, i);
      longest = Math.max(longest, entries.length);
    }
    expect(longest).toBe(MAX_ENTRIES);
    expect(entries.length).toBe(MAX_ENTRIES * 0.8 + 4);
    expect(entries.at(-1)!.atMs).toBe(MAX_ENTRIES + 4);
    expect(entries[0].atMs).toBe(MAX_ENTRIES + 4 - (entries.length - 1));
  });

  it('shows at any instant the last views seen at or before it', () => {
    const e = (atMs: number) => ({ atMs }) as TimelineEntry;
    const entries = [e(0), e(100), e(100), e(250)];
    expect([-5, 0, 99, 100, 249, 250, 9999].map((t) => entryIndexAt(entries, t))).toEqual([0, 0, 0, 2, 2, 3, 3]);
  });

  it('ends now while the move runs, else holds the end state for TAIL_MS', () => {
    const e = (atMs: number) => ({ atMs, views: viewsOf(createAppStore().getState()) });
    expect(freezeTimeline([e(10), e(500)], 2000, true)!.durationMs).toBe(1990);
    expect(freezeTimeline([e(10), e(500)], 2000, false)!.durationMs).toBe(490 + TAIL_MS);
    expect(freezeTimeline([], 2000, false)).toBeNull();
  });

  it('as a video source, puts the views of each instant into the store it is given', () => {
    const { store, timeline, at } = clocked();
    at(100);
    store.getState().setMoveState(moveOf(1));
    at(300);
    store.getState().setMoveState(moveOf(1, 'done'));
    const source = timelineSource(timeline.freeze()!);
    const target = createAppStore();
    source.showAt(target, 150);
    expect(target.getState().move.state?.status).toBe('running');
    source.showAt(target, 350);
    expect(target.getState().move.state?.status).toBe('done');
    expect(source.durationMs).toBe(300 + TAIL_MS);
  });
});
