// What the user picked to move (an LV segment, a PE range of a PV, or a whole PV), turned
// into the MoveRequest that pvmove would get, plus the test "does this run belong to the
// selection" that every view uses to highlight it everywhere.
import type { MoveRequest } from '../../app/api/move';
import type { ExtentRun } from '../../app/api/views';
import { peRangeSpec, type PeRange } from '../geometry/extentMap';

export type Selection =
  | { kind: 'segment'; lv: string; pv: string; startPe: number; count: number }
  | { kind: 'range'; pv: string; startPe: number; count: number }
  | { kind: 'pv'; pv: string };

/** The move request for dropping `selection` on `destination`. */
export function requestFor(selection: Selection, vg: string, destination: string): MoveRequest {
  if (selection.kind === 'pv') return { vg, sources: [selection.pv], destinations: [destination] };
  const sources = [peRangeSpec(selection.pv, selection)];
  return selection.kind === 'segment' ? { vg, sources, destinations: [destination], lv: selection.lv } : { vg, sources, destinations: [destination] };
}

/** A short name for the selection: `lv0 on pv2:0-3`, `pv2:4-7 (4 extents)`, `all of pv2`. */
export function selectionLabel(selection: Selection): string {
  if (selection.kind === 'pv') return `all of ${selection.pv}`;
  const range = peRangeSpec(selection.pv, selection);
  return selection.kind === 'segment' ? `${selection.lv} on ${range}` : `${range} (${selection.count} extent${selection.count === 1 ? '' : 's'})`;
}

/**
 * Whether a run or segment (a PE range of `pv` holding `lv`, or free when null) is drawn as
 * selected. A PE range never is: it may start or end inside a run, so outlining whole runs
 * would show the wrong span; the views draw its exact span (`selectedSpan`) instead.
 */
export function isSelected(selection: Selection | null, pv: string, startPe: number, count: number, lv: string | null): boolean {
  if (!selection || selection.kind === 'range') return false;
  if (selection.kind === 'segment') {
    // A segment highlights everywhere its LV's extents are shown: the same PE range on its PV.
    return pv === selection.pv && lv === selection.lv && startPe < selection.startPe + selection.count && selection.startPe < startPe + count;
  }
  return pv === selection.pv;
}

/** The exact PE span a range selection covers on `pv` (drawn over the runs), or null. */
export function selectedSpan(selection: Selection | null, pv: string): PeRange | null {
  return selection?.kind === 'range' && selection.pv === pv ? { startPe: selection.startPe, count: selection.count } : null;
}

/** The selection for a run of a PV map: its LV segment, or a free range. */
export function selectionOfRun(pv: string, run: ExtentRun): Selection {
  return run.lv ? { kind: 'segment', lv: run.lv, pv, startPe: run.startPe, count: run.count } : { kind: 'range', pv, startPe: run.startPe, count: run.count };
}
