// Proves the generic IPC registration: a fake ipcMain records the handlers registerApiHandlers
// installs; the test calls them like Electron would and checks that every contract method
// has a channel, that valid calls reach the real engine, that malformed payloads come back as
// BAD_REQUEST data (never thrown), that a wrong sender is refused before the engine runs, and
// that engine events reach the window coalesced.

import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { METHOD_NAMES } from '../../../app/api/contract';
import type { ApiResult } from '../../../app/api/wire';
import { SeededRandom } from '../../../app/base/clock';
import { Engine } from '../../../app/engine';
import { forwardEvents, registerApiHandlers } from '../../../main/electron/ipc';
import type { EventBatch, IpcMainLike } from '../../../main/electron/ipc';
import { FolderWorkspaceStorage } from '../../../main/node/fileStorage';
import { ManualClock } from '../../helpers/fakeClock';

interface FakeEvent {
  trusted: boolean;
}

class FakeIpcMain implements IpcMainLike<FakeEvent> {
  readonly handlers = new Map<string, (event: FakeEvent, ...args: unknown[]) => unknown>();
  handle(channel: string, listener: (event: FakeEvent, ...args: unknown[]) => unknown): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  invoke(channel: string, event: FakeEvent, params: unknown): Promise<ApiResult<unknown>> {
    const h = this.handlers.get(channel);
    if (!h) throw new Error(`no handler for ${channel}`);
    return Promise.resolve(h(event, params)) as Promise<ApiResult<unknown>>;
  }
}

const tempDirs: string[] = [];
afterAll(() => tempDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function setup() {
  const workspace = mkdtempSync(path.join(os.tmpdir(), 'lvmscope-ipc-'));
  tempDirs.push(workspace);
  writeFileSync(path.join(workspace, 'pv1.img'), '');
  truncateSync(path.join(workspace, 'pv1.img'), 4096);
  const clock = new ManualClock();
  const engine = new Engine({ kind: 'electron', clock, random: new SeededRandom(1), hostname: 'test', storage: (p) => new FolderWorkspaceStorage(p), workspace: () => ({ path: workspace, recent: [] }) });
  const ipcMain = new FakeIpcMain();
  let engineCalls = 0;
  const counted = new Proxy(engine.handlers, { get: (t, k) => (engineCalls++, t[k as keyof typeof t]) });
  const registration = registerApiHandlers(ipcMain, counted, (e) => (e.trusted ? { trusted: true } : { trusted: false, reason: 'the request came from a sub-frame' }));
  return { workspace, clock, engine, ipcMain, registration, engineCalls: () => engineCalls };
}

const ours = { trusted: true };
const foreign = { trusted: false };

describe('registerApiHandlers', () => {
  it('registers exactly one lvmscope:<method> channel per contract method and removes them on dispose', () => {
    const { ipcMain, registration } = setup();
    expect([...ipcMain.handlers.keys()].sort()).toEqual(METHOD_NAMES.map((m) => `lvmscope:${m}`).sort());
    registration.dispose();
    expect(ipcMain.handlers.size).toBe(0);
  });

  it('answers a valid call with the engine’s value', async () => {
    const { ipcMain, workspace } = setup();
    const listed = await ipcMain.invoke('lvmscope:workspace.listImages', ours, { path: workspace });
    expect(listed).toEqual({ ok: true, value: { path: workspace, images: [{ name: 'pv1.img', sizeBytes: 4096 }] } });
    const host = await ipcMain.invoke('lvmscope:host.info', ours, {});
    expect(host).toEqual({ ok: true, value: { host: 'electron', workspacePath: workspace, recentWorkspaces: [], demoFolder: false } });
  });

  it.each([
    ['a missing path', {}],
    ['a path of the wrong type', { path: 42 }],
    ['an unexpected extra key', { path: '/tmp', extra: true }],
    ['a string instead of an object', 'rm -rf /'],
  ])('returns BAD_REQUEST as data for %s', async (_what, params) => {
    const { ipcMain } = setup();
    const r = await ipcMain.invoke('lvmscope:workspace.listImages', ours, params);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('BAD_REQUEST');
      expect(r.error.message).toMatch(/^Invalid parameters for workspace\.listImages/);
    }
  });

  it('refuses a call from a wrong sender without running the engine', async () => {
    const { ipcMain, engineCalls } = setup();
    const before = engineCalls();
    const r = await ipcMain.invoke('lvmscope:engine.info', foreign, {});
    expect(r).toEqual({ ok: false, error: { code: 'BAD_REQUEST', message: 'Refused engine.info: the request came from a sub-frame.' } });
    expect(engineCalls()).toBe(before);
  });
});

describe('forwardEvents', () => {
  it('sends engine events to the window in coalesced batches, and nothing after dispose', () => {
    const { engine, clock } = setup();
    const sent: EventBatch[] = [];
    const forwarding = forwardEvents(engine, clock, (b) => sent.push(b));
    for (let i = 0; i < 100; i++) engine.log('info', 'test', `line ${i}`);
    expect(sent).toEqual([]); // nothing crosses before the coalescing interval ends
    clock.advance(40);
    expect(sent).toHaveLength(1);
    expect(sent[0].name).toBe('log');
    expect(sent[0].payloads).toHaveLength(100);
    forwarding.dispose();
    engine.log('info', 'test', 'after dispose');
    clock.advance(100);
    expect(sent).toHaveLength(1);
  });
});
