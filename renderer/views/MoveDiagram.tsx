// The move diagram: the identity / mirror overlay of pvmove_outline.txt drawn from the dm
// devices as the event stream keeps them (so every create, suspend, load, swap and removal
// shows as it happens; a loaded table is drawn loaded-not-live until the resume), with the
// region grid of each mirror
// painted by the animation controller, the destination leg filling, and the figures
// (percent, MiB/s, ETA, regions copied / total, intercepted writes). When the move is done
// the same drawing shows the final table: pv1 | pv4 | pv3.
import { createContext, useContext, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { MirrorProgressView } from '../../app/api/move';
import type { DmDeviceView } from '../../app/api/views';
import type { RegionAnimator } from '../animation/regionAnimator';
import { formatBytes, formatSeconds } from '../format';
import { lvLayoutText } from '../geometry/extentMap';
import { mirrorsFromStatus } from '../geometry/dmStack';
import { diagramLayout, type DiagramBox } from '../geometry/moveDiagram';
import { regionsFigure } from '../store/moveSlice';
import { useAppStore } from '../storeContext';
import { useVgColors } from './colors';

export const AnimatorContext = createContext<RegionAnimator | null>(null);

function useWidth(ref: React.RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(600);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(el.clientWidth);
    const observer = new ResizeObserver(() => setWidth(el.clientWidth));
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}

/** The LV the diagram shows: the one moving, else the selected one, else the first LV. */
function useDiagramLv(): string | null {
  const moving = useAppStore((s) => (s.move.state && s.move.state.status !== 'aborted' ? (s.move.state.currentLv ?? s.move.state.plan.lvs[0] ?? null) : null));
  const selected = useAppStore((s) => (s.ui.selection?.kind === 'segment' ? s.ui.selection.lv : null));
  const first = useAppStore((s) => s.workspace.view?.vgs[0]?.lvs.find((l) => !l.hidden && l.dmName)?.name ?? null);
  return moving ?? selected ?? first;
}

export function MoveDiagram() {
  const ref = useRef<HTMLDivElement>(null);
  const width = Math.max(320, useWidth(ref) - 2);
  const lvName = useDiagramLv();
  const lv = useAppStore((s) => s.workspace.view?.vgs[0]?.lvs.find((l) => l.name === lvName));
  const devices = useAppStore((s) => s.devices.list);
  const pvs = useAppStore((s) => s.workspace.view?.vgs[0]?.pvs);
  const status = useAppStore((s) => s.move.state?.status ?? null);
  const lvDevice = devices.find((d) => d.name === lv?.dmName);
  const layout = useMemo(() => (lvDevice ? diagramLayout(lvDevice, devices, pvs ?? [], width) : null), [lvDevice, devices, pvs, width]);
  const statusMirrors = useMemo(() => (lvDevice ? mirrorsFromStatus(lvDevice) : []), [lvDevice]);
  const mirrors = useShownMirrors(statusMirrors);
  return (
    <section className="panel diagram" aria-labelledby="diagram-title">
      <div className="panel-title">
        <h2 id="diagram-title">Live move: {lv ? `${lv.name} = ${lvLayoutText(lv)}` : 'no LV'}</h2>
        <span className={`badge move-status status-${status ?? 'idle'}`} data-testid="move-status">{status ?? 'idle'}</span>
      </div>
      <MoveFigures mirrors={mirrors} />
      <MoveLvs />
      <GridLegend />
      <div className="diagram-canvas" ref={ref} data-testid="move-diagram">
        {layout && lvDevice ? <DiagramSvg layout={layout} device={lvDevice} statusMirrors={statusMirrors} mirrors={mirrors} /> : <p className="muted">The LV is not active, so there is no device to draw.</p>}
      </div>
    </section>
  );
}

/** Percent of one mirror's regions copied (each destination shows its own mirror's figure). */
function mirrorPercent(mirror: MirrorProgressView | undefined): number {
  return mirror && mirror.regionsTotal > 0 ? (mirror.regionsCopied * 100) / mirror.regionsTotal : 0;
}

function DiagramSvg({ layout, device, statusMirrors, mirrors }: { layout: NonNullable<ReturnType<typeof diagramLayout>>; device: DmDeviceView; statusMirrors: readonly MirrorProgressView[]; mirrors: readonly MirrorProgressView[] }) {
  const colors = useVgColors();
  const done = useAppStore((s) => s.move.state?.status === 'done');
  const paused = useAppStore((s) => s.move.state?.status === 'paused');
  const suspended = device.state === 'SUSPENDED';
  return (
    <div className="diagram-stack" style={{ height: `${layout.height}px` }}>
      <svg width={layout.width} height={layout.height} className="diagram-svg">
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" className="arrow-head" /></marker>
        </defs>
        <Box box={layout.top} className={`device${suspended ? ' suspended' : ''}`} testId="diagram-device" />
        {layout.targets.map((b, i) => <Box key={`t${i}`} box={b} className={`target target-${b.kind}${b.live === false ? ' loaded-not-live' : ''}`} fill={b.kind === 'linear' ? colors.pv.get(b.pv ?? '') : undefined} testId={`diagram-target-${i}`} />)}
        {layout.arrows.map((a, i) => <path key={`a${i}`} d={a.path} className={`arrow arrow-${a.kind}${layout.loadedNotLive ? ' loaded-not-live' : ''}`} markerEnd="url(#arrow)" />)}
        {layout.lowerDevice && <Box box={layout.lowerDevice} className={`device temp${layout.lowerDevice.sublabel.includes('DEFERRED REMOVE') ? ' removing' : ''}`} testId="diagram-temp-device" />}
        {layout.lower.map((b, i) => <Box key={`l${i}`} box={b} className="target pv" fill={colors.pv.get(b.pv ?? '')} testId={`diagram-lower-${i}`} />)}
        {layout.destinations.map((b, i) => {
          const percent = done ? 100 : mirrorPercent(mirrors[b.mirrorIndex ?? i]);
          return (
            <g key={`d${i}`} data-testid={`diagram-destination-${i}`}>
              <rect x={b.x} y={b.y} width={b.width} height={b.height} rx={4} className={`destination${layout.loadedNotLive ? ' loaded-not-live' : ''}`} />
              <rect x={b.x} y={b.y} width={(b.width * Math.min(100, percent)) / 100} height={b.height} rx={4} className="destination-fill" fill={colors.pv.get(b.pv ?? '')} />
              <text x={b.x + 8} y={b.y + 16} className="box-label">{b.label}</text>
              <text x={b.x + 8} y={b.y + 32} className="box-sublabel" data-testid={`diagram-destination-percent-${i}`}>{b.sublabel} · {percent.toFixed(0)}% written</text>
            </g>
          );
        })}
        {suspended && <text x={layout.width - 8} y={15} textAnchor="end" className="suspended-label" data-testid="diagram-suspended">SUSPENDED: {device.deferred} IO{device.deferred === 1 ? '' : 's'} queued</text>}
        {layout.loadedNotLive && <text x={8} y={layout.targets[0] ? layout.targets[0].y + layout.targets[0].height + 16 : 40} className="loaded-label" data-testid="diagram-loaded-not-live">INACTIVE table: loaded, not live until resume swaps it in</text>}
        {!suspended && paused && layout.targets.some((b) => b.kind === 'mirror') && <text x={layout.width - 8} y={15} textAnchor="end" className="suspended-label" data-testid="diagram-paused">COPY PAUSED: the mirror stays loaded</text>}
      </svg>
      {layout.targets.filter((b) => b.kind === 'mirror').map((b) => <RegionCanvas key={`m${b.mirrorIndex}`} box={b} index={b.mirrorIndex!} statusMirror={statusMirrors[b.mirrorIndex!] ?? null} />)}
    </div>
  );
}

/** Where a one-line box's sublabel starts: after its label (12 px monospace, 0.6 em a character), never closer than 90 px. */
function inlineSublabelOffsetPx(label: string): number {
  return Math.max(90, Math.ceil(label.length * 12 * 0.61) + 14);
}

/** Width of a text in the diagram's monospace labels (12 px bold labels, 11 px sublabels). */
const textWidthPx = (text: string, fontPx: number) => Math.ceil(text.length * fontPx * 0.62);

/**
 * A mirror's legs beside its label, as long as both fit on one line: "source + destination",
 * else "→ destination", else nothing (the destination box below still names it).
 */
function mirrorSublabel(box: DiagramBox): string {
  const room = box.width - 16 - textWidthPx(box.label, 12) - 12;
  const destination = box.sublabel.split(' + ').at(-1) ?? '';
  return [box.sublabel, `→ ${destination}`, ''].find((text) => textWidthPx(text, 11) <= room) ?? '';
}

function Box({ box, className, fill, testId }: { box: DiagramBox; className: string; fill?: string; testId?: string }) {
  const small = box.width < 70;
  return (
    <g data-testid={testId} data-kind={box.kind} data-live={box.live === undefined ? undefined : String(box.live)}>
      <rect x={box.x + 1} y={box.y} width={Math.max(1, box.width - 2)} height={box.height} rx={4} className={className} fill={fill} />
      <text x={box.x + 8} y={box.y + 15} className="box-label">{small ? '' : box.label}</text>
      {box.kind !== 'mirror' && <text x={box.x + 8} y={box.y + (box.height > 30 ? 30 : 15)} dx={box.height > 30 ? 0 : inlineSublabelOffsetPx(box.label)} className="box-sublabel">{small ? '' : box.sublabel}</text>}
      {box.kind === 'mirror' && <text x={box.x + box.width - 8} y={box.y + 15} textAnchor="end" className="box-sublabel">{mirrorSublabel(box)}</text>}
    </g>
  );
}

/** The canvas the animation controller paints the region grid on (inside the mirror box). */
function RegionCanvas({ box, index, statusMirror }: { box: DiagramBox; index: number; statusMirror: MirrorProgressView | null }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const animator = useContext(AnimatorContext);
  const w = Math.max(10, box.width - 16);
  const h = box.height - 30;
  useEffect(() => (animator && ref.current ? animator.attach(index, ref.current, w, h) : undefined), [animator, index, w, h]);
  useEffect(() => animator?.setFallback(index, statusMirror), [animator, index, statusMirror]);
  return <canvas ref={ref} className="region-canvas" data-testid={`region-grid-${index}`} style={{ left: `${box.x + 8}px`, top: `${box.y + 22}px`, width: `${w}px`, height: `${h}px` }} />;
}

/**
 * The mirrors the diagram paints: the engine's progress while it copies, else what `dmsetup
 * status` says of the mirror targets still loaded (steps 5 to 7, after the checkpoint).
 */
function useShownMirrors(statusMirrors: MirrorProgressView[]): readonly MirrorProgressView[] {
  const fromProgress = useAppStore((s) => s.move.progress?.mirrors);
  return fromProgress && fromProgress.length > 0 ? fromProgress : statusMirrors;
}

function MoveFigures({ mirrors }: { mirrors: readonly MirrorProgressView[] }) {
  const progress = useAppStore((s) => s.move.progress);
  const status = useAppStore((s) => s.move.state?.status ?? null);
  const figures = useAppStore((s) => s.move.figures);
  // Once done, the engine's count restarts at 0 (the mirrors are gone); the move's count stays true.
  const intercepted = progress ? (status === 'done' ? Math.max(progress.interceptedWrites, figures.interceptedWrites) : progress.interceptedWrites) : null;
  // Each figure is a <div> pair, so the grid can fold to two or one column in a narrow panel.
  return (
    <dl className="figures mono" data-testid="move-figures">
      <div><dt>copied</dt><dd data-testid="move-percent">{progress ? `${progress.percent.toFixed(1)}%` : '—'}</dd></div>
      <div><dt>speed</dt><dd>{progress ? `${(progress.bytesPerSec / (1024 * 1024)).toFixed(2)} MiB/s` : '—'}</dd></div>
      <div><dt>ETA</dt><dd>{progress?.etaSeconds != null ? formatSeconds(progress.etaSeconds) : '—'}</dd></div>
      <div><dt>regions</dt><dd data-testid="move-regions">{regionsFigure(mirrors, status, figures)}</dd></div>
      <div><dt>data</dt><dd>{progress ? `${formatBytes(progress.bytesCopied)} / ${formatBytes(progress.bytesTotal)}` : '—'}</dd></div>
      <div><dt>intercepted</dt><dd data-testid="diagram-intercepted">{progress ? `${intercepted} (${progress.waitingWrites} waiting)` : '—'}</dd></div>
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

function GridLegend() {
  return (
    <ul className="grid-legend" data-testid="grid-legend" aria-label="region grid legend">
      {GRID_LEGEND.map((item) => (
        <li key={item.state} data-state={item.state}>
          <span className={`swatch${item.state === 'held' ? ' held' : ''}`} style={{ background: item.color }} aria-hidden="true" />
          {item.text}
        </li>
      ))}
    </ul>
  );
}

/** A move of several LVs runs the eight steps once per LV: which LV the diagram shows, and how far each is. */
function MoveLvs() {
  const move = useAppStore((s) => s.move.state);
  if (!move || move.plan.lvs.length < 2) return null;
  const stateOf = (lv: string) => {
    const steps = move.steps.filter((x) => x.lv === lv);
    if (steps.some((x) => x.number === 8 && x.state === 'done')) return 'done';
    if (lv === move.currentLv) return `step ${move.step} of 8 (shown below)`;
    return steps.some((x) => x.state === 'undone' || x.state === 'failed') ? 'undone' : 'waiting its turn';
  };
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
