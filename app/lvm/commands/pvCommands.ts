// pvcreate and pvremove: these write a label and empty metadata areas directly (no VG commit).
// Layout follows pvcreate's defaults (§2): label in sector 1, mda0 at 4 KiB, data at 1 MiB,
// an optional second mda in the last MiB of the device.

import { LvmscopeError } from '../../base/result';
import type { BlockStore } from '../../block/blockStore';
import { DEFAULT_LABEL_SECTOR, DEFAULT_MDA0_OFFSET_BYTES, DEFAULT_PE_START_BYTES, LABEL_SCAN_BYTES, PV_EXT_VERSION, SECTOR_BYTES, encodeLabelSector, scanLabel, formatUuid, type DiskLocn, type PvLabel } from '../format/layout';
import { clearMda } from '../workspace/commit';
import type { LvmWorkspace } from '../workspace/workspace';
import { newUuid } from './names';
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
}

const alignUp = (n: number, a: number) => Math.ceil(n / a) * a;
const alignDown = (n: number, a: number) => Math.floor(n / a) * a;
/** LVM refuses PVs smaller than 2 MiB. */
const MIN_PV_BYTES = 2 * 1024 * 1024;

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
  if (exists) {
    const store = ws.storeOf(args.image);
    if (store.sizeBytes >= LABEL_SCAN_BYTES && scanLabel(await store.read(0, LABEL_SCAN_BYTES)).label) {
      throw new LvmscopeError('EXISTS', `${args.image} is already a PV; remove it with pvremove first.`);
    }
  }
  const pvUuid = newUuid(ws.options.random);
  const sizeBytes = exists ? ws.storeOf(args.image).sizeBytes : args.sizeBytes!;
  const label = planPvLayout(pvUuid, alignDown(sizeBytes, SECTOR_BYTES), args); // validates before creating anything
  const store: BlockStore = exists ? ws.storeOf(args.image) : await ws.storage.create(args.image, args.sizeBytes!);
  await writePvLabel(store, label);
  if (!exists) await store.close();
  await ws.rescan();
  return pvUuid;
}

async function writePvLabel(store: BlockStore, label: PvLabel): Promise<void> {
  // Sectors 1–3 are cleared so no older label survives; sector 0 is left for a boot block.
  await store.write(SECTOR_BYTES, new Uint8Array(LABEL_SCAN_BYTES - SECTOR_BYTES));
  await store.write(label.labelSector * SECTOR_BYTES, encodeLabelSector(label));
  for (const m of label.metadataAreas) {
    await clearMda({ imageName: store.name, store, startBytes: m.offsetBytes, sizeBytes: m.sizeBytes, header: undefined });
  }
  await store.flush();
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
