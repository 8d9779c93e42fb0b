// An import spec from live PVs (`lvmscope import DIR --devices /dev/sdb …`): the devices are
// scanned exactly as workspace images are (label, metadata area headers, committed text, every
// checksum), through stores that can only read. Here nothing is assumed: the label gives
// pe_start, the metadata areas and their ignored flags, and the metadata with the highest seqno
// gives the VG, which must have all its PVs among the devices.

import { LvmscopeError } from '../../base/result';
import { formatUuid } from '../format/layout';
import { parseVgText, vgToDiskText, type ParsedMetadata } from '../model/vgCodec';
import type { ScannedImage } from '../workspace/scan';
import { checkSpec, imageNames, type ImportSpec } from './importSpec';

export interface ScannedDevice {
  /** The path the user gave (`/dev/sdb`). */
  device: string;
  scan: ScannedImage;
  sizeBytes: number;
}

const invalid = (message: string): never => {
  throw new LvmscopeError('INVALID', message);
};

export function specFromDevices(devices: ScannedDevice[]): { spec: ImportSpec; diskText: string } {
  for (const d of devices) {
    if (!d.scan.label) invalid(`${d.device} holds no LVM2 label${d.scan.problems.length ? ` (${d.scan.problems.join(' ')})` : ''}, so it is not a PV; name only the PVs of one volume group.`);
  }
  const newest = newestMetadata(devices);
  const { vg, header } = newest;
  const byUuid = new Map(devices.map((d) => [d.scan.label!.pvUuid, d]));
  const missing = vg.pvs.filter((pv) => !byUuid.has(pv.id));
  if (missing.length) invalid(`VG ${vg.name} also has ${missing.map((p) => `PV ${formatUuid(p.id)} (last seen as ${p.deviceHint ?? 'no device'})`).join(', ')}; add ${missing.length > 1 ? 'them' : 'it'} to --devices so the rehearsal has every PV.`);
  const strays = devices.filter((d) => !vg.pvs.some((pv) => pv.id === d.scan.label!.pvUuid));
  if (strays.length) invalid(`${strays.map((d) => d.device).join(', ')} ${strays.length > 1 ? 'are' : 'is'} not a PV of ${vg.name}; import one volume group at a time.`);
  const notes: string[] = [];
  const ordered = vg.pvs.map((pv) => byUuid.get(pv.id)!);
  const names = imageNames(vg.pvs.map((pv, i) => ({ key: pv.key, device: ordered[i].device })), notes);
  const pvs = vg.pvs.map((pv, i) => {
    const d = ordered[i];
    const label = d.scan.label!;
    return {
      key: pv.key,
      id: pv.id,
      device: d.device,
      image: names[i],
      devSizeBytes: d.sizeBytes,
      peStartBytes: label.dataAreas[0]?.offsetBytes ?? pv.peStartSectors * 512,
      mdas: label.metadataAreas.map((m, j) => ({ ...m, ignored: !!d.scan.mdas[j]?.ignored })),
      bootloaderAreas: label.bootloaderAreas,
    };
  });
  const spec: ImportSpec = { vg, header, pvs, notes };
  const diskText = vgToDiskText(vg, { description: `Write from lvmscope import (a rehearsal copy of ${vg.name}).`, creationHost: header.creationHost ?? 'unknown', creationTime: header.creationTime ?? 0 });
  checkSpec(spec, diskText);
  return { spec, diskText };
}

/** The VG text with the highest seqno on any device (what LVM2 reads too). */
function newestMetadata(devices: ScannedDevice[]): ParsedMetadata {
  let best: ParsedMetadata | undefined;
  const problems: string[] = [];
  for (const d of devices) {
    for (const mda of d.scan.mdas) {
      if (mda.problem) problems.push(mda.problem);
      if (mda.text === undefined) continue;
      let parsed: ParsedMetadata;
      try {
        parsed = parseVgText(mda.text);
      } catch (e) {
        if (!(e instanceof LvmscopeError)) throw e;
        problems.push(`${d.device} metadata area ${mda.index + 1}: ${e.message}`);
        continue;
      }
      if (best && best.vg.id !== parsed.vg.id) invalid(`${d.device} belongs to VG ${parsed.vg.name}, the other devices to ${best.vg.name}; import one volume group at a time.`);
      if (!best || parsed.vg.seqno > best.vg.seqno) best = parsed;
    }
  }
  if (!best) return invalid(`No readable volume group metadata on ${devices.map((d) => d.device).join(', ')}${problems.length ? ` (${problems.join(' ')})` : ''}.`);
  return best;
}
