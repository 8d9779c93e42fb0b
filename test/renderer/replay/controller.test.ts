// Proves what the app does with recordings, without a browser (issue 19): a damaged, cut-short
// or foreign file leaves the window as it was with one sentence naming the line; while a
// recording is shown the engine's calls are refused with a sentence and its events are held
// back (menu commands still pass), and closing it lets them through and reloads the live
// state; a window with no engine answers a window's reads from the recording; two recordings
// compared go step by step in lockstep, the shorter one waiting at its end.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { ApiClient } from '../../../app/api';
import type { EventName } from '../../../app/api/contract';
import { parseRecording } from '../../../app/api/recording';
import { createAppStore } from '../../../renderer/store';
import { ReplayController, replayGuard } from '../../../renderer/replay/controller';
import { recordingClient } from '../../../renderer/replay/recordingClient';
import { recordMove, simEngine } from '../../helpers/recordedMove';

let texts: { outline: string; lvm2: string } | null = null;
async function recordings() {
  if (!texts) {
    const a = await simEngine();
    const outline = await recordMove(a, undefined, { rateBytesPerSec: 0, regionSizeSectors: 128 }, null);
    await a.run(a.engine.dispose());
    const b = await simEngine();
    const lvm2 = await recordMove(b, undefined, { stack: 'lvm2', rateBytesPerSec: 0, regionSizeSectors: 128 }, null);
    await b.run(b.engine.dispose());
    texts = { outline, lvm2 };
  }
  return texts;
}

const file = (text: string, name = 'move.lvmrec') => Object.assign(new Blob([text]), { name });

/** A client that records calls and lets the test emit events. */
function fakeEngineClient() {
  const calls: string[] = [];
  const listeners = new Map<string, Array<(p: unknown) => void>>();
  const client: ApiClient = {
    call: (async (method: string) => (calls.push(method), { ok: true, value: {} })) as ApiClient['call'],
    invoke: (async () => ({})) as ApiClient['invoke'],
    on: ((name: string, l: (p: unknown) => void) => {
      listeners.set(name, [...(listeners.get(name) ?? []), l]);
      return { dispose: () => undefined };
    }) as ApiClient['on'],
    dispose: () => undefined,
  };
  const emit = (name: EventName, payload: unknown) => (listeners.get(name) ?? []).forEach((l) => l(payload));
  return { client, calls, emit };
}

describe('opening recordings in the window', () => {
  it('leaves the window as it was, with one sentence naming the line, for a cut-short or damaged file', async () => {
    const { outline } = await recordings();
    const store = createAppStore();
    const controller = new ReplayController(store, null);
    await fc.assert(
      fc.asyncProperty(fc.nat(outline.length - 1), fc.constantFrom('cut', 'flip'), async (at, how) => {
        const damaged = how === 'cut' ? outline.slice(0, at) : outline.slice(0, at) + '\u0001' + outline.slice(at + 1);
        const message = await controller.openFile(file(damaged));
        if (message === null) return; // a cut at a line's end is a shorter, whole recording
        expect(message).toMatch(/^This is not a readable lvmscope recording: line \d+ |^This recording/);
        expect(store.getState().replay.error).toBe(message);
      }),
      { numRuns: 40 },
    );
    const fresh = createAppStore();
    const refused = await new ReplayController(fresh, null).openFile(file('{"not":"a recording"}\n'));
    expect(refused).toMatch(/line 1 does not name the format/);
    expect(fresh.getState().replay.info).toBeNull();
    expect(fresh.getState().workspace.view).toBeUndefined();
  }, 120_000);

  it('refuses engine calls and holds engine events back while a recording is shown, and reloads the live state when it closes', async () => {
    const { outline } = await recordings();
    const store = createAppStore();
    const engine = fakeEngineClient();
    const guarded = replayGuard(engine.client, store);
    const seen: string[] = [];
    guarded.on('log', () => seen.push('log'));
    guarded.on('ui.command', () => seen.push('ui.command'));
    let reloads = 0;
    const controller = new ReplayController(store, { client: guarded, reload: async () => void reloads++ });
    expect(await controller.openFile(file(outline, 'seed.lvmrec'))).toBeNull();
    expect(store.getState().replay.info?.fileName).toBe('seed.lvmrec');
    const refused = await guarded.call('move.start', { request: { vg: 'vg0', sources: ['pv2'] }, options: {} });
    expect(refused).toMatchObject({ ok: false, error: { message: expect.stringMatching(/^This window replays a recording, and there is no engine behind it: "Start a live move/) } });
    engine.emit('log', {});
    engine.emit('ui.command', { command: 'about.show' });
    expect(engine.calls).toEqual([]);
    expect(seen).toEqual(['ui.command']);
    await controller.close();
    expect(reloads).toBe(1);
    expect(store.getState().replay.info).toBeNull();
    expect((await guarded.call('move.state', {})).ok).toBe(true);
    engine.emit('log', {});
    expect(seen).toEqual(['ui.command', 'log']);
  }, 60_000);

  it('answers a window\'s reads from the recording when there is no engine, and refuses the rest', async () => {
    const recording = parseRecording((await recordings()).outline);
    const client = recordingClient(recording);
    expect(await client.invoke('workspace.view', {})).toEqual(recording.initial.workspace);
    expect(await client.invoke('dm.list', {})).toEqual(recording.initial.dm);
    expect((await client.invoke('host.info', {})).workspacePath).toBe(recording.initial.workspacePath);
    await expect(client.invoke('workspace.crash', {})).rejects.toThrow(/needs one/);
    expect((await recordingClient(null).call('engine.info', {})).ok).toBe(false);
  }, 60_000);

  it('goes step by step through two recordings in lockstep, the shorter one waiting at its end', async () => {
    const { outline, lvm2 } = await recordings();
    const store = createAppStore();
    const controller = new ReplayController(store, null);
    await controller.openFile(file(outline, 'outline.lvmrec'));
    expect(await controller.compareWith(file(lvm2, 'lvm2.lvmrec'))).toBeNull();
    const left = parseRecording(outline);
    const right = parseRecording(lvm2);
    const other = controller.compared!.store;
    for (let k = 0; k < Math.max(left.steps.length, right.steps.length); k++) {
      controller.nextStep();
      const mine = store.getState().replay.position;
      expect(mine.step).toBe(Math.min(k, left.steps.length - 1));
      const theirs = other.getState().move.state!;
      const running = theirs.steps.find((s) => s.state === 'running')?.id;
      if (k < right.steps.length && mine.event < left.events.length) expect(running).toBe(right.steps[k].stepId);
    }
    // → past the last step shows the end; ← from there the last step, then the one before it.
    controller.nextStep();
    controller.nextStep();
    expect(store.getState().replay.position.event).toBe(left.events.length);
    expect(other.getState().move.state?.status).toBe('done');
    const last = left.steps.length - 1;
    controller.previousStep();
    expect(store.getState().replay.position.step).toBe(left.steps[last].endEventCount === left.events.length ? last - 1 : last);
    controller.previousStep();
    expect(store.getState().replay.position.step).toBe(left.steps[last].endEventCount === left.events.length ? last - 2 : last - 1);
    controller.closeComparison();
    expect(controller.compared).toBeNull();
  }, 60_000);
});
