// The animated GIF encoder (gifenc): each frame gets its own 256-colour palette (the diagram
// is flat colours, so a palette quantized from a sixteenth of the pixels maps every pixel well),
// and runs of identical frames are written once with the sum of their delays, so a still
// stretch (a pause, the end state) costs one frame. Delays are whole centiseconds taken from
// the schedule's timestamps (gifDelayMs), so the GIF lasts exactly as long as the WebM.
// The test project compiles this file without renderer/'s ambient declarations: name them here.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./gifenc.d.ts" />
import { applyPalette, GIFEncoder, quantize, type Palette } from 'gifenc';
import { gifDelayMs, type ScheduledFrame } from './frameSchedule';
import type { FrameSink } from './videoExport';

/** Every `SAMPLE_STEP`-th pixel feeds the palette (quantizing is the GIF's largest cost per frame; a sample of a flat diagram has its colours). */
const SAMPLE_STEP = 16;

/** The pixels the palette is made from: every SAMPLE_STEP-th one, RGBA. */
export function samplePixels(rgba: Uint8ClampedArray | Uint8Array, step = SAMPLE_STEP): Uint8Array {
  const pixels = Math.ceil(rgba.length / 4 / step);
  const out = new Uint8Array(pixels * 4);
  for (let p = 0, o = 0; p < rgba.length / 4; p += step, o += 4) out.set(rgba.subarray(p * 4, p * 4 + 4), o);
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

const samePalette = (a: Palette, b: Palette) => a.length === b.length && a.every((c, i) => c.every((v, j) => v === b[i][j]));

interface PendingFrame {
  index: Uint8Array;
  palette: Palette;
  startUs: number;
  endUs: number;
}

/**
 * A GIF sink over RGBA frames. `pixelsOf` reads a drawn frame's pixels (a canvas's
 * getImageData in the app; raw arrays in tests).
 */
export function createGifSink(width: number, height: number, pixelsOf: (canvas: CanvasImageSource) => Uint8ClampedArray | Uint8Array): FrameSink {
  const gif = GIFEncoder();
  let pending: PendingFrame | null = null;
  let written = 0;
  const write = (f: PendingFrame) => {
    // repeat 0: loop forever (a GIF in a slide or a wiki plays again and again).
    gif.writeFrame(f.index, width, height, { palette: f.palette, delay: gifDelayMs(f.startUs, f.endUs), ...(written === 0 ? { repeat: 0 } : {}) });
    written += 1;
  };
  return {
    async add(canvas, frame: ScheduledFrame) {
      const rgba = pixelsOf(canvas);
      const palette = quantize(samplePixels(rgba), 256);
      const index = applyPalette(rgba, palette);
      const endUs = frame.timestampUs + frame.durationUs;
      if (pending && samePalette(pending.palette, palette) && sameBytes(pending.index, index)) {
        pending.endUs = endUs;
        return;
      }
      if (pending) write(pending);
      pending = { index, palette, startUs: frame.timestampUs, endUs };
    },
    async finish() {
      if (pending) write(pending);
      pending = null;
      gif.finish();
      return new Blob([gif.bytes()], { type: 'image/gif' });
    },
    cancel() {
      pending = null;
    },
  };
}
