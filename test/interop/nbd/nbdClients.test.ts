// Real NBD clients (Debian's libnbd-bin, qemu-utils, fio) on lvmscope's export while it moves
// the LV: nbdinfo lists every LV; qemu-io's patterns written during a move read back after it,
// through the export and at the extents real LVM2 (on loop devices) says the LV now has;
// nbdcopy's 64 MiB lands byte for byte on the LV's new extents; fio's crc32c verify finds
// nothing wrong across a whole move on either stack. The engine and the server run in this
// process, the clients as child processes (never synchronously: the server must keep serving).

import { afterEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Engine } from '../../../app/engine';
import { SeededRandom } from '../../../app/base/clock';
import { MiB } from '../../../app/base/units';
import type { DmStreamEvent } from '../../../app/api/dmStream';
import type { MoveStack } from '../../../app/api/move';
import { SEED_LAYOUT, createDemo, type DemoLayout } from '../../../app/session/demo';
import { createNodeHost, nodeClock } from '../../../main/host';
import { nbdUri, startNbdServer, type NbdServer } from '../../../main/nbd/server';
import { missingTools } from '../../helpers/tools';
import { withLoopDevices } from '../../helpers/lvm2';
import { outlineStepId, untilMoveState, waitForEnd } from '../../app/pvmove/harness';

const run = promisify(execFile);
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** lv0 = pv1:0-23 | pv2:0-23 | pv3:0-23 (72 MiB); pv4 free: room for nbdcopy's 64 MiB. */
const BIG_LAYOUT: DemoLayout = {
  pvs: ['pv1.img', 'pv2.img', 'pv3.img', 'pv4.img'].map((image) => ({ image, sizeBytes: 32 * MiB })),
  vg: 'vg0',
  extentSizeBytes: MiB,
  lvs: [{ name: 'lv0', pieces: [{ extents: 24, image: 'pv1.img' }, { extents: 24, image: 'pv2.img' }, { extents: 24, image: 'pv3.img' }] }],
};

interface Served {
  dir: string;
  engine: Engine;
  server: NbdServer;
  uri(name?: string): string;
  /** Held-write events of NBD clients, as the dm stream carried them. */
  clientIntercepts: DmStreamEvent[];
}

async function served(layout: DemoLayout = SEED_LAYOUT): Promise<Served> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lvmscope-nbd-interop-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const host = createNodeHost({ kind: 'test' });
  const quiet = () => undefined;
  const options = { clock: nodeClock, random: new SeededRandom(3), hostname: 'test-host', holder: 'test', log: quiet, onChange: quiet, onStep: quiet, onDmEvent: quiet };
  await (await createDemo(dir, host.storage(dir), options, layout, false)).close();
  const engine = new Engine(host);
  cleanups.push(() => engine.dispose());
  await engine.handlers['workspace.open']({ path: dir });
  const server = await startNbdServer(engine, { kind: 'unix', path: path.join(dir, 'nbd.sock') }, { log: quiet });
  cleanups.push(() => server.close());
  const clientIntercepts: DmStreamEvent[] = [];
  const subscription = engine.subscribe((name, payload) => {
    const e = payload as DmStreamEvent;
    if (name === 'dm.event' && e.type === 'write-intercepted' && e.client !== undefined) clientIntercepts.push(e);
  });
  cleanups.push(async () => subscription.dispose());
  return { dir, engine, server, uri: (name = 'vg0/lv0') => nbdUri(server.address, name), clientIntercepts };
}

async function startMove(s: Served, stack: MoveStack, rateBytesPerSec: number): Promise<void> {
  await s.engine.handlers['move.start']({ request: { vg: 'vg0', sources: ['pv2'], destinations: ['pv4'], alloc: 'normal' }, options: { stack, rateBytesPerSec, regionSizeSectors: 1024 } });
}

/** Until the mirror is live (the outline's copy step, or lvm2's first pvmove0 copy). */
async function untilCopying(s: Served): Promise<void> {
  await untilMoveState(s.engine, (m) => !!m?.step && (m.step === outlineStepId(4) || /^copy-\d+$/.test(m.step)), 'the copy did not start', 20_000);
}

async function finishMove(s: Served): Promise<void> {
  await s.engine.handlers['move.control']({ action: 'setRate', rateBytesPerSec: 0 });
  expect((await waitForEnd(s.engine, 120_000)).status).toBe('done');
}

/** Where LVM2 says lv0's bytes are now: [image, byte offset in it, LV byte offset, length] per segment. */
async function lvm2Extents(dir: string): Promise<Array<{ image: string; at: number; lvOffset: number; length: number }>> {
  const images = ['pv1.img', 'pv2.img', 'pv3.img', 'pv4.img'];
  return withLoopDevices(images.map((i) => path.join(dir, i)), (a) => {
    a.lvm('vgck', 'vg0');
    const peStart = new Map(a.report('pvs', '--units', 'b', '--nosuffix', '-o', 'pv_name,pe_start').map((r) => [r.pv_name, Number(r.pe_start)]));
    const segments = a.report('lvs', '--units', 'b', '--nosuffix', '-o', 'lv_name,seg_start,seg_pe_ranges', 'vg0');
    return segments.map((seg) => {
      const m = /^(\w+):(\d+)-(\d+)$/.exec(seg.seg_pe_ranges)!;
      const image = `${m[1]}.img`;
      const length = (Number(m[3]) - Number(m[2]) + 1) * MiB;
      return { image, at: peStart.get(m[1])! + Number(m[2]) * MiB, lvOffset: Number(seg.seg_start), length };
    });
  });
}

async function readAt(file: string, at: number, length: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const out = Buffer.alloc(length);
    await handle.read(out, 0, length, at);
    return out;
  } finally {
    await handle.close();
  }
}

describe.skipIf(missingTools('nbdinfo'))('nbdinfo on lvmscope exports', () => {
  it('nbdinfo --list names every active LV as VG/LV with its size', async () => {
    const s = await served();
    await s.engine.handlers['lvm.command']({ op: 'lvcreate', vg: 'vg0', name: 'data', extents: 3 });
    const { stdout } = await run('nbdinfo', ['--list', '--json', nbdUri(s.server.address, '')]);
    const listed = (JSON.parse(stdout) as { exports: Array<{ 'export-name': string; 'export-size': number }> }).exports;
    expect(listed.map((e) => [e['export-name'], e['export-size']])).toEqual([
      ['vg0/lv0', 15 * MiB],
      ['vg0/data', 3 * MiB],
    ]);
  });
});

describe.skipIf(missingTools('qemu-io', 'lvm', 'losetup', 'root'))('qemu-io during a move', () => {
  it('patterns qemu-io writes during the move read back after it, through the export and at the extents real LVM2 reports', async () => {
    const s = await served();
    await startMove(s, 'outline', 512 * 1024);
    await untilCopying(s);
    // 6 MiB… is the part on pv2 that moves; 1 MiB is on pv1 and stays.
    const writes: Array<[number, number, number]> = [
      [0x11, 6 * MiB, 512 * 1024],
      [0x22, 9 * MiB + 64 * 1024, 64 * 1024],
      [0x33, 1 * MiB, 4096],
    ];
    await run('qemu-io', ['-f', 'raw', ...writes.flatMap(([p, at, len]) => ['-c', `write -P ${p} ${at} ${len}`]), s.uri()]);
    expect(s.clientIntercepts.length).toBeGreaterThan(0);
    await finishMove(s);
    const { stdout } = await run('qemu-io', ['-f', 'raw', ...writes.flatMap(([p, at, len]) => ['-c', `read -P ${p} ${at} ${len}`]), s.uri()]);
    expect(stdout).not.toMatch(/fail/i);
    expect(stdout.match(/^read /gm)).toHaveLength(3);
    expect((await s.engine.handlers['verify.run']({ vg: 'vg0', lv: 'lv0' })).mismatches).toBe(0);
    await s.server.close();
    await s.engine.handlers['workspace.close']({});

    const extents = await lvm2Extents(s.dir);
    expect(extents.map((e) => `${e.image}@${e.lvOffset / MiB}`)).toEqual(['pv1.img@0', 'pv4.img@6', 'pv3.img@10']);
    for (const [p, at, len] of writes) {
      const e = extents.find((x) => at >= x.lvOffset && at + len <= x.lvOffset + x.length)!;
      expect((await readAt(path.join(s.dir, e.image), e.at + (at - e.lvOffset), len)).equals(Buffer.alloc(len, p))).toBe(true);
    }
  });
});

describe.skipIf(missingTools('nbdcopy', 'lvm', 'losetup', 'root'))('nbdcopy during a move', () => {
  it('nbdcopy of a random 64 MiB file into vg0/lv0 during an lvm2-stack move: the LV’s new extents hold the file’s bytes', async () => {
    const s = await served(BIG_LAYOUT);
    const file = path.join(s.dir, 'random.bin');
    const data = randomBytes(64 * MiB);
    await writeFile(file, data);
    await startMove(s, 'lvm2', 4 * MiB);
    await untilCopying(s);
    await run('nbdcopy', [file, s.uri()]);
    expect(s.clientIntercepts.length).toBeGreaterThan(0);
    await finishMove(s);
    expect((await s.engine.handlers['verify.run']({ vg: 'vg0', lv: 'lv0' })).mismatches).toBe(0);
    await s.server.close();
    await s.engine.handlers['workspace.close']({});

    const extents = await lvm2Extents(s.dir);
    const moved = extents.find((e) => e.image === 'pv4.img')!;
    expect(moved).toMatchObject({ lvOffset: 24 * MiB, length: 24 * MiB });
    const onPv4 = await readAt(path.join(s.dir, 'pv4.img'), moved.at, moved.length);
    expect(onPv4.equals(data.subarray(24 * MiB, 48 * MiB))).toBe(true);
    // The rest of the file is where it was, and the LV's last 8 MiB still hold the demo pattern.
    const first = extents.find((e) => e.image === 'pv1.img')!;
    expect((await readAt(path.join(s.dir, 'pv1.img'), first.at, first.length)).equals(data.subarray(0, 24 * MiB))).toBe(true);
    expect((await readFile(path.join(s.dir, 'pv3.img'))).subarray(extents[2].at + 16 * MiB, extents[2].at + 16 * MiB + 32).toString()).toContain('vg0/lv0 LE 64');
  });
});

describe.skipIf(missingTools('fio'))('fio --ioengine=nbd across a whole move', () => {
  it.each(['outline', 'lvm2'] as const)('randrw with verify=crc32c runs from before the %s move starts to after it ends without an error', async (stack) => {
    const s = await served();
    const job = ['--name=nbd', '--ioengine=nbd', `--uri=${s.uri()}`, '--rw=randrw', '--bs=4k', '--size=15M', '--iodepth=8', '--verify=crc32c', '--verify_fatal=1', '--verify_backlog=128', '--time_based', '--runtime=12', '--output-format=json'];
    const fio = run('fio', job, { maxBuffer: 16 * MiB });
    await expect.poll(() => s.engine.exports.clientCount, { timeout: 20_000 }).toBe(1);
    const startedAt = Date.now();
    await startMove(s, stack, 2 * MiB);
    expect((await waitForEnd(s.engine, 60_000)).status).toBe('done');
    const movedAt = Date.now();
    const { stdout } = await fio;
    const result = JSON.parse(stdout.slice(stdout.indexOf('{'))) as { jobs: Array<{ error: number; read: { io_bytes: number }; write: { io_bytes: number }; elapsed: number }> };
    const [j] = result.jobs;
    expect(j.error).toBe(0);
    expect(j.write.io_bytes).toBeGreaterThan(0);
    expect(j.read.io_bytes).toBeGreaterThan(0);
    // fio was connected before the move started and its run outlasted the move.
    expect(movedAt - startedAt).toBeLessThan(j.elapsed * 1000);
    expect(s.server.connectionCount).toBe(0);
    expect((await s.engine.handlers['verify.run']({ vg: 'vg0', lv: 'lv0' })).mismatches).toBe(0);
  });
});
