// The keyboard path of drag and drop: with something selected, "Move to…" lists every other
// PV with the engine's verdict (yes, or no with the reason); choosing a yes opens the plan.
// A menu button (WAI-ARIA APG): opening it focuses the first item, ↑/↓ Home/End move, Enter or
// Space chooses, Escape (or Tab, or a press elsewhere) closes it; Escape gives the focus back to
// whoever opened it (the button, or the PV map where M was pressed). A refused PV stays
// focusable so its reason is read.
import { useEffect, useRef, useState } from 'react';
import { useActions } from '../actions';
import { menuIndexAfter } from '../listKeys';
import { selectionLabel } from '../store/selection';
import { useAppStore } from '../storeContext';

type Verdicts = Record<string, { ok: true } | { ok: false; reason: string } | undefined>;

/** Verdicts for each target while the menu is open (move.check per PV, asked once per opening). */
function useVerdicts(open: boolean, targets: string[]): Verdicts {
  const selection = useAppStore((s) => s.ui.selection);
  const actions = useActions();
  const [verdicts, setVerdicts] = useState<Verdicts>({});
  useEffect(() => {
    if (!open || !selection) return;
    let live = true;
    setVerdicts({});
    for (const pv of targets) {
      void actions.checkDrop(selection, pv).then((a) => live && setVerdicts((v) => ({ ...v, [pv]: a.ok ? { ok: true } : { ok: false, reason: a.reason } })));
    }
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, selection]);
  return verdicts;
}

export function MoveTo() {
  const selection = useAppStore((s) => s.ui.selection);
  const open = useAppStore((s) => s.ui.moveToOpen);
  const setOpen = useAppStore((s) => s.setMoveToOpen);
  const pvs = useAppStore((s) => s.workspace.view?.vgs[0]?.pvs);
  const moving = useAppStore((s) => s.move.state !== null && !['done', 'aborted', 'failed'].includes(s.move.state.status));
  const actions = useActions();
  const targets = (pvs ?? []).filter((p) => !selection || selection.pv !== p.name).map((p) => p.name);
  const verdicts = useVerdicts(open, targets);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLUListElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  const shown = open && selection !== null && !moving;
  useEffect(() => {
    if (!shown) return;
    // Whoever had the focus when the menu opened gets it back when it closes.
    opener.current = document.activeElement instanceof HTMLElement && !menu.current?.contains(document.activeElement) ? document.activeElement : button.current;
    menu.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
  }, [shown]);
  useEffect(() => {
    if (!shown) return;
    // A press anywhere else closes the menu (the button's own click toggles it, so it is left out).
    const onPress = (e: PointerEvent) => {
      const target = e.target as Node | null;
      if (target && !menu.current?.contains(target) && !button.current?.contains(target)) setOpen(false);
    };
    window.addEventListener('pointerdown', onPress, true);
    return () => window.removeEventListener('pointerdown', onPress, true);
  }, [shown, setOpen]);
  const close = () => {
    setOpen(false);
    const back = opener.current?.isConnected ? opener.current : button.current;
    back?.focus();
  };
  const items = () => Array.from(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? []);
  const onMenuKey = (e: React.KeyboardEvent<HTMLUListElement>) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      return close();
    }
    if (e.key === 'Tab') return setOpen(false);
    const list = items();
    const next = menuIndexAfter(e.key, list.indexOf(document.activeElement as HTMLElement), list.length);
    if (next === null) return;
    e.preventDefault();
    list[next]?.focus();
  };
  const choose = (pv: string) => {
    if (!selection || verdicts[pv]?.ok === false) return;
    close();
    void actions.openPlan(selection, pv);
  };
  const why = !selection ? 'Select a segment, a PE range or a PV first (click it, or Tab to a map and press Enter).' : moving ? 'A move is running; wait for it to finish, or abort it.' : `Move ${selectionLabel(selection)} to another PV`;
  return (
    <div className="move-to">
      <span className="selection-label mono" data-testid="selection">{selection ? selectionLabel(selection) : 'nothing selected'}</span>
      <button ref={button} type="button" disabled={!selection || moving} title={why} onClick={() => setOpen(!open)} aria-haspopup="menu" aria-expanded={shown} aria-controls={shown ? 'move-to-menu' : undefined} data-testid="move-to">Move to…</button>
      {shown && (
        <ul ref={menu} id="move-to-menu" className="move-to-menu" role="menu" aria-label={`Move ${selectionLabel(selection)} to`} data-testid="move-to-menu" onKeyDown={onMenuKey}>
          {targets.map((pv) => {
            const v = verdicts[pv];
            return (
              <li key={pv} role="none">
                <button type="button" role="menuitem" tabIndex={-1} aria-disabled={v?.ok === false} title={v && !v.ok ? v.reason : undefined} onClick={() => choose(pv)}>
                  {pv} <span className={v ? (v.ok ? 'ok' : 'error') : 'muted'}>{!v ? 'checking…' : v.ok ? 'yes' : `no: ${v.reason}`}</span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
