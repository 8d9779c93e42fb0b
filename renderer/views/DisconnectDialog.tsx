// Asked before opening another workspace (or creating a demo) would pull exported LVs away
// from the programs using them: who is connected, what happens to them, Cancel or Disconnect
// and continue. A real modal like the plan dialog: the native <dialog> with showModal(),
// Cancel focused (dropping clients is never the default), Escape cancels, Tab stays inside.
import { useEffect, useRef } from 'react';
import { useAppStore } from '../storeContext';
import { trapTab } from './PlanDialog';

export function DisconnectDialog() {
  const question = useAppStore((s) => s.exports.question);
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!question || !el) return;
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!el.open) el.showModal();
    el.querySelector<HTMLElement>('[data-testid="disconnect-cancel"]')?.focus();
    return () => {
      if (el.open) el.close();
      if (before?.isConnected) before.focus({ preventScroll: true });
    };
  }, [question]);
  if (!question) return null;
  return (
    <dialog ref={ref} className="dialog disconnect" aria-modal="true" aria-labelledby="disconnect-title" aria-describedby="disconnect-message" data-testid="disconnect-dialog" onCancel={(e) => { e.preventDefault(); question.answer(false); }} onKeyDown={trapTab}>
      <h2 id="disconnect-title">Clients are using this workspace</h2>
      <p id="disconnect-message" data-testid="disconnect-message">{question.message}</p>
      <div className="dialog-buttons">
        <button type="button" data-testid="disconnect-cancel" onClick={() => question.answer(false)}>Cancel</button>
        <button type="button" className="primary" data-testid="disconnect-confirm" onClick={() => question.answer(true)}>Disconnect and continue</button>
      </div>
    </dialog>
  );
}
