// Rehearsals in the engine (issue 18): writing an imported volume group into a new workspace
// folder, reading an imported workspace's badge, and writing a planned move as the bash script
// for the real system. The CLI verbs `import` and `export-script` do the same from the command
// line (main/cli/verbs); this is what the UI's engine methods call.

import { LvmscopeError } from '../base/result';
import type { WorkspaceStorage } from '../block/blockStore';
import type { MovePlanView } from '../api/move';
import type { ImportParams, RehearsalView } from '../api/rehearsal';
import type { WorkspaceView } from '../api/views';
import { diskTextOf, parsePvsReport, specFromBackup } from '../lvm/import/backupSpec';
import type { ImportSpec } from '../lvm/import/importSpec';
import { IMPORT_MANIFEST, importManifest, readManifest, rehearsalBadge, writeImport, writeManifest, type ImportManifest } from '../lvm/import/writeImport';
import type { VolumeGroup } from '../lvm/model/types';
import { differences, moveScript, type ScriptInput } from '../pvmove/script';

/** How much demo pattern an import writes into the LVs, as the CLI's default (--data-budget). */
export const IMPORT_DATA_BUDGET = 256 * 1024 * 1024;

/** Parses the backup (and report) before anything is written: bad text writes nothing. */
export function importSpecOf(params: ImportParams): { spec: ImportSpec; source: string } {
  const report = params.report ? parsePvsReport(params.report.text, params.report.name) : undefined;
  const spec = specFromBackup(params.backup.text, params.backup.name, report);
  return { spec, source: `backup ${params.backup.name}${params.report ? ` with report ${params.report.name}` : ''}` };
}

/** Refuses a folder that already holds files lvmscope would take for images. */
export async function checkEmptyFolder(storage: WorkspaceStorage, path: string): Promise<void> {
  const held = await storage.listImages();
  if (held.length === 0) return;
  const named = held.slice(0, 3).join(', ') + (held.length > 3 ? '…' : '');
  throw new LvmscopeError('EXISTS', `${path} is not empty (it holds ${named}); import into a new or empty folder, so no image of yours is overwritten.`);
}

/** Writes the images and the manifest; on a failure removes what it wrote, so the folder is left empty. */
export async function writeImportedWorkspace(storage: WorkspaceStorage, spec: ImportSpec, source: string, importedAt: number): Promise<void> {
  try {
    await writeImport(storage, spec, diskTextOf(spec));
    await writeManifest(storage, importManifest(spec, source, importedAt));
  } catch (e) {
    for (const name of await storage.listImages().catch(() => [])) await storage.remove(name).catch(() => undefined);
    await storage.removeJournal(IMPORT_MANIFEST).catch(() => undefined);
    throw e;
  }
}

export async function rehearsalOf(storage: WorkspaceStorage): Promise<RehearsalView> {
  const manifest = await readManifest(storage);
  return manifest ? { badge: rehearsalBadge(manifest), source: manifest.source } : { badge: null, source: null };
}

export interface ScriptContext {
  plan: MovePlanView;
  vg: VolumeGroup;
  view: WorkspaceView;
  manifest: ImportManifest | undefined;
  rateBytesPerSec?: number;
  generatedAt: string;
  workspace: string;
}

/** The plan as the script export-script writes, with the real device names of an imported VG. */
export function scriptOf(c: ScriptContext): { script: string; fileName: string; differences: string[] } {
  const vgName = c.vg.name;
  const imported = c.manifest && c.manifest.vg === vgName ? c.manifest : undefined;
  const input: ScriptInput = {
    plan: c.plan,
    vg: c.vg,
    devices: deviceMap(c.view, vgName, imported),
    ...(c.rateBytesPerSec ? { rate: { bytesPerSec: c.rateBytesPerSec, source: 'the copy rate set in lvmscope' } } : {}),
    ...(imported ? { seqno: imported.seqno, badge: rehearsalBadge(imported) } : {}),
    generatedAt: c.generatedAt,
    workspace: c.workspace,
  };
  return { script: moveScript(input), fileName: `${vgName}-pvmove.sh`, differences: differences(input) };
}

/**
 * PV name in the plan → the real device: the import's record of the original devices, else
 * /dev/<name> (as export-script does).
 */
function deviceMap(view: WorkspaceView, vg: string, manifest: ImportManifest | undefined): Map<string, string> {
  const pvs = view.vgs.find((v) => v.name === vg)?.pvs ?? [];
  return new Map(pvs.map((pv) => [pv.name, manifest?.pvs.find((p) => p.image === pv.image)?.device ?? `/dev/${pv.name}`]));
}
