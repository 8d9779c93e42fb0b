// An import spec from a vgcfgbackup file (/etc/lvm/backup/VG), optionally completed by the
// system's `pvs --reportformat json -o +pv_mda_size,pv_mda_count,pv_mda_used_count,dev_size,pe_start`.
// A backup records each PV's UUID, device hint, dev_size, pe_start and pe_count, but not its
// metadata areas: without the report each PV gets LVM2's layout for its pe_start (one area at
// byte 4096 reaching up to pe_start, which is LVM2's 1 MiB − 4 KiB default when pe_start is
// 1 MiB), and a note says so.

import { LvmscopeError } from '../../base/result';
import { SECTOR_BYTES, type DiskLocn } from '../format/layout';
import { parseVgText, vgToDiskText } from '../model/vgCodec';
import type { PhysicalVolume, VolumeGroup } from '../model/types';
import { checkSpec, imageNames, type ImportSpec, type ImportedMda, type ImportedPv } from './importSpec';

/** mda0 always starts at byte 4096 (sector 8), as pvcreate puts it. */
export const MDA0_OFFSET_BYTES = 4096;
const MiB = 1024 * 1024;

/** What `pvs` reported for one PV (sizes in bytes). */
export interface ReportedPv {
  name: string;
  uuid?: string;
  devSizeBytes?: number;
  peStartBytes?: number;
  mdaSizeBytes?: number;
  mdaCount?: number;
  mdaUsedCount?: number;
}

const invalid = (message: string): never => {
  throw new LvmscopeError('INVALID', message);
};

/** Parses the backup text; the sentence names `fileName` and says what is wrong with it. */
export function parseBackup(text: string, fileName: string): { vg: VolumeGroup; header: ImportSpec['header'] } {
  if (!/contents\s*=\s*"Text Format Volume Group"/.test(text)) {
    invalid(`${fileName} is not an LVM2 volume group backup (a vgcfgbackup file such as /etc/lvm/backup/VG starts with contents = "Text Format Volume Group").`);
  }
  try {
    return parseVgText(text);
  } catch (e) {
    if (!(e instanceof LvmscopeError)) throw e;
    return invalid(`${fileName} is truncated or garbled, so it cannot be imported: ${e.message.replace(/\.$/, '')}.`);
  }
}

/** The backup's VG as images: sizes from the backup, metadata areas from the report or LVM2's rule. */
export function specFromBackup(text: string, fileName: string, report?: ReportedPv[]): ImportSpec {
  const { vg, header } = parseBackup(text, fileName);
  const notes: string[] = [];
  const reported = vg.pvs.map((pv) => reportFor(pv, report));
  const missingSize = vg.pvs.filter((pv, i) => !pv.devSizeSectors && !reported[i]?.devSizeBytes);
  if (missingSize.length) {
    invalid(`${fileName} records no device size (dev_size) for ${missingSize.map((p) => `${p.key} (${p.deviceHint ?? 'no device'})`).join(', ')}; give the sizes with --report (pvs --reportformat json --units b -o +dev_size,pe_start,pv_mda_size,pv_mda_count).`);
  }
  if (report && reported.some((r) => !r)) {
    notes.push(`The report names no PV for ${vg.pvs.filter((_p, i) => !reported[i]).map((p) => p.deviceHint ?? p.key).join(', ')}; LVM2's default metadata layout was assumed there.`);
  }
  if (!report) {
    notes.push("A backup does not record metadata areas: each PV got one area at byte 4096 reaching up to its pe_start (LVM2's layout: 1020 KiB when pe_start is 1 MiB). Give the real counts and sizes with --report (pvs --reportformat json -o +pv_mda_size,pv_mda_count,pv_mda_used_count).");
  }
  const names = imageNames(vg.pvs.map((pv) => ({ key: pv.key, device: pv.deviceHint ?? '' })), notes);
  const pvs = vg.pvs.map((pv, i) => importedPv(pv, names[i], reported[i]));
  const spec: ImportSpec = { vg, header, pvs, notes };
  checkSpec(spec, diskTextOf(spec));
  return spec;
}

/** The metadata as the images hold it: the backup's VG, its header's host and time. */
export function diskTextOf(spec: ImportSpec): string {
  return vgToDiskText(spec.vg, {
    description: `Write from lvmscope import (a rehearsal copy of ${spec.vg.name}).`,
    creationHost: spec.header.creationHost ?? 'unknown',
    creationTime: spec.header.creationTime ?? 0,
  });
}

function reportFor(pv: PhysicalVolume, report: ReportedPv[] | undefined): ReportedPv | undefined {
  if (!report) return undefined;
  return report.find((r) => r.uuid && r.uuid.replace(/-/g, '') === pv.id) ?? report.find((r) => !r.uuid && pv.deviceHint !== undefined && r.name === pv.deviceHint);
}

function importedPv(pv: PhysicalVolume, image: string, reported: ReportedPv | undefined): ImportedPv {
  const devSizeBytes = reported?.devSizeBytes ?? pv.devSizeSectors * SECTOR_BYTES;
  const peStartBytes = pv.peStartSectors * SECTOR_BYTES;
  return { key: pv.key, id: pv.id, device: pv.deviceHint ?? pv.key, image, devSizeBytes, peStartBytes, mdas: mdaLayout(devSizeBytes, peStartBytes, reported), bootloaderAreas: bootloaderArea(pv) };
}

/**
 * LVM2's placement (checked with pvcreate --pvmetadatacopies 2 [--metadatasize]): mda0 at byte
 * 4096 up to pe_start; mda1, when there are two, the last N MiB of the device, N being the
 * requested size rounded up to MiB. `pvs` reports the smaller of the two as pv_mda_size.
 */
export function mdaLayout(devSizeBytes: number, peStartBytes: number, reported?: ReportedPv): ImportedMda[] {
  const mda0Size = peStartBytes - MDA0_OFFSET_BYTES;
  const count = reported?.mdaCount ?? 1;
  const mdas: ImportedMda[] = [];
  if (count >= 1) mdas.push({ offsetBytes: MDA0_OFFSET_BYTES, sizeBytes: mda0Size, ignored: false });
  if (count >= 2) {
    const smallest = reported?.mdaSizeBytes ?? mda0Size;
    const size = smallest < mda0Size ? smallest : Math.ceil(smallest / MiB) * MiB;
    mdas.push({ offsetBytes: devSizeBytes - size, sizeBytes: size, ignored: false });
  }
  // pvchange --metadataignore y marks every area of the PV; a partial count marks the last ones.
  const ignored = reported?.mdaUsedCount !== undefined ? Math.max(0, mdas.length - reported.mdaUsedCount) : 0;
  for (let i = mdas.length - ignored; i < mdas.length; i++) mdas[i].ignored = true;
  return mdas;
}

/** `ba_start`/`ba_size` (sectors) of a PV made with --bootloaderareasize. */
function bootloaderArea(pv: PhysicalVolume): DiskLocn[] {
  const num = (key: string) => {
    const v = pv.extra.find((n) => n.key === key)?.value;
    return v?.kind === 'int' ? Number(v.value) : 0;
  };
  const start = num('ba_start');
  const size = num('ba_size');
  return start > 0 && size > 0 ? [{ offsetBytes: start * SECTOR_BYTES, sizeBytes: size * SECTOR_BYTES }] : [];
}

// ---------------------------------------------------------------------------------------------
// The pvs report

/**
 * Rows of `pvs --reportformat json` with sizes in bytes (`--units b`, with or without a
 * suffix) or LVM2's units (`1020.00k`: lower case 1024-based, upper case 1000-based). A size
 * LVM2 rounded for display (`<63.99g`) is refused: it would give the image a wrong size.
 */
export function parsePvsReport(text: string, fileName: string): ReportedPv[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return invalid(`${fileName} is not a JSON report; make it with pvs --reportformat json --units b -o +pv_uuid,pv_mda_size,pv_mda_count,pv_mda_used_count,dev_size,pe_start.`);
  }
  const report = (json as { report?: Array<{ pv?: Array<Record<string, unknown>> }> }).report;
  const rows = Array.isArray(report) ? report.flatMap((r) => (Array.isArray(r?.pv) ? r.pv : [])) : [];
  if (!rows.length) invalid(`${fileName} holds no "pv" rows; make it with pvs --reportformat json --units b -o +pv_uuid,pv_mda_size,pv_mda_count,pv_mda_used_count,dev_size,pe_start.`);
  return rows.map((row) => reportedPv(row, fileName));
}

function reportedPv(row: Record<string, unknown>, fileName: string): ReportedPv {
  const name = String(row.pv_name ?? '');
  const size = (key: string) => (row[key] === undefined || row[key] === '' ? undefined : reportSize(String(row[key]), `${key} of ${name} in ${fileName}`));
  const count = (key: string) => (row[key] === undefined || row[key] === '' ? undefined : Number(row[key]));
  const out: ReportedPv = { name, uuid: row.pv_uuid ? String(row.pv_uuid) : undefined, devSizeBytes: size('dev_size'), peStartBytes: size('pe_start'), mdaSizeBytes: size('pv_mda_size'), mdaCount: count('pv_mda_count'), mdaUsedCount: count('pv_mda_used_count') };
  for (const [k, v] of Object.entries({ pv_mda_count: out.mdaCount, pv_mda_used_count: out.mdaUsedCount })) {
    if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > 2)) invalid(`${k} of ${name} in ${fileName} is ${String(row[k])}; LVM2 PVs have 0, 1 or 2 metadata areas.`);
  }
  return out;
}

const UNIT_POWERS: Record<string, number> = { k: 1, m: 2, g: 3, t: 4, p: 5, e: 6 };

/** `1048576`, `1048576B`, `1020.00k`, `64.00m`, `2048s` → bytes. */
export function reportSize(text: string, what: string): number {
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*([bBsSkKmMgGtTpPeE]?)\s*$/.exec(text);
  if (!m) {
    const rounded = /^[<>]/.test(text.trim());
    return invalid(rounded ? `${what} is ${text}, a size LVM2 rounded for display; make the report with --units b so it gives exact bytes.` : `${what} is '${text}', not a size.`);
  }
  const unit = m[2];
  const scale = unit === '' || unit === 'b' || unit === 'B' ? 1 : unit === 's' || unit === 'S' ? SECTOR_BYTES : (unit === unit.toLowerCase() ? 1024 : 1000) ** UNIT_POWERS[unit.toLowerCase()];
  const bytes = Number(m[1]) * scale;
  if (!Number.isSafeInteger(Math.round(bytes)) || Math.abs(bytes - Math.round(bytes)) > 1e-6 * scale) invalid(`${what} is ${text}, not a whole number of bytes; make the report with --units b.`);
  return Math.round(bytes);
}
