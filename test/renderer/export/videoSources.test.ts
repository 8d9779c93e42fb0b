// Proves the recording as a video source: a recorded seed move (simulated clock, with a
// workload) shown at an instant puts that instant's views into the drawer's store (at the
// start: lv0 not yet on pv4; in the middle: the copy running; after the end: done, lv0 on pv4), it lasts
// the recording plus the held end, it names the move in a sentence and for the file name, and an
// lvm2 move is drawn on its own stack to the end.
import { beforeAll, describe, expect, it } from 'vitest';
import { parseRecording, type Recording } from '../../../app/api/recording';
import { TAIL_MS } from '../../../renderer/export/liveTimeline';
import { recordingSourceOf } from '../../../renderer/export/videoSources';
import { createAppStore } from '../../../renderer/store';
import { recordMove, SEED_MOVE, simEngine } from '../../helpers/recordedMove';

let recording: Recording;

beforeAll(async () => {
  recording = parseRecording(await recordMove(await simEngine()));
});

describe('a recording as a video source', () => {
  it('puts the views of each instant into the store it draws from', () => {
    const source = recordingSourceOf(recording, 'The recording of the last move');
    const store = createAppStore();
    const lv0On = () => store.getState().workspace.view?.vgs[0].lvs.find((l) => l.name === 'lv0')?.segments.flatMap((seg) => seg.areas.map((a) => a.target));
    source.showAt(store, 0);
    expect(lv0On()).not.toContain('pv4');
    const copying = recording.steps.find((s) => s.stepId.endsWith('resume') || /copy/i.test(s.name))!;
    source.showAt(store, copying.timeMs + 50);
    expect(store.getState().move.state?.status).toBe('running');
    source.showAt(store, source.durationMs);
    expect(store.getState().move.state?.status).toBe('done');
    expect(lv0On()).toContain('pv4');
    expect(lv0On()).not.toContain('pv2');
  });

  it('shows every step in the frames of a video, one that began and ended between two frames for one frame', async () => {
    const { frameSchedule, FPS } = await import('../../../renderer/export/frameSchedule');
    const { currentStep } = await import('../../../renderer/store/stepList');
    const source = recordingSourceOf(recording, 'x');
    const store = createAppStore();
    const seen = new Set<string>();
    for (const f of frameSchedule(source.durationMs, 1, FPS.webm)) {
      source.showAt(store, f.sourceMs);
      const move = store.getState().move.state;
      const step = move ? currentStep(move) : null;
      if (step) seen.add(step.id);
    }
    expect(recording.steps.some((s, i) => i > 0 && s.timeMs - recording.steps[i - 1].timeMs < 1000 / FPS.webm)).toBe(true);
    expect([...seen]).toEqual(expect.arrayContaining([...new Set(recording.steps.map((s) => s.stepId))]));
  });

  it('lasts the recording plus the held end, and names the move for the dialog and the file', () => {
    const source = recordingSourceOf(recording, 'The recording of the last move');
    expect(source.durationMs).toBe(recording.durationMs + TAIL_MS);
    expect(source.description).toMatch(/^The recording of the last move: pvmove vg0 pv2 → pv4 \(outline\), \d+:\d\d\.\d\.$/);
    expect(source.subject).toEqual({ vg: 'vg0', lv: 'lv0', moveId: expect.any(Number) });
  });

  it('draws an lvm2 move on the lvm2 stack to its end (after the move, the diagram draws the stack chosen)', async () => {
    const lvm2 = parseRecording(await recordMove(await simEngine(), SEED_MOVE, { rateBytesPerSec: 200 * 1024, regionSizeSectors: 128, stack: 'lvm2' }, null));
    const source = recordingSourceOf(lvm2, 'x');
    const store = createAppStore();
    source.showAt(store, source.durationMs);
    expect(store.getState().move.state).toMatchObject({ status: 'done', stack: 'lvm2' });
    expect(store.getState().move.settings.stack).toBe('lvm2');
  });
});
