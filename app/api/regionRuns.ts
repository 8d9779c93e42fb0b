// A mirror's regions as runs of one state (RegionRun), the only form in which region state
// crosses the API: the engine's bitsets become runs here, and a `region-range` event changes a
// run list in time proportional to the number of runs, never to the number of regions.

import type { RegionRange } from '../dm/regions';
import type { RegionRun } from './views';

/** The engine's range (states as the core log names them) as the API's run. */
export function regionRun(range: RegionRange): RegionRun {
  return { start: range.start, count: range.count, state: range.state === 'not-copied' ? 'pending' : range.state };
}

/** `total` regions in one state. */
export function uniformRuns(total: number, state: RegionRun['state']): RegionRun[] {
  return total > 0 ? [{ start: 0, count: total, state }] : [];
}

/**
 * The runs after regions [start, start + count) changed to `state`: the runs it overlaps are
 * cut, the range put in their place, and neighbours of the same state merged. `runs` must cover
 * the regions in order; the result does too.
 */
export function withRange(runs: readonly RegionRun[], start: number, count: number, state: RegionRun['state']): RegionRun[] {
  const end = start + count;
  const out: RegionRun[] = [];
  const push = (run: RegionRun) => {
    if (run.count <= 0) return;
    const last = out[out.length - 1];
    if (last && last.state === run.state && last.start + last.count === run.start) out[out.length - 1] = { ...last, count: last.count + run.count };
    else out.push(run);
  };
  let placed = false;
  for (const run of runs) {
    const runEnd = run.start + run.count;
    if (runEnd <= start || run.start >= end) {
      if (!placed && run.start >= end) {
        push({ start, count, state });
        placed = true;
      }
      push(run);
      continue;
    }
    push({ start: run.start, count: Math.max(0, start - run.start), state: run.state });
    if (!placed) {
      push({ start, count, state });
      placed = true;
    }
    push({ start: end, count: Math.max(0, runEnd - end), state: run.state });
  }
  if (!placed) push({ start, count, state });
  return out;
}

/** Regions in `state` counted from the runs. */
export function countIn(runs: readonly RegionRun[], state: RegionRun['state']): number {
  let n = 0;
  for (const r of runs) if (r.state === state) n += r.count;
  return n;
}
