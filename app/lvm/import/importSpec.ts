// What an import writes: one image per PV of a real volume group, each with the PV's size,
// pe_start, metadata areas and UUID, plus the VG's metadata. The spec is built from a
// vgcfgbackup file (backupSpec.ts), optionally completed by a `pvs --reportformat json`
// report, or from live PVs read with their exact labels (main/cli/verbs/import.ts). Building it
// checks everything, so a refusal happens before the first byte is written.

import { LvmscopeError } from '../../base/result';
import { MDA_HEADER_BYTES, SECTOR_BYTES, formatUuid, maxTextBytes, type DiskLocn } from '../format/layout';
import { assertValidVg } from '../model/validate';
import type { MetadataHeader } from '../model/vgCodec';
import type { VolumeGroup } from '../model/types';
import { metadataBytes } from '../workspace/commit';

/** One metadata area of an imported PV; `ignored` is LVM2's pvchange --metadataignore y. */
export interface ImportedMda extends DiskLocn {
  ignored: boolean;
}

export interface ImportedPv {
  /** The PV's section name in the metadata ("pv0"). */
  key: string;
  /** 32 characters, no dashes. */
  id: string;
  /** The original device (`/dev/sdc`), from the metadata's hint or the device read. */
  device: string;
  /** The image file that stands in for it (`sdc.img`). */
  image: string;
  devSizeBytes: number;
  peStartBytes: number;
  mdas: ImportedMda[];
  bootloaderAreas: DiskLocn[];
}

export interface ImportSpec {
  vg: VolumeGroup;
  header: MetadataHeader;
  pvs: ImportedPv[];
  /** Sentences about what the import had to assume (shown to the user and kept in the manifest). */
  notes: string[];
}

const fail = (message: string): never => {
  throw new LvmscopeError('INVALID', message);
};

/**
 * The image file name for an original device: `/dev/sdc` → `sdc.img`, `/dev/mapper/mpatha` →
 * `mapper-mpatha.img`; characters a file name should not hold become `_`. Two devices that
 * would share a name get their PV key appended, and a note says so.
 */
export function imageNames(devices: Array<{ key: string; device: string }>, notes: string[]): string[] {
  const base = devices.map((d) => sanitise(d.device) || d.key);
  const counts = new Map<string, number>();
  for (const b of base) counts.set(b.toLowerCase(), (counts.get(b.toLowerCase()) ?? 0) + 1);
  return base.map((b, i) => {
    if ((counts.get(b.toLowerCase()) ?? 0) < 2) return `${b}.img`;
    const name = `${b}-${devices[i].key}.img`;
    notes.push(`${devices[i].device} (${devices[i].key}) shares its name with another PV's device, so its image is ${name}.`);
    return name;
  });
}

function sanitise(device: string): string {
  return device
    .replace(/^\/dev\//, '')
    .replace(/\//g, '-')
    .replace(/[^A-Za-z0-9._+-]/g, '_')
    .replace(/^[.-]+/, '');
}

/** Checks a finished spec: geometry of every PV, metadata that fits its areas, a valid VG. */
export function checkSpec(spec: ImportSpec, diskText: string): void {
  try {
    assertValidVg(spec.vg);
  } catch (e) {
    if (!(e instanceof LvmscopeError)) throw e;
    fail(`The volume group ${spec.vg.name} in it is not consistent (${e.message.replace(/\.$/, '')}), so it cannot be rehearsed.`);
  }
  checkUniqueIds(spec.vg);
  const textBytes = metadataBytes(diskText).length;
  for (const pv of spec.pvs) checkPvGeometry(spec.vg, pv, textBytes);
  if (spec.pvs.every((pv) => pv.mdas.every((m) => m.ignored))) fail(`Every metadata area of ${spec.vg.name} is marked ignored, which LVM2 never allows; check the report's pv_mda_used_count.`);
}

/** LVM2 refuses a VG whose LVs or PVs share an id ("Referenced LV … not listed"); so does the import. */
function checkUniqueIds(vg: VolumeGroup): void {
  const seen = new Map<string, string>();
  for (const [what, id] of [...vg.pvs.map((p) => [`PV ${p.key}`, p.id]), ...vg.lvs.map((l) => [`LV ${l.name}`, l.id])]) {
    const other = seen.get(id);
    if (other) fail(`${other} and ${what} of ${vg.name} carry the same id ${formatUuid(id)}, which LVM2 refuses to read; the metadata was edited by hand or is damaged.`);
    seen.set(id, what);
  }
}

function checkPvGeometry(vg: VolumeGroup, pv: ImportedPv, textBytes: number): void {
  const where = `PV ${pv.key} (${pv.device})`;
  const model = vg.pvs.find((p) => p.id === pv.id)!;
  const dataEnd = pv.peStartBytes + model.peCount * vg.extentSizeSectors * SECTOR_BYTES;
  if (pv.devSizeBytes % SECTOR_BYTES !== 0) fail(`${where} has a device size of ${pv.devSizeBytes} bytes, which is not a whole number of 512-byte sectors.`);
  if (dataEnd > pv.devSizeBytes) fail(`${where} holds ${model.peCount} extents from byte ${pv.peStartBytes}, which end at byte ${dataEnd}, past its device size of ${pv.devSizeBytes} bytes.`);
  for (const [i, m] of pv.mdas.entries()) {
    if (m.sizeBytes < MDA_HEADER_BYTES * 2 || m.offsetBytes < 2048 || m.offsetBytes + m.sizeBytes > pv.devSizeBytes) fail(`${where}: metadata area ${i + 1} (${m.sizeBytes} bytes at byte ${m.offsetBytes}) does not fit on the device.`);
    const overlapsData = m.offsetBytes < dataEnd && pv.peStartBytes < m.offsetBytes + m.sizeBytes;
    if (overlapsData) fail(`${where}: metadata area ${i + 1} (${m.sizeBytes} bytes at byte ${m.offsetBytes}) overlaps its extents (bytes ${pv.peStartBytes}-${dataEnd - 1}).`);
    if (!m.ignored && textBytes > maxTextBytes(m.sizeBytes)) {
      fail(`The metadata of ${vg.name} (${textBytes} bytes) does not fit in ${where}'s ${m.sizeBytes}-byte metadata area ${i + 1}, so the real PV must have a larger one: give the real sizes with --report (pvs --reportformat json --units b -o +pv_mda_size,pv_mda_count,pv_mda_used_count,dev_size,pe_start).`);
    }
  }
}

/** One line per PV for the user: image, original device, size, pe_start, metadata areas. */
export function describePv(pv: ImportedPv): string {
  const mdas = pv.mdas.map((m, i) => `mda${i} ${m.sizeBytes} bytes at ${m.offsetBytes}${m.ignored ? ' (ignored)' : ''}`).join(', ');
  return `${pv.image} <- ${pv.device} (PV ${formatUuid(pv.id)}, ${pv.devSizeBytes} bytes, pe_start ${pv.peStartBytes}, ${mdas})`;
}
