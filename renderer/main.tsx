// Renderer entry: connect to the engine (preload or WebSocket, chosen in transport.ts),
// create the store, bind engine events, load the first state (opening the host's workspace,
// or creating the seed demo in it when it is empty), start the animation controller, render.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ActionsContext, createActions } from './actions';
import { RegionAnimator } from './animation/regionAnimator';
import { App } from './App';
import { createAppStore } from './store';
import { bindEngineEvents, loadAfterReconnect, loadInitialState } from './store/engineEvents';
import { DisplayClockContext, StoreContext } from './storeContext';
import { intervalClock } from './store/displayClock';
import { connectEngine } from './transport';
import { createPresentationActions, PresentationActionsContext } from './presentation/actions';
import { bindPresentationEvents, bindScenarioMenu } from './presentation/events';
import { scenarioSpeedFrom } from './scenarios/scenarioPath';
import { AnimatorContext } from './views/MoveDiagram';
import { createRehearsalActions, RehearsalActionsContext } from './rehearsal/actions';
import { LiveTimeline } from './export/liveTimeline';
import { VideoSourcesContext } from './export/VideoDialog';
import { createVideoSources } from './export/videoSources';
import { ReplayContext, ReplayController, replayGuard } from './replay/controller';
import { recordingClient } from './replay/recordingClient';
import { bindRecordingMenu, isReplayPage, loadServedRecording } from './replay/boot';
import './styles.css';
import './keyboard.css';
import './rehearsal/rehearsal.css';
import './replay/replay.css';

const store = createAppStore();
// `lvmscope serve --replay FILE` serves a recording and no engine (issue 19): the window
// replays it and refuses every engine action with a sentence.
const replayOnly = isReplayPage(window.location.search);
const connection = replayOnly ? null : connectEngine();
connection?.onState((state) => store.getState().setConnection(state));
const client = connection ? replayGuard(connection.client, store) : recordingClient(null);
const replay = new ReplayController(store, connection ? { client, reload: () => loadInitialState(client, store) } : null);
if (connection) {
  bindEngineEvents(client, store);
  loadInitialState(client, store).catch((e: unknown) => store.getState().setEngineError(String(e)));
  // A dropped connection reopens by itself (transport.ts); the window then asks again for what it shows.
  connection.onReconnect(() => void loadAfterReconnect(client, store).catch((e: unknown) => store.getState().setEngineError(String(e))));
  bindRecordingMenu(client, replay);
} else void loadServedRecording(window.location, replay, store);
const actions = createActions(client, store);
// Presentation mode, scenarios and export (issue 7).
bindPresentationEvents(client, store);
const presentationActions = createPresentationActions(client, store, { scenarioSpeed: scenarioSpeedFrom(window.location.search) });
if (connection) void presentationActions.loadScenarios();
bindScenarioMenu(client, presentationActions);
const rehearsalActions = createRehearsalActions(client, store);
const animator = new RegionAnimator(store);
// The e2e suite and the frame-rate bench read the animator's frame counter.
(window as unknown as { lvmscopeAnimator: RegionAnimator }).lvmscopeAnimator = animator;
// What the diagram showed, kept from the start so its last move can be exported as a video.
const videoSources = createVideoSources(client, new LiveTimeline(store));
// Counters, figures and status lines change a few times a second in this window (store/displayClock.ts).
const displayClock = intervalClock();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <StoreContext.Provider value={store}>
      <DisplayClockContext.Provider value={displayClock}>
        <ActionsContext.Provider value={actions}>
          <AnimatorContext.Provider value={animator}>
            <PresentationActionsContext.Provider value={presentationActions}>
              <RehearsalActionsContext.Provider value={rehearsalActions}>
                <ReplayContext.Provider value={replay}>
                  <VideoSourcesContext.Provider value={videoSources}>
                    <App />
                  </VideoSourcesContext.Provider>
                </ReplayContext.Provider>
              </RehearsalActionsContext.Provider>
            </PresentationActionsContext.Provider>
          </AnimatorContext.Provider>
        </ActionsContext.Provider>
      </DisplayClockContext.Provider>
    </StoreContext.Provider>
  </StrictMode>,
);
