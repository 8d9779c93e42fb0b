// Writing an import spec into an empty workspace: each image is created sparse at the PV's
// size, gets the label pvcreate would write (sector 1, the data area at pe_start, the metadata
// areas, the in-use flag), empty metadata area headers (an ignored area keeps LVM2's ignored
// flag), and then the VG's metadata through the same three-phase commit every lvmscope command
// uses. Only a few KiB per PV are written, so a 64 TiB VG costs nothing. A manifest beside the
// images records where they came from (the rehearsal badge and the exported script read it).

import type { BlockStore, WorkspaceStorage } from '../../block/blockStore';
import { EMPTY_RAW_LOCN, PV_EXT_USED, PV_EXT_VERSION, RAW_LOCN_IGNORED, SECTOR_BYTES, encodeLabelSector, encodeMdaHeader, formatUuid } from '../format/layout';
import { commitMetadata, type MdaTarget } from '../workspace/commit';
import type { ImportSpec, ImportedPv } from './importSpec';

/** The manifest's file name (a dot file: never taken for an image). */
export const IMPORT_MANIFEST = '.lvmscope-import.json';

export interface ImportManifest {
  kind: 'lvmscope-import';
  version: 1;
  vg: string;
  vgId: string;
  /** The seqno of the metadata imported: the exported script checks the real VG still has it. */
  seqno: number;
  /** The host that wrote the metadata (creation_host of the backup or the disks). */
  host: string;
  /** creation_time of that metadata, unix seconds. */
  metadataTime: number;
  /** What was imported: `backup /etc/lvm/backup/vg0` or `devices /dev/sdb /dev/sdc`. */
  source: string;
  /** Unix seconds of the import. */
  importedAt: number;
  pvs: Array<{ key: string; id: string; device: string; image: string }>;
  notes: string[];
}

/** Writes every image of the spec; `diskText` is the metadata text (with its header) to commit. */
export async function writeImport(storage: WorkspaceStorage, spec: ImportSpec, diskText: string): Promise<void> {
  const targets: MdaTarget[] = [];
  const stores: BlockStore[] = [];
  try {
    for (const pv of spec.pvs) {
      const store = await storage.create(pv.image, pv.devSizeBytes);
      stores.push(store);
      targets.push(...(await writePvHeaders(store, pv)));
    }
    await commitMetadata(targets, diskText, spec.vg.seqno);
    for (const store of stores) await store.flush();
  } finally {
    for (const store of stores) await store.close();
  }
}

/** The label and empty metadata area headers of one PV; returns its commit targets. */
async function writePvHeaders(store: BlockStore, pv: ImportedPv): Promise<MdaTarget[]> {
  const label = {
    labelSector: 1,
    pvUuid: pv.id,
    deviceSizeBytes: pv.devSizeBytes,
    dataAreas: [{ offsetBytes: pv.peStartBytes, sizeBytes: 0 }],
    metadataAreas: pv.mdas.map((m) => ({ offsetBytes: m.offsetBytes, sizeBytes: m.sizeBytes })),
    extVersion: PV_EXT_VERSION,
    extFlags: PV_EXT_USED,
    bootloaderAreas: pv.bootloaderAreas,
  };
  await store.write(SECTOR_BYTES, encodeLabelSector(label));
  const targets: MdaTarget[] = [];
  for (const m of pv.mdas) {
    const header = { startBytes: m.offsetBytes, sizeBytes: m.sizeBytes, committed: { ...EMPTY_RAW_LOCN, flags: m.ignored ? RAW_LOCN_IGNORED : 0 }, precommitted: { ...EMPTY_RAW_LOCN } };
    await store.write(m.offsetBytes, encodeMdaHeader(header));
    targets.push({ imageName: pv.image, store, startBytes: m.offsetBytes, sizeBytes: m.sizeBytes, header });
  }
  return targets;
}

export function importManifest(spec: ImportSpec, source: string, importedAt: number): ImportManifest {
  return {
    kind: 'lvmscope-import',
    version: 1,
    vg: spec.vg.name,
    vgId: formatUuid(spec.vg.id),
    seqno: spec.vg.seqno,
    host: spec.header.creationHost ?? 'unknown',
    metadataTime: spec.header.creationTime ?? 0,
    source,
    importedAt,
    pvs: spec.pvs.map((pv) => ({ key: pv.key, id: formatUuid(pv.id), device: pv.device, image: pv.image })),
    notes: spec.notes,
  };
}

export async function writeManifest(storage: WorkspaceStorage, manifest: ImportManifest): Promise<void> {
  const journal = await storage.openJournal(IMPORT_MANIFEST);
  try {
    await journal.append(`${JSON.stringify(manifest, null, 2)}\n`);
  } finally {
    await journal.close();
  }
}

/** The manifest of an imported workspace, or undefined for one that was not imported. */
export async function readManifest(storage: WorkspaceStorage): Promise<ImportManifest | undefined> {
  const text = await storage.readJournal(IMPORT_MANIFEST);
  if (!text) return undefined;
  try {
    const m = JSON.parse(text) as ImportManifest;
    return m.kind === 'lvmscope-import' && Array.isArray(m.pvs) ? m : undefined;
  } catch {
    return undefined;
  }
}

/** The badge a rehearsal workspace carries: "rehearsal of vg0 from db7 2026-11-30". */
export function rehearsalBadge(m: ImportManifest): string {
  const date = m.metadataTime ? new Date(m.metadataTime * 1000).toISOString().slice(0, 10) : 'an unknown date';
  return `rehearsal of ${m.vg} from ${m.host} ${date}`;
}
