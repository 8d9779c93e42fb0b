// Plain functions that connect the engine to the store: the first load (engine.info,
// host.info, workspace.listImages) and the event subscriptions. They only call the store's
// setters, so tests drive them with an in-memory client and a fresh store.
import type { ApiClient, Disposable } from './types';
import type { AppStore } from './index';

/** Asks the engine what it is and lists the workspace's image files. */
export async function loadInitialState(client: ApiClient, store: AppStore): Promise<void> {
  const [info, host] = await Promise.all([client.call('engine.info', {}), client.call('host.info', {})]);
  if (!info.ok) return store.getState().setEngineError(info.error.message);
  if (!host.ok) return store.getState().setEngineError(host.error.message);
  store.getState().setEngineInfo(info.value, host.value);
  await loadWorkspace(client, store, host.value.workspacePath);
}

export async function loadWorkspace(client: ApiClient, store: AppStore, path: string): Promise<void> {
  store.getState().setWorkspaceLoading(path);
  const listed = await client.call('workspace.listImages', { path });
  if (listed.ok) store.getState().setWorkspaceImages(listed.value.path, listed.value.images);
  else store.getState().setWorkspaceError(listed.error.message);
}

export function bindEngineEvents(client: ApiClient, store: AppStore): Disposable {
  const subs = [
    client.on('log', (line) => store.getState().appendLog([line])),
    client.on('ui.command', (command) => {
      store.getState().applyUiCommand(command);
      if (command.command === 'workspace.opened') void loadWorkspace(client, store, command.path);
    }),
  ];
  return { dispose: () => subs.forEach((s) => s.dispose()) };
}
