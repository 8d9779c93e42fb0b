// Proves that makeKernelInterruptedMove leaves REAL half-finished pvmove state: the kernel's
// pvmove, killed in mid-copy, leaves metadata that host LVM2 reads as a move in progress
// (lv0's moved segment on the hidden pvmove0 mirror kpv2 → kpv3), a destination that holds
// the copied regions and nothing past them, and a move the kernel itself can resume to the
// end with lv0's bytes intact. How: the cached generated fixture (kernelMove.ts) copied into
// a temp folder; host LVM2 on loop devices; LV bytes compared on the host.

import { closeSync, openSync, readSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingTools } from '../helpers/tools';
import { tempDir } from './fixtures';
import { hostLvm, hostLvPvs, hostLvSegments } from './hostLvm';
import { installedKernel } from './initramfs';
import { kernelReadLv } from './kernelLvm';
import { type KernelInterruptedMove, makeKernelInterruptedMove } from './kernelMove';
import { firstPatternMismatch, lvPattern, SECTOR_BYTES } from './pattern';
import { runInGuest } from './qemu';

const noKernel =
  missingTools('qemu-system-x86_64', 'busybox', 'lvm', 'root', 'losetup') || installedKernel() === null;

function readBytes(file: string, offsetBytes: number, lengthBytes: number): Uint8Array {
  const out = new Uint8Array(lengthBytes);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, out, 0, lengthBytes, offsetBytes);
  } finally {
    closeSync(fd);
  }
  return out;
}

function peStartSectors(move: KernelInterruptedMove, pv: string): number {
  const json = hostLvm(move.images, 'pvs', ['--reportformat', 'json', '--units', 's', '--nosuffix', '-o', 'pv_name,pe_start']);
  const rows = (JSON.parse(json) as { report: { pv: { pv_name: string; pe_start: string }[] }[] }).report[0].pv;
  return Number(rows.find((r) => r.pv_name === pv)!.pe_start);
}

describe.skipIf(noKernel)('a pvmove the kernel started and was killed in the middle of', () => {
  const temps: Array<() => void> = [];
  afterAll(() => temps.splice(0).forEach((remove) => remove()));
  async function interruptedMove(): Promise<KernelInterruptedMove> {
    const t = tempDir();
    temps.push(t.remove);
    return makeKernelInterruptedMove(t.dir);
  }
  // One copy for the tests that only read the images (host LVM2 with activation disabled
  // writes nothing); the test that resumes the move gets its own.
  let readOnlyMove: KernelInterruptedMove;
  beforeAll(async () => {
    readOnlyMove = await interruptedMove();
  });

  it('was killed with part, but not all, of the segment copied', () => {
    const move = readOnlyMove;
    expect(move.regionsInSyncAtKill).toBeGreaterThan(0);
    expect(move.regionsInSyncAtKill).toBeLessThan(move.regionsTotal);
    expect(move.regionSectors * move.regionsTotal).toBe(move.movedExtents * move.extentSectors);
  });

  it('reads in host LVM2 as a move in progress: lv0 on pvmove0, a mirror from kpv2 to kpv3', () => {
    const move = readOnlyMove;
    const segments = hostLvSegments(move.images, move.vgName);
    const lv0 = segments.filter((s) => s.lvName === 'lv0').sort((a, b) => a.segStartPe - b.segStartPe);
    expect(lv0.map((s) => s.peRanges.split(':')[0])).toEqual(['kpv1', 'pvmove0']);
    const pvmove = segments.filter((s) => s.lvName === '[pvmove0]');
    expect(pvmove).toHaveLength(1);
    expect(pvmove[0].lvAttr[0]).toBe('p');
    expect(pvmove[0].peRanges).toBe('kpv2:0-63 kpv3:0-63');
  });

  it('left the copied regions on kpv3 and nothing past the copy', () => {
    const move = readOnlyMove;
    const destination = move.images.find((i) => i.name === move.destinationPv)!;
    const peStart = peStartSectors(move, move.destinationPv);
    const movedBytes = lvPattern(move.vgName, move.lvName, move.extentSectors, move.lvSizeSectors).subarray(
      move.firstMovedLe * move.extentSectors * SECTOR_BYTES,
    );
    const copiedBytes = move.regionsInSyncAtKill * move.regionSectors * SECTOR_BYTES;
    const head = readBytes(destination.path, peStart * SECTOR_BYTES, copiedBytes);
    expect(Buffer.compare(head, movedBytes.subarray(0, copiedBytes))).toBe(0);
    const lastRegionBytes = move.regionSectors * SECTOR_BYTES;
    const tail = readBytes(destination.path, peStart * SECTOR_BYTES + movedBytes.length - lastRegionBytes, lastRegionBytes);
    expect(tail.every((b) => b === 0)).toBe(true);
  });

  it('is resumed and finished by the kernel, leaving lv0 on kpv1, kpv3 with every sector intact', async () => {
    const move = await interruptedMove();
    const run = await runInGuest({
      images: move.images,
      script: `vgchange -ay --poll n ${move.vgName}\npvmove -i 2\nvgchange -an ${move.vgName}\n`,
    });
    expect(run.exitCode, run.console).toBe(0);
    expect(hostLvPvs(move.images, move.vgName, move.lvName)).toEqual(move.finalPvs);
    const bytes = await kernelReadLv(move.images, move.vgName, move.lvName);
    expect(bytes.length).toBe(move.lvSizeSectors * SECTOR_BYTES);
    expect(firstPatternMismatch(bytes, move.vgName, move.lvName, move.extentSectors)).toBeNull();
  });
});
