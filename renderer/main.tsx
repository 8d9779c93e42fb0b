// Renderer entry: connect to the engine (preload or WebSocket, chosen in transport.ts),
// create the store, bind engine events, load the first state, render.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createAppStore } from './store';
import { bindEngineEvents, loadInitialState } from './store/engineEvents';
import { StoreContext } from './storeContext';
import { connectEngine } from './transport';
import './styles.css';

const store = createAppStore();
const connection = connectEngine();
connection.onState((state) => store.getState().setConnection(state));
bindEngineEvents(connection.client, store);
loadInitialState(connection.client, store).catch((e: unknown) => store.getState().setEngineError(String(e)));

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <StoreContext.Provider value={store}>
      <App />
    </StoreContext.Provider>
  </StrictMode>,
);
