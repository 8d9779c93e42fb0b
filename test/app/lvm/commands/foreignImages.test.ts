// Proves pvcreate, and the implicit pvcreate of vgcreate and vgextend, never write a label over
// something else without force: an image holding a filesystem (a synthetic ext4 superblock
// here; real mkfs images in test/interop/cli/signatures.test.ts), a PV of a VG, an orphan PV or
// a damaged LVM label is refused with a sentence naming what is there, and every byte of every
// image stays as it was, even when the refusal comes from another argument (a bad VG name, a
// bad extent size, a second image). With force the image is labelled and its old magic wiped.

import { describe, expect, it } from 'vitest';
import { LvmscopeError } from '../../../../app/base/result';
import { MiB } from '../../../../app/base/units';
import { LvmWorkspace } from '../../../../app/lvm/workspace/workspace';
import { lvcreate, pvcreate, vgcreate, vgextend, signaturesOf } from '../../../../app/lvm/commands/index';
import { MemoryBlockStore, MemoryWorkspaceStorage } from '../../../sim/memory';
import { testOptions } from '../fixtureImages';

function ext4Image(name: string): MemoryBlockStore {
  const bytes = new Uint8Array(8 * MiB);
  bytes.set([0x53, 0xef], 1080); // s_magic
  bytes.set([0x40], 1024 + 0x60); // INCOMPAT_EXTENTS: ext4
  bytes.set(Buffer.from('data'), 1024 + 0x78); // s_volume_name
  return new MemoryBlockStore(name, bytes.length, bytes);
}

/** pv1.img holds ext4, pv2.img is blank, vg1 lives on vg1.img, spare.img is an orphan PV. */
async function workspace(): Promise<{ ws: LvmWorkspace; storage: MemoryWorkspaceStorage }> {
  const storage = new MemoryWorkspaceStorage();
  storage.files.set('pv1.img', ext4Image('pv1.img'));
  storage.files.set('pv2.img', new MemoryBlockStore('pv2.img', 8 * MiB));
  const ws = await LvmWorkspace.open(storage, testOptions(7));
  await pvcreate(ws, { image: 'vg1.img', sizeBytes: 8 * MiB });
  await vgcreate(ws, { name: 'vg1', images: ['vg1.img'], extentSizeBytes: MiB });
  await lvcreate(ws, 'vg1', { name: 'lv0', extents: 2 });
  await pvcreate(ws, { image: 'spare.img', sizeBytes: 8 * MiB });
  return { ws, storage };
}

function snapshot(storage: MemoryWorkspaceStorage): Map<string, Uint8Array> {
  return new Map([...storage.files].map(([k, v]) => [k, v.bytes.slice()]));
}

async function expectRefusedUnchanged(storage: MemoryWorkspaceStorage, action: () => Promise<unknown>, message: RegExp): Promise<LvmscopeError> {
  const before = snapshot(storage);
  const e = await action().then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(LvmscopeError);
  expect((e as LvmscopeError).message).toMatch(message);
  expect((e as LvmscopeError).message.split(/\.\s/).length, 'one sentence').toBeLessThanOrEqual(2);
  expect([...storage.files.keys()]).toEqual([...before.keys()]);
  for (const [k, v] of storage.files) expect(Buffer.compare(Buffer.from(v.bytes), Buffer.from(before.get(k)!)), `${k} changed`).toBe(0);
  return e as LvmscopeError;
}

const EXT4 = /pv1\.img holds an ext4 filesystem \(label "data"\): (pvcreate|vgcreate|vgextend) would destroy it; .*add --force to wipe it, as LVM2's pvcreate -f does\./;

describe('labelling an image that holds something', () => {
  it('pvcreate refuses an ext4 image and changes nothing', async () => {
    const { ws, storage } = await workspace();
    await expectRefusedUnchanged(storage, () => pvcreate(ws, { image: 'pv1.img' }), EXT4);
  });

  it('vgcreate refuses it before labelling the other images, and a bad name or extent size refuses before any label too', async () => {
    const { ws, storage } = await workspace();
    await expectRefusedUnchanged(storage, () => vgcreate(ws, { name: 'vg0', images: ['pv2.img', 'pv1.img'] }), EXT4);
    await expectRefusedUnchanged(storage, () => vgcreate(ws, { name: 'bad name', images: ['pv2.img'] }), /"bad name" is not a valid volume group name/);
    await expectRefusedUnchanged(storage, () => vgcreate(ws, { name: 'vg0', images: ['pv2.img'], extentSizeBytes: 3000 }), /extent size must be a power of two/);
    await expectRefusedUnchanged(storage, () => vgcreate(ws, { name: 'vg1', images: ['pv2.img'] }), /already exists/);
    await expectRefusedUnchanged(storage, () => vgcreate(ws, { name: 'vg0', images: ['pv2.img', 'pv2.img'] }), /given pv2\.img twice/);
  });

  it('vgextend refuses it, and changes nothing', async () => {
    const { ws, storage } = await workspace();
    await expectRefusedUnchanged(storage, () => vgextend(ws, 'vg1', ['pv2.img', 'pv1.img']), EXT4);
  });

  it('refuses a PV of a VG even with force, naming the VG', async () => {
    const { ws, storage } = await workspace();
    await expectRefusedUnchanged(storage, () => pvcreate(ws, { image: 'vg1.img', force: true }), /vg1\.img is PV .* of volume group vg1: pvcreate would take it out of vg1 .*vgreduce/);
  });

  it('refuses an orphan PV without force, and gives it a new identity with force', async () => {
    const { ws, storage } = await workspace();
    const old = ws.labelOf('spare.img')!.pvUuid;
    await expectRefusedUnchanged(storage, () => pvcreate(ws, { image: 'spare.img' }), /spare\.img is already a PV .*in no VG.*--force/);
    await pvcreate(ws, { image: 'spare.img', force: true });
    expect(ws.labelOf('spare.img')!.pvUuid).not.toBe(old);
  });

  it('points a damaged LVM label at pvck --repair, not at pvcreate', async () => {
    const { ws, storage } = await workspace();
    await ws.close();
    storage.files.get('spare.img')!.bytes[512 + 100] ^= 0xff; // breaks the label's CRC
    const reopened = await LvmWorkspace.open(storage, testOptions(8));
    const e = await expectRefusedUnchanged(storage, () => vgextend(reopened, 'vg1', ['spare.img']), /spare\.img holds a damaged LVM label .*pvck --repair/);
    expect(e.message).not.toMatch(/run pvcreate/);
    await expectRefusedUnchanged(storage, () => pvcreate(reopened, { image: 'spare.img' }), /damaged LVM label/);
  });

  it('with force, labels it and wipes the ext4 magic (vgcreate and pvcreate)', async () => {
    const { ws, storage } = await workspace();
    await vgcreate(ws, { name: 'vg0', images: ['pv2.img', 'pv1.img'], force: true });
    expect(ws.getVg('vg0').vg.pvs).toHaveLength(2);
    expect((await signaturesOf(storage.files.get('pv1.img')!)).map((s) => s.type)).toEqual(['LVM2_member']);
  });

  it('a blank image is labelled by vgextend without force', async () => {
    const { ws } = await workspace();
    await vgextend(ws, 'vg1', ['pv2.img']);
    expect(ws.getVg('vg1').vg.pvs).toHaveLength(2);
  });

  it('pvcreate --size refuses sizes it cannot create before creating a file', async () => {
    const { ws, storage } = await workspace();
    for (const sizeBytes of [0, 1, 1024 * 1024, 2 * MiB + 1, 2 ** 60, Number.MAX_SAFE_INTEGER + 1, 1.5 * MiB + 0.5]) {
      await expectRefusedUnchanged(storage, () => pvcreate(ws, { image: 'new.img', sizeBytes }), /A new PV image must be/);
    }
    await expectRefusedUnchanged(storage, () => pvcreate(ws, { image: '../escape.img', sizeBytes: 8 * MiB }), /not a usable image file name/);
  });

  it('pvcreate --size removes the new image when its label cannot be written (a full disk)', async () => {
    const { ws, storage } = await workspace();
    const create = storage.create.bind(storage);
    storage.create = async (name: string, sizeBytes: number) => {
      const store = await create(name, sizeBytes);
      store.write = async () => {
        throw new LvmscopeError('NO_SPACE', `${name}: no space left on the device (ENOSPC).`);
      };
      return store;
    };
    await expectRefusedUnchanged(storage, () => pvcreate(ws, { image: 'new.img', sizeBytes: 8 * MiB }), /new\.img: no space left/);
    expect(storage.files.has('new.img')).toBe(false);
  });
});
