// LVM2's size arguments: a number with an optional unit (b s k m g t p e, either case, binary
// multiples as LVM2's -L takes them), an optional sign for relative changes (`-L +1G`,
// `-l -3`). Parsers throw commander's InvalidArgumentError, so a bad value is a usage error.

import { InvalidArgumentError } from 'commander';

const UNIT_BYTES: Record<string, number> = { b: 1, s: 512, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5, e: 1024 ** 6 };

export interface SignedSize {
  sign: '+' | '-' | null;
  bytes: number;
}

export interface SignedCount {
  sign: '+' | '-' | null;
  count: number;
  /** `-l 50%FREE`: `count` is then the percentage, of the VG's free extents, its size or the named PVs' free extents. */
  percentOf?: 'FREE' | 'VG' | 'PVS';
}

/** `48M`, `2G`, `512K`, `1.5g`; a bare number is in `defaultUnit` (LVM2's -L: MiB). */
export function parseSizeBytes(text: string, defaultUnit = 'm'): number {
  const match = /^(\d+(?:\.\d+)?)([bskmgtpe])?(?:i?b)?$/i.exec(text.trim());
  if (!match) throw new InvalidArgumentError(`'${text}' is not a size; write a number with an optional unit, like 48M, 2G or 512K.`);
  const bytes = Number(match[1]) * UNIT_BYTES[(match[2] ?? defaultUnit).toLowerCase()];
  if (!Number.isFinite(bytes) || bytes > Number.MAX_SAFE_INTEGER) throw new InvalidArgumentError(`'${text}' is too large.`);
  return Math.round(bytes);
}

export function parseSignedSize(text: string): SignedSize {
  const sign = text.startsWith('+') ? '+' : text.startsWith('-') ? '-' : null;
  const bytes = parseSizeBytes(sign ? text.slice(1) : text);
  if (bytes <= 0) throw new InvalidArgumentError(`The size '${text}' must be more than zero.`);
  return { sign, bytes };
}

/** `-l`: `10`, `+3`, `-2`, or LVM2's percentages `100%FREE`, `50%VG`, `+20%PVS`. */
export function parseSignedCount(text: string): SignedCount {
  const percent = /^([+-])?(\d+(?:\.\d+)?)%(FREE|VG|PVS)$/i.exec(text.trim());
  if (percent) {
    if (Number(percent[2]) <= 0) throw new InvalidArgumentError(`'${text}' must be a percentage above zero (like 100%FREE or 50%VG).`);
    return { sign: (percent[1] as '+' | '-' | undefined) ?? null, count: Number(percent[2]), percentOf: percent[3].toUpperCase() as 'FREE' | 'VG' | 'PVS' };
  }
  const match = /^([+-])?(\d+)$/.exec(text.trim());
  if (!match || Number(match[2]) <= 0) throw new InvalidArgumentError(`'${text}' is not a number of extents; write a whole number above zero, optionally with + or - (like 10, +3 or -2), or a percentage: N%FREE, N%VG or N%PVS (like 100%FREE).`);
  return { sign: (match[1] as '+' | '-' | undefined) ?? null, count: Number(match[2]) };
}

/** The extents a `-l` means in a VG: percentages are taken as LVM2 takes them, rounded down. */
export function extentsOf(value: SignedCount, vg: { peCount: number; freeCount: number }, pvsFree: number): number {
  if (!value.percentOf) return value.count;
  // LVM2 caps %FREE and %PVS at all that is free; %VG may ask for more than there is.
  const percent = value.percentOf === 'VG' ? value.count : Math.min(100, value.count);
  const base = value.percentOf === 'VG' ? vg.peCount : value.percentOf === 'FREE' ? vg.freeCount : pvsFree;
  return Math.floor((percent * base) / 100);
}

/** `--rate`: bytes per second, with units (`512K`, `20M`); a bare number is bytes; 0 = unlimited. */
export function parseRate(text: string): number {
  return parseSizeBytes(text, 'b');
}

/** `--region-size`: a power of two, in bytes with units (default unit: KiB, as LVM2); returned in sectors. */
export function parseRegionSectors(text: string): number {
  const bytes = parseSizeBytes(text, 'k');
  const sectors = bytes / 512;
  if (!Number.isInteger(sectors) || sectors < 1 || (sectors & (sectors - 1)) !== 0) throw new InvalidArgumentError(`The region size '${text}' must be a power of two of at least 512 bytes (like 512K or 1M).`);
  return sectors;
}

export function parseSeconds(text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`'${text}' is not a number of seconds; write 0 or more (like 15, or 0.5).`);
  return n;
}
