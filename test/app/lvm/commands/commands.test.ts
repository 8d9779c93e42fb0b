// Proves the commands change the model as LVM2 would and commit it safely, on in-memory images:
// a VG built from scratch reopens identically; names are validated as LVM2 does; every refused
// command (no space, name clash, locked LV, read-only VG) throws a typed error and leaves every
// image byte unchanged; the lock names its holder; and a crash between commit phases (a hook
// that throws) leaves the old metadata, a crash after the commit the new one.

import { describe, expect, it } from 'vitest';
import { LvmscopeError } from '../../../../app/base/result';
import { MiB } from '../../../../app/base/units';
import { LvmWorkspace } from '../../../../app/lvm/workspace/workspace';
import { lvcreate, lvextend, lvreduce, lvremove, lvrename, pvcreate, pvremove, runCommand, vgcreate, vgextend, vgreduce, vgrename } from '../../../../app/lvm/commands/index';
import { lvMapping, freeExtentCount } from '../../../../app/lvm/model/extentMap';
import { exportVgBackup } from '../../../../app/lvm/backup';
import { parseVgText } from '../../../../app/lvm/model/vgCodec';
import { MemoryWorkspaceStorage } from '../../../sim/memory';
import { memoryWorkspace, fixtureImages, testOptions } from '../fixtureImages';

async function fresh(): Promise<{ ws: LvmWorkspace; storage: MemoryWorkspaceStorage }> {
  const storage = new MemoryWorkspaceStorage();
  const ws = await LvmWorkspace.open(storage, testOptions(7));
  await pvcreate(ws, { image: 'pv1.img', sizeBytes: 32 * MiB });
  await pvcreate(ws, { image: 'pv2.img', sizeBytes: 32 * MiB, metadataCopies: 2 });
  await pvcreate(ws, { image: 'pv3.img', sizeBytes: 16 * MiB });
  await vgcreate(ws, { name: 'vg0', images: ['pv1.img', 'pv2.img'] });
  return { ws, storage };
}

function snapshot(storage: MemoryWorkspaceStorage): Map<string, Uint8Array> {
  return new Map([...storage.files].map(([k, v]) => [k, v.bytes.slice()]));
}

function expectUnchanged(storage: MemoryWorkspaceStorage, before: Map<string, Uint8Array>): void {
  expect([...storage.files.keys()]).toEqual([...before.keys()]);
  for (const [k, v] of storage.files) expect(Buffer.compare(Buffer.from(v.bytes), Buffer.from(before.get(k)!)), `${k} changed`).toBe(0);
}

async function expectRefused(storage: MemoryWorkspaceStorage, action: () => Promise<unknown>, code: string, message: RegExp): Promise<void> {
  const before = snapshot(storage);
  const e = await action().then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(LvmscopeError);
  expect((e as LvmscopeError).code).toBe(code);
  expect((e as LvmscopeError).message).toMatch(message);
  expectUnchanged(storage, before);
}

describe('commands', () => {
  it('build a VG whose layout survives closing and reopening', async () => {
    const { ws, storage } = await fresh();
    await lvcreate(ws, 'vg0', { name: 'a', extents: 3, pvs: ['pv1.img'] });
    await lvcreate(ws, 'vg0', { name: 'b', extents: 2, pvs: ['pv1.img'] });
    await lvextend(ws, 'vg0', 'a', { byExtents: 2, pvs: ['pv2.img'] });
    await lvremove(ws, 'vg0', 'b');
    await lvextend(ws, 'vg0', 'a', { byExtents: 2, pvs: ['pv1.img'] });
    await lvreduce(ws, 'vg0', 'a', { extents: 6 });
    await lvrename(ws, 'vg0', 'a', 'data');
    await vgextend(ws, 'vg0', ['pv3.img']);
    await vgreduce(ws, 'vg0', ['pv3.img']);
    await vgrename(ws, 'vg0', 'vg1');
    const before = ws.getVg('vg1');
    const mapping = lvMapping(before.vg, 'data').map((r) => [r.le, r.count, before.images.get(r.legs[0].pvId), r.legs[0].pe]);
    expect(mapping).toEqual([[0, 3, 'pv1.img', 0], [3, 2, 'pv2.img', 0], [5, 1, 'pv1.img', 3]]);
    expect(before.vg.seqno).toBe(11);
    await ws.close();
    const again = await LvmWorkspace.open(storage, testOptions());
    expect(again.getVg('vg1').vg).toEqual(before.vg);
    expect(again.orphans().map((o) => o.image)).toEqual(['pv3.img']);
    expect(again.problems).toEqual([]);
  });

  it('lay PVs out like pvcreate: 1 MiB data alignment, mda at 4 KiB, optional mda in the last MiB', async () => {
    const { ws } = await fresh();
    expect(ws.labelOf('pv1.img')!.metadataAreas).toEqual([{ offsetBytes: 4096, sizeBytes: MiB - 4096 }]);
    expect(ws.labelOf('pv2.img')!.metadataAreas).toEqual([{ offsetBytes: 4096, sizeBytes: MiB - 4096 }, { offsetBytes: 31 * MiB, sizeBytes: MiB }]);
    const vg = ws.getVg('vg0').vg;
    expect(vg.pvs.map((p) => [p.peStartSectors, p.peCount])).toEqual([[2048, 7], [2048, 7]]);
    expect(vg.extentSizeSectors).toBe(8192);
  });

  it('allocate contiguously or refuse, and say how many extents are free', async () => {
    const { ws, storage } = await fresh();
    await lvcreate(ws, 'vg0', { name: 'x', extents: 6, pvs: ['pv1.img'] });
    await lvcreate(ws, 'vg0', { name: 'y', extents: 6, pvs: ['pv2.img'] });
    expect(freeExtentCount(ws.getVg('vg0').vg)).toBe(2);
    await expectRefused(storage, () => lvcreate(ws, 'vg0', { name: 'z', extents: 4 }), 'NO_SPACE', /^vg0 has 2 free extents; 4 needed\. Ask for a smaller size \(at most 2 extents\) or add a PV to vg0 with vgextend\.$/);
    await expectRefused(storage, () => lvcreate(ws, 'vg0', { name: 'z', extents: 2, policy: 'contiguous' }), 'NO_SPACE', /contiguous/);
    await lvcreate(ws, 'vg0', { name: 'z', extents: 2 });
    expect(ws.getVg('vg0').vg.lvs.find((l) => l.name === 'z')!.segments.length).toBe(2);
  });

  it('validate names as LVM2 does', async () => {
    const { ws, storage } = await fresh();
    for (const [name, why] of [['-x', /hyphen/], ['..', /reserved/], ['a/b', /characters/], ['pvmove0', /reserved for LVM/], ['x_mlog', /_mlog/], ['snapshot1', /reserved/], ['a'.repeat(128), /longer/], ['', /empty/]] as const) {
      await expectRefused(storage, () => lvcreate(ws, 'vg0', { name, extents: 1 }), 'INVALID', why);
    }
    await lvcreate(ws, 'vg0', { name: 'ok+_.-9', extents: 1 });
    await expectRefused(storage, () => vgcreate(ws, { name: 'vg0', images: ['pv3.img'] }), 'EXISTS', /vg0 already exists/);
    await expectRefused(storage, () => vgcreate(ws, { name: 'new', images: ['pv1.img'] }), 'STATE', /already belongs to VG vg0/);
    await expectRefused(storage, () => vgreduce(ws, 'vg0', ['pv1.img']), 'STATE', /still holds extents of ok\+_\.-9/);
    await expectRefused(storage, () => pvremove(ws, 'pv1.img'), 'STATE', /vgreduce/);
  });

  it('refuse to touch LVs locked by an interrupted pvmove', async () => {
    const storage = memoryWorkspace(fixtureImages('seed-pvmove-interrupted'));
    const ws = await LvmWorkspace.open(storage, testOptions());
    await expectRefused(storage, () => lvextend(ws, 'vg0', 'lv0', { byExtents: 1 }), 'LOCKED', /pvmove in progress/);
    await expectRefused(storage, () => lvremove(ws, 'vg0', 'pvmove0'), 'LOCKED', /pvmove/);
    await runCommand(ws, { op: 'lvcreate', vg: 'vg0', name: 'side', extents: 2 });
    const again = ws.getVg('vg0').vg;
    expect(again.lvs.map((l) => l.name)).toEqual(['lv0', 'side', 'pvmove0']);
    // pv1 holds lv0 on PEs 0-5, so the first free run in PV order starts at PE 6.
    expect(again.lvs.find((l) => l.name === 'side')!.segments[0]).toMatchObject({ extentCount: 2, stripes: [{ kind: 'pv', pe: 6 }] });
  });

  it('take the workspace lock, and a second opener is told who holds it', async () => {
    const { ws, storage } = await fresh();
    await expect(LvmWorkspace.open(storage, { ...testOptions(), holder: 'other' })).rejects.toThrow(/in use by vitest/);
    await ws.close();
    await (await LvmWorkspace.open(storage, testOptions())).close();
  });

  it('export a vgcfgbackup-style text that parses back to the same VG', async () => {
    const { ws } = await fresh();
    await lvcreate(ws, 'vg0', { name: 'a', extents: 3 });
    const vg = ws.getVg('vg0').vg;
    const text = exportVgBackup(vg, { hostname: 'h', unixTime: 5 });
    expect(text).toMatch(/^# Generated by/);
    expect(text).toMatch(/\n\textent_size = 8192\t# 4 Megabytes\n/);
    expect(parseVgText(text).vg).toEqual(vg);
  });
});

describe('commit protocol under crashes', () => {
  for (const [phase, expectNew] of [['afterWrite', false], ['afterPrecommit', false], ['afterCommit', true]] as const) {
    it(`a crash ${phase.replace('after', 'after the ').toLowerCase()} phase leaves the ${expectNew ? 'new' : 'old'} metadata`, async () => {
      const { ws, storage } = await fresh();
      const crash = () => {
        throw new Error('simulated crash');
      };
      await expect(lvcreate(ws, 'vg0', { name: 'a', extents: 1 }, { hooks: { [phase]: crash } })).rejects.toThrow('simulated crash');
      storage.lockHolder = undefined; // the crashed process is gone
      const again = await LvmWorkspace.open(storage, testOptions());
      const vg = again.getVg('vg0');
      expect(vg.vg.seqno).toBe(expectNew ? 2 : 1);
      expect(vg.vg.lvs.length).toBe(expectNew ? 1 : 0);
      expect(again.problems).toEqual([]);
      await lvcreate(again, 'vg0', { name: 'b', extents: 1 });
      expect(again.getVg('vg0').vg.seqno).toBe(expectNew ? 3 : 2);
    });
  }

  it('a VG with an mda from an older seqno opens at the highest and repairs it on the next write', async () => {
    const { ws, storage } = await fresh();
    const pv2 = storage.files.get('pv2.img')!;
    const oldHeader = pv2.bytes.slice(31 * MiB, 31 * MiB + 512);
    await lvcreate(ws, 'vg0', { name: 'a', extents: 1 });
    pv2.bytes.set(oldHeader, 31 * MiB);
    await ws.close();
    const again = await LvmWorkspace.open(storage, testOptions());
    expect(again.getVg('vg0').vg.seqno).toBe(2);
    expect(again.getVg('vg0').staleMdas).toEqual([{ image: 'pv2.img', mdaIndex: 1, seqno: 1, problem: undefined }]);
    await lvcreate(again, 'vg0', { name: 'b', extents: 1 });
    await again.rescan();
    expect(again.getVg('vg0').staleMdas).toEqual([]);
  });
});
