// The known contents of LV sectors, so that any LV can be checked sector by sector.
//
// Demo pattern: the same one the real-LVM2 fixtures use (shared/fixtures/lvm2/README.md):
// every sector holds `<vg>/<lv> LE <le> sector <n>\n` repeated and cut to 512 bytes, where
// `n` is the LV-relative sector. An image filled by LVM2's fixture script and one filled by
// lvmscope are therefore byte-identical, and a mismatch is readable in a hex dump.
//
// Workload pattern: a write with id `w` puts `lvmscope write <w> sector <n>\n` (repeated) into
// each of its sectors, so the verifier can regenerate what any acknowledged write contained.

import { SECTOR_SIZE } from '../base/units';

const encoder = new TextEncoder();

function repeatTo512(text: string, out: Uint8Array, offset: number): void {
  const unit = encoder.encode(text);
  for (let i = 0; i < SECTOR_SIZE; i += 1) out[offset + i] = unit[i % unit.length];
}

/** Writes the demo pattern of LV sector `sector` into `out` at `offset`. */
export function fillDemoSector(vg: string, lv: string, extentSizeSectors: number, sector: number, out: Uint8Array, offset = 0): void {
  const le = Math.floor(sector / extentSizeSectors);
  repeatTo512(`${vg}/${lv} LE ${le} sector ${sector}\n`, out, offset);
}

/** The demo pattern for `count` consecutive LV sectors starting at `sector`. */
export function demoSectors(vg: string, lv: string, extentSizeSectors: number, sector: number, count: number): Uint8Array {
  const out = new Uint8Array(count * SECTOR_SIZE);
  for (let i = 0; i < count; i += 1) fillDemoSector(vg, lv, extentSizeSectors, sector + i, out, i * SECTOR_SIZE);
  return out;
}

/** Writes the content of sector `sector` as written by workload write `writeId` into `out`. */
export function fillWriteSector(writeId: number, sector: number, out: Uint8Array, offset = 0): void {
  repeatTo512(`lvmscope write ${writeId} sector ${sector}\n`, out, offset);
}

export function writeSectors(writeId: number, sector: number, count: number): Uint8Array {
  const out = new Uint8Array(count * SECTOR_SIZE);
  for (let i = 0; i < count; i += 1) fillWriteSector(writeId, sector + i, out, i * SECTOR_SIZE);
  return out;
}

/** A short printable excerpt of a sector for mismatch reports. */
export function describeSector(bytes: Uint8Array, offset = 0): string {
  let text = '';
  for (let i = 0; i < 48; i += 1) {
    const c = bytes[offset + i];
    text += c >= 32 && c < 127 ? String.fromCharCode(c) : c === 10 ? '\\n' : c === 0 ? '\\0' : '.';
  }
  return text;
}
