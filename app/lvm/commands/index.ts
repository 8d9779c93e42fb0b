// One entry point for hosts: a command as data, run against a workspace. Every command is a pure
// model change plus a commit (or a direct label write for pvcreate / pvremove).

import type { LvmWorkspace } from '../workspace/workspace';
import type { VgCommitOptions } from '../workspace/vgCommit';
import { pvcreate, pvremove, type PvCreateArgs } from './pvCommands';
import { vgcreate, vgextend, vgreduce, vgremove, vgrename, type VgCreateArgs } from './vgCommands';
import { lvcreate, lvextend, lvreduce, lvremove, lvrename, type LvCreateArgs, type LvResizeArgs } from './lvCommands';

export type LvmCommand =
  | ({ op: 'pvcreate' } & PvCreateArgs)
  | { op: 'pvremove'; image: string }
  | ({ op: 'vgcreate' } & VgCreateArgs)
  | { op: 'vgextend'; vg: string; images: string[]; force?: boolean }
  | { op: 'vgreduce'; vg: string; pvs: string[] }
  | { op: 'vgrename'; vg: string; newName: string }
  | { op: 'vgremove'; vg: string }
  | ({ op: 'lvcreate'; vg: string } & LvCreateArgs)
  | ({ op: 'lvextend'; vg: string; lv: string } & LvResizeArgs)
  | ({ op: 'lvreduce'; vg: string; lv: string } & LvResizeArgs)
  | { op: 'lvrename'; vg: string; lv: string; newName: string }
  | { op: 'lvremove'; vg: string; lv: string };

/** Runs one command; throws LvmscopeError (nothing written) when it is refused. */
export async function runCommand(ws: LvmWorkspace, cmd: LvmCommand, options?: Partial<VgCommitOptions>): Promise<void> {
  switch (cmd.op) {
    case 'pvcreate':
      await pvcreate(ws, cmd);
      return;
    case 'pvremove':
      return pvremove(ws, cmd.image);
    case 'vgcreate':
      await vgcreate(ws, cmd, options);
      return;
    case 'vgextend':
      await vgextend(ws, cmd.vg, cmd.images, options, !!cmd.force);
      return;
    case 'vgreduce':
      await vgreduce(ws, cmd.vg, cmd.pvs, options);
      return;
    case 'vgrename':
      await vgrename(ws, cmd.vg, cmd.newName, options);
      return;
    case 'vgremove':
      return vgremove(ws, cmd.vg);
    case 'lvcreate':
      await lvcreate(ws, cmd.vg, cmd, options);
      return;
    case 'lvextend':
      await lvextend(ws, cmd.vg, cmd.lv, cmd, options);
      return;
    case 'lvreduce':
      await lvreduce(ws, cmd.vg, cmd.lv, cmd, options);
      return;
    case 'lvrename':
      await lvrename(ws, cmd.vg, cmd.lv, cmd.newName, options);
      return;
    case 'lvremove':
      await lvremove(ws, cmd.vg, cmd.lv, options);
      return;
  }
}

export { pvcreate, pvremove, vgcreate, vgextend, vgreduce, vgremove, vgrename, lvcreate, lvextend, lvreduce, lvremove, lvrename };
export { planLvCreate, planLvExtend, planLvReduce, planLvRename, planLvRemove, type PlanContext, type LvCreateArgs, type LvResizeArgs } from './lvCommands';
export { planPvLayout, MIN_PV_BYTES, MAX_NEW_IMAGE_BYTES, type PvCreateArgs } from './pvCommands';
export { signaturesOf, planNewPv, writeNewPv, type NewPvPlan } from './newPv';
export { DEFAULT_EXTENT_SIZE_BYTES, type VgCreateArgs } from './vgCommands';
export { validateLvName, validateVgName, newUuid } from './names';
export { allocate, type Allocation, type AllocateRequest } from './allocate';
