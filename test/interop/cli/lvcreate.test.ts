// Proves `lvmscope lvcreate` sizes LVs as real LVM2's lvcreate does: -L rounds up to whole
// extents and prints LVM2's "Rounding up size to full physical extent …" line, and -l takes
// N%FREE, N%VG and N%PVS (rounded down, %FREE capped at all that is free). Real LVM2 builds
// the VG on loop devices (activation disabled); the same lvcreate commands then run on one copy
// with LVM2 and on another with lvmscope, and the LV sizes, VG free space and notes must agree.

import { copyFileSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { missingTools } from '../../helpers/tools';
import { withLoopDevices } from '../../helpers/lvm2';
import { cli, jsonRows, removeDir, tempDir } from '../../main/cli/run';

const IMAGES = ['pv1.img', 'pv2.img', 'pv3.img'];
/** Each lvcreate after `lvcreate`; `PV:x` names a PV (loop device for LVM2, name for lvmscope). */
const STEPS = [
  ['vgq', '-n', 'a', '-L', '1.5m'],
  ['vgq', '-n', 'b', '-l', '33%FREE'],
  ['vgq', '-n', 'c', '-l', '10%VG'],
  ['vgq', '-n', 'd', '-l', '50%PVS', 'PV:pv3.img'],
  ['vgq', '-n', 'e', '-l', '200%FREE'],
];

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

describe.skipIf(missingTools('lvm', 'losetup', 'root'))('lvcreate sizes = real LVM2', () => {
  it('rounds -L up with LVM2’s note and takes %FREE, %VG and %PVS as LVM2 does', async () => {
    const theirs = tempDir('lvmscope-lvcreate-lvm2-');
    const mine = tempDir('lvmscope-lvcreate-ours-');
    dirs.push(theirs, mine);
    const paths = IMAGES.map((n) => path.join(theirs, n));
    for (const p of paths) {
      writeFileSync(p, '');
      truncateSync(p, 12 * 1024 * 1024);
    }
    await withLoopDevices(paths, (a) => {
      const devs = IMAGES.map((n) => a.dev(n));
      a.lvm('pvcreate', ...devs);
      a.lvm('vgcreate', 'vgq', '-s', '1M', ...devs);
    });
    for (const n of IMAGES) copyFileSync(path.join(theirs, n), path.join(mine, n));
    const ourNotes: string[] = [];
    for (const step of STEPS) {
      const r = cli('lvcreate', mine, ...step.map((s) => (s.startsWith('PV:') ? s.slice(3) : s)));
      expect(r.status, `${step.join(' ')}: ${r.stderr}`).toBe(0);
      ourNotes.push(r.stdout);
    }
    const too = cli('lvcreate', mine, 'vgq', '-n', 'f', '-L', '1000m');
    expect(too.status).toBe(1);
    expect(too.stderr).toMatch(/vgq has 0 free extents; 1000 needed\. Ask for a smaller size \(at most 0 extents\) or add a PV to vgq with vgextend\./);
    const zero = cli('lvcreate', mine, 'vgq', '-n', 'f', '-l', '5%FREE');
    expect(zero.stderr).toMatch(/5%FREE of vgq is 0 extents .*ask for a larger percentage/);
    const ours = { lvs: jsonRows(cli('lvs', mine, '-o', 'lv_name,lv_size', '--units', 'm', '--reportformat', 'json').stdout), vgs: jsonRows(cli('vgs', mine, '-o', 'vg_free_count', '--reportformat', 'json').stdout) };
    await withLoopDevices(paths, (a) => {
      const notes = STEPS.map((step) => a.lvm('lvcreate', '-Zn', ...step.map((s) => (s.startsWith('PV:') ? a.dev(s.slice(3)) : s))));
      expect(ourNotes).toEqual(notes);
      expect(ours.lvs).toEqual(jsonRows(a.lvm('lvs', '-o', 'lv_name,lv_size', '--units', 'm', '--reportformat', 'json')));
      expect(ours.vgs).toEqual(jsonRows(a.lvm('vgs', '-o', 'vg_free_count', '--reportformat', 'json')));
    });
    expect(ourNotes[0]).toBe('  Rounding up size to full physical extent 2.00 MiB\n  Logical volume "a" created.\n');
  });
});
