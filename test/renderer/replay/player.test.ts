// Proves that a recording replays a move exactly (issue 19). A live window (the real client,
// bindEngineEvents and loadInitialState, on a fresh store) watches the seed move with a
// workload on the simulated clock, and its views are kept at every event it has fully applied.
// The move's recording is read back, its events are checked to be exactly the ones the window
// received from the moment the move started, and the replayed store, seeked to each of those
// instants (forward, then backward, then at random), shows the same views.
import { describe, expect, it } from 'vitest';
import { createApiClient, type Transport } from '../../../app/api/client';
import { dispatch } from '../../../app/api/server';
import { parseRecording, type Recording } from '../../../app/api/recording';
import type { AppState } from '../../../renderer/store';
import { createAppStore } from '../../../renderer/store';
import { bindEngineEvents, loadInitialState } from '../../../renderer/store/engineEvents';
import { eventsUntil, ReplayPlayer } from '../../../renderer/replay/player';
import { recordMove, simEngine, type SimEngine } from '../../helpers/recordedMove';

/** What the views render: the engine-fed state (not the panel's flash of the newest change). */
function viewsOf(s: AppState) {
  return {
    info: s.engine.info,
    log: s.engine.log,
    workspace: s.workspace.view,
    images: s.workspace.images,
    devices: s.devices.list,
    dmSeq: s.devices.seq,
    move: s.move.state,
    progress: s.move.progress,
    writes: s.move.writes,
    figures: s.move.figures,
    settings: s.move.settings,
    workload: s.workload.stats,
  };
}
type Views = ReturnType<typeof viewsOf>;

/**
 * A window on the engine without a wire in between: every event is delivered on its own, as it
 * is emitted, and the window's views are kept whenever every event delivered so far has been
 * applied (dm events are applied in a microtask, as a delivered batch is).
 */
function liveWindow(t: SimEngine) {
  const received: Array<{ name: string; payload: unknown }> = [];
  const shown = new Map<number, Views>();
  const store = createAppStore();
  let dmPending = 0;
  const keep = () => {
    if (dmPending === 0) shown.set(received.length, viewsOf(store.getState()));
  };
  const transport: Transport = {
    call: (method, params) => dispatch(t.engine.handlers, method, params),
    onEvent(listener) {
      return t.engine.subscribe((name, payload) => {
        received.push({ name, payload: JSON.parse(JSON.stringify(payload)) });
        if (name === 'dm.event') {
          dmPending++;
          listener(name, [payload]);
          queueMicrotask(() => {
            dmPending--;
            keep();
          });
        } else listener(name, [payload]);
        keep();
      });
    },
  };
  const client = createApiClient(transport);
  bindEngineEvents(client, store);
  store.subscribe(keep);
  return { client, store, received, shown };
}

/** Where the recording starts among the events the window received (they must then agree). */
function offsetIn(received: Array<{ name: string; payload: unknown }>, recording: Recording): number {
  const first = recording.events[0];
  for (let o = 0; o + recording.events.length <= received.length; o++) {
    if (received[o].name === first.name && JSON.stringify(received[o].payload) === JSON.stringify(first.payload)) return o;
  }
  throw new Error('the recording\'s first event was never received by the window');
}

async function recordedWithWindow() {
  const t = await simEngine();
  const live = liveWindow(t);
  await t.run(loadInitialState(live.client, live.store));
  const text = await recordMove(t);
  await t.run(t.engine.dispose());
  const recording = parseRecording(text);
  return { live, recording, text };
}

describe('replaying a recorded move', () => {
  it('holds every event the window received from the start of the move, in order, with the same payloads', async () => {
    const { live, recording } = await recordedWithWindow();
    const o = offsetIn(live.received, recording);
    const received = live.received.slice(o, o + recording.events.length);
    expect(recording.events.map((e) => e.name)).toEqual(received.map((r) => r.name));
    expect(recording.events.map((e) => e.payload)).toEqual(received.map((r) => r.payload));
    expect(recording.steps.length).toBeGreaterThanOrEqual(8);
    expect(recording.header.move).toMatchObject({ kind: 'start', request: { vg: 'vg0', sources: ['pv2'], destinations: ['pv4'] } });
  }, 120_000);

  it('shows at every event, seeked forward, backward and at random, the views the live window showed then', async () => {
    const { live, recording } = await recordedWithWindow();
    const o = offsetIn(live.received, recording);
    const replayed = createAppStore();
    const player = new ReplayPlayer(recording, replayed);
    const instants = [...live.shown.keys()].filter((c) => c >= o && c <= o + recording.events.length).sort((a, b) => a - b);
    // Nearly every event leaves the window consistent (only dm events within one task share an instant).
    expect(instants.length).toBeGreaterThan(recording.events.length * 0.5);
    const check = (c: number) => {
      player.seek({ event: c - o });
      expect(viewsOf(replayed.getState()), `after event ${c - o} of ${recording.events.length}`).toEqual(live.shown.get(c));
    };
    for (const c of instants) check(c);
    for (const c of [...instants].reverse()) check(c);
    let x = 12345;
    for (let i = 0; i < 200; i++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      check(instants[x % instants.length]);
    }
  }, 240_000);

  it('seeks to a step, to an instant and by ← / → step by step, and says where it is', async () => {
    const { recording } = await recordedWithWindow();
    const store = createAppStore();
    const player = new ReplayPlayer(recording, store);
    const suspend = recording.steps.findIndex((s) => s.stepId.endsWith('/suspend'));
    // A step is shown at the end of its work, while it is still the current step: suspended.
    expect(player.seek({ step: suspend })).toMatchObject({ step: suspend, event: recording.steps[suspend].endEventCount });
    expect(store.getState().move.state?.steps.find((s) => s.id === recording.steps[suspend].stepId)?.state).toBe('running');
    expect(store.getState().devices.list.find((d) => d.name === 'vg0-lv0')?.state).toBe('SUSPENDED');
    const half = recording.durationMs / 2;
    expect(player.seek({ timeMs: half }).event).toBe(eventsUntil(recording.events, half));
    player.seek({ event: 0 });
    const seen: string[] = [];
    for (let i = 0; i < recording.steps.length; i++) seen.push(recording.steps[player.nextStep().step].stepId);
    expect(seen).toEqual(recording.steps.map((s) => s.stepId));
    expect(player.nextStep().event).toBe(recording.events.length);
    expect(store.getState().move.state?.status).toBe('done');
    const back: number[] = [];
    for (let i = 0; i < recording.steps.length; i++) back.push(player.previousStep().step);
    expect(back).toEqual(recording.steps.map((_, i) => recording.steps.length - 1 - i));
    expect(player.previousStep()).toMatchObject({ event: 0, step: -1 });
    expect(store.getState().move.state).toBeNull();
  }, 120_000);
});
