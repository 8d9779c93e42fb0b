// The import as one call on any WorkspaceStorage, for hosts without the CLI's hidden-folder
// staging (the engine handler behind "Import a volume group…"): it refuses a folder that holds
// images, builds and checks the spec before writing, and removes every image it created when a
// write fails, so a refusal or a failure leaves the folder as it was.

import { LvmscopeError } from '../../base/result';
import type { WorkspaceStorage } from '../../block/blockStore';
import { diskTextOf, parsePvsReport, specFromBackup } from './backupSpec';
import type { ImportSpec } from './importSpec';
import { IMPORT_MANIFEST as IMPORT_MANIFEST_NAME, importManifest, writeImport, writeManifest, type ImportManifest } from './writeImport';

export { readManifest, rehearsalBadge, IMPORT_MANIFEST, type ImportManifest } from './writeImport';
export { specFromBackup, parsePvsReport } from './backupSpec';
export { specFromDevices } from './deviceSpec';
export { fillImportedLvs } from './fillPattern';

export interface BackupImport {
  backupText: string;
  backupName: string;
  reportText?: string;
  reportName?: string;
  /** Unix seconds, for the manifest. */
  now: number;
}

export async function importBackup(storage: WorkspaceStorage, input: BackupImport): Promise<{ spec: ImportSpec; manifest: ImportManifest }> {
  const existing = await storage.listImages();
  if (existing.length) throw new LvmscopeError('EXISTS', `${storage.location} already holds ${existing.slice(0, 3).join(', ')}; import into a new or empty folder, so no image of yours is overwritten.`);
  const report = input.reportText !== undefined ? parsePvsReport(input.reportText, input.reportName ?? 'the report') : undefined;
  const spec = specFromBackup(input.backupText, input.backupName, report);
  const manifest = importManifest(spec, `backup ${input.backupName}`, input.now);
  try {
    await writeImport(storage, spec, diskTextOf(spec));
    await writeManifest(storage, manifest);
  } catch (e) {
    for (const pv of spec.pvs) await storage.remove(pv.image).catch(() => undefined);
    await storage.removeJournal(IMPORT_MANIFEST_NAME).catch(() => undefined);
    throw e;
  }
  return { spec, manifest };
}
