// Geometry of the move diagram, the identity / mirror overlay of pvmove_outline.txt, drawn
// from what exists at this moment (the dm event stream keeps the devices current):
//   row 1  the LV's device and its targets (identity → -orig | mirror | identity, or plain
//          linear targets before and after a move). A table loaded into the inactive slot
//          (step 3) is drawn in row 1 marked loaded-not-live until a resume swaps it in.
//   row 2  what those targets map onto: the temporary device's original mapping
//          (pv1 | pv2 | pv3) as soon as step 2 created it, or the PVs directly
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
  /** For target boxes: false while the table is only loaded (inactive), not live yet. */
  live?: boolean;
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
  /** The temporary device's header box over row 2 (null when there is none). */
  lowerDevice: DiagramBox | null;
  /** Row 1 shows a table loaded into the inactive slot, which is not live yet. */
  loadedNotLive: boolean;
  destinations: DiagramBox[];
  arrows: DiagramArrow[];
}

// The mirror's row is 130 px (its region grid inside): with the figures above it, the whole
// panel fits a 1280x720 projector beside the current step (issue 16).
export const DIAGRAM_ROWS = { headerY: 0, headerH: 22, targetY: 26, targetH: 130, lowerHeaderY: 194, lowerY: 218, lowerH: 34, destY: 292, destH: 40, height: 340 };

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

/** The LV's temporary device: the device its tables map onto, else the `-orig` device step 2 created. */
function temporaryDevice(lvDevice: DmDeviceView, targets: readonly TableTarget[], devices: readonly DmDeviceView[]): DmDeviceView | null {
  const mapped = devices.find((d) => d.devno !== lvDevice.devno && targets.some((t) => t.devices[0]?.devno === d.devno));
  return mapped ?? devices.find((d) => d.name === `${lvDevice.name}-orig`) ?? null;
}

/** The LV device's header: its devno and state (the queued-IO count and the loaded table have labels of their own). */
function deviceSublabel(d: DmDeviceView): string {
  return `${d.devno} · ${d.state}`;
}

function tempSublabel(temp: DmDeviceView, used: boolean): string {
  if (temp.deferredRemove) return `${temp.devno} · ${temp.state} · marked for removal (DEFERRED REMOVE): it goes once nothing maps onto it`;
  if (!temp.live) return `${temp.devno} · ${temp.state} · created, no table yet`;
  return `${temp.devno} · ${temp.state} · the LV's original mapping${used ? '' : ' (created, not used yet)'}`;
}

export function diagramLayout(lvDevice: DmDeviceView, devices: readonly DmDeviceView[], pvs: readonly Pick<PvView, 'name' | 'devno'>[], widthPx: number): DiagramLayout {
  const R = DIAGRAM_ROWS;
  const loadedNotLive = lvDevice.inactive !== null;
  const targets = tableTargets(lvDevice.inactive ?? lvDevice.live);
  const x = sectorScale(targets, widthPx);
  const label = (devno: string) => devnoLabel(devno, devices, pvs);
  const top: DiagramBox = { x: 0, y: R.headerY, width: widthPx, height: R.headerH, label: lvDevice.name, sublabel: deviceSublabel(lvDevice), kind: 'device' };
  let mirrorIndex = 0;
  const targetBoxes = targets.map((t): DiagramBox => {
    const kind = kindOf(t, devices);
    const box: DiagramBox = { x: x(t.startSector), y: R.targetY, width: x(t.startSector + t.lengthSectors) - x(t.startSector), height: R.targetH, label: kind === 'identity' ? 'identity' : t.type, sublabel: t.devices.map((d) => label(d.devno)).join(' + '), kind, live: !loadedNotLive };
    if (kind === 'mirror') box.mirrorIndex = mirrorIndex++;
    if (kind === 'linear') box.pv = label(t.devices[0]?.devno ?? '');
    return box;
  });
  const temp = temporaryDevice(lvDevice, targets, devices);
  const tempUsed = temp !== null && targets.some((t) => t.devices[0]?.devno === temp.devno);
  const lower = lowerRow(targets, temp, devices, pvs, x);
  const lowerDevice: DiagramBox | null = temp ? { x: 0, y: R.lowerHeaderY, width: widthPx, height: R.headerH, label: temp.name, sublabel: tempSublabel(temp, tempUsed), kind: 'device' } : null;
  const { destinations, arrows } = connections(targets, targetBoxes, tempUsed, widthPx, label);
  return { width: widthPx, height: R.height, top, targets: targetBoxes, lower, lowerDevice, loadedNotLive, destinations, arrows };
}

/** The arrows from row 1 down, and a destination box under each mirror. */
function connections(targets: readonly TableTarget[], boxes: readonly DiagramBox[], tempUsed: boolean, widthPx: number, label: (devno: string) => string): { destinations: DiagramBox[]; arrows: DiagramArrow[] } {
  const R = DIAGRAM_ROWS;
  const destinations: DiagramBox[] = [];
  const arrows: DiagramArrow[] = [];
  /** Where each destination's arrow leaves its mirror, and its slot in `arrows`. */
  const legs: Array<{ x: number; y: number; arrow: number }> = [];
  targets.forEach((t, i) => {
    const box = boxes[i];
    const cx = box.x + box.width / 2;
    const bottom = box.y + box.height;
    if (box.kind === 'mirror') {
      const dest = t.devices[1];
      arrows.push({ path: connector(box.x + box.width * 0.25, bottom, box.x + box.width * 0.25, tempUsed ? R.lowerHeaderY : R.lowerY), kind: 'source-leg' });
      if (dest) {
        // Wide enough for its label ("7:3 · destination leg · 100% written"), centred under the
        // mirror's right half, and kept inside the diagram.
        const width = Math.min(widthPx, Math.max(box.width * 0.5, DEST_MIN_WIDTH_PX));
        const x = Math.max(0, Math.min(widthPx - width, box.x + box.width * 0.75 - width / 2));
        const destBox: DiagramBox = { x, y: R.destY, width, height: R.destH, label: label(dest.devno), sublabel: `${dest.devno} · destination leg`, kind: 'pv', pv: label(dest.devno), mirrorIndex: box.mirrorIndex };
        destinations.push(destBox);
        legs.push({ x: box.x + box.width * 0.75, y: bottom, arrow: arrows.length });
        arrows.push({ path: '', kind: 'destination-leg' });
      }
    } else {
      arrows.push({ path: connector(cx, bottom, cx, tempUsed && box.kind === 'identity' ? R.lowerHeaderY : R.lowerY), kind: box.kind === 'identity' ? 'identity' : 'linear' });
    }
  });
  // Destinations are placed once all are known (so that several never overlap), then their arrows drawn.
  packRow(destinations, widthPx);
  legs.forEach((leg, d) => (arrows[leg.arrow].path = connector(leg.x, leg.y, destinations[d].x + destinations[d].width / 2, R.destY)));
  return { destinations, arrows };
}

/**
 * Places boxes of one row left to right without overlap (8 px apart) inside the width,
 * keeping each as close to where it wants to be as the others allow; boxes shrink evenly when
 * they cannot all fit at their width.
 */
export function packRow(boxes: DiagramBox[], widthPx: number, gapPx = 8): void {
  if (boxes.length === 0) return;
  const available = widthPx - gapPx * (boxes.length - 1);
  const total = boxes.reduce((n, b) => n + b.width, 0);
  if (total > available) for (const b of boxes) b.width = (b.width * available) / total;
  const order = [...boxes].sort((a, b) => a.x - b.x);
  // Push right past each left neighbour, then back left from the right edge.
  for (let i = 0; i < order.length; i++) order[i].x = Math.max(order[i].x, i === 0 ? 0 : order[i - 1].x + order[i - 1].width + gapPx);
  for (let i = order.length - 1; i >= 0; i--) order[i].x = Math.min(order[i].x, i === order.length - 1 ? widthPx - order[i].width : order[i + 1].x - gapPx - order[i].width);
}

/** Row 2: the temporary device's own targets (its original mapping), else each linear target's PV. */
function lowerRow(targets: readonly TableTarget[], temp: DmDeviceView | null, devices: readonly DmDeviceView[], pvs: readonly Pick<PvView, 'name' | 'devno'>[], x: (s: number) => number): DiagramBox[] {
  const R = DIAGRAM_ROWS;
  const source = temp?.live ? tableTargets(temp.live) : targets;
  return source.map((t) => {
    const pv = devnoLabel(t.devices[0]?.devno ?? '', devices, pvs);
    const left = x(t.startSector);
    return { x: left, y: R.lowerY, width: x(t.startSector + t.lengthSectors) - left, height: R.lowerH, label: pv, sublabel: t.devices[0] ? `${t.devices[0].devno} @${t.devices[0].offsetSectors}` : t.type, kind: 'pv', pv };
  });
}

/** A box in words: its label and what it says under it. */
export const boxText = (b: Pick<DiagramBox, 'label' | 'sublabel'>): string => [b.label, b.sublabel].filter(Boolean).join(' ');

/**
 * The diagram's text alternative (what a screen reader says for the drawing): the LV's device,
 * its table (loaded or live), what the targets map onto, each destination's share written.
 */
export function describeMoveLayout(layout: DiagramLayout, state: { suspended: boolean; paused: boolean; percents?: readonly number[] }): string {
  const parts = [`${boxText(layout.top)}${state.suspended ? ', suspended' : ''}`];
  parts.push(`${layout.loadedNotLive ? 'table loaded, not live until resume' : 'table'}: ${layout.targets.map(boxText).join(' | ')}`);
  if (layout.lower.length > 0) parts.push(`${layout.lowerDevice ? `${boxText(layout.lowerDevice)} maps` : 'mapped'} onto ${layout.lower.map(boxText).join(' | ')}`);
  layout.destinations.forEach((d, i) => parts.push(`mirror destination ${boxText(d)}${state.percents?.[i] !== undefined ? `, ${state.percents[i].toFixed(0)}% written` : ''}`));
  if (state.paused) parts.push('copy paused');
  return `Device stack: ${parts.join('; ')}.`;
}
