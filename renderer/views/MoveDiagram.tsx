// The move diagram. For the outline stack: the identity / mirror overlay of pvmove_outline.txt
// drawn from the dm devices as the event stream keeps them (so every create, suspend, load, swap and removal
// shows as it happens; a loaded table is drawn loaded-not-live until the resume), with the
// region grid of each mirror
// painted by the animation controller, the destination leg filling, and the figures
// (percent, MiB/s, ETA, regions copied / total, intercepted writes). When the move is done
// the same drawing shows the final table: pv1 | pv4 | pv3. For the lvm2 stack: the LVs over
// pvmove0 over the PVs (LayerDiagram.tsx). The stack drawn is a running move's, else the one
// chosen for the next move.
import { memo, useMemo, useRef } from 'react';
import { STACK_TITLES, type MirrorProgressView } from '../../app/api/move';
import { lvLayoutText } from '../geometry/extentMap';
import { mirrorsFromStatus } from '../geometry/dmStack';
import { describeMoveLayout, diagramLayout } from '../geometry/moveDiagram';
import { isMoveActive } from '../store/moveSlice';
import { useAppStore } from '../storeContext';
import { useVgColors } from './colors';
import { LvPatternDefs, usePatternPrefix } from './lvPatterns';
import type { LvStyle } from '../geometry/palette';
import { Box, DiagramTitle, GridLegend, MoveFigures, MoveLvs, RegionCanvas, useDiagramWidth, useShownDevices, useShownMirrors } from './diagramParts';
import { LayerDiagram } from './LayerDiagram';

export { AnimatorContext, GRID_LEGEND } from './diagramParts';

/** The LV the diagram shows: the one moving, else the selected one, else the first LV. */
function useDiagramLv(): string | null {
  const moving = useAppStore((s) => (s.move.state && s.move.state.status !== 'aborted' ? (s.move.state.currentLv ?? s.move.state.plan.lvs[0] ?? null) : null));
  const selected = useAppStore((s) => (s.ui.selection?.kind === 'segment' ? s.ui.selection.lv : null));
  const first = useAppStore((s) => s.workspace.view?.vgs[0]?.lvs.find((l) => !l.hidden && l.dmName)?.name ?? null);
  return moving ?? selected ?? first;
}

/**
 * The stack the diagram draws: a running move's, else the one chosen for the next move (so the
 * toggle shows its drawing at once; a move started from the UI ended on the chosen stack anyway).
 */
function useDiagramStack() {
  const moving = useAppStore((s) => (s.move.state && isMoveActive(s.move.state.status) ? s.move.state.stack : null));
  const chosen = useAppStore((s) => s.move.settings.stack);
  return moving ?? chosen;
}

export function MoveDiagram() {
  const stack = useDiagramStack();
  return (
    <section className="panel diagram" aria-labelledby="diagram-title">
      {stack === 'lvm2' ? <LayerDiagram /> : <OutlineDiagram />}
    </section>
  );
}

function OutlineDiagram() {
  const canvasRef = useRef<HTMLDivElement>(null);
  const width = useDiagramWidth(canvasRef);
  const lvName = useDiagramLv();
  const lv = useAppStore((s) => s.workspace.view?.vgs[0]?.lvs.find((l) => l.name === lvName));
  const devices = useShownDevices();
  const pvs = useAppStore((s) => s.workspace.view?.vgs[0]?.pvs);
  const lvDevice = devices.find((d) => d.name === lv?.dmName);
  // The same drawing keeps the same objects: a dm event that only moved an IO counter (dozens a
  // second during a copy) then re-renders neither the SVG nor the grid canvases.
  const layout = useSameValue(useMemo(() => (lvDevice ? diagramLayout(lvDevice, devices, pvs ?? [], width) : null), [lvDevice, devices, pvs, width]));
  const statusMirrors = useSameValue(useMemo(() => (lvDevice ? mirrorsFromStatus(lvDevice) : []), [lvDevice]));
  const mirrors = useShownMirrors(statusMirrors);
  return (
    <>
      <DiagramTitle text={`Live move · ${STACK_TITLES.outline}: ${lv ? `${lv.name} = ${lvLayoutText(lv)}` : 'no LV'}`} />
      <MoveFigures mirrors={mirrors} />
      <MoveLvs />
      <GridLegend />
      <div className="diagram-canvas" ref={canvasRef} data-testid="move-diagram" data-stack="outline">
        {layout && lvDevice ? <DiagramSvg layout={layout} deviceName={lvDevice.name} suspended={lvDevice.state === 'SUSPENDED'} deferred={lvDevice.deferred} lvName={lv?.name ?? ''} statusMirrors={statusMirrors} mirrors={mirrors} /> : <p className="muted">The LV is not active, so there is no device to draw.</p>}
      </div>
    </>
  );
}

/** `value` as it was last time when it is equal in JSON (a small, plain value), so memo and effects see no change. */
function useSameValue<T>(value: T): T {
  const json = JSON.stringify(value) ?? '';
  return useMemo(() => (json === '' ? value : (JSON.parse(json) as T)), [json]); // eslint-disable-line react-hooks/exhaustive-deps -- keyed by the JSON on purpose
}

/** Percent of one mirror's regions copied (each destination shows its own mirror's figure). */
function mirrorPercent(mirror: MirrorProgressView | undefined): number {
  return mirror && mirror.regionsTotal > 0 ? (mirror.regionsCopied * 100) / mirror.regionsTotal : 0;
}

const DiagramSvg = memo(function DiagramSvg({ layout, deviceName, suspended, deferred, lvName, statusMirrors, mirrors }: { layout: NonNullable<ReturnType<typeof diagramLayout>>; deviceName: string; suspended: boolean; deferred: number; lvName: string; statusMirrors: readonly MirrorProgressView[]; mirrors: readonly MirrorProgressView[] }) {
  // Every range drawn holds the LV's data: its boxes on a PV take the LV's style, the PVs are named by their labels.
  const style: LvStyle | undefined = useVgColors().lv.get(lvName);
  const prefix = usePatternPrefix();
  const done = useAppStore((s) => s.move.state?.status === 'done');
  const paused = useAppStore((s) => s.move.state?.status === 'paused');
  return (
    <div className="diagram-stack" style={{ height: `${layout.height}px` }}>
      <svg width={layout.width} height={layout.height} className="diagram-svg" data-subject={deviceName} role="img" aria-label={describeMoveLayout(layout, { suspended, paused, percents: layout.destinations.map((b, i) => (done ? 100 : mirrorPercent(mirrors[b.mirrorIndex ?? i]))) })}>
        <LvPatternDefs prefix={prefix} />
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" className="arrow-head" /></marker>
        </defs>
        <Box box={layout.top} className={`device${suspended ? ' suspended' : ''}`} testId="diagram-device" />
        {layout.targets.map((b, i) => <Box key={`t${i}`} box={b} className={`target target-${b.kind}${b.live === false ? ' loaded-not-live' : ''}`} lv={b.kind === 'linear' ? style : undefined} patternPrefix={prefix} testId={`diagram-target-${i}`} />)}
        {layout.arrows.map((a, i) => <path key={`a${i}`} d={a.path} className={`arrow arrow-${a.kind}${layout.loadedNotLive ? ' loaded-not-live' : ''}`} markerEnd="url(#arrow)" />)}
        {layout.lowerDevice && <Box box={layout.lowerDevice} className={`device temp${layout.lowerDevice.sublabel.includes('DEFERRED REMOVE') ? ' removing' : ''}`} testId="diagram-temp-device" />}
        {layout.lower.map((b, i) => <Box key={`l${i}`} box={b} className="target pv" lv={style} patternPrefix={prefix} testId={`diagram-lower-${i}`} />)}
        {layout.destinations.map((b, i) => {
          const percent = done ? 100 : mirrorPercent(mirrors[b.mirrorIndex ?? i]);
          return (
            <g key={`d${i}`} data-testid={`diagram-destination-${i}`}>
              <rect x={b.x} y={b.y} width={b.width} height={b.height} rx={4} className={`destination${layout.loadedNotLive ? ' loaded-not-live' : ''}`} />
              {/* The written part fills a strip under the texts, in the LV's colour: the texts stay on the box's own background. */}
              <rect x={b.x + 2} y={b.y + b.height - 6} width={(Math.max(0, b.width - 4) * Math.min(100, percent)) / 100} height={4} rx={2} className="destination-fill" fill={style?.fill} />
              <text x={b.x + 8} y={b.y + 16} className="box-label">{b.label}</text>
              <text x={b.x + 8} y={b.y + 32} className="box-sublabel" data-testid={`diagram-destination-percent-${i}`}>{b.sublabel} · {percent.toFixed(0)}% written</text>
            </g>
          );
        })}
        {suspended && <text x={layout.width - 8} y={15} textAnchor="end" className="suspended-label" data-testid="diagram-suspended">SUSPENDED: {deferred} IO{deferred === 1 ? '' : 's'} queued</text>}
        {layout.loadedNotLive && <text x={8} y={layout.targets[0] ? layout.targets[0].y + layout.targets[0].height + 16 : 40} className="loaded-label" data-testid="diagram-loaded-not-live">INACTIVE table: loaded, not live until resume swaps it in</text>}
        {!suspended && paused && layout.targets.some((b) => b.kind === 'mirror') && <text x={layout.width - 8} y={15} textAnchor="end" className="suspended-label" data-testid="diagram-paused">COPY PAUSED: the mirror stays loaded</text>}
      </svg>
      {layout.targets.filter((b) => b.kind === 'mirror').map((b) => <RegionCanvas key={`m${b.mirrorIndex}`} rect={{ x: b.x + 8, y: b.y + 22, width: b.width - 16, height: b.height - 30 }} index={b.mirrorIndex!} statusMirror={statusMirrors[b.mirrorIndex!] ?? null} />)}
    </div>
  );
});
