// The move's list of steps as the views read it. The stack decides the list (the outline runs
// eight steps per LV, the lvm2 stack runs pvmove0's phases and one copy per segment), so the
// views never count steps themselves: they show whatever list the engine's state holds, by id
// and by position. Pure functions over the move's view, tested in Node.
import type { MoveStateView, StepView } from '../../app/api/move';

type StepsOf = Pick<MoveStateView, 'steps' | 'step'>;

/** The steps in the order the move runs them (the engine's `index`). */
export function orderedSteps(move: Pick<MoveStateView, 'steps'>): StepView[] {
  return [...move.steps].sort((a, b) => a.index - b.index);
}

/**
 * The step the move is at: the one running or waiting for Next, else the one the engine names
 * current, else the last one that changed state (a finished move ends at its last step).
 */
export function currentStep(move: StepsOf): StepView | null {
  const active = move.steps.find((s) => s.state === 'running' || s.state === 'waiting');
  if (active) return active;
  const named = move.step === null ? undefined : move.steps.find((s) => s.id === move.step);
  if (named) return named;
  const started = move.steps.filter((s) => s.state !== 'pending');
  return started.length ? started.reduce((a, b) => (b.timeMs > a.timeMs || (b.timeMs === a.timeMs && b.index > a.index) ? b : a)) : null;
}

/** `Step 5 of 14 · Mirror segment 2`, with the LV when the move has several and the step acts on one. */
export function stepHeading(step: Pick<StepView, 'index' | 'name' | 'lv'>, total: number, lvCount = 1): string {
  return `Step ${step.index} of ${total} · ${step.name}${step.lv && lvCount > 1 ? ` (${step.lv})` : ''}`;
}

/** How far a step has gone: a report of a step never goes back, except to run it again later. */
const STEP_RANK: Record<StepView['state'], number> = { pending: 0, waiting: 1, running: 2, done: 3, failed: 3, undone: 4 };

/**
 * Whether `incoming` is an older report of a step than `known`: the engine's events travel in
 * batches (33 ms), while an answer to a call (move.state fetched after a scenario event, the
 * state a control returns) goes at once, so a step's report can arrive after a newer one.
 */
export function isOlderStep(known: StepView, incoming: StepView): boolean {
  return incoming.timeMs < known.timeMs || (incoming.timeMs === known.timeMs && STEP_RANK[incoming.state] < STEP_RANK[known.state]);
}

/** When the engine last changed a step of this view (steps carry the time they changed). */
export function stepFreshness(move: Pick<MoveStateView, 'steps'>): number {
  return move.steps.reduce((t, s) => Math.max(t, s.timeMs), 0);
}

/**
 * The move's view after `incoming` (a move.state event or an answer) arrived: another move
 * replaces it; an older view of the same move (it waited in a batch while an answer overtook
 * it) changes nothing, so the step on screen never steps back; otherwise the incoming view,
 * keeping any step already known from a newer report.
 */
export function mergeMoveState(current: MoveStateView | null, incoming: MoveStateView): MoveStateView {
  if (!current || current.id !== incoming.id) return incoming;
  if (stepFreshness(incoming) < stepFreshness(current)) return current;
  const known = new Map(current.steps.map((s) => [s.id, s]));
  let kept = false;
  const steps = incoming.steps.map((s) => {
    const k = known.get(s.id);
    if (!k || !isOlderStep(k, s)) return s;
    kept = true;
    return k;
  });
  return kept ? { ...incoming, steps } : incoming;
}

/** The step changed by a `move.step` event, put into the list in place (or added at its position); an older report than the one shown is dropped. */
export function withStep(move: MoveStateView, step: StepView): MoveStateView {
  const shown = move.steps.find((x) => x.id === step.id);
  if (shown && isOlderStep(shown, step)) return move;
  const known = shown !== undefined;
  const steps = known ? move.steps.map((x) => (x.id === step.id ? step : x)) : orderedSteps({ steps: [...move.steps, step] });
  const becomesCurrent = step.state === 'running' || step.state === 'waiting';
  return becomesCurrent ? { ...move, steps, step: step.id, currentLv: step.lv ?? move.currentLv } : { ...move, steps };
}

/**
 * How far one LV of a move of several is, in a few words: the outline runs each LV's steps in
 * turn ("step 4 of 8"), the lvm2 stack copies pvmove0's segments in turn, each of one LV.
 */
export function lvProgressText(move: Pick<MoveStateView, 'stack' | 'steps' | 'step' | 'layer' | 'status'>, lv: string): string {
  if (move.stack === 'lvm2') return lvm2LvProgress(move, lv);
  const steps = orderedSteps(move).filter((x) => x.lv === lv);
  if (steps.length > 0 && steps.every((x) => x.state === 'done')) return 'done';
  const current = currentStep(move);
  if (current && current.lv === lv) return `step ${steps.findIndex((x) => x.id === current.id) + 1} of ${steps.length} (shown below)`;
  return steps.some((x) => x.state === 'undone' || x.state === 'failed') ? 'undone' : 'waiting its turn';
}

function lvm2LvProgress(move: Pick<MoveStateView, 'layer' | 'status'>, lv: string): string {
  if (move.status === 'done') return 'done';
  const all = move.layer?.segments ?? [];
  // Every segment of the move done: the first finishing commit is written (the engine keeps
  // the segments until the second); the LVs already map straight onto their destinations.
  if (all.length > 0 && all.every((s) => s.state === 'done')) return 'on its destination';
  const segments = all.filter((s) => s.lv === lv);
  const mirroring = segments.find((s) => s.state === 'mirroring');
  // An atomic move's one mirror holds every LV's runs from the commit to the finish, and copies
  // them at once (from pvmove0's resume, before the copy step watches it): no LV waits its turn.
  if (move.layer?.atomic && segments.length > 0) return 'in the one atomic mirror';
  if (mirroring) return `copying segment ${mirroring.index}`;
  if (segments.length > 0 && segments.every((s) => s.state === 'done')) return 'copied, waits for the finish';
  const done = segments.filter((s) => s.state === 'done').length;
  return done > 0 ? `${done} of ${segments.length} segments copied` : 'waiting its turn';
}
