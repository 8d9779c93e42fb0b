// The move's steps as a timeline: whatever list the move's stack gives (the outline's eight
// steps per LV, or the lvm2 stack's pvmove0 phases and one copy per segment), each a compact
// row with its number, name and state, the current one highlighted; below the list, one card
// of fixed size with the narration and the equivalent dmsetup / lvm commands of the step shown
// (the current one, or the one the user picked to read). Nothing here grows while the move
// runs: a long list scrolls inside its box and keeps the current step in view, so the page
// never moves under the user (issue 16 item 3). In step mode the move waits before each step
// until Next. Pause, Abort and step mode sit here too (MoveButtons.tsx).
import { useEffect, useRef, useState } from 'react';
import { STACK_TITLES, type MoveStateView, type StepView } from '../../app/api/move';
import { useActions } from '../actions';
import { useAppStore, useAppStoreWith } from '../storeContext';
import { MoveButtons } from './MoveButtons';
import { sameMoveShape, stepStateLabel } from '../store/moveSlice';
import { currentStep, orderedSteps, stepHeading } from '../store/stepList';

/** Columns of the presentation timeline: one row up to 9 steps, else two rows. */
export function timelineColumns(count: number): number {
  return count <= 9 ? Math.max(1, count) : Math.ceil(count / 2);
}

/**
 * The step whose details the card shows: the one the user picked, while it is still in the
 * move's list, else the current one.
 */
export function shownStep(steps: readonly StepView[], current: StepView | null, pickedId: string | null): StepView | null {
  return steps.find((s) => s.id === pickedId) ?? current;
}

export function Steps() {
  // Not on every progress report the move's view carries: only when a step, the status or the plan changes.
  const move = useAppStoreWith((s) => s.move.state, sameMoveShape);
  const actions = useActions();
  const steps = move ? orderedSteps(move) : [];
  const current = move ? currentStep(move) : null;
  const [picked, setPicked] = useState<string | null>(null);
  // A new move starts with the card following its current step.
  const moveId = move?.id ?? null;
  useEffect(() => setPicked(null), [moveId]);
  const shown = shownStep(steps, current, picked);
  const waiting = move?.status === 'waiting-step';
  // A replayed recording has no engine to step, pause or abort (issue 19).
  const replaying = useAppStore((s) => s.replay.info !== null);
  const title = move ? `Steps (${steps.length}, ${STACK_TITLES[move.stack]})` : 'Steps of the move';
  return (
    <section className="panel steps" aria-labelledby="steps-title">
      <div className="panel-title">
        <h2 id="steps-title">{title}</h2>
        {!replaying && <button type="button" data-testid="step-next" disabled={!waiting} title={waiting ? 'Run the next step' : 'Next is for step mode: the move waits here before each step (set Step mode before starting).'} onClick={() => void actions.control({ action: 'next' })}>
          Next step
        </button>}
      </div>
      {!replaying && <MoveButtons />}
      {!move && <p className="muted">No move yet: drag a segment onto a PV (or select one and press Move to…), and its steps show here.</p>}
      {move && <StepList steps={steps} current={current} shownId={shown?.id ?? null} severalLvs={move.plan.lvs.length > 1} status={move.status} onPick={(id) => setPicked(id === current?.id ? null : id)} />}
      {move && shown && <StepDetail step={shown} total={steps.length} lvCount={move.plan.lvs.length} isCurrent={shown.id === current?.id} status={move.status} onFollow={() => setPicked(null)} />}
    </section>
  );
}

interface StepListProps {
  steps: readonly StepView[];
  current: StepView | null;
  shownId: string | null;
  severalLvs: boolean;
  status: MoveStateView['status'];
  onPick(id: string): void;
}

/** The rows: a button each (pick a step to read its details), arrow keys walk them. */
function StepList({ steps, current, shownId, severalLvs, status, onPick }: StepListProps) {
  const listRef = useRef<HTMLOListElement>(null);
  const currentId = current?.id ?? null;
  // Keep the current step in view inside the list's own box (never scroll the page).
  useEffect(() => {
    const list = listRef.current;
    const row = currentId ? list?.querySelector<HTMLElement>(`[data-step-id="${CSS.escape(currentId)}"]`) : null;
    if (!list || !row) return;
    const top = row.offsetTop - list.offsetTop;
    if (top < list.scrollTop || top + row.offsetHeight > list.scrollTop + list.clientHeight) list.scrollTop = Math.max(0, top - list.clientHeight / 3);
  }, [currentId]);
  const onKeyDown = (e: React.KeyboardEvent) => {
    const buttons = [...(listRef.current?.querySelectorAll<HTMLButtonElement>('button.step-pick') ?? [])];
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const to = e.key === 'ArrowDown' || e.key === 'ArrowRight' ? at + 1 : e.key === 'ArrowUp' || e.key === 'ArrowLeft' ? at - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? buttons.length - 1 : null;
    if (to === null || at < 0 || !buttons[to]) return;
    e.preventDefault();
    buttons[to].focus();
    onPick(steps[to]!.id);
  };
  return (
    <ol className="step-list" ref={listRef} data-testid="steps" aria-label="Steps of the move" style={{ '--step-columns': timelineColumns(steps.length) } as React.CSSProperties} onKeyDown={onKeyDown}>
      {steps.map((step) => {
        const isCurrent = currentId === step.id && step.state !== 'done';
        const isShown = shownId === step.id;
        return (
          <li key={step.id} className={`step step-${step.state}${isCurrent ? ' current' : ''}${isShown ? ' shown' : ''}`} data-testid={`step-${step.index}`} data-step-id={step.id} data-state={step.state} aria-current={isCurrent ? 'step' : undefined}>
            <button type="button" className="step-pick step-head" tabIndex={isShown ? 0 : -1} aria-pressed={isShown} title="Show this step's narration and commands" onClick={() => onPick(step.id)}>
              <span className="step-number">{step.index}</span>
              <span className="step-name">{step.name}</span>
              {severalLvs && <span className="step-lv mono">{step.lv ?? 'all LVs'}</span>}
              <StateMark label={stepStateLabel(step.state, status)} />
            </button>
          </li>
        );
      })}
    </ol>
  );
}

/** A step's state as a glyph a glance reads (the word for screen readers and as a tooltip). */
const STATE_GLYPHS: Record<string, string> = { done: '✓', running: '▶', waiting: '→', paused: '‖', pending: '·', failed: '✗', undone: '↶' };

function StateMark({ label }: { label: string }) {
  return (
    <span className={`step-state step-mark mark-${label}`} title={label}>
      <span aria-hidden="true">{STATE_GLYPHS[label] ?? '·'}</span>
      <span className="visually-hidden">{label}</span>
    </span>
  );
}

interface StepDetailProps {
  step: StepView;
  total: number;
  lvCount: number;
  isCurrent: boolean;
  status: MoveStateView['status'];
  onFollow(): void;
}

/** The card of one step: heading, narration and commands, in a box of fixed size that scrolls. */
function StepDetail({ step, total, lvCount, isCurrent, status, onFollow }: StepDetailProps) {
  return (
    // Focusable: its text may scroll inside its fixed box, and a keyboard must reach it (WCAG 2.1.1).
    <div className={`step-detail step-${step.state}`} data-testid="step-detail" data-shown-step={step.id} aria-live="polite" tabIndex={0} aria-label={`Details of step ${step.index}`}>
      <div className="step-detail-head">
        <strong>{stepHeading(step, total, lvCount)}</strong>
        <span className="step-state">{stepStateLabel(step.state, status)}</span>
        {!isCurrent && (
          <button type="button" className="link" data-testid="step-follow" onClick={onFollow}>
            show the current step
          </button>
        )}
      </div>
      {step.narration && <p className="step-narration">{step.narration}</p>}
      {step.commands.length > 0 && <pre className="step-commands mono">{step.commands.join('\n')}</pre>}
    </div>
  );
}
