// Proves that the real kernel is a working judge for the real-LVM2 fixtures: Debian's kernel,
// booted under QEMU with the fixture images as virtio disks, activates the `seed` VG with the
// three linear targets LVM2's metadata describes and reads back every sector of lv0 with the
// fixture pattern; and the kernel's own `pvmove` resumes the `seed-pvmove-interrupted` move,
// after which host LVM2 reads lv0 on pv1|pv4|pv3 and the bytes are still intact.
// How: copies of the gzip fixtures in a temp folder; LV bytes leave the guest through a spare
// disk and are compared on the host (kernelLvm.ts).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingTools } from '../helpers/tools';
import { copyLvm2Fixture, tempDir } from './fixtures';
import { hostLvPvs, hostLvSegments } from './hostLvm';
import { installedKernel } from './initramfs';
import { kernelInspectVg, kernelReadLv, type KernelVgInspection, symbolicTables } from './kernelLvm';
import { firstPatternMismatch } from './pattern';
import { runInGuest } from './qemu';

const EXTENT_SECTORS = 2048; // the fixtures use 1 MiB extents
const noKernel = missingTools('qemu-system-x86_64', 'busybox', 'lvm') || installedKernel() === null;

describe.skipIf(noKernel)('the real kernel and the real-LVM2 fixtures', () => {
  const temps: Array<() => void> = [];
  afterAll(() => temps.splice(0).forEach((remove) => remove()));
  function fixture(name: string) {
    const t = tempDir();
    temps.push(t.remove);
    return copyLvm2Fixture(name, t.dir);
  }
  // One boot answers both questions about the seed VG: its dm tables and lv0's bytes.
  let seed: KernelVgInspection;
  beforeAll(async () => {
    seed = await kernelInspectVg(fixture('seed'), 'vg0', ['lv0']);
  });

  it('activates the seed VG with lv0 as three linear targets on pv1, pv2 and pv3', () => {
    expect(symbolicTables(seed.dm)).toEqual({
      'vg0-lv0': ['0 12288 linear pv1 2048', '12288 8192 linear pv2 2048', '20480 10240 linear pv3 2048'].join('\n'),
    });
  });

  it('reads every sector of the seed lv0 back with the fixture pattern', () => {
    const bytes = seed.lvBytes.lv0;
    expect(bytes.length).toBe(15 * 1024 * 1024);
    expect(firstPatternMismatch(bytes, 'vg0', 'lv0', EXTENT_SECTORS)).toBeNull();
  });

  // Host LVM2 reads the result through loop devices, which needs root.
  it.skipIf(missingTools('root', 'losetup'))('finishes the interrupted real-LVM2 move with its own pvmove, leaving lv0 intact on pv1, pv4, pv3', async () => {
    const images = fixture('seed-pvmove-interrupted');
    const run = await runInGuest({
      images,
      script: 'vgchange -ay --poll n vg0\npvmove -i 1\nvgchange -an vg0\nlvs -a -o lv_name,devices vg0\n',
    });
    expect(run.exitCode, run.console).toBe(0);

    expect(hostLvPvs(images, 'vg0', 'lv0')).toEqual(['pv1', 'pv4', 'pv3']);
    expect(hostLvSegments(images, 'vg0').map((s) => s.lvName)).not.toContain('[pvmove0]');
    const bytes = await kernelReadLv(images, 'vg0', 'lv0');
    expect(firstPatternMismatch(bytes, 'vg0', 'lv0', EXTENT_SECTORS)).toBeNull();
  });
});
