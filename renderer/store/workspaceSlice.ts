// What the UI knows about the open workspace: its folder, its image files
// (workspace.listImages) and, once opened, the engine's full view of it (workspace.open /
// workspace.changed): VGs, PVs with their extent runs, LVs with their segments, problems.
import type { StateCreator } from 'zustand/vanilla';
import type { ImageFile } from '../../app/api';
import type { WorkspaceView } from '../../app/api/views';
import type { AppState } from './index';
import { dropVanishedSelection, endWorkspaceState, sameFolder } from './lifetimes';

export interface WorkspaceSlice {
  workspace: {
    path: string | undefined;
    images: ImageFile[];
    status: 'idle' | 'loading' | 'ready' | 'error';
    error: string | undefined;
    /** The engine's view of the open workspace (undefined until opened). */
    view: WorkspaceView | undefined;
  };
  setWorkspaceLoading(path: string): void;
  setWorkspaceImages(path: string, images: ImageFile[]): void;
  setWorkspaceError(message: string): void;
  setWorkspaceView(view: WorkspaceView): void;
}

export const createWorkspaceSlice: StateCreator<AppState, [], [], WorkspaceSlice> = (set, get) => {
  // The folder of the last view shown (the view itself is dropped while another folder is
  // listed), to tell a view of another workspace from a new view of the same one.
  let shownPath: string | undefined;
  return {
    workspace: { path: undefined, images: [], status: 'idle', error: undefined, view: undefined },
    setWorkspaceLoading: (path) => set((s) => ({ workspace: { ...s.workspace, path, status: 'loading', error: undefined } })),
    setWorkspaceImages: (path, images) => set((s) => ({ workspace: { ...s.workspace, path, images, status: 'ready', error: undefined, view: s.workspace.path === path ? s.workspace.view : undefined } })),
    setWorkspaceError: (message) => set((s) => ({ workspace: { ...s.workspace, status: 'error', error: message } })),
    setWorkspaceView: (view) => {
      set((s) => ({
        workspace: {
          ...s.workspace,
          view,
          path: view.path,
          status: 'ready',
          error: undefined,
          images: view.images.map((i) => ({ name: i.name, sizeBytes: i.sizeBytes })),
        },
      }));
      const before = shownPath;
      shownPath = view.path;
      if (before !== undefined && !sameFolder(before, view.path)) endWorkspaceState(get, set, view.path);
      else dropVanishedSelection(get, view);
    },
  };
};
