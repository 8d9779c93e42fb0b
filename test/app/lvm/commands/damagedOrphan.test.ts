// Proves a PV whose VG metadata cannot be read is never reused: after the metadata areas of a
// VG's PVs are damaged (zeroed header, or one flipped byte in the text of a single-PV VG), the
// PVs show up without a VG but marked `damaged`, and vgcreate, vgextend and pvremove refuse
// them with a sentence, leaving every byte unchanged (LVM2: "PV is used by a VG but its
// metadata is missing"). A freshly labelled PV stays reusable.

import { describe, expect, it } from 'vitest';
import { LvmscopeError } from '../../../../app/base/result';
import { MiB } from '../../../../app/base/units';
import { LvmWorkspace } from '../../../../app/lvm/workspace/workspace';
import { lvcreate, pvcreate, pvremove, vgcreate, vgextend } from '../../../../app/lvm/commands/index';
import { MemoryWorkspaceStorage } from '../../../sim/memory';
import { testOptions } from '../fixtureImages';

async function damagedWorkspace(damage: (bytes: Uint8Array) => void): Promise<{ ws: LvmWorkspace; storage: MemoryWorkspaceStorage }> {
  const storage = new MemoryWorkspaceStorage();
  let ws = await LvmWorkspace.open(storage, testOptions(3));
  await pvcreate(ws, { image: 'pv1.img', sizeBytes: 8 * MiB });
  await pvcreate(ws, { image: 'spare.img', sizeBytes: 8 * MiB });
  await vgcreate(ws, { name: 'vg0', images: ['pv1.img'], extentSizeBytes: MiB });
  await lvcreate(ws, 'vg0', { name: 'lv0', extents: 2 });
  await pvcreate(ws, { image: 'other.img', sizeBytes: 8 * MiB });
  await vgcreate(ws, { name: 'vg1', images: ['other.img'], extentSizeBytes: MiB });
  await ws.close();
  damage(storage.files.get('pv1.img')!.bytes);
  ws = await LvmWorkspace.open(storage, testOptions(4));
  return { ws, storage };
}

async function expectRefusedUnchanged(storage: MemoryWorkspaceStorage, action: () => Promise<unknown>): Promise<void> {
  const before = new Map([...storage.files].map(([k, v]) => [k, v.bytes.slice()]));
  const e = await action().then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(LvmscopeError);
  expect((e as LvmscopeError).message).toMatch(/pv1\.img may still belong to a VG .*will not reuse it/);
  for (const [k, v] of storage.files) expect(Buffer.compare(Buffer.from(v.bytes), Buffer.from(before.get(k)!)), `${k} changed`).toBe(0);
}

const damages: Array<[string, (bytes: Uint8Array) => void]> = [
  ['a zeroed metadata area', (bytes) => bytes.fill(0, 4096, 8192)],
  [
    'one flipped byte in the metadata text',
    (bytes) => {
      const text = Buffer.from(bytes.subarray(4096, 1024 * 1024)).indexOf('lv0 {');
      bytes[4096 + text] ^= 0x20;
    },
  ],
];

describe('a PV whose VG metadata cannot be read', () => {
  for (const [what, damage] of damages) {
    it(`is not reused after ${what}`, async () => {
      const { ws, storage } = await damagedWorkspace(damage);
      const orphan = ws.orphans().find((o) => o.image === 'pv1.img');
      expect(orphan?.damaged).toBeTruthy();
      await expectRefusedUnchanged(storage, () => vgcreate(ws, { name: 'vgX', images: ['pv1.img'] }));
      await expectRefusedUnchanged(storage, () => vgextend(ws, 'vg1', ['pv1.img']));
      await expectRefusedUnchanged(storage, () => pvremove(ws, 'pv1.img'));
      expect(ws.orphans().find((o) => o.image === 'spare.img')?.damaged).toBeUndefined();
      await vgextend(ws, 'vg1', ['spare.img']);
      await ws.close();
    });
  }
});
