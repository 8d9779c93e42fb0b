// Pieces the two move diagrams share (the outline's overlay in MoveDiagram.tsx, the lvm2
// stack's layers in LayerDiagram.tsx): the title line, a labelled box, the region-grid canvas
// the animation controller paints, the figures, the grid's legend and the per-LV line.
import { createContext, memo, useCallback, useContext, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { MirrorProgressView } from '../../app/api/move';
import type { DmDeviceView } from '../../app/api/views';
import { GRID_FOOT_PX, type RegionAnimator } from '../animation/regionAnimator';
import { crashCostText, formatBytes, formatSeconds } from '../format';
import type { DiagramBox } from '../geometry/moveDiagram';
import type { LvStyle } from '../geometry/palette';
import { cellGrid, cellRegions, describeRegionGrid, describeWindow, isWhole, MIN_WINDOW, panWindow, ZOOM_STEP, zoomWindow, type CellGrid, type RegionWindow } from '../geometry/regionGrid';
import { inlineSublabelOffsetPx, SUBLABEL_PX, textWidthPx } from '../geometry/layerDiagram';
import { exportsShown } from '../store/exportsSlice';
import { regionsFigure, sameMoveShape } from '../store/moveSlice';
import { lvProgressText } from '../store/stepList';
import { useAppStore, useAppStoreWith, useCalmAppStore } from '../storeContext';
import { patternFill } from './lvPatterns';

/** The drawing width of the diagram's canvas element (followed on resize), at least 320 px. */
export function useDiagramWidth(ref: React.RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(600);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(el.clientWidth);
    const observer = new ResizeObserver(() => setWidth(el.clientWidth));
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  return Math.max(320, width - 2);
}

export const AnimatorContext = createContext<RegionAnimator | null>(null);

/** The panel's title line: what is drawn, the stack and the move's status. */
export const DiagramTitle = memo(function DiagramTitle({ text }: { text: string }) {
  const status = useAppStore((s) => s.move.state?.status ?? null);
  // A replayed recording is not live (issue 19).
  const shown = useAppStore((s) => (s.replay.info ? text.replace(/^Live move/, 'Recorded move') : text));
  return (
    <div className="panel-title">
      <h2 id="diagram-title" title={shown}>{shown}</h2>
      <span className={`badge move-status status-${status ?? 'idle'}`} data-testid="move-status">{status ?? 'idle'}</span>
    </div>
  );
});

/**
 * A mirror's legs beside its label, as long as both fit on one line: "source + destination",
 * else "→ destination", else nothing (the destination box below still names it).
 */
function mirrorSublabel(box: DiagramBox): string {
  const room = box.width - 16 - textWidthPx(box.label, 12) - 12;
  const destination = box.sublabel.split(' + ').at(-1) ?? '';
  return [box.sublabel, `→ ${destination}`, ''].find((text) => textWidthPx(text, SUBLABEL_PX) <= room) ?? '';
}

/**
 * A labelled box; `fitted`: its geometry already shortened the texts to fit, so even a narrow
 * box shows them. `lv`: the box holds that LV's data, so it takes the LV's style (colour,
 * pattern from the SVG's defs under `patternPrefix`) and its texts the label colour of that
 * fill; a table only loaded (not live) stays neutral, drawn faded by its class.
 */
export const Box = memo(function Box({ box, className, lv, patternPrefix = '', testId, fitted = false }: { box: DiagramBox; className: string; lv?: LvStyle; patternPrefix?: string; testId?: string; fitted?: boolean }) {
  const small = !fitted && box.width < 70;
  const style = box.live === false ? undefined : lv;
  const pattern = patternFill(patternPrefix, style);
  const text = style ? { fill: style.label } : undefined;
  const rect = { x: box.x + 1, y: box.y, width: Math.max(1, box.width - 2), height: box.height, rx: 4 };
  return (
    <g data-testid={testId} data-kind={box.kind} data-live={box.live === undefined ? undefined : String(box.live)}>
      <rect {...rect} className={className} fill={style?.fill} />
      {pattern && <rect {...rect} className="box-pattern" fill={pattern} pointerEvents="none" />}
      <text x={box.x + 8} y={box.y + 15} className="box-label" style={text}>{small ? '' : box.label}</text>
      {box.kind !== 'mirror' && <text x={box.x + 8} y={box.y + (box.height > 30 ? 30 : 15)} dx={box.height > 30 ? 0 : inlineSublabelOffsetPx(box.label)} className="box-sublabel" style={text}>{small ? '' : box.sublabel}</text>}
      {box.kind === 'mirror' && <text x={box.x + box.width - 8} y={box.y + 15} textAnchor="end" className="box-sublabel" style={text}>{mirrorSublabel(box)}</text>}
    </g>
  );
});

/**
 * The canvas the animation controller paints mirror `index`'s region grid on, at `rect` (inside
 * the mirror's box). Hovering a cell says what it holds (a tooltip). When the mirror has more
 * regions than the box has cells, a zoom bar under the grid says which regions it shows and
 * how many per cell, and zooms: the wheel over a cell zooms around it; with the grid focused,
 * + and − zoom, the arrows pan, 0 shows all; the bar's buttons do the same.
 */
export function RegionCanvas({ rect, index, statusMirror }: { rect: { x: number; y: number; width: number; height: number }; index: number; statusMirror: MirrorProgressView | null }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const animator = useContext(AnimatorContext);
  const w = Math.max(10, rect.width);
  const h = Math.max(10, rect.height);
  useEffect(() => (animator && ref.current ? animator.attach(index, ref.current, w, h) : undefined), [animator, index, w, h]);
  useEffect(() => animator?.setFallback(index, statusMirror), [animator, index, statusMirror]);
  // The words change only when a count does (a string selector): no render per progress tick otherwise.
  const text = useCalmAppStore((s) => describeRegionGrid(s.move.progress?.mirrors.length ? s.move.progress.mirrors[index] : statusMirror));
  const total = useAppStore((s) => (s.move.progress?.mirrors.length ? s.move.progress.mirrors[index]?.regionsTotal : statusMirror?.regionsTotal) ?? 0);
  const zoom = useZoom(animator, index, total, w, h - GRID_FOOT_PX);
  useWheelZoom(ref, zoom);
  const tip = useCellTip(animator, index);
  const label = zoom.grid && zoom.zoomable ? `${text} Showing ${describeWindow(zoom.grid)}.` : text;
  return (
    <>
      <canvas
        ref={ref}
        className={`region-canvas${zoom.zoomable ? ' zoomable' : ''}`}
        role="img"
        aria-label={label}
        aria-keyshortcuts={zoom.zoomable ? '+ - 0 ArrowLeft ArrowRight Home End' : undefined}
        tabIndex={zoom.zoomable ? 0 : undefined}
        data-testid={`region-grid-${index}`}
        style={{ left: `${rect.x}px`, top: `${rect.y}px`, width: `${w}px`, height: `${h}px` }}
        onKeyDown={zoom.onKey}
        onMouseMove={(e) => tip.show(e, zoom.grid)}
        onMouseLeave={tip.hide}
      />
      {zoom.grid && zoom.zoomable && <ZoomBar grid={zoom.grid} index={index} left={rect.x} top={rect.y + h - GRID_FOOT_PX} width={w} zoom={zoom} />}
      {tip.tip && (
        // On the right half of the grid the tooltip opens to the left of the pointer, so the panel's edge never cuts it.
        <div role="tooltip" className="region-tip mono" data-testid={`region-tip-${index}`} style={{ left: `${rect.x + tip.tip.x + (tip.tip.x > w / 2 ? -12 : 12)}px`, top: `${rect.y + tip.tip.y + 14}px`, transform: tip.tip.x > w / 2 ? 'translateX(-100%)' : undefined }}>
          {tip.tip.text}
        </div>
      )}
    </>
  );
}

interface Zoom {
  grid: CellGrid | null;
  /** More regions than cells, or zoomed in: the zoom bar and keys are offered. */
  zoomable: boolean;
  zoomBy(factor: number, anchor?: number): void;
  pan(fraction: number): void;
  whole(): void;
  onKey(e: React.KeyboardEvent): void;
}

/** The grid's window of regions, kept per mirror while its region count stays the same. */
function useZoom(animator: RegionAnimator | null, index: number, total: number, widthPx: number, heightPx: number): Zoom {
  const [window, setWindow] = useState<{ total: number; shown: RegionWindow } | null>(null);
  const shown = window && window.total === total ? window.shown : null;
  useEffect(() => animator?.setWindow(index, shown), [animator, index, shown]);
  const grid = total > 0 ? cellGrid(total, widthPx, heightPx, shown ?? undefined) : null;
  const zoomable = !!grid && (grid.perCell > 1 || !isWhole(grid.window, total));
  const current = grid?.window ?? { start: 0, count: total };
  const show = (next: RegionWindow) => setWindow(isWhole(next, total) ? null : { total, shown: next });
  const zoomBy = (factor: number, anchor?: number) => total > 0 && show(zoomWindow(current, total, factor, anchor));
  const pan = (fraction: number) => total > 0 && show(panWindow(current, total, fraction));
  const whole = () => setWindow(null);
  const onKey = (e: React.KeyboardEvent) => {
    const action: Record<string, () => void> = {
      '+': () => zoomBy(ZOOM_STEP),
      '=': () => zoomBy(ZOOM_STEP),
      '-': () => zoomBy(1 / ZOOM_STEP),
      '0': whole,
      ArrowLeft: () => pan(-0.5),
      ArrowUp: () => pan(-0.5),
      ArrowRight: () => pan(0.5),
      ArrowDown: () => pan(0.5),
      Home: () => pan(-total),
      End: () => pan(total),
    };
    const run = zoomable ? action[e.key] : undefined;
    if (!run) return;
    e.preventDefault();
    run();
  };
  return { grid, zoomable, zoomBy, pan, whole, onKey };
}

/** The zoom bar under the grid: which regions are shown, and buttons to zoom and pan. */
function ZoomBar({ grid, index, left, top, width, zoom }: { grid: CellGrid; index: number; left: number; top: number; width: number; zoom: Zoom }) {
  const zoomedIn = !isWhole(grid.window, grid.total);
  const atStart = grid.window.start === 0;
  const atEnd = grid.window.start + grid.window.count >= grid.total;
  return (
    <div className="region-zoom" role="toolbar" aria-label={`zoom the region grid of mirror ${index + 1}`} style={{ left: `${left}px`, top: `${top}px`, width: `${width}px` }}>
      <span className="region-window mono" data-testid={`region-window-${index}`}>{describeWindow(grid)}</span>
      <button type="button" aria-label="earlier regions" title="Earlier regions (←)" disabled={atStart} onClick={() => zoom.pan(-0.5)}>‹</button>
      <button type="button" aria-label="later regions" title="Later regions (→)" disabled={atEnd} onClick={() => zoom.pan(0.5)}>›</button>
      <button type="button" aria-label="zoom out" title="Zoom out (−)" data-testid={`region-zoom-out-${index}`} disabled={!zoomedIn} onClick={() => zoom.zoomBy(1 / ZOOM_STEP)}>−</button>
      <button type="button" aria-label="zoom in" title="Zoom in (+; or the wheel over a cell)" data-testid={`region-zoom-in-${index}`} disabled={grid.window.count <= MIN_WINDOW} onClick={() => zoom.zoomBy(ZOOM_STEP)}>+</button>
      <button type="button" aria-label="show all regions" title="All regions (0)" data-testid={`region-zoom-all-${index}`} disabled={!zoomedIn} onClick={zoom.whole}>all</button>
    </div>
  );
}

/** The tooltip of the cell under the pointer (from the cells the animator painted last). */
function useCellTip(animator: RegionAnimator | null, index: number) {
  const [tip, setTip] = useState<{ text: string; x: number; y: number } | null>(null);
  const show = useCallback(
    (e: React.MouseEvent<HTMLCanvasElement>, grid: CellGrid | null) => {
      const box = e.currentTarget.getBoundingClientRect();
      const x = e.clientX - box.left;
      const y = e.clientY - box.top;
      const found = grid ? animator?.describeAt(index, x, y) : null;
      setTip(found ? { text: found.text, x, y } : null);
    },
    [animator, index],
  );
  const hide = useCallback(() => setTip(null), []);
  return { tip, show, hide };
}

/** Zooms around the cell under the wheel (a native listener: React's wheel listener cannot prevent scrolling). */
export function useWheelZoom(canvas: React.RefObject<HTMLCanvasElement | null>, zoom: Zoom): void {
  const latest = useRef(zoom);
  latest.current = zoom;
  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      const z = latest.current;
      if (!z.zoomable || !z.grid || e.deltaY === 0) return;
      e.preventDefault();
      const box = el.getBoundingClientRect();
      const { cellWidth, cellHeight, cols } = z.grid.layout;
      const cell = Math.min(z.grid.cells - 1, Math.floor((e.clientY - box.top) / cellHeight) * cols + Math.floor((e.clientX - box.left) / cellWidth));
      const regions = cellRegions(z.grid, Math.max(0, cell));
      z.zoomBy(e.deltaY < 0 ? ZOOM_STEP : 1 / ZOOM_STEP, regions.start + regions.count / 2);
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [canvas]);
}

/**
 * The dm devices as the diagrams and the device panel show them: a device created, suspended,
 * loaded, swapped or removed shows at once (the store's newest changes), while IO counters and
 * status lines (dozens of events a second during a copy) show at the display clock's ticks.
 */
export function useShownDevices(): DmDeviceView[] {
  // Read for its change only: a structural event re-renders the view at once, with the list as it is now.
  useAppStore((s) => s.devices.changes);
  return useCalmAppStore((s) => s.devices.list);
}

/**
 * The mirrors the diagram paints: the engine's progress while it copies, else what `dmsetup
 * status` says of the mirror targets still loaded (steps 5 to 7, after the checkpoint).
 */
export function useShownMirrors(statusMirrors: MirrorProgressView[]): readonly MirrorProgressView[] {
  // Calm: the copied counts move with every progress report; the diagram shows them a few times a second.
  const fromProgress = useCalmAppStore((s) => s.move.progress?.mirrors);
  return fromProgress && fromProgress.length > 0 ? fromProgress : statusMirrors;
}

export function MoveFigures({ mirrors }: { mirrors: readonly MirrorProgressView[] }) {
  // Figures nobody reads faster than a few times a second (the status is read at once).
  const progress = useCalmAppStore((s) => s.move.progress);
  const status = useAppStore((s) => s.move.state?.status ?? null);
  const figures = useCalmAppStore((s) => s.move.figures);
  const atomic = useAppStore((s) => s.move.state?.layer?.atomic ?? s.move.state?.plan?.request?.atomic ?? false);
  // The engine's measurements as they are: no speed while nothing copies (paused, waiting for
  // Next), no ETA once the move ended.
  const speed = !progress ? '—' : progress.paused ? 'paused' : progress.bytesPerSec > 0 ? `${(progress.bytesPerSec / (1024 * 1024)).toFixed(2)} MiB/s` : '—';
  // Each figure is a <div> pair, so the grid can fold to two or one column in a narrow panel.
  return (
    <dl className="figures mono" data-testid="move-figures">
      <div><dt>copied</dt><dd data-testid="move-percent">{progress ? `${progress.percent.toFixed(1)}%` : '—'}</dd></div>
      <div title="Measured over the last seconds of copying (pauses and waits for Next do not count)"><dt>speed</dt><dd data-testid="move-speed">{speed}</dd></div>
      <div title="The copying still to do, at the measured speed (or at the rate limit until it is measured)"><dt>ETA</dt><dd data-testid="move-eta">{progress?.etaSeconds != null ? formatSeconds(progress.etaSeconds) : '—'}</dd></div>
      <div><dt>regions</dt><dd data-testid="move-regions">{regionsFigure(mirrors, status, figures)}</dd></div>
      <div><dt>data</dt><dd>{progress ? `${formatBytes(progress.bytesCopied)} / ${formatBytes(progress.bytesTotal)}` : '—'}</dd></div>
      <div title="Writes this move's mirrors held until their region was copied, since the move started"><dt>intercepted</dt><dd data-testid="diagram-intercepted">{progress ? `${progress.interceptedWrites} (${progress.waitingWrites} waiting)` : '—'}</dd></div>
      {progress?.sourceOnlyWrites ? <div title="Writes to regions the copy had not reached: on the source leg only, at once (the kernel's rule); their regions are copied later"><dt>source only</dt><dd data-testid="diagram-source-only">{progress.sourceOnlyWrites}</dd></div> : null}
      <div title={atomic ? 'An atomic move is never checkpointed: a resume after a crash copies everything copied so far again' : 'Bytes copied since the last checkpoint: a resume after a crash copies them again'}><dt>crash now</dt><dd data-testid="move-crash-cost">{progress && status !== 'done' ? crashCostText(progress.crashCostBytes).replace(/^a crash now /, '') : '—'}</dd></div>
    </dl>
  );
}

/** What each colour of the region grid means (the grid's colours are never a PV's). */
export const GRID_LEGEND = [
  { state: 'pending', color: 'var(--region-pending)', text: 'not copied' },
  { state: 'copying', color: 'var(--region-copying)', text: 'copying' },
  { state: 'copied', color: 'var(--region-copied)', text: 'copied (on both legs)' },
  { state: 'held', color: 'var(--region-intercept)', text: 'write held: its region is copied first' },
  { state: 'landed', color: 'var(--region-landed)', text: 'held write lands on both legs' },
] as const;

/** A source-only write (the kernel's rule): named only for the lvm2 stack, the one that follows it. */
export const SOURCE_ONLY_LEGEND = { state: 'source-only', color: 'var(--region-pending)', text: 'source leg only', title: 'A write to a region the copy has not reached goes to the source leg only, at once; the copy takes it along later (dm-raid1, as the kernel does)' } as const;

/**
 * The lvm2 stack's legend: the kernel's rule in words short enough that its six items keep
 * the legend on two rows at 1280 px (a third row pushed the diagram's bottom off a 720 px
 * projector); each item's title says it in full.
 */
const KERNEL_RULE_LEGEND = [
  GRID_LEGEND[0],
  GRID_LEGEND[1],
  { ...GRID_LEGEND[2], text: 'copied: both legs', title: 'copied (on both legs)' },
  { ...GRID_LEGEND[3], text: 'write held till copied', title: 'A write to a region being copied waits until that copy ends' },
  { ...GRID_LEGEND[4], text: 'then both legs', title: 'held write lands on both legs' },
  SOURCE_ONLY_LEGEND,
] as const;

/** An export client's held write (issue 17): named only while the host serves exports. */
export const CLIENT_LEGEND = { state: 'client', color: 'var(--region-client)', text: "an NBD client's write: held, then on both legs" } as const;

export const GridLegend = memo(function GridLegend() {
  const serving = useAppStore((s) => exportsShown(s.exports.view));
  // The move's stack while one is shown, else the next move's.
  const kernelRule = useAppStore((s) => (s.move.state?.stack ?? s.move.settings.stack) === 'lvm2');
  const items: ReadonlyArray<{ state: string; color: string; text: string; title?: string }> = [...(kernelRule ? KERNEL_RULE_LEGEND : GRID_LEGEND), ...(serving ? [CLIENT_LEGEND] : [])];
  return (
    <ul className="grid-legend" data-testid="grid-legend" aria-label="region grid legend">
      {items.map((item) => (
        <li key={item.state} data-state={item.state} title={item.title}>
          <span className={`swatch${item.state === 'held' ? ' held' : item.state === 'client' ? ' held-client' : item.state === 'source-only' ? ' source-only' : ''}`} style={{ background: item.color }} aria-hidden="true" />
          {item.text}
        </li>
      ))}
    </ul>
  );
});

/** A move of several LVs: how far each LV is (the outline runs its steps once per LV; the diagram shows the current one). */
export function MoveLvs() {
  const move = useAppStoreWith((s) => s.move.state, sameMoveShape);
  if (!move || move.plan.lvs.length < 2) return null;
  const stateOf = (lv: string) => lvProgressText(move, lv);
  return (
    <p className="move-lvs mono" data-testid="move-lvs">
      {move.plan.lvs.map((lv, i) => (
        <span key={lv} className={lv === move.currentLv ? 'current' : undefined} data-lv={lv}>
          {i > 0 ? ' · ' : ''}
          {lv}: {stateOf(lv)}
        </span>
      ))}
    </p>
  );
}
