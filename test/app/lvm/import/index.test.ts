// importBackup, the one-call import a host without the CLI uses: it writes the images and the
// manifest into an empty storage, refuses one that holds images, and removes what it created
// when a write fails part way, so the folder is left as it was.

import { describe, expect, it } from 'vitest';
import { LvmscopeError } from '../../../../app/base/result';
import { importBackup, readManifest } from '../../../../app/lvm/import';
import { MemoryWorkspaceStorage } from '../../../sim/memory';
import { fixtureText } from '../fixtureImages';

const input = { backupText: fixtureText('seed', 'vgcfgbackup.txt'), backupName: 'vg0', now: 1_800_000_000 };

describe('importBackup', () => {
  it('writes one image per PV and the manifest into an empty storage', async () => {
    const storage = new MemoryWorkspaceStorage();
    await importBackup(storage, input);
    expect(await storage.listImages()).toEqual(['loop0.img', 'loop1.img', 'loop2.img', 'loop3.img']);
    expect((await readManifest(storage))?.vg).toBe('vg0');
  });

  it('refuses a storage that already holds an image, and leaves it alone', async () => {
    const storage = new MemoryWorkspaceStorage();
    await storage.create('mine.img', 4096);
    await expect(importBackup(storage, input)).rejects.toThrow(/already holds mine\.img; import into a new or empty folder/);
    expect(await storage.listImages()).toEqual(['mine.img']);
  });

  it('removes the images it created when a later one cannot be created', async () => {
    const storage = new MemoryWorkspaceStorage();
    const create = storage.create.bind(storage);
    storage.create = async (name, size) => {
      if (name === 'loop2.img') throw new LvmscopeError('NO_SPACE', 'the disk is full');
      return create(name, size);
    };
    await expect(importBackup(storage, input)).rejects.toThrow(/the disk is full/);
    expect(await storage.listImages()).toEqual([]);
    expect(await readManifest(storage)).toBeUndefined();
  });
});
