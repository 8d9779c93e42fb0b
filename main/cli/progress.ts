// How `pvmove` shows a running move. On a terminal: a progress bar (percent, MiB/s, ETA, the
// current step among the move's steps with its name, writes held back by the mirror and
// intercepted so far), with each step's narration printed above it. The stack decides the list
// of steps (eight per LV in the outline; preload … copy-k, checkpoint-k … remove-layer in lvm2),
// and a resumed move has fewer, so steps are shown as `[index/total]` of whatever list it has.
// Without a terminal: LVM2's lines (`pv2: Moved: 42.50%`) every `-i` seconds and at the end, and
// each step's narration on its own line, so a log reads like pvmove's output.

import cliProgress from 'cli-progress';
import type { MoveProgressView, StepView } from '../../app/api/move';

/** Where the move stands in its list of steps: `[index/total] name`. */
export interface StepPosition {
  index: number;
  total: number;
  name: string;
}

export interface MoveDisplay {
  /** `total`: how many steps the move has (the list's length varies with the stack and the layout). */
  step(step: StepView, total: number): void;
  progress(progress: MoveProgressView, step: StepPosition): void;
  note(line: string): void;
  /** The final line (100.00% when done) and tear-down of timers and the bar. */
  finish(percent: number): void;
}

const MiB = 1024 * 1024;

/** `[5/14] Mirror segment 2 (lv0)`; a step on the whole move (lvm2's pvmove0) names no LV. */
function stepTitle(step: StepView, total: number): string {
  return `[${step.index}/${total}] ${step.name}${step.lv ? ` (${step.lv})` : ''}`;
}

export function stepLine(step: StepView, total: number): string | null {
  if (step.state === 'running') return `  ${stepTitle(step, total)}: ${step.narration}`;
  if (step.state === 'failed') return `  ${stepTitle(step, total)} failed.`;
  if (step.state === 'undone') return `  ${stepTitle(step, total)} undone.`;
  return null;
}

export function movedLine(source: string, percent: number): string {
  return `  ${source}: Moved: ${percent.toFixed(2)}%`;
}

/** The copy speed the engine measured; a paused move has none (not a speed of 0). */
export function speedText(p: { bytesPerSec: number; paused: boolean }): string {
  return p.paused ? 'paused' : `${(p.bytesPerSec / MiB).toFixed(1)} MiB/s`;
}

function eta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--';
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  return `${Math.floor(seconds / 60)}m${String(Math.ceil(seconds % 60)).padStart(2, '0')}s`;
}

export function terminalDisplay(title: string, stream: NodeJS.WriteStream = process.stdout): MoveDisplay {
  const multi = new cliProgress.MultiBar(
    {
      stream,
      format: `${title} {bar} {percentage}% | {speed} | ETA {etaText} | step {step}/{steps} {stepName} | writes held {held}, intercepted {intercepted}`,
      barsize: 24,
      hideCursor: true,
      clearOnComplete: false,
      forceRedraw: true,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  const bar = multi.create(100, 0, { speed: '0.0 MiB/s', etaText: '--', step: 0, steps: 0, stepName: '', held: 0, intercepted: 0 });
  // The mirrors' counters go back to zero when a mirror is torn down: show the most seen.
  let intercepted = 0;
  const log = (line: string) => multi.log(wrap(line, stream.columns || 100));
  return {
    step(step, total) {
      const line = stepLine(step, total);
      if (line) log(line);
    },
    progress(p, step) {
      intercepted = Math.max(intercepted, p.interceptedWrites);
      bar.update(Number(p.percent.toFixed(1)), { speed: speedText(p), etaText: p.paused ? 'paused' : eta(p.etaSeconds), step: step.index, steps: step.total, stepName: step.name, held: p.waitingWrites, intercepted });
    },
    note(line) {
      log(line);
    },
    finish(percent) {
      bar.update(Number(percent.toFixed(1)));
      // Lines logged since the last redraw are written on the next one: force it before stopping.
      multi.update();
      multi.stop();
    },
  };
}

/** Wraps a line at word boundaries to the terminal width, continuation lines indented. */
export function wrap(line: string, columns: number): string {
  const out: string[] = [];
  let rest = line;
  while (rest.length > columns) {
    const cut = rest.lastIndexOf(' ', columns);
    const at = cut > 8 ? cut : columns;
    out.push(rest.slice(0, at));
    rest = `      ${rest.slice(at).trimStart()}`;
  }
  out.push(rest);
  return out.map((l) => `${l}\n`).join('');
}

export function lineDisplay(source: string, intervalSeconds: number, write: (s: string) => void = (s) => process.stdout.write(s)): MoveDisplay {
  let percent = 0;
  const timer = intervalSeconds > 0 ? setInterval(() => write(`${movedLine(source, percent)}\n`), intervalSeconds * 1000) : undefined;
  return {
    step(step, total) {
      const line = stepLine(step, total);
      if (line) write(`${line}\n`);
    },
    progress(p) {
      percent = p.percent;
    },
    note(line) {
      write(`${line}\n`);
    },
    finish(final) {
      if (timer) clearInterval(timer);
      write(`${movedLine(source, final)}\n`);
    },
  };
}
