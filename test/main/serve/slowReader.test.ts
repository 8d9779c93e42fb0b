// Proves that a client which stops reading cannot grow the server's memory without bound:
// once more than `maxUnreadBytes` of events wait for it, that connection is dropped (and the
// drop reported), while a client that reads keeps receiving everything and keeps getting
// answers. The engine runs in-process so the test can push large events on demand.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../app/engine';
import { createNodeHost, nodeClock } from '../../../main/host';
import { startServer, type RunningServer } from '../../../main/serve/server';
import { connectRaw, waitForData } from './rawWebSocket';

const rendererDir = mkdtempSync(path.join(os.tmpdir(), 'lvmscope-slow-ui-'));
writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>ui</title>');
const engine = new Engine(createNodeHost({ kind: 'browser' }));
const drops: string[] = [];
let dropped: () => void;
const droppedOnce = new Promise<void>((resolve) => (dropped = resolve));
let server: RunningServer;

beforeAll(async () => {
  server = await startServer({ rendererDir, engine, clock: nodeClock, port: 0, maxUnreadBytes: 1 << 20, onDrop: (reason) => (drops.push(reason), dropped()) });
});
afterAll(async () => {
  await server.close();
  rmSync(rendererDir, { recursive: true, force: true });
});

describe('a client that stops reading', () => {
  it('is disconnected once its backlog passes the bound, while a reading client gets every event', async () => {
    const slow = await connectRaw(server.port, server.token);
    slow.socket.pause();
    const reader = await connectRaw(server.port, server.token);
    const big = 'x'.repeat(400_000);
    const received = () => reader.messages.flatMap((m) => ((m as { name?: string }).name === 'log' ? (m as { payloads: Array<{ source: string }> }).payloads : [])).filter((p) => p.source === 'flood').length;
    // One event at a time, each pushed once the reading client has the previous one: the
    // reader keeps up, the paused client's backlog grows by 400 kB per event (60 events, 24 MB:
    // far more than the kernel's socket buffers hold).
    const events = 60;
    for (let n = 1; n <= events; n++) {
      engine.log('info', 'flood', `${n} ${big}`);
      await waitForData(reader, () => (received() >= n ? true : undefined), 30_000);
    }
    await droppedOnce;
    expect(drops[0]).toMatch(/stopped reading \(over 1048576 bytes unread\) and was disconnected/);
    reader.sendText(JSON.stringify({ kind: 'request', id: 1, method: 'engine.info', params: {} }));
    await waitForData(reader, () => reader.messages.find((m) => (m as { id?: number }).id === 1));
    expect(drops).toHaveLength(1);
    slow.socket.resume();
    await slow.ended;
    reader.destroy();
  });
});
