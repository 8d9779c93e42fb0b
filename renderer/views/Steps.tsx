// The eight steps of the move (DESIGN §1) as a timeline: the current step highlighted, one
// narration sentence per step and the equivalent dmsetup / lvm commands. In step mode the
// move waits before each step until Next.
import { STEP_NAMES } from '../../app/api/move';
import { useActions } from '../actions';
import { useAppStore } from '../storeContext';
import { stepStateLabel } from '../store/moveSlice';

export function Steps() {
  const move = useAppStore((s) => s.move.state);
  const actions = useActions();
  const lv = move?.currentLv ?? move?.plan.lvs[0] ?? null;
  const steps = move ? move.steps.filter((s) => s.lv === lv) : [];
  const waiting = move?.status === 'waiting-step';
  return (
    <section className="panel steps" aria-labelledby="steps-title">
      <div className="panel-title">
        <h2 id="steps-title">The eight steps{lv ? ` for ${lv}` : ''}</h2>
        <button type="button" data-testid="step-next" disabled={!waiting} title={waiting ? 'Run the next step' : 'Next is for step mode: the move waits here before each step (set Step mode before starting).'} onClick={() => void actions.control({ action: 'next' })}>
          Next step
        </button>
      </div>
      <ol className="step-list" data-testid="steps">
        {STEP_NAMES.map((name, i) => {
          const step = steps.find((s) => s.number === i + 1);
          const state = step?.state ?? 'pending';
          const current = move?.step === i + 1 && move.currentLv === lv && state !== 'done';
          return (
            <li key={name} className={`step step-${state}${current ? ' current' : ''}`} data-testid={`step-${i + 1}`} data-state={state}>
              <div className="step-head"><span className="step-number">{i + 1}</span><span className="step-name">{name}</span><span className="step-state">{stepStateLabel(state, move?.status ?? null)}</span></div>
              {step && <p className="step-narration">{step.narration}</p>}
              {step && step.commands.length > 0 && <pre className="step-commands mono">{step.commands.join('\n')}</pre>}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
