// pvcreate and pvremove: these write a label and empty metadata areas directly (no VG commit).
// Layout follows pvcreate's defaults (§2): label in sector 1, mda0 at 4 KiB, data at 1 MiB,
// an optional second mda in the last MiB of the device.

import { LvmscopeError } from '../../base/result';
import type { BlockStore } from '../../block/blockStore';
import { DEFAULT_LABEL_SECTOR, DEFAULT_MDA0_OFFSET_BYTES, DEFAULT_PE_START_BYTES, PV_EXT_VERSION, SECTOR_BYTES, formatUuid, type DiskLocn, type PvLabel } from '../format/layout';
import type { LvmWorkspace } from '../workspace/workspace';
import { newUuid } from './names';
import { planNewPv, writeNewPv } from './newPv';
import { damagedPvSentence } from './vgCommands';

export interface PvCreateArgs {
  /** Image file name in the workspace, e.g. "pv5.img". */
  image: string;
  /** Create a new (sparse) image of this size; omit to label an existing image. */
  sizeBytes?: number;
  /** 1 (default) or 2 metadata areas. */
  metadataCopies?: 1 | 2;
  /** Wanted metadata area size (default: what fits before 1 MiB: 1 MiB − 4 KiB). */
  metadataSizeBytes?: number;
  /** pe_start alignment (default 1 MiB). */
  dataAlignmentBytes?: number;
  /** Wipe what the image holds (a filesystem, swap, another PV…), as LVM2's pvcreate -f does. */
  force?: boolean;
}

const alignUp = (n: number, a: number) => Math.ceil(n / a) * a;
const alignDown = (n: number, a: number) => Math.floor(n / a) * a;
/** LVM refuses PVs smaller than 2 MiB. */
export const MIN_PV_BYTES = 2 * 1024 * 1024;

/** The label pvcreate would write for a device of this size. */
export function planPvLayout(pvUuid: string, deviceSizeBytes: number, args: Omit<PvCreateArgs, 'image' | 'sizeBytes'>): PvLabel {
  const alignment = args.dataAlignmentBytes ?? DEFAULT_PE_START_BYTES;
  if (alignment < 4096 || alignment % SECTOR_BYTES !== 0) throw new LvmscopeError('INVALID', `The data alignment must be a multiple of 512 bytes and at least 4 KiB (got ${alignment}).`);
  const wanted = args.metadataSizeBytes ?? DEFAULT_PE_START_BYTES - DEFAULT_MDA0_OFFSET_BYTES;
  const peStartBytes = alignUp(DEFAULT_MDA0_OFFSET_BYTES + wanted, alignment);
  const mdas: DiskLocn[] = [{ offsetBytes: DEFAULT_MDA0_OFFSET_BYTES, sizeBytes: peStartBytes - DEFAULT_MDA0_OFFSET_BYTES }];
  if (args.metadataCopies === 2) {
    const start = alignDown(deviceSizeBytes - peStartBytes, 4096);
    mdas.push({ offsetBytes: start, sizeBytes: deviceSizeBytes - start });
  }
  const dataEnd = args.metadataCopies === 2 ? mdas[1].offsetBytes : deviceSizeBytes;
  if (deviceSizeBytes < MIN_PV_BYTES || dataEnd <= peStartBytes) throw new LvmscopeError('INVALID', `A PV of ${deviceSizeBytes} bytes is too small for this layout; use at least ${Math.max(MIN_PV_BYTES, peStartBytes * 2)} bytes.`);
  return { labelSector: DEFAULT_LABEL_SECTOR, pvUuid, deviceSizeBytes, dataAreas: [{ offsetBytes: peStartBytes, sizeBytes: 0 }], metadataAreas: mdas, extVersion: PV_EXT_VERSION, extFlags: 0, bootloaderAreas: [] };
}

/** Labels a new or existing image as an orphan PV. Returns the PV id. */
export async function pvcreate(ws: LvmWorkspace, args: PvCreateArgs): Promise<string> {
  const exists = ws.imageNames().includes(args.image);
  if (args.sizeBytes !== undefined && exists) throw new LvmscopeError('EXISTS', `${args.image} already exists in ${ws.location}; pick another name or omit the size to label the existing file.`);
  if (args.sizeBytes === undefined && !exists) throw new LvmscopeError('NOT_FOUND', `There is no image named ${args.image} in ${ws.location}; give a size to create it.`);
  if (!exists) checkNewImageName(args.image);
  const pvUuid = newUuid(ws.options.random);
  const sizeBytes = exists ? ws.storeOf(args.image).sizeBytes : checkNewImageSize(args.sizeBytes!);
  const label = planPvLayout(pvUuid, alignDown(sizeBytes, SECTOR_BYTES), args);
  // Every check (layout, and what an existing image holds) runs before anything is created or written.
  const plan = exists ? await planNewPv(ws, args.image, label, 'pvcreate', !!args.force) : { label, wipe: [] };
  const store: BlockStore = exists ? ws.storeOf(args.image) : await ws.storage.create(args.image, sizeBytes);
  try {
    await writeNewPv(store, plan);
  } catch (e) {
    // A new image whose label could not be written (a full disk) is removed: half a PV helps no one.
    if (!exists) await store.close().then(() => ws.storage.remove(args.image));
    throw e;
  }
  if (!exists) await store.close();
  await ws.rescan();
  return pvUuid;
}

/** The largest image pvcreate --size makes: LVM2 counts sectors in 64 bits, lvmscope bytes in a double's exact integers. */
export const MAX_NEW_IMAGE_BYTES = Math.floor(Number.MAX_SAFE_INTEGER / SECTOR_BYTES) * SECTOR_BYTES;

function checkNewImageSize(sizeBytes: number): number {
  if (!Number.isSafeInteger(sizeBytes) || sizeBytes < MIN_PV_BYTES || sizeBytes > MAX_NEW_IMAGE_BYTES) {
    throw new LvmscopeError('INVALID', `A new PV image must be between 2 MiB and 8 PiB (got ${sizeBytes} bytes).`);
  }
  if (sizeBytes % SECTOR_BYTES !== 0) throw new LvmscopeError('INVALID', `A new PV image must be a whole number of 512-byte sectors (got ${sizeBytes} bytes).`);
  return sizeBytes;
}

/** A new image is a plain file name in the workspace folder: no folders, no hidden or special names. */
function checkNewImageName(image: string): void {
  if (!/^[A-Za-z0-9_+-][A-Za-z0-9_.+-]{0,250}$/.test(image)) {
    throw new LvmscopeError('INVALID', `"${image}" is not a usable image file name; use letters, digits and . _ + - (not starting with a dot), like pv5.img.`);
  }
}

/** Removes the label of an orphan PV (the image file stays). */
export async function pvremove(ws: LvmWorkspace, image: string): Promise<void> {
  const label = ws.labelOf(image);
  if (!label) throw new LvmscopeError('NOT_FOUND', `${image} is not a PV.`);
  const owner = ws.listVgs().find((v) => v.vg.pvs.some((p) => p.id === label.pvUuid));
  if (owner) throw new LvmscopeError('STATE', `PV ${formatUuid(label.pvUuid)} (${image}) belongs to VG ${owner.vg.name}; remove it from the VG with vgreduce first.`);
  const damaged = ws.orphans().find((o) => o.image === image && o.damaged);
  if (damaged) throw new LvmscopeError('STATE', damagedPvSentence(damaged));
  const store = ws.storeOf(image);
  await store.write(label.labelSector * SECTOR_BYTES, new Uint8Array(SECTOR_BYTES));
  await store.flush();
  await ws.rescan();
}
