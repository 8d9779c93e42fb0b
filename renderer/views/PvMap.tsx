// One PV's extent map: a rectangle per run (never per extent; runs thinner than a unit share one per column), in its LV's style (colour and
// pattern), free space grey, extents of a move in progress marked, the selection highlighted (a
// PE range by its exact span, which may start or end inside a run), the keyboard cursor's
// extent, the LVs being looked for raised (the others faded), and while a drag hovers this PV
// the ghost of where the extents would land (or the reason they cannot). A screen reader reads
// the map as a picture whose text lists the runs.
import { memo, useMemo } from 'react';
import type { PvView } from '../../app/api/views';
import { describePvMap, describeRun, landingRanges, mapRects, runAt, spanBox, type PeRange } from '../geometry/extentMap';
import type { LvStyle } from '../geometry/palette';
import { isSelected, selectedSpan, type Selection } from '../store/selection';
import type { DragState } from '../store/uiSlice';
import { LvPatternDefs, patternFill, usePatternPrefix } from './lvPatterns';

export const MAP_WIDTH = 1000;

interface PvMapProps {
  pv: PvView;
  lvColors: Map<string, LvStyle>;
  /** LVs being looked for (find box, legend hover): their runs are raised, every other LV's faded. */
  found?: ReadonlySet<string> | null;
  selection: Selection | null;
  /** False for a row out of view in a long list (VolumeGroup's PvRows): no runs, one empty bar; hover still names the run. */
  drawRuns?: boolean;
  heightPx?: number;
  ghost?: PeRange[];
  refused?: boolean;
  testId?: string;
  /** The extent under the keyboard cursor, outlined while the map has focus. */
  cursorPe?: number | null;
  onPointerDown?: (e: React.PointerEvent<SVGSVGElement>) => void;
  onHover?: (text: string | null) => void;
}

export const PvMap = memo(function PvMap({ pv, lvColors, found, selection, drawRuns = true, heightPx = 26, ghost, refused, testId, cursorPe, onPointerDown, onHover }: PvMapProps) {
  // Bounded by the map's width, not by the runs (mapRects): a 4M-extent PV is ~1,000 rectangles at most.
  const rects = useMemo(() => (drawRuns ? mapRects(pv, MAP_WIDTH, found ?? null) : []), [pv, found, drawRuns]);
  const span = selectedSpan(selection, pv.name);
  const prefix = usePatternPrefix();
  const findClass = (lv: string | null) => (!found || !lv ? '' : found.has(lv) ? ' found' : ' faded');
  const onMove = onHover
    ? (e: React.PointerEvent<SVGSVGElement>) => {
        const box = e.currentTarget.getBoundingClientRect();
        const pe = Math.floor(((e.clientX - box.left) / Math.max(1, box.width)) * pv.peCount);
        // The exact run under the pointer, even where thin runs share one drawn column.
        const hit = runAt(pv, Math.min(pe, pv.peCount - 1));
        onHover(hit ? describeRun(pv.name, hit) : null);
      }
    : undefined;
  return (
    <svg
      className={`pv-map${refused ? ' refused' : ''}`}
      data-testid={testId}
      viewBox={`0 0 ${MAP_WIDTH} ${heightPx}`}
      preserveAspectRatio="none"
      height={heightPx}
      width="100%"
      onPointerDown={onPointerDown}
      onPointerMove={onMove}
      onPointerLeave={onHover ? () => onHover(null) : undefined}
      role="img"
      aria-label={describePvMap(pv)}
    >
      {drawRuns && <LvPatternDefs prefix={prefix} />}
      {!drawRuns && <rect className="run-placeholder" x={0} y={0} width={MAP_WIDTH} height={heightPx} />}
      {rects.map(({ x, width, run, pooled }) => {
        const style = run.lv ? lvColors.get(run.lv) : undefined;
        const pattern = pooled ? undefined : patternFill(prefix, style);
        return [
          <rect
            key={run.startPe}
            x={x}
            y={0}
            width={width}
            height={heightPx}
            className={`run${pooled ? ' pooled' : ''}${run.lv ? '' : ' free'}${run.moving ? ` moving-${run.moving}` : ''}${isSelected(selection, pv.name, run.startPe, run.count, run.lv) ? ' selected' : ''}${findClass(run.lv)}`}
            fill={run.lv ? (style?.fill ?? '#888888') : undefined}
            data-lv={run.lv ?? ''}
            data-start-pe={run.startPe}
            data-count={run.count}
            vectorEffect="non-scaling-stroke"
          >
            {/* A pooled column's runs are told apart by the hover line (exact), not by a tooltip of the column. */}
            {!pooled && <title>{describeRun(pv.name, run)}</title>}
          </rect>,
          // The pattern lies over the colour and takes no pointer: hit tests still find the run.
          pattern && <rect key={`p${run.startPe}`} className={`run-pattern${findClass(run.lv)}`} x={x} y={0} width={width} height={heightPx} fill={pattern} pointerEvents="none" />,
        ];
      })}
      {span && <SpanRect className="selection-span" range={span} peCount={pv.peCount} heightPx={heightPx} testId={testId && `${testId}-span`} />}
      {cursorPe != null && cursorPe < pv.peCount && <SpanRect className="extent-cursor" range={{ startPe: cursorPe, count: 1 }} peCount={pv.peCount} heightPx={heightPx} testId={testId && `${testId}-cursor`} minWidth={8} />}
      {ghost?.map((g) => (
        <rect key={`ghost-${g.startPe}`} className="ghost" x={(g.startPe / pv.peCount) * MAP_WIDTH} y={1} width={(g.count / pv.peCount) * MAP_WIDTH} height={heightPx - 2} vectorEffect="non-scaling-stroke" />
      ))}
    </svg>
  );
});

/**
 * An exact PE span over the runs (inset by the stroke so its outline is not clipped). With
 * `minWidth` a span thinner than that (one extent of a big PV) is widened around its centre
 * so it can still be seen: the keyboard cursor uses it; a selection is always drawn exact.
 */
function SpanRect({ className, range, peCount, heightPx, testId, minWidth = 0 }: { className: string; range: PeRange; peCount: number; heightPx: number; testId?: string; minWidth?: number }) {
  const box = spanBox(range, peCount, MAP_WIDTH);
  const width = Math.max(box.width, minWidth);
  const x = box.x + box.width / 2 - width / 2;
  return <rect className={className} data-testid={testId} data-start-pe={range.startPe} data-count={range.count} x={x} y={1.5} width={width} height={heightPx - 3} vectorEffect="non-scaling-stroke" />;
}

/** The ghost of a drag hovering `pvName` with a yes verdict: where the extents would land. */
export function ghostFor(pvName: string, drag: DragState | null): PeRange[] | undefined {
  if (!drag || drag.overPv !== pvName || drag.verdict?.status !== 'yes') return undefined;
  return landingRanges(drag.verdict.plan, pvName);
}
