// Proves the wire protocol's answer to what is not a request (app/api/wire.ts): readRequest
// turns any text into either a request or the one error response that explains it (id null
// when no usable id could be read, never echoing long input back), and the client passes
// id-null responses to onProtocolError instead of resolving some unrelated call.

import { describe, expect, it } from 'vitest';
import { createApiClient, wireTransport } from '../../../app/api/client';
import { describeJson, inMemoryWirePair, readRequest } from '../../../app/api/wire';
import type { ErrorInfo } from '../../../app/base/result';

describe('readRequest', () => {
  it('accepts a well-formed request as it is', () => {
    expect(readRequest('{"kind":"request","id":7,"method":"engine.info","params":{"a":1}}')).toEqual({ ok: true, request: { kind: 'request', id: 7, method: 'engine.info', params: { a: 1 } } });
  });

  it('answers unreadable ids with id null and readable ones with their id', () => {
    const idOf = (text: string) => {
      const r = readRequest(text);
      return r.ok ? 'accepted' : r.response.id;
    };
    expect(idOf('nope')).toBeNull();
    expect(idOf('null')).toBeNull();
    expect(idOf('{"kind":"request","method":"x"}')).toBeNull();
    expect(idOf('{"kind":"request","id":-0.5,"method":"x"}')).toBeNull();
    expect(idOf('{"kind":"request","id":9007199254740992,"method":"x"}')).toBeNull();
    expect(idOf('{"kind":"event","id":3,"method":"x"}')).toBe(3);
    expect(idOf('{"kind":"request","id":4,"method":5}')).toBe(4);
  });

  it('never echoes a long or unprintable value back', () => {
    const r = readRequest(JSON.stringify({ kind: 'request', id: 'x'.repeat(100_000), method: 'engine.info' }));
    expect(r.ok).toBe(false);
    if (!r.ok && !r.response.result.ok) expect(r.response.result.error.message.length).toBeLessThan(300);
    expect(describeJson('\u0000evil')).toBe('a string');
    expect(describeJson(Number.POSITIVE_INFINITY)).toBe('a number out of range');
  });
});

describe('the wire transport', () => {
  it('passes an id-null response to onProtocolError and still answers its own calls', async () => {
    const [clientEnd, serverEnd] = inMemoryWirePair();
    const seen: ErrorInfo[] = [];
    const client = createApiClient(wireTransport(clientEnd, { onProtocolError: (e) => seen.push(e) }));
    serverEnd.onMessage((m) => {
      if (m.kind !== 'request') return;
      serverEnd.send({ kind: 'response', id: null, result: { ok: false, error: { code: 'BAD_REQUEST', message: 'The message is not valid JSON.' } } });
      serverEnd.send({ kind: 'response', id: m.id, result: { ok: true, value: { name: 'lvmscope', version: '0', host: 'test', capabilities: [] } } });
    });
    await expect(client.invoke('engine.info', {})).resolves.toMatchObject({ name: 'lvmscope' });
    expect(seen).toEqual([{ code: 'BAD_REQUEST', message: 'The message is not valid JSON.' }]);
  });
});
