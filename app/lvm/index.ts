/**
 * lvmscope's LVM2 (2.03) layer: real on-disk volume groups in image files.
 *
 * Opening and querying:
 *   const ws = await LvmWorkspace.open(storage, { holder, clock, random, hostname });
 *   ws.listVgs() → OpenVg[] ({ vg, images: Map<pvId, imageName>, missing, readOnly, staleMdas, mdas })
 *   ws.getVg(name), ws.orphans(), ws.problems (typed errors found while scanning, never fatal),
 *   ws.imageOfPv(pvId), ws.labelOf(image), ws.storeOf(image), ws.rescan(), ws.close()
 * Model helpers (pure): lvMapping(vg, lv) resolves LE runs to PV legs through stacked LVs
 *   (pvmove0); pvExtentMaps / freeRuns / freeExtentCount; findPv / findLv; peSector.
 * Changing: runCommand(ws, { op: 'lvcreate', vg, name, extents }) or the named functions
 *   (pvcreate, vgcreate, lvextend, …); each plans a new model (plan* functions are pure) and
 *   commits it with commitVg(ws, newVg, { command, hooks }). The commit protocol phases
 *   (vgWrite → vgPrecommit → vgCommit, vgRevert) are exported for crash tests and pvmove;
 *   CommitHooks run between phases.
 * Export: exportVgBackup(vg, { hostname, unixTime }) gives vgcfgbackup-style text.
 * Errors: LvmscopeError with code CORRUPT (bad bytes/text), INVALID (bad name/argument),
 *   EXISTS, NOT_FOUND, NO_SPACE (extents or metadata area), LOCKED (workspace lock, or an LV
 *   locked by pvmove), STATE (read-only VG, PV in use), UNSUPPORTED (segment types lvmscope
 *   keeps but does not change), IO (read-back mismatch), INTERNAL.
 */

export * from './format/layout';
export { parseConfig, writeConfig, DISK_STYLE, FILE_STYLE, type ConfigNode, type ConfigValue, type ConfigScalar } from './format/configText';
export * from './model/types';
export * from './model/extentMap';
export { vgProblems, assertValidVg } from './model/validate';
export { parseVgText, vgToDiskText, vgToBackupText, vgFromConfig, vgToConfig, type ParsedMetadata, type MetadataHeader, type TextHeader } from './model/vgCodec';
export { LvmWorkspace, type WorkspaceOptions, type WorkspaceProblem, type OrphanPv, type MissingPv, type OpenVg } from './workspace/workspace';
export { vgWrite, vgPrecommit, vgCommit, vgRevert, commitMetadata, placeCopy, type CommitHooks, type PendingCommit, type MdaTarget, type CommitPhase } from './workspace/commit';
export { commitVg, type VgCommitOptions } from './workspace/vgCommit';
export * from './commands/index';
export { exportVgBackup, type BackupOptions } from './backup';
