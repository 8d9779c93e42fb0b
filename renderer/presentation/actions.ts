// What presentation mode, the scenario panel and the export buttons ask the engine to do:
// run a scenario in its own folder, pause / resume, change the copy rate through presets,
// and download the diagram (SVG, PNG) or the move's Markdown transcript. Plain functions over
// the client and the store, like renderer/actions.ts; reached through a context of their own.
import { createContext, useContext } from 'react';
import type { ApiClient } from '../store/actionTypes';
import type { AppStore } from '../store';
import { EMPTY_HISTORY } from './history';
import { nextSpeed, speedLabel } from './keys';
import { rateOf, isMoveActive } from '../store/moveSlice';
import { scenarioFolder } from '../scenarios/scenarioPath';
import { diagramSvgText, downloadBlob, exportFileBase, svgToPngBlob } from '../export/diagramExport';

export interface PresentationActions {
  loadScenarios(): Promise<void>;
  runScenario(name: string): Promise<string | null>;
  togglePause(): Promise<string | null>;
  /** Steps the copy rate one preset up or down; returns the new rate's label. */
  changeSpeed(direction: 1 | -1): Promise<string>;
  exportSvg(): Promise<string | null>;
  exportPng(): Promise<string | null>;
  exportTranscript(): Promise<string | null>;
}


export function createPresentationActions(client: ApiClient, store: AppStore, options: { scenarioSpeed: number }): PresentationActions {
  const s = () => store.getState();
  const failed = (message: string) => (s().setPresentingError(message), message);
  const diagramSvg = () => {
    const container = document.querySelector<HTMLElement>('[data-testid="move-diagram"]');
    return container ? diagramSvgText(container, s()) : null;
  };
  return {
    async loadScenarios() {
      const r = await client.call('scenario.list', {});
      if (r.ok) s().setScenarios(r.value.scenarios);
    },
    async runScenario(name) {
      const host = s().engine.host;
      if (!host) return failed('The host has not said where its workspace is yet; wait for the connection.');
      const path = scenarioFolder(host.workspacePath, name);
      s().setPresentingError(null);
      // The folder is named before the engine opens it, so the store knows the workspace it
      // then shows is the scenario's own (the caption stays with it; see store/lifetimes.ts).
      store.setState((st) => ({ presenting: { ...st.presenting, history: EMPTY_HISTORY, scenarioPath: path } }));
      const r = await client.call('scenario.run', { name, path, force: true, speed: options.scenarioSpeed });
      if (!r.ok) return failed(r.error.message);
      s().setScenarioState(r.value, path);
      const move = await client.call('move.state', {});
      if (move.ok) s().setMoveState(move.value.move);
      return null;
    },
    async togglePause() {
      const move = s().move.state;
      if (!move || !isMoveActive(move.status)) return failed('No move is running, so there is nothing to pause.');
      const r = await client.call('move.control', { action: s().move.progress?.paused ? 'resume' : 'pause' });
      if (!r.ok) return failed(r.error.message);
      s().setMoveState(r.value);
      return null;
    },
    async changeSpeed(direction) {
      const rate = nextSpeed(rateOf(s().move.settings), direction);
      s().setMoveSettings(rate === 0 ? { ratePreset: 'unlimited' } : { ratePreset: 'custom', customRateBytesPerSec: rate });
      const move = s().move.state;
      if (move && isMoveActive(move.status)) {
        const r = await client.call('move.control', { action: 'setRate', rateBytesPerSec: rate });
        if (!r.ok) failed(r.error.message);
      }
      return speedLabel(rate);
    },
    async exportSvg() {
      const svg = diagramSvg();
      if (!svg) return failed('There is no diagram to export: open a workspace with an active LV first.');
      downloadBlob(new Blob([svg.text], { type: 'image/svg+xml' }), `${exportFileBase(s())}.svg`);
      return null;
    },
    async exportPng() {
      const svg = diagramSvg();
      if (!svg) return failed('There is no diagram to export: open a workspace with an active LV first.');
      try {
        downloadBlob(await svgToPngBlob(svg.text, svg.width, svg.height), `${exportFileBase(s())}.png`);
        return null;
      } catch (e) {
        return failed(`The PNG could not be drawn (${String(e)}); export the SVG instead.`);
      }
    },
    async exportTranscript() {
      const r = await client.call('move.transcript', {});
      if (!r.ok) return failed(r.error.message);
      downloadBlob(new Blob([r.value.markdown], { type: 'text/markdown' }), r.value.fileName);
      return null;
    },
  };
}

/** Actions for views rendered without an engine (tests): each says it is not connected. */
export function offlinePresentationActions(): PresentationActions {
  const no = async () => 'Not connected to the engine.';
  return { loadScenarios: async () => undefined, runScenario: no, togglePause: no, changeSpeed: async () => 'not connected', exportSvg: no, exportPng: no, exportTranscript: no };
}

export const PresentationActionsContext = createContext<PresentationActions>(offlinePresentationActions());
export const usePresentationActions = (): PresentationActions => useContext(PresentationActionsContext);
