// A workspace with an interrupted move (a pvmove0 layer in the metadata, ours or real
// LVM2's) opens with this banner: what was moving, how far it got, Resume or Abort.
import { STACK_TITLES } from '../../app/api/move';
import { useActions } from '../actions';
import { useAppStore } from '../storeContext';

export function RecoveryBanner() {
  const vg = useAppStore((s) => s.workspace.view?.vgs.find((v) => v.moveInProgress));
  const active = useAppStore((s) => s.move.state !== null && ['running', 'paused', 'waiting-step', 'aborting'].includes(s.move.state.status));
  const stack = useAppStore((s) => s.move.settings.stack);
  const actions = useActions();
  if (!vg?.moveInProgress || active) return null;
  const m = vg.moveInProgress;
  return (
    <div className="recovery-banner" role="alert" data-testid="recovery-banner">
      <strong>Interrupted move in {vg.name}.</strong> <span>{m.summary}</span>{' '}
      {/* The summary already says what and how far; add what LVM2 would show and type instead. */}
      <span className="muted">The hidden layer <span className="mono">[{m.layer}]</span> holds it: Resume is <span className="mono">pvmove</span>, Abort is <span className="mono">pvmove --abort</span>.</span>
      <span className="banner-buttons">
        <button type="button" data-testid="recovery-resume" title={`Reload the mirror and copy what is left, then run the rest of the move's steps on the ${STACK_TITLES[stack]} stack, chosen in the move controls (pvmove with no arguments)`} onClick={() => void actions.resumeRecorded(vg.name)}>Resume</button>
        <button type="button" data-testid="recovery-abort" className="danger" title="pvmove --abort: checkpointed runs stay on the destination, the rest go back to the source, and the pvmove0 layer is removed" onClick={() => void actions.abortRecorded(vg.name)}>Abort</button>
      </span>
    </div>
  );
}
