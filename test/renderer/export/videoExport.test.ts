// Proves the export pipeline with a drawer and a sink standing in for the canvas and the
// encoder: every scheduled frame is drawn at its source instant and handed to the sink in
// order with its timestamp; progress is reported after each; the WebVTT file is made from
// the captions drawn; options out of range are refused in a sentence before anything runs;
// Cancel (the signal) stops before the next frame, cancels the sink and saves nothing; a
// failing encoder cancels the sink too.
import { describe, expect, it } from 'vitest';
import type { Caption } from '../../../renderer/export/captions';
import type { ScheduledFrame } from '../../../renderer/export/frameSchedule';
import { ExportCancelled, exportVideo, optionsProblem, type FrameDrawer, type FrameSink, type VideoOptions } from '../../../renderer/export/videoExport';

const OPTIONS: VideoOptions = { format: 'gif', width: 1280, height: 720, speed: 2, burnCaptions: true, vttFile: true };

function recorder(captionAt: (ms: number) => Caption | null = () => null) {
  const drawn: Array<{ atMs: number; burn: boolean }> = [];
  const added: ScheduledFrame[] = [];
  const log: string[] = [];
  const drawer: FrameDrawer = {
    async draw(atMs, burn) {
      drawn.push({ atMs, burn });
      return { canvas: {} as CanvasImageSource, caption: captionAt(atMs) };
    },
  };
  const sink: FrameSink & { failAt?: number } = {
    async add(_canvas, frame) {
      if (sink.failAt === frame.index) throw new Error('encoder broke');
      added.push(frame);
    },
    async finish() {
      log.push('finish');
      return new Blob(['video']);
    },
    cancel: () => log.push('cancel'),
  };
  return { drawn, added, log, drawer, sink };
}

describe('the video export pipeline', () => {
  it('draws every scheduled frame at its source instant and encodes them in order, reporting progress', async () => {
    const r = recorder();
    const progress: string[] = [];
    const result = await exportVideo({ durationMs: 1000 }, { ...OPTIONS, vttFile: false }, r.drawer, r.sink, { signal: new AbortController().signal, onProgress: (d, t) => progress.push(`${d}/${t}`) });
    // 1 s at 2× and 10 fps: frames at 0, 200, …, 1000 ms of source, 0.1 s apart in the video.
    expect(r.drawn.map((d) => d.atMs)).toEqual([0, 200, 400, 600, 800, 1000]);
    expect(r.drawn.every((d) => d.burn)).toBe(true);
    expect(r.added.map((f) => f.timestampUs)).toEqual([0, 100_000, 200_000, 300_000, 400_000, 500_000]);
    expect(progress).toEqual(['1/6', '2/6', '3/6', '4/6', '5/6', '6/6']);
    expect(r.log).toEqual(['finish']);
    expect(result).toMatchObject({ frames: 6, vtt: null });
  });

  it('makes the WebVTT file from the captions of the frames drawn, in video time', async () => {
    const r = recorder((ms) => (ms < 500 ? null : { heading: 'Step 1 of 8 · Suspend', narration: 'Queue new IO.' }));
    const result = await exportVideo({ durationMs: 1000 }, OPTIONS, r.drawer, r.sink, { signal: new AbortController().signal, onProgress: () => undefined });
    expect(result.vtt).toBe('WEBVTT\n\n1\n00:00:00.300 --> 00:00:00.600\nStep 1 of 8 · Suspend: Queue new IO.\n');
  });

  it('refuses a video longer than ten minutes, or no speed, in a sentence, before drawing anything', async () => {
    expect(optionsProblem({ durationMs: 3_600_000 }, { ...OPTIONS, speed: 1 })).toMatch(/would last 3600 s; the longest export is 600 s: choose a higher speed/);
    expect(optionsProblem({ durationMs: 1000 }, { ...OPTIONS, speed: 0 })).toBe('The speed must be above 0.');
    const r = recorder();
    await expect(exportVideo({ durationMs: 3_600_000 }, { ...OPTIONS, speed: 1 }, r.drawer, r.sink, { signal: new AbortController().signal, onProgress: () => undefined })).rejects.toThrow(/choose a higher speed/);
    expect(r.drawn).toEqual([]);
  });

  it('stops at Cancel before the next frame, cancels the encoder and returns no file', async () => {
    const r = recorder();
    const abort = new AbortController();
    const run = exportVideo({ durationMs: 10_000 }, OPTIONS, r.drawer, r.sink, { signal: abort.signal, onProgress: (done) => (done === 3 ? abort.abort() : undefined) });
    await expect(run).rejects.toBeInstanceOf(ExportCancelled);
    expect(r.added.length).toBe(3);
    expect(r.log).toEqual(['cancel']);
  });

  it('cancels the encoder when it fails, and passes its error on', async () => {
    const r = recorder();
    r.sink.failAt = 2;
    await expect(exportVideo({ durationMs: 1000 }, OPTIONS, r.drawer, r.sink, { signal: new AbortController().signal, onProgress: () => undefined })).rejects.toThrow('encoder broke');
    expect(r.log).toEqual(['cancel']);
  });
});
