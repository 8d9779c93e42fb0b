// The audience's window (`?view=audience`, opened from the presenter's): the move diagram
// scaled to fill the projector, the step it is at and the timeline; no controls, no narration
// (the presenter speaks it). It attaches to the engine's live move like any window, and shows
// what the presenter's window shows: the live state, or the earlier step the presenter went
// back to with ←, sent over the audience channel (audience.ts). F toggles full screen.
import { useContext, useEffect, useMemo, useState } from 'react';
import { RegionAnimator } from '../animation/regionAnimator';
import { stepStateLabel } from '../store/moveSlice';
import { currentStep, stepHeading } from '../store/stepList';
import { StoreContext, useAppStore, useAppStoreApi } from '../storeContext';
import { AnimatorContext } from '../views/MoveDiagram';
import { Steps } from '../views/Steps';
import { openAudienceLink } from './audience';
import type { StepSnapshot } from './history';
import { ScaledDiagram, snapshotStore } from './Presentation';

export function Audience() {
  const liveStore = useAppStoreApi();
  const liveAnimator = useContext(AnimatorContext);
  const [snapshot, setSnapshot] = useState<StepSnapshot | null>(null);
  useEffect(() => {
    const link = openAudienceLink((message) => {
      if (message.kind === 'shown') setSnapshot(message.snapshot);
    });
    // A presenter already replaying an earlier step answers with it.
    link?.post({ kind: 'hello' });
    return () => link?.close();
  }, []);
  useFullScreenKey();
  const replay = useMemo(() => (snapshot ? snapshotStore(snapshot) : null), [snapshot]);
  const replayAnimator = useMemo(() => (replay ? new RegionAnimator(replay) : null), [replay]);
  return (
    <div className="presentation audience" data-testid="audience" data-replaying={snapshot ? snapshot.index : 'live'}>
      <StoreContext.Provider value={replay ?? liveStore}>
        <AnimatorContext.Provider value={replayAnimator ?? liveAnimator}>
          <AudienceTop replaying={snapshot !== null} />
          <div className="pres-body audience-body">
            <ScaledDiagram />
          </div>
          <div className="pres-timeline"><Steps /></div>
        </AnimatorContext.Provider>
      </StoreContext.Provider>
    </div>
  );
}

/** The step on screen, big: what the audience reads while the presenter talks. */
function AudienceTop({ replaying }: { replaying: boolean }) {
  const move = useAppStore((s) => s.move.state);
  const step = move ? currentStep(move) : null;
  const status = move?.status ?? 'idle';
  return (
    <header className="pres-top audience-top">
      <span className="pres-title" data-testid="audience-step">
        {move && step ? `${stepHeading(step, move.steps.length, move.plan.lvs.length)} · ${stepStateLabel(step.state, move.status)}` : 'lvmscope · waiting for a move'}
      </span>
      {replaying && <span className="pres-history" data-testid="audience-replaying">an earlier step, again</span>}
      <span className={`badge move-status status-${status}`} data-testid="audience-status">{status}</span>
    </header>
  );
}

function useFullScreenKey(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.key !== 'f' && e.key !== 'F') || e.ctrlKey || e.metaKey || e.altKey) return;
      if (document.fullscreenElement) void document.exitFullscreen();
      else void document.documentElement.requestFullscreen().catch(() => undefined);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
