// How `pvmove` shows a running move. On a terminal: a progress bar (percent, MiB/s, ETA, the
// current step of the eight with its name, writes held back by the mirror and intercepted so
// far), with each step's narration printed above it. Without a terminal: LVM2's lines
// (`pv2: Moved: 42.50%`) every `-i` seconds and at the end, and each step's narration on its
// own line, so a log reads like pvmove's output.

import cliProgress from 'cli-progress';
import type { MoveProgressView, StepView } from '../../app/api/move';

export interface MoveDisplay {
  step(step: StepView): void;
  progress(progress: MoveProgressView, step: { number: number; name: string }): void;
  note(line: string): void;
  /** The final line (100.00% when done) and tear-down of timers and the bar. */
  finish(percent: number): void;
}

const MiB = 1024 * 1024;

export function stepLine(step: StepView): string | null {
  if (step.state === 'running') return `  Step ${step.number}/8 ${step.name} (${step.lv}): ${step.narration}`;
  if (step.state === 'failed') return `  Step ${step.number}/8 ${step.name} (${step.lv}) failed.`;
  if (step.state === 'undone') return `  Step ${step.number}/8 ${step.name} (${step.lv}) undone.`;
  return null;
}

export function movedLine(source: string, percent: number): string {
  return `  ${source}: Moved: ${percent.toFixed(2)}%`;
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
      format: `${title} {bar} {percentage}% | {speed} MiB/s | ETA {etaText} | step {step}/8 {stepName} | writes held {held}, intercepted {intercepted}`,
      barsize: 24,
      hideCursor: true,
      clearOnComplete: false,
      forceRedraw: true,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  const bar = multi.create(100, 0, { speed: '0.0', etaText: '--', step: 0, stepName: '', held: 0, intercepted: 0 });
  // The mirrors' counters go back to zero when a mirror is torn down: show the most seen.
  let intercepted = 0;
  const log = (line: string) => multi.log(wrap(line, stream.columns || 100));
  return {
    step(step) {
      const line = stepLine(step);
      if (line) log(line);
    },
    progress(p, step) {
      intercepted = Math.max(intercepted, p.interceptedWrites);
      bar.update(Number(p.percent.toFixed(1)), { speed: (p.bytesPerSec / MiB).toFixed(1), etaText: p.paused ? 'paused' : eta(p.etaSeconds), step: step.number, stepName: step.name, held: p.waitingWrites, intercepted });
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
    step(step) {
      const line = stepLine(step);
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
