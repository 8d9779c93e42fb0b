// The keyboard side of a PV map and its extent ruler. `PvMapKeys` wraps a map in one focusable
// slider (Tab to it, arrows walk extent by extent, Shift+arrows pick a PE range, Enter the run,
// M Move to…; see store/extentCursor.ts); a screen reader hears the extent under the cursor and
// the selection. `ExtentRuler` draws under the active map the PE numbers, a mark per extent
// while they are wide enough, and the exact span selected with its count.
import { useState, type ReactNode } from 'react';
import type { PvView } from '../../app/api/views';
import { rulerTicks, spanBox, type PeRange } from '../geometry/extentMap';
import { cursorKey, cursorOn, cursorText, spanText } from '../store/extentCursor';
import { useAppStore, useAppStoreApi } from '../storeContext';
import { MAP_WIDTH } from './PvMap';

export const KEYS_HINT_ID = 'pv-keys-hint';

/** The focusable slider around one PV map; `children` renders the map with the cursor it is given (null when unfocused). */
export function PvMapKeys({ pv, children }: { pv: PvView; children: (cursorPe: number | null, focused: boolean) => ReactNode }) {
  const store = useAppStoreApi();
  const selection = useAppStore((s) => s.ui.selection);
  const stored = useAppStore((s) => (s.ui.cursor?.pv === pv.name ? s.ui.cursor : null));
  const [focused, setFocused] = useState(false);
  const cursor = cursorOn(pv, stored, selection);
  // Handlers read the store, not the values of the last render: a press may have moved the cursor since.
  const current = () => {
    const s = store.getState();
    return { s, cursor: cursorOn(pv, s.ui.cursor, s.ui.selection) };
  };
  const onKeyDown = (e: React.KeyboardEvent<HTMLDivElement>) => {
    const { s, cursor: now } = current();
    const outcome = cursorKey(pv, now, e, s.ui.selection);
    if (!outcome) return;
    e.preventDefault();
    s.setCursor(outcome.cursor);
    if (outcome.selection !== undefined) s.select(outcome.selection);
    if (outcome.openMoveTo) s.setMoveToOpen(true);
  };
  return (
    <div
      className="pv-keys"
      tabIndex={0}
      role="slider"
      aria-roledescription="extent map"
      aria-label={`${pv.name} extents`}
      aria-orientation="horizontal"
      aria-valuemin={0}
      aria-valuemax={Math.max(0, pv.peCount - 1)}
      aria-valuenow={cursor.pe}
      aria-valuetext={cursorText(pv, cursor, selection)}
      aria-describedby={KEYS_HINT_ID}
      data-testid={`pv-keys-${pv.name}`}
      onKeyDown={onKeyDown}
      onFocus={() => {
        setFocused(true);
        const { s, cursor: now } = current();
        s.setCursor(now);
      }}
      onBlur={() => setFocused(false)}
    >
      {children(focused ? cursor.pe : null, focused)}
    </div>
  );
}

/** Where the span's words go: centred under it, but kept inside the bar at either end. */
export function spanLabelStyle(span: PeRange, peCount: number): React.CSSProperties {
  const box = spanBox(span, peCount, 100);
  const centre = box.x + box.width / 2;
  if (centre < 18) return { left: 0 };
  if (centre > 82) return { right: 0 };
  return { left: `${centre}%`, transform: 'translateX(-50%)' };
}

/** A PE number under the ruler: 2M for 2,000,000 (seven digits ten times over ran into each other on a 16 TiB PV). */
export function rulerLabel(pe: number): string {
  return pe >= 1_000_000 && pe % 100_000 === 0 ? `${pe / 1_000_000}M` : String(pe);
}

/** PE numbers and marks under a map, with the selected span (exact extents) and its count. */
export function ExtentRuler({ pv, span, testId }: { pv: Pick<PvView, 'peCount'>; span: PeRange | null; testId?: string }) {
  // Fewer numbers when they are long (a PV of millions of extents), so they never overlap.
  const ticks = rulerTicks(pv.peCount, MAP_WIDTH, pv.peCount >= 100_000 ? 5 : 10);
  const box = span ? spanBox(span, pv.peCount, MAP_WIDTH) : null;
  return (
    <div className="extent-ruler" data-testid={testId} aria-hidden="true">
      <svg className="ruler-marks" viewBox={`0 0 ${MAP_WIDTH} 6`} preserveAspectRatio="none" width="100%" height={6}>
        {box && <rect className="ruler-span" x={box.x} y={0} width={box.width} height={6} />}
        {ticks.map((t) => (
          <line key={t.pe} x1={t.x} x2={t.x} y1={0} y2={t.labelled ? 6 : 3} vectorEffect="non-scaling-stroke" />
        ))}
      </svg>
      {ticks.filter((t) => t.labelled).map((t) => (
        <span key={t.pe} className="ruler-number" style={{ left: `${(t.x / MAP_WIDTH) * 100}%` }}>{rulerLabel(t.pe)}</span>
      ))}
      {span && <span className="ruler-span-label" data-testid={testId && `${testId}-span`} style={spanLabelStyle(span, pv.peCount)}>PE {spanText(span)}</span>}
    </div>
  );
}
