// The pipeline of a video export: for each frame of the schedule (frameSchedule.ts), show
// the source's instant, draw the frame, hand it to the encoder (a sink: WebM or GIF), report
// progress; collect the caption of each frame for the WebVTT file. Cancel (an AbortSignal) is
// checked before every frame: the sink is dropped and nothing is returned, so nothing is
// saved. The drawing and the encoders are passed in, so the pipeline is tested in Node.
import { captionText, cuesOf, webVtt, type Caption } from './captions';
import { FPS, frameSchedule, MAX_OUTPUT_SECONDS, type ScheduledFrame, type VideoFormat } from './frameSchedule';

export interface VideoOptions {
  format: VideoFormat;
  width: number;
  height: number;
  /** Multiple of real time (2 = the video lasts half as long as the move). */
  speed: number;
  /** Draw the narration into the frames. */
  burnCaptions: boolean;
  /** Also make a WebVTT file of the narration. */
  vttFile: boolean;
}

/** Something that can be shown at any instant of `durationMs`. */
export interface FrameSource {
  durationMs: number;
}

/** Draws the source at one instant onto a canvas of the video's size. */
export interface FrameDrawer {
  /** Shows the source's instant `atMs` and draws it (with the caption burned in when asked); returns the caption shown then. */
  draw(atMs: number, burnCaption: boolean): Promise<{ canvas: CanvasImageSource; caption: Caption | null }>;
}

/** An encoder: takes frames in order, then gives the file. */
export interface FrameSink {
  add(canvas: CanvasImageSource, frame: ScheduledFrame): Promise<void>;
  finish(): Promise<Blob>;
  /** Drops everything (Cancel, or an error): no file. */
  cancel(): void;
}

export interface VideoResult {
  video: Blob;
  vtt: string | null;
  frames: number;
}

/** Thrown (and caught by the dialog) when the export was cancelled. */
export class ExportCancelled extends Error {
  constructor() {
    super('The export was cancelled.');
  }
}

/** The sentence that refuses options out of range, or null when they can be exported. */
export function optionsProblem(source: FrameSource, options: VideoOptions): string | null {
  if (!(options.speed > 0)) return 'The speed must be above 0.';
  if (!(options.width > 0 && options.height > 0)) return 'The frame size must be above 0.';
  const seconds = source.durationMs / options.speed / 1000;
  if (seconds > MAX_OUTPUT_SECONDS) return `At ${options.speed}× the video would last ${Math.round(seconds)} s; the longest export is ${MAX_OUTPUT_SECONDS} s: choose a higher speed.`;
  return null;
}

/**
 * Makes the video: every frame drawn and encoded in order, `onProgress(done, total)` after
 * each (then `pause`, where the page may paint and take a click). Throws ExportCancelled when `signal` aborts (the sink is cancelled first).
 */
export async function exportVideo(source: FrameSource, options: VideoOptions, drawer: FrameDrawer, sink: FrameSink, progress: { signal: AbortSignal; onProgress(done: number, total: number): void; pause?: () => Promise<void> }): Promise<VideoResult> {
  const problem = optionsProblem(source, options);
  if (problem) throw new Error(problem);
  const frames = frameSchedule(source.durationMs, options.speed, FPS[options.format]);
  const captions: Array<{ timestampUs: number; durationUs: number; caption: string | null }> = [];
  try {
    for (const frame of frames) {
      if (progress.signal.aborted) throw new ExportCancelled();
      const drawn = await drawer.draw(frame.sourceMs, options.burnCaptions);
      await sink.add(drawn.canvas, frame);
      captions.push({ timestampUs: frame.timestampUs, durationUs: frame.durationUs, caption: drawn.caption ? captionText(drawn.caption) : null });
      progress.onProgress(frame.index + 1, frames.length);
      await progress.pause?.();
    }
    if (progress.signal.aborted) throw new ExportCancelled();
    const video = await sink.finish();
    return { video, vtt: options.vttFile ? webVtt(cuesOf(captions)) : null, frames: frames.length };
  } catch (e) {
    sink.cancel();
    throw e;
  }
}
