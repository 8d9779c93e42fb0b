// The VG layouts the two-stack tests move, each built by lvmscope's LVM layer into a folder of
// image files, with every LV filled with the fixture pattern (pattern.ts) by writing straight
// into the images where the metadata puts each extent. No device-mapper is needed, so the
// same starting images can be handed to the kernel's pvmove and to lvmscope's.
//
// The layouts cover what makes LVM2's pvmove0 interesting (lvm2-format.md §6):
// - `two-lvs`: two LVs move, so pvmove0 serves two users (LV order, then segment order), and
//   lv0 keeps a part on a PV that does not move;
// - `three-segments`: three runs of one LV on the source (4, 2 and 1 extents), interleaved with
//   runs elsewhere, so pvmove0 has three segments, two checkpoints and contiguous destinations;
// - `mixed-sizes`: 512 KiB extents and segments of 12, 3 and 1 extents (12288, 3072 and 1024
//   sectors): the mirror's region size is 4096 sectors, then reduced to the largest power of
//   two that fits the segment (2048, 1024).
// Each layout also has an `--atomic` variant (`atomicLayout`): the same VG and move, with
// pvmove0 one mirror segment over the hidden pvmove0_mimage_0 (sources) and _1 (destinations).

import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { fail } from '../../app/base/result';
import type { LvmCommand } from '../../app/lvm/index';
import { isStriped, type Segment, type VolumeGroup } from '../../app/lvm/model/types';
import { committedCopy, pvUuidOf, readMdaRing } from './mdaRing';
import { lvmscopeCommands, workspaceImages } from './lvmscopeLvm';
import { SECTOR_BYTES, writePattern } from './pattern';

const MIB = 1024 * 1024;

export interface MoveLayout {
  name: string;
  vg: string;
  extentSectors: number;
  /** lvmscope commands that build the VG from nothing (images pv1.img, pv2.img, …). */
  build: LvmCommand[];
  /** The LVs to fill with the pattern and to check after the move. */
  lvs: string[];
  /** `pvmove <source> <destination>`, by image name without ".img". */
  source: string;
  destination: string;
  /** Segments of pvmove0, for the tests' own sanity checks: extents each. */
  layerSegmentExtents: number[];
  /** `pvmove --atomic` (set only on atomicLayout's variants, so the other layouts' trace cache keys stay as they were). */
  atomic?: true;
  /** The runs an --atomic move's sub-LVs hold (one linear segment each): extents each, in pvmove0's order. */
  atomicRunExtents?: number[];
  /**
   * The destination's write rate while the kernel's move is sampled (kernelTrace.ts): the
   * first segment, whose phase starts at the begin commit rather than at one of pvmove's looks,
   * must take about four seconds to copy, or a loaded machine may not sample it.
   */
  traceWriteBytesPerSecond: number;
  /**
   * The write requests per second of the disks other than the destination and the first (whose
   * header is sampled) while the kernel's move is sampled, when set: LVM2's metadata commits (a
   * few writes to each PV's metadata area, one PV after the other) then take seconds, so
   * the table states between commits that nothing else slows down (an --atomic move's finish
   * writes five commits back to back) last long enough to be sampled.
   */
  traceMetadataWriteOpsPerSecond?: number;
}

function pvs(sizesMiB: number[]): LvmCommand[] {
  return sizesMiB.map((sizeMiB, i): LvmCommand => ({ op: 'pvcreate', image: `pv${i + 1}.img`, sizeBytes: sizeMiB * MIB }));
}

/** Each PV has its data area after 1 MiB (metadata) and a spare extent at the end. */
function pvSizesMiB(extentMiB: number, extents: number[]): number[] {
  return extents.map((n) => Math.ceil(1 + (n + 1) * extentMiB));
}

export const TWO_LVS: MoveLayout = {
  name: 'two-lvs',
  vg: 'vg0',
  extentSectors: 8192,
  build: [
    ...pvs(pvSizesMiB(4, [8, 3, 8])),
    { op: 'vgcreate', name: 'vg0', images: ['pv1.img', 'pv2.img', 'pv3.img'], extentSizeBytes: 4 * MIB },
    { op: 'lvcreate', vg: 'vg0', name: 'lv0', extents: 2, pvs: ['pv2.img'] },
    { op: 'lvextend', vg: 'vg0', lv: 'lv0', byExtents: 4, pvs: ['pv1.img'] },
    { op: 'lvcreate', vg: 'vg0', name: 'lv1', extents: 3, pvs: ['pv1.img'] },
  ],
  lvs: ['lv0', 'lv1'],
  source: 'pv1',
  destination: 'pv3',
  layerSegmentExtents: [4, 3],
  traceWriteBytesPerSecond: 4 * MIB,
};

export const THREE_SEGMENTS: MoveLayout = {
  name: 'three-segments',
  vg: 'vg0',
  extentSectors: 8192,
  build: [
    ...pvs(pvSizesMiB(4, [7, 2, 7])),
    { op: 'vgcreate', name: 'vg0', images: ['pv1.img', 'pv2.img', 'pv3.img'], extentSizeBytes: 4 * MIB },
    { op: 'lvcreate', vg: 'vg0', name: 'lv0', extents: 4, pvs: ['pv1.img'] },
    { op: 'lvextend', vg: 'vg0', lv: 'lv0', byExtents: 1, pvs: ['pv2.img'] },
    { op: 'lvextend', vg: 'vg0', lv: 'lv0', byExtents: 2, pvs: ['pv1.img'] },
    { op: 'lvextend', vg: 'vg0', lv: 'lv0', byExtents: 1, pvs: ['pv2.img'] },
    { op: 'lvextend', vg: 'vg0', lv: 'lv0', byExtents: 1, pvs: ['pv1.img'] },
  ],
  lvs: ['lv0'],
  source: 'pv1',
  destination: 'pv3',
  layerSegmentExtents: [4, 2, 1],
  traceWriteBytesPerSecond: 4 * MIB,
};

export const MIXED_SIZES: MoveLayout = {
  name: 'mixed-sizes',
  vg: 'vg0',
  extentSectors: 1024,
  build: [
    ...pvs(pvSizesMiB(0.5, [16, 2, 16])),
    { op: 'vgcreate', name: 'vg0', images: ['pv1.img', 'pv2.img', 'pv3.img'], extentSizeBytes: MIB / 2 },
    { op: 'lvcreate', vg: 'vg0', name: 'lv0', extents: 12, pvs: ['pv1.img'] },
    { op: 'lvextend', vg: 'vg0', lv: 'lv0', byExtents: 2, pvs: ['pv2.img'] },
    { op: 'lvextend', vg: 'vg0', lv: 'lv0', byExtents: 3, pvs: ['pv1.img'] },
    { op: 'lvcreate', vg: 'vg0', name: 'lv1', extents: 1, pvs: ['pv1.img'] },
  ],
  lvs: ['lv0', 'lv1'],
  source: 'pv1',
  destination: 'pv3',
  layerSegmentExtents: [12, 3, 1],
  traceWriteBytesPerSecond: 1.5 * MIB,
};

export const MOVE_LAYOUTS: readonly MoveLayout[] = [TWO_LVS, THREE_SEGMENTS, MIXED_SIZES];

/**
 * The same VG and move with `pvmove --atomic`: pvmove0 is then one mirror segment over all the
 * moved extents (the runs become the sub-LVs' segments), copied in one go, so the whole move
 * must still take a few seconds at the layout's trace write rate to be sampled.
 */
export function atomicLayout(layout: MoveLayout): MoveLayout {
  const all = layout.layerSegmentExtents.reduce((a, b) => a + b, 0);
  return { ...layout, name: `${layout.name}-atomic`, atomic: true, layerSegmentExtents: [all], atomicRunExtents: layout.layerSegmentExtents, traceMetadataWriteOpsPerSecond: 1 };
}

export const ATOMIC_LAYOUTS: readonly MoveLayout[] = [atomicLayout(TWO_LVS), atomicLayout(THREE_SEGMENTS)];

/** The committed metadata of the layout's VG, read from the first image of `dir`. */
export function committedVg(dir: string, layout: MoveLayout): VolumeGroup {
  return committedCopy(readMdaRing(workspaceImages(dir)[0].path, layout.vg)).vg;
}

/** Writes the pattern of one linear LV segment into the image of its PV. */
function fillSegment(images: Map<string, string>, vg: VolumeGroup, lvName: string, seg: Segment): void {
  if (!isStriped(seg) || seg.stripes.length !== 1) return fail('STATE', `${lvName}: only linear segments are filled by this helper.`);
  const area = seg.stripes[0];
  if (area.kind !== 'pv') return fail('STATE', `${lvName}: a segment on another LV cannot be filled directly.`);
  const pv = vg.pvs.find((p) => p.id === area.pvId) ?? fail('STATE', `${lvName}: a segment lies on an unknown PV.`);
  const image = images.get(pv.id) ?? fail('NOT_FOUND', `no image holds PV ${pv.key} of ${vg.name}.`);
  const E = vg.extentSizeSectors;
  const sectors = seg.extentCount * E;
  const buffer = new Uint8Array(sectors * SECTOR_BYTES);
  writePattern(buffer, vg.name, lvName, E, seg.startExtent * E, sectors);
  const fd = openSync(image, 'r+');
  try {
    writeSync(fd, buffer, 0, buffer.length, (pv.peStartSectors + area.pe * E) * SECTOR_BYTES);
  } finally {
    closeSync(fd);
  }
}

/** Builds the layout in `dir` with lvmscope's LVM layer and fills every LV with the pattern. */
export async function buildLayout(dir: string, layout: MoveLayout): Promise<void> {
  await lvmscopeCommands(dir, layout.build);
  const vg = committedVg(dir, layout);
  const images = new Map(workspaceImages(dir).map((img) => [pvUuidOf(img.path), img.path]));
  for (const lvName of layout.lvs) {
    const lv = vg.lvs.find((l) => l.name === lvName) ?? fail('NOT_FOUND', `${layout.name}: no LV ${lvName}.`);
    for (const seg of lv.segments) fillSegment(images, vg, lvName, seg);
  }
}

/**
 * Every byte of an LV read straight from the image files where the committed metadata puts
 * each extent (no device-mapper): for checking a finished move, whose LVs are all linear.
 */
export function readLvFromImages(dir: string, layout: MoveLayout, lvName: string): Uint8Array {
  const vg = committedVg(dir, layout);
  const images = new Map(workspaceImages(dir).map((img) => [pvUuidOf(img.path), img.path]));
  const lv = vg.lvs.find((l) => l.name === lvName) ?? fail('NOT_FOUND', `${layout.name}: no LV ${lvName}.`);
  const E = vg.extentSizeSectors;
  const last = lv.segments[lv.segments.length - 1];
  const out = new Uint8Array((last.startExtent + last.extentCount) * E * SECTOR_BYTES);
  for (const seg of lv.segments) {
    if (!isStriped(seg) || seg.stripes.length !== 1 || seg.stripes[0].kind !== 'pv') return fail('STATE', `${lvName}: segment at LE ${seg.startExtent} is not linear on a PV.`);
    const area = seg.stripes[0];
    const pv = vg.pvs.find((p) => p.id === area.pvId) ?? fail('STATE', `${lvName}: a segment lies on an unknown PV.`);
    const fd = openSync(images.get(pv.id) ?? fail('NOT_FOUND', `no image holds PV ${pv.key}.`), 'r');
    try {
      readSync(fd, out, seg.startExtent * E * SECTOR_BYTES, seg.extentCount * E * SECTOR_BYTES, (pv.peStartSectors + area.pe * E) * SECTOR_BYTES);
    } finally {
      closeSync(fd);
    }
  }
  return out;
}
