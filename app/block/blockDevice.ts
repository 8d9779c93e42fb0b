// A block device as the device-mapper sees it: a size in 512-byte sectors and three
// operations. Image-file PVs (adapted from a BlockStore, major 7 like loop devices) and mapped
// devices (major 254) both implement it, which is what lets tables stack devices.

import { LvmscopeError } from '../base/result';

export interface BlockDevice {
  /** "pv1.img" for an image PV, "vg0-lv0" for a mapped device. */
  readonly name: string;
  /** "major:minor", e.g. "7:1" for an image PV or "254:4" for a mapped device. */
  readonly devno: string;
  readonly sizeSectors: number;
  /**
   * Resolves with exactly `countSectors * 512` bytes, or rejects with an IO LvmscopeError.
   * `into` (exactly that long) is a buffer the caller lends for the bytes, so a bulk copy
   * reuses its buffers; a device may read into it and return it, or return a buffer of its
   * own. Either way the caller uses what is returned. `client` tags a read of an export
   * client (an NBD connection), as `write`'s does: its bytes stay in the host's page cache.
   */
  read(sector: number, countSectors: number, into?: Uint8Array, client?: number): Promise<Uint8Array>;
  /**
   * `data.length` must be a whole number of sectors; the caller must not modify `data` until it
   * resolves. `client` tags a write from an export client (an NBD connection) so the mirror's
   * held-write events can say whose write it was; devices that publish no events ignore it.
   */
  write(sector: number, data: Uint8Array, client?: number): Promise<void>;
  /** Makes every write acknowledged before this call durable. */
  flush(): Promise<void>;
}

/** One IO as it travels through the stack (a `bio`). Sectors are relative to the device it is sent to. */
export type IoRequest =
  | { readonly op: 'read'; readonly sector: number; readonly countSectors: number; readonly into?: Uint8Array; readonly client?: number }
  | { readonly op: 'write'; readonly sector: number; readonly countSectors: number; readonly data: Uint8Array; readonly client?: number }
  | { readonly op: 'flush'; readonly sector: 0; readonly countSectors: 0 };

export type IoOp = IoRequest['op'];

/** Major number of image-file PVs (they play the part of loop devices). */
export const IMAGE_MAJOR = 7;
/** Major number of mapped devices (the kernel allocates one dynamically; 254 is common). */
export const DM_MAJOR = 254;

export function formatDevno(major: number, minor: number): string {
  return `${major}:${minor}`;
}

/** Parses "maj:min"; undefined when the text is not of that form. */
export function parseDevno(text: string): { major: number; minor: number } | undefined {
  const m = /^(\d+):(\d+)$/.exec(text);
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]) };
}

/** The IO error for an access outside [0, sizeSectors), or undefined when the range is valid. */
export function ioRangeError(device: { name: string; sizeSectors: number }, sector: number, countSectors: number): LvmscopeError | undefined {
  if (!Number.isInteger(sector) || !Number.isInteger(countSectors) || sector < 0 || countSectors < 0 || sector + countSectors > device.sizeSectors) {
    return new LvmscopeError('IO', `${device.name}: IO at sector ${sector} (+${countSectors}) is outside the device (${device.sizeSectors} sectors).`);
  }
  return undefined;
}
