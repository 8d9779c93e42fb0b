// Geometry of the volume maps: PV extent runs and LV segments as rectangles (one per run,
// never one per extent, so a 100k-extent PV is still a handful of shapes), hit testing from
// a pointer position back to a run, and where a planned move would land on a PV (the drag
// ghost); their colours are palette.ts's. Pure functions: the views only render what they return.
import { scaleLinear } from 'd3-scale';
import type { MovePlanView } from '../../app/api/move';
import type { ExtentRun, LvView, PvView, SegmentView } from '../../app/api/views';

export interface RunRect {
  x: number;
  width: number;
  run: ExtentRun;
  /** A one-unit column standing for several thin runs (mapRects): too thin for a pattern or a tooltip of its own. */
  pooled?: boolean;
}

export interface PeRange {
  startPe: number;
  count: number;
}

/** The runs of a PV laid out along `widthPx`; every run is at least 1 px wide so it stays visible. */
export function runRects(pv: Pick<PvView, 'peCount' | 'runs'>, widthPx: number): RunRect[] {
  const x = scaleLinear().domain([0, Math.max(1, pv.peCount)]).range([0, widthPx]);
  return pv.runs.map((run) => {
    const left = x(run.startPe);
    return { x: left, width: Math.max(1, x(run.startPe + run.count) - left), run };
  });
}

/**
 * The rectangles a PV map draws: every run at least one unit wide as itself, and runs thinner
 * than that (a 16 TiB PV of 4 MiB extents has 4 million extents and hundreds of runs) pooled
 * per unit column, each column drawn as the one run that stands for it. So a map is at most
 * about two rectangles per unit of width, whatever the PV holds. The run standing for a
 * column is the first found one (find box), else one of a move in progress, else the one
 * covering most of the column. Hit tests use runAt, never these rectangles, so they stay exact.
 */
export function mapRects(pv: Pick<PvView, 'peCount' | 'runs'>, widthPx: number, found: ReadonlySet<string> | null = null): RunRect[] {
  const perPe = widthPx / Math.max(1, pv.peCount);
  const lastColumn = Math.max(0, Math.ceil(widthPx) - 1);
  const out: RunRect[] = [];
  const column: { x: number; run: ExtentRun | null; rank: number } = { x: -1, run: null, rank: -1 };
  const flush = () => {
    if (column.run) out.push({ x: column.x, width: 1, run: column.run, pooled: true });
    column.run = null;
    column.rank = -1;
  };
  for (const run of pv.runs) {
    const width = run.count * perPe;
    if (width >= 1) {
      flush();
      out.push({ x: run.startPe * perPe, width, run });
      continue;
    }
    const x = Math.min(Math.floor(run.startPe * perPe), lastColumn);
    if (x !== column.x) flush();
    column.x = x;
    const rank = (run.lv !== null && found?.has(run.lv) ? 2 : run.moving ? 1 : 0) * pv.peCount + run.count;
    if (rank > column.rank) Object.assign(column, { run, rank });
  }
  flush();
  return out;
}

/** The PE under a horizontal position on a PV bar (clamped to the PV). */
export function peAtX(pv: Pick<PvView, 'peCount'>, xPx: number, widthPx: number): number {
  if (widthPx <= 0 || pv.peCount === 0) return 0;
  return Math.min(pv.peCount - 1, Math.max(0, Math.floor((xPx / widthPx) * pv.peCount)));
}

/** The run holding a PE (binary search: runs are sorted and cover the PV). */
export function runAt(pv: Pick<PvView, 'runs'>, pe: number): ExtentRun | undefined {
  let lo = 0;
  let hi = pv.runs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const run = pv.runs[mid];
    if (pe < run.startPe) hi = mid - 1;
    else if (pe >= run.startPe + run.count) lo = mid + 1;
    else return run;
  }
  return undefined;
}

/** The part two PE ranges share, or null when they do not touch. */
export function overlapOf(a: PeRange, b: PeRange): PeRange | null {
  const startPe = Math.max(a.startPe, b.startPe);
  const end = Math.min(a.startPe + a.count, b.startPe + b.count);
  return end > startPe ? { startPe, count: end - startPe } : null;
}

/** A PE range laid out along a bar of `widthPx` for a PV of `peCount` extents: exact, never rounded to runs. */
export function spanBox(range: PeRange, peCount: number, widthPx: number): { x: number; width: number } {
  const perPe = widthPx / Math.max(1, peCount);
  return { x: range.startPe * perPe, width: Math.max(1, range.count * perPe) };
}

export interface RulerTick {
  /** The extent boundary: PE n starts here (n = peCount is the end of the PV). */
  pe: number;
  x: number;
  /** Boundaries that carry a number; the others are plain marks. */
  labelled: boolean;
}

/** Below this many px per extent the ruler stops marking every extent boundary (marks would merge). */
export const MIN_PX_PER_MARK = 6;

/**
 * The extent ruler under a PV map: a mark at every extent boundary while extents are wide
 * enough to tell apart, else at round numbers only; numbers at about `labels` round PEs
 * (0 always). The number of a mark is the PE that starts there.
 */
export function rulerTicks(peCount: number, widthPx: number, labels = 8): RulerTick[] {
  if (peCount <= 0 || widthPx <= 0) return [];
  const x = scaleLinear().domain([0, peCount]).range([0, widthPx]);
  const numbered = new Set(x.ticks(labels).filter((pe) => Number.isInteger(pe) && pe < peCount));
  numbered.add(0);
  const everyExtent = widthPx / peCount >= MIN_PX_PER_MARK;
  const marks = everyExtent ? Array.from({ length: peCount + 1 }, (_, pe) => pe) : [...numbered, peCount].sort((a, b) => a - b);
  return marks.map((pe) => ({ pe, x: x(pe), labelled: numbered.has(pe) }));
}

/** `pv2:0-3`, the pvmove source spec of a PE range. */
export function peRangeSpec(pv: string, range: PeRange): string {
  return range.count === 1 ? `${pv}:${range.startPe}` : `${pv}:${range.startPe}-${range.startPe + range.count - 1}`;
}

/** What a tooltip says about a run: the LV and its LE range, the PE range, and a move mark. */
export function describeRun(pv: string, run: ExtentRun): string {
  const pe = `${pv} PE ${run.startPe}-${run.startPe + run.count - 1}`;
  if (run.lv === null) return `free · ${pe} (${run.count} extents)`;
  const le = run.le === null ? '' : ` LE ${run.le}-${run.le + run.count - 1}`;
  const moving = run.moving ? ` · ${run.moving} of the move in progress` : '';
  return `${run.lv}${le} · ${pe}${moving}`;
}

/** Runs a map's text alternative lists one by one before it sums up the rest. */
const SPOKEN_RUNS = 40;

/**
 * The text alternative of a PV's extent map (what a screen reader says for the picture):
 * its size and every run as the tooltip describes it, the first SPOKEN_RUNS of them.
 */
export function describePvMap(pv: Pick<PvView, 'name' | 'peCount' | 'runs'>): string {
  const runs = pv.runs.slice(0, SPOKEN_RUNS).map((run) => describeRun(pv.name, run).replace(`${pv.name} `, ''));
  const rest = pv.runs.length - runs.length;
  return `Extent map of ${pv.name}, ${pv.peCount} extents: ${runs.join('; ')}${rest > 0 ? `; and ${rest} more runs` : ''}.`;
}

/** The text alternative of an LV's segment bar: each segment's LE range and where it lives. */
export function describeLvBar(lv: Pick<LvView, 'name' | 'extentCount' | 'segments'>): string {
  const segments = lv.segments.map((s) => `LE ${s.startLe}-${s.startLe + s.count - 1} on ${s.areas.map((a) => `${a.target} ${a.kind === 'pv' ? 'PE' : 'LE'} ${a.start}-${a.start + s.count - 1}`).join(' + ')}`);
  return `Segments of ${lv.name}, ${lv.extentCount} extents: ${segments.join('; ')}.`;
}

/** The LVs whose name contains `query` (any case); null when nothing is looked for. */
export function foundLvs(names: readonly string[], query: string): ReadonlySet<string> | null {
  const q = query.trim().toLowerCase();
  return q ? new Set(names.filter((n) => n.toLowerCase().includes(q))) : null;
}

/** What the find box found, in words: which LVs and on which PVs their runs lie. */
export function foundText(found: ReadonlySet<string> | null, pvs: readonly Pick<PvView, 'name' | 'runs'>[]): string {
  if (!found) return '';
  if (found.size === 0) return 'no LV matches';
  const on = pvs.filter((pv) => pv.runs.some((r) => r.lv !== null && found.has(r.lv))).map((pv) => pv.name);
  const names = [...found];
  return `${names.length === 1 ? names[0] : `${names.length} LVs`} on ${on.length > 0 ? on.join(', ') : 'no PV'}`;
}

/** Where the planned move puts extents on `pv`: the ghost drawn while hovering a drop target. */
export function landingRanges(plan: Pick<MovePlanView, 'moves'>, pv: string): PeRange[] {
  return plan.moves.filter((m) => m.toPv === pv).map((m) => ({ startPe: m.toPe, count: m.count }));
}

export interface SegmentRect {
  x: number;
  width: number;
  segment: SegmentView;
  /** The PV (or stacked LV) the segment's first area lives on. */
  target: string;
  /** The PE range on that PV (null for a segment stacked on another LV, e.g. on pvmove0). */
  peRange: PeRange | null;
}

/** The segments of an LV laid out along `widthPx` by LE. */
export function segmentRects(lv: Pick<LvView, 'extentCount' | 'segments'>, widthPx: number): SegmentRect[] {
  const x = scaleLinear().domain([0, Math.max(1, lv.extentCount)]).range([0, widthPx]);
  return lv.segments.map((segment) => {
    const area = segment.areas[0];
    const left = x(segment.startLe);
    return {
      x: left,
      width: Math.max(1, x(segment.startLe + segment.count) - left),
      segment,
      target: area?.target ?? '?',
      peRange: area && area.kind === 'pv' ? { startPe: area.start, count: segment.count } : null,
    };
  });
}

/** A one-line summary of an LV's layout: `pv1 | pv4 | pv3`. */
export function lvLayoutText(lv: Pick<LvView, 'segments'>): string {
  return lv.segments.map((s) => s.areas.map((a) => a.target).join('+')).join(' | ');
}
