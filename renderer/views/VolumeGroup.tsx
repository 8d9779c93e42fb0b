// The volume group: one extent map per PV (drop targets; their labels drag the whole PV),
// one segment bar per LV (segments drag), a legend, and the hover line. Clicking anything
// selects it, and the selection is highlighted in every view. Every LV has one style (colour
// and pattern) in the maps, its bar and the legend; the find box (or hovering a legend entry)
// raises an LV's runs everywhere and fades the others. Each map is also a keyboard control
// (ExtentRuler.tsx): the map with the cursor or the selection shows its extent ruler.
import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { LvView, PvView } from '../../app/api/views';
import { useActions } from '../actions';
import { formatBytes } from '../format';
import { describeLvBar, describeRun, foundLvs, foundText, lvLayoutText, overlapOf, peAtX, runAt, segmentRects, type SegmentRect } from '../geometry/extentMap';
import { swatchBackground, type LvStyle } from '../geometry/palette';
import { beginPointerDrag, beginRangePick } from '../dnd';
import { isSelected, selectionOfRun, type Selection } from '../store/selection';
import { useAppStore, useAppStoreApi } from '../storeContext';
import { useVgColors } from './colors';
import { ghostFor, MAP_WIDTH, PvMap } from './PvMap';
import { MoveTo } from './MoveTo';
import { LvPatternDefs, patternFill, usePatternPrefix } from './lvPatterns';
import { ExtentRuler, KEYS_HINT_ID, PvMapKeys } from './ExtentRuler';

/** Above this many LVs the list draws only the rows in view (fixed-height rows, see .lv-rows.virtual). */
export const VIRTUAL_LIST_FROM = 200;
/** A virtual row's height plus the gap between rows (styles.css: .lv-rows.virtual .lv-row). */
export const LV_ROW_STRIDE_PX = 44;
/** Rows drawn above and below the visible ones, so a fast scroll shows no blank edge. */
const OVERSCAN_ROWS = 6;
/** The legend names this many LVs; past that the find box finds the others (200 names pushed a big VG's LV list a screen below its PV maps). */
export const LEGEND_MAX_LVS = 50;
/**
 * From this many PVs the maps draw their runs only in the rows in view (and a screenful around
 * them); the other rows keep their label, keyboard control and drop target, with an empty map.
 * 64 maps of a big VG were ~35,000 DOM nodes, re-rendered whenever the view changed.
 */
export const VIRTUAL_PVS_FROM = 16;
/** Rows drawn in full before the list has been measured (what fits the pane's 430 px). */
const FIRST_PV_ROWS = 14;
/** Suggestions the find box offers while typing (of the LVs whose name contains the text). */
const FIND_SUGGESTIONS = 50;

/**
 * The hover line's text, kept outside React state of the panel: a pointer moving over a map
 * re-renders the one line that shows it, not the maps and rows (64 maps of a big VG).
 */
function useHoverText() {
  const [store] = useState(() => {
    let text: string | null = null;
    const listeners = new Set<() => void>();
    return {
      set: (t: string | null) => {
        if (t === text) return;
        text = t;
        for (const l of listeners) l();
      },
      get: () => text,
      subscribe: (l: () => void) => (listeners.add(l), () => void listeners.delete(l)),
    };
  });
  return store;
}

function HoverLine({ hover }: { hover: ReturnType<typeof useHoverText> }) {
  const text = useSyncExternalStore(hover.subscribe, hover.get);
  return <p className="hover-line mono" data-testid="hover-line">{text ?? 'Hover an extent run to see its LV, LE and PE ranges.'}</p>;
}

export function VolumeGroup() {
  const vg = useAppStore((s) => s.workspace.view?.vgs[0]);
  const showHidden = useAppStore((s) => s.ui.showHiddenLvs);
  const setShowHidden = useAppStore((s) => s.setShowHiddenLvs);
  // A replayed recording offers no move (issue 19): no Move to…, no drag hint.
  const replaying = useAppStore((s) => s.replay.info !== null);
  const hover = useHoverText();
  const [query, setQuery] = useState('');
  const [legendLv, setLegendLv] = useState<string | null>(null);
  const colors = useVgColors();
  const names = useMemo(() => vg?.lvs.map((l) => l.name) ?? [], [vg]);
  const lvs = useMemo(() => vg?.lvs.filter((l) => showHidden || !l.hidden) ?? [], [vg, showHidden]);
  const visibleLvs = useMemo(() => vg?.lvs.filter((l) => !l.hidden) ?? [], [vg]);
  // One Set per query, so the maps (memo) redraw when the query changes, not on every render.
  const found = useMemo(() => foundLvs(names, legendLv ?? query), [names, legendLv, query]);
  if (!vg) {
    return (
      <section className="panel vg">
        <h2>Volume group</h2>
        <p className="muted">No volume group in this workspace. Open a folder of LVM2 image files (Open workspace…), or create the seed demo (New demo workspace…, or the button in the Workspace panel when this folder is empty).</p>
      </section>
    );
  }
  const hiddenCount = vg.lvs.length - visibleLvs.length;
  const firstFound = found && !legendLv ? (lvs.find((l) => found.has(l.name))?.name ?? null) : null;
  return (
    <section className="panel vg" aria-labelledby="vg-title">
      <div className="panel-title">
        <h2 id="vg-title">Physical volumes of {vg.name}</h2>
        {!replaying && <MoveTo />}
      </div>
      <PvRows pvs={vg.pvs} extentBytes={vg.extentSizeSectors * 512} lvColors={colors.lv} found={found} reveal={firstFound} onHover={hover.set} />
      {!replaying && <p className="range-hint" id={KEYS_HINT_ID} data-testid="range-hint"><strong>To move:</strong> drag a segment, a selected range or a PV label onto a PV (or select it, then Move to…). PE range: Shift+click or Shift+drag across extents (it may start inside a run). Keys: Tab to a map, ←/→ extent, Shift+←/→ range, Enter the run, M Move to…</p>}
      <HoverLine hover={hover} />
      <Legend lvs={visibleLvs} colors={colors.lv} onHover={setLegendLv} />
      <div className="panel-title">
        <h2>Logical volumes</h2>
        <FindLv names={names} query={query} onQuery={setQuery} found={found} pvs={vg.pvs} />
        <label className="toggle" title="Hidden LVs are LVM2's internal layers, e.g. [pvmove0] during a move">
          <input type="checkbox" checked={showHidden} onChange={(e) => setShowHidden(e.target.checked)} /> show hidden LVs ({hiddenCount})
        </label>
      </div>
      <LvList lvs={lvs} colors={colors.lv} found={found} reveal={firstFound} onHover={hover.set} />
    </section>
  );
}

/**
 * The LV rows. Up to VIRTUAL_LIST_FROM LVs every row is in the DOM; past that only the rows in
 * view (and a few around them) are, at fixed positions in a box as tall as all rows, so the
 * scroll bar, the wheel and the arrow keys (the list is focusable) move through 10,000 LVs
 * with a few dozen nodes. `reveal` scrolls the first LV the find box found into view.
 */
function LvList({ lvs, colors, found, reveal, onHover }: { lvs: LvView[]; colors: Map<string, LvStyle>; found: ReadonlySet<string> | null; reveal: string | null; onHover: (t: string | null) => void }) {
  const listRef = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 260 });
  const virtual = lvs.length >= VIRTUAL_LIST_FROM;
  const measure = () => {
    const list = listRef.current;
    if (list) setView({ top: list.scrollTop, height: list.clientHeight });
  };
  useLayoutEffect(measure, [virtual]);
  // Only the list scrolls (never the page under the pointer).
  useEffect(() => {
    const list = listRef.current;
    if (!list || !reveal) return;
    if (virtual) {
      const top = lvs.findIndex((l) => l.name === reveal) * LV_ROW_STRIDE_PX;
      if (top >= 0 && (top < list.scrollTop || top + LV_ROW_STRIDE_PX > list.scrollTop + list.clientHeight)) list.scrollTop = top;
      measure();
      return;
    }
    const row = list.querySelector(`[data-testid="lv-row-${CSS.escape(reveal)}"]`);
    if (!row) return;
    const [r, l] = [row.getBoundingClientRect(), list.getBoundingClientRect()];
    if (r.top < l.top || r.bottom > l.bottom) list.scrollTop += r.top - l.top;
  }, [reveal, virtual, lvs]);
  const first = virtual ? Math.max(0, Math.floor(view.top / LV_ROW_STRIDE_PX) - OVERSCAN_ROWS) : 0;
  const end = virtual ? Math.min(lvs.length, Math.ceil((view.top + view.height) / LV_ROW_STRIDE_PX) + OVERSCAN_ROWS) : lvs.length;
  const rows = lvs.slice(first, end).map((lv, i) => (
    <LvRow key={lv.name} lv={lv} style={colors.get(lv.name)} found={found} top={virtual ? (first + i) * LV_ROW_STRIDE_PX : undefined} onHover={onHover} />
  ));
  return (
    // Focusable: with many LVs it scrolls, and a keyboard user scrolls it with the arrow keys.
    <div ref={listRef} className={`lv-rows${virtual ? ' virtual' : ''}`} tabIndex={0} role="group" aria-label={virtual ? `segment bars of the ${lvs.length} logical volumes (scroll, or find one by name)` : 'segment bars of the logical volumes'} data-testid="lv-rows" onScroll={virtual ? measure : undefined}>
      {virtual ? <div className="lv-rows-space" style={{ height: lvs.length * LV_ROW_STRIDE_PX }}>{rows}</div> : rows}
    </div>
  );
}

/**
 * The PV rows. Past VIRTUAL_PVS_FROM PVs an IntersectionObserver tells which rows are near the
 * list's view, and only those draw their runs; a row scrolled or tabbed into view draws its
 * runs in the next frame. `reveal`: the first PV holding the LV the find box found is scrolled
 * into the list's view, so its raised runs are seen.
 */
function PvRows({ pvs, extentBytes, lvColors, found, reveal, onHover }: { pvs: readonly PvView[]; extentBytes: number; lvColors: Map<string, LvStyle>; found: ReadonlySet<string> | null; reveal: string | null; onHover: (t: string | null) => void }) {
  const listRef = useRef<HTMLDivElement>(null);
  const virtual = pvs.length >= VIRTUAL_PVS_FROM;
  const near = useRowsNearView(listRef, virtual, pvs.map((pv) => pv.name).join('\n'));
  const revealPv = useMemo(() => (reveal ? (pvs.find((pv) => pv.runs.some((r) => r.lv === reveal))?.name ?? null) : null), [pvs, reveal]);
  useEffect(() => {
    const list = listRef.current;
    const row = revealPv && list?.querySelector<HTMLElement>(`[data-drop-pv="${CSS.escape(revealPv)}"]`);
    if (!list || !row) return;
    const [r, l] = [row.getBoundingClientRect(), list.getBoundingClientRect()];
    if (r.top < l.top || r.bottom > l.bottom) list.scrollTop += r.top - l.top;
  }, [revealPv]);
  return (
    <div ref={listRef} className="pv-rows" data-testid="pv-rows" data-virtual={virtual || undefined}>
      {pvs.map((pv, i) => <PvRow key={pv.name} pv={pv} extentBytes={extentBytes} lvColors={lvColors} found={found} onHover={onHover} drawRuns={!virtual || !observable() || (near ? near.has(pv.name) : i < FIRST_PV_ROWS)} />)}
    </div>
  );
}

const observable = () => typeof IntersectionObserver !== 'undefined';

/** The names of the rows ([data-drop-pv]) within a screenful of the list's view; null until measured or when off. */
function useRowsNearView(listRef: React.RefObject<HTMLDivElement | null>, on: boolean, rowsKey: string): ReadonlySet<string> | null {
  const [near, setNear] = useState<ReadonlySet<string> | null>(null);
  useEffect(() => {
    const list = listRef.current;
    // No observer (an old engine, a test DOM): every row draws its runs, as in a small VG.
    if (!on || !list || typeof IntersectionObserver === 'undefined') return setNear(null);
    const shown = new Set<string>();
    const observer = new IntersectionObserver(
      (entries) => {
        for (const e of entries) {
          const name = (e.target as HTMLElement).dataset.dropPv ?? '';
          if (e.isIntersecting) shown.add(name);
          else shown.delete(name);
        }
        setNear(new Set(shown));
      },
      { root: list, rootMargin: '100% 0px' },
    );
    list.querySelectorAll('[data-drop-pv]').forEach((row) => observer.observe(row));
    return () => observer.disconnect();
  }, [listRef, on, rowsKey]);
  return near;
}

function FindLv({ names, query, onQuery, found, pvs }: { names: readonly string[]; query: string; onQuery: (q: string) => void; found: ReadonlySet<string> | null; pvs: readonly PvView[] }) {
  // The suggestions are the first LVs containing the text typed so far (all of them for a small
  // VG): a datalist of 10,000 names would be 10,000 nodes for a list nobody scrolls.
  const suggestions = names.length <= FIND_SUGGESTIONS ? names : [...(found ?? [])].slice(0, FIND_SUGGESTIONS);
  return (
    <div className="lv-find">
      <input type="search" className="lv-find-input" data-testid="lv-find" aria-label="Find an LV: its runs are raised in every map and bar" placeholder="find LV…" list="lv-find-names" value={query} onChange={(e) => onQuery(e.target.value)} onKeyDown={(e) => e.key === 'Escape' && onQuery('')} />
      <datalist id="lv-find-names">
        {suggestions.map((n) => <option key={n} value={n} />)}
      </datalist>
      <span className="lv-find-result" role="status" data-testid="lv-find-result">{foundText(found, pvs)}</span>
    </div>
  );
}

function PvRow({ pv, extentBytes, lvColors, found, onHover, drawRuns }: { pv: PvView; extentBytes: number; lvColors: Map<string, LvStyle>; found: ReadonlySet<string> | null; onHover: (t: string | null) => void; drawRuns: boolean }) {
  const store = useAppStoreApi();
  const actions = useActions();
  const selection = useAppStore((s) => s.ui.selection);
  const drag = useAppStore((s) => (s.ui.drag?.overPv === pv.name ? s.ui.drag : null));
  const free = pv.peCount - pv.allocatedCount;
  const onMapDown = (e: React.PointerEvent<SVGSVGElement>) => {
    const svg = e.currentTarget;
    const peAt = (clientX: number) => {
      const box = svg.getBoundingClientRect();
      return peAtX(pv, ((clientX - box.left) / box.width) * MAP_WIDTH, MAP_WIDTH);
    };
    const pe = peAt(e.clientX);
    // The press focuses the map's keyboard control, so keys go on from the extent clicked; only
    // after the press has placed the cursor, or focusing would put it back at the map's start.
    const focusMap = () => svg.closest<HTMLElement>('.pv-keys')?.focus({ preventScroll: true });
    if (e.shiftKey) return (beginRangePick(e, pv.name, peAt, store), focusMap());
    const sel = store.getState().ui.selection;
    const run = runAt(pv, pe);
    if (!run) return;
    store.getState().setCursor({ pv: pv.name, pe, anchor: pe });
    const inRange = sel && sel.kind === 'range' && sel.pv === pv.name && pe >= sel.startPe && pe < sel.startPe + sel.count;
    beginPointerDrag(e, inRange ? sel : selectionOfRun(pv.name, run), store, actions);
    focusMap();
  };
  const span = selection && selection.kind !== 'pv' && selection.pv === pv.name ? { startPe: selection.startPe, count: selection.count } : null;
  const verdict = drag?.verdict;
  return (
    <div className={`pv-row${drag ? ' drop-hover' : ''}`} data-drop-pv={pv.name} data-testid={`pv-row-${pv.name}`}>
      <button
        type="button"
        className={`pv-label${isSelected(selection, pv.name, 0, pv.peCount, null) && selection?.kind === 'pv' ? ' selected' : ''}`}
        data-testid={`pv-label-${pv.name}`}
        title={`Drag ${pv.name} onto another PV to move all its extents (pvmove ${pv.name}); click to select it.`}
        onPointerDown={(e) => beginPointerDrag(e, { kind: 'pv', pv: pv.name }, store, actions)}
        onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && store.getState().select({ kind: 'pv', pv: pv.name })}
      >
        <span className="pv-name">{pv.name}</span>
        <span className="pv-meta" title={`${free} free extents of ${pv.peCount} (${formatBytes(free * extentBytes)})`}>{pv.devno} · {formatBytes(pv.sizeBytes)} · {freeText(free, pv.peCount)}</span>
      </button>
      <div className="pv-bar">
        <PvMapKeys pv={pv}>
          {(cursorPe, focused) => (
            <>
              <PvMap pv={pv} lvColors={lvColors} found={found} drawRuns={drawRuns} selection={selection} cursorPe={cursorPe} ghost={ghostFor(pv.name, drag)} refused={verdict?.status === 'no'} testId={`pv-map-${pv.name}`} onPointerDown={onMapDown} onHover={onHover} />
              {!verdict && (focused || span) && <ExtentRuler pv={pv} span={span} testId={`ruler-${pv.name}`} />}
            </>
          )}
        </PvMapKeys>
        <div className={`drop-verdict verdict-${verdict?.status ?? 'none'}`} data-testid={`drop-verdict-${pv.name}`} role="status">
          {verdict?.status === 'checking' && 'checking…'}
          {verdict?.status === 'yes' && `yes: ${verdict.plan.extentCount} extents land here`}
          {verdict?.status === 'no' && `no: ${verdict.reason}`}
        </div>
      </div>
    </div>
  );
}

/** A PV's free space under its name: in extents, or for a big PV (2,095,407 extents would not fit the label) in percent. */
export function freeText(freeExtents: number, peCount: number): string {
  return freeExtents < 100_000 ? `${freeExtents} free` : `${Math.floor((freeExtents * 100) / Math.max(1, peCount))}% free`;
}

/** What the hover line says about a segment of an LV bar: as for the run it is on a PV's map. */
function describeSegment(lv: string, r: SegmentRect): string {
  const le = `${lv} LE ${r.segment.startLe}-${r.segment.startLe + r.segment.count - 1}`;
  if (!r.peRange) return `${le} · on ${r.target}`;
  return describeRun(r.target, { ...r.peRange, lv, le: r.segment.startLe, moving: null });
}

const LvRow = memo(function LvRow({ lv, style, found, top, onHover }: { lv: LvView; style: LvStyle | undefined; found: ReadonlySet<string> | null; top?: number; onHover: (t: string | null) => void }) {
  const store = useAppStoreApi();
  const actions = useActions();
  const selection = useAppStore((s) => s.ui.selection);
  const prefix = usePatternPrefix();
  const rects = segmentRects(lv, MAP_WIDTH);
  const pattern = patternFill(prefix, style);
  const findClass = !found ? '' : found.has(lv.name) ? ' found' : ' faded';
  const range = selection?.kind === 'range' ? selection : null;
  return (
    <div className={`lv-row${findClass}`} data-testid={`lv-row-${lv.name}`} style={top === undefined ? undefined : { top }}>
      <div className="lv-label">
        <span className="lv-name" title={lv.name}>{lv.hidden ? `[${lv.name}]` : lv.name}</span>
        {lv.locked && <span className="badge locked" title="LOCKED: a move in progress holds this LV; resume or abort the move to unlock it.">LOCKED</span>}
        <span className="lv-meta mono">{formatBytes(lv.sizeBytes)} · {lvLayoutText(lv)}</span>
      </div>
      <div className="lv-bar-wrap">
      <svg className="lv-bar" viewBox={`0 0 ${MAP_WIDTH} 22`} preserveAspectRatio="none" height={22} width="100%" role="img" aria-label={describeLvBar(lv)}>
        <LvPatternDefs prefix={prefix} />
        {rects.map((r) => {
          const sel: Selection | null = r.peRange ? { kind: 'segment', lv: lv.name, pv: r.target, ...r.peRange } : null;
          const selected = r.peRange ? isSelected(selection, r.target, r.peRange.startPe, r.peRange.count, lv.name) : false;
          const why = r.segment.unmovableReason;
          return (
            <rect
              key={r.segment.index}
              x={r.x}
              y={0}
              width={r.width}
              height={22}
              fill={style?.fill ?? '#8a8a8a'}
              className={`segment${selected ? ' selected' : ''}${why ? ' unmovable' : ''}`}
              data-testid={`lv-seg-${lv.name}-${r.target}`}
              vectorEffect="non-scaling-stroke"
              onPointerDown={sel && !why ? (e) => beginPointerDrag(e, sel, store, actions) : undefined}
              onPointerEnter={() => onHover(describeSegment(lv.name, r))}
              onPointerLeave={() => onHover(null)}
            >
              <title>{`${lv.name} LE ${r.segment.startLe}-${r.segment.startLe + r.segment.count - 1} on ${r.target}${r.peRange ? ` PE ${r.peRange.startPe}-${r.peRange.startPe + r.peRange.count - 1}` : ''} (${r.segment.type})${why ? ` — cannot move: ${why}` : ' — drag onto a PV to move it'}`}</title>
            </rect>
          );
        })}
        {/* The LV's pattern over its segments; no pointer, so the segments still take the drag. */}
        {pattern && rects.map((r) => <rect key={`p${r.segment.index}`} x={r.x} y={0} width={r.width} height={22} fill={pattern} pointerEvents="none" />)}
        {range && rects.map((r) => <RangeOnSegment key={`span${r.segment.index}`} rect={r} range={range} />)}
      </svg>
      {/* Labels are HTML over the bar: text inside a stretched SVG would be distorted. */}
      {rects.map((r) => (
        <span key={`t${r.segment.index}`} className="segment-label" aria-hidden="true" style={{ left: `${(r.x / MAP_WIDTH) * 100}%`, width: `${(r.width / MAP_WIDTH) * 100}%`, color: style?.label ?? '#000000' }}>{r.width > 30 ? r.target : ''}</span>
      ))}
    </div>
    </div>
  );
});

/** The part of a selected PE range that lies in one segment of an LV bar: its exact LEs, not the whole segment. */
function RangeOnSegment({ rect, range }: { rect: SegmentRect; range: { pv: string; startPe: number; count: number } }) {
  const part = rect.peRange && rect.target === range.pv ? overlapOf(rect.peRange, range) : null;
  if (!part || !rect.peRange) return null;
  const perLe = rect.width / rect.segment.count;
  const x = rect.x + (part.startPe - rect.peRange.startPe) * perLe;
  return <rect className="selection-span" x={x} y={1.5} width={Math.max(1, part.count * perLe)} height={19} vectorEffect="non-scaling-stroke" data-testid={`lv-span-${rect.target}`} />;
}

/** Every LV's style by name (hover one to find its runs; the find box does it by keyboard), then the marks. */
function Legend({ lvs, colors, onHover }: { lvs: LvView[]; colors: Map<string, LvStyle>; onHover: (lv: string | null) => void }) {
  const style = (name: string) => colors.get(name);
  const rest = lvs.length - LEGEND_MAX_LVS;
  return (
    <ul className="legend" aria-label="legend of the extent maps" data-testid="lv-legend" onPointerLeave={() => onHover(null)}>
      {lvs.slice(0, LEGEND_MAX_LVS).map((lv) => (
        <li key={lv.name} data-lv={lv.name} onPointerEnter={() => onHover(lv.name)}>
          <span className="swatch" aria-hidden="true" style={{ background: style(lv.name) ? swatchBackground(style(lv.name)!) : undefined }} />
          {lv.name}
        </li>
      ))}
      {rest > 0 && <li className="legend-more" data-testid="legend-more">and {rest.toLocaleString('en-US')} more LVs (find one by name below)</li>}
      <li><span className="swatch free" aria-hidden="true" />free</li>
      <li><span className="swatch moving" aria-hidden="true" />moving</li>
      <li><span className="swatch selected" aria-hidden="true" />selected</li>
    </ul>
  );
}
