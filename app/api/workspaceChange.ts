// What `workspace.changed` carries: the change of the workspace view since the view before it,
// not the whole view (issue 20). The view of a VG of 10,000 LVs × 5 segments on 64 PVs is
// 14.6 MB of JSON; a metadata commit changes a few of its LVs and PVs (a pvmove checkpoint:
// the moving LV, pvmove0, its source and destination PV), so the whole view on every commit
// cost the engine a 200 ms stringify and the window a 470 ms parse for a few kB of news.
//
// Every view the engine gives out carries a revision (WorkspaceView.revision), and every
// revision after it is announced by one change against the revision before (`base`). A client
// applies a change to the view it holds when `base` is that view's revision; a change it has
// already seen (revision not newer than its own) is ignored; any other means it missed one,
// and it asks for the whole view again (`workspace.view`). `base` 0 is the change from no view
// at all: it holds everything, and applies to whatever a client holds.
//
// LVs and PVs are keyed by name: a change lists the names that went and the items that are
// new or differ, each with its index in the new list; the rest keep their order (and, in a
// client, their objects). A PV whose extent map changed in one place (a pvmove commit turns a
// few of its ~800 runs into `moving`) comes as its fields and that splice of its runs, not as
// its whole map. VG fields (seqno, free count, …) come with every change: they are a few
// hundred bytes, and a commit changes the seqno anyway.

import { z } from 'zod';
import { ExtentRun, LvView, Problem, PvView, VgView, WorkspaceView } from './views';

/** The change of a list of named items: names removed; items new or changed, at their new index. */
function listChange<T extends z.ZodType>(item: T) {
  return z.object({
    removed: z.array(z.string()),
    changed: z.array(z.object({ at: z.number().int().nonnegative(), item })),
  });
}
export interface ListChange<T> {
  removed: string[];
  changed: Array<{ at: number; item: T }>;
}

/** Runs [start, start + remove) of a PV's runs replaced by `insert`. */
export const RunSplice = z.object({
  start: z.number().int().nonnegative(),
  remove: z.number().int().nonnegative(),
  insert: z.array(ExtentRun),
});
export type RunSplice = z.infer<typeof RunSplice>;

/** How the PVs changed: as any list, and PVs whose runs changed in one place as that splice. */
const PvListChange = listChange(PvView).extend({
  spliced: z.array(z.object({ at: z.number().int().nonnegative(), pv: PvView.omit({ runs: true }), runs: RunSplice })).optional(),
});
export type PvListChange = z.infer<typeof PvListChange>;

/** A VG of the new view: its own fields, and how its PV and LV lists changed (against nothing for a new VG). */
export const VgChange = VgView.omit({ pvs: true, lvs: true }).extend({
  pvs: PvListChange,
  lvs: listChange(LvView),
});
export type VgChange = z.infer<typeof VgChange>;

export const WorkspaceChange = z.object({
  path: z.string(),
  /** The revision of the view this change applies to; 0: none (the change holds the whole view). */
  base: z.number().int().nonnegative(),
  /** The revision of the view it makes. */
  revision: z.number().int().positive(),
  /** The image files, when they changed. */
  images: WorkspaceView.shape.images.optional(),
  /** The problems, when they changed. */
  problems: z.array(Problem).optional(),
  /** Every VG of the new view, in order: a VG not listed is gone. */
  vgs: z.array(VgChange),
});
export type WorkspaceChange = z.infer<typeof WorkspaceChange>;

type Named = { name: string };
type JsonValue = unknown;

/**
 * Whether two JSON-shaped values hold the same data (key order aside; an undefined field is
 * no field, as in JSON). Written without allocating: the engine compares every LV of a
 * 10,000-LV view on each commit.
 */
export function sameData(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameData(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  let fields = 0;
  for (const key in ra) {
    if (ra[key] === undefined) continue;
    fields++;
    if (!sameData(ra[key], rb[key])) return false;
  }
  for (const key in rb) if (rb[key] !== undefined) fields--;
  return fields === 0;
}

/**
 * How `before` became `after`. Items that are equal and keep their relative order are left
 * out; when the order of the unchanged items differs (LVM2 never reorders, but a client must
 * end up exact), every item is sent.
 */
export function diffList<T extends Named>(before: readonly T[], after: readonly T[]): ListChange<T> {
  if (sameNames(before, after)) {
    // Nearly every commit: the same items in the same order, a few of them changed.
    const changed: ListChange<T>['changed'] = [];
    for (let at = 0; at < after.length; at++) if (!sameData(before[at], after[at])) changed.push({ at, item: after[at] });
    return { removed: [], changed };
  }
  const old = new Map(before.map((item) => [item.name, item]));
  const now = new Set(after.map((item) => item.name));
  const removed = before.filter((item) => !now.has(item.name)).map((item) => item.name);
  const kept = new Set(after.filter((item) => old.has(item.name) && sameData(old.get(item.name), item)).map((item) => item.name));
  const keptBefore = before.filter((item) => kept.has(item.name));
  const keptAfter = after.filter((item) => kept.has(item.name));
  const inOrder = keptBefore.every((item, i) => keptAfter[i].name === item.name);
  if (!inOrder) kept.clear();
  // Sent items are dropped from the old list before it is merged, so `removed` is the same either way.
  const changed = after.flatMap((item, at) => (kept.has(item.name) ? [] : [{ at, item }]));
  return { removed, changed };
}

function sameNames(a: readonly Named[], b: readonly Named[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i].name !== b[i].name) return false;
  return true;
}

/**
 * The list `change` makes of `before`: the changed items at their indexes, the others kept in
 * their order (the same objects). Throws when the change does not fit the list (it was made
 * against another revision), so a client refetches rather than shows something wrong.
 */
export function applyList<T extends Named>(before: readonly T[], change: ListChange<T>): T[] {
  if (change.removed.length === 0 && change.changed.length === 0) return before as T[];
  const names = new Set(before.map((item) => item.name));
  if (change.removed.some((name) => !names.has(name))) throw new WorkspaceChangeMismatch('it removes items the view does not have');
  const dropped = new Set(change.removed);
  for (const { item } of change.changed) dropped.add(item.name);
  const kept = before.filter((item) => !dropped.has(item.name));
  const out = new Array<T>(kept.length + change.changed.length);
  for (const { at, item } of change.changed) {
    if (at >= out.length || out[at] !== undefined) throw new WorkspaceChangeMismatch(`item ${item.name} at ${at} does not fit a list of ${out.length}`);
    out[at] = item;
  }
  let next = 0;
  for (let i = 0; i < out.length; i++) if (out[i] === undefined) out[i] = kept[next++];
  return out;
}

/** A change that does not fit the view it is applied to. */
export class WorkspaceChangeMismatch extends Error {
  constructor(what: string) {
    super(`The workspace change does not fit the view: ${what}.`);
    this.name = 'WorkspaceChangeMismatch';
  }
}

/** The one place where two run lists differ: what lies between their common start and end. */
function runSplice(before: readonly ExtentRun[], after: readonly ExtentRun[]): RunSplice {
  let start = 0;
  while (start < before.length && start < after.length && sameData(before[start], after[start])) start++;
  let end = 0;
  while (end < before.length - start && end < after.length - start && sameData(before[before.length - 1 - end], after[after.length - 1 - end])) end++;
  return { start, remove: before.length - start - end, insert: after.slice(start, after.length - end) };
}

/** diffList for PVs, with a PV whose runs changed in one place sent as that splice when it is shorter. */
export function diffPvs(before: readonly PvView[], after: readonly PvView[]): PvListChange {
  const change = diffList(before, after);
  if (change.changed.length === 0) return change;
  const old = new Map(before.map((pv) => [pv.name, pv]));
  const whole: ListChange<PvView>['changed'] = [];
  const spliced: NonNullable<PvListChange['spliced']> = [];
  for (const { at, item } of change.changed) {
    const was = old.get(item.name);
    const runs = was ? runSplice(was.runs, item.runs) : null;
    if (!runs || runs.insert.length + runs.remove >= item.runs.length) {
      whole.push({ at, item });
      continue;
    }
    const { runs: _runs, ...pv } = item;
    spliced.push({ at, pv, runs });
  }
  return spliced.length ? { removed: change.removed, changed: whole, spliced } : change;
}

/** applyList for PVs: a spliced PV is its new fields and its old runs with the splice made. */
export function applyPvs(before: readonly PvView[], change: PvListChange): PvView[] {
  if (!change.spliced?.length) return applyList(before, change);
  const old = new Map(before.map((pv) => [pv.name, pv]));
  const rebuilt = change.spliced.map(({ at, pv, runs }) => {
    const was = old.get(pv.name);
    if (!was || runs.start + runs.remove > was.runs.length) throw new WorkspaceChangeMismatch(`the runs of ${pv.name} do not fit the view's`);
    return { at, item: { ...pv, runs: [...was.runs.slice(0, runs.start), ...runs.insert, ...was.runs.slice(runs.start + runs.remove)] } };
  });
  return applyList(before, { removed: change.removed, changed: [...change.changed, ...rebuilt] });
}

function vgFields(vg: VgView): Omit<VgView, 'pvs' | 'lvs'> {
  const { pvs: _pvs, lvs: _lvs, ...fields } = vg;
  return fields;
}

/**
 * The change from `before` (revision `base`; null and 0: no view) to `after`, which becomes
 * revision `revision`.
 */
export function diffWorkspace(before: WorkspaceView | null, after: WorkspaceView, base: number, revision: number): WorkspaceChange {
  const from = base === 0 ? null : before;
  const oldVgs = new Map((from?.vgs ?? []).map((vg) => [vg.name, vg]));
  const change: WorkspaceChange = {
    path: after.path,
    base: from ? base : 0,
    revision,
    vgs: after.vgs.map((vg) => {
      const old = oldVgs.get(vg.name);
      return { ...vgFields(vg), pvs: diffPvs(old?.pvs ?? [], vg.pvs), lvs: diffList(old?.lvs ?? [], vg.lvs) };
    }),
  };
  if (!from || !sameData(from.images, after.images)) change.images = after.images;
  if (!from || !sameData(from.problems, after.problems)) change.problems = after.problems;
  return change;
}

/** Whether a change alters nothing but the revision. */
export function isEmptyChange(change: WorkspaceChange, before: WorkspaceView): boolean {
  if (change.base === 0 || change.path !== before.path || change.images || change.problems) return false;
  if (change.vgs.length !== before.vgs.length) return false;
  return change.vgs.every((vg, i) => {
    const old = before.vgs[i];
    const { pvs, lvs, ...fields } = vg;
    return old.name === vg.name && !pvs.removed.length && !pvs.changed.length && !pvs.spliced?.length && !lvs.removed.length && !lvs.changed.length && sameData(fields, vgFields(old));
  });
}

/**
 * The view `change` makes of `before` (ignored when the change is from no view, base 0).
 * Whatever did not change keeps its object, so a selector of one LV sees nothing happen.
 */
export function applyWorkspaceChange(before: WorkspaceView | undefined, change: WorkspaceChange): WorkspaceView {
  const from = change.base === 0 ? undefined : before;
  if (change.base !== 0 && from?.revision !== change.base) throw new WorkspaceChangeMismatch(`it applies to revision ${change.base}, not ${from?.revision ?? 'none'}`);
  const oldVgs = new Map((from?.vgs ?? []).map((vg) => [vg.name, vg]));
  const vgs = change.vgs.map(({ pvs, lvs, ...fields }): VgView => {
    const old = oldVgs.get(fields.name);
    return { ...fields, pvs: applyPvs(old?.pvs ?? [], pvs), lvs: applyList(old?.lvs ?? [], lvs) };
  });
  const images = change.images ?? from?.images;
  const problems = change.problems ?? from?.problems;
  if (!images || !problems) throw new WorkspaceChangeMismatch('it leaves out the images or problems of a view it does not apply to');
  return { path: change.path, revision: change.revision, images, vgs, problems };
}
