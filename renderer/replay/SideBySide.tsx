// Two recordings side by side, in lockstep (issue 19): "2002 vs today" — the same move on the
// outline stack and on LVM2's, each with its own store, diagram and steps, driven by one
// replay bar: → shows the next step on both, ← the step before, the scrubber moves the left
// one through time and the right one to the same step.
import { useMemo, useSyncExternalStore } from 'react';
import { STACK_TITLES } from '../../app/api/move';
import { RegionAnimator } from '../animation/regionAnimator';
import type { AppStore } from '../store';
import { StoreContext, useAppStore, useAppStoreApi } from '../storeContext';
import { AnimatorContext, MoveDiagram } from '../views/MoveDiagram';
import { Steps } from '../views/Steps';
import { currentStep, stepHeading } from '../store/stepList';
import { useReplay, type ReplayController } from './controller';
import { ReplayBanner, ReplayBar } from './ReplayBar';

/** The comparison shown, following the controller. */
export function useComparison(replay: ReplayController | null) {
  return useSyncExternalStore(
    (onChange) => replay?.onComparison(onChange) ?? (() => undefined),
    () => replay?.compared ?? null,
  );
}

export function SideBySide() {
  const replay = useReplay();
  const comparison = useComparison(replay);
  const main = useAppStoreApi();
  if (!comparison || !replay) return null;
  return (
    <div className="side-by-side" data-testid="side-by-side">
      <ReplayBanner />
      <div className="sbs-bar">
        <ReplayBar compact />
        <button type="button" data-testid="sbs-close" onClick={() => replay.closeComparison()}>Close the comparison</button>
      </div>
      <div className="sbs-columns">
        <Side store={main} side="left" fileName={main.getState().replay.info?.fileName ?? ''} />
        <Side store={comparison.store} side="right" fileName={comparison.fileName} />
      </div>
    </div>
  );
}

function Side({ store, side, fileName }: { store: AppStore; side: 'left' | 'right'; fileName: string }) {
  const animator = useMemo(() => new RegionAnimator(store), [store]);
  return (
    <StoreContext.Provider value={store}>
      <AnimatorContext.Provider value={animator}>
        <section className="sbs-side" data-testid={`sbs-${side}`}>
          <SideTitle fileName={fileName} />
          <MoveDiagram />
          <Steps />
        </section>
      </AnimatorContext.Provider>
    </StoreContext.Provider>
  );
}

function SideTitle({ fileName }: { fileName: string }) {
  const move = useAppStore((s) => s.move.state);
  const progress = useAppStore((s) => s.move.progress);
  const step = move ? currentStep(move) : null;
  return (
    <header className="sbs-title">
      <strong data-testid="sbs-stack">{move ? STACK_TITLES[move.stack] : 'no move yet'}</strong>
      <span className="muted mono">{fileName}</span>
      <span className="mono" data-testid="sbs-step">{move && step ? stepHeading(step, move.steps.length, move.plan.lvs.length) : 'before the first step'}</span>
      <span className="mono muted">{progress ? `${progress.percent.toFixed(0)}% copied` : ''}</span>
    </header>
  );
}
