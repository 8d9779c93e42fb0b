// An old-style `mirror` LV written by real LVM2 (a linear LV converted with `lvconvert --type
// mirror -m1 --mirrorlog core`, activation disabled: legs lv_mimage_0 on pv1 and lv_mimage_1
// on pv2) is activated by lvmscope as a dm mirror over both legs, not on leg 0 alone: after
// lvmscope writes through the LV and the mirror reaches sync, both legs hold the same bytes
// (read straight from the images at pe_start + pe × extent_size), and LVM2 still accepts the VG.

import { mkdtemp, open, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../../app/engine';
import { writeSectors } from '../../../app/workload/pattern';
import { createNodeHost } from '../../../main/host';
import { withLoopDevices } from '../../helpers/lvm2';
import { missingTools } from '../../helpers/tools';

const MiB = 1 << 20;
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function mirrorFixture(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lvmscope-oldmirror-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const images = ['pv1.img', 'pv2.img'].map((i) => path.join(dir, i));
  for (const image of images) await (await open(image, 'w')).truncate(16 * MiB);
  // Leg 0 holds data before the mirror exists (recovery must copy it to leg 1).
  const before = await open(images[0], 'r+');
  await before.write(Buffer.alloc(4 * MiB, 0x4c), 0, 4 * MiB, MiB);
  await before.close();
  await withLoopDevices(images, (a) => {
    a.lvm('pvcreate', '-y', a.dev('pv1.img'), a.dev('pv2.img'));
    a.lvm('vgcreate', '-s', '1m', 'vgm', a.dev('pv1.img'), a.dev('pv2.img'));
    a.lvm('lvcreate', '-an', '-Zn', '-y', '-n', 'mlv', '-l', '4', 'vgm', a.dev('pv1.img'));
    a.lvm('lvconvert', '-y', '--type', 'mirror', '-m1', '--mirrorlog', 'core', 'vgm/mlv', a.dev('pv2.img'));
    const rows = a.report('lvs', '-a', '-o', 'lv_name,segtype,devices', 'vgm');
    expect(rows.find((r) => r.lv_name === 'mlv')?.segtype).toBe('mirror');
  });
  return dir;
}

/** The bytes of PE 0-3 of an image (pe_start is 1 MiB with these settings). */
async function legBytes(dir: string, image: string): Promise<Buffer> {
  const f = await open(path.join(dir, image), 'r');
  const buf = Buffer.alloc(4 * MiB);
  await f.read(buf, 0, buf.length, MiB);
  await f.close();
  return buf;
}

describe.skipIf(missingTools('lvm', 'losetup', 'root'))('an old-style mirror LV written by real LVM2', () => {
  it('is activated as a dm mirror over both legs: writes through lvmscope reach both, and the legs are identical afterwards', async () => {
    const dir = await mirrorFixture();
    const engine = new Engine(createNodeHost({ kind: 'test' }));
    cleanups.push(() => engine.dispose());
    await engine.handlers['workspace.open']({ path: dir });
    const device = engine.session!.lvDevice('vgm', 'mlv');
    for (let i = 0; i < 64; i += 1) await device.write(i * 97, writeSectors(i + 1, i * 97, 8));
    await device.flush();
    const table = (await engine.handlers['dm.list']({})).devices.find((d) => d.name === 'vgm-mlv');
    expect(JSON.stringify(table)).toMatch(/mirror/);
    // Wait for the recovery of leg 1 from leg 0 (the core log starts out of sync) to finish.
    const mirror = engine.session!.dm.mirror('vgm-mlv', 0);
    await mirror.awaitInSync();
    await engine.handlers['workspace.close']({});
    const [leg0, leg1] = [await legBytes(dir, 'pv1.img'), await legBytes(dir, 'pv2.img')];
    expect(leg0.subarray(97 * 512 * 5, 97 * 512 * 5 + 512).toString('latin1')).toContain('lvmscope write 6 sector 485');
    expect(Buffer.compare(leg0, leg1), 'the two legs differ').toBe(0);
    await withLoopDevices(['pv1.img', 'pv2.img'].map((i) => path.join(dir, i)), (a) => {
      a.lvm('vgck', 'vgm');
    });
  });
});
