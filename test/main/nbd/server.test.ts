// The NBD server (main/nbd) against a raw client: the fixed newstyle handshake and option
// haggling, the commands, several requests in flight, and hostile input — each bad client gets
// an NBD error or loses its own connection while the server keeps serving the others.

import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { memoryEngine, type TestEngine } from '../../app/pvmove/harness';
import { parseNbdAddress, startNbdServer, type NbdServer } from '../../../main/nbd/server';
import * as P from '../../../main/nbd/protocol';
import { RawNbdClient } from './rawClient';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

interface Served {
  t: TestEngine;
  server: NbdServer;
  socketPath: string;
}

async function served(): Promise<Served> {
  const t = await memoryEngine();
  cleanups.push(() => t.engine.dispose());
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lvmscope-nbd-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const socketPath = path.join(dir, 'nbd.sock');
  const server = await startNbdServer(t.engine, { kind: 'unix', path: socketPath }, { log: () => undefined });
  cleanups.push(() => server.close());
  return { t, server, socketPath };
}

async function client(s: Served): Promise<RawNbdClient> {
  const c = await RawNbdClient.connect(s.socketPath);
  cleanups.push(async () => c.destroy());
  await c.handshake();
  return c;
}

/** A client in the transmission phase on vg0/lv0. */
async function transmitting(s: Served): Promise<RawNbdClient> {
  const c = await client(s);
  const replies = await c.go('vg0/lv0');
  expect(replies.at(-1)!.type).toBe(P.Rep.ACK);
  return c;
}

const pattern = (length: number, byte: number) => Buffer.alloc(length, byte);

describe('NBD server: handshake and options', () => {
  it('greets with NBDMAGIC, IHAVEOPT and the fixed newstyle and no-zeroes flags', async () => {
    const s = await served();
    const c = await RawNbdClient.connect(s.socketPath);
    cleanups.push(async () => c.destroy());
    expect(await c.handshake()).toEqual({ magic: P.NBDMAGIC, opt: P.IHAVEOPT, flags: P.FLAG_FIXED_NEWSTYLE | P.FLAG_NO_ZEROES });
  });

  it('NBD_OPT_LIST names every active LV as VG/LV', async () => {
    const s = await served();
    await s.t.engine.handlers['lvm.command']({ op: 'lvcreate', vg: 'vg0', name: 'lv1', extents: 2 });
    expect(await (await client(s)).list()).toEqual(['vg0/lv0', 'vg0/lv1']);
  });

  it('NBD_OPT_INFO and GO give the export size, flags and block sizes; an unknown name gets NBD_REP_ERR_UNKNOWN', async () => {
    const s = await served();
    const c = await client(s);
    const info = await c.go('vg0/lv0', P.Opt.INFO);
    const exportInfo = info.find((r) => r.data.readUInt16BE(0) === P.Info.EXPORT)!.data;
    expect(Number(exportInfo.readBigUInt64BE(2))).toBe(15 * 1024 * 1024);
    expect(exportInfo.readUInt16BE(10)).toBe(P.TRANSMISSION_FLAGS);
    const blocks = info.find((r) => r.data.readUInt16BE(0) === P.Info.BLOCK_SIZE)!.data;
    expect([blocks.readUInt32BE(2), blocks.readUInt32BE(6), blocks.readUInt32BE(10)]).toEqual([512, 4096, P.MAX_PAYLOAD]);
    const unknown = await c.go('vg0/nope');
    expect(unknown).toHaveLength(1);
    expect(unknown[0].type).toBe(P.Rep.ERR_UNKNOWN);
    expect(unknown[0].data.toString()).toContain('the exports are vg0/lv0');
    // The haggling goes on after both.
    expect((await c.go('vg0/lv0')).at(-1)!.type).toBe(P.Rep.ACK);
  });

  it('answers unknown options (structured replies, TLS, option 999) with NBD_REP_ERR_UNSUP and goes on', async () => {
    const s = await served();
    const c = await client(s);
    for (const option of [P.Opt.STRUCTURED_REPLY, P.Opt.STARTTLS, 999]) {
      c.sendOption(option);
      const r = await c.optionReply();
      expect([r.option, r.type]).toEqual([option, P.Rep.ERR_UNSUP]);
    }
    expect(await c.list()).toEqual(['vg0/lv0']);
  });

  it('NBD_OPT_ABORT is acknowledged and the connection closes', async () => {
    const s = await served();
    const c = await client(s);
    c.sendOption(P.Opt.ABORT);
    expect((await c.optionReply()).type).toBe(P.Rep.ACK);
    await c.closed;
    expect(s.t.engine.exports.clientCount).toBe(0);
  });

  it('the old NBD_OPT_EXPORT_NAME enters transmission with the size and flags', async () => {
    const s = await served();
    const c = await client(s);
    c.sendOption(P.Opt.EXPORT_NAME, Buffer.from('vg0/lv0'));
    const reply = await c.reader.read(10);
    expect(Number(reply.readBigUInt64BE(0))).toBe(15 * 1024 * 1024);
    expect((await c.write(0, pattern(512, 7))).error).toBe(0);
  });
});

describe('NBD server: transmission', () => {
  it('WRITE (with FUA), READ, FLUSH, TRIM and WRITE_ZEROES round trip, counted for the client', async () => {
    const s = await served();
    const c = await transmitting(s);
    expect((await c.write(4096, pattern(8192, 0xab), 2n, P.CmdFlag.FUA)).error).toBe(0);
    expect((await c.read(4096, 8192)).data!.equals(pattern(8192, 0xab))).toBe(true);
    c.send(P.Cmd.FLUSH, 3n, 0, 0);
    expect(await c.reply()).toMatchObject({ error: 0, cookie: 3n });
    c.send(P.Cmd.TRIM, 4n, 0, 4096);
    expect(await c.reply()).toMatchObject({ error: 0, cookie: 4n });
    c.send(P.Cmd.WRITE_ZEROES, 5n, 4096, 4096);
    expect(await c.reply()).toMatchObject({ error: 0, cookie: 5n });
    expect((await c.read(4096, 8192)).data!.equals(Buffer.concat([pattern(4096, 0), pattern(4096, 0xab)]))).toBe(true);
    const [view] = (await s.t.engine.handlers['exports.list']({})).exports[0].clients;
    expect(view).toMatchObject({ reads: 2, writes: 2, flushes: 1, trims: 1, errors: 0 });
    expect((await s.t.engine.handlers['verify.run']({ vg: 'vg0', lv: 'lv0' })).mismatches).toBe(0);
  });

  it('a WRITE whose payload arrives in pieces, some ending mid-sector, is journaled with the hashes of its bytes', async () => {
    const s = await served();
    const c = await transmitting(s);
    const payload = Buffer.allocUnsafe(1 << 20);
    for (let i = 0; i < payload.length; i += 1) payload[i] = (i * 131 + (i >>> 9) * 7) & 255;
    const h = Buffer.alloc(28);
    h.writeUInt32BE(P.REQUEST_MAGIC, 0);
    h.writeUInt16BE(P.Cmd.WRITE, 6);
    h.writeBigUInt64BE(7n, 8);
    h.writeBigUInt64BE(8192n, 16);
    h.writeUInt32BE(payload.length, 24);
    // Each piece handed to the kernel, and the event loop turned, before the next is sent.
    let at = 0;
    for (const size of [1000, 70_001, 300_000, 512, 4095]) {
      await new Promise<void>((resolve) => c.socket.write(at === 0 ? Buffer.concat([h, payload.subarray(0, size)]) : payload.subarray(at, at + size), () => setImmediate(resolve)));
      at += size;
    }
    c.socket.write(payload.subarray(at));
    expect(await c.reply()).toMatchObject({ error: 0, cookie: 7n });
    expect((await c.read(8192, payload.length)).data!.equals(payload)).toBe(true);
    expect((await s.t.engine.handlers['verify.run']({ vg: 'vg0', lv: 'lv0' })).mismatches).toBe(0);
  });

  it('several requests in flight behind a suspend are held, then each answered by its cookie after the resume', async () => {
    const s = await served();
    const c = await transmitting(s);
    const session = s.t.engine.session!;
    await session.dm.suspend('vg0-lv0');
    c.send(P.Cmd.WRITE, 10n, 0, 4096, pattern(4096, 1));
    c.send(P.Cmd.WRITE, 11n, 8192, 4096, pattern(4096, 2));
    await expect.poll(async () => (await s.t.engine.handlers['exports.list']({})).exports[0].clients[0].inFlight).toBe(2);
    await session.dm.resume('vg0-lv0');
    const cookies = [(await c.reply()).cookie, (await c.reply()).cookie].sort();
    expect(cookies).toEqual([10n, 11n]);
    expect((await c.read(8192, 4096)).data!.equals(pattern(4096, 2))).toBe(true);
  });

  it('DISC closes the connection after the requests in flight are answered', async () => {
    const s = await served();
    const c = await transmitting(s);
    c.send(P.Cmd.WRITE, 1n, 0, 512, pattern(512, 3));
    c.send(P.Cmd.DISC, 2n, 0, 0);
    expect(await c.reply()).toMatchObject({ error: 0, cookie: 1n });
    await c.closed;
    await s.server.idle();
  });
});

describe('NBD server: hostile clients', () => {
  it('out-of-range, oversized and unknown requests get NBD errors and the connection stays usable', async () => {
    const s = await served();
    const c = await transmitting(s);
    const size = 15 * 1024 * 1024;
    expect((await c.read(size - 512, 1024)).error).toBe(P.Errno.EINVAL);
    expect((await c.write(size, pattern(512, 1))).error).toBe(P.Errno.ENOSPC);
    expect((await c.read(0, P.MAX_PAYLOAD + 512)).error).toBe(P.Errno.EOVERFLOW);
    expect((await c.write(100, pattern(512, 1))).error).toBe(P.Errno.EINVAL);
    c.send(77, 9n, 0, 0);
    expect(await c.reply()).toMatchObject({ error: P.Errno.EINVAL, cookie: 9n });
    c.send(P.Cmd.READ, 10n, 0, 512, undefined, 0x40);
    expect(await c.reply()).toMatchObject({ error: P.Errno.EINVAL, cookie: 10n });
    c.send(P.Cmd.READ, 11n, Number.MAX_SAFE_INTEGER, 512);
    expect(await c.reply()).toMatchObject({ error: P.Errno.EINVAL, cookie: 11n });
    expect((await c.read(0, 512)).error).toBe(0);
  });

  it('a wrong request magic or an oversized WRITE closes that connection; another client keeps working', async () => {
    const s = await served();
    const good = await transmitting(s);
    const bad = await transmitting(s);
    bad.send(P.Cmd.READ, 1n, 0, 512, undefined, 0, 0xdeadbeef);
    await bad.closed;
    const big = await transmitting(s);
    big.send(P.Cmd.WRITE, 1n, 0, P.MAX_PAYLOAD + 512);
    await big.closed;
    expect((await good.write(0, pattern(512, 5))).error).toBe(0);
    expect(s.server.connectionCount).toBe(1);
  });

  it('wrong option magic, unknown client flags and endless option data each close only that connection', async () => {
    const s = await served();
    const good = await client(s);
    const badMagic = await client(s);
    badMagic.sendOption(P.Opt.LIST, Buffer.alloc(0), 0x1234n);
    await badMagic.closed;
    const badFlags = await RawNbdClient.connect(s.socketPath);
    cleanups.push(async () => badFlags.destroy());
    await badFlags.reader.read(18);
    badFlags.socket.write(Buffer.from([0, 0, 0x80, 0]));
    await badFlags.closed;
    const huge = await client(s);
    const h = Buffer.alloc(16);
    h.writeBigUInt64BE(P.IHAVEOPT, 0);
    h.writeUInt32BE(P.Opt.GO, 8);
    h.writeUInt32BE(0xffffffff, 12);
    huge.socket.write(h);
    await huge.closed;
    expect(await good.list()).toEqual(['vg0/lv0']);
  });

  it('a client cut off in the middle of a WRITE payload leaves the server serving and its port closed', async () => {
    const s = await served();
    const other = await transmitting(s);
    const cut = await transmitting(s);
    const h = Buffer.alloc(28);
    h.writeUInt32BE(P.REQUEST_MAGIC, 0);
    h.writeUInt16BE(P.Cmd.WRITE, 6);
    h.writeUInt32BE(65536, 24);
    cut.socket.write(Buffer.concat([h, pattern(1000, 9)]));
    cut.destroy();
    await expect.poll(() => s.t.engine.exports.clientCount).toBe(1);
    expect((await other.read(0, 512)).error).toBe(0);
    const late = await transmitting(s);
    expect((await late.write(512, pattern(512, 4))).error).toBe(0);
  });

  it('closing the workspace with disconnectClients drops the connection', async () => {
    const s = await served();
    const c = await transmitting(s);
    await s.t.engine.handlers['workspace.close']({ disconnectClients: true });
    await c.closed;
    await s.server.idle();
  });
});

describe('NBD server: where it listens', () => {
  it('the Unix socket is mode 0600 and exports.list says where it listens', async () => {
    const s = await served();
    expect((await stat(s.socketPath)).mode & 0o777).toBe(0o600);
    expect((await s.t.engine.handlers['exports.list']({})).listening).toBe(`unix:${s.socketPath}`);
  });

  it('TCP is served on 127.0.0.1 only; other hosts and relative socket paths are refused in a sentence', async () => {
    expect(parseNbdAddress('127.0.0.1:10809')).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 10809 });
    expect(parseNbdAddress('localhost:0')).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 0 });
    expect(parseNbdAddress('/run/x.sock')).toEqual({ kind: 'unix', path: '/run/x.sock' });
    expect(() => parseNbdAddress('0.0.0.0:10809')).toThrow(/only this machine may connect/);
    expect(() => parseNbdAddress('unix:x.sock')).toThrow(/must be absolute/);
    const t = await memoryEngine();
    cleanups.push(() => t.engine.dispose());
    const server = await startNbdServer(t.engine, parseNbdAddress('127.0.0.1:0'), { log: () => undefined });
    cleanups.push(() => server.close());
    expect(server.address.kind === 'tcp' && server.address.port > 0).toBe(true);
  });

  it('a live socket at the path is refused; a stale one is replaced', async () => {
    const s = await served();
    await expect(startNbdServer(s.t.engine, { kind: 'unix', path: s.socketPath })).rejects.toThrow(/another process serves there/);
    // A process killed while listening leaves its socket file behind.
    const stalePath = path.join(path.dirname(s.socketPath), 'stale.sock');
    const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(stalePath)}, () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'ignore'] });
    await new Promise((resolve) => child.stdout.once('data', resolve));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    expect((await stat(stalePath)).isSocket()).toBe(true);
    const server = await startNbdServer(s.t.engine, { kind: 'unix', path: stalePath }, { log: () => undefined });
    cleanups.push(() => server.close());
    const c = await RawNbdClient.connect(stalePath);
    cleanups.push(async () => c.destroy());
    await c.handshake();
    expect(await c.list()).toEqual(['vg0/lv0']);
  });
});
