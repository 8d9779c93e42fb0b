// The WebM encoder: WebCodecs' VideoEncoder (VP9, else VP8: both in Chromium and Electron,
// whose pages are secure contexts, 127.0.0.1 and file://) into webm-muxer's container. Each
// frame carries the timestamp and duration of its place in the schedule, so the file's
// timing is exact whatever the encoding speed. A keyframe every 2 s lets a player seek.
import { ArrayBufferTarget, Muxer } from 'webm-muxer';
import type { ScheduledFrame } from './frameSchedule';
import type { FrameSink } from './videoExport';

/** WebCodecs codec string and its Matroska codec id, best first. */
export const WEBM_CODECS = [
  { codec: 'vp09.00.10.08', matroska: 'V_VP9' },
  { codec: 'vp8', matroska: 'V_VP8' },
] as const;

/** Frames waiting in the encoder before add() waits for it (bounded memory at 1080p). */
const MAX_QUEUED_FRAMES = 4;

/** Bits per second for flat diagrams: enough for crisp text, small files. */
export function bitrateFor(width: number, height: number): number {
  return Math.round(width * height * 2.5);
}

/** The first codec this browser encodes at this size, or a sentence saying why none can. */
export async function chooseWebmCodec(width: number, height: number, fps: number): Promise<(typeof WEBM_CODECS)[number] | string> {
  if (typeof VideoEncoder === 'undefined') return 'This browser has no WebCodecs video encoder (it needs a secure page: the app, or lvmscope serve on 127.0.0.1): export a GIF instead.';
  for (const c of WEBM_CODECS) {
    const support = await VideoEncoder.isConfigSupported({ codec: c.codec, width, height, bitrate: bitrateFor(width, height), framerate: fps }).catch(() => ({ supported: false }));
    if (support.supported) return c;
  }
  return `This browser cannot encode VP9 or VP8 at ${width}×${height}: export a GIF instead.`;
}

export async function createWebmSink(width: number, height: number, fps: number): Promise<FrameSink> {
  const chosen = await chooseWebmCodec(width, height, fps);
  if (typeof chosen === 'string') throw new Error(chosen);
  const target = new ArrayBufferTarget();
  const muxer = new Muxer({ target, video: { codec: chosen.matroska, width, height, frameRate: fps } });
  let failure: Error | null = null;
  const encoder = new VideoEncoder({
    output: (chunk, meta) => muxer.addVideoChunk(chunk, meta),
    error: (e) => (failure = e instanceof Error ? e : new Error(String(e))),
  });
  encoder.configure({ codec: chosen.codec, width, height, bitrate: bitrateFor(width, height), framerate: fps, latencyMode: 'quality' });
  const check = () => {
    if (failure) throw new Error(`The video encoder failed: ${failure.message}`);
  };
  return {
    async add(canvas, frame: ScheduledFrame) {
      check();
      const videoFrame = new VideoFrame(canvas, { timestamp: frame.timestampUs, duration: frame.durationUs });
      try {
        encoder.encode(videoFrame, { keyFrame: frame.index % (fps * 2) === 0 });
      } finally {
        videoFrame.close();
      }
      while (encoder.encodeQueueSize > MAX_QUEUED_FRAMES) await new Promise((resolve) => encoder.addEventListener('dequeue', resolve, { once: true }));
    },
    async finish() {
      await encoder.flush();
      check();
      encoder.close();
      muxer.finalize();
      return new Blob([target.buffer], { type: 'video/webm' });
    },
    cancel() {
      if (encoder.state !== 'closed') encoder.close();
    },
  };
}
