// Geometry of the move diagram, the identity / mirror overlay of pvmove_outline.txt:
//   row 1  the LV's device and its live targets (identity → -orig | mirror | identity, or
//          plain linear targets before and after a move)
//   row 2  what those targets map onto: the temporary device's original mapping
//          (pv1 | pv2 | pv3), or the PVs directly
//   row 3  the mirror's destination leg (pv4) under the mirror target
// Targets are placed with a piecewise-linear sector scale that gives mirror targets at
// least half of the width, so the region grid inside them stays readable; rows 1 and 2
// share the scale, so a sector lines up vertically in both.
import { scaleLinear } from 'd3-scale';
import type { DmDeviceView, PvView } from '../../app/api/views';
import { devnoLabel, tableTargets, type TableTarget } from './dmStack';

export interface DiagramBox {
  x: number;
  y: number;
  width: number;
  height: number;
  label: string;
  sublabel: string;
  kind: 'identity' | 'mirror' | 'linear' | 'other' | 'pv' | 'device';
  /** For mirror boxes: which mirror of the move this is (index into progress.mirrors). */
  mirrorIndex?: number;
  /** For PV boxes: the PV name (colours). */
  pv?: string;
}

export interface DiagramArrow {
  path: string;
  kind: 'identity' | 'source-leg' | 'destination-leg' | 'linear';
}

export interface DiagramLayout {
  width: number;
  height: number;
  top: DiagramBox;
  targets: DiagramBox[];
  lower: DiagramBox[];
  /** The temporary device's header box over row 2 (null when the LV maps straight onto PVs). */
  lowerDevice: DiagramBox | null;
  destinations: DiagramBox[];
  arrows: DiagramArrow[];
}

export const DIAGRAM_ROWS = { headerY: 0, headerH: 22, targetY: 26, targetH: 150, lowerHeaderY: 214, lowerY: 238, lowerH: 34, destY: 312, destH: 40, height: 360 };

/** The piecewise x scale: mirror targets share at least `mirrorShare` of the width. */
export function sectorScale(targets: readonly TableTarget[], widthPx: number, mirrorShare = 0.55) {
  const total = targets.reduce((n, t) => n + t.lengthSectors, 0) || 1;
  const mirrorSectors = targets.filter((t) => t.type === 'mirror').reduce((n, t) => n + t.lengthSectors, 0);
  const boost = mirrorSectors > 0 && mirrorSectors / total < mirrorShare;
  const weight = (t: TableTarget) => {
    if (!boost) return t.lengthSectors / total;
    const restSectors = total - mirrorSectors;
    return t.type === 'mirror' ? (mirrorShare * t.lengthSectors) / mirrorSectors : ((1 - mirrorShare) * t.lengthSectors) / (restSectors || 1);
  };
  const domain = [0];
  const range = [0];
  for (const t of targets) {
    domain.push(t.startSector + t.lengthSectors);
    range.push(range[range.length - 1] + weight(t) * widthPx);
  }
  return scaleLinear().domain(domain.length > 1 ? domain : [0, 1]).range(range.length > 1 ? range : [0, widthPx]).clamp(true);
}

function kindOf(target: TableTarget, devices: readonly DmDeviceView[]): DiagramBox['kind'] {
  if (target.type === 'mirror') return 'mirror';
  if (target.type !== 'linear') return 'other';
  return devices.some((d) => d.devno === target.devices[0]?.devno) ? 'identity' : 'linear';
}

/** A vertical connector from the bottom of one box to the top of another (d3-shape-like cubic). */
export function connector(x1: number, y1: number, x2: number, y2: number): string {
  const mid = (y1 + y2) / 2;
  return `M${x1},${y1} C${x1},${mid} ${x2},${mid} ${x2},${y2}`;
}

/** Lays out the diagram of `lvDevice` from the live tables of the dm devices. */
const DEST_MIN_WIDTH_PX = 300;

export function diagramLayout(lvDevice: DmDeviceView, devices: readonly DmDeviceView[], pvs: readonly Pick<PvView, 'name' | 'devno'>[], widthPx: number): DiagramLayout {
  const R = DIAGRAM_ROWS;
  const targets = tableTargets(lvDevice.live);
  const x = sectorScale(targets, widthPx);
  const label = (devno: string) => devnoLabel(devno, devices, pvs);
  const top: DiagramBox = { x: 0, y: R.headerY, width: widthPx, height: R.headerH, label: lvDevice.name, sublabel: `${lvDevice.devno} · ${lvDevice.state}`, kind: 'device' };
  let mirrorIndex = 0;
  const targetBoxes = targets.map((t): DiagramBox => {
    const kind = kindOf(t, devices);
    const box: DiagramBox = { x: x(t.startSector), y: R.targetY, width: x(t.startSector + t.lengthSectors) - x(t.startSector), height: R.targetH, label: kind === 'identity' ? 'identity' : t.type, sublabel: t.devices.map((d) => label(d.devno)).join(' + '), kind };
    if (kind === 'mirror') box.mirrorIndex = mirrorIndex++;
    if (kind === 'linear') box.pv = label(t.devices[0]?.devno ?? '');
    return box;
  });
  const temp = devices.find((d) => targets.some((t) => t.devices[0]?.devno === d.devno) && d.devno !== lvDevice.devno) ?? null;
  const lower = lowerRow(targets, temp, devices, pvs, x);
  const lowerDevice: DiagramBox | null = temp ? { x: 0, y: R.lowerHeaderY, width: widthPx, height: R.headerH, label: temp.name, sublabel: temp.deferredRemove ? `${temp.devno} · ${temp.state} (DEFERRED REMOVE)` : `${temp.devno} · ${temp.state} · the LV's original mapping`, kind: 'device' } : null;
  const destinations: DiagramBox[] = [];
  const arrows: DiagramArrow[] = [];
  targets.forEach((t, i) => {
    const box = targetBoxes[i];
    const cx = box.x + box.width / 2;
    const bottom = box.y + box.height;
    if (box.kind === 'mirror') {
      const dest = t.devices[1];
      arrows.push({ path: connector(box.x + box.width * 0.25, bottom, box.x + box.width * 0.25, temp ? R.lowerHeaderY : R.lowerY), kind: 'source-leg' });
      if (dest) {
        // Wide enough for its label ("7:3 · destination leg · 100% written"), centred under the
        // mirror's right half, and kept inside the diagram.
        const width = Math.min(widthPx, Math.max(box.width * 0.5, DEST_MIN_WIDTH_PX));
        const x = Math.max(0, Math.min(widthPx - width, box.x + box.width * 0.75 - width / 2));
        const destBox: DiagramBox = { x, y: R.destY, width, height: R.destH, label: label(dest.devno), sublabel: `${dest.devno} · destination leg`, kind: 'pv', pv: label(dest.devno) };
        destinations.push(destBox);
        arrows.push({ path: connector(box.x + box.width * 0.75, bottom, destBox.x + destBox.width / 2, R.destY), kind: 'destination-leg' });
      }
    } else {
      arrows.push({ path: connector(cx, bottom, cx, temp && box.kind === 'identity' ? R.lowerHeaderY : R.lowerY), kind: box.kind === 'identity' ? 'identity' : 'linear' });
    }
  });
  return { width: widthPx, height: R.height, top, targets: targetBoxes, lower, lowerDevice, destinations, arrows };
}

/** Row 2: the temporary device's own targets (its original mapping), else each linear target's PV. */
function lowerRow(targets: readonly TableTarget[], temp: DmDeviceView | null, devices: readonly DmDeviceView[], pvs: readonly Pick<PvView, 'name' | 'devno'>[], x: (s: number) => number): DiagramBox[] {
  const R = DIAGRAM_ROWS;
  const source = temp ? tableTargets(temp.live) : targets;
  return source.map((t) => {
    const pv = devnoLabel(t.devices[0]?.devno ?? '', devices, pvs);
    const left = x(t.startSector);
    return { x: left, y: R.lowerY, width: x(t.startSector + t.lengthSectors) - left, height: R.lowerH, label: pv, sublabel: t.devices[0] ? `${t.devices[0].devno} @${t.devices[0].offsetSectors}` : t.type, kind: 'pv', pv };
  });
}
