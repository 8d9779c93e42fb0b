// Proves lvmscope and real LVM2 (Debian lvm2 on loop devices, activation disabled) read and
// write each other's volume groups: VGs built by lvmscope pass `vgck` and real `lvs`/`pvs` print
// exactly lvmscope's layout; a VG built by LVM2 (striped LV, two mdas per PV) is changed by
// lvmscope, read back by LVM2, changed by LVM2 again and read by lvmscope; metadata buffers
// wrap in both directions; and a crash between PVs (different seqnos) resolves to the highest.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { missingTools } from '../../helpers/tools';
import { withLoopDevices, type Attached } from '../../helpers/lvm2';
import { FolderWorkspaceStorage } from '../../../main/node/fileStorage';
import { LvmWorkspace, type OpenVg } from '../../../app/lvm/workspace/workspace';
import { lvcreate, lvextend, lvreduce, lvremove, pvcreate, vgcreate, vgextend } from '../../../app/lvm/commands/index';
import { areaExtentCount, segmentAreas } from '../../../app/lvm/model/types';
import { testOptions } from '../../app/lvm/fixtureImages';
import { MiB } from '../../../app/base/units';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'lvmscope-interop-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const open = (seed = 1) => LvmWorkspace.open(new FolderWorkspaceStorage(dir), testOptions(seed));
const img = (name: string) => path.join(dir, name);
const truncate = (name: string, bytes: number) => execFileSync('truncate', ['-s', String(bytes), img(name)]);

/** lvmscope's rows in the shape of `lvs -a -o lv_name,seg_start_pe,seg_size_pe,seg_pe_ranges`. */
function ourLvRows(o: OpenVg) {
  return o.vg.lvs
    .flatMap((lv) =>
      lv.segments.map((seg) => ({
        lv_name: lv.status.includes('VISIBLE') ? lv.name : `[${lv.name}]`,
        seg_start_pe: String(seg.startExtent),
        seg_size_pe: String(seg.extentCount),
        seg_pe_ranges: segmentAreas(seg)
          .map((a) => (a.kind === 'pv' ? `${o.images.get(a.pvId)!.replace(/\.img$/, '')}:${a.pe}-${a.pe + areaExtentCount(seg) - 1}` : `${a.lvName}:${a.le}-${a.le + areaExtentCount(seg) - 1}`))
          .join(' '),
      })),
    )
    .sort((a, b) => a.lv_name.localeCompare(b.lv_name) || Number(a.seg_start_pe) - Number(b.seg_start_pe));
}

function theirLvRows(a: Attached, vg: string) {
  return a
    .report('lvs', '-a', '-o', 'lv_name,seg_start_pe,seg_size_pe,seg_pe_ranges', vg)
    .sort((x, y) => x.lv_name.localeCompare(y.lv_name) || Number(x.seg_start_pe) - Number(y.seg_start_pe));
}

function ourPvRows(o: OpenVg) {
  return o.vg.pvs.map((pv) => ({ pv_name: o.images.get(pv.id)!.replace(/\.img$/, ''), vg_name: o.vg.name, pe_start: String(pv.peStartSectors), pv_pe_count: String(pv.peCount) })).sort((a, b) => a.pv_name.localeCompare(b.pv_name));
}

function theirPvRows(a: Attached, vg: string) {
  return a
    .report('pvs', '--units', 's', '--nosuffix', '-o', 'pv_name,vg_name,pe_start,pv_pe_count', '-S', `vg_name=${vg}`)
    .sort((x, y) => x.pv_name.localeCompare(y.pv_name));
}

describe.skipIf(missingTools('lvm', 'losetup', 'root'))('interop with real LVM2', () => {
  it('a VG built by lvmscope passes vgck and lvs/pvs show exactly its layout', async () => {
    const ws = await open();
    await pvcreate(ws, { image: 'a1.img', sizeBytes: 64 * MiB });
    await pvcreate(ws, { image: 'a2.img', sizeBytes: 48 * MiB, metadataCopies: 2 });
    await pvcreate(ws, { image: 'b1.img', sizeBytes: 40 * MiB });
    await vgcreate(ws, { name: 'vga', images: ['a1.img'] });
    await vgextend(ws, 'vga', ['a2.img']);
    await vgcreate(ws, { name: 'vg.b+1', images: ['b1.img'], extentSizeBytes: 1 * MiB });
    await lvcreate(ws, 'vga', { name: 'data', extents: 5, pvs: ['a1.img'] });
    await lvcreate(ws, 'vga', { name: 'gap', extents: 2 });
    await lvextend(ws, 'vga', 'data', { byExtents: 4, pvs: ['a2.img'] });
    await lvremove(ws, 'vga', 'gap');
    await lvextend(ws, 'vga', 'data', { byExtents: 3, pvs: ['a1.img'] });
    await lvcreate(ws, 'vga', { name: 'contig', sizeBytes: 8 * MiB, policy: 'contiguous' });
    await lvcreate(ws, 'vg.b+1', { name: 'small_1', extents: 7 });
    await lvcreate(ws, 'vg.b+1', { name: 'small-2', extents: 9 });
    await lvreduce(ws, 'vg.b+1', 'small_1', { extents: 3 });
    const vga = ws.getVg('vga');
    const vgb = ws.getVg('vg.b+1');
    expect(vga.vg.lvs.find((l) => l.name === 'data')!.segments.length).toBe(3);
    await ws.close();
    await withLoopDevices(['a1.img', 'a2.img', 'b1.img'].map(img), (a) => {
      a.lvm('vgck', 'vga');
      a.lvm('vgck', 'vg.b+1');
      expect(theirLvRows(a, 'vga')).toEqual(ourLvRows(vga));
      expect(theirLvRows(a, 'vg.b+1')).toEqual(ourLvRows(vgb));
      expect(theirPvRows(a, 'vga')).toEqual(ourPvRows(vga));
      expect(theirPvRows(a, 'vg.b+1')).toEqual(ourPvRows(vgb));
      expect(a.report('vgs', '-o', 'vg_name,vg_seqno', 'vga')[0].vg_seqno).toBe(String(vga.vg.seqno));
    });
  });

  it('a VG built by LVM2 is changed by lvmscope, read by LVM2, changed by LVM2 and read by lvmscope', async () => {
    for (const n of ['r1.img', 'r2.img', 'r3.img']) truncate(n, 32 * MiB);
    await withLoopDevices(['r1.img', 'r2.img', 'r3.img'].map(img), (a) => {
      a.lvm('pvcreate', '-q', '--pvmetadatacopies', '2', a.dev('r1.img'), a.dev('r2.img'), a.dev('r3.img'));
      a.lvm('vgcreate', '-q', '-s', '1m', 'rvg', a.dev('r1.img'), a.dev('r2.img'), a.dev('r3.img'));
      a.lvm('lvcreate', '-q', '-an', '-Zn', '-y', '-i', '2', '-I', '64k', '-l', '6', '-n', 'striped', 'rvg');
      a.lvm('lvcreate', '-q', '-an', '-Zn', '-y', '-l', '5', '-n', 'lin', 'rvg');
      a.lvm('lvcreate', '-q', '-an', '-Zn', '-y', '-l', '2', '-n', 'doomed', 'rvg');
    });
    let ws = await open();
    expect(ws.problems).toEqual([]);
    expect(ws.getVg('rvg').mdas.length).toBe(6);
    await lvcreate(ws, 'rvg', { name: 'ours', extents: 4 });
    await lvextend(ws, 'rvg', 'lin', { byExtents: 3 });
    await lvreduce(ws, 'rvg', 'striped', { extents: 4 });
    await lvremove(ws, 'rvg', 'doomed');
    const mine = ws.getVg('rvg');
    await ws.close();
    await withLoopDevices(['r1.img', 'r2.img', 'r3.img'].map(img), (a) => {
      a.lvm('vgck', 'rvg');
      expect(theirLvRows(a, 'rvg')).toEqual(ourLvRows(mine));
      a.lvm('lvcreate', '-q', '-an', '-Zn', '-y', '-l', '2', '-n', 'theirs', 'rvg');
      a.lvm('lvextend', '-q', '-l', '+1', 'rvg/ours');
    });
    ws = await open();
    const after = ws.getVg('rvg');
    expect(after.vg.seqno).toBe(mine.vg.seqno + 2);
    expect(after.staleMdas).toEqual([]);
    expect(after.vg.lvs.map((l) => l.name).sort()).toEqual(['lin', 'ours', 'striped', 'theirs']);
    await withLoopDevices(['r1.img', 'r2.img', 'r3.img'].map(img), (a) => expect(theirLvRows(a, 'rvg')).toEqual(ourLvRows(after)));
    await ws.close();
  });

  it('wraps a small metadata buffer in both directions and each side reads the other', async () => {
    let ws = await open();
    await pvcreate(ws, { image: 'w1.img', sizeBytes: 16 * MiB, metadataSizeBytes: 32 * 1024, dataAlignmentBytes: 64 * 1024 });
    await vgcreate(ws, { name: 'wvg', images: ['w1.img'], extentSizeBytes: MiB });
    let wrappedByUs = false;
    for (let i = 0; i < 40 && !wrappedByUs; i++) {
      await lvcreate(ws, 'wvg', { name: `lv-with-a-long-name-${i}`, extents: 1 });
      if (i >= 6) await lvremove(ws, 'wvg', `lv-with-a-long-name-${i - 6}`);
      const slot = ws.getVg('wvg').mdas[0].header!.committed;
      wrappedByUs = slot.offsetBytes + slot.sizeBytes > ws.getVg('wvg').mdas[0].sizeBytes;
    }
    expect(wrappedByUs).toBe(true);
    const ours = ws.getVg('wvg');
    await ws.close();
    let wrappedByThem = false;
    await withLoopDevices([img('w1.img')], async (a) => {
      a.lvm('vgck', 'wvg');
      expect(theirLvRows(a, 'wvg')).toEqual(ourLvRows(ours));
      const name = ours.vg.lvs[0].name;
      for (let i = 0; i < 40 && !wrappedByThem; i++) {
        a.lvm('lvchange', '-q', '--addtag', `tag${i}`, `wvg/${name}`);
        const w = await open();
        const slot = w.getVg('wvg').mdas[0].header!.committed;
        wrappedByThem = slot.offsetBytes + slot.sizeBytes > w.getVg('wvg').mdas[0].sizeBytes;
        expect(w.getVg('wvg').vg.seqno).toBe(Number(a.report('vgs', '-o', 'vg_seqno', 'wvg')[0].vg_seqno));
        await w.close();
      }
    });
    expect(wrappedByThem).toBe(true);
    ws = await open();
    expect(ws.problems).toEqual([]);
    await ws.close();
  });

  it('after a crash between PVs the highest seqno wins, for LVM2 and lvmscope, and the next write repairs it', async () => {
    let ws = await open();
    await pvcreate(ws, { image: 'c1.img', sizeBytes: 16 * MiB });
    await pvcreate(ws, { image: 'c2.img', sizeBytes: 16 * MiB });
    await vgcreate(ws, { name: 'cvg', images: ['c1.img', 'c2.img'], extentSizeBytes: MiB });
    const c2 = ws.getVg('cvg').mdas.find((m) => m.imageName === 'c2.img')!;
    const oldHeader = await c2.store.read(c2.startBytes, 512);
    await lvcreate(ws, 'cvg', { name: 'half', extents: 3 });
    await c2.store.write(c2.startBytes, oldHeader); // c2 never got its commit: it still says seqno 1
    await ws.close();
    ws = await open();
    const o = ws.getVg('cvg');
    expect(o.vg.seqno).toBe(2);
    expect(o.staleMdas).toEqual([{ image: 'c2.img', mdaIndex: 0, seqno: 1, problem: undefined }]);
    await ws.close();
    await withLoopDevices(['c1.img', 'c2.img'].map(img), (a) => {
      expect(a.report('vgs', '-o', 'vg_name,vg_seqno', 'cvg')[0].vg_seqno).toBe('2');
      expect(a.report('lvs', '-o', 'lv_name', 'cvg').map((r) => r.lv_name)).toEqual(['half']);
    });
    ws = await open();
    await lvcreate(ws, 'cvg', { name: 'repair', extents: 1 });
    await ws.close();
    ws = await open();
    expect(ws.getVg('cvg').staleMdas).toEqual([]);
    expect(ws.getVg('cvg').vg.seqno).toBe(3);
    await ws.close();
    await withLoopDevices(['c1.img', 'c2.img'].map(img), (a) => {
      a.lvm('vgck', 'cvg');
      expect(a.report('vgs', '-o', 'vg_seqno', 'cvg')[0].vg_seqno).toBe('3');
    });
  });
});
