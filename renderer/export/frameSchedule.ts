// When each frame of an exported video is taken and shown. A video is made frame by frame
// from a timeline that can be shown at any instant (the live diagram's captured views, or a
// recording's replay): output frame i is shown at i / fps seconds of the video and pictures
// source instant i / fps × speed. Timestamps are computed from the frame index, never from a
// clock, so the file is the same however long each frame took to draw. Pure functions.

/** Frames per second of each format: WebM is smooth; a GIF's delays are in centiseconds, so 10 fps keeps them exact. */
export const FPS = { webm: 30, gif: 10 } as const;
export type VideoFormat = keyof typeof FPS;

/** The speeds offered, as multiples of real time. */
export const SPEEDS = [0.5, 1, 2, 4, 8] as const;

/** The frame sizes offered (16:9, what slides and video sites expect). */
export const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
] as const;

/** A video longer than this is refused: a GIF this long is hundreds of MiB, a WebM takes minutes to make. */
export const MAX_OUTPUT_SECONDS = 600;

export interface ScheduledFrame {
  index: number;
  /** The instant of the source shown, ms from the source's start. */
  sourceMs: number;
  /** Where the frame starts in the video and how long it lasts, µs (WebCodecs' unit). */
  timestampUs: number;
  durationUs: number;
}

/**
 * The frames of a video of `durationMs` of source at `speed`: enough frames to show the last
 * instant (so a 20 s move at 1× gives 20 s of video plus one frame holding the end state).
 */
export function frameCount(durationMs: number, speed: number, fps: number): number {
  if (!(durationMs >= 0) || !(speed > 0) || !(fps > 0)) throw new Error(`frameCount: duration, speed and fps must be positive (got ${durationMs}, ${speed}, ${fps}).`);
  return Math.floor((durationMs / speed) * (fps / 1000) + 1e-9) + 1;
}

/** Frame `index` of the schedule: its source instant (clamped to the end) and its place in the video. */
export function scheduledFrame(index: number, durationMs: number, speed: number, fps: number): ScheduledFrame {
  const timestampUs = Math.round((index * 1_000_000) / fps);
  const nextUs = Math.round(((index + 1) * 1_000_000) / fps);
  return { index, sourceMs: Math.min(durationMs, (index * 1000 * speed) / fps), timestampUs, durationUs: nextUs - timestampUs };
}

/** Every frame of the schedule, in order. */
export function frameSchedule(durationMs: number, speed: number, fps: number): ScheduledFrame[] {
  const n = frameCount(durationMs, speed, fps);
  return Array.from({ length: n }, (_, i) => scheduledFrame(i, durationMs, speed, fps));
}

/** The video's length in seconds (the last frame included). */
export function outputSeconds(durationMs: number, speed: number, format: VideoFormat): number {
  return frameCount(durationMs, speed, FPS[format]) / FPS[format];
}

/**
 * A GIF frame's delay in ms when it stands for the video from `startUs` to `endUs` (identical
 * frames are merged into one): GIF delays are whole centiseconds, so the delay is the rounded
 * end minus the rounded start, and the rounding never accumulates along the video.
 */
export function gifDelayMs(startUs: number, endUs: number): number {
  const cs = (us: number) => Math.round(us / 10_000);
  return (cs(endUs) - cs(startUs)) * 10;
}
