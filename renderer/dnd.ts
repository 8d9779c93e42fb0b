// Drag and drop of a selection (LV segment, PE range, whole PV) onto a PV, with pointer
// events (works the same with a mouse, a pen and Playwright's mouse). While the pointer is
// over a PV bar (`data-drop-pv`), move.check is asked for a verdict (debounced); the bar
// shows yes with a ghost of where the extents land, or no with the engine's reason. A drop
// on a yes opens the plan dialog (move.plan, with the PV maps); a drop on a no leaves the reason on screen and starts
// nothing. A press without movement is a click: it selects. Escape during a drag cancels it:
// the drag ends where it is, nothing is planned or moved, the selection is what it was before,
// and the release that follows is ignored. A Shift+press on a PV map picks a PE range instead (Shift+drag across extents).
import type { Actions } from './actions';
import type { AppStore } from './store';
import { rangeBetween, shiftClick } from './store/extentCursor';
import { selectionLabel, type Selection } from './store/selection';

const DRAG_THRESHOLD_PX = 4;
export const VERDICT_DEBOUNCE_MS = 120;

function dropTargetAt(x: number, y: number): string | null {
  const el = document.elementFromPoint(x, y);
  return el?.closest<HTMLElement>('[data-drop-pv]')?.dataset.dropPv ?? null;
}

/** Starts tracking a press on a draggable thing; call from onPointerDown. */
export function beginPointerDrag(event: { clientX: number; clientY: number; button: number; preventDefault(): void }, selection: Selection, store: AppStore, actions: Actions): void {
  if (event.button !== 0) return;
  event.preventDefault();
  const before = store.getState().ui.selection;
  const startX = event.clientX;
  const startY = event.clientY;
  let dragging = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pending: Promise<void> = Promise.resolve();
  const s = () => store.getState();

  const askVerdict = (pv: string) => {
    clearTimeout(timer);
    s().updateDrag({ overPv: pv, verdict: { status: 'checking' } });
    pending = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        void actions.checkDrop(selection, pv).then((answer) => {
          if (s().ui.drag?.overPv === pv) s().updateDrag({ verdict: answer.ok ? { status: 'yes', plan: answer.plan } : { status: 'no', reason: answer.reason } });
          resolve();
        });
      }, VERDICT_DEBOUNCE_MS);
    });
  };

  const onMove = (e: PointerEvent) => {
    if (!dragging && Math.hypot(e.clientX - startX, e.clientY - startY) < DRAG_THRESHOLD_PX) return;
    if (!dragging) {
      dragging = true;
      s().select(selection);
      s().setDrag({ selection, x: e.clientX, y: e.clientY, overPv: null, verdict: null });
    }
    const pv = dropTargetAt(e.clientX, e.clientY);
    s().updateDrag({ x: e.clientX, y: e.clientY });
    if (pv !== s().ui.drag?.overPv) {
      if (pv) askVerdict(pv);
      else {
        clearTimeout(timer);
        s().updateDrag({ overPv: null, verdict: null });
      }
    }
  };

  const stop = () => {
    window.removeEventListener('pointermove', onMove);
    window.removeEventListener('pointerup', onUp);
    window.removeEventListener('pointercancel', cancel);
    window.removeEventListener('keydown', onKey, true);
  };
  const onUp = async () => {
    stop();
    if (!dragging) return s().select(selection);
    if (s().ui.drag?.verdict?.status === 'checking') await pending;
    finishDrop(store, actions, selection);
  };
  // A verdict still on its way finds no drag (updateDrag ignores it), so nothing opens later;
  // the selection the drag made goes back to what it was, as if the drag never happened.
  const cancel = () => {
    stop();
    clearTimeout(timer);
    if (!dragging) return;
    s().setDrag(null);
    s().select(before);
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== 'Escape') return;
    // Captured and stopped: the same Escape must not also clear the selection or leave a mode.
    e.preventDefault();
    e.stopPropagation();
    cancel();
  };
  window.addEventListener('pointermove', onMove);
  window.addEventListener('pointerup', onUp);
  window.addEventListener('pointercancel', cancel);
  window.addEventListener('keydown', onKey, true);
}

/**
 * Shift+press on a PV map: selects the PE range from the anchor (the last extent clicked or
 * reached by keys on this PV, else the one pressed) to the pressed extent, and follows the
 * pointer while the button is held (Shift+drag across extents). Escape puts back the
 * selection there was before the press.
 */
export function beginRangePick(event: { clientX: number; button: number; preventDefault(): void }, pv: string, peAt: (clientX: number) => number, store: AppStore): void {
  if (event.button !== 0) return;
  event.preventDefault();
  const s = () => store.getState();
  const before = { selection: s().ui.selection, cursor: s().ui.cursor };
  const first = shiftClick(pv, peAt(event.clientX), before.cursor);
  s().setCursor(first.cursor);
  s().select(first.selection);
  const onMove = (e: PointerEvent) => {
    const cursor = s().ui.cursor;
    const pe = peAt(e.clientX);
    if (!cursor || cursor.pv !== pv || cursor.pe === pe) return;
    s().setCursor({ ...cursor, pe });
    s().select(rangeBetween(pv, cursor.anchor, pe));
  };
  const stop = () => {
    window.removeEventListener('pointermove', onMove);
    window.removeEventListener('pointerup', stop);
    window.removeEventListener('pointercancel', stop);
    window.removeEventListener('keydown', onKey, true);
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== 'Escape') return;
    e.preventDefault();
    e.stopPropagation();
    stop();
    s().setCursor(before.cursor);
    s().select(before.selection);
  };
  window.addEventListener('pointermove', onMove);
  window.addEventListener('pointerup', stop);
  window.addEventListener('pointercancel', stop);
  window.addEventListener('keydown', onKey, true);
}

function finishDrop(store: AppStore, actions: Actions, selection: Selection): void {
  const s = store.getState();
  const drag = s.ui.drag;
  s.setDrag(null);
  if (!drag?.overPv || !drag.verdict) return;
  // The verdict is the plan without its PV maps (move.check); the dialog asks for the whole plan, as Move to… does.
  if (drag.verdict.status === 'yes') void actions.openPlan(selection, drag.overPv);
  else if (drag.verdict.status === 'no') s.setMoveError(`${selectionLabel(selection)} cannot go to ${drag.overPv}: ${drag.verdict.reason}`);
}
