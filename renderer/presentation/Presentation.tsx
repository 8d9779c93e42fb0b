// Presentation mode (View → Presentation, or F5): the whole window shows only the move
// diagram, the step timeline and the narration, in type sized for the back of a room. It
// renders the very same MoveDiagram and Steps views as the main window: live, from the app
// store; or, after ←, from a small store filled with the snapshot of an earlier step (the
// views cannot tell the difference). Keys only: see keys.ts and the hint line; M opens the
// move picker (MovePicker.tsx) to start a manual move.
import { useContext, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { ScenarioStateView } from '../../app/api/scenario';
import { STACK_TITLES } from '../../app/api/move';
import { RegionAnimator } from '../animation/regionAnimator';
import { createAppStore, type AppStore } from '../store';
import { isMoveActive, rateOf, stepStateLabel } from '../store/moveSlice';
import { currentStep, orderedSteps, stepHeading } from '../store/stepList';
import { StoreContext, useAppStore, useAppStoreApi } from '../storeContext';
import { AnimatorContext, MoveDiagram } from '../views/MoveDiagram';
import { Steps } from '../views/Steps';
import { usePresentationActions } from './actions';
import { shownSnapshot, type StepSnapshot } from './history';
import { nextStack, speedLabel } from './keys';
import { crashCostText } from '../format';
import { usePresentationKeys } from './usePresentationKeys';
import { usePresenterLink } from './usePresenterLink';
import { openAudienceWindow } from './audience';
import { MovePicker } from './MovePicker';
import { ReplayBar } from '../replay/ReplayBar';


/** A store holding one snapshot's views, for the views to render an earlier step. */
export function snapshotStore(snapshot: StepSnapshot): AppStore {
  const store = createAppStore();
  const s = store.getState();
  if (snapshot.views.workspace) s.setWorkspaceView(snapshot.views.workspace);
  s.setDevices(snapshot.views.devices);
  s.setMoveState(snapshot.views.move);
  if (snapshot.views.progress) s.setProgress(snapshot.views.progress);
  return store;
}

export function Presentation() {
  const liveStore = useAppStoreApi();
  const history = useAppStore((s) => s.presenting.history);
  const snapshot = shownSnapshot(history);
  const replay = useMemo(() => (snapshot ? snapshotStore(snapshot) : null), [snapshot]);
  const replayAnimator = useMemo(() => (replay ? new RegionAnimator(replay) : null), [replay]);
  const liveAnimator = useContext(AnimatorContext);
  const scenario = useAppStore((s) => s.presenting.scenario);
  const [toast, setToast] = useState<string | null>(null);
  usePresentationKeys(setToast);
  usePresenterLink(snapshot);
  useEffect(() => {
    if (!toast) return;
    const timer = setTimeout(() => setToast(null), 1500);
    return () => clearTimeout(timer);
  }, [toast]);
  return (
    <div className="presentation" data-testid="presentation" data-replaying={snapshot ? snapshot.index : 'live'}>
      <PresentationTop />
      <StoreContext.Provider value={replay ?? liveStore}>
        <AnimatorContext.Provider value={replayAnimator ?? liveAnimator}>
          <div className="pres-body">
            <ScaledDiagram />
            <div className="pres-side">
              <Caption scenario={scenario} />
              <ScenarioOffer />
            </div>
          </div>
          <div className="pres-timeline"><Steps /></div>
        </AnimatorContext.Provider>
      </StoreContext.Provider>
      <ReplayBar compact />
      <HintLine />
      <MovePicker onStarted={setToast} />
      {toast && <div className="pres-toast" role="status" data-testid="presentation-toast">{toast}</div>}
    </div>
  );
}

function PresentationTop() {
  const history = useAppStore((s) => s.presenting.history);
  const liveStatus = useAppStore((s) => s.move.state?.status ?? 'idle');
  const liveProgress = useAppStore((s) => s.move.progress);
  const rate = useAppStore((s) => rateOf(s.move.settings));
  const recording = useAppStore((s) => s.replay.info?.header.title ?? null);
  const title = useAppStore((s) => s.presenting.scenario?.title ?? null) ?? (recording ? `recording · ${recording}` : null);
  const error = useAppStore((s) => s.presenting.error);
  const actions = usePresentationActions();
  const setError = useAppStore((s) => s.setPresentingError);
  const snapshot = shownSnapshot(history);
  // A replayed step shows the figures it had, as the diagram below it does, not the live ones.
  const status = snapshot ? snapshot.views.move.status : liveStatus;
  const progress = snapshot ? snapshot.views.progress : liveProgress;
  return (
    <header className="pres-top">
      <span className="pres-title">{title ?? 'lvmscope · live move'}</span>
      <span className={`badge move-status status-${status}`} data-testid="presentation-status">{status}</span>
      {snapshot
        ? <span className="pres-history" data-testid="presentation-history">replaying step {snapshot.index} ({history.cursor! + 1} of {history.snapshots.length}) · → returns to live</span>
        : <span className={`pres-history${recording ? '' : ' live'}`} data-testid="presentation-history">{recording ? 'recording: ← → step · P play' : 'live'}</span>}
      <span className="pres-figures mono" data-testid="presentation-figures">
        {/* The copy-rate limit the engine applies (not a measured speed): say so. */}
        {progress ? `${progress.percent.toFixed(0)}% copied · ` : ''}rate {speedLabel(progress ? progress.rateBytesPerSec : rate)}
        {progress && progress.interceptedWrites > 0 ? ` · ${progress.interceptedWrites} intercepted` : ''}
      </span>
      <StackToggle />
      {error && <span className="pres-error" role="alert">{error}</span>}
      <span className="pres-buttons">
        <button type="button" tabIndex={-1} data-testid="pres-audience" title="Open the audience's window (the diagram only) to put on the projector; it follows this window, ← included" onClick={() => { if (!openAudienceWindow(window)) setError('The audience window was blocked: allow pop-ups for this page, or open this address with view=audience added.'); }}>Audience window</button>
        <button type="button" tabIndex={-1} data-testid="pres-export-svg" title="Download the diagram as SVG (E)" onClick={() => void actions.exportSvg()}>SVG</button>
        <button type="button" tabIndex={-1} data-testid="pres-export-png" title="Download the diagram as PNG" onClick={() => void actions.exportPng()}>PNG</button>
        <button type="button" tabIndex={-1} data-testid="pres-export-md" title="Download the move as a Markdown transcript" onClick={() => void actions.exportTranscript()}>Transcript</button>
      </span>
    </header>
  );
}

/** The diagram, drawn at a logical width and scaled up to fill the stage (text grows with it). */
export function ScaledDiagram() {
  const outer = useRef<HTMLDivElement>(null);
  const inner = useRef<HTMLDivElement>(null);
  const [fit, setFit] = useState({ width: 800, height: 400, naturalHeight: 380, measuredAt: 0 });
  const stage = fit;
  const naturalHeight = fit.naturalHeight;
  useLayoutEffect(() => {
    const o = outer.current;
    const i = inner.current;
    if (!o || !i) return;
    // The drawing's height depends on its logical width (a legend wraps), which depends on the
    // scale, which depends on the height. On a stage of the same size, a height measured at
    // another logical width than the last one only counts when it is larger, so the scale
    // settles instead of flipping between two values every frame (each flip re-laid the region
    // grid out and blanked its canvas); at the same width a new height is the content's own.
    const measure = () => {
      const next = { width: o.clientWidth, height: o.clientHeight, naturalHeight: Math.max(200, i.offsetHeight), measuredAt: i.offsetWidth };
      setFit((prev) => {
        if (prev.width !== next.width || prev.height !== next.height || prev.measuredAt === next.measuredAt) return next;
        return { ...next, naturalHeight: Math.max(prev.naturalHeight, next.naturalHeight) };
      });
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(o);
    observer.observe(i);
    return () => observer.disconnect();
  }, []);
  // Never narrower than 480 logical px, or the identity boxes lose their labels.
  const scale = Math.max(0.6, Math.min(stage.height / naturalHeight, stage.width / 480));
  return (
    <div className="pres-stage" ref={outer}>
      <div className="pres-scaled" ref={inner} style={{ width: `${stage.width / scale}px`, transform: `scale(${scale})` }} data-scale={scale.toFixed(2)}>
        <MoveDiagram />
      </div>
    </div>
  );
}

/**
 * The stack of the move on screen, and a toggle for the next one (S): the outline of 2002 or
 * what LVM2 does today. A running move keeps its stack, so the toggle waits for it to end.
 */
function StackToggle() {
  const move = useAppStore((s) => s.move.state);
  const chosen = useAppStore((s) => s.move.settings.stack);
  const setSettings = useAppStore((s) => s.setMoveSettings);
  const shown = move !== null && isMoveActive(move.status) ? move.stack : chosen;
  const next = nextStack(chosen, move);
  const title = next ? `The next move runs on the ${STACK_TITLES[shown]} stack; S switches to ${STACK_TITLES[next.stack]}.` : `This move runs on the ${STACK_TITLES[shown]} stack; S switches the next move's stack once this one ends.`;
  return (
    <button type="button" tabIndex={-1} className="pres-stack" data-testid="pres-stack" data-stack={shown} disabled={!next} title={title} onClick={() => next && setSettings({ stack: next.stack })}>
      {STACK_TITLES[shown]}
    </button>
  );
}

/** What a crash now would cost, for the audience (the step tells why: a checkpoint makes it drop). */
function CrashCost() {
  const bytes = useAppStore((s) => (s.move.state && isMoveActive(s.move.state.status) ? (s.move.progress?.crashCostBytes ?? null) : null));
  if (bytes === null) return null;
  return <p className="pres-crash" data-testid="presentation-crash-cost">{crashCostText(bytes).replace(/^a/, 'A')}.</p>;
}

/** The narration: the scenario's sentence on top, then the current step, its narration and its commands. */
function Caption({ scenario }: { scenario: ScenarioStateView | null }) {
  const move = useAppStore((s) => s.move.state);
  const step = move ? currentStep(move) : null;
  return (
    <div className="pres-caption" data-testid="presentation-caption">
      {scenario && <p className={`pres-scenario scenario-${scenario.status}`} data-testid="presentation-scenario">{scenario.narration}</p>}
      {move && step ? (
        <>
          <p className="pres-step-title" data-testid="presentation-step">{stepHeading(step, move.steps.length, move.plan.lvs.length)} · {stepStateLabel(step.state, move.status)}</p>
          <p className="pres-narration" data-testid="presentation-narration">{step.narration}</p>
          {step.commands.length > 0 && <pre className="pres-commands mono">{step.commands.join('\n')}</pre>}
          <CrashCost />
          <NextStep />
        </>
      ) : (
        !scenario && <p className="pres-narration muted">No move yet. Press M to pick a segment and a PV, or start a scenario (1–9).</p>
      )}
    </div>
  );
}

/** What comes after the current step, for the presenter (the audience's window does not show it). */
function NextStep() {
  const move = useAppStore((s) => s.move.state);
  if (!move) return null;
  const current = currentStep(move);
  const next = orderedSteps(move).find((x) => x.state === 'pending' && (!current || x.index > current.index));
  if (!next) return null;
  return <p className="pres-next" data-testid="presentation-next">Next: {stepHeading(next, move.steps.length, move.plan.lvs.length)}</p>;
}

/** When no move runs: the scenarios, each a number key away. */
function ScenarioOffer() {
  const active = useAppStore((s) => s.move.state !== null && isMoveActive(s.move.state.status));
  const scenarios = useAppStore((s) => s.presenting.scenarios);
  const running = useAppStore((s) => s.presenting.scenario?.status === 'running');
  const actions = usePresentationActions();
  if (active || running || scenarios.length === 0) return null;
  return (
    <div className="pres-offer" data-testid="presentation-scenarios">
      <p className="pres-offer-title">Scenarios</p>
      <ol>
        {scenarios.slice(0, 9).map((s, i) => (
          <li key={s.name}>
            <button type="button" tabIndex={-1} data-testid={`pres-scenario-${s.name}`} title={s.description} onClick={() => void actions.runScenario(s.name)}>
              <kbd>{i + 1}</kbd> {s.title}
            </button>
          </li>
        ))}
      </ol>
    </div>
  );
}

function HintLine() {
  const visible = useAppStore((s) => s.presenting.hintVisible);
  const waiting = useAppStore((s) => s.move.state?.status === 'waiting-step');
  if (!visible) return null;
  return (
    <p className="pres-hint" data-testid="presentation-hint">
      {waiting ? 'Space / → next step' : '→ forward'} · ← back · P pause · + / − speed · M move · S stack · F full screen · E export SVG · 1–9 scenario · H hide this line · Esc leave
    </p>
  );
}
