// Proves the renderer's single transport choice: with `window.lvmscope` present it talks
// through the preload bridge (calls forwarded, events of every contract kind delivered, and
// unsubscribed on dispose); without it, it builds the WebSocket URL next to the page with
// the page's token. Uses plain fakes for the bridge and the location.

import { describe, expect, it } from 'vitest';
import { createApiClient, EVENT_NAMES } from '../../app/api';
import { apiSocketUrl, preloadTransport } from '../../renderer/transport';
import type { PreloadBridge } from '../../renderer/transport';

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
