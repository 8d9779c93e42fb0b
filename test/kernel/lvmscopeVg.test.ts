// Proves that what lvmscope writes is what the real kernel reads: two VGs built by lvmscope's
// own LVM2 layer in one workspace (vg1m with 1 MiB extents on three PVs, vg4m with 4 MiB
// extents on two; LVs of one, two and three segments, out of PE order), plus a striped LV that
// real LVM2 added to vg4m (`lvcreate -i2` on the host; lvmscope only activates it), activate
// in Debian's kernel under QEMU; every sector of every LV, written by lvmscope through its own
// dm stack with the demo pattern, reads back identical through the kernel's device-mapper and
// through lvmscope's; and the dm table lvmscope reports for each LV (`dm.list` live lines)
// equals the kernel's `dmsetup table` apart from device numbers (both mapped to image names).
// How: one kernel boot inspects both VGs (kernelInspectVgs); the images are attached
// snapshot=on, so the kernel changes nothing.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LvmCommand } from '../../app/lvm/index';
import { missingTools } from '../helpers/tools';
import { tempDir } from './fixtures';
import { hostLvm } from './hostLvm';
import { installedKernel } from './initramfs';
import { dmName, kernelInspectVgs, type LvRef, symbolicTables } from './kernelLvm';
import { fillDemoPattern, lvmscopeCommands, lvmscopeSymbolicTables, newEngine, readLvThroughLvmscope, workspaceImages } from './lvmscope';
import { firstPatternMismatch } from './pattern';

const MIB = 1024 * 1024;
const noKernel = missingTools('qemu-system-x86_64', 'busybox', 'lvm') || installedKernel() === null;
// The striped LV is created by host LVM2 on loop devices, which needs root.
const noHostLvm = missingTools('root', 'losetup', 'lvm');

const EXTENT_SECTORS: Record<string, number> = { vg1m: 2048, vg4m: 8192 };

const BUILD: LvmCommand[] = [
  ...['a1', 'a2', 'a3'].map((n): LvmCommand => ({ op: 'pvcreate', image: `${n}.img`, sizeBytes: 12 * MIB })),
  ...['b1', 'b2'].map((n): LvmCommand => ({ op: 'pvcreate', image: `${n}.img`, sizeBytes: 41 * MIB })),
  { op: 'vgcreate', name: 'vg1m', images: ['a1.img', 'a2.img', 'a3.img'], extentSizeBytes: MIB },
  { op: 'vgcreate', name: 'vg4m', images: ['b1.img', 'b2.img'], extentSizeBytes: 4 * MIB },
  // lvA0: a1 | a2 | a3; lvA2 wraps around to a1 after lvA0's extents.
  { op: 'lvcreate', vg: 'vg1m', name: 'lvA0', extents: 3, pvs: ['a1.img'] },
  { op: 'lvextend', vg: 'vg1m', lv: 'lvA0', byExtents: 2, pvs: ['a2.img'] },
  { op: 'lvextend', vg: 'vg1m', lv: 'lvA0', byExtents: 3, pvs: ['a3.img'] },
  { op: 'lvcreate', vg: 'vg1m', name: 'lvA1', extents: 4, pvs: ['a2.img'] },
  { op: 'lvcreate', vg: 'vg1m', name: 'lvA2', extents: 2, pvs: ['a3.img'] },
  { op: 'lvextend', vg: 'vg1m', lv: 'lvA2', byExtents: 2, pvs: ['a1.img'] },
  // lvB0: b1 | b2 | b1 again (not contiguous in LE order with its first segment).
  { op: 'lvcreate', vg: 'vg4m', name: 'lvB0', extents: 2, pvs: ['b1.img'] },
  { op: 'lvextend', vg: 'vg4m', lv: 'lvB0', byExtents: 3, pvs: ['b2.img'] },
  { op: 'lvextend', vg: 'vg4m', lv: 'lvB0', byExtents: 1, pvs: ['b1.img'] },
  { op: 'lvcreate', vg: 'vg4m', name: 'lvB1', extents: 2, pvs: ['b2.img'] },
];

describe.skipIf(noKernel)('VGs lvmscope built, read by the real kernel', () => {
  let temp: ReturnType<typeof tempDir>;
  afterAll(() => temp?.remove());
  const lvs: LvRef[] = [
    { vg: 'vg1m', lv: 'lvA0' },
    { vg: 'vg1m', lv: 'lvA1' },
    { vg: 'vg1m', lv: 'lvA2' },
    { vg: 'vg4m', lv: 'lvB0' },
    { vg: 'vg4m', lv: 'lvB1' },
    ...(noHostLvm ? [] : [{ vg: 'vg4m', lv: 'lvS' }]),
  ];
  const lvmscopeBytes: Record<string, Uint8Array> = {};
  let lvmscopeTables: Record<string, string>;
  let kernel: Awaited<ReturnType<typeof kernelInspectVgs>>;

  beforeAll(async () => {
    temp = tempDir();
    await lvmscopeCommands(temp.dir, BUILD);
    const images = workspaceImages(temp.dir);
    if (!noHostLvm) {
      // Real LVM2 adds a 2-way striped LV (64 KiB stripes, 2 extents per PV) to lvmscope's VG.
      hostLvm(images, 'lvcreate', ['-q', '-Zn', '-y', '-i', '2', '-I', '64k', '-l', '4', '-n', 'lvS', 'vg4m']);
    }
    const engine = newEngine();
    try {
      await engine.handlers['workspace.open']({ path: temp.dir });
      for (const { vg, lv } of lvs) await fillDemoPattern(engine, vg, lv, EXTENT_SECTORS[vg]);
      for (const { vg, lv } of lvs) lvmscopeBytes[`${vg}/${lv}`] = await readLvThroughLvmscope(engine, vg, lv);
      lvmscopeTables = await lvmscopeSymbolicTables(engine, lvs.map((r) => dmName(r.vg, r.lv)));
    } finally {
      await engine.dispose();
    }
    kernel = await kernelInspectVgs(images, ['vg1m', 'vg4m'], lvs);
  });

  it('activates every LV of both VGs in the kernel, and nothing else', () => {
    expect(Object.keys(kernel.dm.tables).sort()).toEqual(lvs.map((r) => dmName(r.vg, r.lv)).sort());
  });

  it('reads every sector of every LV back through the kernel as the demo pattern lvmscope wrote', () => {
    for (const { vg, lv } of lvs) {
      const bytes = kernel.lvBytes[`${vg}/${lv}`];
      expect(bytes.length, `${vg}/${lv} size`).toBe(lvmscopeBytes[`${vg}/${lv}`].length);
      expect(firstPatternMismatch(bytes, vg, lv, EXTENT_SECTORS[vg]), `${vg}/${lv} through the kernel`).toBeNull();
    }
  });

  it('reads the same bytes through lvmscope\'s own LV devices', () => {
    for (const { vg, lv } of lvs) {
      expect(firstPatternMismatch(lvmscopeBytes[`${vg}/${lv}`], vg, lv, EXTENT_SECTORS[vg]), `${vg}/${lv} through lvmscope`).toBeNull();
      expect(Buffer.compare(lvmscopeBytes[`${vg}/${lv}`], kernel.lvBytes[`${vg}/${lv}`]), `${vg}/${lv}`).toBe(0);
    }
  });

  it('reports the same dm table as the kernel for every LV, apart from device numbers', () => {
    expect(lvmscopeTables).toEqual(symbolicTables(kernel.dm));
    // The comparison covers multi-segment linear tables (three targets) and a striped one.
    expect(lvmscopeTables['vg1m-lvA0'].split('\n')).toHaveLength(3);
    expect(lvmscopeTables['vg4m-lvB0'].split('\n')).toHaveLength(3);
    if (!noHostLvm) expect(lvmscopeTables['vg4m-lvS']).toMatch(/^0 32768 striped 2 128 b1 \d+ b2 \d+$/);
  });
});
