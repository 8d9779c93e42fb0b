// Geometry of the device-mapper stack: `dmsetup table` lines parsed into targets, and the
// mapped devices arranged as a tree (the LV on top, the temporary `-orig` device below it,
// the PVs' loop devices at the leaves) from each device's `dependsOn` devnos.
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
}

/** Devices nothing else maps onto are roots; a device used twice appears under each user. */
export function stackTree(devices: readonly DmDeviceView[], pvs: readonly Pick<PvView, 'name' | 'devno'>[]): StackNode[] {
  const byDevno = new Map(devices.map((d) => [d.devno, d]));
  const pvByDevno = new Map(pvs.map((p) => [p.devno, p.name]));
  const used = new Set(devices.flatMap((d) => d.dependsOn));
  const build = (devno: string, depth: number, seen: Set<string>): StackNode => {
    const device = byDevno.get(devno) ?? null;
    const label = device?.name ?? pvByDevno.get(devno) ?? devno;
    const next = new Set(seen).add(devno);
    const children = device && !seen.has(devno) ? device.dependsOn.map((d) => build(d, depth + 1, next)) : [];
    return { devno, label, kind: device ? 'dm' : 'pv', depth, device, children };
  };
  return devices
    .filter((d) => !used.has(d.devno))
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((d) => build(d.devno, 0, new Set()));
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
