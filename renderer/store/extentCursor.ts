// The keyboard (and Shift+click) way to pick extents on a PV map: a cursor that sits on one
// extent, and an anchor where a Shift-extended PE range starts. Arrows move the cursor extent
// by extent, Page Up / Down jump run by run, Home / End go to the ends; with Shift the range
// from the anchor to the cursor is selected, so a range may start anywhere, inside a run too.
// Enter / Space select the run under the cursor, M asks for the Move to… menu, Escape clears.
// Pure: the PV map component only applies what `cursorKey` returns.
import type { PvView } from '../../app/api/views';
import { runAt } from '../geometry/extentMap';
import { selectionOfRun, type Selection } from './selection';

export interface ExtentCursor {
  pv: string;
  /** The extent the cursor is on. */
  pe: number;
  /** Where a Shift-extended range starts (the cursor's place when Shift was not held). */
  anchor: number;
}

export interface KeyPress {
  key: string;
  shiftKey?: boolean;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
}

/** What a key does on a PV map: a new cursor, maybe a new selection (null = clear it), maybe open Move to…. */
export interface CursorOutcome {
  cursor: ExtentCursor;
  /** undefined: the selection stays as it is. */
  selection?: Selection | null;
  openMoveTo?: boolean;
}

type MapPv = Pick<PvView, 'name' | 'peCount' | 'runs'>;

/** The cursor of `pv`: the one kept in the store when it is on this PV, else at the selection's start (or PE 0). */
export function cursorOn(pv: MapPv, cursor: ExtentCursor | null, selection: Selection | null): ExtentCursor {
  if (cursor && cursor.pv === pv.name && cursor.pe < pv.peCount && cursor.anchor < pv.peCount) return cursor;
  const pe = selection && selection.kind !== 'pv' && selection.pv === pv.name ? Math.min(selection.startPe, Math.max(0, pv.peCount - 1)) : 0;
  return { pv: pv.name, pe, anchor: pe };
}

/** The PE range between two extents, both included, as a selection. */
export function rangeBetween(pv: string, a: number, b: number): Selection {
  const startPe = Math.min(a, b);
  return { kind: 'range', pv, startPe, count: Math.abs(a - b) + 1 };
}

/** The start of the run after the cursor's (PageDown), or of the cursor's run / the one before (PageUp). */
function runJump(pv: MapPv, pe: number, direction: 1 | -1): number {
  const run = runAt(pv, pe);
  if (!run) return pe;
  if (direction === 1) return Math.min(pv.peCount - 1, run.startPe + run.count);
  if (pe > run.startPe) return run.startPe;
  return runAt(pv, pe - 1)?.startPe ?? 0;
}

/** Where a movement key puts the cursor, or null when the key is not a movement key. */
function movedTo(pv: MapPv, pe: number, key: string): number | null {
  const last = pv.peCount - 1;
  switch (key) {
    case 'ArrowRight':
      return Math.min(last, pe + 1);
    case 'ArrowLeft':
      return Math.max(0, pe - 1);
    case 'Home':
      return 0;
    case 'End':
      return last;
    case 'PageDown':
      return runJump(pv, pe, 1);
    case 'PageUp':
      return runJump(pv, pe, -1);
    default:
      return null;
  }
}

/** What `press` does on the map of `pv` with the cursor at `cursor`; null when the key is not the map's (Tab, letters…). */
export function cursorKey(pv: MapPv, cursor: ExtentCursor, press: KeyPress, selection: Selection | null): CursorOutcome | null {
  if (press.ctrlKey || press.metaKey || press.altKey || pv.peCount === 0) return null;
  const pe = movedTo(pv, cursor.pe, press.key);
  if (pe !== null) {
    if (press.shiftKey) return { cursor: { ...cursor, pe }, selection: rangeBetween(pv.name, cursor.anchor, pe) };
    return { cursor: { pv: pv.name, pe, anchor: pe } };
  }
  switch (press.key) {
    case 'Enter':
    case ' ': {
      const run = runAt(pv, cursor.pe);
      return run ? { cursor: { ...cursor, anchor: cursor.pe }, selection: selectionOfRun(pv.name, run) } : null;
    }
    case 'm':
    case 'M':
      return selection ? { cursor, openMoveTo: true } : null;
    case 'Escape':
      return selection ? { cursor, selection: null } : null;
    default:
      return null;
  }
}

/** What a Shift+click (or a Shift+drag reaching `pe`) selects: the range from the anchor on this PV, else the one extent. */
export function shiftClick(pv: string, pe: number, cursor: ExtentCursor | null): { cursor: ExtentCursor; selection: Selection } {
  const anchor = cursor && cursor.pv === pv ? cursor.anchor : pe;
  return { cursor: { pv, pe, anchor }, selection: rangeBetween(pv, anchor, pe) };
}

/** What the cursor says to a screen reader and under the map: the extent, what holds it, and the selection on this PV. */
export function cursorText(pv: MapPv, cursor: ExtentCursor, selection: Selection | null): string {
  const run = runAt(pv, cursor.pe);
  const holder = !run ? '' : run.lv === null ? ', free' : `, ${run.lv}${run.le === null ? '' : ` LE ${run.le + (cursor.pe - run.startPe)}`}`;
  const picked = selection && selection.kind !== 'pv' && selection.pv === pv.name ? `; selected PE ${spanText(selection)}` : '';
  return `PE ${cursor.pe} of ${pv.peCount}${holder}${picked}`;
}

/** `2–4 (3 extents)`, `7 (1 extent)`. */
export function spanText(range: { startPe: number; count: number }): string {
  const end = range.startPe + range.count - 1;
  return `${range.count === 1 ? range.startPe : `${range.startPe}–${end}`} (${range.count} extent${range.count === 1 ? '' : 's'})`;
}
