// Where things go on a video frame, and the words of its header. A frame is 16:9: a header
// (what the diagram shows and the step; the move's clock and figures), the diagram scaled to
// fit the space left, and, when captions are burned in, a band of three lines of narration at
// the bottom. Sizes are given for 1280 px wide and scaled with the frame, so a 1920×1080
// export looks the same as a 1280×720 one, only sharper. Pure functions.
import type { AppState } from '../store';
import { regionsFigure } from '../store/moveSlice';

export interface FrameLayout {
  /** px per px of the 1280-wide design. */
  k: number;
  pad: number;
  title: { x: number; y: number; font: number; maxWidth: number };
  figures: { x: number; y: number; font: number; maxWidth: number };
  /** The diagram's top-left corner and its scale (frame px per diagram px). */
  diagram: { x: number; y: number; scale: number };
  /** The caption band (null: no captions burned in). */
  caption: { y: number; height: number; font: number; lineHeight: number; lines: number; textX: number; maxWidth: number } | null;
}

/** The caption band holds this many lines of narration. */
export const CAPTION_LINES = 3;

export function frameLayout(width: number, height: number, diagram: { width: number; height: number }, burnCaptions: boolean): FrameLayout {
  const k = width / 1280;
  const pad = 24 * k;
  const title = { x: pad, y: pad + 26 * k, font: 26 * k, maxWidth: width - 2 * pad };
  const figures = { x: pad, y: title.y + 12 * k + 18 * k, font: 18 * k, maxWidth: width - 2 * pad };
  const headerBottom = figures.y + 16 * k;
  const font = 22 * k;
  const lineHeight = 30 * k;
  const bandHeight = burnCaptions ? CAPTION_LINES * lineHeight + 24 * k : 0;
  const caption = burnCaptions ? { y: height - bandHeight, height: bandHeight, font, lineHeight, lines: CAPTION_LINES, textX: pad, maxWidth: width - 2 * pad } : null;
  const area = { x: pad, y: headerBottom, width: width - 2 * pad, height: height - bandHeight - pad - headerBottom };
  const scale = Math.max(0.01, Math.min(area.width / Math.max(1, diagram.width), area.height / Math.max(1, diagram.height)));
  return {
    k,
    pad,
    title,
    figures,
    diagram: { x: (width - diagram.width * scale) / 2, y: area.y + (area.height - diagram.height * scale) / 2, scale },
    caption,
  };
}

/** `0:07.5` — the move's clock at `ms` from the start of the video's source. */
export function clockText(ms: number): string {
  const tenths = Math.floor(ms / 100);
  const minutes = Math.floor(tenths / 600);
  const seconds = (tenths % 600) / 10;
  return `${minutes}:${seconds.toFixed(1).padStart(4, '0')}`;
}

/** The figures line: `0:07.5 · 42.0% copied · regions 27 / 64 · 3 writes intercepted` (what the diagram panel shows beside the drawing). */
export function figuresText(state: Pick<AppState, 'move'>, atMs: number): string {
  const { progress, state: move, figures } = state.move;
  // The status is in the title line above it.
  const parts = [clockText(atMs)];
  if (progress) parts.push(`${progress.percent.toFixed(1)}% copied`);
  const regions = regionsFigure(progress?.mirrors ?? [], move?.status ?? null, figures);
  if (regions !== '—') parts.push(`regions ${regions}`);
  if (progress && progress.interceptedWrites > 0) parts.push(`${progress.interceptedWrites} write${progress.interceptedWrites === 1 ? '' : 's'} intercepted`);
  if (progress?.sourceOnlyWrites) parts.push(`${progress.sourceOnlyWrites} to the source only`);
  return parts.join(' · ');
}
