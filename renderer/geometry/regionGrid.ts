// Geometry of the mirror's region grid. The grid shows a window of the mirror's regions (all of
// them until the user zooms) in a fixed box (so the diagram never changes size while the copy
// runs). When the window holds more regions than the box has room for cells of MIN_CELL_PX,
// each cell stands for `perCell` consecutive regions and shows the fraction of them copied and
// copying; at full zoom one cell is one region. Cell states are typed arrays filled from the
// engine's region runs, in work proportional to the runs and the cells, never to the regions:
// 2,097,152 regions copied in order are three runs and a few thousand cells.
import type { MirrorProgressView, RegionRun } from '../../app/api/move';

/** 2,097,152: one formatter for all, as toLocaleString builds a new one per call (a tenth of a frame's script time). */
const GROUPED = new Intl.NumberFormat('en-US');
const grouped = (n: number) => GROUPED.format(n);

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

/** Chooses columns and rows so that `regions` cells are as square as the box allows. */
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

/** The rectangle of cell `cell` (a region, at full zoom). */
export function cellRect(grid: GridLayout, cell: number): Rect {
  const col = cell % grid.cols;
  const row = Math.floor(cell / grid.cols);
  return { x: col * grid.cellWidth, y: row * grid.cellHeight, width: grid.cellWidth - grid.gap, height: grid.cellHeight - grid.gap };
}

/** The smallest cell drawn, px: beyond that many regions per pixel, regions share a cell. */
export const MIN_CELL_PX = 4;
/** The fewest regions a window shows (zooming in further would only make cells bigger). */
export const MIN_WINDOW = 16;
/** How much one zoom step narrows or widens the window. */
export const ZOOM_STEP = 4;

/** The regions the grid shows: [start, start + count) of the mirror's `total`. */
export interface RegionWindow {
  start: number;
  count: number;
}

/** The cells of a window: `perCell` consecutive regions each (the last may hold fewer). */
export interface CellGrid {
  total: number;
  window: RegionWindow;
  perCell: number;
  cells: number;
  layout: GridLayout;
}

/** The most cells of at least MIN_CELL_PX that fit the box. */
export function maxCells(widthPx: number, heightPx: number): number {
  return Math.max(1, Math.floor(widthPx / MIN_CELL_PX) * Math.floor(heightPx / MIN_CELL_PX));
}

/** The cells showing `window` of `total` regions in a box (the whole mirror without a window). */
export function cellGrid(total: number, widthPx: number, heightPx: number, window: RegionWindow = { start: 0, count: total }): CellGrid {
  const shown = clampWindow(window, total);
  const perCell = Math.max(1, Math.ceil(shown.count / maxCells(widthPx, heightPx)));
  const cells = Math.max(1, Math.ceil(shown.count / perCell));
  return { total, window: shown, perCell, cells, layout: gridLayout(cells, widthPx, heightPx) };
}

/** The regions of cell `cell`. */
export function cellRegions(grid: CellGrid, cell: number): RegionWindow {
  const start = grid.window.start + cell * grid.perCell;
  return { start, count: Math.max(0, Math.min(grid.perCell, grid.window.start + grid.window.count - start)) };
}

/** The cell showing `region`, or -1 when the window does not include it. */
export function cellOf(grid: CellGrid, region: number): number {
  const offset = region - grid.window.start;
  return offset < 0 || offset >= grid.window.count ? -1 : Math.floor(offset / grid.perCell);
}

/** The cell under a point of the box, or -1. */
export function cellAt(grid: CellGrid, x: number, y: number): number {
  const { cols, cellWidth, cellHeight } = grid.layout;
  const col = Math.floor(x / cellWidth);
  const row = Math.floor(y / cellHeight);
  if (x < 0 || y < 0 || col >= cols) return -1;
  const cell = row * cols + col;
  return cell < grid.cells ? cell : -1;
}

/** Per cell, the fraction of its regions copied and copying (typed arrays), and the cell updates it took. */
export interface CellStates {
  copied: Float32Array;
  copying: Float32Array;
  /** Cell updates made (the work: at most cells + runs, whatever the number of regions). */
  touched: number;
}

/** The cells' fractions from the mirror's runs; runs outside the window cost one comparison each. */
export function cellStates(grid: CellGrid, runs: readonly RegionRun[]): CellStates {
  const out: CellStates = { copied: new Float32Array(grid.cells), copying: new Float32Array(grid.cells), touched: 0 };
  const { start: w0, count } = grid.window;
  const w1 = w0 + count;
  for (const run of runs) {
    if (run.state === 'pending') continue;
    const from = Math.max(w0, run.start);
    const to = Math.min(w1, run.start + run.count);
    if (from >= to) continue;
    const into = run.state === 'copied' ? out.copied : out.copying;
    out.touched += addSpan(grid, into, from, to);
  }
  return out;
}

/** Adds regions [from, to) (inside the window) to their cells' fractions; returns the cells updated. */
function addSpan(grid: CellGrid, into: Float32Array, from: number, to: number): number {
  const first = cellOf(grid, from);
  const last = cellOf(grid, to - 1);
  for (let cell = first; cell <= last; cell++) {
    const c = cellRegions(grid, cell);
    const overlap = Math.min(to, c.start + c.count) - Math.max(from, c.start);
    into[cell] += overlap / c.count;
  }
  return last - first + 1;
}

/** Regions in `state` among [start, start + count), counted from the runs. */
export function regionsIn(runs: readonly RegionRun[], state: RegionRun['state'], start: number, count: number): number {
  let n = 0;
  for (const run of runs) if (run.state === state) n += Math.max(0, Math.min(start + count, run.start + run.count) - Math.max(start, run.start));
  return n;
}

/** A window inside [0, total), at least MIN_WINDOW regions (or all of them). */
export function clampWindow(window: RegionWindow, total: number): RegionWindow {
  const count = Math.min(total, Math.max(Math.min(MIN_WINDOW, total), Math.round(window.count)));
  const start = Math.min(Math.max(0, Math.round(window.start)), total - count);
  return { start, count };
}

/** Zooms in (factor > 1) or out (factor < 1) around `anchor`, which keeps its place in the box. */
export function zoomWindow(window: RegionWindow, total: number, factor: number, anchor = window.start + window.count / 2): RegionWindow {
  const count = window.count / factor;
  const at = (anchor - window.start) / window.count;
  return clampWindow({ start: anchor - at * count, count }, total);
}

/** Moves the window by `fraction` of its width (negative: towards region 0). */
export function panWindow(window: RegionWindow, total: number, fraction: number): RegionWindow {
  return clampWindow({ start: window.start + fraction * window.count, count: window.count }, total);
}

export function isWhole(window: RegionWindow, total: number): boolean {
  return window.start === 0 && window.count >= total;
}

/** What the cell under the pointer holds, in words (the grid's tooltip). */
export function describeCell(grid: CellGrid, cell: number, runs: readonly RegionRun[], intercepted: readonly number[]): string {
  const { start, count } = cellRegions(grid, cell);
  const held = intercepted.filter((r) => r >= start && r < start + count).length;
  const heldText = held === 0 ? '' : held === 1 ? '; a write is held here until its region is copied' : `; writes are held until ${held} of these regions are copied`;
  if (count === 1) {
    const state = runs.find((r) => start >= r.start && start < r.start + r.count)?.state ?? 'pending';
    return `Region ${grouped(start)}: ${state === 'pending' ? 'not copied' : state}${heldText}.`;
  }
  const copied = regionsIn(runs, 'copied', start, count);
  const copying = regionsIn(runs, 'copying', start, count);
  const copyingText = copying > 0 ? `, ${grouped(copying)} copying` : '';
  return `Regions ${grouped(start)}–${grouped(start + count - 1)}: ${grouped(copied)} of ${grouped(count)} copied (${percent(copied, count)})${copyingText}${heldText}.`;
}

function percent(part: number, whole: number): string {
  const p = (part * 100) / whole;
  return `${p > 0 && p < 1 ? p.toFixed(1) : Math.floor(p)}%`;
}

/** Copied regions counted from the runs (the progress view also reports it; tests compare). */
export function copiedCount(runs: readonly RegionRun[]): number {
  return runs.reduce((n, r) => n + (r.state === 'copied' ? r.count : 0), 0);
}

/** The window in words: which regions the grid shows and how many per cell. */
export function describeWindow(grid: CellGrid): string {
  const { start, count } = grid.window;
  const range = `${grouped(start)}–${grouped(start + count - 1)}`;
  const scale = grid.perCell === 1 ? 'one per cell' : `${grouped(grid.perCell)} per cell`;
  return isWhole(grid.window, grid.total) ? `all ${grouped(grid.total)} regions, ${scale}` : `regions ${range} of ${grouped(grid.total)}, ${scale}`;
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
