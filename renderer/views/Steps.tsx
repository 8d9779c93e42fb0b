// The move's steps as a timeline: whatever list the move's stack gives (the outline's eight
// steps per LV, or the lvm2 stack's pvmove0 phases and one copy per segment), the current step
// highlighted, one narration sentence per step and the equivalent dmsetup / lvm commands (in a
// list longer than the outline's eight, the commands of the other steps fold away, so the list
// stays readable). In step mode the move waits before each step until Next.
import { STACK_TITLES } from '../../app/api/move';
import { useActions } from '../actions';
import { useAppStore } from '../storeContext';
import { stepStateLabel } from '../store/moveSlice';
import { currentStep, orderedSteps } from '../store/stepList';

/** Columns of the presentation timeline: one row up to 9 steps, else two rows. */
export function timelineColumns(count: number): number {
  return count <= 9 ? Math.max(1, count) : Math.ceil(count / 2);
}

export function Steps() {
  const move = useAppStore((s) => s.move.state);
  const actions = useActions();
  const steps = move ? orderedSteps(move) : [];
  const current = move ? currentStep(move) : null;
  const severalLvs = (move?.plan.lvs.length ?? 0) > 1;
  const waiting = move?.status === 'waiting-step';
  const title = move ? `Steps of the move: ${steps.length}, ${STACK_TITLES[move.stack]}` : 'Steps of the move';
  return (
    <section className="panel steps" aria-labelledby="steps-title">
      <div className="panel-title">
        <h2 id="steps-title">{title}</h2>
        <button type="button" data-testid="step-next" disabled={!waiting} title={waiting ? 'Run the next step' : 'Next is for step mode: the move waits here before each step (set Step mode before starting).'} onClick={() => void actions.control({ action: 'next' })}>
          Next step
        </button>
      </div>
      {!move && <p className="muted">No move yet: drag a segment onto a PV, and its steps show here.</p>}
      <ol className="step-list" data-testid="steps" style={{ '--step-columns': timelineColumns(steps.length) } as React.CSSProperties}>
        {steps.map((step) => {
          const isCurrent = current?.id === step.id && step.state !== 'done';
          return (
            <li key={step.id} className={`step step-${step.state}${isCurrent ? ' current' : ''}`} data-testid={`step-${step.index}`} data-step-id={step.id} data-state={step.state} aria-current={isCurrent ? 'step' : undefined}>
              <div className="step-head">
                <span className="step-number">{step.index}</span>
                <span className="step-name">{step.name}</span>
                {severalLvs && <span className="step-lv mono">{step.lv ?? 'all LVs'}</span>}
                <span className="step-state">{stepStateLabel(step.state, move?.status ?? null)}</span>
              </div>
              {step.narration && <p className="step-narration">{step.narration}</p>}
              {step.commands.length > 0 && <StepCommands commands={step.commands} open={isCurrent || step.state === 'failed' || steps.length <= 8} />}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

/** A step's commands: shown, or folded behind a summary a click opens. */
function StepCommands({ commands, open }: { commands: readonly string[]; open: boolean }) {
  const text = <pre className="step-commands mono">{commands.join('\n')}</pre>;
  if (open) return text;
  return (
    <details className="step-commands-folded">
      <summary>dmsetup / lvm commands</summary>
      {text}
    </details>
  );
}
