// Units as named types. A sector is always 512 bytes (as in LVM2 and device-mapper, even on
// 4K-sector devices). Names carry their unit at the end (`offsetBytes`, `sizeSectors`,
// `peCount`), and these brands make the compiler catch a sector passed where bytes belong.

declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

export type Sectors = Brand<number, 'sectors'>;
export type Bytes = Brand<number, 'bytes'>;
export type Extents = Brand<number, 'extents'>;

export const SECTOR_SIZE = 512;
export const SECTOR_SHIFT = 9;

export const sectors = (n: number): Sectors => n as Sectors;
export const bytes = (n: number): Bytes => n as Bytes;
export const extents = (n: number): Extents => n as Extents;

export function sectorsToBytes(s: number): Bytes {
  return (s * SECTOR_SIZE) as Bytes;
}

/** Whole sectors in a byte count; asserts the count is sector-aligned. */
export function bytesToSectors(b: number): Sectors {
  if (b % SECTOR_SIZE !== 0) throw new Error(`${b} bytes is not a whole number of sectors`);
  return (b / SECTOR_SIZE) as Sectors;
}

export const KiB = 1024;
export const MiB = 1024 * 1024;
export const GiB = 1024 * 1024 * 1024;

export function isPowerOfTwo(n: number): boolean {
  return Number.isSafeInteger(n) && n > 0 && Number.isInteger(Math.log2(n));
}

/** Human size in LVM2's style: "4.00 MiB". */
export function formatSize(b: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = b;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(2)} ${units[unit]}`;
}
