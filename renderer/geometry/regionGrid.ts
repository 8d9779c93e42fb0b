// Geometry of the mirror's region grid: the regions of a mirror target laid out row by row in
// a fixed box (so the diagram never changes size while the copy runs), and a run of regions
// turned into at most three rectangles (head of a row, full rows, tail of a row). Drawing
// cost therefore follows the number of runs the engine reports, not the number of regions:
// 65 536 regions copied in order are still three runs, drawn as a few rectangles.
import type { MirrorProgressView, RegionRun } from '../../app/api/move';

export interface GridLayout {
  regions: number;
  cols: number;
  rows: number;
  cellWidth: number;
  cellHeight: number;
  /** Gap between cells in px (0 when cells are too small to separate). */
  gap: number;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Chooses columns and rows so that cells are as square as the box allows. */
export function gridLayout(regions: number, widthPx: number, heightPx: number): GridLayout {
  const n = Math.max(1, regions);
  let cols = Math.max(1, Math.min(n, Math.round(Math.sqrt((n * widthPx) / Math.max(1, heightPx)))));
  let rows = Math.ceil(n / cols);
  // Rounding can leave rows that do not fit; widen until they do.
  while (rows * (widthPx / cols) > heightPx * 1.001 && cols < n) {
    cols += 1;
    rows = Math.ceil(n / cols);
  }
  const cellWidth = widthPx / cols;
  const cellHeight = Math.min(heightPx / rows, cellWidth * 1.5);
  const gap = cellWidth >= 6 && cellHeight >= 6 ? 1 : 0;
  return { regions: n, cols, rows, cellWidth, cellHeight, gap };
}

/** The cell of one region. */
export function cellRect(grid: GridLayout, region: number): Rect {
  const col = region % grid.cols;
  const row = Math.floor(region / grid.cols);
  return { x: col * grid.cellWidth, y: row * grid.cellHeight, width: grid.cellWidth - grid.gap, height: grid.cellHeight - grid.gap };
}

/** The rectangles covering regions [start, start + count) in reading order. */
export function spanRects(grid: GridLayout, start: number, count: number): Rect[] {
  if (count <= 0) return [];
  const end = Math.min(grid.regions, start + count); // exclusive
  const firstRow = Math.floor(start / grid.cols);
  const lastRow = Math.floor((end - 1) / grid.cols);
  const { cellWidth: w, cellHeight: h, gap, cols } = grid;
  const row = (r: number, c0: number, c1: number): Rect => ({ x: c0 * w, y: r * h, width: (c1 - c0) * w - gap, height: h - gap });
  if (firstRow === lastRow) return [row(firstRow, start % cols, ((end - 1) % cols) + 1)];
  const rects: Rect[] = [row(firstRow, start % cols, cols)];
  const fullRows = lastRow - firstRow - 1;
  if (fullRows > 0) rects.push({ x: 0, y: (firstRow + 1) * h, width: cols * w - gap, height: fullRows * h - gap });
  rects.push(row(lastRow, 0, ((end - 1) % cols) + 1));
  return rects;
}

/** Rectangles per state for a mirror's region runs (what the canvas fills, in this order). */
export function regionRects(grid: GridLayout, runs: readonly RegionRun[]): Record<RegionRun['state'], Rect[]> {
  const out: Record<RegionRun['state'], Rect[]> = { pending: [], copying: [], copied: [] };
  for (const run of runs) out[run.state].push(...spanRects(grid, run.start, run.count));
  return out;
}

/** Copied regions counted from the runs (the progress view also reports it; tests compare). */
export function copiedCount(runs: readonly RegionRun[]): number {
  return runs.reduce((n, r) => n + (r.state === 'copied' ? r.count : 0), 0);
}

/**
 * The region grid in words (its text alternative; the canvas itself says nothing to a screen
 * reader): how many regions are copied and copying, and which wait for a copy with a write held.
 */
export function describeRegionGrid(mirror: Pick<MirrorProgressView, 'regionsTotal' | 'regionsCopied' | 'regions' | 'intercepted'> | null | undefined): string {
  if (!mirror) return 'Region grid: no mirror is copying.';
  const copying = mirror.regions.reduce((n, r) => n + (r.state === 'copying' ? r.count : 0), 0);
  const held = mirror.intercepted.length;
  const holding = held === 0 ? '' : `; ${held === 1 ? `a write is held until region ${mirror.intercepted[0]} is copied` : `writes are held until ${held} regions are copied`}`;
  return `Region grid of the mirror: ${mirror.regionsCopied} of ${mirror.regionsTotal} regions copied, ${copying} copying${holding}.`;
}
