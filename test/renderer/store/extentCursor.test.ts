// Proves the keyboard cursor of a PV map as pure functions, on pv3 of the seed after the seed
// move (lv0 LE 10-14 on PE 0-4, then free to PE 14): arrows walk one extent and stop at the
// ends, Home / End jump to them, Page Up / Down go run by run, Shift+arrows select the range
// from the anchor so it can start inside a run, Enter selects the run under the cursor, M asks
// for Move to… only with a selection, Escape clears it; Shift+click extends from the last
// extent clicked; and the words a screen reader hears.
import { describe, expect, it } from 'vitest';
import { cursorKey, cursorOn, cursorText, rangeBetween, shiftClick, spanText, type ExtentCursor } from '../../../renderer/store/extentCursor';

const pv3 = {
  name: 'pv3',
  peCount: 15,
  runs: [
    { startPe: 0, count: 5, lv: 'lv0', le: 10, moving: null },
    { startPe: 5, count: 10, lv: null, le: null, moving: null },
  ],
};
const at = (pe: number, anchor = pe): ExtentCursor => ({ pv: 'pv3', pe, anchor });

describe('the extent cursor', () => {
  it('walks one extent per arrow, stops at both ends, and jumps with Home and End', () => {
    expect(cursorKey(pv3, at(2), { key: 'ArrowRight' }, null)).toEqual({ cursor: at(3) });
    expect(cursorKey(pv3, at(0), { key: 'ArrowLeft' }, null)).toEqual({ cursor: at(0) });
    expect(cursorKey(pv3, at(14), { key: 'ArrowRight' }, null)).toEqual({ cursor: at(14) });
    expect(cursorKey(pv3, at(7), { key: 'Home' }, null)).toEqual({ cursor: at(0) });
    expect(cursorKey(pv3, at(2), { key: 'End' }, null)).toEqual({ cursor: at(14) });
  });

  it('goes run by run with Page Down and Page Up', () => {
    expect(cursorKey(pv3, at(2), { key: 'PageDown' }, null)?.cursor.pe).toBe(5);
    expect(cursorKey(pv3, at(7), { key: 'PageUp' }, null)?.cursor.pe).toBe(5);
    expect(cursorKey(pv3, at(5), { key: 'PageUp' }, null)?.cursor.pe).toBe(0);
    expect(cursorKey(pv3, at(9), { key: 'PageDown' }, null)?.cursor.pe).toBe(14);
  });

  it('selects the range from the anchor with Shift+arrows, starting inside a run and crossing into free space', () => {
    const first = cursorKey(pv3, at(2), { key: 'ArrowRight', shiftKey: true }, null)!;
    expect(first).toEqual({ cursor: at(3, 2), selection: { kind: 'range', pv: 'pv3', startPe: 2, count: 2 } });
    const further = cursorKey(pv3, { pv: 'pv3', pe: 5, anchor: 2 }, { key: 'ArrowRight', shiftKey: true }, first.selection!)!;
    expect(further.selection).toEqual({ kind: 'range', pv: 'pv3', startPe: 2, count: 5 });
    // Back past the anchor: the range now runs the other way.
    expect(cursorKey(pv3, at(2), { key: 'ArrowLeft', shiftKey: true }, null)!.selection).toEqual({ kind: 'range', pv: 'pv3', startPe: 1, count: 2 });
    expect(cursorKey(pv3, at(3), { key: 'End', shiftKey: true }, null)!.selection).toEqual({ kind: 'range', pv: 'pv3', startPe: 3, count: 12 });
  });

  it('selects the run under the cursor with Enter or Space: an LV segment, or the free range', () => {
    expect(cursorKey(pv3, at(3), { key: 'Enter' }, null)!.selection).toEqual({ kind: 'segment', lv: 'lv0', pv: 'pv3', startPe: 0, count: 5 });
    expect(cursorKey(pv3, at(9), { key: ' ' }, null)!.selection).toEqual({ kind: 'range', pv: 'pv3', startPe: 5, count: 10 });
  });

  it('asks for Move to… with M and clears with Escape only when something is selected, and leaves other keys alone', () => {
    const range = rangeBetween('pv3', 2, 4);
    expect(cursorKey(pv3, at(3), { key: 'm' }, range)).toEqual({ cursor: at(3), openMoveTo: true });
    expect(cursorKey(pv3, at(3), { key: 'm' }, null)).toBeNull();
    expect(cursorKey(pv3, at(3), { key: 'Escape' }, range)).toEqual({ cursor: at(3), selection: null });
    expect(cursorKey(pv3, at(3), { key: 'Escape' }, null)).toBeNull();
    expect([cursorKey(pv3, at(3), { key: 'Tab' }, null), cursorKey(pv3, at(3), { key: 'ArrowRight', ctrlKey: true }, null)]).toEqual([null, null]);
    expect(cursorKey({ ...pv3, peCount: 0, runs: [] }, at(0), { key: 'ArrowRight' }, null)).toBeNull();
  });

  it('starts where the selection on this PV starts, else at PE 0, and keeps a stored cursor only on its own PV', () => {
    expect(cursorOn(pv3, null, rangeBetween('pv3', 4, 6))).toEqual(at(4));
    expect(cursorOn(pv3, { pv: 'pv2', pe: 3, anchor: 3 }, null)).toEqual(at(0));
    expect(cursorOn(pv3, at(9, 7), null)).toEqual(at(9, 7));
    expect(cursorOn(pv3, at(40), null)).toEqual(at(0)); // a cursor from before the PV shrank
  });

  it('extends a Shift+click from the last extent clicked on the same PV, else picks the one extent', () => {
    expect(shiftClick('pv3', 4, at(2))).toEqual({ cursor: at(4, 2), selection: rangeBetween('pv3', 2, 4) });
    expect(shiftClick('pv3', 4, { pv: 'pv1', pe: 2, anchor: 2 })).toEqual({ cursor: at(4), selection: { kind: 'range', pv: 'pv3', startPe: 4, count: 1 } });
  });

  it('tells a screen reader the extent, what holds it and the selection', () => {
    expect(cursorText(pv3, at(2), rangeBetween('pv3', 2, 4))).toBe('PE 2 of 15, lv0 LE 12; selected PE 2–4 (3 extents)');
    expect(cursorText(pv3, at(9), null)).toBe('PE 9 of 15, free');
    expect([spanText({ startPe: 7, count: 1 }), spanText({ startPe: 0, count: 4 })]).toEqual(['7 (1 extent)', '0–3 (4 extents)']);
  });
});
