// Plain functions that connect the engine to the store: the first load (engine.info,
// host.info, the workspace: opened, or created as the seed demo when its folder is empty)
// and the event subscriptions. They only call the store's setters, so tests drive them with
// an in-memory client and a fresh store.
import { isWriteEvent, type DmStreamEvent } from '../../app/api/dmStream';
import type { ApiClient, Disposable } from './types';
import type { AppStore } from './index';

/** Asks the engine what it is, then opens the host's workspace. */
export async function loadInitialState(client: ApiClient, store: AppStore): Promise<void> {
  const [info, host] = await Promise.all([client.call('engine.info', {}), client.call('host.info', {})]);
  if (!info.ok) return store.getState().setEngineError(info.error.message);
  if (!host.ok) return store.getState().setEngineError(host.error.message);
  store.getState().setEngineInfo(info.value, host.value);
  await loadWorkspace(client, store, host.value.workspacePath, { seedIfEmpty: host.value.demoFolder });
}

/**
 * Lists the folder's images, then opens it. The host's demo folder, when empty, gets the seed
 * demo (first start shows the story with zero set-up); any other empty folder is opened as it
 * is — lvmscope writes nothing into a folder the user only opened (the Workspace panel offers
 * to create the demo there).
 */
export async function loadWorkspace(client: ApiClient, store: AppStore, path: string, options: { seedIfEmpty?: boolean } = {}): Promise<void> {
  store.getState().setWorkspaceLoading(path);
  const listed = await client.call('workspace.listImages', { path });
  if (!listed.ok) return store.getState().setWorkspaceError(listed.error.message);
  store.getState().setWorkspaceImages(listed.value.path, listed.value.images);
  const opened = listed.value.images.length === 0 && options.seedIfEmpty
    ? await client.call('workspace.createDemo', { path, scenario: 'seed' })
    : await client.call('workspace.open', { path });
  if (!opened.ok) return store.getState().setWorkspaceError(opened.error.message);
  store.getState().setWorkspaceView(opened.value);
  await refreshLiveState(client, store);
}

/** The dm stack and the move, fetched once after opening (events keep them fresh afterwards). */
export async function refreshLiveState(client: ApiClient, store: AppStore): Promise<void> {
  const [dm, move] = await Promise.all([client.call('dm.list', {}), client.call('move.state', {})]);
  if (dm.ok) store.getState().applyDmSnapshot(dm.value);
  if (move.ok) store.getState().setMoveState(move.value.move);
}

export function bindEngineEvents(client: ApiClient, store: AppStore): Disposable {
  const s = () => store.getState();
  const dmEvents = batchedByTask((events: DmStreamEvent[]) => {
    s().applyDmEvents(events);
    const writes = events.filter(isWriteEvent);
    if (writes.length) s().addWriteEvents(writes);
  });
  const subs = [
    client.on('log', (line) => s().appendLog([line])),
    client.on('ui.command', (command) => {
      s().applyUiCommand(command);
      if (command.command === 'workspace.opened') void loadWorkspace(client, store, command.path);
    }),
    client.on('workspace.changed', (view) => s().setWorkspaceView(view)),
    client.on('dm.changed', (snapshot) => s().applyDmSnapshot(snapshot)),
    client.on('dm.event', (event) => dmEvents.push(event)),
    client.on('move.state', (state) => s().setMoveState(state)),
    client.on('move.step', (step) => s().applyStep(step)),
    client.on('move.progress', (progress) => s().setProgress(progress)),
    client.on('workload.stats', (stats) => s().setWorkloadStats(stats)),
  ];
  return { dispose: () => subs.forEach((x) => x.dispose()) };
}

/**
 * Collects the events of one delivered batch (the client hands them over one by one) and
 * passes them on together in a microtask, so a batch of a hundred dm events is one store
 * update, not a hundred.
 */
function batchedByTask<T>(deliver: (items: T[]) => void): { push(item: T): void } {
  let pending: T[] = [];
  return {
    push(item) {
      if (pending.length === 0) queueMicrotask(() => {
        const items = pending;
        pending = [];
        deliver(items);
      });
      pending.push(item);
    },
  };
}
