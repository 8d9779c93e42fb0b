// The move's own buttons, beside its steps (where the presenter's eyes are during a move, and
// above the fold on a 1280x720 projector): Pause / Resume, Abort (saying what it will do) and
// step mode; and why the engine stopped or paused the move, or why a request was refused.
import { isMoveActive } from '../store/moveSlice';
import { useState } from 'react';
import { useActions } from '../actions';
import { useAppStore } from '../storeContext';

const ABORT_TEXT = {
  outline: 'Aborting stops the copy. Runs already copied and checkpointed stay on the destination; the rest of the LV goes back to its original mapping on the source, the temporary device is removed and the LV is unlocked (pvmove --abort). No data is lost.',
  lvm2: 'Aborting stops the copy. Segments already copied and checkpointed stay on the destination; the others go back to the source, the LVs map straight onto the PVs again, pvmove0 is removed and the LVs are unlocked (pvmove --abort). No data is lost.',
  atomic: 'Aborting stops the copy. An atomic move is never checkpointed, so everything goes back to the sources, whatever was copied: the LVs map straight onto their source PVs again, pvmove0 and its two sub-LVs are removed and the LVs are unlocked (pvmove --abort). No data is lost.',
} as const;

export function MoveButtons() {
  const status = useAppStore((s) => s.move.state?.status ?? null);
  const paused = useAppStore((s) => s.move.progress?.paused ?? false);
  const settings = useAppStore((s) => s.move.settings);
  const setSettings = useAppStore((s) => s.setMoveSettings);
  const error = useAppStore((s) => s.move.error);
  const setError = useAppStore((s) => s.setMoveError);
  // Why the engine stopped or paused the move (a full disk, a failing image): its sentence
  // says which file and what to do, so it stays on screen until the move resumes or ends.
  const engineError = useAppStore((s) => s.move.state?.error ?? null);
  const moveStack = useAppStore((s) => s.move.state?.stack ?? null);
  const atomic = useAppStore((s) => s.move.state?.layer?.atomic ?? s.move.state?.plan?.request?.atomic ?? false);
  const actions = useActions();
  const active = status !== null && isMoveActive(status);
  const [confirmAbort, setConfirmAbort] = useState(false);
  const noMove = 'No move is running; drag a segment onto a PV to start one.';
  return (
    <div className="move-buttons">
      <div className="control-row">
        <button type="button" data-testid="pause" disabled={!active} title={active ? (paused ? 'Resume copying' : 'Pause copying (the mirror stays loaded; writes still go to both legs)') : noMove} onClick={() => void actions.control({ action: paused ? 'resume' : 'pause' })}>
          {paused ? 'Resume' : 'Pause'}
        </button>
        <button type="button" data-testid="abort" className="danger" disabled={!active} title={active ? 'Abort: stop copying; regions already checkpointed stay on the destination, the rest of the LV goes back to its original mapping on the source (pvmove --abort).' : noMove} onClick={() => setConfirmAbort(true)}>
          Abort…
        </button>
        <label title="Step mode: the move waits before each of its steps until Next">
          <input type="checkbox" checked={settings.stepMode} onChange={(e) => { setSettings({ stepMode: e.target.checked }); if (active) void actions.control({ action: 'setStepMode', stepMode: e.target.checked }); }} /> step mode
        </label>
      </div>
      {confirmAbort && active && (
        <div className="abort-confirm" role="alertdialog" aria-label="abort the move">
          <p>{ABORT_TEXT[atomic ? 'atomic' : (moveStack ?? 'outline')]}</p>
          <button type="button" onClick={() => setConfirmAbort(false)}>Keep moving</button>{' '}
          <button type="button" className="danger" data-testid="abort-confirm" onClick={() => { setConfirmAbort(false); void actions.control({ action: 'abort' }); }}>Abort the move</button>
        </div>
      )}
      {engineError && (
        <p className="error move-error" role="alert" data-testid="move-state-error">
          {engineError}
          {active && paused ? ' Resume copies the failed regions again once the disk is fixed.' : ''}
        </p>
      )}
      {error && <p className="error move-error" role="alert" data-testid="move-error">{error} <button type="button" className="link" onClick={() => setError(null)}>dismiss</button></p>}
    </div>
  );
}
