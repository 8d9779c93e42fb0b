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

/** The exact (unrounded) bytes a size text means. */
function exactBytes(text: string, defaultUnit: string): number {
  const match = /^(\d+(?:\.\d+)?)([bskmgtpe])?(?:i?b)?$/i.exec(text.trim());
  if (!match) throw new InvalidArgumentError(`'${text}' is not a size; write a number with an optional unit, like 48M, 2G or 512K.`);
  const bytes = Number(match[1]) * UNIT_BYTES[(match[2] ?? defaultUnit).toLowerCase()];
  if (!Number.isFinite(bytes) || bytes > Number.MAX_SAFE_INTEGER) throw new InvalidArgumentError(`'${text}' is too large; lvmscope takes sizes up to 8 PiB.`);
  return bytes;
}

/** `48M`, `2G`, `512K`, `1.5g`; a bare number is in `defaultUnit` (LVM2's -L: MiB). */
export function parseSizeBytes(text: string, defaultUnit = 'm'): number {
  const bytes = exactBytes(text, defaultUnit);
  // A fraction of a byte cannot be honoured: rounding it to 0 would turn "a little" into "none".
  if (bytes > 0 && bytes < 1) throw new InvalidArgumentError(`'${text}' is less than one byte; give a whole number of bytes or a larger unit (like 512 or 4K).`);
  return Math.round(bytes);
}

/** A size that must be more than zero (`--size`, `-s`): zero is a usage error, not a request. */
export function parsePositiveSizeBytes(text: string, defaultUnit = 'm'): number {
  const bytes = parseSizeBytes(text, defaultUnit);
  if (bytes <= 0) throw new InvalidArgumentError(`The size '${text}' must be more than zero.`);
  return bytes;
}

export function parseSignedSize(text: string): SignedSize {
  const sign = text.startsWith('+') ? '+' : text.startsWith('-') ? '-' : null;
  const bytes = parseSizeBytes(sign ? text.slice(1) : text);
  if (bytes <= 0) throw new InvalidArgumentError(`The size '${text}' must be more than zero.`);
  return { sign, bytes };
}

/** LVM2 caps N%FREE and N%PVS at 100; N%VG may ask for more than there is, but not absurdly more. */
const MAX_PERCENT = 10_000;

/** `-l`: `10`, `+3`, `-2`, or LVM2's percentages `100%FREE`, `50%VG`, `+20%PVS`. */
export function parseSignedCount(text: string): SignedCount {
  const percent = /^([+-])?(\d+(?:\.\d+)?)%(FREE|VG|PVS)$/i.exec(text.trim());
  if (percent) {
    if (Number(percent[2]) > MAX_PERCENT) throw new InvalidArgumentError(`'${text}' asks for more than ${MAX_PERCENT}%; write a percentage like 100%FREE or 50%VG.`);
    if (Number(percent[2]) <= 0) throw new InvalidArgumentError(`'${text}' must be a percentage above zero (like 100%FREE or 50%VG).`);
    return { sign: (percent[1] as '+' | '-' | undefined) ?? null, count: Number(percent[2]), percentOf: percent[3].toUpperCase() as 'FREE' | 'VG' | 'PVS' };
  }
  const match = /^([+-])?(\d+)$/.exec(text.trim());
  if (match && !Number.isSafeInteger(Number(match[2]))) throw new InvalidArgumentError(`'${text}' is too many extents; LVM2 counts at most 4294967295 extents per PV.`);
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
  const bytes = exactBytes(text, 'b');
  // 0 means no limit; a fraction of a byte per second would round to that, the opposite of what was asked.
  if (bytes > 0 && bytes < 1) throw new InvalidArgumentError(`The rate '${text}' is less than one byte per second; give at least 1 (like 512K or 20M), or 0 for no limit.`);
  return Math.round(bytes);
}

/** dm-mirror's region limits as LVM2 checks them (tools/lvmcmdline.c regionsize_arg): a power of two, a whole number of 4 KiB pages, at most 2^31 sectors. */
export const MIN_REGION_SECTORS = 8;
export const MAX_REGION_SECTORS = 2 ** 31;

/** `--region-size`: a power of two, in bytes with units (default unit: KiB, as LVM2); returned in sectors. */
export function parseRegionSectors(text: string): number {
  const bytes = parseSizeBytes(text, 'k');
  const sectors = bytes / 512;
  const powerOfTwo = Number.isInteger(sectors) && sectors >= 1 && Number.isInteger(Math.log2(sectors));
  if (!powerOfTwo || sectors < MIN_REGION_SECTORS || sectors > MAX_REGION_SECTORS) {
    throw new InvalidArgumentError(`The region size '${text}' must be a power of two from 4 KiB (a memory page, as dm-mirror and LVM2 require) to 1 TiB, like 512K or 1M.`);
  }
  return sectors;
}

export function parseSeconds(text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`'${text}' is not a number of seconds; write 0 or more (like 15, or 0.5).`);
  return n;
}

/**
 * `--max-segment-size`: LVM2 2.03.36's `allocation/pvmove_max_segment_size_mb`, a whole number
 * of MiB (a bare number is MiB; `1G` is 1024); returned in MiB.
 */
export function parseMaxSegmentMiB(text: string): number {
  const refusal = new InvalidArgumentError(`The maximum segment size '${text}' must be a whole number of MiB, at least 1 (like 64, or 1G).`);
  let bytes: number;
  try {
    bytes = exactBytes(text, 'm');
  } catch {
    // One sentence for every bad value, with the examples that fit this option (not 512K).
    throw refusal;
  }
  const mebibytes = bytes / 1024 ** 2;
  if (!Number.isSafeInteger(mebibytes) || mebibytes < 1) throw refusal;
  return mebibytes;
}
