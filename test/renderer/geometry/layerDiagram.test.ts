// Proves the lvm2 diagram's layout from dm tables and pvmove0's segments, on the seed move
// split at 1 MiB (lv0 = pv1 | pv2 | pv3, pv2's four extents become pvmove0's four segments to
// pv4): lv0 on top with its moving range mapped onto pvmove0 between its pv1 and pv3 ranges;
// pvmove0's segments in order, each mapped as its table says (done → destination, the first
// unfinished mirrored with room for its region grid, later ones on the source), the PVs they
// come from and go to beneath with an arrow for each leg; the plan's segments drawn as planned
// while pvmove0's table is only loaded; `error` targets after the first finishing commit (every
// segment unmapped, though LVM2's leftover is one error extent, none said checkpointed); no
// pvmove0 at all once it is removed; two LVs side by side, each pointing at its own segments;
// and every segment keeps a minimum width and text that fits (headers too), even 8 segments in
// 320 px. An --atomic move (lv0 LE 0-1 pv2 → pv3, lv1 LE 0-3 pv2 → pv4, one mirror over
// pvmove0_mimage_0 and _1): one mirror box across the row with the runs inside it and one grid
// beneath them, the two sub-LVs between pvmove0 and the PVs (the source PV under mimage_0, the
// destinations under mimage_1), from the preload (all loaded, not live) to the first finishing
// commit (pvmove0 error, the runs done, the legs unused), with text that fits in 320 px.
import { describe, expect, it } from 'vitest';
import type { LayerSegmentView } from '../../../app/api/move';
import type { DmDeviceView } from '../../../app/api/views';
import { parseTable } from '../../../app/dm/table';
import { ATOMIC_ROWS, describeLayerLayout, fitText, LAYER_ROWS, inlineSublabelOffsetPx, layerDiagramLayout, plannedSegments, shareWidths, textWidthPx, wrapText, type LayerDiagramInput, type LayerLayout } from '../../../renderer/geometry/layerDiagram';

/** A device whose live table is written as dmsetup lines. */
function device(name: string, devno: string, live: string[] | null, patch: Partial<DmDeviceView> = {}): DmDeviceView {
  return { name, uuid: name, devno, state: 'ACTIVE', live: live ? parseTable(live.join('\n')) : null, inactive: null, status: [], mirrors: [], openCount: 0, eventNr: 0, inFlight: 0, deferred: 0, io: { reads: 0, writes: 0, readSectors: 0, writtenSectors: 0 }, dependsOn: [], ...patch };
}
const PVS = ['pv1', 'pv2', 'pv3', 'pv4'].map((name, i) => ({ name, devno: `7:${i}` }));
const EXTENT = 2048;
const LV_ON_LAYER = ['0 12288 linear 7:0 2048', '12288 8192 linear 254:1 0', '20480 10240 linear 7:2 2048'];
const lv0 = (patch: Partial<DmDeviceView> = {}) => device('vg0-lv0', '254:0', LV_ON_LAYER, patch);
/** pvmove0 after checkpoint 1: segment 1 on pv4, segment 2 mirrored, 3 and 4 on pv2. */
const LAYER_AFTER_CHECKPOINT_1 = ['0 2048 linear 7:3 2048', '2048 2048 mirror core 1 128 2 7:1 4096 7:3 4096', '4096 2048 linear 7:1 6144', '6144 2048 linear 7:1 8192'];

function segments(states: LayerSegmentView['state'][], lv = 'lv0', first = 1, firstLayerLe = 0): LayerSegmentView[] {
  return states.map((state, i) => ({ index: first + i, layerLe: firstLayerLe + i, count: 1, lv, startLe: 6 + i, fromPv: 'pv2', fromPe: i, toPv: 'pv4', toPe: i, regionSizeSectors: 128, state }));
}

function input(patch: Partial<LayerDiagramInput>): LayerDiagramInput {
  const layer = device('vg0-pvmove0', '254:1', LAYER_AFTER_CHECKPOINT_1);
  const user = lv0();
  return { users: [user], layerDevice: layer, segments: segments(['done', 'mirroring', 'waiting', 'waiting']), recorded: true, devices: [user, layer], pvs: PVS, extentSectors: EXTENT, mirrors: [], widthPx: 1000, ...patch };
}

describe('the lvm2 diagram geometry', () => {
  it('draws lv0 over pvmove0 over the PVs: the moving range onto pvmove0, each segment mapped as its table says', () => {
    const mirror = { device: 'vg0-pvmove0', targetIndex: 1, targetStartSector: 2048, lengthSectors: 2048, regionSizeSectors: 128, regionsTotal: 16, regionsCopied: 4, regions: [], intercepted: [], sourceLeg: 'pv2', destinationLeg: 'pv4', layerSegment: 2 };
    const layout = layerDiagramLayout(input({ mirrors: [mirror] }));
    const [user] = layout.users;
    expect(user.header.label).toBe('vg0-lv0');
    expect(user.targets.map((t) => `${t.kind}:${t.label}`)).toEqual(['linear:pv1', 'identity:pvmove0', 'linear:pv3']);
    expect(user.targets[1].width).toBeGreaterThanOrEqual(0.5 * 1000 - 1e-6);
    expect(layout.layerHeader.label).toBe('vg0-pvmove0');
    expect(layout.segments.map((s) => `${s.segment}:${s.state}:${s.mapping}`)).toEqual(['1:done:destination', '2:mirroring:mirror', '3:waiting:source', '4:waiting:source']);
    const mirrored = layout.segments[1];
    expect(mirrored.width).toBeGreaterThanOrEqual(0.45 * 1000 - 1e-6);
    expect(mirrored.grid).not.toBeNull();
    expect(mirrored.grid!.x).toBeGreaterThanOrEqual(mirrored.x);
    expect(mirrored.grid!.x + mirrored.grid!.width).toBeLessThanOrEqual(mirrored.x + mirrored.width);
    expect(mirrored.lines).toEqual(['segment 2 · lv0 LE 7', 'mirror pv2:1 → pv4:1', 'mirroring · 25% in sync']);
    expect(layout.segments[0].lines[2]).toBe('done: checkpointed');
    // Segments tile the width in order, without overlap.
    layout.segments.forEach((s, i) => expect(s.x).toBeCloseTo(i === 0 ? 0 : layout.segments[i - 1].x + layout.segments[i - 1].width));
    expect(layout.segments.at(-1)!.x + layout.segments.at(-1)!.width).toBeCloseTo(1000);
    expect(layout.pvs.map((b) => `${b.label}:${b.sublabel}`)).toEqual(['pv2:7:1 · source', 'pv4:7:3 · destination']);
    // lv0's range onto pvmove0 covers all four segments: its bracket spans the row.
    expect(layout.brackets).toHaveLength(1);
    expect(layout.brackets[0].x1).toBeCloseTo(0);
    expect(layout.brackets[0].x2).toBeCloseTo(1000);
    expect(layout.arrows.map((a) => a.kind)).toEqual(['identity', 'linear', 'source-leg', 'destination-leg', 'linear', 'linear']);
  });

  it('reads as text: the LV and its table, pvmove0, each segment in its state and the PVs (the text alternative)', () => {
    const mirror = { device: 'vg0-pvmove0', targetIndex: 1, targetStartSector: 2048, lengthSectors: 2048, regionSizeSectors: 128, regionsTotal: 16, regionsCopied: 4, regions: [], intercepted: [], sourceLeg: 'pv2', destinationLeg: 'pv4', layerSegment: 2 };
    const text = describeLayerLayout(layerDiagramLayout(input({ mirrors: [mirror] })));
    expect(text).toMatch(/^Device stack: vg0-lv0 .*: pv1 .* \| pvmove0 .* \| pv3 .*; vg0-pvmove0 .*; segment 1: .*done: checkpointed; segment 2: segment 2 · lv0 LE 7, mirror pv2:1 → pv4:1, mirroring · 25% in sync; segment 3: .*; segment 4: .*; PVs pv2 7:1 · source, pv4 7:3 · destination\.$/);
  });

  it('draws the plan\'s segments as planned while pvmove0\'s table and lv0\'s new table are only loaded (the preload)', () => {
    const plan = { moves: [0, 1, 2, 3].map((i) => ({ lv: 'lv0', startLe: 6 + i, count: 1, fromPv: 'pv2', fromPe: i, toPv: 'pv4', toPe: i })) };
    const planned = plannedSegments(plan);
    expect(planned.map((s) => `${s.index}@${s.layerLe}`)).toEqual(['1@0', '2@1', '3@2', '4@3']);
    const layer = device('vg0-pvmove0', '254:1', null, { inactive: parseTable(['0 2048 mirror core 1 128 2 7:1 2048 7:3 2048', '2048 6144 linear 7:1 4096'].join('\n')) });
    const user = device('vg0-lv0', '254:0', ['0 12288 linear 7:0 2048', '12288 8192 linear 7:1 2048', '20480 10240 linear 7:2 2048'], { inactive: parseTable(LV_ON_LAYER.join('\n')), state: 'SUSPENDED', deferred: 2 });
    const layout = layerDiagramLayout(input({ users: [user], layerDevice: layer, devices: [user, layer], segments: planned, recorded: false }));
    expect(layout.layerLoadedNotLive).toBe(true);
    expect(layout.users[0].loadedNotLive).toBe(true);
    expect(layout.users[0].header.sublabel).toBe('254:0 · SUSPENDED · 2 IOs queued · table loaded, not live');
    expect(layout.users[0].targets.map((t) => t.live)).toEqual([false, false, false]);
    expect(layout.segments.map((s) => `${s.state}:${s.mapping}:${s.live}`)).toEqual(['planned:mirror:false', 'planned:source:false', 'planned:source:false', 'planned:source:false']);
    expect(layout.layerHeader.sublabel).toMatch(/INACTIVE table: loaded, not live until resume/);
  });

  it('shows pvmove0\'s error targets after the first finishing commit, with lv0 straight on pv4', () => {
    const layer = device('vg0-pvmove0', '254:1', ['0 8192 error']);
    const user = device('vg0-lv0', '254:0', ['0 12288 linear 7:0 2048', '12288 8192 linear 7:3 2048', '20480 10240 linear 7:2 2048']);
    const layout = layerDiagramLayout(input({ users: [user], layerDevice: layer, devices: [user, layer], segments: segments(['done', 'done', 'done', 'done']) }));
    expect(layout.users[0].targets.map((t) => t.label)).toEqual(['pv1', 'pv4', 'pv3']);
    expect(layout.segments.map((s) => s.mapping)).toEqual(['error', 'error', 'error', 'error']);
    expect(layout.brackets).toEqual([]);
    expect(layout.arrows).toEqual([]);
  });

  it('draws every segment unmapped (error) between the finishing commits, though pvmove0 keeps one error extent as LVM2 writes it', () => {
    const layer = device('vg0-pvmove0', '254:1', ['0 2048 error']);
    const user = device('vg0-lv0', '254:0', ['0 12288 linear 7:0 2048', '12288 8192 linear 7:3 2048', '20480 10240 linear 7:2 2048']);
    const layout = layerDiagramLayout(input({ users: [user], layerDevice: layer, devices: [user, layer], segments: segments(['done', 'done', 'done', 'done']) }));
    expect(layout.segments.map((s) => `${s.mapping}:${s.lines[2]}`)).toEqual(Array(4).fill('error:done: on its destination'));
    expect(layout.layerHeader.sublabel).toBe('254:1 · ACTIVE · first finishing commit written: READ,WRITE, one error extent');
    expect(layout.arrows).toEqual([]);
  });

  it('draws no pvmove0 once it is removed, and says so', () => {
    const user = device('vg0-lv0', '254:0', ['0 12288 linear 7:0 2048', '12288 8192 linear 7:3 2048', '20480 10240 linear 7:2 2048']);
    const layout = layerDiagramLayout(input({ users: [user], layerDevice: null, devices: [user], segments: [], recorded: false }));
    expect(layout.segments).toEqual([]);
    expect(layout.pvs).toEqual([]);
    expect(layout.layerHeader.sublabel).toMatch(/no pvmove0: the LVs map straight onto their PVs/);
    expect(layout.note.join(' ')).toMatch(/^No pvmove0 now\. During an lvm2-stack move it sits here/);
    for (const line of layout.note) expect(textWidthPx(line, 11)).toBeLessThanOrEqual(1000 - 16);
  });

  it('draws pvmove0\'s targets from its table when the move has no segments to give (resumed between the two finishing commits)', () => {
    const layer = device('vg0-pvmove0', '254:1', ['0 8192 error']);
    const user = device('vg0-lv0', '254:0', ['0 12288 linear 7:0 2048', '12288 8192 linear 7:3 2048', '20480 10240 linear 7:2 2048']);
    const layout = layerDiagramLayout(input({ users: [user], layerDevice: layer, devices: [user, layer], segments: [], widthPx: 400 }));
    expect(layout.segments.map((s) => `${s.mapping}:${s.lines[0]}`)).toEqual(['error:target 1: error']);
    expect(layout.pvs).toEqual([]);
    expect(layout.note.length).toBeGreaterThan(1);
    for (const line of layout.note) expect(textWidthPx(line, 11)).toBeLessThanOrEqual(400 - 16);
  });

  it('puts two LVs side by side, each pointing at its own range of pvmove0', () => {
    const a = device('vg0-lv0', '254:0', ['0 4096 linear 254:2 0']);
    const b = device('vg0-lv1', '254:1', ['0 2048 linear 7:0 2048', '2048 6144 linear 254:2 4096']);
    const layer = device('vg0-pvmove0', '254:2', ['0 4096 mirror core 1 128 2 7:1 2048 7:3 2048', '4096 6144 linear 7:1 6144']);
    const segs = [...segments(['mirroring'], 'lv0'), { ...segments(['waiting'], 'lv1', 2, 2)[0], count: 3 }];
    segs[0].count = 2;
    const layout = layerDiagramLayout(input({ users: [a, b], layerDevice: layer, devices: [a, b, layer], segments: segs, widthPx: 1200 }));
    const [left, right] = layout.users;
    expect(left.header.x + left.header.width).toBeLessThan(right.header.x);
    const [onA, onB] = layout.brackets;
    const [s1, s2] = layout.segments;
    expect(onA.x1).toBeCloseTo(s1.x);
    expect(onA.x2).toBeCloseTo(s1.x + s1.width);
    expect(onB.x1).toBeCloseTo(s2.x);
    expect(onB.x2).toBeCloseTo(s2.x + s2.width);
  });

  it('keeps every segment at least 34 px wide, with text that fits, when 8 segments share 320 px', () => {
    const eight = [...segments(['done', 'done', 'mirroring']), ...segments(['waiting', 'waiting', 'waiting', 'waiting', 'waiting'], 'lv0', 4, 3)];
    const layout = layerDiagramLayout(input({ segments: eight, widthPx: 320, layerDevice: null, devices: [lv0()] }));
    for (const s of layout.segments) {
      expect(s.width).toBeGreaterThanOrEqual(34 - 1e-6);
      expect(textWidthPx(s.lines[0], 12)).toBeLessThanOrEqual(s.width - 14);
      s.lines.slice(1).forEach((line) => expect(textWidthPx(line, 11)).toBeLessThanOrEqual(s.width - 14));
    }
    expect(layout.segments.reduce((n, s) => n + s.width, 0)).toBeCloseTo(320);
    // The headers' sublabels fit beside their labels too (a suspended LV with its loaded table says the most).
    const busy = lv0({ state: 'SUSPENDED', deferred: 12, inactive: parseTable(LV_ON_LAYER.join('\n')) });
    const one = layerDiagramLayout(input({ users: [busy], widthPx: 320, devices: [busy] }));
    expect(one.users[0].header.sublabel).toBe('SUSPENDED · 12 IOs queued');
    const two = layerDiagramLayout(input({ users: [busy, { ...busy, name: 'vg0-lv1', devno: '254:9' }], widthPx: 320, devices: [busy] }));
    for (const box of [one.layerHeader, two.layerHeader, ...two.users.map((u) => u.header)]) expect(textWidthPx(box.sublabel, 11)).toBeLessThanOrEqual(box.width - 8 - inlineSublabelOffsetPx(box.label));
  });
});

describe('width sharing and text fitting', () => {
  it('gives boosted items their share, never less than their weight, and a floor to every item', () => {
    expect(shareWidths([1, 1], [false, false], 100, 10)).toEqual([50, 50]);
    const [big, small] = shareWidths([9, 1], [false, true], 100, 10, 0.45);
    expect(small).toBeCloseTo(45);
    expect(big).toBeCloseTo(55);
    expect(shareWidths([1, 1], [true, false], 100, 10, 0.45)).toEqual([50, 50]);
    const floored = shareWidths([100, 1, 1], [false, false, false], 100, 20);
    expect(floored[1]).toBeCloseTo(20);
    expect(floored.reduce((a, b) => a + b, 0)).toBeCloseTo(100);
  });

  it('wraps a sentence at spaces into lines that fit', () => {
    expect(wrapText('one two three four', textWidthPx('one two', 11), 11)).toEqual(['one two', 'three', 'four']);
    expect(wrapText('', 100, 11)).toEqual([]);
  });

  it('takes the first text that fits, else nothing', () => {
    expect(fitText(['a long label', 'short'], textWidthPx('short', 11), 11)).toBe('short');
    expect(fitText(['a long label'], 5, 11)).toBe('');
  });
});

/** An atomic move of two runs: lv0 LE 0-1 from pv2:0 to pv3:0, lv1 LE 0-3 from pv2:2 to pv4:0. */
const ATOMIC_RUNS: LayerSegmentView[] = [
  { index: 1, layerLe: 0, count: 2, lv: 'lv0', startLe: 0, fromPv: 'pv2', fromPe: 0, toPv: 'pv3', toPe: 0, regionSizeSectors: 4096, state: 'mirroring' },
  { index: 2, layerLe: 2, count: 4, lv: 'lv1', startLe: 0, fromPv: 'pv2', fromPe: 2, toPv: 'pv4', toPe: 0, regionSizeSectors: 4096, state: 'mirroring' },
];
const IMAGE0 = ['0 4096 linear 7:1 2048', '4096 8192 linear 7:1 6144'];
const IMAGE1 = ['0 4096 linear 7:2 2048', '4096 8192 linear 7:3 2048'];
const ATOMIC_LAYER = ['0 12288 mirror core 1 4096 2 254:2 0 254:3 0'];

function atomicInput(patch: Partial<LayerDiagramInput> = {}, images: [string[] | null, string[] | null] = [IMAGE0, IMAGE1], layerTable: string[] = ATOMIC_LAYER): LayerDiagramInput {
  const lvA = device('vg0-lv0', '254:0', ['0 4096 linear 254:4 0']);
  const lvB = device('vg0-lv1', '254:1', ['0 8192 linear 254:4 4096']);
  const image0 = images[0] && device('vg0-pvmove0_mimage_0', '254:2', images[0]);
  const image1 = images[1] && device('vg0-pvmove0_mimage_1', '254:3', images[1]);
  const layer = device('vg0-pvmove0', '254:4', layerTable);
  const devices = [lvA, lvB, layer, ...[image0, image1].filter((d): d is DmDeviceView => d !== null)];
  return { users: [lvA, lvB], layerDevice: layer, segments: ATOMIC_RUNS, recorded: true, devices, pvs: PVS, extentSectors: EXTENT, mirrors: [], widthPx: 1000, atomicImages: [image0, image1], ...patch };
}

/** Every box's words fit it: headers beside their labels, targets and runs inside their boxes. */
function expectTextFits(layout: LayerLayout): void {
  for (const s of layout.segments) {
    expect(textWidthPx(s.lines[0], 12)).toBeLessThanOrEqual(s.width - 14);
    s.lines.slice(1).forEach((line) => expect(textWidthPx(line, 11)).toBeLessThanOrEqual(s.width - 14));
  }
  for (const image of layout.images) {
    expect(textWidthPx(image.header.label, 12)).toBeLessThanOrEqual(image.header.width - 16);
    if (image.header.sublabel) expect(textWidthPx(image.header.sublabel, 11)).toBeLessThanOrEqual(image.header.width - 8 - inlineSublabelOffsetPx(image.header.label));
    for (const t of image.targets) {
      expect(textWidthPx(t.label, 12)).toBeLessThanOrEqual(t.width - 16);
      expect(textWidthPx(t.sublabel, 11)).toBeLessThanOrEqual(t.width - 16);
    }
  }
  const mirror = layout.mirror!;
  expect(textWidthPx(mirror.lines[0], 12) + textWidthPx(mirror.lines[1], 11) + 15).toBeLessThanOrEqual(mirror.width);
  for (const line of mirror.waiting) expect(textWidthPx(line, 11)).toBeLessThanOrEqual(mirror.width - 16);
}

describe('the lvm2 diagram of an atomic move', () => {
  it('draws one mirror box across every run with one grid beneath them, over mimage_0 (sources) and mimage_1 (destinations), over the PVs', () => {
    const mirror = { device: 'vg0-pvmove0', targetIndex: 0, targetStartSector: 0, lengthSectors: 12288, regionSizeSectors: 4096, regionsTotal: 3, regionsCopied: 1, regions: [], intercepted: [], sourceLeg: '254:2', destinationLeg: '254:3', layerSegment: 1 };
    const layout = layerDiagramLayout(atomicInput({ mirrors: [mirror] }));
    const A = ATOMIC_ROWS;
    const box = layout.mirror!;
    expect(box).toMatchObject({ x: 0, y: A.mirrorY, width: 1000, height: A.mirrorH, mapping: 'mirror', live: true });
    expect(box.lines).toEqual(['one mirror over all 2 runs (6 extents): every run copies at once', 'vg0-pvmove0_mimage_0 + vg0-pvmove0_mimage_1 · 33% in sync']);
    expect(box.waiting).toEqual([]);
    expect(layerDiagramLayout(atomicInput({ mirrors: [mirror], widthPx: 1600 })).mirror!.lines[1]).toBe('legs: vg0-pvmove0_mimage_0 (sources) + vg0-pvmove0_mimage_1 (destinations) · 33% in sync');
    // The runs are inside the mirror, in layer order, widths in proportion to their extents (2 : 4).
    expect(layout.segments.map((s) => `${s.segment}:${s.state}:${s.mapping}`)).toEqual(['1:mirroring:mirror', '2:mirroring:mirror']);
    const [r1, r2] = layout.segments;
    expect(r1.x).toBeGreaterThanOrEqual(box.x);
    expect(r2.x + r2.width).toBeLessThanOrEqual(box.x + box.width);
    expect(r2.x).toBeCloseTo(r1.x + r1.width);
    expect(r2.width / r1.width).toBeCloseTo(2);
    expect(r1.y).toBeGreaterThan(box.y + 15);
    expect(layout.segments.every((s) => s.grid === null)).toBe(true);
    expect(r1.lines).toEqual(['segment 1 · lv0 LE 0-1', 'pv2:0 → pv3:0, in the one mirror', 'mirroring, with every other run']);
    // One grid: across the mirror, below the runs.
    const grid = box.grid!;
    expect(grid.y).toBeGreaterThanOrEqual(r1.y + r1.height);
    expect(grid.y + grid.height).toBeLessThanOrEqual(box.y + box.height);
    expect(grid.width).toBeGreaterThan(0.95 * 1000);
    // The legs: mimage_0 on the left with pv2's two ranges, mimage_1 on the right with pv3 and pv4.
    const [image0, image1] = layout.images;
    expect(image0.header.label).toBe('vg0-pvmove0_mimage_0');
    expect(image0.header.sublabel).toBe('254:2 · ACTIVE · leg 1: the sources');
    expect(image1.header.label).toBe('vg0-pvmove0_mimage_1');
    expect(image0.header.x + image0.header.width).toBeLessThan(image1.header.x);
    expect(image0.targets.map((t) => `${t.label} ${t.sublabel}`)).toEqual(['pv2 7:1 @2048', 'pv2 7:1 @6144']);
    expect(image1.targets.map((t) => `${t.label} ${t.sublabel}`)).toEqual(['pv3 7:2 @2048', 'pv4 7:3 @2048']);
    expect(image0.header.y).toBeGreaterThan(box.y + box.height);
    // The PVs below the legs: the source under mimage_0, the destinations under mimage_1.
    expect(layout.pvs.map((b) => `${b.label}:${b.sublabel}`)).toEqual(['pv2:7:1 · source', 'pv3:7:2 · destination', 'pv4:7:3 · destination']);
    const centre = (b: { x: number; width: number }) => b.x + b.width / 2;
    expect(centre(layout.pvs[0])).toBeLessThan(500);
    expect(layout.pvs.slice(1).every((b) => centre(b) > 500)).toBe(true);
    expect(layout.pvs.every((b) => b.y === A.pvY && b.y > A.imageTargetY + A.imageTargetH)).toBe(true);
    expect(layout.height).toBe(A.height);
    // Arrows: each LV onto pvmove0, the mirror's two legs down to the sub-LVs, each sub-LV target down to its PV.
    expect(layout.arrows.map((a) => a.kind)).toEqual(['identity', 'identity', 'source-leg', 'linear', 'linear', 'destination-leg', 'linear', 'linear']);
    expect(layout.brackets.map((b) => [Math.round(b.x1), Math.round(b.x2)])).toEqual([[Math.round(r1.x), Math.round(r1.x + r1.width)], [Math.round(r2.x), Math.round(r2.x + r2.width)]]);
    expect(layout.layerHeader.sublabel).toMatch(/--atomic/);
    // Beside each leg's arrow, what that leg does.
    expect(layout.captions.map((c) => c.text)).toEqual(['leg 1: the sources', 'leg 2: the destinations']);
    expect(layout.captions.every((c) => c.y > box.y + box.height && c.y < A.imageHeaderY)).toBe(true);
    expect(layout.captions[0].x + textWidthPx(layout.captions[0].text, 11)).toBeLessThan(image1.header.x);
    expectTextFits(layout);
  });

  it('draws the preload: pvmove0 and both legs loaded, not live, and the plan\'s runs planned', () => {
    const loaded = (name: string, devno: string, table: string[]) => device(name, devno, null, { inactive: parseTable(table.join('\n')) });
    const image0 = loaded('vg0-pvmove0_mimage_0', '254:2', IMAGE0);
    const image1 = loaded('vg0-pvmove0_mimage_1', '254:3', IMAGE1);
    const layer = loaded('vg0-pvmove0', '254:4', ATOMIC_LAYER);
    const planned = plannedSegments({ moves: ATOMIC_RUNS.map((r) => ({ lv: r.lv, startLe: r.startLe, count: r.count, fromPv: r.fromPv, fromPe: r.fromPe, toPv: r.toPv, toPe: r.toPe })) });
    const base = atomicInput();
    const layout = layerDiagramLayout({ ...base, layerDevice: layer, devices: [...base.users, layer, image0, image1], segments: planned, recorded: false, atomicImages: [image0, image1] });
    expect(layout.mirror).toMatchObject({ mapping: 'mirror', live: false });
    expect(layout.segments.map((s) => `${s.state}:${s.mapping}`)).toEqual(['planned:mirror', 'planned:mirror']);
    expect(layout.images.map((i) => `${i.exists}:${i.loadedNotLive}:${i.targets.map((t) => t.live).join(',')}`)).toEqual(['true:true:false,false', 'true:true:false,false']);
    expect(layout.images[0].header.sublabel).toBe('ACTIVE · loaded, not live · sources');
    expect(layout.arrows.filter((a) => a.kind !== 'identity').every((a) => a.loadedNotLive)).toBe(true);
  });

  it('draws the legs from the runs while their devices do not exist yet', () => {
    const layout = layerDiagramLayout(atomicInput({ layerDevice: null, recorded: false }, [null, null]));
    expect(layout.mirror).toMatchObject({ mapping: 'none', grid: null });
    expect(layout.mirror!.waiting).toEqual(['Its region grid shows here once pvmove0 is loaded with the mirror and copies.']);
    expect(layout.images.map((i) => `${i.header.label}:${i.exists}`)).toEqual(['pvmove0_mimage_0:false', 'pvmove0_mimage_1:false']);
    expect(layout.images.map((i) => i.targets.map((t) => t.sublabel).join(' '))).toEqual(['pv2:0 pv2:2', 'pv3:0 pv4:0']);
    expect(layout.arrows.map((a) => `${a.kind}:${a.loadedNotLive}`)).toEqual(['linear:true', 'linear:true', 'linear:true', 'linear:true']);
  });

  it('after the first finishing commit: pvmove0 is error, every run done, the legs unused and no mirror legs drawn', () => {
    const done = ATOMIC_RUNS.map((r) => ({ ...r, state: 'done' as const }));
    // The LVs were resumed straight on their destinations.
    const users = [device('vg0-lv0', '254:0', ['0 4096 linear 7:2 2048']), device('vg0-lv1', '254:1', ['0 8192 linear 7:3 2048'])];
    const layout = layerDiagramLayout(atomicInput({ segments: done, users }, [IMAGE0, IMAGE1], ['0 2048 error']));
    expect(layout.mirror).toMatchObject({ mapping: 'error', grid: null });
    expect(layout.mirror!.lines[0]).toBe('error: the LVs already map straight onto the destinations');
    // pvmove0 has one target: both runs are mapped as it says, though it covers only the first extent.
    expect(layout.segments.map((s) => `${s.state}:${s.mapping}:${s.lines[1]}:${s.lines[2]}`)).toEqual(['done:error:pv2:0 → pv3:0: moved:done: on its destination', 'done:error:pv2:2 → pv4:0: moved:done: on its destination']);
    expect(layout.mirror!.waiting.join(' ')).toMatch(/^The finishing commit put every LV straight on its destinations at once: nothing uses pvmove0 any more/);
    expect(layout.layerHeader.sublabel).toBe('254:4 · ACTIVE · first finishing commit written: READ,WRITE, one error extent');
    expect(layout.captions).toEqual([]);
    // At 12 px (the smallest text) the device numbers give way first; the words stay.
    expect(layout.images.map((i) => i.header.sublabel)).toEqual(['ACTIVE · detached: nothing maps onto it', 'ACTIVE · detached: nothing maps onto it']);
    expect(layout.arrows.some((a) => a.kind === 'source-leg' || a.kind === 'destination-leg')).toBe(false);
  });

  it('draws LVM2\'s detach: pvmove0 linear per run on the destinations, the images detached (the destination one a single error target), the PVs still under their legs', () => {
    const done = ATOMIC_RUNS.map((r) => ({ ...r, state: 'done' as const }));
    const layout = layerDiagramLayout(atomicInput({ segments: done }, [IMAGE0, ['0 12288 error']], ['0 4096 linear 7:2 2048', '4096 8192 linear 7:3 2048']));
    expect(layout.mirror).toMatchObject({ mapping: 'destination', grid: null });
    expect(layout.mirror!.lines[0]).toBe('mirror detached: pvmove0 is linear on the destinations');
    expect(layout.segments.map((s) => `${s.mapping}:${s.lines[1]}`)).toEqual(['destination:linear → pv3:0 (moved)', 'destination:linear → pv4:0 (moved)']);
    expect(layout.images[1].targets.map((t) => `${t.kind}:${t.label}`)).toEqual(['other:error']);
    // At 12 px (the smallest text) the device numbers give way first; the words stay.
    expect(layout.images.map((i) => i.header.sublabel)).toEqual(['ACTIVE · detached: nothing maps onto it', 'ACTIVE · detached: nothing maps onto it']);
    expect(layout.pvs.map((b) => `${b.label}:${b.sublabel}`)).toEqual(['pv2:7:1 · source', 'pv3:7:2 · destination', 'pv4:7:3 · destination']);
    expect(layout.pvs.slice(1).every((b) => b.x + b.width / 2 > 500)).toBe(true);
    // Not yet the finishing commit: pvmove0 is still the move's layer.
    expect(layout.layerHeader.sublabel).toMatch(/PVMOVE \+ LOCKED/);
    expect(layout.captions).toEqual([]);
  });

  it('draws released images empty, and the PVs the runs still name, once every run is done and the images are gone', () => {
    const done = ATOMIC_RUNS.map((r) => ({ ...r, fromPv: r.toPv, fromPe: r.toPe, state: 'done' as const }));
    const users = [device('vg0-lv0', '254:0', ['0 4096 linear 7:2 2048']), device('vg0-lv1', '254:1', ['0 8192 linear 7:3 2048'])];
    const layout = layerDiagramLayout(atomicInput({ segments: done, users }, [null, null], ['0 2048 error']));
    expect(layout.images.map((i) => `${i.exists}:${i.targets.length}`)).toEqual(['false:0', 'false:0']);
    expect(layout.pvs.map((b) => `${b.label}:${b.sublabel}`)).toEqual(['pv3:7:2 · destination', 'pv4:7:3 · destination']);
  });

  it('draws an atomic move that has no runs left (removed) as any lvm2 diagram: no legs, the usual height', () => {
    const layout = layerDiagramLayout(atomicInput({ segments: [], layerDevice: null, recorded: false }, [null, null]));
    expect(layout.mirror).toBeNull();
    expect(layout.images).toEqual([]);
    expect(layout.height).toBe(LAYER_ROWS.height);
  });

  it('keeps every word inside its box in 320 px', () => {
    const mirror = { device: 'vg0-pvmove0', targetIndex: 0, targetStartSector: 0, lengthSectors: 12288, regionSizeSectors: 4096, regionsTotal: 3, regionsCopied: 2, regions: [], intercepted: [], sourceLeg: '254:2', destinationLeg: '254:3', layerSegment: 1 };
    const layout = layerDiagramLayout(atomicInput({ widthPx: 320, mirrors: [mirror] }));
    expect(layout.segments.every((s) => s.width >= 34 - 1e-6)).toBe(true);
    expect(layout.mirror!.lines[1]).toMatch(/66% in sync$/);
    expect(layout.images.map((i) => i.header.label)).toEqual(['pvmove0_mimage_0', 'pvmove0_mimage_1']);
    expectTextFits(layout);
  });
});
