// Contract tests without Electron (VS Code's ipc.test.ts habit): the real Engine is served by
// the generic server on one end of an in-memory wire, the generic client talks to it from the
// other end. Proves typed round trips, runtime validation of malformed payloads, errors as
// data, and event coalescing to at most ~30 batches per second per kind.

import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { inMemoryWirePair } from '../../../app/api/wire';
import { createApiClient, wireTransport } from '../../../app/api/client';
import { dispatch, serveApi } from '../../../app/api/server';
import { METHOD_NAMES, methods } from '../../../app/api/contract';
import { Engine } from '../../../app/engine';
import { SeededRandom } from '../../../app/base/clock';
import { FolderWorkspaceStorage } from '../../../main/node/fileStorage';
import { ManualClock } from '../../helpers/fakeClock';

function setup() {
  const clock = new ManualClock();
  const engine = new Engine({ kind: 'test', clock, random: new SeededRandom(1), hostname: 'test', storage: (p) => new FolderWorkspaceStorage(p) });
  const [serverEnd, clientEnd] = inMemoryWirePair();
  const server = serveApi(serverEnd, engine.handlers, engine, clock);
  const transport = wireTransport(clientEnd);
  const client = createApiClient(transport);
  return { clock, engine, client, server, dispose: () => (client.dispose(), transport.dispose(), server.dispose()) };
}

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('the API contract over an in-memory channel', () => {
  it('answers engine.info with the engine version and host kind', async () => {
    const s = setup();
    cleanups.push(s.dispose);
    const r = await s.client.call('engine.info', {});
    expect(r).toMatchObject({ ok: true, value: { name: 'lvmscope', host: 'test' } });
  });

  it('lists the image files of a real workspace folder', async () => {
    const s = setup();
    cleanups.push(s.dispose);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'lvmscope-ws-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await writeFile(path.join(dir, 'pv1.img'), new Uint8Array(4096));
    await writeFile(path.join(dir, 'notes.txt'), 'not an image');
    const value = await s.client.invoke('workspace.listImages', { path: dir });
    expect(value.images).toEqual([{ name: 'pv1.img', sizeBytes: 4096 }]);
  });

  it('returns a missing folder as an error value, not an exception', async () => {
    const s = setup();
    cleanups.push(s.dispose);
    const r = await s.client.call('workspace.listImages', { path: '/nonexistent/lvmscope' });
    expect(r.ok).toBe(false);
  });

  it.each([
    ['engine.info', { extra: 1 }],
    ['workspace.listImages', {}],
    ['workspace.listImages', { path: 42 }],
    ['workspace.listImages', { path: '' }],
    ['no.such.method', {}],
    [42, {}],
  ])('refuses the malformed request %s %j with BAD_REQUEST and a sentence', async (method, params) => {
    const s = setup();
    cleanups.push(s.dispose);
    const r = await dispatch(s.engine.handlers, method, params);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('BAD_REQUEST');
      expect(r.error.message).toMatch(/\.$/);
    }
  });

  it('has a handler for every method of the contract', () => {
    const s = setup();
    cleanups.push(s.dispose);
    expect(Object.keys(s.engine.handlers).sort()).toEqual([...METHOD_NAMES].sort());
    for (const name of METHOD_NAMES) expect(methods[name].doc.length).toBeGreaterThan(10);
  });

  it('coalesces a burst of events into at most one batch per 33 ms per kind, losing none of an "all" kind', async () => {
    const s = setup();
    cleanups.push(s.dispose);
    const batches: number[] = [];
    const received: string[] = [];
    let lastBatchAt = -1;
    s.client.on('log', (p) => {
      received.push(p.message);
      if (s.clock.now() !== lastBatchAt) {
        batches.push(s.clock.now());
        lastBatchAt = s.clock.now();
      }
    });
    for (let ms = 0; ms < 1000; ms += 1) {
      s.engine.log('info', 'test', `event ${ms}`);
      s.clock.advance(1);
      await Promise.resolve();
      await Promise.resolve();
    }
    s.clock.advance(100);
    await new Promise((r) => setTimeout(r, 10));
    expect(received).toHaveLength(1000);
    expect(received[0]).toBe('event 0');
    expect(received[999]).toBe('event 999');
    expect(batches.length).toBeLessThanOrEqual(31);
  });
});
