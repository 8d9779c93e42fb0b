// What the UI knows about the open workspace: its folder and its image files, exactly as
// the engine reported them (workspace.listImages).
import type { StateCreator } from 'zustand/vanilla';
import type { ImageFile } from '../../app/api';
import type { AppState } from './index';

export interface WorkspaceSlice {
  workspace: {
    path: string | undefined;
    images: ImageFile[];
    status: 'idle' | 'loading' | 'ready' | 'error';
    error: string | undefined;
  };
  setWorkspaceLoading(path: string): void;
  setWorkspaceImages(path: string, images: ImageFile[]): void;
  setWorkspaceError(message: string): void;
}

export const createWorkspaceSlice: StateCreator<AppState, [], [], WorkspaceSlice> = (set) => ({
  workspace: { path: undefined, images: [], status: 'idle', error: undefined },
  setWorkspaceLoading: (path) => set((s) => ({ workspace: { ...s.workspace, path, status: 'loading', error: undefined } })),
  setWorkspaceImages: (path, images) => set({ workspace: { path, images, status: 'ready', error: undefined } }),
  setWorkspaceError: (message) => set((s) => ({ workspace: { ...s.workspace, status: 'error', error: message } })),
});
