// The app: header; the recovery banner; the volume group (PV maps, LV bars) with the move
// controls and the workload on the left; the live move diagram and the eight steps on the
// right; the device-mapper stack, the event log and the image files at the bottom. Panes
// are resizable; sizes are fixed while the animation runs, so nothing jumps.
import { useEffect, useSyncExternalStore } from 'react';
import { AboutDialog } from './components/AboutDialog';
import { Header } from './components/Header';
import { LogPanel } from './components/LogPanel';
import { Splitter } from './components/Splitter';
import { WorkspacePanel } from './components/WorkspacePanel';
import { ExportBar } from './export/ExportBar';
import { Audience } from './presentation/Audience';
import { viewRoleFrom } from './presentation/audience';
import { Presentation } from './presentation/Presentation';
import { PresentationLauncher } from './presentation/PresentationLauncher';
import { ScenarioCaption, ScenarioPanel } from './scenarios/ScenarioPanel';
import { selectionLabel } from './store/selection';
import { useAppStore } from './storeContext';
import { resolveTheme } from './store/uiSlice';
import { MoveControls, WorkloadPanel } from './views/Controls';
import { DevicePanel } from './views/DevicePanel';
import { MoveDiagram } from './views/MoveDiagram';
import { PlanDialog } from './views/PlanDialog';
import { RecoveryBanner } from './views/RecoveryBanner';
import { Steps } from './views/Steps';
import { VolumeGroup } from './views/VolumeGroup';
import { useReplay } from './replay/controller';
import { ReplayBanner, ReplayBar, ReplayError } from './replay/ReplayBar';
import { SideBySide, useComparison } from './replay/SideBySide';
import { useFileDrop } from './replay/useFileDrop';

function subscribePrefersDark(onChange: () => void): () => void {
  const query = window.matchMedia('(prefers-color-scheme: dark)');
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
}
const prefersDark = () => window.matchMedia('(prefers-color-scheme: dark)').matches;

export function App() {
  const theme = useAppStore((s) => s.ui.theme);
  const presentation = useAppStore((s) => s.ui.presentation);
  const panes = useAppStore((s) => s.ui.panes);
  const setPanes = useAppStore((s) => s.setPanes);
  const dark = useSyncExternalStore(subscribePrefersDark, prefersDark);
  const role = viewRoleFrom(window.location.search);
  const shown = resolveTheme(theme, dark);
  // A recording shown instead of the engine (issue 19): the views show its instant, and
  // nothing that needs an engine is offered.
  const replaying = useAppStore((s) => s.replay.info !== null);
  const comparison = useComparison(useReplay());
  const dropping = useFileDrop();
  useEffect(() => {
    document.documentElement.dataset.theme = shown;
    document.documentElement.dataset.presentation = String(presentation || role === 'audience');
  }, [shown, presentation, role]);
  const columns = panes.leftPx > 0 ? `${panes.leftPx}px 8px minmax(360px, 1fr)` : 'minmax(360px, 36fr) 8px minmax(420px, 64fr)';
  const bottomHeight = () => document.querySelector<HTMLElement>('.app-bottom')?.offsetHeight ?? 220;
  const leftWidth = () => document.querySelector<HTMLElement>('.pane-left')?.offsetWidth ?? 600;
  // The audience's window shows the diagram only (issue 16); presentation mode replaces the
  // whole window (issue 7): diagram, steps, narration and what comes next, for the presenter.
  if (role === 'audience') return <Audience />;
  if (presentation) return <Presentation />;
  if (comparison) return <SideBySide />;
  return (
    <div className="app" data-replaying={replaying}>
      <Header />
      <ReplayError />
      <ReplayBanner />
      <ReplayBar />
      {!replaying && <RecoveryBanner />}
      <ScenarioCaption />
      <main className="app-main" style={{ gridTemplateColumns: columns }}>
        <div className="pane pane-left">
          <VolumeGroup />
          {!replaying && <MoveControls />}
          {!replaying && <WorkloadPanel />}
          {!replaying && <ScenarioPanel />}
        </div>
        <Splitter orientation="vertical" label="resize the left and right panes" onResize={(d) => setPanes({ leftPx: Math.max(320, leftWidth() + d) })} />
        <div className="pane pane-right">
          <div className="pane-diagram">
            <MoveDiagram />
            {!replaying && <ExportBar />}
          </div>
          <Steps />
        </div>
      </main>
      <Splitter orientation="horizontal" label="resize the bottom panes" onResize={(d) => setPanes({ bottomPx: Math.max(80, bottomHeight() - d) })} />
      {/* Until the user drags the splitter, the bottom row fits the window (styles.css). */}
      <div className="app-bottom" style={panes.bottomPx > 0 ? { height: `${panes.bottomPx}px` } : undefined}>
        <DevicePanel />
        <LogPanel />
        {!replaying && <WorkspacePanel />}
      </div>
      <DragLabel />
      {!replaying && <PlanDialog />}
      {dropping && <div className="drop-overlay" data-testid="drop-overlay">Drop a recording (.lvmrec) to replay it</div>}
      <AboutDialog />
      <PresentationLauncher />
    </div>
  );
}

/** The label that follows the pointer during a drag: what is dragged and the verdict. */
function DragLabel() {
  const drag = useAppStore((s) => s.ui.drag);
  if (!drag) return null;
  const v = drag.verdict;
  return (
    <div className={`drag-label verdict-${v?.status ?? 'none'}`} style={{ left: `${drag.x + 14}px`, top: `${drag.y + 14}px` }} data-testid="drag-label">
      {selectionLabel(drag.selection)}
      {drag.overPv && ` → ${drag.overPv}: `}
      {v?.status === 'checking' && 'checking…'}
      {v?.status === 'yes' && 'yes'}
      {v?.status === 'no' && `no — ${v.reason}`}
    </div>
  );
}
