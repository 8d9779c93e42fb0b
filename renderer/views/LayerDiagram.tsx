// The move diagram for the lvm2 stack: the LVs' devices on top, the hidden pvmove0 device
// below them with each segment in its state (done, mirroring with its region grid, waiting)
// and where it maps, the PVs beneath (geometry/layerDiagram.ts lays it out); an --atomic
// move's pvmove0 is one mirror across every segment, over its two sub-LVs (pvmove0_mimage_0
// and _1). Drawn from the dm devices as the event stream keeps them and from pvmove0 as the
// metadata records it, so every preload, suspend, commit, reload and removal shows as it happens.
import { useMemo, useRef } from 'react';
import { STACK_TITLES, type LayerSegmentView, type MoveStateView } from '../../app/api/move';
import type { DmDeviceView } from '../../app/api/views';
import { mirrorsFromStatus } from '../geometry/dmStack';
import { describeLayerLayout, layerDiagramLayout, plannedSegments, type AtomicMirrorBox, type LayerLayout, type SegmentBox } from '../geometry/layerDiagram';
import { isMoveActive, sameMoveShape } from '../store/moveSlice';
import { useAppStore, useAppStoreWith } from '../storeContext';
import { useVgColors } from './colors';
import { LvPatternDefs, usePatternPrefix } from './lvPatterns';
import { Box, DiagramTitle, GridLegend, MoveFigures, MoveLvs, RegionCanvas, useDiagramWidth, useShownDevices, useShownMirrors } from './diagramParts';

const EMPTY: readonly LayerSegmentView[] = [];

/** pvmove0's segments: the metadata's once recorded, the plan's while the move prepares, else none. */
function segmentsOf(move: MoveStateView | null): { segments: readonly LayerSegmentView[]; recorded: boolean } {
  if (move?.layer) return { segments: move.layer.segments, recorded: true };
  if (move && isMoveActive(move.status)) return { segments: plannedSegments(move.plan), recorded: false };
  return { segments: EMPTY, recorded: false };
}

/** The dm name of pvmove0 in `vg` (a `-` in a VG name is doubled, as LVM2 does). */
const layerDeviceName = (vg: string) => `${vg.replace(/-/g, '--')}-pvmove0`;

export function LayerDiagram() {
  const canvasRef = useRef<HTMLDivElement>(null);
  const width = useDiagramWidth(canvasRef);
  const move = useAppStoreWith((s) => (s.move.state && s.move.state.status !== 'aborted' ? s.move.state : null), sameMoveShape);
  const vg = useAppStore((s) => s.workspace.view?.vgs[0]);
  const devices = useShownDevices();
  const selected = useAppStore((s) => (s.ui.selection?.kind === 'segment' ? s.ui.selection.lv : null));
  // The LVs drawn: the move's (all of them share pvmove0), else the selected or the first LV.
  const lvKey = (move ? move.plan.lvs : [selected ?? vg?.lvs.find((l) => !l.hidden && l.dmName)?.name ?? '']).join('\n');
  const users = useMemo(() => lvKey.split('\n').map((name) => devices.find((d) => d.name === vg?.lvs.find((l) => l.name === name)?.dmName)).filter((d): d is DmDeviceView => !!d), [lvKey, devices, vg]);
  const layerName = move?.layer?.device ?? layerDeviceName(vg?.name ?? 'vg0');
  const layerDevice = devices.find((d) => d.name === layerName) ?? null;
  // An --atomic move's legs: the sub-LVs pvmove0_mimage_0 (sources) and _1 (destinations).
  const atomic = move !== null && (move.layer?.atomic ?? move.plan?.request?.atomic ?? false);
  const image0 = atomic ? (devices.find((d) => d.name === `${layerName}_mimage_0`) ?? null) : null;
  const image1 = atomic ? (devices.find((d) => d.name === `${layerName}_mimage_1`) ?? null) : null;
  const atomicImages = useMemo(() => (atomic ? ([image0, image1] as const) : null), [atomic, image0, image1]);
  const { segments, recorded } = useMemo(() => segmentsOf(move), [move]);
  const extentSectors = vg?.extentSizeSectors ?? 1;
  const statusMirrors = useMemo(() => (layerDevice ? mirrorsFromStatus(layerDevice, (sector) => segments.find((s) => s.layerLe * extentSectors === sector)?.index ?? 1) : []), [layerDevice, segments, extentSectors]);
  const mirrors = useShownMirrors(statusMirrors);
  const layout = useMemo(
    () => layerDiagramLayout({ users, layerDevice, segments, recorded, devices, pvs: vg?.pvs ?? [], extentSectors, mirrors, widthPx: width, atomicImages }),
    [users, layerDevice, segments, recorded, devices, vg, extentSectors, mirrors, width, atomicImages],
  );
  const subject = `${users.map((u) => u.name).join(', ') || 'no LV'} over ${layerDevice?.name ?? 'pvmove0'}`;
  const userLvs = useMemo(() => users.map((u) => vg?.lvs.find((l) => l.dmName === u.name)?.name ?? ''), [users, vg]);
  return (
    <>
      <DiagramTitle text={`Live move · ${STACK_TITLES.lvm2}: ${subject}`} />
      <MoveFigures mirrors={mirrors} />
      <MoveLvs />
      <GridLegend />
      <div className="diagram-canvas" ref={canvasRef} data-testid="move-diagram" data-stack="lvm2">
        {users.length > 0 ? <LayerSvg layout={layout} subject={subject} userLvs={userLvs} mirrors={mirrors} statusMirrors={statusMirrors} /> : <p className="muted">The LV is not active, so there is no device to draw.</p>}
      </div>
    </>
  );
}

/** Which mirror of `mirrors` copies segment `index` (the animator paints mirrors by position), or -1. */
function mirrorIndexOf(mirrors: readonly { layerSegment: number }[], index: number): number {
  return mirrors.findIndex((m) => m.layerSegment === index);
}

function LayerSvg({ layout, subject, userLvs, mirrors, statusMirrors }: { layout: LayerLayout; subject: string; userLvs: readonly string[]; mirrors: ReturnType<typeof useShownMirrors>; statusMirrors: ReturnType<typeof mirrorsFromStatus> }) {
  const colors = useVgColors();
  const prefix = usePatternPrefix();
  const grids = layout.segments.filter((s) => s.grid && s.live !== false && mirrorIndexOf(mirrors, s.segment) >= 0).map((s) => ({ key: `g${s.segment}`, rect: s.grid!, segment: s.segment }));
  // An atomic move has one mirror over every run: one grid across its box.
  const atomicGrid = layout.mirror?.grid && layout.mirror.live !== false ? layout.mirror.grid : null;
  if (atomicGrid && mirrors.length > 0) grids.push({ key: 'atomic', rect: atomicGrid, segment: mirrors[0].layerSegment });
  return (
    <div className="diagram-stack" style={{ height: `${layout.height}px` }}>
      <svg width={layout.width} height={layout.height} className="diagram-svg layer-svg" data-subject={subject} role="img" aria-label={describeLayerLayout(layout)}>
        <LvPatternDefs prefix={prefix} />
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" className="arrow-head" /></marker>
        </defs>
        {layout.users.map((u, i) => (
          <g key={`u${i}`} data-testid={`layer-user-${i}`} data-loaded-not-live={String(u.loadedNotLive)}>
            <Box box={u.header} className={`device${u.suspended ? ' suspended' : ''}`} testId={`layer-user-header-${i}`} />
            {u.targets.map((b, k) => <Box key={k} fitted box={b} className={`target target-${b.kind}${b.live === false ? ' loaded-not-live' : ''}`} lv={b.kind === 'linear' && b.pv ? colors.lv.get(userLvs[i] ?? '') : undefined} patternPrefix={prefix} testId={`layer-user-${i}-target-${k}`} />)}
          </g>
        ))}
        {layout.brackets.map((b, i) => <path key={`b${i}`} d={`M${b.x1 + 2},${b.y + 4} L${b.x1 + 2},${b.y} L${b.x2 - 2},${b.y} L${b.x2 - 2},${b.y + 4}`} className="bracket" />)}
        {layout.arrows.map((a, i) => <path key={`a${i}`} d={a.path} className={`arrow arrow-${a.kind}${a.loadedNotLive ? ' loaded-not-live' : ''}`} markerEnd="url(#arrow)" />)}
        <Box box={layout.layerHeader} className={`device temp layer-device${layout.layerHeader.sublabel.includes('DEFERRED REMOVE') ? ' removing' : ''}`} testId="layer-device" />
        {layout.note.length > 0 && (
          <text x={8} y={layout.segments.length ? layout.segments[0].y + layout.segments[0].height + 20 : layout.layerHeader.y + layout.layerHeader.height + 22} className="box-sublabel layer-note" data-testid="layer-note">
            {layout.note.map((line, i) => <tspan key={i} x={8} dy={i === 0 ? 0 : 15}>{line}</tspan>)}
          </text>
        )}
        {layout.mirror && <AtomicMirrorView mirror={layout.mirror} />}
        {layout.segments.map((s) => <SegmentView key={s.segment} segment={s} />)}
        {layout.images.map((image, i) => (
          <g key={image.role} data-testid={`layer-image-${i}`} data-role={image.role} data-exists={String(image.exists)} data-loaded-not-live={String(image.loadedNotLive)}>
            <Box box={image.header} className={`device temp${image.exists ? '' : ' absent'}`} testId={`layer-image-header-${i}`} />
            {image.targets.map((b, k) => <Box key={k} fitted box={b} className={`target target-${b.kind}${!image.exists ? ' no-device' : b.live === false ? ' loaded-not-live' : ''}`} testId={`layer-image-${i}-target-${k}`} />)}
          </g>
        ))}
        {layout.captions.map((c, i) => <text key={`c${i}`} x={c.x} y={c.y} className="box-sublabel leg-caption" data-testid={`layer-leg-caption-${i}`}>{c.text}</text>)}
        {layout.pvs.map((b) => <Box key={b.pv} box={b} className="target pv pv-box" testId={`layer-pv-${b.pv}`} />)}
      </svg>
      {grids.map((g) => {
        const index = mirrorIndexOf(mirrors, g.segment);
        return <RegionCanvas key={g.key} rect={g.rect} index={index} statusMirror={statusMirrors[mirrorIndexOf(statusMirrors, g.segment)] ?? null} />;
      })}
    </div>
  );
}

function SegmentView({ segment: s }: { segment: SegmentBox }) {
  const [title, mapping, state] = s.lines;
  return (
    <g data-testid={`layer-segment-${s.segment}`} data-state={s.state} data-mapping={s.mapping} data-live={String(s.live)}>
      <rect x={s.x + 1} y={s.y} width={Math.max(1, s.width - 2)} height={s.height} rx={4} className={`segment-box segment-${s.state} mapping-${s.mapping}${s.live === false ? ' loaded-not-live' : ''}`} />
      <text x={s.x + 7} y={s.y + 16} className="box-label">{title}</text>
      <text x={s.x + 7} y={s.y + 32} className="box-sublabel">{mapping}</text>
      <text x={s.x + 7} y={s.y + 48} className={`box-sublabel segment-state-label state-${s.state}`} data-testid={`layer-segment-state-${s.segment}`}>{state}</text>
    </g>
  );
}

/** An atomic move's one mirror: a box across pvmove0's row, the runs inside it, its grid beneath them. */
function AtomicMirrorView({ mirror: m }: { mirror: AtomicMirrorBox }) {
  const [title, detail] = m.lines;
  return (
    <g data-testid="layer-atomic-mirror" data-mapping={m.mapping} data-live={String(m.live)}>
      <rect x={m.x + 1} y={m.y} width={Math.max(1, m.width - 2)} height={m.height} rx={4} className={`segment-box atomic-mirror mapping-${m.mapping}${m.live === false ? ' loaded-not-live' : ''}`} />
      <text x={m.x + 7} y={m.y + 15} className="box-label">{title}</text>
      <text x={m.x + m.width - 8} y={m.y + 15} textAnchor="end" className="box-sublabel" data-testid="layer-atomic-mirror-detail">{detail}</text>
      {m.waiting.length > 0 && (
        <text x={m.x + 8} y={m.y + 100} className="box-sublabel layer-note" data-testid="layer-atomic-mirror-waiting">
          {m.waiting.map((line, i) => <tspan key={i} x={m.x + 8} dy={i === 0 ? 0 : 15}>{line}</tspan>)}
        </text>
      )}
    </g>
  );
}
