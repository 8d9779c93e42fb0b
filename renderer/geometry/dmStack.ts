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
export function stackTree(devices: readonly DmDeviceView[], pvs: readonly Pick<PvView, 'name' | 'devno'>[]): StackNode[] {
  const index = stackIndex(devices);
  return buildStacks(index.roots.map((i) => devices[i]), (devno) => deviceAt(devices, index, devno), pvs);
}

/** The trees of `roots`, in that order, the devices below them looked up by devno. */
function buildStacks(roots: readonly DmDeviceView[], lookup: (devno: string) => DmDeviceView | undefined, pvs: readonly Pick<PvView, 'name' | 'devno'>[]): StackNode[] {
  const pvByDevno = new Map(pvs.map((p) => [p.devno, p.name]));
  const shown = new Set<string>();
  const build = (devno: string, depth: number, seen: Set<string>, last: boolean): StackNode => {
    const device = lookup(devno) ?? null;
    const label = device?.name ?? pvByDevno.get(devno) ?? devno;
    const next = new Set(seen).add(devno);
    const repeat = device !== null && shown.has(devno);
    shown.add(devno);
    const deps = device && !seen.has(devno) && !repeat ? device.dependsOn : [];
    const children = deps.map((d, i) => build(d, depth + 1, next, i === deps.length - 1));
    return { devno, label, kind: device ? 'dm' : 'pv', depth, device, children, last, repeat };
  };
  return roots.map((d, i) => build(d.devno, 0, new Set(), i === roots.length - 1));
}

/** Where the devices of a list are: each devno's position, and the roots' positions in name order. */
interface StackIndex {
  devices: readonly DmDeviceView[];
  at: ReadonlyMap<string, number>;
  roots: readonly number[];
}

const byName = new Intl.Collator();

function deviceAt(devices: readonly DmDeviceView[], index: StackIndex, devno: string): DmDeviceView | undefined {
  const i = index.at.get(devno);
  return i === undefined ? undefined : devices[i];
}

function stackIndex(devices: readonly DmDeviceView[]): StackIndex {
  const at = new Map(devices.map((d, i) => [d.devno, i]));
  const used = new Set(devices.flatMap((d) => d.dependsOn));
  const roots = [...devices.keys()].filter((i) => !used.has(devices[i].devno)).sort((x, y) => byName.compare(devices[x].name, devices[y].name));
  return { devices, at, roots };
}

/** Whether `next` has the devices of `index` at the same places, each on the same devices: its index holds. */
function sameStructure(index: StackIndex, next: readonly DmDeviceView[]): boolean {
  const before = index.devices;
  if (before.length !== next.length) return false;
  for (let i = 0; i < next.length; i++) {
    const [a, b] = [before[i], next[i]];
    if (a === b) continue;
    if (a.name !== b.name || a.devno !== b.devno || a.dependsOn.length !== b.dependsOn.length || a.dependsOn.some((d, k) => b.dependsOn[k] !== d)) return false;
  }
  return true;
}

/**
 * The stacks the device panel lists: all of them, or when there are more than `max` (a VG of
 * 10,000 active LVs has 10,000) first every one whose root `keep` says matters (a device of the
 * move, a suspended one), then the others in name order up to `max`; the rest are counted. Only
 * the listed stacks are built, and the index of roots and devnos is kept while the devices stay
 * where they are and on the same devices: the panel lists them again on every dm change, up to
 * 30 times a second, and sorting and building all 10,000 trees took most of each frame.
 */
export class ListedStacks {
  private index: StackIndex | null = null;

  constructor(private readonly max: number) {}

  list(devices: readonly DmDeviceView[], pvs: readonly Pick<PvView, 'name' | 'devno'>[], keep: (root: DmDeviceView, lookup: (devno: string) => DmDeviceView | undefined) => boolean): { shown: StackNode[]; hidden: number } {
    if (!this.index || !sameStructure(this.index, devices)) this.index = stackIndex(devices);
    const index = { ...this.index, devices };
    this.index = index;
    const lookup = (devno: string) => deviceAt(devices, index, devno);
    const roots = index.roots.map((i) => devices[i]);
    if (roots.length <= this.max) return { shown: buildStacks(roots, lookup, pvs), hidden: 0 };
    // The busy stacks first: in a VG of 10,000 LVs the move's stack would otherwise sit among
    // a hundred plain linear LVs in name order, below the fold of a panel the viewer watches.
    const busy = roots.filter((d) => keep(d, lookup));
    const kept = new Set(busy);
    const listed = [...busy];
    for (const r of roots) {
      if (listed.length >= this.max) break;
      if (!kept.has(r)) listed.push(r);
    }
    return { shown: buildStacks(listed, lookup, pvs), hidden: roots.length - listed.length };
  }
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
