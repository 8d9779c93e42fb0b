// Extent allocation for lvcreate / lvextend. Policies (as far as linear LVs are concerned):
//   contiguous  all new extents in one free run, right after the LV's last extent when extending;
//   normal      prefer extending the last run in place, then one free run that fits, then free
//               runs in PV order (fewest segments for simple cases);
//   anywhere    like normal (the difference matters only for parallel areas, not linear).
// Only ALLOCATABLE PVs are used. The result is a list of PE runs; the caller turns them into
// segments.

import { LvmscopeError } from '../../base/result';
import { freeExtentCount, pvExtentMaps, type PeRun } from '../model/extentMap';
import type { AllocationPolicy, VolumeGroup } from '../model/types';

export interface Allocation {
  pvId: string;
  pe: number;
  count: number;
}

export interface AllocateRequest {
  extents: number;
  policy: AllocationPolicy;
  /** Candidate PVs in order; all allocatable PVs of the VG when absent. */
  pvIds?: string[];
  /** When extending: where the LV's last extent is, to continue right after it. */
  after?: { pvId: string; pe: number };
}

export function allocate(vg: VolumeGroup, req: AllocateRequest): Allocation[] {
  const candidates = (req.pvIds ?? vg.pvs.map((p) => p.id)).filter((id) => vg.pvs.find((p) => p.id === id)?.status.includes('ALLOCATABLE'));
  const maps = pvExtentMaps(vg);
  const runs: Allocation[] = [];
  for (const id of candidates) for (const r of maps.find((m) => m.pvId === id)?.free ?? []) runs.push({ pvId: id, pe: r.pe, count: r.count });
  const available = runs.reduce((n, r) => n + r.count, 0);
  const scope = req.pvIds ? ` on the chosen PVs` : '';
  if (available < req.extents) {
    const elsewhere = req.pvIds ? ', name more PVs' : '';
    throw new LvmscopeError('NO_SPACE', `${vg.name} has ${available} free extent${available === 1 ? '' : 's'}${scope}; ${req.extents} needed. Ask for a smaller size (at most ${available} extent${available === 1 ? '' : 's'})${elsewhere} or add a PV to ${vg.name} with vgextend.`);
  }
  const adjacent = req.after ? runs.find((r) => r.pvId === req.after!.pvId && r.pe === req.after!.pe + 1) : undefined;
  if (req.policy === 'contiguous') return [contiguousRun(vg, runs, req, adjacent)];
  return greedy(runs, req.extents, adjacent);
}

function contiguousRun(vg: VolumeGroup, runs: Allocation[], req: AllocateRequest, adjacent: Allocation | undefined): Allocation {
  if (req.after) {
    if (adjacent && adjacent.count >= req.extents) return { ...adjacent, count: req.extents };
    throw new LvmscopeError('NO_SPACE', `${vg.name} has no ${req.extents} free extents right after the LV's last extent, which the contiguous policy needs.`);
  }
  const fit = runs.find((r) => r.count >= req.extents);
  if (!fit) throw new LvmscopeError('NO_SPACE', `${vg.name} has no run of ${req.extents} contiguous free extents (largest: ${Math.max(0, ...runs.map((r) => r.count))}).`);
  return { ...fit, count: req.extents };
}

function greedy(runs: Allocation[], needed: number, adjacent: Allocation | undefined): Allocation[] {
  const out: Allocation[] = [];
  let left = needed;
  const take = (r: Allocation) => {
    const n = Math.min(left, r.count);
    out.push({ pvId: r.pvId, pe: r.pe, count: n });
    left -= n;
  };
  if (adjacent) take(adjacent);
  if (left === 0) return out;
  const rest = runs.filter((r) => r !== adjacent);
  const fit = rest.find((r) => r.count >= left);
  if (fit) {
    take(fit);
    return out;
  }
  for (const r of rest) {
    if (left === 0) break;
    take(r);
  }
  return out;
}

export { freeExtentCount };
export type { PeRun };
