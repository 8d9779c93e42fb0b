// Proves the exports slice: the panel is shown only while the host serves exports or a client
// is still connected; the disconnect question names who is connected and settles its caller
// with the answer (a newer question answers an older one "no"); and withClientsAsked asks only
// when a BUSY refusal can be about those clients, retrying with disconnectClients after a yes.

import { describe, expect, it } from 'vitest';
import type { ExportClientView, ExportsView } from '../../../app/api/exports';
import type { MoveStateView } from '../../../app/api/move';
import type { ApiResult } from '../../../app/api/wire';
import { createAppStore } from '../../../renderer/store';
import { connectedClients, disconnectQuestion, exportsShown, withClientsAsked } from '../../../renderer/store/exportsSlice';

function client(id: number, address: string): ExportClientView {
  return { id, address, sinceMs: 0, reads: 0, writes: 0, bytesRead: 0, bytesWritten: 0, flushes: 0, trims: 0, interceptedWrites: 0, inFlight: 0, errors: 0 };
}

function view(listening: string | null, clients: ExportClientView[][]): ExportsView {
  return { listening, exports: clients.map((c, i) => ({ name: `vg0/lv${i}`, vg: 'vg0', lv: `lv${i}`, sizeBytes: 15 << 20, clients: c })) };
}

const BUSY: ApiResult<string> = { ok: false, error: { code: 'BUSY', message: '1 NBD client is using vg0/lv0; disconnect it before opening /b.' } };

describe('the exports view', () => {
  it('is shown while the host listens or a client is still connected, and not for an engine without exports', () => {
    expect(exportsShown(null)).toBe(false);
    expect(exportsShown(view(null, [[]]))).toBe(false);
    expect(exportsShown(view('unix:/tmp/s.sock', [[]]))).toBe(true);
    expect(exportsShown(view(null, [[client(1, 'unix:/tmp/s.sock #1')]]))).toBe(true);
  });

  it('lists every connected client with the export it uses', () => {
    const v = view('unix:/s', [[client(1, 'a')], [client(2, 'b'), client(3, 'c')]]);
    expect(connectedClients(v).map((c) => `${c.export.name} ${c.client.address}`)).toEqual(['vg0/lv0 a', 'vg0/lv1 b', 'vg0/lv1 c']);
  });
});

describe('the disconnect question', () => {
  it('names the one client and its LV, or counts several, and is not asked when nobody is connected', () => {
    expect(disconnectQuestion(view('unix:/s', [[client(4, 'unix:/s #4')]]), 'opening /srv/b')).toBe(
      '1 client is connected to vg0/lv0 (unix:/s #4). Opening /srv/b closes this workspace and its exports: the requests in flight are answered, then the connection is dropped. Disconnect it and continue?',
    );
    expect(disconnectQuestion(view('unix:/s', [[client(1, 'a')], [client(2, 'b')]]), 'opening /b')).toMatch(/^2 clients are connected to vg0\/lv0, vg0\/lv1\. .* the connections are dropped\. Disconnect them and continue\?$/);
    expect(disconnectQuestion(view('unix:/s', [[]]), 'opening /b')).toBeNull();
  });

  it('resolves with the answer and clears itself; a newer question answers the older one no', async () => {
    const store = createAppStore();
    const first = store.getState().askDisconnect('first?');
    expect(store.getState().exports.question?.message).toBe('first?');
    const second = store.getState().askDisconnect('second?');
    await expect(first).resolves.toBe(false);
    expect(store.getState().exports.question?.message).toBe('second?');
    store.getState().exports.question!.answer(true);
    await expect(second).resolves.toBe(true);
    expect(store.getState().exports.question).toBeNull();
  });
});

describe('an action that would drop clients', () => {
  function storeWithClient() {
    const store = createAppStore();
    store.getState().setExportsView(view('unix:/s', [[client(1, 'unix:/s #1')]]));
    return store;
  }

  it('asks, and after a yes runs again with disconnectClients', async () => {
    const store = storeWithClient();
    const calls: boolean[] = [];
    const result = withClientsAsked(store, 'opening /b', async (drop) => (calls.push(drop), drop ? { ok: true, value: 'opened' } : BUSY));
    await expect.poll(() => store.getState().exports.question?.message).toMatch(/^1 client is connected to vg0\/lv0/);
    store.getState().exports.question!.answer(true);
    await expect(result).resolves.toEqual({ ok: true, value: 'opened' });
    expect(calls).toEqual([false, true]);
  });

  it('gives back the refusal after a no, without calling again', async () => {
    const store = storeWithClient();
    const calls: boolean[] = [];
    const result = withClientsAsked(store, 'opening /b', async (drop) => (calls.push(drop), BUSY));
    await expect.poll(() => store.getState().exports.question).not.toBeNull();
    store.getState().exports.question!.answer(false);
    await expect(result).resolves.toBe(BUSY);
    expect(calls).toEqual([false]);
  });

  it('does not ask when the refusal is a running move, another error, or nobody is connected', async () => {
    const moving = storeWithClient();
    moving.getState().setMoveState({ id: 1, status: 'running' } as MoveStateView);
    expect(await withClientsAsked(moving, 'opening /b', async () => BUSY)).toBe(BUSY);
    expect(moving.getState().exports.question).toBeNull();
    const other: ApiResult<string> = { ok: false, error: { code: 'NOT_FOUND', message: 'There is no folder at /b.' } };
    expect(await withClientsAsked(storeWithClient(), 'opening /b', async () => other)).toBe(other);
    expect(await withClientsAsked(createAppStore(), 'opening /b', async () => BUSY)).toBe(BUSY);
  });
});
