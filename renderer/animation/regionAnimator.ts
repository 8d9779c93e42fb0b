// The requestAnimationFrame controller of the move diagram (excalidraw's habit: animation
// outside React state). It reads the newest authoritative progress and held-write events
// from the store on each frame and paints each mirror's region grid on its canvas: cells of
// one or many regions (geometry/regionGrid.ts), each coloured by the fraction of its regions
// copied, with the copying ones pulsing. The cells are turned into two small bitmaps (one
// pixel per cell) only when the engine's runs, the window or the theme change, in work
// proportional to runs + cells; a frame then scales those bitmaps onto the canvas, so no frame
// does work that grows with the number of regions (`work` counts it). An intercepted write pulls its region to the front (raised,
// ringed, the region copying) while it waits for the copy, then the region shows copied and
// the write lands on both legs (a flash with two strokes down to the source leg and the
// destination leg). A source-only write (the kernel's rule, lvm2 stack: its region was not
// being copied) does not wait: a dashed outline round its region, which stays not copied, and
// one stroke down to the source leg, for LAND_MS. Each of these moments stays on screen at least MIN_MOMENT_MS even when
// the engine went through it in a millisecond: the hold is the animation's, the engine never
// slows down for it. React never re-renders for a frame. With prefers-reduced-motion nothing
// pulses, grows or travels: each moment is the same still picture for as long as it lasts.
import type { MirrorProgressView } from '../../app/api/move';
import { cellAt, cellGrid, cellOf, clampWindow, cellRect, cellStates, describeCell, type CellGrid, type GridLayout, type Rect, type RegionWindow } from '../geometry/regionGrid';
import type { AppStore } from '../store';

/** The shortest time each moment of a held write is on screen (held + copying, copied, landing). */
export const MIN_MOMENT_MS = 600;
const LAND_MS = 1200;
/** A held write whose release never shows (the move was aborted) stops being drawn after this. */
const HELD_LIMIT_MS = 60_000;

/** One held write as drawn: when each of its events was first seen by the animation. */
interface HeldWrite {
  readonly region: number;
  /** An export client's write (an NBD connection), not lvmscope's own workload: its ring and its landing are drawn in the client colour. */
  readonly client: boolean;
  readonly seenMs: number;
  releasedMs: number | null;
  landedMs: number | null;
}

export type HeldPhase = 'held' | 'copied' | 'landing' | 'gone';

/** A source-only write as drawn: when the animation first saw it. */
interface SourceOnlyWrite {
  readonly region: number;
  readonly client: boolean;
  readonly seenMs: number;
}

/**
 * Where a held write is in its animation at `now`: held (with its region copying) until it is
 * released and has been held for MIN_MOMENT_MS; then its region copied for MIN_MOMENT_MS; then
 * landing on both legs for LAND_MS once the engine said it landed.
 */
export function heldPhase(w: Pick<HeldWrite, 'seenMs' | 'releasedMs' | 'landedMs'>, now: number): { phase: HeldPhase; t: number } {
  const heldUntil = w.releasedMs === null ? null : Math.max(w.releasedMs, w.seenMs + MIN_MOMENT_MS);
  if (heldUntil === null || now < heldUntil) return now - w.seenMs > HELD_LIMIT_MS ? { phase: 'gone', t: 1 } : { phase: 'held', t: 0 };
  const copiedUntil = heldUntil + MIN_MOMENT_MS;
  if (w.landedMs === null || now < Math.max(copiedUntil, w.landedMs)) return { phase: 'copied', t: 0 };
  const landingStart = Math.max(copiedUntil, w.landedMs);
  const t = (now - landingStart) / LAND_MS;
  return t < 1 ? { phase: 'landing', t } : { phase: 'gone', t: 1 };
}

/** How the moving parts are drawn at one instant (motionAt). */
export interface Motion {
  /** Opacity of a copying region (pulses). */
  pulse: number;
  /** How far a waiting write's ring stands out beyond its minimum, px (breathes). */
  ring: number;
  /** Opacity of a landing write's flash (fades). */
  flash: number;
  /** How far the landing strokes have reached towards the legs, 0 to 1 (travel). */
  reach: number;
}

/**
 * The moving parts at `now`, `landingT` into a landing (0 to 1). Reduced motion: still — a
 * copying region solid, the ring at rest, the flash whole and the strokes drawn to the legs
 * for the whole moment — so every state still shows, without movement.
 */
export function motionAt(now: number, landingT: number, reduced: boolean): Motion {
  if (reduced) return { pulse: 1, ring: 1, flash: 1, reach: 1 };
  return { pulse: 0.6 + 0.4 * Math.sin(now / 120), ring: 2 * (0.5 + 0.5 * Math.sin(now / 90)), flash: 1 - landingT, reach: Math.min(1, landingT * 2) };
}

/** prefers-reduced-motion as the system says it now, followed while the app runs. */
function followReducedMotion(onChange: (reduced: boolean) => void): boolean {
  const query = typeof window !== 'undefined' && typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-reduced-motion: reduce)') : null;
  query?.addEventListener?.('change', (e) => onChange(e.matches));
  return query?.matches ?? false;
}

/** Height of the strip under the grid (the landing strokes reach into it; the zoom bar sits in it). */
export const GRID_FOOT_PX = 18;

interface Surface {
  canvas: HTMLCanvasElement;
  widthPx: number;
  heightPx: number;
  /** The regions shown (null: all of them). */
  window: RegionWindow | null;
  grid?: CellGrid;
  /** The mirror last painted (the tooltip reads it). */
  mirror?: MirrorProgressView;
  /** The cell bitmaps and what they were made from. */
  cells?: { base: HTMLCanvasElement; copying: HTMLCanvasElement; runs: MirrorProgressView['regions']; grid: CellGrid; palette: Palette; anyCopying: boolean };
}

/** Work the grid did: cell updates (rebuilding the bitmaps), per frame at most cells + runs. */
export interface GridWork {
  rebuilds: number;
  /** The most cell updates one frame made, and the cells and runs of that frame. */
  maxTouched: number;
  cellsAtMax: number;
  runsAtMax: number;
  /** Frames that updated more cells than the grid's cells plus the mirror's runs (should stay 0). */
  framesOverBound: number;
  /** The biggest mirror painted, in regions. */
  maxRegions: number;
  /** The animator's own time in each of the last FRAME_COSTS frames, ms (the bench's per-frame cost). */
  frameCostMs: number[];
}

const FRAME_COSTS = 1200;

interface Palette {
  pending: string;
  copying: string;
  copied: string;
  intercept: string;
  client: string;
  landed: string;
  separator: string;
  /** The cell colours as red, green, blue, for the cell bitmaps. */
  rgb: { pending: Rgb; copying: Rgb; copied: Rgb };
}

type Rgb = [number, number, number];

export class RegionAnimator {
  private readonly surfaces = new Map<number, Surface>();
  /** Per mirror: what `dmsetup status` says, painted when the progress has no such mirror. */
  private readonly fallbacks = new Map<number, MirrorProgressView>();
  /** Held writes by the sequence number of their write-intercepted event, per stream. */
  private readonly held = new Map<string, HeldWrite>();
  /** Source-only writes being drawn, by the sequence number of their event, per stream. */
  private readonly sourceOnly = new Map<string, SourceOnlyWrite>();
  /** The stream and sequence number of the last write event folded into `held`. */
  private lastWrite = { stream: -1, seq: 0 };
  private handle = 0;
  private palette: Palette | null = null;
  private theme = '';
  /** Frames painted (tests and the frame-rate bench read it). */
  frames = 0;
  /** Grid work, for tests and the bench (see GridWork). */
  work: GridWork = { rebuilds: 0, maxTouched: 0, cellsAtMax: 0, runsAtMax: 0, framesOverBound: 0, maxRegions: 0, frameCostMs: [] };
  private touchedThisFrame = 0;
  private boundThisFrame = 0;
  /** Intercepted writes drawn so far, counted once per held write. */
  interceptsDrawn = 0;
  /** Source-only writes drawn so far (the lvm2 stack's writes ahead of its copy). */
  sourceOnlyDrawn = 0;
  /** The user asked for reduced motion: every moment is drawn still (motionAt). */
  reducedMotion: boolean;

  /**
   * `manual`: no requestAnimationFrame loop; the owner paints each frame with paintAt (a video
   * export draws frame by frame at the instants it chooses). `pixelRatio`: canvas pixels per
   * px (default: the screen's).
   */
  constructor(private readonly store: AppStore, private readonly options: { manual?: boolean; pixelRatio?: number } = {}) {
    this.reducedMotion = followReducedMotion((reduced) => (this.reducedMotion = reduced));
  }

  /** Paints mirror `index` on `canvas` until the returned function is called. */
  attach(index: number, canvas: HTMLCanvasElement, widthPx: number, heightPx: number): () => void {
    const ratio = this.options.pixelRatio ?? (window.devicePixelRatio || 1);
    canvas.width = Math.max(1, Math.round(widthPx * ratio));
    canvas.height = Math.max(1, Math.round(heightPx * ratio));
    this.surfaces.set(index, { canvas, widthPx, heightPx, window: this.windows.get(index) ?? null });
    if (!this.handle && !this.options.manual) this.handle = requestAnimationFrame(this.frame);
    return () => {
      if (this.surfaces.get(index)?.canvas === canvas) this.surfaces.delete(index);
      if (this.surfaces.size === 0 && this.handle) {
        cancelAnimationFrame(this.handle);
        this.handle = 0;
      }
    };
  }

  private readonly windows = new Map<number, RegionWindow | null>();

  /** Shows regions `window` of mirror `index` (null: all of them). */
  setWindow(index: number, window: RegionWindow | null): void {
    this.windows.set(index, window);
    const surface = this.surfaces.get(index);
    if (surface) surface.window = window;
  }

  /** The cell grid mirror `index` was last painted with (the zoom controls and tests read it). */
  gridOf(index: number): CellGrid | undefined {
    return this.surfaces.get(index)?.grid;
  }

  /** What the cell at (x, y) of mirror `index`'s canvas holds, in words, or null outside the cells. */
  describeAt(index: number, x: number, y: number): { text: string; cell: number } | null {
    const surface = this.surfaces.get(index);
    if (!surface?.grid || !surface.mirror) return null;
    const cell = cellAt(surface.grid, x, y);
    return cell < 0 ? null : { text: describeCell(surface.grid, cell, surface.mirror.regions, surface.mirror.intercepted), cell };
  }

  /** What to paint for mirror `index` when the engine's progress no longer lists it (null = nothing). */
  setFallback(index: number, mirror: MirrorProgressView | null): void {
    if (mirror) this.fallbacks.set(index, mirror);
    else this.fallbacks.delete(index);
  }

  private readonly frame = (now: number) => {
    const began = performance.now();
    this.handle = requestAnimationFrame(this.frame);
    this.paintAt(now);
    const costs = this.work.frameCostMs;
    costs.push(performance.now() - began);
    if (costs.length > FRAME_COSTS) costs.splice(0, costs.length - FRAME_COSTS);
  };

  /** Paints every attached canvas as it is at `now` (ms; the animation's clock). */
  paintAt(now: number): void {
    const mirrors = this.store.getState().move.progress?.mirrors ?? [];
    this.refreshPalette();
    this.followWrites(now);
    this.touchedThisFrame = 0;
    this.boundThisFrame = 0;
    for (const [index, surface] of this.surfaces) this.paint(surface, mirrors.length > 0 ? mirrors[index] : this.fallbacks.get(index), index, now);
    this.countWork();
    this.frames += 1;
  }

  private countWork(): void {
    const w = this.work;
    if (this.touchedThisFrame > this.boundThisFrame) w.framesOverBound += 1;
    if (this.touchedThisFrame <= w.maxTouched) return;
    w.maxTouched = this.touchedThisFrame;
    let cells = 0;
    let runs = 0;
    for (const s of this.surfaces.values()) {
      cells += s.grid?.cells ?? 0;
      runs += s.mirror?.regions.length ?? 0;
    }
    w.cellsAtMax = cells;
    w.runsAtMax = runs;
  }

  private refreshPalette(): void {
    const theme = document.documentElement.dataset.theme ?? '';
    if (this.palette && theme === this.theme) return;
    const css = getComputedStyle(document.documentElement);
    const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
    this.theme = theme;
    const pending = v('--region-pending', '#d8dee4');
    const copying = v('--region-copying', '#a78bfa');
    const copied = v('--region-copied', '#3b4252');
    this.palette = { pending, copying, copied, intercept: v('--region-intercept', '#6d28d9'), client: v('--region-client', '#047857'), landed: v('--region-landed', '#111827'), separator: v('--panel', '#ffffff'), rgb: { pending: rgbOf(pending), copying: rgbOf(copying), copied: rgbOf(copied) } };
  }

  private paint(surface: Surface, mirror: MirrorProgressView | undefined, index: number, now: number): void {
    const ctx = surface.canvas.getContext('2d');
    if (!ctx || !this.palette) return;
    const ratio = surface.canvas.width / surface.widthPx;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, surface.widthPx, surface.heightPx);
    surface.mirror = mirror;
    if (!mirror) return;
    this.work.maxRegions = Math.max(this.work.maxRegions, mirror.regionsTotal);
    const window = clampWindow(surface.window ?? { start: 0, count: mirror.regionsTotal }, mirror.regionsTotal);
    const g = surface.grid;
    if (!g || g.total !== mirror.regionsTotal || g.window.start !== window.start || g.window.count !== window.count) surface.grid = cellGrid(mirror.regionsTotal, surface.widthPx, surface.heightPx - GRID_FOOT_PX, window);
    const grid = surface.grid!;
    const cells = this.cellBitmaps(surface, grid, mirror);
    const { cols, rows, cellWidth, cellHeight } = grid.layout;
    // One pixel per cell, scaled up without smoothing: the cost of a frame is the canvas's pixels.
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(cells.base, 0, 0, cols, rows, 0, 0, cols * cellWidth, rows * cellHeight);
    if (cells.anyCopying) {
      ctx.globalAlpha = motionAt(now, 0, this.reducedMotion).pulse;
      ctx.drawImage(cells.copying, 0, 0, cols, rows, 0, 0, cols * cellWidth, rows * cellHeight);
      ctx.globalAlpha = 1;
    }
    if (grid.layout.gap > 0) drawCellSeparators(ctx, grid.layout, surface.widthPx, this.palette.separator);
    this.paintIntercepts(ctx, surface, grid, mirror, index, now);
  }

  /** The cell bitmaps of the mirror's runs, rebuilt only when the runs, the cells or the palette changed. */
  private cellBitmaps(surface: Surface, grid: CellGrid, mirror: MirrorProgressView): NonNullable<Surface['cells']> {
    const p = this.palette!;
    this.boundThisFrame += grid.cells + mirror.regions.length;
    const cached = surface.cells;
    if (cached && cached.runs === mirror.regions && cached.grid === grid && cached.palette === p) return cached;
    const states = cellStates(grid, mirror.regions);
    this.touchedThisFrame += states.touched;
    this.work.rebuilds += 1;
    const { cols, rows } = grid.layout;
    const base = cached?.base ?? document.createElement('canvas');
    const copying = cached?.copying ?? document.createElement('canvas');
    const baseImage = new ImageData(cols, rows);
    const copyingImage = new ImageData(cols, rows);
    const { pending, copied, copying: active } = p.rgb;
    let anyCopying = false;
    for (let cell = 0; cell < grid.cells; cell++) {
      const f = Math.min(1, states.copied[cell]);
      const o = cell * 4;
      for (let c = 0; c < 3; c++) baseImage.data[o + c] = pending[c] + (copied[c] - pending[c]) * f;
      baseImage.data[o + 3] = 255;
      const k = states.copying[cell];
      if (k > 0) {
        anyCopying = true;
        // Any copying region shows: a cell with one copying region among hundreds is still seen.
        for (let c = 0; c < 3; c++) copyingImage.data[o + c] = active[c];
        copyingImage.data[o + 3] = 255 * Math.max(0.6, Math.min(1, k));
      }
    }
    for (const [canvas, image] of [[base, baseImage], [copying, copyingImage]] as const) {
      canvas.width = cols;
      canvas.height = rows;
      canvas.getContext('2d')!.putImageData(image, 0, 0);
    }
    surface.cells = { base, copying, runs: mirror.regions, grid, palette: p, anyCopying };
    return surface.cells;
  }

  /** The held writes being drawn and where each is in its animation now (the e2e tests follow one). */
  heldWrites(now = performance.now()): Array<{ key: string; region: number; client: boolean; phase: HeldPhase }> {
    return [...this.held].map(([key, w]) => ({ key, region: w.region, client: w.client, phase: heldPhase(w, now).phase }));
  }

  private stepModeHold(): boolean {
    const move = this.store.getState().move;
    return move.settings.stepMode && !!move.state && !['done', 'aborted', 'failed'].includes(move.state.status);
  }

  /** The key of the held write seen last. */
  private newestHeld(): string | undefined {
    let newest: [string, HeldWrite] | undefined;
    for (const entry of this.held) if (!newest || entry[1].seenMs >= newest[1].seenMs) newest = entry;
    return newest?.[0];
  }

  /** Folds the write events that arrived since the last frame into the held writes. */
  private followWrites(now: number): void {
    const writes = this.store.getState().move.writes;
    const last = this.lastWrite;
    for (const e of writes.filter((w) => w.stream > last.stream || (w.stream === last.stream && w.seq > last.seq))) {
      const mirror = `${e.stream}/${e.device}/${e.targetIndex}`;
      if (e.type === 'write-intercepted') {
        this.held.set(`${mirror}/${e.seq}`, { region: e.region, client: e.client !== undefined, seenMs: now, releasedMs: null, landedMs: null });
        this.interceptsDrawn += 1;
        continue;
      }
      if (e.type === 'write-source-only') {
        this.sourceOnly.set(`${mirror}/${e.seq}`, { region: e.region, client: e.client !== undefined, seenMs: now });
        this.sourceOnlyDrawn += 1;
        continue;
      }
      // The oldest held write of that region and sector not yet past this event takes it.
      const key = [...this.held.keys()].find((k) => k.startsWith(`${mirror}/`) && this.held.get(k)!.region === e.region && (e.type === 'write-released' ? this.held.get(k)!.releasedMs === null : this.held.get(k)!.landedMs === null));
      const w = key ? this.held.get(key)! : undefined;
      if (w && e.type === 'write-released') w.releasedMs = now;
      if (w && e.type === 'write-both-legs') w.landedMs = now;
    }
    const newest = writes[writes.length - 1];
    if (newest) this.lastWrite = { stream: newest.stream, seq: newest.seq };
    // In step mode the presenter sets the pace: the newest held write stays on screen, landed on
    // both legs, until another one takes its place or the move ends.
    const keep = this.stepModeHold() ? this.newestHeld() : undefined;
    for (const [key, w] of this.held) if (key !== keep && heldPhase(w, now).phase === 'gone') this.held.delete(key);
    for (const [key, w] of this.sourceOnly) if (now - w.seenMs >= LAND_MS) this.sourceOnly.delete(key);
  }

  /** The source-only writes being drawn (the e2e tests follow them). */
  sourceOnlyWrites(): Array<{ key: string; region: number; client: boolean }> {
    return [...this.sourceOnly].map(([key, w]) => ({ key, region: w.region, client: w.client }));
  }

  private paintIntercepts(ctx: CanvasRenderingContext2D, surface: Surface, grid: CellGrid, mirror: MirrorProgressView, index: number, now: number): void {
    void index;
    const p = this.palette!;
    const prefix = `/${mirror.device}/${mirror.targetIndex}/`;
    for (const [key, w] of this.held) {
      // A held write marks the cell holding its region (outside the window: not drawn).
      const at = key.includes(prefix) ? cellOf(grid, w.region) : -1;
      if (at < 0) continue;
      const cell = cellRect(grid.layout, at);
      const shown = heldPhase(w, now);
      // A write kept in step mode stays at the middle of its landing, both strokes drawn.
      const { phase, t } = shown.phase === 'gone' && w.landedMs !== null ? { phase: 'landing' as const, t: 0.5 } : shown;
      const motion = motionAt(now, t, this.reducedMotion);
      const ring = w.client ? p.client : p.intercept;
      if (phase === 'held') {
        // The region copies (pulsing) inside the ring of the write that waits for it.
        ctx.globalAlpha = motion.pulse;
        fill(ctx, [cell], p.copying);
        ctx.globalAlpha = 1;
        drawWaiting(ctx, cell, ring, motion);
      } else if (phase === 'copied') {
        fill(ctx, [cell], p.copied);
        drawWaiting(ctx, cell, ring, motion);
      } else if (phase === 'landing') {
        fill(ctx, [cell], p.copied);
        drawLanding(ctx, cell, w.client ? p.client : p.landed, motion, surface);
      }
    }
    for (const [key, w] of this.sourceOnly) {
      const at = key.includes(prefix) ? cellOf(grid, w.region) : -1;
      if (at >= 0) drawSourceOnly(ctx, cellRect(grid.layout, at), w.client ? p.client : p.landed, motionAt(now, Math.min(1, (now - w.seenMs) / LAND_MS), this.reducedMotion), surface);
    }
  }
}

/** Lines between cells (only when cells are big enough to tell apart): cols + rows strokes, not one per cell. */
function drawCellSeparators(ctx: CanvasRenderingContext2D, grid: GridLayout, widthPx: number, color: string): void {
  ctx.fillStyle = color;
  const h = grid.rows * grid.cellHeight;
  for (let c = 1; c < grid.cols; c += 1) ctx.fillRect(c * grid.cellWidth - 1.5, 0, 1.5, h);
  for (let r = 1; r < grid.rows; r += 1) ctx.fillRect(0, r * grid.cellHeight - 1.5, widthPx, 1.5);
}

/** A CSS colour as red, green, blue (0–255), as the canvas parses it. */
function rgbOf(color: string): Rgb {
  const probe = document.createElement('canvas').getContext('2d')!;
  probe.fillStyle = color;
  const text = probe.fillStyle;
  if (text.startsWith('#')) return [1, 3, 5].map((i) => parseInt(text.slice(i, i + 2), 16)) as Rgb;
  const parts = text.match(/[\d.]+/g)?.map(Number) ?? [0, 0, 0];
  return [parts[0], parts[1], parts[2]];
}

function fill(ctx: CanvasRenderingContext2D, rects: Rect[], color: string): void {
  ctx.fillStyle = color;
  for (const r of rects) ctx.fillRect(r.x, r.y, Math.max(0.5, r.width), Math.max(0.5, r.height));
}

/** The waiting write: a raised, pulsing ring around its region (the region itself stays visible inside). */
function drawWaiting(ctx: CanvasRenderingContext2D, cell: Rect, color: string, motion: Motion): void {
  const grow = Math.max(4, Math.min(cell.width, cell.height) * 0.35);
  const ring = grow + motion.ring;
  ctx.shadowColor = 'rgba(0,0,0,0.45)';
  ctx.shadowBlur = 6;
  ctx.strokeStyle = color;
  ctx.lineWidth = 3;
  ctx.strokeRect(cell.x - ring, cell.y - ring, cell.width + ring * 2, cell.height + ring * 2);
  ctx.shadowBlur = 0;
  // The write itself: a small block at the top-left of the ring, "on its way in".
  ctx.fillStyle = color;
  ctx.fillRect(cell.x - ring - 3, cell.y - ring - 3, Math.max(5, cell.width * 0.35), Math.max(5, cell.height * 0.35));
}

/** A write to the source leg only: a fading dashed outline (its region stays as it was) and one stroke to the source leg. */
function drawSourceOnly(ctx: CanvasRenderingContext2D, cell: Rect, color: string, motion: Motion, surface: Surface): void {
  ctx.globalAlpha = motion.flash;
  ctx.strokeStyle = color;
  ctx.lineWidth = 2;
  ctx.setLineDash([3, 2]);
  ctx.strokeRect(cell.x - 2, cell.y - 2, cell.width + 4, cell.height + 4);
  ctx.setLineDash([]);
  const cx = cell.x + cell.width / 2;
  const cy = cell.y + cell.height / 2;
  const legX = surface.widthPx * 0.25;
  ctx.beginPath();
  ctx.moveTo(cx, cy);
  ctx.lineTo(cx + (legX - cx) * motion.reach, cy + (surface.heightPx - cy) * motion.reach);
  ctx.stroke();
  ctx.globalAlpha = 1;
}

/** The write landing on both legs: a fading flash and two strokes to the legs below. */
function drawLanding(ctx: CanvasRenderingContext2D, cell: Rect, color: string, motion: Motion, surface: Surface): void {
  ctx.globalAlpha = motion.flash;
  ctx.fillStyle = color;
  ctx.fillRect(cell.x - 2, cell.y - 2, cell.width + 4, cell.height + 4);
  ctx.strokeStyle = color;
  ctx.lineWidth = 2;
  const cx = cell.x + cell.width / 2;
  const cy = cell.y + cell.height / 2;
  const reach = motion.reach;
  for (const legX of [surface.widthPx * 0.25, surface.widthPx * 0.75]) {
    ctx.beginPath();
    ctx.moveTo(cx, cy);
    ctx.lineTo(cx + (legX - cx) * reach, cy + (surface.heightPx - cy) * reach);
    ctx.stroke();
  }
  ctx.globalAlpha = 1;
}
