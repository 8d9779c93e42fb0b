// LV ports (app/session/exports.ts): what an NBD client's connection does inside the engine.
// Its IO runs through the LV's device-mapper stack and the write journal, is counted per
// client, is held (never failed) behind a suspend, and verify checks what it wrote.

import { afterEach, describe, expect, it } from 'vitest';
import type { DmStreamEvent } from '../../../app/api/dmStream';
import { LvmscopeError } from '../../../app/base/result';
import { memoryEngine, outlineStepId, untilMoveState, waitForEnd, type TestEngine } from '../pvmove/harness';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function seedEngine(): Promise<TestEngine> {
  const t = await memoryEngine();
  cleanups.push(() => t.engine.dispose());
  return t;
}

function bytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i += 1) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** lv0's sectors 6×2048… are pv2's extents in the seed: the part a pv2 → pv4 move mirrors. */
const MOVING_OFFSET = 6 * 1024 * 1024;

describe('LV ports for export clients', () => {
  it('a client writes and reads back through the LV, and verify checks its sectors against the journal hashes', async () => {
    const { engine } = await seedEngine();
    const port = engine.openLvPort({ vg: 'vg0', lv: 'lv0', address: 'test #1' });
    const data = bytes(64 * 1024, 7);
    await port.write(4096, data, { fua: true });
    expect(Buffer.from(await port.read(4096, data.length)).equals(Buffer.from(data))).toBe(true);
    const result = await engine.handlers['verify.run']({ vg: 'vg0', lv: 'lv0' });
    expect(result.mismatches).toBe(0);
    expect(result.summary).toContain('128 last written by NBD clients, checked against the sector hashes in the write journal');
    const [client] = (await engine.handlers['exports.list']({})).exports[0].clients;
    expect(client).toMatchObject({ address: 'test #1', writes: 1, reads: 1, bytesWritten: 65536, bytesRead: 65536, inFlight: 0, errors: 0 });
  });

  it('verify finds a sector whose bytes differ from what the client wrote', async () => {
    const t = await seedEngine();
    const port = t.engine.openLvPort({ vg: 'vg0', lv: 'lv0', address: 'test #1' });
    await port.write(0, bytes(4096, 3));
    // lv0's sector 0 is pv1's first extent: pe_start is 1 MiB in the demo images.
    const pv1 = t.storage.files.get('pv1.img')!;
    pv1.bytes[1024 * 1024 + 700] ^= 0xff;
    const result = await t.engine.handlers['verify.run']({ vg: 'vg0', lv: 'lv0' });
    expect(result.mismatches).toBe(1);
    expect(result.firstMismatches[0]).toMatchObject({ offsetBytes: 512 });
    expect(result.firstMismatches[0].expected).toContain('what an export client wrote');
  });

  it('client writes stay verifiable after the workspace is closed and opened again (the journal is replayed)', async () => {
    const { engine } = await seedEngine();
    const port = engine.openLvPort({ vg: 'vg0', lv: 'lv0', address: 'test #1' });
    await port.write(8192, bytes(8192, 5));
    await port.writeZeroes(65536, 1024 * 1024);
    await port.close();
    await engine.handlers['workspace.close']({});
    await engine.handlers['workspace.open']({ path: 'mem:/demo' });
    const result = await engine.handlers['verify.run']({ vg: 'vg0', lv: 'lv0' });
    expect(result.mismatches).toBe(0);
    expect(result.summary).toContain(`${16 + 2048} last written by NBD clients`);
  });

  it('a write the mirror holds counts as intercepted for that client, and its dm events carry the client id', async () => {
    const { engine } = await seedEngine();
    const events: DmStreamEvent[] = [];
    const subscription = engine.subscribe((name, payload) => {
      if (name === 'dm.event') events.push(payload as DmStreamEvent);
    });
    cleanups.push(async () => subscription.dispose());
    const port = engine.openLvPort({ vg: 'vg0', lv: 'lv0', address: 'test #1' });
    await engine.handlers['move.start']({ request: { vg: 'vg0', sources: ['pv2'], destinations: ['pv4'], alloc: 'normal' }, options: { rateBytesPerSec: 256 * 1024, regionSizeSectors: 256 } });
    await untilMoveState(engine, (m) => m?.step === outlineStepId(4), 'the copy did not start', 10_000);
    // The last region of the moving part: the copy (in region order, at 256 KiB/s) is far from it.
    await port.write(MOVING_OFFSET + 4 * 1024 * 1024 - 4096, bytes(4096, 9));
    const intercepted = events.filter((e) => e.type === 'write-intercepted');
    expect(intercepted.map((e) => (e.type === 'write-intercepted' ? e.client : undefined))).toEqual([port.clientId]);
    expect((await engine.handlers['exports.list']({})).exports[0].clients[0].interceptedWrites).toBe(1);
    await engine.handlers['move.control']({ action: 'setRate', rateBytesPerSec: 0 });
    expect((await waitForEnd(engine)).status).toBe('done');
    expect((await engine.handlers['verify.run']({ vg: 'vg0', lv: 'lv0' })).mismatches).toBe(0);
    // The built-in workload's figure leaves the client's write out.
    expect((await engine.handlers['workload.stop']({})).interceptedWrites).toBe(0);
  });

  it('a client keeps writing through an aborted move, and every write it was answered for reads back', async () => {
    const { engine } = await seedEngine();
    const port = engine.openLvPort({ vg: 'vg0', lv: 'lv0', address: 'test #1' });
    await engine.handlers['move.start']({ request: { vg: 'vg0', sources: ['pv2'], destinations: ['pv4'], alloc: 'normal' }, options: { rateBytesPerSec: 256 * 1024, regionSizeSectors: 256 } });
    await untilMoveState(engine, (m) => m?.step === outlineStepId(4), 'the copy did not start', 10_000);
    const writes = [0, 1, 2, 3].map((i) => port.write(MOVING_OFFSET + i * 1024 * 1024, bytes(8192, 20 + i)));
    await engine.handlers['move.control']({ action: 'abort' });
    writes.push(port.write(MOVING_OFFSET + 512 * 1024, bytes(4096, 30)));
    await Promise.all(writes);
    expect((await waitForEnd(engine)).status).toBe('aborted');
    for (const i of [0, 1, 2, 3]) expect(Buffer.from(await port.read(MOVING_OFFSET + i * 1024 * 1024, 8192)).equals(Buffer.from(bytes(8192, 20 + i)))).toBe(true);
    expect((await engine.handlers['verify.run']({ vg: 'vg0', lv: 'lv0' })).mismatches).toBe(0);
    expect((await engine.handlers['exports.list']({})).exports[0].clients[0].errors).toBe(0);
  });

  it('IO sent while the LV is suspended is held, shown in flight, and completes after the resume', async () => {
    const { engine } = await seedEngine();
    const session = engine.session!;
    const port = engine.openLvPort({ vg: 'vg0', lv: 'lv0', address: 'test #1' });
    await session.dm.suspend('vg0-lv0');
    let done = false;
    const write = port.write(0, bytes(4096, 1)).then(() => (done = true));
    await expect.poll(async () => (await engine.handlers['exports.list']({})).exports[0].clients[0].inFlight).toBe(1);
    expect(done).toBe(false);
    await session.dm.resume('vg0-lv0');
    await write;
    expect((await engine.handlers['exports.list']({})).exports[0].clients[0]).toMatchObject({ writes: 1, inFlight: 0, errors: 0 });
  });

  it('a write that is not whole sectors, or that reaches past the end, is refused with a sentence', async () => {
    const { engine } = await seedEngine();
    const port = engine.openLvPort({ vg: 'vg0', lv: 'lv0', address: 'test #1' });
    await expect(port.write(100, bytes(512, 1))).rejects.toThrow(/512-byte sector/);
    await expect(port.write(port.sizeBytes, bytes(512, 1))).rejects.toThrow(/past its end/);
    await expect(port.read(port.sizeBytes - 10, 20)).rejects.toThrow(/past its end/);
    // A read need not be aligned.
    expect((await port.read(3, 10)).length).toBe(10);
    expect((await engine.handlers['exports.list']({})).exports[0].clients[0].errors).toBe(3);
  });

  it('closing or reopening the workspace while a client is connected is refused naming it, unless disconnectClients', async () => {
    const { engine } = await seedEngine();
    const port = engine.openLvPort({ vg: 'vg0', lv: 'lv0', address: 'unix:/tmp/x.sock #1' });
    let closedBecause = '';
    port.onClosed((reason) => (closedBecause = reason));
    const refused = await engine.handlers['workspace.close']({}).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(LvmscopeError);
    expect((refused as LvmscopeError).code).toBe('BUSY');
    expect((refused as LvmscopeError).message).toBe('1 NBD client is using vg0/lv0 (unix:/tmp/x.sock #1); disconnect it before closing the workspace, or go on anyway and drop it (disconnectClients).');
    await expect(engine.handlers['workspace.createDemo']({ path: 'mem:/other' })).rejects.toThrow(/1 NBD client is using vg0\/lv0/);
    expect(engine.session).not.toBeNull();
    expect(await engine.handlers['workspace.close']({ disconnectClients: true })).toEqual({ closed: true });
    expect(closedBecause).toContain('the workspace is closing');
    await expect(port.read(0, 512)).rejects.toThrow(/was closed/);
  });

  it('an lvm command on another LV keeps the client connected; one that changes its LV is refused', async () => {
    const { engine } = await seedEngine();
    const port = engine.openLvPort({ vg: 'vg0', lv: 'lv0', address: 'test #1' });
    await engine.handlers['lvm.command']({ op: 'lvcreate', vg: 'vg0', name: 'other', extents: 2 });
    await port.write(0, bytes(4096, 2));
    expect((await engine.handlers['exports.list']({})).exports.map((e) => e.name)).toEqual(['vg0/lv0', 'vg0/other']);
    await expect(engine.handlers['lvm.command']({ op: 'lvextend', vg: 'vg0', lv: 'lv0', byExtents: 1 })).rejects.toThrow(/1 NBD client is using vg0\/lv0/);
    expect((await engine.handlers['verify.run']({ vg: 'vg0', lv: 'lv0' })).mismatches).toBe(0);
  });

  it('a verify holds client IO: a write sent during it lands after it, and the verify still finds no mismatch', async () => {
    const { engine } = await seedEngine();
    const port = engine.openLvPort({ vg: 'vg0', lv: 'lv0', address: 'test #1' });
    const verifying = engine.handlers['verify.run']({ vg: 'vg0', lv: 'lv0' });
    let wrote = false;
    const write = port.write(0, bytes(1024 * 1024, 4)).then(() => (wrote = true));
    const result = await verifying;
    expect(wrote).toBe(false);
    expect(result.mismatches).toBe(0);
    await write;
    expect((await engine.handlers['verify.run']({ vg: 'vg0', lv: 'lv0' })).summary).toContain('2048 last written by NBD clients');
  });

  it('a zero-length read or write succeeds and changes nothing', async () => {
    const { engine } = await seedEngine();
    const port = engine.openLvPort({ vg: 'vg0', lv: 'lv0', address: 'test #1' });
    expect((await port.read(port.sizeBytes, 0)).length).toBe(0);
    await port.write(port.sizeBytes, new Uint8Array(0));
    expect((await engine.handlers['verify.run']({ vg: 'vg0', lv: 'lv0' })).summary).not.toContain('NBD clients');
  });

  it('writes of several clients at once open the write journal once', async () => {
    const t = await seedEngine();
    await t.engine.handlers['workspace.close']({});
    await t.engine.handlers['workspace.open']({ path: 'mem:/demo' });
    let opened = 0;
    const openJournal = t.storage.openJournal.bind(t.storage);
    t.storage.openJournal = (name) => {
      opened += 1;
      return openJournal(name);
    };
    const ports = [1, 2, 3].map((n) => t.engine.openLvPort({ vg: 'vg0', lv: 'lv0', address: `test #${n}` }));
    await Promise.all(ports.map((p, i) => p.write(i * 4096, bytes(4096, i))));
    expect(opened).toBe(1);
    expect((await t.engine.handlers['verify.run']({ vg: 'vg0', lv: 'lv0' })).mismatches).toBe(0);
  });

  it('exports.changed announces a client as it connects and leaves', async () => {
    const { engine } = await seedEngine();
    const counts: number[] = [];
    const subscription = engine.subscribe((name, payload) => {
      if (name === 'exports.changed') counts.push((payload as { exports: Array<{ clients: unknown[] }> }).exports[0].clients.length);
    });
    cleanups.push(async () => subscription.dispose());
    engine.setExportsListening('unix:/tmp/x.sock');
    const port = engine.openLvPort({ vg: 'vg0', lv: 'lv0', address: 'test #1' });
    await port.close();
    expect(counts).toEqual([0, 1, 0]);
    expect((await engine.handlers['exports.list']({})).listening).toBe('unix:/tmp/x.sock');
  });
});
