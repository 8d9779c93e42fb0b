// The keyboard path of drag and drop: with something selected, "Move to…" lists every other
// PV with the engine's verdict (yes, or no with the reason); choosing a yes opens the plan.
import { useEffect, useState } from 'react';
import { useActions } from '../actions';
import { selectionLabel } from '../store/selection';
import { useAppStore } from '../storeContext';

type Verdicts = Record<string, { ok: true } | { ok: false; reason: string } | undefined>;

export function MoveTo() {
  const selection = useAppStore((s) => s.ui.selection);
  const open = useAppStore((s) => s.ui.moveToOpen);
  const setOpen = useAppStore((s) => s.setMoveToOpen);
  const pvs = useAppStore((s) => s.workspace.view?.vgs[0]?.pvs);
  const moving = useAppStore((s) => s.move.state !== null && !['done', 'aborted', 'failed'].includes(s.move.state.status));
  const actions = useActions();
  const [verdicts, setVerdicts] = useState<Verdicts>({});
  const targets = (pvs ?? []).filter((p) => !selection || selection.pv !== p.name);
  useEffect(() => {
    if (!open || !selection) return;
    let live = true;
    setVerdicts({});
    for (const pv of targets) {
      void actions.checkDrop(selection, pv.name).then((a) => live && setVerdicts((v) => ({ ...v, [pv.name]: a.ok ? { ok: true } : { ok: false, reason: a.reason } })));
    }
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, selection]);
  const why = !selection ? 'Select a segment, a PE range or a PV first (click it).' : moving ? 'A move is running; wait for it to finish, or abort it.' : `Move ${selectionLabel(selection)} to another PV`;
  return (
    <div className="move-to">
      <span className="selection-label mono" data-testid="selection">{selection ? selectionLabel(selection) : 'nothing selected'}</span>
      <button type="button" disabled={!selection || moving} title={why} onClick={() => setOpen(!open)} aria-expanded={open} data-testid="move-to">Move to…</button>
      {open && selection && (
        <ul className="move-to-menu" role="menu">
          {targets.map((pv) => {
            const v = verdicts[pv.name];
            return (
              <li key={pv.name} role="none">
                <button type="button" role="menuitem" disabled={!v?.ok} title={v && !v.ok ? v.reason : undefined} onClick={() => void actions.openPlan(selection, pv.name).then(() => setOpen(false))}>
                  {pv.name} <span className={v ? (v.ok ? 'ok' : 'error') : 'muted'}>{!v ? 'checking…' : v.ok ? 'yes' : `no: ${v.reason}`}</span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
