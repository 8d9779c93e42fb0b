// Proves the renderer's first load and event bindings against the real engine: the engine is
// served over an in-memory wire (as in the contract tests) with a workspace in memory; a
// fresh store is filled by loadInitialState and updated by engine events, including a
// `ui.command` that opens another workspace and reloads its image list; an empty folder
// gets the seed demo. While a move runs, a second window attaches to the open workspace and
// its move (host.info names the open folder; workspace.open of it returns the live view), and a
// window asked to open another folder keeps showing its own when the engine refuses.

import { describe, expect, it } from 'vitest';
import { createApiClient, wireTransport } from '../../../app/api/client';
import { serveApi } from '../../../app/api/server';
import { inMemoryWirePair } from '../../../app/api/wire';
import { SeededRandom } from '../../../app/base/clock';
import { Engine, ENGINE_VERSION } from '../../../app/engine';
import { LvmscopeError } from '../../../app/base/result';
import { createActions } from '../../../renderer/actions';
import { createAppStore } from '../../../renderer/store';
import { bindEngineEvents, loadInitialState, loadWorkspace } from '../../../renderer/store/engineEvents';
import { ManualClock } from '../../helpers/fakeClock';
import { MemoryWorkspaceStorage } from '../../sim/memory';

/** What a host on a real file system answers for a folder that is not there (main/workspaceFolder.ts). */
async function onlyWsFolders(path: string): Promise<void> {
  if (!path.startsWith('/ws/')) throw new LvmscopeError('NOT_FOUND', `There is no folder at ${path}; nothing was created. Open an existing folder of image files, or create a demo workspace there.`);
}

async function setup(withWorkspace = true) {
  const clock = new ManualClock();
  const folders = new Map([['/ws/a', new MemoryWorkspaceStorage('/ws/a')], ['/ws/b', new MemoryWorkspaceStorage('/ws/b')]]);
  await folders.get('/ws/a')!.create('pv1.img', 4 << 20);
  await folders.get('/ws/a')!.create('pv2.img', 8 << 20);
  await folders.get('/ws/b')!.create('other.img', 1 << 20);
  const engine = new Engine({
    kind: 'test',
    clock,
    random: new SeededRandom(3),
    hostname: 'test',
    storage: (p) => folders.get(p) ?? new MemoryWorkspaceStorage(p),
    ...(withWorkspace ? { workspace: () => ({ path: '/ws/a', recent: [] }) } : {}),
    checkFolder: onlyWsFolders,
  });
  const [serverEnd, clientEnd] = inMemoryWirePair();
  serveApi(serverEnd, engine.handlers, engine, clock);
  const client = createApiClient(wireTransport(clientEnd));
  const store = createAppStore();
  return { clock, engine, client, store };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('loading the first state', () => {
  it('fills the engine and workspace slices from engine.info, host.info and workspace.listImages', async () => {
    const { client, store } = await setup();
    await loadInitialState(client, store);
    const s = store.getState();
    expect(s.engine.info?.version).toBe(ENGINE_VERSION);
    expect(s.engine.host?.workspacePath).toBe('/ws/a');
    expect(s.workspace).toMatchObject({ path: '/ws/a', status: 'ready', error: undefined, images: [{ name: 'pv1.img', sizeBytes: 4 << 20 }, { name: 'pv2.img', sizeBytes: 8 << 20 }] });
    // The folder holds images, so it was opened (not replaced by a demo): blank images, no VG.
    expect(s.workspace.view?.path).toBe('/ws/a');
    expect(s.workspace.view?.vgs).toEqual([]);
  });

  it('writes nothing into an empty folder that is not the host\'s demo folder', async () => {
    const { client, store, engine } = await setup();
    await loadWorkspace(client, store, '/ws/empty');
    const s = store.getState();
    expect(s.workspace.error).toBeUndefined();
    expect(s.workspace.view?.vgs).toEqual([]);
    expect(s.workspace.images).toEqual([]);
    await engine.dispose();
  });

  it('creates the seed demo in the host\'s empty demo folder and loads its VG, dm stack and move', async () => {
    const { client, store, engine } = await setup();
    await loadWorkspace(client, store, '/ws/empty', { seedIfEmpty: true });
    const s = store.getState();
    expect(s.workspace.error).toBeUndefined();
    expect(s.workspace.view?.vgs.map((v) => v.name)).toEqual(['vg0']);
    expect(s.workspace.view?.vgs[0].pvs.map((p) => p.name)).toEqual(['pv1', 'pv2', 'pv3', 'pv4']);
    expect(s.devices.list.map((d) => d.name)).toContain('vg0-lv0');
    expect(s.move.state).toBeNull();
    await engine.dispose();
  });

  it('shows the engine’s error sentence when the host has no workspace', async () => {
    const { client, store } = await setup(false);
    await loadInitialState(client, store);
    expect(store.getState().engine.error).toMatch(/shows no workspace/);
    expect(store.getState().workspace.status).toBe('idle');
  });
});

describe('engine events', () => {
  it('append log lines and apply menu commands, reloading the images of a newly opened workspace', async () => {
    const { client, store, engine, clock } = await setup();
    bindEngineEvents(client, store);
    engine.log('warn', 'test', 'hello');
    engine.emit('ui.command', { command: 'theme.set', theme: 'dark' });
    engine.emit('ui.command', { command: 'workspace.opened', path: '/ws/b' });
    clock.advance(40); // the coalescing interval
    await expect.poll(() => store.getState().workspace.images.map((i) => i.name)).toEqual(['other.img']);
    clock.advance(40);
    await tick();
    expect(store.getState().ui.theme).toBe('dark');
    expect(store.getState().workspace.path).toBe('/ws/b');
    expect(store.getState().engine.log.map((l) => l.message)).toContain('hello');
  });
});

describe('the Open and New demo dialogs (issue 16)', () => {
  it('return the engine\'s sentence for a wrong path and leave the header and the shown workspace as they were', async () => {
    const { client, store } = await setup();
    const actions = createActions(client, store);
    // Nothing shown yet (the first load failed, say): still no error in the header for the dialog's path.
    const refused = await actions.openWorkspace('/nowhere/else');
    expect(refused).toBe('There is no folder at /nowhere/else; nothing was created. Open an existing folder of image files, or create a demo workspace there.');
    expect(store.getState().workspace).toMatchObject({ path: undefined, error: undefined, status: 'idle' });
    await loadInitialState(client, store);
    expect(await actions.openWorkspace('/nowhere/else')).toMatch(/^There is no folder at \/nowhere\/else;/);
    expect(store.getState().workspace).toMatchObject({ path: '/ws/a', error: undefined, status: 'ready' });
  });

  it('suggest a folder beside the open workspace for a new demo', async () => {
    const { client, store } = await setup();
    await loadInitialState(client, store);
    expect(await createActions(client, store).suggestDemoFolder()).toBe('/ws/a-new');
  });
});

describe('a window loading while a move runs (issue 16)', () => {
  const MOVE = { request: { vg: 'vg0', sources: ['pv2'], destinations: ['pv4'], alloc: 'normal' as const }, options: { rateBytesPerSec: 96 * 1024 } };

  /** One window made the seed demo and started a slow move; a second window (a new store on a second wire) loads. */
  async function moveRunning() {
    const first = await setup();
    await loadWorkspace(first.client, first.store, '/ws/demo', { seedIfEmpty: true });
    const started = await first.client.call('move.start', MOVE);
    if (!started.ok) throw new Error(started.error.message);
    const [serverEnd, clientEnd] = inMemoryWirePair();
    serveApi(serverEnd, first.engine.handlers, first.engine, first.clock);
    return { ...first, moveId: started.value.id, second: { client: createApiClient(wireTransport(clientEnd)), store: createAppStore() } };
  }

  it('attaches the new window to the open workspace and its move (same move, its rate), and the move goes on', async () => {
    const { engine, second, moveId } = await moveRunning();
    await loadInitialState(second.client, second.store);
    const s = second.store.getState();
    // host.info named the open folder, not the host's /ws/a, and nothing was closed or reopened.
    expect(s.workspace).toMatchObject({ path: '/ws/demo', status: 'ready', error: undefined });
    expect(s.move.state).toMatchObject({ id: moveId, status: 'running' });
    expect(s.move.settings).toMatchObject({ ratePreset: 'custom', customRateBytesPerSec: 96 * 1024 });
    expect(engine.session?.path).toBe('/ws/demo');
    expect(engine.open().moves.state()).toMatchObject({ id: moveId, status: 'running' });
    await second.client.call('move.control', { action: 'abort' });
    await engine.open().moves.whenFinished();
    await engine.dispose();
  });

  it('shows the new window the event log so far and the move\'s step mode, and follows a rate set in the other window', async () => {
    const { engine, client, second, clock } = await moveRunning();
    await client.call('move.control', { action: 'setStepMode', stepMode: true });
    await loadInitialState(second.client, second.store);
    bindEngineEvents(second.client, second.store);
    const s = second.store.getState();
    // Everything the engine logged before this window loaded (the first window's demo and move) is shown here too.
    const before = (await engine.handlers['log.recent']({})).lines;
    expect(before.length).toBeGreaterThan(0);
    expect(s.engine.log.slice(0, before.length)).toEqual(before);
    expect(s.move.settings.stepMode).toBe(true);
    await client.call('move.control', { action: 'setRate', rateBytesPerSec: 1 << 20 });
    clock.advance(40); // the coalescing interval of move.state and move.progress
    await tick();
    expect(second.store.getState().move.settings).toMatchObject({ ratePreset: 'custom', customRateBytesPerSec: 1 << 20 });
    await client.call('move.control', { action: 'abort' });
    await engine.open().moves.whenFinished();
    await engine.dispose();
  });

  it('keeps showing the workspace when the engine refuses to open another folder during the move, and returns its sentence', async () => {
    const { engine, client, store, moveId } = await moveRunning();
    const refusal = await loadWorkspace(client, store, '/ws/b');
    expect(refusal).toMatch(/^A move is in progress in \/ws\/demo .*before opening \/ws\/b\.$/);
    expect(store.getState().workspace).toMatchObject({ path: '/ws/demo', status: 'ready', error: undefined });
    expect(store.getState().workspace.view?.vgs.map((v) => v.name)).toEqual(['vg0']);
    expect(engine.open().moves.state()).toMatchObject({ id: moveId, status: 'running' });
    await client.call('move.control', { action: 'abort' });
    await engine.open().moves.whenFinished();
    await engine.dispose();
  });
});

describe('workspace changes (issue 20)', () => {
  it('follow a command run elsewhere by its change, keeping the objects of what it left alone', async () => {
    const { client, store, engine, clock } = await setup();
    await engine.handlers['workspace.createDemo']({ path: '/ws/a', scenario: 'seed', force: true });
    await loadWorkspace(client, store, '/ws/a');
    bindEngineEvents(client, store);
    const lv0 = store.getState().workspace.view!.vgs[0].lvs[0];
    await engine.handlers['lvm.command']({ op: 'lvcreate', vg: 'vg0', name: 'lv1', extents: 2, pvs: ['pv4.img'] });
    clock.advance(40); // the coalescing interval
    const whole = await engine.handlers['workspace.view']({});
    await expect.poll(() => store.getState().workspace.view?.revision).toBe(whole.revision);
    expect(store.getState().workspace.view).toEqual(whole);
    expect(store.getState().workspace.view!.vgs[0].lvs[0]).toBe(lv0);
    await engine.dispose();
  });

  it('ask for the whole view when a change does not apply to the one shown (a change was missed)', async () => {
    const { client, store, engine, clock } = await setup();
    await engine.handlers['workspace.createDemo']({ path: '/ws/a', scenario: 'seed', force: true });
    await loadWorkspace(client, store, '/ws/a');
    bindEngineEvents(client, store);
    const shown = store.getState().workspace.view!;
    // As if this window had missed the change after its view: it holds an older revision.
    store.getState().setWorkspaceView({ ...shown, revision: shown.revision! - 1, vgs: [] });
    await engine.handlers['lvm.command']({ op: 'lvcreate', vg: 'vg0', name: 'lv1', extents: 2, pvs: ['pv4.img'] });
    clock.advance(40);
    const whole = await engine.handlers['workspace.view']({});
    await expect.poll(() => store.getState().workspace.view).toEqual(whole);
    expect(store.getState().applyWorkspaceChange({ path: whole.path, base: 1, revision: 2, vgs: [] })).toBe('seen');
    await engine.dispose();
  });
});

describe('dm changes (issue 20)', () => {
  it('bring the devices that changed, and a change of another stream makes the window ask for dm.list once', async () => {
    const { client, store, engine, clock } = await setup();
    await engine.handlers['workspace.createDemo']({ path: '/ws/a', scenario: 'seed', force: true });
    const lists: number[] = [];
    const counted = { ...client, call: ((method: string, params: unknown) => (method === 'dm.list' && lists.push(1), client.call(method as never, params as never))) as typeof client.call };
    await loadWorkspace(counted, store, '/ws/a');
    bindEngineEvents(counted, store);
    expect(lists).toHaveLength(1);
    // A command run elsewhere reopens the workspace (a new dm stream): its first dm.changed
    // changes nothing and tells this window to ask for the list.
    await engine.handlers['lvm.command']({ op: 'lvcreate', vg: 'vg0', name: 'lv1', extents: 2, pvs: ['pv4.img'] });
    clock.advance(40);
    const list = await engine.handlers['dm.list']({});
    await expect.poll(() => store.getState().devices.list).toEqual(list.devices);
    expect(lists).toHaveLength(2);
    expect(store.getState().devices.list.map((d) => d.name)).toContain('vg0-lv1');
    await engine.dispose();
  });
});

describe('event order across kinds', () => {
  it('applies the dm events that came before a move event first, even when both arrive in one go', () => {
    const listeners = new Map<string, (payload: unknown) => void>();
    const client = { on: (name: string, listener: (payload: unknown) => void) => (listeners.set(name, listener), { dispose() {} }) } as unknown as Parameters<typeof bindEngineEvents>[0];
    const store = createAppStore();
    const order: string[] = [];
    store.setState({ applyDmEvents: () => order.push('dm events'), setMoveState: () => order.push('move state') });
    bindEngineEvents(client, store);
    // As a frame's worth of messages is delivered: one after the other, in the same task.
    listeners.get('dm.event')!({ type: 'resumed', stream: 1, seq: 1, timeMs: 0, device: 'vg0-lv0', devno: '254:0' });
    listeners.get('move.state')!(null);
    expect(order).toEqual(['dm events', 'move state']);
  });
});
