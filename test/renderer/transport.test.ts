// Proves the renderer's single transport choice: with `window.lvmscope` present it talks
// through the preload bridge (calls forwarded, events of every contract kind delivered, and
// unsubscribed on dispose); without it, it builds the WebSocket URL next to the page with
// the page's token; its messages are handed on once per frame, in order, a response's caller
// running before later events; and when its connection closes it opens it again after a
// backoff and says so. Uses plain fakes for the bridge, the location, the frames and the socket.

import { describe, expect, it } from 'vitest';
import { createApiClient, EVENT_NAMES } from '../../app/api';
import type { WireMessage } from '../../app/api';
import { apiSocketUrl, browserSocketWire, frameBatched, preloadTransport, reconnectingTransport } from '../../renderer/transport';
import type { FrameScheduler, PreloadBridge } from '../../renderer/transport';

function fakeBridge() {
  const listeners = new Map<string, (payloads: unknown[]) => void>();
  const calls: Array<[string, unknown]> = [];
  const bridge: PreloadBridge = {
    call: async (method, params) => (calls.push([method, params]), { ok: true, value: { name: 'lvmscope', version: '9', host: 'electron', capabilities: [] } }),
    on: (event, listener) => {
      listeners.set(event, listener);
      return () => listeners.delete(event);
    },
  };
  return { bridge, listeners, calls };
}

describe('the preload transport', () => {
  it('forwards calls and delivers each payload of a batch, until disposed', async () => {
    const { bridge, listeners, calls } = fakeBridge();
    const client = createApiClient(preloadTransport(bridge));
    await expect(client.invoke('engine.info', {})).resolves.toMatchObject({ version: '9' });
    expect(calls).toEqual([['engine.info', {}]]);
    expect([...listeners.keys()].sort()).toEqual([...EVENT_NAMES].sort());
    const got: string[] = [];
    client.on('log', (l) => got.push(l.message));
    listeners.get('log')!([{ timeMs: 1, level: 'info', source: 's', message: 'a' }, { timeMs: 2, level: 'info', source: 's', message: 'b' }]);
    expect(got).toEqual(['a', 'b']);
    client.dispose();
    expect(listeners.size).toBe(0);
  });
});

describe('the WebSocket URL', () => {
  it('sits next to the page and carries the page’s token', () => {
    expect(apiSocketUrl({ protocol: 'http:', host: '127.0.0.1:5730', search: '?token=abc123' })).toBe('ws://127.0.0.1:5730/api?token=abc123');
    expect(apiSocketUrl({ protocol: 'https:', host: 'h:1', search: '' })).toBe('wss://h:1/api?token=');
  });
});

describe('frame-batched delivery of WebSocket messages', () => {
  /** A scheduler the test runs by hand: the pending frame callback and the pending task callbacks. */
  function manualScheduler() {
    const frames: Array<() => void> = [];
    const tasks: Array<() => void> = [];
    const take = (q: Array<() => void>, run: () => void) => {
      q.push(run);
      return () => q.splice(q.indexOf(run), 1);
    };
    const scheduler: FrameScheduler = { frame: (run) => take(frames, run), soon: (run) => take(tasks, run) };
    return { scheduler, frames, tasks };
  }
  const event = (name: string): WireMessage => ({ kind: 'event', name, payloads: [] });
  const response = (id: number): WireMessage => ({ kind: 'response', id, result: { ok: true, value: null } });
  const label = (m: WireMessage) => (m.kind === 'event' ? m.name : `response ${m.kind === 'response' ? m.id : ''}`);

  it('hands on every message of a frame together at the next frame, oldest first', () => {
    const { scheduler, frames } = manualScheduler();
    const got: string[] = [];
    const batch = frameBatched((m) => got.push(label(m)), scheduler);
    batch.push(event('a'));
    batch.push(event('b'));
    batch.push(event('c'));
    expect(got).toEqual([]);
    expect(frames).toHaveLength(1); // one frame asked for, not one per message
    frames.shift()!();
    expect(got).toEqual(['a', 'b', 'c']);
  });

  it('delivers the messages after a response in a task of their own, so the caller of that response runs first', () => {
    const { scheduler, frames, tasks } = manualScheduler();
    const got: string[] = [];
    const batch = frameBatched((m) => got.push(label(m)), scheduler);
    for (const m of [event('a'), response(7), event('b'), event('c')]) batch.push(m);
    frames.shift()!();
    expect(got).toEqual(['a', 'response 7']);
    expect(tasks).toHaveLength(1);
    batch.push(event('d'));
    expect(frames).toHaveLength(0); // joins the task already waiting
    tasks.shift()!();
    expect(got).toEqual(['a', 'response 7', 'b', 'c', 'd']);
  });

  it('delivers what is queued at once when flushed (the socket closed), and nothing twice', () => {
    const { scheduler, frames } = manualScheduler();
    const got: string[] = [];
    const batch = frameBatched((m) => got.push(label(m)), scheduler);
    batch.push(event('a'));
    batch.push(response(1));
    batch.flush();
    expect(got).toEqual(['a', 'response 1']);
    expect(frames).toHaveLength(0);
  });
});

describe('the WebSocket transport when its connection closes', () => {
  /** A WebSocket stand-in the test opens, feeds and closes by hand. */
  class FakeSocket extends EventTarget {
    static readonly all: FakeSocket[] = [];
    readonly CONNECTING = 0;
    readonly OPEN = 1;
    readonly CLOSED = 3;
    readyState = this.CONNECTING;
    readonly sent: string[] = [];
    constructor() {
      super();
      FakeSocket.all.push(this);
    }
    send(text: string) {
      this.sent.push(text);
    }
    open() {
      this.readyState = this.OPEN;
      this.dispatchEvent(new Event('open'));
    }
    receive(message: WireMessage) {
      this.dispatchEvent(new MessageEvent('message', { data: JSON.stringify(message) }));
    }
    drop() {
      this.readyState = this.CLOSED;
      this.dispatchEvent(new Event('close'));
    }
  }
  /** Messages handed on in the next macrotask (no frames in this test); `delivered` waits for it. */
  const later = (run: () => void) => {
    const id = setImmediate(run);
    return () => clearImmediate(id);
  };
  const now: FrameScheduler = { frame: later, soon: later };
  const delivered = () => new Promise((resolve) => setImmediate(resolve));

  function setUp() {
    FakeSocket.all.length = 0;
    const waits: Array<{ ms: number; run: () => void }> = [];
    const transport = reconnectingTransport(() => new FakeSocket() as unknown as WebSocket, {
      wait: (ms, run) => {
        const w = { ms, run };
        waits.push(w);
        return () => waits.splice(waits.indexOf(w), 1);
      },
      backoffMs: [100, 200, 400],
      wire: (socket) => browserSocketWire(socket, now),
    });
    const states: string[] = [];
    let reconnects = 0;
    transport.onState((s) => states.push(s));
    transport.onReconnect(() => (reconnects += 1));
    const client = createApiClient(transport);
    const logs: string[] = [];
    client.on('log', (l) => logs.push(l.message));
    return { transport, client, waits, states, logs, reconnects: () => reconnects };
  }
  const answer = (socket: FakeSocket, value: unknown) => {
    const request = JSON.parse(socket.sent.at(-1)!) as { id: number };
    socket.receive({ kind: 'response', id: request.id, result: { ok: true, value } });
  };
  const log = (message: string): WireMessage => ({ kind: 'event', name: 'log', payloads: [{ timeMs: 0, level: 'info', source: 't', message }] });

  it('opens again after the backoff, announces the reconnect, and keeps its event listeners', async () => {
    const t = setUp();
    const first = FakeSocket.all[0];
    first.open();
    first.receive(log('before'));
    await delivered();
    expect(t.reconnects()).toBe(0);
    first.drop();
    expect(t.states).toEqual(['open', 'reconnecting']);
    expect(t.waits.map((w) => w.ms)).toEqual([100]);
    t.waits.shift()!.run();
    expect(FakeSocket.all).toHaveLength(2);
    const second = FakeSocket.all[1];
    second.open();
    expect(t.states).toEqual(['open', 'reconnecting', 'connecting', 'open']);
    expect(t.reconnects()).toBe(1);
    second.receive(log('after'));
    await delivered();
    expect(t.logs).toEqual(['before', 'after']);
    const info = t.client.invoke('engine.info', {});
    answer(second, { name: 'lvmscope', version: '2', host: 'serve', capabilities: [] });
    await expect(info).resolves.toMatchObject({ version: '2' });
    // The old socket's late messages are not delivered any more.
    first.receive(log('stale'));
    await delivered();
    expect(t.logs).toEqual(['before', 'after']);
  });

  it('waits longer after each failed attempt, up to the last backoff, and starts over once open', () => {
    const t = setUp();
    FakeSocket.all[0].drop();
    for (let i = 1; i <= 4; i++) {
      t.waits.shift()!.run();
      FakeSocket.all[i].drop(); // the server is not there yet
    }
    expect(t.reconnects()).toBe(0);
    t.waits.shift()!.run();
    FakeSocket.all[5].open();
    expect(t.reconnects()).toBe(0); // the first open is not a reconnect
    FakeSocket.all[5].drop();
    expect(t.states.filter((s) => s === 'reconnecting')).toHaveLength(6);
    expect(t.waits.map((w) => w.ms)).toEqual([100]);
  });

  it('answers a call made while closed, and one the closed connection left unanswered, with a sentence', async () => {
    const t = setUp();
    FakeSocket.all[0].open();
    const pending = t.client.call('engine.info', {});
    FakeSocket.all[0].drop();
    await expect(pending).resolves.toMatchObject({ ok: false, error: { message: expect.stringMatching(/closed before it answered/) } });
    await expect(t.client.call('engine.info', {})).resolves.toMatchObject({ ok: false, error: { message: expect.stringMatching(/reconnecting, try again/) } });
  });

  it('stops reconnecting once disposed', () => {
    const t = setUp();
    FakeSocket.all[0].open();
    t.transport.dispose();
    FakeSocket.all[0].drop();
    expect(t.states.at(-1)).toBe('closed');
    expect(t.waits).toHaveLength(0);
  });
});
