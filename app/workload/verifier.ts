// The verifier: reads every sector of an LV and compares it with the shadow model (demo
// pattern, or the last acknowledged workload write). Reads go through the LV's block device
// (the whole device-mapper stack), in large chunks.

import type { BlockDevice } from '../block/blockDevice';
import { SECTOR_SIZE, formatSize } from '../base/units';
import { describeSector, fillDemoSector, fillWriteSector } from './pattern';
import type { ShadowModel } from './shadow';

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

export async function verifyLv(device: BlockDevice, shadow: ShadowModel): Promise<VerifyResult> {
  const { vg, lv, extentSizeSectors } = shadow.target;
  const total = device.sizeSectors;
  const expected = new Uint8Array(SECTOR_SIZE);
  const alternative = new Uint8Array(SECTOR_SIZE);
  let mismatches = 0;
  const first: Mismatch[] = [];
  for (let start = 0; start < total; start += CHUNK_SECTORS) {
    const count = Math.min(CHUNK_SECTORS, total - start);
    const data = await device.read(start, count);
    for (let i = 0; i < count; i += 1) {
      const sector = start + i;
      const writeId = shadow.writeIdAt(sector);
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
  const bytesChecked = total * SECTOR_SIZE;
  const summary =
    mismatches === 0
      ? `${vg}/${lv}: ${formatSize(bytesChecked)} checked (${total} sectors, ${shadow.writtenSectors} written by the workload): 0 mismatches.`
      : `${vg}/${lv}: ${mismatches} of ${total} sectors do not hold what was written; first at byte ${first[0].offsetBytes}.`;
  return { vg, lv, bytesChecked, blocksChecked: total, mismatches, firstMismatches: first, summary };
}

/** A write in doubt (issued, never acknowledged: it failed, or the process died) may or may not have landed. */
function matchesInDoubt(shadow: ShadowModel, sector: number, data: Uint8Array, offset: number, scratch: Uint8Array): boolean {
  for (const id of shadow.inDoubtAt(sector)) {
    fillWriteSector(id, sector, scratch);
    if (sameSector(data, offset, scratch)) return true;
  }
  return false;
}

function sameSector(data: Uint8Array, offset: number, expected: Uint8Array): boolean {
  for (let i = 0; i < SECTOR_SIZE; i += 1) if (data[offset + i] !== expected[i]) return false;
  return true;
}
