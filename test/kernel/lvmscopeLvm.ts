// lvmscope's own LVM layer on a workspace folder, and the folder's images as guest disks,
// without an Engine (no device-mapper, no move engine): enough to build a VG as lvmscope writes
// it and hand it to the kernel, so tests that only build images never load the engine.

import { readdirSync } from 'node:fs';
import path from 'node:path';
import { LvmWorkspace, runCommand, type LvmCommand } from '../../app/lvm/index';
import { createNodeHost } from '../../main/host';
import { FolderWorkspaceStorage } from '../../main/node/fileStorage';
import type { GuestImage } from './qemu';

/** Runs LVM2 commands with lvmscope's own LVM layer on the image files of `dir`. */
export async function lvmscopeCommands(dir: string, commands: readonly LvmCommand[]): Promise<void> {
  const host = createNodeHost({ kind: 'test' });
  const ws = await LvmWorkspace.open(new FolderWorkspaceStorage(dir), {
    holder: host.holder ?? 'lvmscope test',
    clock: host.clock,
    random: host.random,
    hostname: host.hostname,
    unixTime: host.unixTime,
  });
  try {
    for (const command of commands) await runCommand(ws, command);
  } finally {
    await ws.close();
  }
}

/** The workspace's image files as guest disks, in lvmscope's (sorted) image order. */
export function workspaceImages(dir: string): GuestImage[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.img'))
    .sort()
    .map((f) => ({ path: path.join(dir, f), name: f.replace(/\.img$/, '') }));
}
