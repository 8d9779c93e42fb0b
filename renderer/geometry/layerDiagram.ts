// Geometry of the move diagram for the lvm2 stack (lvm2-format.md §6, §6.1): LVM2 puts a
// hidden pvmove0 device *below* the LVs and mirrors one of its segments at a time.
//   row 1  the users: each LV's device (side by side) with its targets; the ranges that move
//          map linearly onto pvmove0, the others straight onto their PVs (drawn in the PV's
//          colour). A table loaded into the inactive slot is drawn loaded-not-live.
//   row 2  the pvmove0 device and its segments, in LVM2's order (LV order, then segment
//          order): done (checkpointed, linear to the destination), mirroring (the mirror, with
//          room for its region grid) or waiting (still linear to the source); after the first
//          finishing commit its targets are `error`. Before the metadata records pvmove0 its
//          segments are the plan's, drawn as planned.
//   row 3  the PVs the segments come from and go to.
// What each segment maps onto is read from pvmove0's table (live, else the loaded one), so the
// drawing shows every reload as it happens; the segment's state is the metadata's.
// An --atomic move (LVM2's one mirror over two hidden sub-LVs) draws row 2 as one mirror box
// spanning every segment (the runs, all copied at once) with one region grid, and adds a row
// between pvmove0 and the PVs for its legs: pvmove0_mimage_0 (one linear target per run, on
// the sources) and pvmove0_mimage_1 (on the destinations); the PVs sit under the leg using them.
import type { LayerSegmentView, MirrorProgressView, MovePlanView } from '../../app/api/move';
import type { DmDeviceView, PvView } from '../../app/api/views';
import { devnoLabel, tableTargets, type TableTarget } from './dmStack';
import { connector, packRow, type DiagramArrow, type DiagramBox } from './moveDiagram';

export const LAYER_ROWS = { userHeaderY: 0, headerH: 22, userTargetY: 26, userTargetH: 46, layerHeaderY: 118, segmentY: 144, segmentH: 116, pvY: 318, pvH: 40, height: 366 };
/**
 * Rows 2 to 4 of an atomic move: the mirror box spans row 2 (its words on top, the runs inside
 * it, its region grid beneath them), the sub-LVs' row follows, the PVs come last.
 */
export const ATOMIC_ROWS = { mirrorY: 144, mirrorH: 132, runY: 166, runH: 54, gridY: 226, gridH: 44, imageHeaderY: 306, imageTargetY: 330, imageTargetH: 36, pvY: 410, height: 458 };

/** The one mirror of an atomic move, drawn across pvmove0's row. */
export interface AtomicMirrorBox extends DiagramBox {
  /** What pvmove0's table is now: the mirror, error targets after the first finishing commit, or nothing yet. */
  mapping: 'mirror' | 'destination' | 'error' | 'none';
  /** Its words (what it is, its legs and sync), already shortened to fit. */
  lines: string[];
  /** Where its grid goes, why there is none yet or any more: a sentence in at most two lines that fit. */
  waiting: string[];
  grid: { x: number; y: number; width: number; height: number } | null;
}

/** One leg of an atomic move: a hidden sub-LV device with one linear target per run. */
export interface ImageColumn {
  role: 'sources' | 'destinations';
  header: DiagramBox;
  targets: DiagramBox[];
  /** The device exists (else its targets are the runs it will hold or held, drawn dashed). */
  exists: boolean;
  loadedNotLive: boolean;
}

/** One pvmove0 segment as drawn. */
export interface SegmentBox extends DiagramBox {
  segment: number;
  state: LayerSegmentView['state'] | 'planned';
  /** What pvmove0's table maps this segment onto now: the mirror, the destination, the source, an error target, or nothing yet. */
  mapping: 'mirror' | 'destination' | 'source' | 'error' | 'none';
  /** Text lines that fit the box (title, mapping, state), already shortened. */
  lines: string[];
  /** Where the region grid goes (mirroring segments only). */
  grid: { x: number; y: number; width: number; height: number } | null;
  fromPv: string;
  toPv: string;
}

export interface UserColumn {
  header: DiagramBox;
  targets: DiagramBox[];
  loadedNotLive: boolean;
  suspended: boolean;
  deferred: number;
}

export interface LayerLayout {
  width: number;
  height: number;
  users: UserColumn[];
  layerHeader: DiagramBox;
  /** The pvmove0 device's table is only loaded (inactive), not live yet. */
  layerLoadedNotLive: boolean;
  segments: SegmentBox[];
  pvs: DiagramBox[];
  arrows: Array<DiagramArrow & { loadedNotLive?: boolean }>;
  /** A bracket over the pvmove0 range each user target maps onto. */
  brackets: Array<{ x1: number; x2: number; y: number }>;
  /** Why pvmove0's row is empty or holds only its table's targets: one sentence, in lines that fit the width (else empty). */
  note: string[];
  /** An atomic move's one mirror (null otherwise). */
  mirror: AtomicMirrorBox | null;
  /** An atomic move's two legs, sources first (empty otherwise). */
  images: ImageColumn[];
  /** Words beside the mirror's leg arrows (atomic moves: which leg reads the sources, which the destinations). */
  captions: Array<{ x: number; y: number; text: string }>;
}

export interface LayerDiagramInput {
  /** The LVs' devices, in the move's LV order (missing ones are skipped). */
  users: readonly DmDeviceView[];
  /** The `vg0-pvmove0` device, while it exists. */
  layerDevice: DmDeviceView | null;
  /** pvmove0's segments as the metadata records them, or the plan's before the commit. */
  segments: readonly LayerSegmentView[];
  /** false: the segments are the plan's (pvmove0 is not in the metadata yet). */
  recorded: boolean;
  devices: readonly DmDeviceView[];
  pvs: readonly Pick<PvView, 'name' | 'devno'>[];
  extentSectors: number;
  /** The move's mirrors (progress.mirrors, else what pvmove0's status says), for the percentage of the mirroring segment. */
  mirrors: readonly MirrorProgressView[];
  widthPx: number;
  /**
   * An atomic move: the devices of pvmove0_mimage_0 (sources) and pvmove0_mimage_1
   * (destinations), each null while it does not exist. Absent or null: not atomic.
   */
  atomicImages?: readonly [DmDeviceView | null, DmDeviceView | null] | null;
}

/** The plan's moves as pvmove0 will hold them: one segment each, in order, none copied yet. */
export function plannedSegments(plan: Pick<MovePlanView, 'moves'>): LayerSegmentView[] {
  let layerLe = 0;
  return plan.moves.map((m, i) => {
    const segment: LayerSegmentView = { index: i + 1, layerLe, count: m.count, lv: m.lv, startLe: m.startLe, fromPv: m.fromPv, fromPe: m.fromPe, toPv: m.toPv, toPe: m.toPe, regionSizeSectors: 1, state: 'waiting' };
    layerLe += m.count;
    return segment;
  });
}

/** The size of the diagram's small texts (sublabels, notes, captions): the smallest text anywhere is 12 px. */
export const SUBLABEL_PX = 12;

/** Width of a text in the diagram's monospace labels. */
export const textWidthPx = (text: string, fontPx: number): number => Math.ceil(text.length * fontPx * 0.62);

/** Where a one-line box's sublabel starts: after its label (12 px monospace, 0.6 em a character), never closer than 90 px. */
export function inlineSublabelOffsetPx(label: string): number {
  return Math.max(90, Math.ceil(label.length * 12 * 0.61) + 14);
}

/** `text` broken at spaces into lines that fit `widthPx` at `fontPx` (a word longer than a line keeps its own line). */
export function wrapText(text: string, widthPx: number, fontPx: number): string[] {
  const lines: string[] = [];
  for (const word of text.split(' ').filter(Boolean)) {
    const last = lines.at(-1);
    if (last !== undefined && textWidthPx(`${last} ${word}`, fontPx) <= widthPx) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}

/** The first candidate that fits `widthPx` at `fontPx`, else ''. */
export function fitText(candidates: readonly string[], widthPx: number, fontPx: number): string {
  return candidates.find((text) => textWidthPx(text, fontPx) <= widthPx) ?? '';
}

/**
 * Splits `widthPx` among items by weight, each at least `minPx` (when they all fit), the
 * boosted ones sharing at least `boostShare` of the width (the mirror needs room for its grid).
 */
export function shareWidths(weights: readonly number[], boosted: readonly boolean[], widthPx: number, minPx: number, boostShare = 0.45): number[] {
  const n = weights.length;
  if (n === 0) return [];
  const total = weights.reduce((a, b) => a + b, 0) || 1;
  const boostedWeight = weights.reduce((a, w, i) => a + (boosted[i] ? w : 0), 0);
  const boost = boostedWeight > 0 && boostedWeight / total < boostShare && boostedWeight < total;
  let widths = weights.map((w, i) => {
    if (!boost) return (w / total) * widthPx;
    return boosted[i] ? (boostShare * widthPx * w) / boostedWeight : ((1 - boostShare) * widthPx * w) / (total - boostedWeight);
  });
  const floor = Math.min(minPx, widthPx / n);
  const short = widths.reduce((a, w) => a + Math.max(0, floor - w), 0);
  if (short > 0) {
    const spare = widths.reduce((a, w) => a + Math.max(0, w - floor), 0);
    widths = widths.map((w) => (w <= floor ? floor : w - ((w - floor) * short) / spare));
  }
  return widths;
}

/** What a pvmove0 target does to the segment it covers. */
function mappingOf(target: TableTarget | undefined, segment: LayerSegmentView, pvDevno: (pv: string) => string | undefined): SegmentBox['mapping'] {
  if (!target) return 'none';
  if (target.type === 'mirror') return 'mirror';
  if (target.type === 'error') return 'error';
  const devno = target.devices[0]?.devno;
  if (devno !== undefined && devno === pvDevno(segment.toPv)) return 'destination';
  if (devno !== undefined && devno === pvDevno(segment.fromPv)) return 'source';
  return 'none';
}

export function layerDiagramLayout(input: LayerDiagramInput): LayerLayout {
  const R = LAYER_ROWS;
  const { widthPx } = input;
  const label = (devno: string) => devnoLabel(devno, input.devices, input.pvs);
  const layerDevice = input.layerDevice;
  // An atomic move is drawn as one while it has runs to show (once it is over, as any other).
  const atomic = input.segments.length > 0 ? (input.atomicImages ?? null) : null;
  // A table loaded into the inactive slot (the preload, a checkpoint's reload) is drawn, marked
  // loaded-not-live, as the outline diagram draws the LV's: it is what the resume swaps in.
  const layerLoadedNotLive = layerDevice !== null && layerDevice.inactive !== null;
  const layerTargets = tableTargets(layerDevice ? (layerDevice.inactive ?? layerDevice.live) : null);
  const pvDevno = (pv: string) => input.pvs.find((p) => p.name === pv)?.devno;
  const sectorOf = (le: number) => le * input.extentSectors;
  const targetAt = (segment: LayerSegmentView) => layerTargets.find((t) => t.startSector <= sectorOf(segment.layerLe) && sectorOf(segment.layerLe) < t.startSector + t.lengthSectors);
  // An atomic move's pvmove0 has one target: every run is mapped as that target says.
  const wholeMapping = atomicMappingOf(layerTargets[0]);
  // Between the finishing commits pvmove0's table is error (LVM2 keeps one error extent) while
  // the engine keeps every segment, done: none of them is mapped any more, so all are error.
  const finishing = isFinishing(input);
  const unmapped = finishing && layerTargets.length > 0 && layerTargets.every((t) => t.type === 'error');
  // An atomic move's pvmove0 is one mirror (or error) over every run; once LVM2 detaches the
  // mirror it is linear per run on the destinations, mapped as any lvm2 segment.
  const wholeTarget = atomic && (wholeMapping === 'mirror' || wholeMapping === 'error');
  const mappingFor = (s: LayerSegmentView): SegmentBox['mapping'] => (unmapped ? 'error' : wholeTarget ? (wholeMapping as 'mirror' | 'error') : mappingOf(targetAt(s), s, pvDevno));

  const segments = input.segments.length === 0 ? tableOnlyRow(layerTargets, input.widthPx, layerLoadedNotLive) : atomic ? atomicRunRow(input, mappingFor, layerLoadedNotLive, finishing) : segmentRow(input, mappingFor, layerLoadedNotLive, finishing);
  /** x of a pvmove0 sector in row 2 (segments are drawn in layer order, each with its own width). */
  const xOfLayerSector = (sector: number): number => {
    for (let i = 0; i < segments.length; i += 1) {
      const s = input.segments[i];
      const start = sectorOf(s.layerLe);
      const length = s.count * input.extentSectors;
      if (sector >= start && sector <= start + length) return segments[i].x + ((sector - start) / length) * segments[i].width;
    }
    return sector <= 0 ? 0 : input.widthPx;
  };
  const users = userColumns(input, label);
  const layerName = layerDevice?.name ?? 'pvmove0';
  const layerHeader: DiagramBox = { x: 0, y: R.layerHeaderY, width: widthPx, height: R.headerH, label: layerName, sublabel: fitText(layerSublabel(input, layerLoadedNotLive, finishing), widthPx - 8 - inlineSublabelOffsetPx(layerName), SUBLABEL_PX), kind: 'device' };
  const { arrows, brackets } = userArrows(input, users, xOfLayerSector);
  const mirror = atomic ? atomicMirrorBox(input, layerTargets, layerLoadedNotLive, finishing, label) : null;
  const images = atomic ? imageColumns(input, atomic, layerName, mirror?.mapping ?? 'none', label) : [];
  const anchors = atomic ? imageAnchors(images, segments) : segmentAnchors(segments);
  const pvs = pvRow(anchors, widthPx, atomic ? ATOMIC_ROWS.pvY : R.pvY, label, pvDevno);
  arrows.push(...(atomic ? atomicArrows(mirror, images, pvs, layerLoadedNotLive) : segmentArrows(segments, pvs, layerLoadedNotLive)));
  const note = wrapText(layerNote(input, segments.length) ?? '', widthPx - 16, SUBLABEL_PX);
  const captions = mirror?.mapping === 'mirror' ? legCaptions(images) : [];
  return { width: widthPx, height: atomic ? ATOMIC_ROWS.height : R.height, users, layerHeader, layerLoadedNotLive, segments, pvs, arrows, brackets, note, mirror, images, captions };
}

/** One sentence under pvmove0's header when it has no segments to draw: why. */
function layerNote(input: LayerDiagramInput, drawn: number): string | null {
  if (drawn > 0) return input.segments.length === 0 ? 'The first finishing commit resolved every segment onto its destination: the LVs map straight to it, and pvmove0\'s targets are error until the second commit removes it.' : null;
  if (input.layerDevice) return 'pvmove0 exists but has no table yet.';
  if (input.recorded) return 'pvmove0 is recorded in the metadata, but no device is active for it.';
  return 'No pvmove0 now. During an lvm2-stack move it sits here, below the LVs, with one segment per moved range.';
}

/**
 * pvmove0's row from its table alone, when the move has no segments to give: the engine keeps
 * a running move's segments (done) between its two finishing commits, but a move resumed
 * there only has the metadata's leftover (one `error` extent) while its device may still
 * exist in this session. One box per target.
 */
function tableOnlyRow(targets: readonly TableTarget[], widthPx: number, loadedNotLive: boolean): SegmentBox[] {
  const R = LAYER_ROWS;
  const widths = shareWidths(targets.map((t) => t.lengthSectors), targets.map(() => false), widthPx, 34);
  let x = 0;
  return targets.map((t, i) => {
    const width = widths[i];
    const mapping: SegmentBox['mapping'] = t.type === 'error' ? 'error' : 'none';
    const room = width - 14;
    const lines = [fitText([`target ${i + 1}: ${t.type}`, t.type], room, 12), fitText([mapping === 'error' ? 'IO here fails: nothing maps onto it now' : '', 'unused'], room, SUBLABEL_PX), ''];
    const box: SegmentBox = { x, y: R.segmentY, width, height: R.segmentH, label: `target ${i + 1}`, sublabel: '', kind: 'other', live: !loadedNotLive, segment: i + 1, state: 'done', mapping, lines, grid: null, fromPv: '', toPv: '' };
    x += width;
    return box;
  });
}

/** What pvmove0's header says of it, longest first (the first that fits is drawn). */
function layerSublabel(input: LayerDiagramInput, loadedNotLive: boolean, finishing: boolean): string[] {
  const d = input.layerDevice;
  // After LVM2's first finishing commit pvmove0 keeps READ,WRITE and one error extent only.
  const hidden = finishing ? 'first finishing commit written: READ,WRITE, one error extent' : input.atomicImages ? 'hidden LV, PVMOVE + LOCKED, --atomic' : 'hidden LV, PVMOVE + LOCKED';
  if (!d) return input.recorded ? [`${hidden} · no device: the move is recorded in the metadata only`, 'no device'] : input.segments.length ? ['not created yet: the plan\'s segments', 'not created yet'] : ['no pvmove0: the LVs map straight onto their PVs', 'no pvmove0'];
  if (d.deferredRemove) return [`${d.devno} · ${d.state} · marked for removal (DEFERRED REMOVE)`, 'DEFERRED REMOVE'];
  if (!d.live && !d.inactive) return [`${d.devno} · ${d.state} · created, no table yet`, 'no table yet'];
  const table = loadedNotLive ? (d.live ? 'new table loaded (INACTIVE), live at resume' : 'INACTIVE table: loaded, not live until resume') : '';
  const detail = table || (input.recorded ? hidden : 'not in the metadata yet');
  // In a narrow diagram (a 1280 px projector beside the steps) the finish still says what it is.
  const short = table ? 'INACTIVE loaded' : input.recorded ? (finishing ? 'first finishing commit written' : input.atomicImages ? 'PVMOVE + LOCKED, --atomic' : 'PVMOVE + LOCKED') : 'not in the metadata yet';
  return [[d.devno, d.state, detail].join(' · '), [d.state, detail].join(' · '), [d.state, short].join(' · '), loadedNotLive ? `${d.state} · INACTIVE loaded` : d.state];
}

/** Row 1: one column per LV device, equal shares of the width, 16 px apart. */
function userColumns(input: LayerDiagramInput, label: (devno: string) => string): UserColumn[] {
  const R = LAYER_ROWS;
  const gap = 16;
  const n = input.users.length;
  const columnWidth = n > 0 ? (input.widthPx - gap * (n - 1)) / n : input.widthPx;
  const layerDevno = input.layerDevice?.devno;
  return input.users.map((device, i) => {
    const x0 = i * (columnWidth + gap);
    const loadedNotLive = device.inactive !== null;
    const targets = tableTargets(device.inactive ?? device.live);
    const onLayer = targets.map((t) => t.devices[0]?.devno !== undefined && t.devices[0].devno === layerDevno);
    const widths = shareWidths(targets.map((t) => t.lengthSectors), onLayer, columnWidth, 24, 0.5);
    let x = x0;
    const boxes = targets.map((t, k): DiagramBox => {
      const devno = t.devices[0]?.devno ?? '';
      const offset = t.devices[0]?.offsetSectors ?? 0;
      // Labels are shortened to fit their box: a narrow range of many keeps what tells them apart.
      const room = widths[k] - 16;
      const box: DiagramBox = onLayer[k]
        ? { x, y: R.userTargetY, width: widths[k], height: R.userTargetH, label: fitText(['pvmove0', 'pvm0'], room, 12), sublabel: fitText([`${devno} @${offset}`, `@${offset}`], room, SUBLABEL_PX), kind: 'identity', live: !loadedNotLive }
        : { x, y: R.userTargetY, width: widths[k], height: R.userTargetH, label: fitText([t.type === 'linear' ? label(devno) : t.type], room, 12), sublabel: t.devices[0] ? fitText([`${devno} @${offset}`, `@${offset}`], room, SUBLABEL_PX) : '', kind: t.type === 'linear' ? 'linear' : 'other', pv: t.type === 'linear' ? label(devno) : undefined, live: !loadedNotLive };
      x += widths[k];
      return box;
    });
    const queued = device.state === 'SUSPENDED' ? ` · ${device.deferred} IO${device.deferred === 1 ? '' : 's'} queued` : '';
    const loaded = loadedNotLive ? ' · table loaded, not live' : '';
    const headerRoom = columnWidth - 8 - inlineSublabelOffsetPx(device.name);
    const sublabel = fitText([`${device.devno} · ${device.state}${queued}${loaded}`, `${device.state}${queued}${loaded}`, `${device.state}${queued}`, device.state], headerRoom, SUBLABEL_PX);
    const header: DiagramBox = { x: x0, y: R.userHeaderY, width: columnWidth, height: R.headerH, label: device.name, sublabel, kind: 'device' };
    return { header, targets: boxes, loadedNotLive, suspended: device.state === 'SUSPENDED', deferred: device.deferred };
  });
}

/** Row 2: pvmove0's segments, the mirroring one given room for its grid. */
function segmentRow(input: LayerDiagramInput, mappingFor: (s: LayerSegmentView) => SegmentBox['mapping'], loadedNotLive: boolean, finishing: boolean): SegmentBox[] {
  const R = LAYER_ROWS;
  const mirroring = input.segments.map((s) => s.state === 'mirroring' || mappingFor(s) === 'mirror');
  const widths = shareWidths(input.segments.map((s) => s.count), mirroring, input.widthPx, 34, 0.45);
  let x = 0;
  return input.segments.map((s, i) => {
    const mapping = mappingFor(s);
    const state = drawnState(s, mapping, input.recorded);
    const width = widths[i];
    const box: SegmentBox = {
      x, y: R.segmentY, width, height: R.segmentH, label: `segment ${s.index}`, sublabel: '', kind: mapping === 'mirror' ? 'mirror' : 'other', live: !loadedNotLive,
      segment: s.index, state, mapping, fromPv: s.fromPv, toPv: s.toPv, grid: null, lines: [],
    };
    box.lines = segmentLines(s, box, input.mirrors, { atomic: false, finishing });
    if (mapping === 'mirror' || state === 'mirroring') box.grid = { x: x + 8, y: R.segmentY + 58, width: Math.max(10, width - 16), height: R.segmentH - 66 };
    x += width;
    return box;
  });
}

/**
 * A segment's state as drawn: the metadata's, except that a segment pvmove0's table already
 * mirrors is mirroring. The engine calls a segment mirroring from its copy step until its
 * checkpoint, but a checkpoint's reload mirrors the next segment (and the kernel starts its
 * copy) before that segment's copy step runs; the table is what the kernel does.
 */
function drawnState(s: LayerSegmentView, mapping: SegmentBox['mapping'], recorded: boolean): SegmentBox['state'] {
  if (!recorded) return 'planned';
  return s.state === 'waiting' && mapping === 'mirror' ? 'mirroring' : s.state;
}

/**
 * Row 2 of an atomic move: the runs side by side inside the one mirror's box, widths in
 * proportion to their extents (the mirror's region grid beneath them covers them in order).
 */
function atomicRunRow(input: LayerDiagramInput, mappingFor: (s: LayerSegmentView) => SegmentBox['mapping'], loadedNotLive: boolean, finishing: boolean): SegmentBox[] {
  const A = ATOMIC_ROWS;
  const inset = 4;
  const widths = shareWidths(input.segments.map((s) => s.count), input.segments.map(() => false), input.widthPx - 2 * inset, 34);
  let x = inset;
  return input.segments.map((s, i) => {
    const mapping = mappingFor(s);
    const state = drawnState(s, mapping, input.recorded);
    const box: SegmentBox = {
      x, y: A.runY, width: widths[i], height: A.runH, label: `segment ${s.index}`, sublabel: '', kind: 'other', live: !loadedNotLive,
      segment: s.index, state, mapping, fromPv: s.fromPv, toPv: s.toPv, grid: null, lines: [],
    };
    box.lines = segmentLines(s, box, input.mirrors, { atomic: true, finishing });
    x += widths[i];
    return box;
  });
}

/**
 * The move is past its first finishing commit: the engine keeps its segments, every one done,
 * and no LV's live table maps onto pvmove0 any more (they were resumed on their destinations).
 */
function isFinishing(input: Pick<LayerDiagramInput, 'recorded' | 'segments' | 'users' | 'layerDevice'>): boolean {
  const layerDevno = input.layerDevice?.devno;
  const onLayer = input.users.some((u) => tableTargets(u.live).some((t) => t.devices.some((d) => d.devno === layerDevno)));
  return input.recorded && layerDevno !== undefined && !onLayer && input.segments.length > 0 && input.segments.every((s) => s.state === 'done');
}

/** What an atomic move's pvmove0 is now, from its one target. */
function atomicMappingOf(target: TableTarget | undefined): AtomicMirrorBox['mapping'] {
  if (target?.type === 'linear') return 'destination';
  return target?.type === 'mirror' ? 'mirror' : target?.type === 'error' ? 'error' : 'none';
}

/** "leg 1: the sources" beside the arrow down to mimage_0, "leg 2: the destinations" beside the one to mimage_1. */
function legCaptions(images: readonly ImageColumn[]): LayerLayout['captions'] {
  const A = ATOMIC_ROWS;
  const words = [['leg 1 (sources): reads come from here', 'leg 1: the sources', 'leg 1: sources', 'leg 1'], ['leg 2 (destinations): the copy lands here', 'leg 2: the destinations', 'leg 2: destinations', 'leg 2']];
  return images.map((image, i) => ({ x: image.header.x + image.header.width / 2 + 10, y: A.mirrorY + A.mirrorH + 20, text: fitText(words[i], image.header.width / 2 - 14, SUBLABEL_PX) }));
}

/** An atomic move's one mirror: what pvmove0's table is, its legs and how far it is in sync. */
function atomicMirrorBox(input: LayerDiagramInput, layerTargets: readonly TableTarget[], loadedNotLive: boolean, finishing: boolean, label: (devno: string) => string): AtomicMirrorBox {
  const A = ATOMIC_ROWS;
  const { widthPx } = input;
  const target = layerTargets[0];
  const mapping = atomicMappingOf(target);
  const n = input.segments.length;
  const extents = input.segments.reduce((a, s) => a + s.count, 0);
  const runs = `${n} run${n === 1 ? '' : 's'}`;
  const titles: Record<AtomicMirrorBox['mapping'], string[]> = {
    mirror: [`one mirror over all ${runs} (${extents} extents): every run copies at once`, `one mirror over all ${runs}`, 'one mirror'],
    error: ['error: the LVs already map straight onto the destinations', 'error: the LVs map past it', 'error'],
    destination: ['mirror detached: pvmove0 is linear on the destinations', 'mirror detached', 'detached'],
    none: [`one mirror over all ${runs}, once pvmove0 has its table`, `one mirror over all ${runs}`, 'one mirror'],
  };
  const title = fitText(titles[mapping], Math.max(60, widthPx * 0.55), 12);
  const mirror = input.mirrors.find((m) => m.layerSegment === 1) ?? input.mirrors[0];
  const percent = mirror && mirror.regionsTotal > 0 ? Math.floor((mirror.regionsCopied * 100) / mirror.regionsTotal) : null;
  const sync = percent === null ? '' : ` · ${percent}% in sync`;
  const legs = target?.type === 'mirror' ? target.devices.map((d) => label(d.devno)) : [];
  const detailRoom = widthPx - textWidthPx(title, 12) - 30;
  const detail = legs.length === 2 ? fitText([`legs: ${legs[0]} (sources) + ${legs[1]} (destinations)${sync}`, `${legs[0]} + ${legs[1]}${sync}`, `2 legs${sync}`, sync.slice(3)], detailRoom, SUBLABEL_PX) : '';
  // Where the grid goes, a sentence while there is none to draw (nothing copies yet, or any more).
  const waiting: Record<AtomicMirrorBox['mapping'], string> = {
    mirror: loadedNotLive ? 'Its region grid shows here once pvmove0 is resumed and the mirror copies.' : '',
    none: 'Its region grid shows here once pvmove0 is loaded with the mirror and copies.',
    error: 'No mirror any more: the finishing commit put every LV straight on its destinations at once; pvmove0 goes in the next.',
    destination: 'LVM2 took the mirror apart first: pvmove0 maps every run onto its destination, both images are detached and go next, then the LVs leave pvmove0.',
  };
  return {
    x: 0, y: A.mirrorY, width: widthPx, height: A.mirrorH, label: 'mirror', sublabel: '', kind: 'mirror', live: !loadedNotLive,
    mapping, lines: [title, detail], waiting: wrapText(finishing ? 'The finishing commit put every LV straight on its destinations at once: nothing uses pvmove0 any more, and it goes in the next commit.' : waiting[mapping], widthPx - 16, SUBLABEL_PX).slice(0, 2),
    grid: mapping === 'mirror' ? { x: 8, y: A.gridY, width: widthPx - 16, height: A.gridH } : null,
  };
}

/**
 * Row 3 of an atomic move: pvmove0_mimage_0 (the sources) and pvmove0_mimage_1 (the
 * destinations) side by side, each with its table's linear targets; a leg whose device does
 * not exist (before the preload, after the finish) shows the runs it holds in the metadata.
 */
function imageColumns(input: LayerDiagramInput, devices: readonly [DmDeviceView | null, DmDeviceView | null], layerName: string, layerMapping: AtomicMirrorBox['mapping'], label: (devno: string) => string): ImageColumn[] {
  const A = ATOMIC_ROWS;
  const gap = 16;
  const columnWidth = (input.widthPx - gap) / 2;
  return (['sources', 'destinations'] as const).map((role, i) => {
    const device = devices[i];
    const x0 = i * (columnWidth + gap);
    const loadedNotLive = device !== null && device.inactive !== null;
    const table = tableTargets(device ? (device.inactive ?? device.live) : null);
    // A detached destination image is left one error target (LVM2's lv_remove_mirrors).
    const fromTable = table.map((t) => (t.type === 'linear' ? { length: t.lengthSectors, pv: label(t.devices[0]?.devno ?? ''), where: t.devices[0] ? `${t.devices[0].devno} @${t.devices[0].offsetSectors}` : '' } : { length: t.lengthSectors, pv: '', where: t.type }));
    // Without a device the leg shows the runs it will hold; once every run is done a missing
    // image was released, and the runs no longer say where its sources were.
    const released = input.recorded && input.segments.every((s) => s.state === 'done');
    const fromRuns = released ? [] : input.segments.map((s) => ({ length: s.count, pv: i === 0 ? s.fromPv : s.toPv, where: i === 0 ? `${s.fromPv}:${s.fromPe}` : `${s.toPv}:${s.toPe}` }));
    const parts = fromTable.length > 0 ? fromTable : fromRuns;
    const live = fromTable.length > 0 && !loadedNotLive;
    const widths = shareWidths(parts.map((p) => p.length), parts.map(() => false), columnWidth, 24);
    let x = x0;
    const targets = parts.map((p, k): DiagramBox => {
      const room = widths[k] - 16;
      const box: DiagramBox = p.pv
        ? { x, y: A.imageTargetY, width: widths[k], height: A.imageTargetH, label: fitText([p.pv], room, 12), sublabel: fitText([p.where], room, SUBLABEL_PX), kind: 'linear', pv: p.pv, live }
        : { x, y: A.imageTargetY, width: widths[k], height: A.imageTargetH, label: fitText([p.where], room, 12), sublabel: '', kind: 'other', live };
      x += widths[k];
      return box;
    });
    const fullName = device?.name ?? `${layerName}_mimage_${i}`;
    const name = fitText([fullName, `pvmove0_mimage_${i}`, `mimage_${i}`], columnWidth - 16, 12) || `mimage_${i}`;
    // Once pvmove0 is no longer the mirror (detached, or error after the finish) nothing maps
    // onto the images; their devices go before or with pvmove0's.
    const unused = layerMapping === 'destination' || layerMapping === 'error';
    const what = unused ? 'detached: nothing maps onto it' : role === 'sources' ? 'leg 1: the sources' : 'leg 2: the destinations';
    const roleWord = unused ? 'detached' : role;
    const headerRoom = columnWidth - 8 - inlineSublabelOffsetPx(name);
    const loaded = loadedNotLive ? ' · loaded, not live' : '';
    const state = device ? `${device.devno} · ${device.state}${loaded}` : 'no device now';
    const short = device ? `${device.state}${loaded}` : 'no device';
    const sublabel = fitText([`${state} · ${what}`, `${short} · ${what}`, `${short} · ${roleWord}`, `${device?.state ?? 'no device'} · ${roleWord}`, short, roleWord], headerRoom, SUBLABEL_PX);
    const header: DiagramBox = { x: x0, y: A.imageHeaderY, width: columnWidth, height: LAYER_ROWS.headerH, label: name, sublabel, kind: 'device' };
    return { role, header, targets, exists: device !== null, loadedNotLive };
  });
}

/** Where the PVs go: under the segments that use them. */
function segmentAnchors(segments: readonly SegmentBox[]): PvAnchor[] {
  return segments.flatMap((s) => [{ pv: s.fromPv, x: s.x + s.width / 2, role: 'source' as const }, { pv: s.toPv, x: s.x + s.width / 2, role: 'destination' as const }]);
}

/** Where the PVs go in an atomic move: under the leg's targets on them (sources left, destinations right). */
function imageAnchors(images: readonly ImageColumn[], runs: readonly SegmentBox[]): PvAnchor[] {
  const anchors = images.flatMap((image) => image.targets.filter((t) => t.pv).map((t) => ({ pv: t.pv ?? '', x: t.x + t.width / 2, role: image.role === 'sources' ? ('source' as const) : ('destination' as const) })));
  // A PV no image target lands on any more (a detached destination image is one error target)
  // still goes under its leg's column, sources left, destinations right.
  const column = (i: number) => (images[i] ? images[i].header.x + images[i].header.width / 2 : 0);
  for (const run of runs) {
    // A released source image leaves the run's source unknown (the engine then gives the destination).
    if (run.fromPv !== run.toPv && !anchors.some((a) => a.pv === run.fromPv)) anchors.push({ pv: run.fromPv, x: column(0), role: 'source' });
    if (!anchors.some((a) => a.pv === run.toPv)) anchors.push({ pv: run.toPv, x: column(1), role: 'destination' });
  }
  return anchors;
}

/** The mirror's two legs down to the sub-LVs, and each sub-LV target down to its PV. */
function atomicArrows(mirror: AtomicMirrorBox | null, images: readonly ImageColumn[], pvs: readonly DiagramBox[], layerLoadedNotLive: boolean): LayerLayout['arrows'] {
  const A = ATOMIC_ROWS;
  const arrows: LayerLayout['arrows'] = [];
  images.forEach((image, i) => {
    const centre = image.header.x + image.header.width / 2;
    if (mirror?.mapping === 'mirror') arrows.push({ path: connector(centre, A.mirrorY + A.mirrorH, centre, A.imageHeaderY), kind: i === 0 ? 'source-leg' : 'destination-leg', loadedNotLive: layerLoadedNotLive });
    for (const t of image.targets) {
      const pv = pvs.find((b) => b.pv === t.pv);
      if (pv) arrows.push({ path: connector(t.x + t.width / 2, A.imageTargetY + A.imageTargetH, pv.x + pv.width / 2, A.pvY), kind: 'linear', loadedNotLive: t.live === false });
    }
  });
  return arrows;
}

/** The words in a segment box, each shortened to fit: which segment, where it maps, its state. */
function segmentLines(s: LayerSegmentView, box: SegmentBox, mirrors: readonly MirrorProgressView[], { atomic, finishing }: { atomic: boolean; finishing: boolean }): string[] {
  const room = box.width - 14;
  const last = s.startLe + s.count - 1;
  const title = fitText([`segment ${s.index} · ${s.lv} LE ${s.startLe}${s.count > 1 ? `-${last}` : ''}`, `seg ${s.index} · ${s.lv}`, `seg ${s.index}`, String(s.index)], room, 12);
  const from = `${s.fromPv}:${s.fromPe}`;
  const to = `${s.toPv}:${s.toPe}`;
  const mapping: Record<SegmentBox['mapping'], string[]> = {
    mirror: [`mirror ${from} → ${to}`, `mirror → ${s.toPv}`, 'mirror'],
    destination: [`linear → ${to} (moved)`, `→ ${s.toPv}`],
    source: [`linear → ${from} (source)`, `→ ${s.fromPv}`],
    error: ['error: the LVs map past it', 'error'],
    none: [`${from} → ${to}`, `${s.fromPv}→${s.toPv}`],
  };
  const mirror = mirrors.find((m) => m.layerSegment === s.index);
  const percent = mirror && mirror.regionsTotal > 0 ? Math.floor((mirror.regionsCopied * 100) / mirror.regionsTotal) : null;
  const states: Record<SegmentBox['state'], string[]> = {
    done: ['done: checkpointed', 'done'],
    mirroring: [percent === null ? 'mirroring' : `mirroring · ${percent}% in sync`, percent === null ? 'copying' : `${percent}%`],
    waiting: ['waiting its turn', 'waiting'],
    planned: ['planned', 'plan'],
  };
  // The last segment is never checkpointed: the first finishing commit moves it, with the rest.
  if (finishing) states.done = ['done: on its destination', 'done'];
  if (atomic) {
    // One mirror copies every run at once (its box says how far): a run's words say where it
    // goes, and that it finishes with all the others, in the first finishing commit.
    mapping.mirror = [`${from} → ${to}, in the one mirror`, `${from} → ${to}`, `→ ${s.toPv}`];
    mapping.error = [`${from} → ${to}: moved`, `→ ${s.toPv}: moved`, `→ ${s.toPv}`];
    states.done = ['done: on its destination', 'done'];
    states.mirroring = ['mirroring, with every other run', 'mirroring'];
  }
  return [title, fitText(mapping[box.mapping], room, SUBLABEL_PX), fitText(states[box.state], room, SUBLABEL_PX)];
}

/** Arrows from each user target mapped onto pvmove0 down to the range it maps, with a bracket over that range. */
function userArrows(input: LayerDiagramInput, users: readonly UserColumn[], xOfLayerSector: (sector: number) => number): { arrows: LayerLayout['arrows']; brackets: LayerLayout['brackets'] } {
  const R = LAYER_ROWS;
  const arrows: LayerLayout['arrows'] = [];
  const brackets: LayerLayout['brackets'] = [];
  input.users.forEach((device, u) => {
    const targets = tableTargets(device.inactive ?? device.live);
    targets.forEach((t, k) => {
      const box = users[u].targets[k];
      if (box.kind !== 'identity') return;
      const offset = t.devices[0]?.offsetSectors ?? 0;
      const x1 = xOfLayerSector(offset);
      const x2 = xOfLayerSector(offset + t.lengthSectors);
      brackets.push({ x1, x2, y: R.layerHeaderY - 6 });
      arrows.push({ path: connector(box.x + box.width / 2, box.y + box.height, (x1 + x2) / 2, R.layerHeaderY - 6), kind: 'identity', loadedNotLive: users[u].loadedNotLive });
    });
  });
  return { arrows, brackets };
}

/** A PV's place: the x of something drawn above that uses it, as its source or destination. */
interface PvAnchor {
  pv: string;
  x: number;
  role: 'source' | 'destination';
}

/** The PV row: each PV the move uses, centred under what uses it, packed so none overlap. */
function pvRow(anchors: readonly PvAnchor[], widthPx: number, y: number, label: (devno: string) => string, pvDevno: (pv: string) => string | undefined): DiagramBox[] {
  const names = [...new Set(anchors.map((a) => a.pv))].filter((name) => name !== '');
  const boxes = names.map((name): DiagramBox => {
    const uses = anchors.filter((a) => a.pv === name);
    const centre = uses.reduce((a, u) => a + u.x, 0) / uses.length;
    const role = [uses.some((u) => u.role === 'source') ? 'source' : '', uses.some((u) => u.role === 'destination') ? 'destination' : ''].filter(Boolean).join(' + ');
    const devno = pvDevno(name) ?? '';
    const width = Math.min(260, Math.max(120, widthPx / Math.max(2, names.length) - 12));
    return { x: centre - width / 2, y, width, height: LAYER_ROWS.pvH, label: devno ? label(devno) : name, sublabel: `${devno} · ${role}`, kind: 'pv', pv: name };
  });
  packRow(boxes, widthPx, 12);
  return boxes;
}

/** Arrows from each segment to what pvmove0's table maps it onto (both legs for the mirror). */
function segmentArrows(segments: readonly SegmentBox[], pvs: readonly DiagramBox[], loadedNotLive: boolean): LayerLayout['arrows'] {
  const R = LAYER_ROWS;
  const bottom = R.segmentY + R.segmentH;
  const to = (pv: string, fromX: number, kind: DiagramArrow['kind']) => {
    const box = pvs.find((b) => b.pv === pv);
    return box ? { path: connector(fromX, bottom, box.x + box.width / 2, R.pvY), kind, loadedNotLive } : null;
  };
  return segments.flatMap((s) => {
    const mid = s.x + s.width / 2;
    if (s.mapping === 'mirror') return [to(s.fromPv, s.x + s.width * 0.25, 'source-leg'), to(s.toPv, s.x + s.width * 0.75, 'destination-leg')];
    if (s.mapping === 'destination') return [to(s.toPv, mid, 'linear')];
    if (s.mapping === 'source') return [to(s.fromPv, mid, 'linear')];
    // A planned segment is still its LV's range on the source: drawn dashed, as not live.
    const planned = s.state === 'planned' && s.mapping === 'none' ? to(s.fromPv, mid, 'linear') : null;
    return planned ? [{ ...planned, loadedNotLive: true }] : [];
  }).filter((a): a is NonNullable<typeof a> => a !== null);
}

/**
 * The diagram's text alternative (what a screen reader says for the drawing): each LV's device
 * and table, pvmove0 and each of its segments in its state, an atomic move's mirror and legs,
 * and the PVs beneath.
 */
export function describeLayerLayout(layout: LayerLayout): string {
  const words = (b: Pick<DiagramBox, 'label' | 'sublabel'>) => [b.label, b.sublabel].filter(Boolean).join(' ');
  const parts = layout.users.map((u) => `${words(u.header)}${u.suspended ? `, suspended with ${u.deferred} IOs queued` : ''}: ${u.loadedNotLive ? 'table loaded, not live until resume: ' : ''}${u.targets.map(words).join(' | ')}`);
  parts.push(`${words(layout.layerHeader)}${layout.layerLoadedNotLive ? ', table loaded, not live until resume' : ''}`);
  if (layout.mirror) parts.push(layout.mirror.lines.concat(layout.mirror.waiting).join(' '));
  for (const s of layout.segments) parts.push(`segment ${s.segment}: ${s.lines.join(', ')}`);
  for (const image of layout.images) parts.push(`${words(image.header)}${image.exists ? '' : ' (no device)'}: ${image.targets.map(words).join(' | ')}`);
  if (layout.note.length > 0) parts.push(layout.note.join(' '));
  if (layout.pvs.length > 0) parts.push(`PVs ${layout.pvs.map(words).join(', ')}`);
  return `Device stack: ${parts.join('; ')}.`;
}
