// Proves the renderer's exports binding against the real engine over an in-memory wire: a
// window that loads sees the exports (exports.list), a client's IO reaches the store's counters
// through exports.changed, and opening another workspace while that client is connected asks
// first: "no" keeps the workspace and the client (the dialog's sentence is the engine's
// refusal), "yes" opens the other folder and the engine closes the client's port.

import { describe, expect, it } from 'vitest';
import { createApiClient, wireTransport } from '../../../app/api/client';
import { serveApi } from '../../../app/api/server';
import { inMemoryWirePair } from '../../../app/api/wire';
import { SeededRandom } from '../../../app/base/clock';
import { Engine } from '../../../app/engine';
import { createActions } from '../../../renderer/actions';
import { createAppStore } from '../../../renderer/store';
import { bindEngineEvents, loadWorkspace } from '../../../renderer/store/engineEvents';
import { ManualClock } from '../../helpers/fakeClock';
import { MemoryWorkspaceStorage } from '../../sim/memory';

async function setup() {
  const clock = new ManualClock();
  const folders = new Map([['/ws/b', new MemoryWorkspaceStorage('/ws/b')]]);
  await folders.get('/ws/b')!.create('other.img', 1 << 20);
  const engine = new Engine({
    kind: 'test',
    clock,
    random: new SeededRandom(3),
    hostname: 'test',
    storage: (p) => folders.get(p) ?? new MemoryWorkspaceStorage(p),
    workspace: () => ({ path: '/ws/demo', recent: [] }),
    checkFolder: async () => {},
  });
  const [serverEnd, clientEnd] = inMemoryWirePair();
  serveApi(serverEnd, engine.handlers, engine, clock);
  const client = createApiClient(wireTransport(clientEnd));
  const store = createAppStore();
  bindEngineEvents(client, store);
  await loadWorkspace(client, store, '/ws/demo', { seedIfEmpty: true });
  return { clock, engine, client, store };
}

/** Lets the engine's throttled exports.changed (4 a second) and the wire's coalescing pass. */
async function publish(clock: ManualClock): Promise<void> {
  await new Promise((r) => setTimeout(r, 0));
  clock.advance(300);
  await new Promise((r) => setTimeout(r, 0));
  clock.advance(40);
}

describe('the exports in the store', () => {
  it('follow exports.list on load and a client\'s IO through exports.changed', async () => {
    const { clock, engine, store } = await setup();
    expect(store.getState().exports.view).toMatchObject({ listening: null, exports: [{ name: 'vg0/lv0', clients: [] }] });
    engine.setExportsListening('unix:/tmp/t.sock');
    const port = engine.openLvPort({ vg: 'vg0', lv: 'lv0', address: 'unix:/tmp/t.sock #1' });
    await port.write(0, new Uint8Array(8192).fill(7));
    await port.read(0, 4096);
    await expect.poll(async () => (await publish(clock), store.getState().exports.view?.exports[0].clients[0])).toMatchObject({ address: 'unix:/tmp/t.sock #1', writes: 1, bytesWritten: 8192, reads: 1, inFlight: 0 });
    expect(store.getState().exports.view?.listening).toBe('unix:/tmp/t.sock');
    await engine.dispose();
  });

  it('opening another workspace while a client is connected asks first: no keeps both, yes opens it and closes the port', async () => {
    const { clock, engine, client, store } = await setup();
    engine.setExportsListening('unix:/tmp/t.sock');
    const port = engine.openLvPort({ vg: 'vg0', lv: 'lv0', address: 'unix:/tmp/t.sock #1' });
    const closed: string[] = [];
    port.onClosed((reason) => closed.push(reason));
    await expect.poll(async () => (await publish(clock), store.getState().exports.view?.exports[0].clients.length)).toBe(1);
    const actions = createActions(client, store);

    const refused = actions.openWorkspace('/ws/b');
    await expect.poll(() => store.getState().exports.question?.message).toMatch(/^1 client is connected to vg0\/lv0 \(unix:\/tmp\/t\.sock #1\)\. Opening \/ws\/b closes this workspace/);
    store.getState().exports.question!.answer(false);
    expect(await refused).toMatch(/NBD client is using vg0\/lv0/);
    expect(store.getState().workspace.path).toBe('/ws/demo');
    expect(closed).toEqual([]);

    const opened = actions.openWorkspace('/ws/b');
    await expect.poll(() => store.getState().exports.question).not.toBeNull();
    store.getState().exports.question!.answer(true);
    expect(await opened).toBeNull();
    expect(store.getState().workspace.path).toBe('/ws/b');
    expect(closed).toHaveLength(1);
    await expect(port.read(0, 512)).rejects.toThrow(/closed/);
    await engine.dispose();
  });
});
