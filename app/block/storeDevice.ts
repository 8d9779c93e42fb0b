// An image file (a BlockStore) seen as a block device: one PV, numbered 7:N like the loop
// device LVM2 would see. The only work here is converting sectors to bytes; data passes
// through untouched (no copies on the hot path).

import { SECTOR_SIZE } from '../base/units';
import { LvmscopeError } from '../base/result';
import type { BlockStore, StoreIoOptions } from './blockStore';
import { ioRangeError, formatDevno, IMAGE_MAJOR, type BlockDevice } from './blockDevice';

const CLIENT_IO: StoreIoOptions = { client: true };

export class StoreDevice implements BlockDevice {
  readonly devno: string;
  readonly sizeSectors: number;

  constructor(
    readonly store: BlockStore,
    readonly minor: number,
  ) {
    this.devno = formatDevno(IMAGE_MAJOR, minor);
    // A trailing partial sector of an odd-sized image is not addressable, as with a loop device.
    this.sizeSectors = Math.floor(store.sizeBytes / SECTOR_SIZE);
  }

  get name(): string {
    return this.store.name;
  }

  /** An export client's read (`client` set) goes through the page cache: see StoreIoOptions. */
  read(sector: number, countSectors: number, into?: Uint8Array, client?: number): Promise<Uint8Array> {
    const error = ioRangeError(this, sector, countSectors);
    if (error) return Promise.reject(error);
    return this.store.read(sector * SECTOR_SIZE, countSectors * SECTOR_SIZE, into, client === undefined ? undefined : CLIENT_IO);
  }

  /** An export client's write (`client` set) stays in the page cache: see StoreIoOptions. */
  write(sector: number, data: Uint8Array, client?: number): Promise<void> {
    if (data.length % SECTOR_SIZE !== 0) {
      return Promise.reject(new LvmscopeError('IO', `${this.name}: a write of ${data.length} bytes is not a whole number of sectors.`));
    }
    const error = ioRangeError(this, sector, data.length / SECTOR_SIZE);
    if (error) return Promise.reject(error);
    return this.store.write(sector * SECTOR_SIZE, data, client === undefined ? undefined : CLIENT_IO);
  }

  flush(): Promise<void> {
    return this.store.flush();
  }
}
