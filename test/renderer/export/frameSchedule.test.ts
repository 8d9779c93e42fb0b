// Proves the frame schedule of a video export: frame i pictures source instant i/fps × speed
// and sits at i/fps in the video, timestamps come from the index (never a clock) without
// drift, the last frame shows the source's end, and GIF delays (whole centiseconds) add up
// to the video's length however frames are merged.
import { describe, expect, it } from 'vitest';
import { FPS, frameCount, frameSchedule, gifDelayMs, outputSeconds, scheduledFrame } from '../../../renderer/export/frameSchedule';

describe('the frame schedule', () => {
  it('takes one frame per 1/fps of video, plus one holding the last instant', () => {
    expect(frameCount(10_000, 1, 30)).toBe(301);
    expect(frameCount(10_000, 2, 30)).toBe(151);
    expect(frameCount(0, 1, 30)).toBe(1);
    expect(outputSeconds(10_000, 4, 'gif')).toBeCloseTo(26 / 10);
  });

  it('pictures source instant i/fps × speed, clamped to the end, at video time i/fps', () => {
    const frames = frameSchedule(1000, 2, 10);
    expect(frames.map((f) => f.sourceMs)).toEqual([0, 200, 400, 600, 800, 1000]);
    expect(frames.map((f) => f.timestampUs)).toEqual([0, 100_000, 200_000, 300_000, 400_000, 500_000]);
    expect(scheduledFrame(7, 1000, 2, 10).sourceMs).toBe(1000);
  });

  it('makes frames that abut exactly, with no drift after thousands of 30 fps frames', () => {
    const frames = frameSchedule(600_000, 1, FPS.webm);
    for (let i = 1; i < frames.length; i += 1) expect(frames[i].timestampUs).toBe(frames[i - 1].timestampUs + frames[i - 1].durationUs);
    expect(frames.at(-1)!.timestampUs).toBe(600_000_000);
    expect(new Set(frames.map((f) => f.durationUs))).toEqual(new Set([33_333, 33_334]));
  });

  it('refuses a speed, duration or frame rate that is not a positive number, in one sentence', () => {
    expect(() => frameCount(1000, 0, 30)).toThrow(/must be positive/);
    expect(() => frameCount(Number.NaN, 1, 30)).toThrow(/must be positive/);
  });

  it('gives GIF delays in whole centiseconds that add up to the video, however runs of frames are merged', () => {
    const frames = frameSchedule(10_000, 3, 30); // 30 fps: 33.3 ms frames, not whole centiseconds
    const runs = [[0, 5], [5, 6], [6, 40], [40, frames.length]];
    const delays = runs.map(([a, b]) => gifDelayMs(frames[a].timestampUs, frames[b - 1].timestampUs + frames[b - 1].durationUs));
    delays.forEach((d) => expect(d % 10).toBe(0));
    const end = frames.at(-1)!;
    expect(delays.reduce((a, b) => a + b, 0)).toBe(Math.round((end.timestampUs + end.durationUs) / 10_000) * 10);
  });
});
