// The move diagram: the identity / mirror overlay of pvmove_outline.txt drawn from the live
// dm tables (so every suspend, load and swap shows), with the region grid of each mirror
// painted by the animation controller, the destination leg filling, and the figures
// (percent, MiB/s, ETA, regions copied / total, intercepted writes). When the move is done
// the same drawing shows the final table: pv1 | pv4 | pv3.
import { createContext, useContext, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { DmDeviceView } from '../../app/api/views';
import type { RegionAnimator } from '../animation/regionAnimator';
import { formatBytes, formatSeconds } from '../format';
import { lvLayoutText } from '../geometry/extentMap';
import { diagramLayout, type DiagramBox } from '../geometry/moveDiagram';
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
  return (
    <section className="panel diagram" aria-labelledby="diagram-title">
      <div className="panel-title">
        <h2 id="diagram-title">Live move: {lv ? `${lv.name} = ${lvLayoutText(lv)}` : 'no LV'}</h2>
        <span className={`badge move-status status-${status ?? 'idle'}`} data-testid="move-status">{status ?? 'idle'}</span>
      </div>
      <MoveFigures />
      <div className="diagram-canvas" ref={ref} data-testid="move-diagram">
        {layout && lvDevice ? <DiagramSvg layout={layout} device={lvDevice} /> : <p className="muted">The LV is not active, so there is no device to draw.</p>}
      </div>
    </section>
  );
}

function DiagramSvg({ layout, device }: { layout: NonNullable<ReturnType<typeof diagramLayout>>; device: DmDeviceView }) {
  const colors = useVgColors();
  const percent = useAppStore((s) => s.move.progress?.percent ?? 0);
  const suspended = device.state === 'SUSPENDED';
  return (
    <div className="diagram-stack" style={{ height: `${layout.height}px` }}>
      <svg width={layout.width} height={layout.height} className="diagram-svg">
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" className="arrow-head" /></marker>
        </defs>
        <Box box={layout.top} className={`device${suspended ? ' suspended' : ''}`} />
        {layout.targets.map((b, i) => <Box key={`t${i}`} box={b} className={`target target-${b.kind}`} fill={b.kind === 'linear' ? colors.pv.get(b.pv ?? '') : undefined} testId={`diagram-target-${i}`} />)}
        {layout.arrows.map((a, i) => <path key={`a${i}`} d={a.path} className={`arrow arrow-${a.kind}`} markerEnd="url(#arrow)" />)}
        {layout.lowerDevice && <Box box={layout.lowerDevice} className="device temp" />}
        {layout.lower.map((b, i) => <Box key={`l${i}`} box={b} className="target pv" fill={colors.pv.get(b.pv ?? '')} testId={`diagram-lower-${i}`} />)}
        {layout.destinations.map((b, i) => (
          <g key={`d${i}`} data-testid={`diagram-destination-${i}`}>
            <rect x={b.x} y={b.y} width={b.width} height={b.height} rx={4} className="destination" />
            <rect x={b.x} y={b.y} width={(b.width * Math.min(100, percent)) / 100} height={b.height} rx={4} className="destination-fill" fill={colors.pv.get(b.pv ?? '')} />
            <text x={b.x + 8} y={b.y + 16} className="box-label">{b.label}</text>
            <text x={b.x + 8} y={b.y + 32} className="box-sublabel">{b.sublabel} · {percent.toFixed(0)}% written</text>
          </g>
        ))}
        {suspended && <text x={layout.width - 8} y={15} textAnchor="end" className="suspended-label">SUSPENDED: IO queued</text>}
      </svg>
      {layout.targets.filter((b) => b.kind === 'mirror').map((b) => <RegionCanvas key={`m${b.mirrorIndex}`} box={b} index={b.mirrorIndex!} />)}
    </div>
  );
}

function Box({ box, className, fill, testId }: { box: DiagramBox; className: string; fill?: string; testId?: string }) {
  const small = box.width < 70;
  return (
    <g data-testid={testId} data-kind={box.kind}>
      <rect x={box.x + 1} y={box.y} width={Math.max(1, box.width - 2)} height={box.height} rx={4} className={className} fill={fill} />
      <text x={box.x + 8} y={box.y + 15} className="box-label">{small ? '' : box.label}</text>
      {box.kind !== 'mirror' && <text x={box.x + 8} y={box.y + (box.height > 30 ? 30 : 15)} dx={box.height > 30 ? 0 : 90} className="box-sublabel">{small ? '' : box.sublabel}</text>}
      {box.kind === 'mirror' && <text x={box.x + box.width - 8} y={box.y + 15} textAnchor="end" className="box-sublabel">{box.sublabel}</text>}
    </g>
  );
}

/** The canvas the animation controller paints the region grid on (inside the mirror box). */
function RegionCanvas({ box, index }: { box: DiagramBox; index: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const animator = useContext(AnimatorContext);
  const w = Math.max(10, box.width - 16);
  const h = box.height - 30;
  useEffect(() => (animator && ref.current ? animator.attach(index, ref.current, w, h) : undefined), [animator, index, w, h]);
  return <canvas ref={ref} className="region-canvas" data-testid={`region-grid-${index}`} style={{ left: `${box.x + 8}px`, top: `${box.y + 22}px`, width: `${w}px`, height: `${h}px` }} />;
}

function MoveFigures() {
  const progress = useAppStore((s) => s.move.progress);
  const regions = progress?.mirrors.reduce((a, m) => ({ copied: a.copied + m.regionsCopied, total: a.total + m.regionsTotal }), { copied: 0, total: 0 });
  return (
    <dl className="figures mono" data-testid="move-figures">
      <dt>copied</dt><dd data-testid="move-percent">{progress ? `${progress.percent.toFixed(1)}%` : '—'}</dd>
      <dt>speed</dt><dd>{progress ? `${(progress.bytesPerSec / (1024 * 1024)).toFixed(2)} MiB/s` : '—'}</dd>
      <dt>ETA</dt><dd>{progress?.etaSeconds != null ? formatSeconds(progress.etaSeconds) : '—'}</dd>
      <dt>regions</dt><dd data-testid="move-regions">{regions && regions.total ? `${regions.copied} / ${regions.total}` : '—'}</dd>
      <dt>data</dt><dd>{progress ? `${formatBytes(progress.bytesCopied)} / ${formatBytes(progress.bytesTotal)}` : '—'}</dd>
      <dt>intercepted</dt><dd data-testid="diagram-intercepted">{progress ? `${progress.interceptedWrites} (${progress.waitingWrites} waiting)` : '—'}</dd>
    </dl>
  );
}
