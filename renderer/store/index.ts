// One store made of slices (zustand's slices pattern): engine, workspace, devices, move,
// workload, ui. Components select one field at a time; tests create a fresh vanilla store
// with createAppStore().
import { createStore } from 'zustand/vanilla';
import type { StoreApi } from 'zustand/vanilla';
import { createDevicesSlice } from './devicesSlice';
import type { DevicesSlice } from './devicesSlice';
import { createEngineSlice } from './engineSlice';
import type { EngineSlice } from './engineSlice';
import { createMoveSlice } from './moveSlice';
import type { MoveSlice } from './moveSlice';
import { createPresentationSlice } from './presentationSlice';
import type { PresentationSlice } from './presentationSlice';
import { createReplaySlice } from './replaySlice';
import type { ReplaySlice } from './replaySlice';
import { createUiSlice } from './uiSlice';
import type { UiSlice } from './uiSlice';
import { createWorkloadSlice } from './workloadSlice';
import type { WorkloadSlice } from './workloadSlice';
import { createWorkspaceSlice } from './workspaceSlice';
import type { WorkspaceSlice } from './workspaceSlice';

export type AppState = EngineSlice & WorkspaceSlice & DevicesSlice & MoveSlice & WorkloadSlice & UiSlice & PresentationSlice & ReplaySlice;
export type AppStore = StoreApi<AppState>;

export function createAppStore(): AppStore {
  return createStore<AppState>()((...a) => ({
    ...createEngineSlice(...a),
    ...createWorkspaceSlice(...a),
    ...createDevicesSlice(...a),
    ...createMoveSlice(...a),
    ...createWorkloadSlice(...a),
    ...createUiSlice(...a),
    ...createPresentationSlice(...a),
    ...createReplaySlice(...a),
  }));
}
