// Proves an image store is seen as a 7:N block device: sectors become byte offsets, data
// passes through, and IO outside the device is refused as a rejected promise.

import { describe, expect, it } from 'vitest';
import { StoreDevice } from '../../../app/block/storeDevice';
import { parseDevno } from '../../../app/block/blockDevice';
import { MemoryBlockStore } from '../../sim/memory';

describe('StoreDevice', () => {
  it('maps sectors to byte offsets of the image and numbers it 7:N', async () => {
    const store = new MemoryBlockStore('pv.img', 8192);
    const dev = new StoreDevice(store, 4);
    expect(dev.devno).toBe('7:4');
    expect(parseDevno(dev.devno)).toEqual({ major: 7, minor: 4 });
    expect(dev.sizeSectors).toBe(16);
    await dev.write(3, new Uint8Array(512).fill(9));
    expect(store.bytes[3 * 512]).toBe(9);
    expect((await dev.read(3, 1))[511]).toBe(9);
  });

  it('rejects IO past the end and partial-sector writes', async () => {
    const dev = new StoreDevice(new MemoryBlockStore('pv.img', 8192), 0);
    await expect(dev.read(15, 2)).rejects.toThrow(/outside the device/);
    await expect(dev.write(0, new Uint8Array(100))).rejects.toThrow(/whole number of sectors/);
  });
});
