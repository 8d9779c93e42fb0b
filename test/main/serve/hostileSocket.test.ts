// Regression tests for issue 13's WebSocket findings, against a live `lvmscope serve` child:
// (1) each frame that breaks the protocol used to kill the whole server (an unhandled 'error'
// event); now it closes that one connection with the close code RFC 6455 prescribes, and the
// server keeps answering on fresh connections; (2) messages that are not well-formed requests
// used to get no answer at all; now each gets an error response (id null when no usable id
// could be read) and the connection stays usable.

import { describe, expect, it } from 'vitest';
import { closePayload, connectRaw, encodeFrame, OPCODE, waitForData, type FrameSpec, type RawConnection } from './rawWebSocket';
import { serveForFile } from './serveChild';

const served = serveForFile('lvmscope-hostile-');

interface Response {
  kind: 'response';
  id: number | null;
  result: { ok: boolean; error?: { code: string; message: string }; value?: unknown };
}

function responses(c: RawConnection): Response[] {
  return c.messages.filter((m): m is Response => (m as Response).kind === 'response');
}

function responseTo(c: RawConnection, id: number | null, count = 1): Promise<Response[]> {
  return waitForData(c, () => {
    const found = responses(c).filter((r) => r.id === id);
    return found.length >= count ? found : undefined;
  });
}

/** A fresh connection's engine.info round trip: the server is alive and serving. */
async function expectServing(): Promise<void> {
  const c = await connectRaw(served.server.port, served.server.token);
  c.sendText(JSON.stringify({ kind: 'request', id: 1, method: 'engine.info', params: {} }));
  const [answer] = await responseTo(c, 1);
  expect(answer.result).toMatchObject({ ok: true, value: { name: 'lvmscope' } });
  c.destroy();
}

const frameCases: Array<{ name: string; frames: () => Buffer[]; closeCode: number }> = [
  { name: 'a text message over 1 MiB', frames: () => [encodeFrame({ opcode: OPCODE.text, payload: 'x'.repeat((1 << 20) + 1) })], closeCode: 1009 },
  { name: 'a fragmented message over 1 MiB in total', frames: () => [encodeFrame({ opcode: OPCODE.text, fin: false, payload: 'x'.repeat(1 << 19) }), encodeFrame({ opcode: OPCODE.continuation, fin: false, payload: 'x'.repeat(1 << 19) }), encodeFrame({ opcode: OPCODE.continuation, payload: 'xx' })], closeCode: 1009 },
  { name: 'a 64-bit length beyond 2^53', frames: () => [encodeFrame({ opcode: OPCODE.binary, lengthOverride: 2 ** 60, payload: '' })], closeCode: 1009 },
  { name: 'an unmasked client frame', frames: () => [encodeFrame({ opcode: OPCODE.text, payload: '{}', mask: false })], closeCode: 1002 },
  { name: 'invalid UTF-8 in a text frame', frames: () => [encodeFrame({ opcode: OPCODE.text, payload: Uint8Array.from([0x7b, 0xc3, 0x28, 0x7d]) })], closeCode: 1007 },
  { name: 'invalid UTF-8 split across fragments', frames: () => [encodeFrame({ opcode: OPCODE.text, fin: false, payload: Uint8Array.from([0xe2, 0x82]) }), encodeFrame({ opcode: OPCODE.continuation, payload: Uint8Array.from([0x41]) })], closeCode: 1007 },
  { name: 'a reserved data opcode (0x3)', frames: () => [encodeFrame({ opcode: 0x3, payload: 'x' })], closeCode: 1002 },
  { name: 'a reserved control opcode (0xB)', frames: () => [encodeFrame({ opcode: 0xb, payload: 'x' })], closeCode: 1002 },
  { name: 'the RSV1 bit without an extension', frames: () => [encodeFrame({ opcode: OPCODE.text, rsv: 4, payload: '{}' })], closeCode: 1002 },
  { name: 'the RSV2 and RSV3 bits', frames: () => [encodeFrame({ opcode: OPCODE.text, rsv: 3, payload: '{}' })], closeCode: 1002 },
  { name: 'close code 999', frames: () => [encodeFrame({ opcode: OPCODE.close, payload: closePayload(999) })], closeCode: 1002 },
  { name: 'close code 1005 (reserved, never sent)', frames: () => [encodeFrame({ opcode: OPCODE.close, payload: closePayload(1005) })], closeCode: 1002 },
  { name: 'a one-byte close payload', frames: () => [encodeFrame({ opcode: OPCODE.close, payload: Uint8Array.from([3]) })], closeCode: 1002 },
  { name: 'invalid UTF-8 in a close reason', frames: () => [encodeFrame({ opcode: OPCODE.close, payload: Buffer.concat([closePayload(1000), Buffer.from([0xff])]) })], closeCode: 1007 },
  { name: 'a control frame over 125 bytes', frames: () => [encodeFrame({ opcode: OPCODE.ping, payload: 'p'.repeat(126) })], closeCode: 1002 },
  { name: 'a fragmented control frame', frames: () => [encodeFrame({ opcode: OPCODE.ping, fin: false, payload: 'p' })], closeCode: 1002 },
  { name: 'a continuation with no message to continue', frames: () => [encodeFrame({ opcode: OPCODE.continuation, payload: 'x' })], closeCode: 1002 },
  { name: 'a new message inside a fragmented one', frames: () => [encodeFrame({ opcode: OPCODE.text, fin: false, payload: '{' }), encodeFrame({ opcode: OPCODE.text, payload: '}' })], closeCode: 1002 },
];

describe('a WebSocket frame that breaks the protocol', () => {
  for (const { name, frames, closeCode } of frameCases) {
    it(`(${name}) closes that connection with code ${closeCode}, and the server keeps serving`, async () => {
      const bystander = await connectRaw(served.server.port, served.server.token);
      const c = await connectRaw(served.server.port, served.server.token);
      for (const frame of frames()) c.send(frame);
      expect(await waitForData(c, () => c.closeCode())).toBe(closeCode);
      c.destroy();
      expect(served.server.alive()).toBe(true);
      // An open connection of someone else is untouched, and new ones are served.
      bystander.sendText(JSON.stringify({ kind: 'request', id: 2, method: 'engine.info', params: {} }));
      expect((await responseTo(bystander, 2))[0].result.ok).toBe(true);
      bystander.destroy();
      await expectServing();
    });
  }

  it('a peer that resets the TCP connection mid-frame does not stop the server', async () => {
    const c = await connectRaw(served.server.port, served.server.token);
    c.send(encodeFrame({ opcode: OPCODE.text, payload: 'x'.repeat(1000) }).subarray(0, 500));
    c.socket.resetAndDestroy();
    await c.ended;
    await expectServing();
    expect(served.server.alive()).toBe(true);
  });
});

const messageCases: Array<{ name: string; send: (c: RawConnection) => void; id: number | null; says: RegExp }> = [
  { name: 'text that is not JSON', send: (c) => c.sendText('not json'), id: null, says: /not valid JSON/ },
  { name: 'a JSON array', send: (c) => c.sendText('[1,2]'), id: null, says: /an array, not a JSON object/ },
  { name: 'a JSON string', send: (c) => c.sendText('"engine.info"'), id: null, says: /not a JSON object/ },
  { name: 'a request without an id', send: (c) => c.sendText(JSON.stringify({ kind: 'request', method: 'engine.info', params: {} })), id: null, says: /no usable id \(its "id" is missing\)/ },
  { name: 'a fractional id', send: (c) => c.sendText('{"kind":"request","id":1.5,"method":"engine.info"}'), id: null, says: /the number 1\.5/ },
  { name: 'an id beyond 2^53', send: (c) => c.sendText('{"kind":"request","id":1e300,"method":"engine.info"}'), id: null, says: /no usable id/ },
  { name: 'a string id', send: (c) => c.sendText('{"kind":"request","id":"7","method":"engine.info"}'), id: null, says: /the string "7"/ },
  { name: 'a binary message', send: (c) => c.send(encodeFrame({ opcode: OPCODE.binary, payload: '{"kind":"request","id":9,"method":"engine.info"}' })), id: null, says: /Binary messages are not part of the lvmscope protocol/ },
  { name: 'a wrong kind', send: (c) => c.sendText('{"kind":"response","id":11,"method":"engine.info"}'), id: 11, says: /Only requests are accepted here .* not the string "response"/ },
  { name: 'a missing method', send: (c) => c.sendText('{"kind":"request","id":12}'), id: 12, says: /names no method/ },
  { name: 'an unknown method', send: (c) => c.sendText('{"kind":"request","id":13,"method":"nope.nothing"}'), id: 13, says: /Unknown method 'nope\.nothing'/ },
  { name: 'a method name from Object.prototype', send: (c) => c.sendText('{"kind":"request","id":14,"method":"__proto__"}'), id: 14, says: /Unknown method '__proto__'/ },
  { name: 'params of the wrong shape', send: (c) => c.sendText('{"kind":"request","id":15,"method":"workspace.listImages","params":"x"}'), id: 15, says: /Invalid parameters for workspace\.listImages/ },
  { name: 'params with an unknown key', send: (c) => c.sendText('{"kind":"request","id":16,"method":"workspace.open","params":{"path":"/x","evil":1}}'), id: 16, says: /Invalid parameters for workspace\.open/ },
  { name: 'a name of 100 000 characters', send: (c) => c.sendText(JSON.stringify({ kind: 'request', id: 18, method: 'vg.backup', params: { vg: 'v'.repeat(100_000) } })), id: 18, says: /a text of 100000 characters is longer than any name or path may be \(4096 at most\)/ },
  { name: 'params nested 200 000 deep', send: (c) => c.sendText(`{"kind":"request","id":17,"method":"workspace.open","params":{"path":${'['.repeat(200_000)}${']'.repeat(200_000)}}}`), id: 17, says: /Invalid parameters for workspace\.open/ },
];

describe('a message that is not a well-formed request', () => {
  for (const { name, send, id, says } of messageCases) {
    it(`(${name}) gets an error response${id === null ? ' with id null' : ` to id ${id}`}, and the connection stays usable`, async () => {
      const c = await connectRaw(served.server.port, served.server.token);
      send(c);
      const [answer] = await responseTo(c, id);
      expect(answer.result.ok).toBe(false);
      expect(answer.result.error?.code).toBe('BAD_REQUEST');
      expect(answer.result.error?.message).toMatch(says);
      c.sendText(JSON.stringify({ kind: 'request', id: 100, method: 'engine.info', params: {} }));
      expect((await responseTo(c, 100))[0].result.ok).toBe(true);
      expect(c.closeCode()).toBeUndefined();
      c.destroy();
    });
  }

  it('a ping is answered with a pong, and a clean close with code 1000', async () => {
    const c = await connectRaw(served.server.port, served.server.token);
    c.send(encodeFrame({ opcode: OPCODE.ping, payload: 'are you there' }));
    expect(await waitForData(c, () => c.pongs[0])).toBe('are you there');
    c.send(encodeFrame({ opcode: OPCODE.close, payload: closePayload(1000, 'bye') } satisfies FrameSpec));
    expect(await waitForData(c, () => c.closeCode())).toBe(1000);
    c.destroy();
  });
});
