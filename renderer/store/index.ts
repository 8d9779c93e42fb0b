// One store made of slices (zustand's slices pattern). Later issues add the devices, move
// and workload slices here. Components select one field at a time; tests create a fresh
// vanilla store with createAppStore().
import { createStore } from 'zustand/vanilla';
import type { StoreApi } from 'zustand/vanilla';
import { createEngineSlice } from './engineSlice';
import type { EngineSlice } from './engineSlice';
import { createUiSlice } from './uiSlice';
import type { UiSlice } from './uiSlice';
import { createWorkspaceSlice } from './workspaceSlice';
import type { WorkspaceSlice } from './workspaceSlice';

export type AppState = EngineSlice & WorkspaceSlice & UiSlice;
export type AppStore = StoreApi<AppState>;

export function createAppStore(): AppStore {
  return createStore<AppState>()((...a) => ({
    ...createEngineSlice(...a),
    ...createWorkspaceSlice(...a),
    ...createUiSlice(...a),
  }));
}
