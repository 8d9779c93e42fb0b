// Proves the renderer's single transport choice: with `window.lvmscope` present it talks
// through the preload bridge (calls forwarded, events of every contract kind delivered, and
// unsubscribed on dispose); without it, it builds the WebSocket URL next to the page with
// the page's token; its messages are handed on once per frame, in order, a response's caller
// running before later events. Uses plain fakes for the bridge, the location and the frames.

import { describe, expect, it } from 'vitest';
import { createApiClient, EVENT_NAMES } from '../../app/api';
import type { WireMessage } from '../../app/api';
import { apiSocketUrl, frameBatched, preloadTransport } from '../../renderer/transport';
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
