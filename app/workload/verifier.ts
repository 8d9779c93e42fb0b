// The verifier: reads every sector of an LV and compares it with the shadow model (demo
// pattern, or the last acknowledged workload write). Reads go through the LV's block device
// (the whole device-mapper stack), in large chunks.

import type { BlockDevice } from '../block/blockDevice';
import { SECTOR_SIZE, formatSize } from '../base/units';
import { describeSector, fillDemoSector, fillWriteSector } from './pattern';
import type { ShadowModel } from './shadow';
import { sectorHash } from './sectorHash';

export interface Mismatch {
  offsetBytes: number;
  expected: string;
  found: string;
}

export interface VerifyResult {
  vg: string;
  lv: string;
  bytesChecked: number;
  blocksChecked: number;
  mismatches: number;
  firstMismatches: Mismatch[];
  summary: string;
}

const CHUNK_SECTORS = 2048; // 1 MiB per read
const MAX_REPORTED = 10;

/**
 * Checks what is known to have been written, and nothing else: the sectors the demo filled
 * (the journal's demo record) hold the demo pattern unless a workload write owns them; a sector
 * a workload write owns holds that write (or, while a later write is in doubt, that one). A
 * sector lvmscope never wrote — an extension by lvextend, a fresh LV — is not checked, and the
 * summary says how many were left out.
 */
export async function verifyLv(device: BlockDevice, shadow: ShadowModel): Promise<VerifyResult> {
  const { vg, lv, extentSizeSectors } = shadow.target;
  const total = device.sizeSectors;
  const demo = await demoSectorsOf(device, shadow);
  const expected = new Uint8Array(SECTOR_SIZE);
  const alternative = new Uint8Array(SECTOR_SIZE);
  let mismatches = 0;
  let checked = 0;
  const first: Mismatch[] = [];
  for (let start = 0; start < total; start += CHUNK_SECTORS) {
    const count = Math.min(CHUNK_SECTORS, total - start);
    const data = await device.read(start, count);
    for (let i = 0; i < count; i += 1) {
      const sector = start + i;
      const writeId = shadow.writeIdAt(sector);
      if (writeId === undefined && sector >= demo.sectors) continue;
      checked += 1;
      const externalHash = shadow.externalHashAt(sector);
      if (externalHash !== undefined) {
        if (sectorHash(data, i * SECTOR_SIZE) === externalHash || matchesInDoubt(shadow, sector, data, i * SECTOR_SIZE, alternative)) continue;
        mismatches += 1;
        if (first.length < MAX_REPORTED) first.push({ offsetBytes: sector * SECTOR_SIZE, expected: `what an export client wrote (sector hash ${externalHash.toString(16).padStart(8, '0')})`, found: describeSector(data, i * SECTOR_SIZE) });
        continue;
      }
      if (writeId === undefined) fillDemoSector(vg, lv, extentSizeSectors, sector, expected);
      else fillWriteSector(writeId, sector, expected);
      if (!sameSector(data, i * SECTOR_SIZE, expected) && !matchesInDoubt(shadow, sector, data, i * SECTOR_SIZE, alternative)) {
        mismatches += 1;
        if (first.length < MAX_REPORTED) {
          first.push({ offsetBytes: sector * SECTOR_SIZE, expected: describeSector(expected), found: describeSector(data, i * SECTOR_SIZE) });
        }
      }
    }
  }
  const bytesChecked = checked * SECTOR_SIZE;
  return { vg, lv, bytesChecked, blocksChecked: checked, mismatches, firstMismatches: first, summary: summaryOf(shadow, total, checked, mismatches, first, demo) };
}

/** What the verifier assumes about the demo pattern, and why (for the summary). */
interface DemoAssumption {
  sectors: number;
  /** Set when the journal had no demo record and the LV's first sector decided. */
  guessed: boolean;
}

/**
 * The demo extent of the LV. Without any demo record (images LVM2's fixture script filled, or
 * an older lvmscope), the LV is taken as demo-filled in full when its first sector holds the
 * demo pattern (or the write that owns it), and as never filled otherwise.
 */
async function demoSectorsOf(device: BlockDevice, shadow: ShadowModel): Promise<DemoAssumption> {
  if (shadow.demoSectors !== 'unknown') return { sectors: Math.min(shadow.demoSectors, device.sizeSectors), guessed: false };
  if (device.sizeSectors === 0 || shadow.writeIdAt(0) !== undefined) return { sectors: device.sizeSectors, guessed: true };
  const first = await device.read(0, 1);
  const demo = new Uint8Array(SECTOR_SIZE);
  fillDemoSector(shadow.target.vg, shadow.target.lv, shadow.target.extentSizeSectors, 0, demo);
  return { sectors: sameSector(first, 0, demo) ? device.sizeSectors : 0, guessed: true };
}

function summaryOf(shadow: ShadowModel, total: number, checked: number, mismatches: number, first: Mismatch[], demo: DemoAssumption): string {
  const { vg, lv } = shadow.target;
  if (mismatches) return `${vg}/${lv}: ${mismatches} of ${checked} checked sectors do not hold what was written; first at byte ${first[0].offsetBytes}.`;
  const what = [
    demo.sectors ? `${Math.min(demo.sectors, total)} sectors filled with the demo pattern${demo.guessed ? ' (no demo record: sector 0 holds the pattern)' : ''}` : '',
    `${shadow.writtenSectors} written by the workload`,
    shadow.externalSectors ? `${shadow.externalSectors} last written by NBD clients, checked against the sector hashes in the write journal` : '',
  ].filter(Boolean);
  const skipped = total - checked;
  const left = skipped ? `; ${skipped} sectors lvmscope never wrote (an lvextend, a new LV) were not checked` : '';
  return `${vg}/${lv}: ${formatSize(checked * SECTOR_SIZE)} checked (${what.join(', ')})${left}: 0 mismatches.`;
}

/** A write in doubt (issued, never acknowledged: it failed, or the process died) may or may not have landed. */
function matchesInDoubt(shadow: ShadowModel, sector: number, data: Uint8Array, offset: number, scratch: Uint8Array): boolean {
  for (const id of shadow.inDoubtAt(sector)) {
    const externalHash = shadow.externalInDoubtHash(id, sector);
    if (externalHash !== undefined) {
      if (sectorHash(data, offset) === externalHash) return true;
      continue;
    }
    fillWriteSector(id, sector, scratch);
    if (sameSector(data, offset, scratch)) return true;
  }
  return false;
}

function sameSector(data: Uint8Array, offset: number, expected: Uint8Array): boolean {
  for (let i = 0; i < SECTOR_SIZE; i += 1) if (data[offset + i] !== expected[i]) return false;
  return true;
}
