// The caption track of an exported video: the narration of the step the move is at, as the
// Steps panel reads it (`Step 4 of 8 · Resume and copy` and its sentence). Burned into the
// frames, and/or written as a WebVTT file next to the video (cues in the video's own time,
// so they stay in step at any export speed). Pure functions; the text is measured by a
// function passed in, so line wrapping is tested without a canvas.
import type { MoveStateView } from '../../app/api/move';
import { currentStep, stepHeading } from '../store/stepList';

export interface Caption {
  heading: string;
  narration: string;
}

/** The caption of the instant `move` shows; null before the first step (nothing to narrate). */
export function captionOf(move: MoveStateView | null): Caption | null {
  const step = move ? currentStep(move) : null;
  if (!move || !step) return null;
  return { heading: stepHeading(step, move.steps.length, move.plan.lvs.length), narration: step.narration };
}

export const captionText = (c: Caption): string => (c.narration ? `${c.heading}: ${c.narration}` : c.heading);

/**
 * `text` broken into lines no wider than `maxWidth` (as `measure` says), at most `maxLines`;
 * what does not fit ends the last line with an ellipsis. A word wider than a line is cut.
 */
export function wrapLines(text: string, maxWidth: number, maxLines: number, measure: (s: string) => number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (measure(candidate) <= maxWidth || !line) {
      line = candidate;
      continue;
    }
    lines.push(line);
    line = word;
  }
  if (line) lines.push(line);
  const more = lines.length > maxLines;
  return lines.slice(0, maxLines).map((l, i) => fitLine(l, maxWidth, measure, more && i === maxLines - 1));
}

/** `line` shortened (by characters) until it fits, ending in `…` when shortened or when `more` follows. */
function fitLine(line: string, maxWidth: number, measure: (s: string) => number, more: boolean): string {
  if (!more && measure(line) <= maxWidth) return line;
  let cut = line;
  while (cut.length > 1 && measure(`${cut}…`) > maxWidth) cut = cut.slice(0, -1);
  return `${cut.trimEnd()}…`;
}

export interface Cue {
  startUs: number;
  endUs: number;
  text: string;
}

/** Consecutive frames with the same caption as one cue; frames without a caption end the cue. */
export function cuesOf(frames: ReadonlyArray<{ timestampUs: number; durationUs: number; caption: string | null }>): Cue[] {
  const cues: Cue[] = [];
  let open: Cue | null = null;
  for (const f of frames) {
    if (open && f.caption === open.text && f.timestampUs <= open.endUs) {
      open.endUs = f.timestampUs + f.durationUs;
      continue;
    }
    if (open) cues.push(open);
    open = f.caption === null ? null : { startUs: f.timestampUs, endUs: f.timestampUs + f.durationUs, text: f.caption };
  }
  if (open) cues.push(open);
  return cues;
}

/** `01:02:03.456` (WebVTT's timestamp, hours always written). */
export function vttTime(us: number): string {
  const ms = Math.round(us / 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}.${pad(ms % 1000, 3)}`;
}

/** A WebVTT file of the cues (a cue's text never holds a blank line or `-->`, which would end or break it). */
export function webVtt(cues: readonly Cue[]): string {
  const body = cues.map((c, i) => `${i + 1}\n${vttTime(c.startUs)} --> ${vttTime(c.endUs)}\n${c.text.replace(/\n\s*\n/g, '\n').replace(/-->/g, '→')}`);
  return `WEBVTT\n\n${body.join('\n\n')}\n`;
}
