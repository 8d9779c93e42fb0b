// vgcfgbackup-style export: the VG's metadata in the file form (header first, tabs, size
// comments), for the UI, for diffs and for `vgcfgrestore` by real LVM2.

import type { VolumeGroup } from './model/types';
import { vgToBackupText } from './model/vgCodec';

export interface BackupOptions {
  hostname: string;
  unixTime: number;
  description?: string;
}

export function exportVgBackup(vg: VolumeGroup, options: BackupOptions): string {
  return vgToBackupText(vg, { description: options.description ?? `Created *after* executing 'lvmscope export ${vg.name}'`, creationHost: options.hostname, creationTime: options.unixTime });
}
