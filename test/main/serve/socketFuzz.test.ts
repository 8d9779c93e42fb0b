// A seeded WebSocket fuzzer against a live `lvmscope serve` child (issue 13). Every batch sends,
// over raw TCP and in randomly sized TCP writes:
// - streams of messages on long-lived connections: well-formed read-only requests, the same
//   requests mutated (ids of every wrong type, wrong kinds, unknown and prototype method
//   names, params of the wrong shape, truncated or padded JSON, unicode escapes), binary
//   messages, valid fragmentation with pings between the fragments. Each data message must
//   get exactly one response, each well-formed request the response with its id, each ping its
//   pong, and the connection must stay open;
// - one protocol-breaking frame per short-lived connection (unmasked, reserved opcode, RSV bits,
//   bad close codes, invalid UTF-8, control frames too long or fragmented, stray continuations,
//   announced lengths over the limit): that connection must be closed with the close code RFC
//   6455 prescribes (1002, 1007 or 1009);
// - raw garbage after the upgrade, then a reset.
// After each batch the process must still run and a fresh connection must get its answer.
// The seed is printed; SEED=<n> replays a run.

import { truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { closePayload, connectRaw, encodeFrame, OPCODE, waitForData, type RawConnection } from './rawWebSocket';
import { serveForFile } from './serveChild';
import { randomSource, type RandomSource } from '../../helpers/seededRandom';

const SEED = Number(process.env.SEED ?? Math.floor(Math.random() * 2 ** 31));
const BATCHES = 30;
const STREAMS_PER_BATCH = 4;
const MESSAGES_PER_STREAM = 100;
const FATAL_PER_BATCH = 24;

const served = serveForFile('lvmscope-fuzz-', (workspace) => {
  writeFileSync(path.join(workspace, 'disk.img'), '');
  truncateSync(path.join(workspace, 'disk.img'), 4 << 20);
});

type Random = RandomSource;


/** Read-only requests: the fuzzer must not change anything on disk while it runs. */
const WELL_FORMED = (id: number): Record<string, unknown>[] => [
  { kind: 'request', id, method: 'engine.info', params: {} },
  { kind: 'request', id, method: 'host.info', params: {} },
  { kind: 'request', id, method: 'scenario.list', params: {} },
  { kind: 'request', id, method: 'scenario.state', params: {} },
  { kind: 'request', id, method: 'move.state', params: {} },
  { kind: 'request', id, method: 'dm.list', params: {} },
  { kind: 'request', id, method: 'workspace.view' },
  { kind: 'request', id, method: 'workspace.listImages', params: { path: served.workspace } },
  { kind: 'request', id, method: 'vg.backup', params: { vg: 'vg0' } },
];

const WEIRD_VALUES: unknown[] = [null, true, 0, -1, 1.5, 2 ** 53, -(2 ** 60), '', 'x', 'é🙂', [], [1, [2, [3]]], {}, { a: { b: null } }, '\u0000', 'a'.repeat(5000)];
const METHOD_NAMES = ['engine.info', 'nope', '', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'engine.info ', 'ENGINE.INFO', 'engine.infoé', 'a'.repeat(3000), 'workspace.open\u0000'];

interface Message {
  /** What goes on the wire: text (JSON or not) or binary. */
  text?: string;
  binary?: Uint8Array;
  /** Set for a well-formed request: its response must carry this id. */
  wellFormedId?: number;
}

/** One message of a stream: a well-formed request (a third of them) or a mutation of one. */
function makeMessage(random: Random, id: number): Message {
  const base = random.pick(WELL_FORMED(id));
  const roll = random.next();
  if (roll < 0.33) return { text: spacedJson(random, base), wellFormedId: id };
  if (roll < 0.38) return { binary: random.next() < 0.5 ? random.bytes(random.int(300)) : new TextEncoder().encode(JSON.stringify(base)) };
  return { text: mutate(random, base) };
}

/** Valid JSON with random whitespace and key order, sometimes with \u escapes in the method. */
function spacedJson(random: Random, message: Record<string, unknown>): string {
  const keys = Object.keys(message).sort(() => random.next() - 0.5);
  const gap = () => random.pick(['', ' ', '\n', '\t ', '  ']);
  const value = (k: string) => (k === 'method' && random.next() < 0.3 ? `"${[...String(message.method)].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"` : JSON.stringify(message[k]));
  return `${gap()}{${keys.map((k) => `${gap()}${JSON.stringify(k)}${gap()}:${gap()}${value(k)}`).join(',')}${gap()}}${gap()}`;
}

function mutate(random: Random, message: Record<string, unknown>): string {
  const m: Record<string, unknown> = { ...message };
  switch (random.int(10)) {
    case 0:
      delete m[random.pick(['kind', 'id', 'method', 'params'])];
      return JSON.stringify(m);
    case 1:
      // A wrong id type; never a safe integer, so no response can be mistaken for another's.
      return JSON.stringify({ ...m, id: random.pick(WEIRD_VALUES.filter((v) => !Number.isSafeInteger(v))) }).replace('"id":null', random.pick(['"id":null', '"id":1e400', '"id":-0.0001']));
    case 2:
      return JSON.stringify({ ...m, kind: random.pick(['response', 'event', 'REQUEST', '', null, 1, ['request']]) });
    case 3:
      return JSON.stringify({ ...m, method: random.pick([...METHOD_NAMES, ...WEIRD_VALUES]) });
    case 4:
      return JSON.stringify({ ...m, params: random.pick(WEIRD_VALUES) });
    case 5:
      return JSON.stringify({ ...m, params: { ...(m.params as object), [random.pick(['path', 'vg', 'extra', '__proto__', 'constructor'])]: random.pick(WEIRD_VALUES) } });
    case 6: {
      const text = JSON.stringify(m);
      return text.slice(0, random.int(text.length));
    }
    case 7:
      return JSON.stringify(m) + random.pick(['}', ',', ' x', '{}', '\u0000', 'null']);
    case 8:
      return random.pick(['', ' ', 'null', '0', '"request"', '[]', '[{}]', 'true', '{"kind":"request","id":1,"id":', `{"params":${'['.repeat(5000)}${']'.repeat(5000)}}`]);
    default:
      return JSON.stringify(m).replace(/"([a-z]+)":/, (_all, key: string) => `"${key}${random.pick(['', 'X', '\\u0000'])}":`);
  }
}

/** The frames of one message: whole, or split into fragments with pings between them. */
function framesOf(random: Random, message: Message, counts: { frames: number; pings: number }): Buffer[] {
  const opcode = message.binary ? OPCODE.binary : OPCODE.text;
  const payload = message.binary ?? new TextEncoder().encode(message.text ?? '');
  const parts = random.next() < 0.25 && payload.length > 1 ? 2 + random.int(4) : 1;
  const cuts = [0, ...Array.from({ length: parts - 1 }, () => random.int(payload.length + 1)).sort((a, b) => a - b), payload.length];
  const frames: Buffer[] = [];
  for (let i = 0; i < parts; i++) {
    frames.push(encodeFrame({ opcode: i === 0 ? opcode : OPCODE.continuation, fin: i === parts - 1, payload: payload.subarray(cuts[i], cuts[i + 1]) }));
    if (i < parts - 1 && random.next() < 0.5) {
      frames.push(encodeFrame({ opcode: OPCODE.ping, payload: random.bytes(random.int(126)) }));
      counts.pings++;
    }
  }
  counts.frames += frames.length;
  return frames;
}

/** Writes `bytes` in randomly sized pieces, so frames arrive split at every possible place. */
function writeInPieces(random: Random, c: RawConnection, bytes: Buffer): void {
  c.socket.setNoDelay(true);
  for (let at = 0; at < bytes.length; ) {
    const size = random.next() < 0.2 ? 1 + random.int(8) : 1 + random.int(4096);
    c.send(bytes.subarray(at, at + size));
    at += size;
  }
}

interface Response {
  kind: string;
  id: number | null;
  result: { ok: boolean; error?: { code: string; message: string } };
}

/** One long-lived connection: a stream of messages, every one answered, the connection kept. */
async function fuzzStream(random: Random, totals: Totals): Promise<void> {
  const c = await connectRaw(served.server.port, served.server.token);
  const counts = { frames: 0, pings: 0 };
  const wellFormed: number[] = [];
  const frames: Buffer[] = [];
  for (let n = 1; n <= MESSAGES_PER_STREAM; n++) {
    const message = makeMessage(random, n);
    if (message.wellFormedId !== undefined) wellFormed.push(message.wellFormedId);
    frames.push(...framesOf(random, message, counts));
  }
  writeInPieces(random, c, Buffer.concat(frames));
  const responses = (await waitForData(c, () => (c.messages.filter(isResponse).length >= MESSAGES_PER_STREAM ? c.messages.filter(isResponse) : undefined), 30_000)) as Response[];
  expect(responses).toHaveLength(MESSAGES_PER_STREAM);
  for (const id of wellFormed) expect(responses.filter((r) => r.id === id), `well-formed request ${id} (SEED=${SEED})`).toHaveLength(1);
  for (const r of responses) if (!r.result.ok) expect(r.result.error?.message.length, 'an error message is one sentence, not an echo').toBeLessThan(1200);
  await waitForData(c, () => (c.pongs.length >= counts.pings ? true : undefined), 30_000);
  expect(c.closeCode()).toBeUndefined();
  c.destroy();
  totals.messages += MESSAGES_PER_STREAM;
  totals.frames += counts.frames;
  totals.wellFormed += wellFormed.length;
}

function isResponse(m: unknown): boolean {
  return (m as Response).kind === 'response';
}

/** One protocol-breaking frame and the close code RFC 6455 prescribes for it. */
function fatalFrame(random: Random): { frames: Buffer[]; closeCode: number; kind: string } {
  const text = (payload: Uint8Array | string, extra = {}) => encodeFrame({ opcode: OPCODE.text, payload, ...extra });
  const invalidUtf8 = [[0xff], [0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xc3], [0x80]];
  const badCloseCodes = [0, 1, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535];
  switch (random.int(11)) {
    case 0:
      return { kind: 'unmasked', frames: [encodeFrame({ opcode: random.pick([OPCODE.text, OPCODE.binary, OPCODE.ping]), payload: random.bytes(random.int(100)), mask: false })], closeCode: 1002 };
    case 1:
      return { kind: 'reserved opcode', frames: [encodeFrame({ opcode: random.pick([3, 4, 5, 6, 7, 0xb, 0xc, 0xd, 0xe, 0xf]), payload: random.bytes(random.int(50)) })], closeCode: 1002 };
    case 2:
      return { kind: 'RSV bits', frames: [text('{}', { rsv: 1 + random.int(7) })], closeCode: 1002 };
    case 3:
      return { kind: 'bad close code', frames: [encodeFrame({ opcode: OPCODE.close, payload: closePayload(random.pick(badCloseCodes)) })], closeCode: 1002 };
    case 4:
      return { kind: 'invalid UTF-8', frames: [text(Uint8Array.from([0x7b, ...random.pick(invalidUtf8), 0x7d]))], closeCode: 1007 };
    case 5:
      return { kind: 'control frame too long', frames: [encodeFrame({ opcode: random.pick([OPCODE.ping, OPCODE.pong, OPCODE.close]), payload: random.bytes(126 + random.int(200)) })], closeCode: 1002 };
    case 6:
      return { kind: 'fragmented control frame', frames: [encodeFrame({ opcode: random.pick([OPCODE.ping, OPCODE.pong]), fin: false, payload: random.bytes(random.int(20)) })], closeCode: 1002 };
    case 7:
      return { kind: 'stray continuation', frames: [encodeFrame({ opcode: OPCODE.continuation, fin: random.next() < 0.5, payload: 'x' })], closeCode: 1002 };
    case 8:
      return { kind: 'data frame inside a fragmented message', frames: [text('{', { fin: false }), encodeFrame({ opcode: random.pick([OPCODE.text, OPCODE.binary]), payload: '}' })], closeCode: 1002 };
    case 9:
      return { kind: 'announced length over the limit', frames: [encodeFrame({ opcode: random.pick([OPCODE.text, OPCODE.binary]), lengthOverride: (1 << 20) + 1 + random.int(2 ** 30), payload: '' })], closeCode: 1009 };
    default:
      return { kind: 'invalid UTF-8 in a close reason', frames: [encodeFrame({ opcode: OPCODE.close, payload: Buffer.concat([closePayload(1000), Buffer.from(random.pick(invalidUtf8))]) })], closeCode: 1007 };
  }
}

async function fuzzFatal(random: Random, totals: Totals): Promise<void> {
  const c = await connectRaw(served.server.port, served.server.token);
  // Sometimes a valid request first: it is answered before the bad frame ends the connection.
  const warmUp = random.next() < 0.3;
  if (warmUp) c.sendText(JSON.stringify({ kind: 'request', id: 1, method: 'engine.info', params: {} }));
  if (warmUp) await waitForData(c, () => (c.messages.length ? true : undefined));
  const { frames, closeCode, kind } = fatalFrame(random);
  writeInPieces(random, c, Buffer.concat(frames));
  expect(await waitForData(c, () => c.closeCode()), `${kind} (SEED=${SEED})`).toBe(closeCode);
  c.destroy();
  totals.frames += frames.length;
  totals.fatal++;
}

/** Random bytes after the upgrade, then a reset: the server must shrug it off. */
async function fuzzGarbage(random: Random, totals: Totals): Promise<void> {
  const c = await connectRaw(served.server.port, served.server.token);
  c.send(Buffer.from(random.bytes(1 + random.int(2000))));
  c.socket.resetAndDestroy();
  await c.ended;
  totals.frames++;
}

async function expectServing(batch: number): Promise<void> {
  expect(served.server.alive(), `serve exited after batch ${batch} (SEED=${SEED}); stderr:\n${served.server.stderr()}`).toBe(true);
  const c = await connectRaw(served.server.port, served.server.token);
  c.sendText(JSON.stringify({ kind: 'request', id: 42, method: 'engine.info', params: {} }));
  const answer = (await waitForData(c, () => c.messages.find((m) => (m as Response).id === 42))) as Response;
  expect(answer.result.ok).toBe(true);
  c.destroy();
}

interface Totals {
  messages: number;
  frames: number;
  wellFormed: number;
  fatal: number;
}

describe('the WebSocket fuzzer', () => {
  it(`never stops serve and answers every well-formed request (SEED=${SEED})`, async () => {
    console.log(`socketFuzz SEED=${SEED} (replay: SEED=${SEED} npx vitest run --project unit test/main/serve/socketFuzz.test.ts)`);
    const random = randomSource(SEED);
    const totals: Totals = { messages: 0, frames: 0, wellFormed: 0, fatal: 0 };
    const started = Date.now();
    for (let batch = 1; batch <= BATCHES; batch++) {
      await Promise.all(Array.from({ length: STREAMS_PER_BATCH }, () => fuzzStream(randomSource(random.int(2 ** 31)), totals)));
      for (let n = 0; n < FATAL_PER_BATCH; n++) await fuzzFatal(random, totals);
      await fuzzGarbage(random, totals);
      await expectServing(batch);
    }
    console.log(`socketFuzz: ${totals.messages} messages (${totals.wellFormed} well-formed, all answered) in ${totals.frames} frames, ${totals.fatal} protocol-breaking frames, in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(totals.messages).toBeGreaterThanOrEqual(10_000);
    expect(totals.frames).toBeGreaterThanOrEqual(10_000);
  }, 120_000);
});
