// What the UI knows about the open workspace: its folder, its image files
// (workspace.listImages) and, once opened, the engine's full view of it (workspace.open), kept
// current by the changes `workspace.changed` carries (app/api/workspaceChange.ts): VGs, PVs
// with their extent runs, LVs with their segments, problems. An LV or PV a change leaves alone
// keeps its object, so what draws it sees nothing happen.
import type { StateCreator } from 'zustand/vanilla';
import type { ImageFile } from '../../app/api';
import type { WorkspaceView } from '../../app/api/views';
import { applyWorkspaceChange, WorkspaceChangeMismatch, type WorkspaceChange } from '../../app/api/workspaceChange';
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
  /**
   * Applies one `workspace.changed`: 'applied' (the view is its revision now), 'seen' (the view
   * is that revision or newer already: an open's answer overtakes the change it announced), or
   * 'missed' (it changes a revision this window does not hold: ask for workspace.view).
   */
  applyWorkspaceChange(change: WorkspaceChange): 'applied' | 'seen' | 'missed';
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
    applyWorkspaceChange(change) {
      const view = get().workspace.view;
      const revision = view?.revision;
      if (revision !== undefined && change.revision <= revision) return 'seen';
      if (change.base !== 0 && change.base !== revision) return 'missed';
      try {
        get().setWorkspaceView(applyWorkspaceChange(view, change));
        return 'applied';
      } catch (e) {
        if (e instanceof WorkspaceChangeMismatch) return 'missed';
        throw e;
      }
    },
  };
};
