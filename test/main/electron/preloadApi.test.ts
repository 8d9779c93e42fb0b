// Proves the preload exposes exactly one narrow object: with a fake contextBridge and a fake
// ipcRenderer, the exposed `window.lvmscope` has only `call` and `on`, forwards contract
// methods on `lvmscope:<method>`, refuses names outside the contract without touching IPC,
// and routes event batches to the listeners of their kind until they unsubscribe.

import { describe, expect, it } from 'vitest';
import { EVENT_NAMES } from '../../../app/api/contract';
import { buildPreloadApi, exposePreloadApi } from '../../../main/electron/preloadApi';
import type { IpcRendererLike } from '../../../main/electron/preloadApi';

class FakeIpcRenderer implements IpcRendererLike {
  invoked: Array<{ channel: string; args: unknown[] }> = [];
  private listeners = new Map<string, Array<(event: unknown, ...args: unknown[]) => void>>();
  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invoked.push({ channel, args });
    return Promise.resolve({ ok: true, value: 'from main' });
  }
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): void {
    this.listeners.set(channel, [...(this.listeners.get(channel) ?? []), listener]);
  }
  emit(channel: string, ...args: unknown[]): void {
    for (const l of this.listeners.get(channel) ?? []) l({ sender: 'ipc' }, ...args);
  }
  channels(): string[] {
    return [...this.listeners.keys()];
  }
}

describe('the preload API', () => {
  it('exposes one object named lvmscope with only call and on', () => {
    const exposed: Record<string, unknown> = {};
    const ipc = new FakeIpcRenderer();
    exposePreloadApi({ exposeInMainWorld: (key, api) => (exposed[key] = api) }, ipc);
    expect(Object.keys(exposed)).toEqual(['lvmscope']);
    expect(Object.keys(exposed.lvmscope as object).sort()).toEqual(['call', 'on']);
    expect(ipc.channels()).toEqual(['lvmscope:event']);
  });

  it('forwards a contract method on its lvmscope: channel with its params', async () => {
    const ipc = new FakeIpcRenderer();
    const api = buildPreloadApi(ipc);
    await expect(api.call('workspace.listImages', { path: '/w' })).resolves.toEqual({ ok: true, value: 'from main' });
    expect(ipc.invoked).toEqual([{ channel: 'lvmscope:workspace.listImages', args: [{ path: '/w' }] }]);
  });

  it('refuses a method outside the contract without sending anything', async () => {
    const ipc = new FakeIpcRenderer();
    const api = buildPreloadApi(ipc);
    const r = await api.call('shell.exec', { cmd: 'id' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('BAD_REQUEST');
    await api.call('__proto__', {});
    expect(ipc.invoked).toEqual([]);
  });

  it('refuses to subscribe to an event outside the contract', () => {
    const api = buildPreloadApi(new FakeIpcRenderer());
    expect(() => api.on('lvmscope:anything', () => undefined)).toThrow(/Unknown event/);
    expect(() => api.on('constructor', () => undefined)).toThrow(/Unknown event/);
  });

  it('routes each batch to the listeners of its kind until they unsubscribe', () => {
    const ipc = new FakeIpcRenderer();
    const api = buildPreloadApi(ipc);
    const logs: unknown[][] = [];
    const commands: unknown[][] = [];
    const offLog = api.on('log', (p) => logs.push(p));
    api.on('ui.command', (p) => commands.push(p));
    ipc.emit('lvmscope:event', { name: 'log', payloads: [1, 2] });
    ipc.emit('lvmscope:event', { name: 'ui.command', payloads: [{ command: 'about.show' }] });
    ipc.emit('lvmscope:event', { name: 'log' }); // malformed batch: ignored
    offLog();
    ipc.emit('lvmscope:event', { name: 'log', payloads: [3] });
    expect(logs).toEqual([[1, 2]]);
    expect(commands).toEqual([[{ command: 'about.show' }]]);
    expect(EVENT_NAMES).toContain('ui.command');
  });
});
