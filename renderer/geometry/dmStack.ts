// Geometry of the device-mapper stack: the typed tables the engine sends turned into the
// targets the drawings place (with the devices each maps onto), and the mapped devices
// arranged as a tree from each device's `dependsOn` devnos: the LV on top, the device below
// it (the outline's temporary `-orig`, or the lvm2 stack's `pvmove0`, which several LVs can
// share), the PVs' loop devices at the leaves. Nothing here reads dmsetup
// text: the engine sends tables typed, and prints them itself where a person reads them.
import type { MirrorProgressView } from '../../app/api/move';
import { targetDevices, type DmDeviceView, type PvView, type TargetSpecView } from '../../app/api/views';

export interface TableTarget {
  startSector: number;
  lengthSectors: number;
  type: TargetSpecView['type'];
  /** The devices this target maps onto (devnos), in table order: for a mirror, source leg first. */
  devices: ReadonlyArray<{ devno: string; offsetSectors: number }>;
  regionSizeSectors: number | null;
}

/** One typed target as the drawings use it. */
export function tableTarget(spec: TargetSpecView): TableTarget {
  return {
    startSector: spec.startSector,
    lengthSectors: spec.lengthSectors,
    type: spec.type,
    devices: targetDevices(spec),
    regionSizeSectors: spec.type === 'mirror' ? spec.regionSectors : null,
  };
}

export function tableTargets(table: readonly TargetSpecView[] | null): TableTarget[] {
  return (table ?? []).map(tableTarget);
}

export interface StackNode {
  devno: string;
  /** dm name, or the PV name for a loop device holding a PV image. */
  label: string;
  kind: 'dm' | 'pv';
  depth: number;
  device: DmDeviceView | null;
  children: StackNode[];
  /** The last child of its parent: drawn `└─`, the others `├─` (as `dmsetup ls --tree` does). */
  last: boolean;
  /**
   * A device already shown under an earlier user (pvmove0 under its second LV): listed again,
   * as `dmsetup ls --tree` does, but without its children and tables a second time.
   */
  repeat: boolean;
}

/**
 * Devices nothing else maps onto are roots; a device used twice appears under each user, in
 * full the first time only.
 */
export function stackTree(devices: readonly DmDeviceView[], pvs: readonly Pick<PvView, 'name' | 'devno'>[], only?: readonly DmDeviceView[]): StackNode[] {
  const byDevno = new Map(devices.map((d) => [d.devno, d]));
  const pvByDevno = new Map(pvs.map((p) => [p.devno, p.name]));
  const used = new Set(devices.flatMap((d) => d.dependsOn));
  const shown = new Set<string>();
  const build = (devno: string, depth: number, seen: Set<string>, last: boolean): StackNode => {
    const device = byDevno.get(devno) ?? null;
    const label = device?.name ?? pvByDevno.get(devno) ?? devno;
    const next = new Set(seen).add(devno);
    const repeat = device !== null && shown.has(devno);
    shown.add(devno);
    const deps = device && !seen.has(devno) && !repeat ? device.dependsOn : [];
    const children = deps.map((d, i) => build(d, depth + 1, next, i === deps.length - 1));
    return { devno, label, kind: device ? 'dm' : 'pv', depth, device, children, last, repeat };
  };
  const roots = only ?? stackRoots(devices, used);
  return roots.map((d, i) => build(d.devno, 0, new Set(), i === roots.length - 1));
}

const byName = new Intl.Collator();

/** The devices no other device uses, in name order. */
function stackRoots(devices: readonly DmDeviceView[], used: ReadonlySet<string>): DmDeviceView[] {
  return devices.filter((d) => !used.has(d.devno)).sort((a, b) => byName.compare(a.name, b.name));
}

/**
 * The stacks the device panel lists: all of them, or when there are more than `max` (a VG of
 * 10,000 active LVs has 10,000) every one whose root `keep` says matters (a device of the move,
 * a suspended one) and then the others in name order up to `max`; the rest are counted. Only
 * the listed stacks are built: the panel rebuilds them on every dm change, up to 30 times a
 * second, and building all 10,000 trees for the 100 it shows took most of each frame.
 */
export function listedStacks(devices: readonly DmDeviceView[], pvs: readonly Pick<PvView, 'name' | 'devno'>[], max: number, keep: (root: DmDeviceView, byDevno: ReadonlyMap<string, DmDeviceView>) => boolean): { shown: StackNode[]; hidden: number } {
  const roots = stackRoots(devices, new Set(devices.flatMap((d) => d.dependsOn)));
  if (roots.length <= max) return { shown: stackTree(devices, pvs, roots), hidden: 0 };
  const byDevno = new Map(devices.map((d) => [d.devno, d]));
  const kept = new Set(roots.filter((d) => keep(d, byDevno)));
  for (const r of roots) {
    if (kept.size >= max) break;
    kept.add(r);
  }
  const listed = roots.filter((r) => kept.has(r));
  return { shown: stackTree(devices, pvs, listed), hidden: roots.length - listed.length };
}

/** The tree in display order (depth-first), for a flat list with indentation. */
export function flattenTree(roots: readonly StackNode[]): StackNode[] {
  const out: StackNode[] = [];
  const walk = (n: StackNode) => {
    out.push(n);
    n.children.forEach(walk);
  };
  roots.forEach(walk);
  return out;
}

/** A name for any devno: the dm device's name, the PV on that loop device, or the devno. */
export function devnoLabel(devno: string, devices: readonly DmDeviceView[], pvs: readonly Pick<PvView, 'name' | 'devno'>[]): string {
  return devices.find((d) => d.devno === devno)?.name ?? pvs.find((p) => p.devno === devno)?.name ?? devno;
}

/**
 * The mirror targets of a device as the engine's dm views report them (in-sync count and the
 * regions as runs, per mirror), in table order, shaped like the engine's mirror progress. The
 * diagram falls back to it while a mirror is still loaded but the move's copy is finished and
 * checkpointed (the outline's steps 5 to 7, the lvm2 stack's wait before a checkpoint), so the
 * grid stays full instead of going blank while `dmsetup status` still says 64/64.
 * `layerSegmentOf` names the pvmove0 segment a mirror starting at that sector copies (1 when
 * the caller does not know).
 */
export function mirrorsFromStatus(device: DmDeviceView, layerSegmentOf: (targetStartSector: number) => number = () => 1): MirrorProgressView[] {
  const out: MirrorProgressView[] = [];
  for (const sync of device.mirrors) {
    const spec = device.live?.[sync.targetIndex];
    if (!spec || spec.type !== 'mirror') continue;
    out.push({
      device: device.name,
      targetIndex: sync.targetIndex,
      targetStartSector: spec.startSector,
      lengthSectors: spec.lengthSectors,
      regionSizeSectors: spec.regionSectors,
      regionsTotal: sync.regionsTotal,
      regionsCopied: sync.regionsInSync,
      regions: sync.regions,
      intercepted: [],
      sourceLeg: spec.legs[0]?.devno ?? '',
      destinationLeg: spec.legs[1]?.devno ?? '',
      layerSegment: layerSegmentOf(spec.startSector),
    });
  }
  return out;
}
