// Geometry of the device-mapper stack: `dmsetup table` lines parsed into targets, and the
// mapped devices arranged as a tree (the LV on top, the temporary `-orig` device below it,
// the PVs' loop devices at the leaves) from each device's `dependsOn` devnos.
import type { MirrorProgressView } from '../../app/api/move';
import type { DmDeviceView, PvView } from '../../app/api/views';

export interface TableTarget {
  startSector: number;
  lengthSectors: number;
  type: string;
  /** The devices this target maps onto (devnos), in table order: for a mirror, source leg first. */
  devices: Array<{ devno: string; offsetSectors: number }>;
  regionSizeSectors: number | null;
}

const DEVNO = /^\d+:\d+$/;

/** Parses one `dmsetup table` line (`0 8192 linear 7:1 2048`, `… mirror core 1 1024 2 254:1 0 7:3 2048`). */
export function parseTableLine(line: string): TableTarget | null {
  const words = line.trim().split(/\s+/);
  if (words.length < 3) return null;
  const startSector = Number(words[0]);
  const lengthSectors = Number(words[1]);
  if (!Number.isFinite(startSector) || !Number.isFinite(lengthSectors)) return null;
  const type = words[2];
  const args = words.slice(3);
  let regionSizeSectors: number | null = null;
  const devices: TableTarget['devices'] = [];
  if (type === 'mirror') {
    const logArgs = Number(args[1] ?? 0);
    regionSizeSectors = Number(args[2] ?? 0) || null;
    const legs = Number(args[2 + logArgs] ?? 0);
    for (let i = 0; i < legs; i += 1) {
      const at = 3 + logArgs + i * 2;
      devices.push({ devno: args[at], offsetSectors: Number(args[at + 1]) });
    }
  } else {
    // linear, striped, flakey…: every devno followed by its offset.
    for (let i = 0; i < args.length; i += 1) if (DEVNO.test(args[i])) devices.push({ devno: args[i], offsetSectors: Number(args[i + 1] ?? 0) });
  }
  return { startSector, lengthSectors, type, devices, regionSizeSectors };
}

export function parseTable(lines: readonly string[] | null): TableTarget[] {
  return (lines ?? []).map(parseTableLine).filter((t): t is TableTarget => t !== null);
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
}

/** Devices nothing else maps onto are roots; a device used twice appears under each user. */
export function stackTree(devices: readonly DmDeviceView[], pvs: readonly Pick<PvView, 'name' | 'devno'>[]): StackNode[] {
  const byDevno = new Map(devices.map((d) => [d.devno, d]));
  const pvByDevno = new Map(pvs.map((p) => [p.devno, p.name]));
  const used = new Set(devices.flatMap((d) => d.dependsOn));
  const build = (devno: string, depth: number, seen: Set<string>, last: boolean): StackNode => {
    const device = byDevno.get(devno) ?? null;
    const label = device?.name ?? pvByDevno.get(devno) ?? devno;
    const next = new Set(seen).add(devno);
    const deps = device && !seen.has(devno) ? device.dependsOn : [];
    const children = deps.map((d, i) => build(d, depth + 1, next, i === deps.length - 1));
    return { devno, label, kind: device ? 'dm' : 'pv', depth, device, children, last };
  };
  const roots = devices.filter((d) => !used.has(d.devno)).sort((a, b) => a.name.localeCompare(b.name));
  return roots.map((d, i) => build(d.devno, 0, new Set(), i === roots.length - 1));
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
 * The in-sync count of a dm-mirror status line, `12288 8192 mirror 2 254:1 7:3 15/64 1 AA 1 core`
 * (start, length, `mirror`, leg count, legs, in-sync/total regions, …); null for other targets.
 */
export function parseMirrorStatus(line: string): { regionsInSync: number; regionsTotal: number } | null {
  const words = line.trim().split(/\s+/);
  if (words[2] !== 'mirror') return null;
  const legs = Number(words[3]);
  const ratio = /^(\d+)\/(\d+)$/.exec(words[4 + legs] ?? '');
  return ratio ? { regionsInSync: Number(ratio[1]), regionsTotal: Number(ratio[2]) } : null;
}

/**
 * The mirror targets of a device as the kernel reports them (`dmsetup status`), in table order,
 * shaped like the engine's mirror progress: copied regions first (dm-mirror's status gives a
 * count, not which ones). The diagram falls back to it while a mirror is still loaded but the
 * move's copy is finished and checkpointed (steps 5 to 7), so the grid stays full instead of
 * going blank while `dmsetup status` still says 64/64.
 */
export function mirrorsFromStatus(device: DmDeviceView): MirrorProgressView[] {
  const out: MirrorProgressView[] = [];
  const table = parseTable(device.live);
  table.forEach((target, i) => {
    if (target.type !== 'mirror') return;
    const sync = parseMirrorStatus(device.status[i] ?? '');
    if (!sync || sync.regionsTotal <= 0) return;
    const pending = sync.regionsTotal - sync.regionsInSync;
    out.push({
      device: device.name,
      targetStartSector: target.startSector,
      lengthSectors: target.lengthSectors,
      regionSizeSectors: target.regionSizeSectors ?? Math.ceil(target.lengthSectors / sync.regionsTotal),
      regionsTotal: sync.regionsTotal,
      regionsCopied: sync.regionsInSync,
      regions: [
        ...(sync.regionsInSync > 0 ? [{ start: 0, count: sync.regionsInSync, state: 'copied' as const }] : []),
        ...(pending > 0 ? [{ start: sync.regionsInSync, count: pending, state: 'pending' as const }] : []),
      ],
      intercepted: [],
      sourceLeg: target.devices[0]?.devno ?? '',
      destinationLeg: target.devices[1]?.devno ?? '',
    });
  });
  return out;
}
