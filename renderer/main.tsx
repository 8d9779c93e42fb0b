// Renderer entry: connect to the engine (preload or WebSocket, chosen in transport.ts),
// create the store, bind engine events, load the first state (opening the host's workspace,
// or creating the seed demo in it when it is empty), start the animation controller, render.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ActionsContext, createActions } from './actions';
import { RegionAnimator } from './animation/regionAnimator';
import { App } from './App';
import { createAppStore } from './store';
import { bindEngineEvents, loadInitialState } from './store/engineEvents';
import { StoreContext } from './storeContext';
import { connectEngine } from './transport';
import { createPresentationActions, PresentationActionsContext } from './presentation/actions';
import { bindPresentationEvents, bindScenarioMenu } from './presentation/events';
import { scenarioSpeedFrom } from './scenarios/scenarioPath';
import { AnimatorContext } from './views/MoveDiagram';
import { createRehearsalActions, RehearsalActionsContext } from './rehearsal/actions';
import { LiveTimeline } from './export/liveTimeline';
import { VideoSourcesContext } from './export/VideoDialog';
import { createVideoSources } from './export/videoSources';
import './styles.css';
import './keyboard.css';
import './rehearsal/rehearsal.css';

const store = createAppStore();
const connection = connectEngine();
connection.onState((state) => store.getState().setConnection(state));
bindEngineEvents(connection.client, store);
loadInitialState(connection.client, store).catch((e: unknown) => store.getState().setEngineError(String(e)));
const actions = createActions(connection.client, store);
// Presentation mode, scenarios and export (issue 7).
bindPresentationEvents(connection.client, store);
const presentationActions = createPresentationActions(connection.client, store, { scenarioSpeed: scenarioSpeedFrom(window.location.search) });
void presentationActions.loadScenarios();
bindScenarioMenu(connection.client, presentationActions);
const rehearsalActions = createRehearsalActions(connection.client, store);
const animator = new RegionAnimator(store);
// The e2e suite and the frame-rate bench read the animator's frame counter.
(window as unknown as { lvmscopeAnimator: RegionAnimator }).lvmscopeAnimator = animator;
// What the diagram showed, kept from the start so its last move can be exported as a video.
const videoSources = createVideoSources(connection.client, new LiveTimeline(store));

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <StoreContext.Provider value={store}>
      <ActionsContext.Provider value={actions}>
        <AnimatorContext.Provider value={animator}>
          <PresentationActionsContext.Provider value={presentationActions}>
            <RehearsalActionsContext.Provider value={rehearsalActions}>
              <VideoSourcesContext.Provider value={videoSources}>
                <App />
              </VideoSourcesContext.Provider>
            </RehearsalActionsContext.Provider>
          </PresentationActionsContext.Provider>
        </AnimatorContext.Provider>
      </ActionsContext.Provider>
    </StoreContext.Provider>
  </StrictMode>,
);
