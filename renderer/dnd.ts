// Drag and drop of a selection (LV segment, PE range, whole PV) onto a PV, with pointer
// events (works the same with a mouse, a pen and Playwright's mouse). While the pointer is
// over a PV bar (`data-drop-pv`), move.plan is asked for a verdict (debounced); the bar
// shows yes with a ghost of where the extents land, or no with the engine's reason. A drop
// on a yes opens the plan dialog; a drop on a no leaves the reason on screen and starts
// nothing. A press without movement is a click: it selects.
import type { Actions } from './actions';
import type { AppStore } from './store';
import { requestFor, selectionLabel, type Selection } from './store/selection';

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

  const onUp = async () => {
    window.removeEventListener('pointermove', onMove);
    window.removeEventListener('pointerup', onUp);
    if (!dragging) return s().select(selection);
    if (s().ui.drag?.verdict?.status === 'checking') await pending;
    finishDrop(store, selection);
  };
  window.addEventListener('pointermove', onMove);
  window.addEventListener('pointerup', onUp);
}

function finishDrop(store: AppStore, selection: Selection): void {
  const s = store.getState();
  const drag = s.ui.drag;
  s.setDrag(null);
  if (!drag?.overPv || !drag.verdict) return;
  const vg = s.workspace.view?.vgs[0]?.name ?? 'vg0';
  if (drag.verdict.status === 'yes') s.openPlan(requestFor(selection, vg, drag.overPv), drag.verdict.plan);
  else if (drag.verdict.status === 'no') s.setMoveError(`${selectionLabel(selection)} cannot go to ${drag.overPv}: ${drag.verdict.reason}`);
}
