// Plain functions that connect the engine to the store: the first load (engine.info,
// host.info, the workspace: opened, or created as the seed demo when its folder is empty)
// and the event subscriptions. They only call the store's setters, so tests drive them with
// an in-memory client and a fresh store.
import { isWriteEvent, type DmStreamEvent } from '../../app/api/dmStream';
import { withClientsAsked } from './exportsSlice';
import type { ApiClient, Disposable } from './types';
import type { AppStore } from './index';

/** Asks the engine what it is, then opens the host's workspace. */
export async function loadInitialState(client: ApiClient, store: AppStore): Promise<void> {
  const [info, host] = await Promise.all([client.call('engine.info', {}), client.call('host.info', {})]);
  if (!info.ok) return store.getState().setEngineError(info.error.message);
  if (!host.ok) return store.getState().setEngineError(host.error.message);
  store.getState().setEngineInfo(info.value, host.value);
  // The story so far: a window that attaches to a running move shows how it got there.
  const log = await client.call('log.recent', {});
  if (log.ok) store.getState().setLogHistory(log.value.lines);
  await loadWorkspace(client, store, host.value.workspacePath, { seedIfEmpty: host.value.demoFolder });
}

/**
 * Lists the folder's images, then opens it. The host's demo folder, when empty, gets the seed
 * demo (first start shows the story with zero set-up); any other empty folder is opened as it
 * is — lvmscope writes nothing into a folder the user only opened (the Workspace panel offers
 * to create the demo there). When the folder is the one the engine has open already (another
 * window, a reload), the engine answers with its live view and this window just attaches.
 *
 * Returns the engine's sentence when it refused (a wrong path, or a move still running in the
 * open workspace), else null. A window that shows a workspace keeps showing it until the other
 * one is open, so a refusal leaves it as it was; the sentence goes into the store only when
 * nothing is shown yet or `showError` asks for it (a menu command has no dialog to show it in).
 */
export async function loadWorkspace(client: ApiClient, store: AppStore, path: string, options: { seedIfEmpty?: boolean; showError?: boolean; quiet?: boolean } = {}): Promise<string | null> {
  const s = () => store.getState();
  // `quiet`: a dialog asked, and shows the refusal next to the path the user typed; the
  // window keeps what it showed (even an earlier error) rather than the wrong path's.
  const showing = s().workspace.view !== undefined || options.quiet === true;
  if (!showing) s().setWorkspaceLoading(path);
  const fail = (message: string) => {
    if (!showing || (options.showError && !options.quiet)) s().setWorkspaceError(message);
    return message;
  };
  const listed = await client.call('workspace.listImages', { path });
  if (!listed.ok) return fail(listed.error.message);
  const createDemo = listed.value.images.length === 0 && options.seedIfEmpty;
  // Opening another folder closes this one: clients of its exports are asked about first.
  const opened = await withClientsAsked(store, `opening ${path}`, (disconnectClients) => {
    const drop = disconnectClients ? { disconnectClients } : {};
    return createDemo ? client.call('workspace.createDemo', { path, scenario: 'seed', ...drop }) : client.call('workspace.open', { path, ...drop });
  });
  if (!opened.ok) return fail(opened.error.message);
  s().setWorkspaceImages(listed.value.path, listed.value.images);
  s().setWorkspaceView(opened.value);
  await refreshLiveState(client, store);
  return null;
}

/**
 * The dm stack, the move and the exports, fetched once after opening or attaching (events keep
 * them fresh afterwards). A window attaching to a move that runs shows the move's own copy rate
 * and step mode in the controls, not this window's defaults (the move slice follows the
 * engine's). An engine without exports.list leaves the exports view empty: no panel.
 */
export async function refreshLiveState(client: ApiClient, store: AppStore): Promise<void> {
  const [, move, exports] = await Promise.all([listDevices(client, store), client.call('move.state', {}), client.call('exports.list', {})]);
  if (move.ok) store.getState().setMoveState(move.value.move);
  store.getState().setExportsView(exports.ok ? exports.value : null);
}

/**
 * After the connection opened again (renderer/transport.ts reconnects): the events sent while
 * it was closed are lost, so every view the window holds is asked for again, as at the first
 * load — the workspace's view, the dm devices, the move, the exports and the log. A window
 * that had not loaded anything yet loads as it would have.
 */
export async function loadAfterReconnect(client: ApiClient, store: AppStore): Promise<void> {
  const s = () => store.getState();
  if (s().workspace.view === undefined) return loadInitialState(client, store);
  const [view, log] = await Promise.all([client.call('workspace.view', {}), client.call('log.recent', {})]);
  if (log.ok) {
    // The lines logged while closed: those after the newest line held.
    const newest = s().engine.log.at(-1)?.timeMs ?? -Infinity;
    s().appendLog(log.value.lines.filter((l) => l.timeMs > newest));
  }
  if (view.ok) s().setWorkspaceView(view.value);
  await refreshLiveState(client, store);
}

export function bindEngineEvents(client: ApiClient, store: AppStore): Disposable {
  const s = () => store.getState();
  const dmEvents = batchedByTask((events: DmStreamEvent[]) => {
    s().applyDmEvents(events);
    const writes = events.filter(isWriteEvent);
    if (writes.length) s().addWriteEvents(writes);
  });
  // Every other event first applies the dm events that came before it: the engine's order
  // holds across kinds (a presentation's step snapshot must see the table its step loaded,
  // even when a frame's messages are delivered in one go).
  const inOrder =
    <A>(apply: (arg: A) => void) =>
    (arg: A) => {
      dmEvents.flush();
      apply(arg);
    };
  const subs = [
    client.on('log', inOrder((line) => s().appendLog([line]))),
    client.on('ui.command', inOrder((command) => {
      s().applyUiCommand(command);
      if (command.command === 'workspace.opened') void loadWorkspace(client, store, command.path, { showError: true });
    })),
    client.on('workspace.changed', inOrder((change) => {
      if (s().applyWorkspaceChange(change) === 'missed') void refetchWorkspaceView(client, store);
    })),
    client.on('dm.changed', inOrder((change) => {
      if (s().applyDmChange(change) === 'missed') void listDevices(client, store);
    })),
    client.on('dm.event', (event) => dmEvents.push(event)),
    client.on('move.state', inOrder((state) => s().setMoveState(state))),
    client.on('move.step', inOrder((step) => s().applyStep(step))),
    client.on('move.progress', inOrder((progress) => s().setProgress(progress))),
    client.on('workload.stats', inOrder((stats) => s().setWorkloadStats(stats))),
    client.on('exports.changed', inOrder((view) => s().setExportsView(view))),
  ];
  return { dispose: () => subs.forEach((x) => x.dispose()) };
}

/**
 * The whole view again, after a `workspace.changed` that did not fit the view this window holds
 * (it missed one, or showed an older answer). Changes that arrive meanwhile find the view
 * they change once it is here, or are seen in it already.
 */
async function refetchWorkspaceView(client: ApiClient, store: AppStore): Promise<void> {
  const view = await client.call('workspace.view', {});
  const shown = store.getState().workspace.view?.revision;
  if (view.ok && !(shown !== undefined && view.value.revision !== undefined && view.value.revision < shown)) store.getState().setWorkspaceView(view.value);
}

/** The dm.list a store is waiting for, if any. */
const listing = new WeakMap<AppStore, Promise<void>>();

/**
 * The whole device list (dm.list), on load and after a `dm.changed` that did not follow the
 * devices this window holds; one at a time per window (a list of 10,000 devices is 11 MB).
 * Events and changes that arrive meanwhile are kept by the follower and applied on it.
 */
function listDevices(client: ApiClient, store: AppStore): Promise<void> {
  const pending = listing.get(store);
  if (pending) return pending;
  const done = client
    .call('dm.list', {})
    .then((dm) => {
      if (dm.ok) store.getState().applyDmSnapshot(dm.value);
    })
    .finally(() => listing.delete(store));
  listing.set(store, done);
  return done;
}

/**
 * Collects the events of one delivered batch (the client hands them over one by one) and
 * passes them on together in a microtask, so a batch of a hundred dm events is one store
 * update, not a hundred. `flush` passes on what is collected now (before an event of another
 * kind is applied).
 */
function batchedByTask<T>(deliver: (items: T[]) => void): { push(item: T): void; flush(): void } {
  let pending: T[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    const items = pending;
    pending = [];
    deliver(items);
  };
  return {
    push(item) {
      if (pending.length === 0) queueMicrotask(flush);
      pending.push(item);
    },
    flush,
  };
}
