// lvmscope's trace of a move (moveTrace.ts), taken the way a client watches the engine: the dm
// event stream (a `dm.list` snapshot, then every `dm.event`, applied with the API's own
// DmStreamFollower) and the `workspace.changed` event of every metadata commit, both from one
// ordered subscription. Every table that goes live (`table-swapped`) or goes away
// (`device-removed`) gives a table state, tagged with the phase of the last commit seen before
// it; every commit also restates the live tables in the new phase, since they stay live into it.
// The metadata states are read afterwards from the first PV's mda ring, as for the kernel.

import { formatTable } from '../../app/dm/table';
import type { MoveOptions, MoveStateView } from '../../app/api/move';
import type { DmStreamEvent } from '../../app/api/dmStream';
import { DmStreamFollower } from '../../app/api/dmStream';
import type { Engine } from '../../app/engine';
import { readMdaRing } from './mdaRing';
import { workspaceImages } from './lvmscopeLvm';
import { newEngine, waitForMoveEnd } from './lvmscope';
import { metadataStates, type MoveTrace, pushTableState, type TableSet, type TableState } from './moveTrace';

export interface LvmscopeTraceRun {
  trace: MoveTrace;
  move: MoveStateView;
}

type Recorded = { kind: 'dm'; event: DmStreamEvent } | { kind: 'commit'; seqno: number };

/** PV devnos → image names (without ".img"), as the kernel side names its disks. */
async function pvNames(engine: Engine): Promise<Map<string, string>> {
  const view = await engine.handlers['workspace.view']({});
  const names = new Map<string, string>();
  for (const vg of view.vgs) for (const pv of vg.pvs) names.set(pv.devno, pv.image.replace(/\.img$/, ''));
  return names;
}

/** The VG's live tables in the follower's devices, device numbers replaced by names. */
function tableSet(follower: DmStreamFollower, vg: string, pvs: Map<string, string>): TableSet {
  const names = new Map(pvs);
  for (const d of follower.devices) names.set(d.devno, d.name);
  const symbolic = (line: string) => line.replace(/\b(\d+:\d+)\b/g, (devno) => names.get(devno) ?? devno);
  const out: TableSet = {};
  for (const d of follower.devices) {
    // The kernel's samples come through the guest's console one trimmed line each, so a target
    // without parameters (`error `) loses its trailing space there; the same is done here.
    if (d.name.startsWith(`${vg}-`) && d.live) out[d.name] = formatTable(d.live).map((line) => symbolic(line).trimEnd()).join('\n');
  }
  return out;
}

/** Replays what was recorded over the snapshot taken before the move started. */
function tableStates(recorded: readonly Recorded[], follower: DmStreamFollower, vg: string, beforeSeqno: number, pvs: Map<string, string>): TableState[] {
  const states: TableState[] = [];
  let phase = 0;
  pushTableState(states, { phase, tables: tableSet(follower, vg, pvs) });
  for (const r of recorded) {
    if (r.kind === 'commit') {
      if (r.seqno <= beforeSeqno + phase) continue;
      phase = r.seqno - beforeSeqno;
      pushTableState(states, { phase, tables: tableSet(follower, vg, pvs) });
      continue;
    }
    if (follower.applyEvents([r.event]).length === 0) continue;
    if (r.event.type === 'table-swapped' || r.event.type === 'device-removed') pushTableState(states, { phase, tables: tableSet(follower, vg, pvs) });
  }
  return states;
}

/**
 * Opens `dir` in a fresh Engine, runs `start` (move.start or move.resume) to the end on the
 * given VG, and returns lvmscope's trace. The engine is disposed before the ring is read.
 */
export async function lvmscopeTrace(dir: string, vg: string, start: (engine: Engine) => Promise<unknown>): Promise<LvmscopeTraceRun> {
  const engine = newEngine();
  const recorded: Recorded[] = [];
  let move: MoveStateView;
  let follower: DmStreamFollower;
  let beforeSeqno: number;
  let pvs: Map<string, string>;
  try {
    engine.subscribe((name, payload) => {
      if (name === 'dm.event') recorded.push({ kind: 'dm', event: payload as DmStreamEvent });
      if (name === 'workspace.changed') {
        const seqno = (payload as { vgs: { name: string; seqno: number }[] }).vgs.find((v) => v.name === vg)?.seqno;
        if (seqno !== undefined) recorded.push({ kind: 'commit', seqno });
      }
    });
    await engine.handlers['workspace.open']({ path: dir });
    pvs = await pvNames(engine);
    const view = await engine.handlers['workspace.view']({});
    beforeSeqno = view.vgs.find((v) => v.name === vg)!.seqno;
    follower = new DmStreamFollower();
    follower.applySnapshot(await engine.handlers['dm.list']({}));
    await start(engine);
    move = await waitForMoveEnd(engine);
  } finally {
    await engine.dispose();
  }
  const tables = tableStates(recorded, follower, vg, beforeSeqno, pvs);
  const ring = readMdaRing(workspaceImages(dir)[0].path, vg);
  return { trace: { states: metadataStates(ring, beforeSeqno), tables }, move };
}

/** lvmscope's trace of `pvmove [--atomic] <source> <destination>` on the lvm2 stack. */
export function lvmscopeMoveTrace(dir: string, request: { vg: string; sources: string[]; destinations: string[]; atomic?: boolean }, options: MoveOptions = {}): Promise<LvmscopeTraceRun> {
  return lvmscopeTrace(dir, request.vg, (engine) => engine.handlers['move.start']({ request: { ...request, alloc: 'normal' }, options: { stack: 'lvm2', ...options } }));
}

/** lvmscope's trace of resuming the move recorded in `vg`'s metadata, on the lvm2 stack. */
export function lvmscopeResumeTrace(dir: string, vg: string, options: MoveOptions = {}): Promise<LvmscopeTraceRun> {
  return lvmscopeTrace(dir, vg, (engine) => engine.handlers['move.resume']({ vg, options: { stack: 'lvm2', ...options } }));
}
