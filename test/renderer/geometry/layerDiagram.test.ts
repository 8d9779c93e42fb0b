// Proves the lvm2 diagram's layout from dm tables and pvmove0's segments, on the seed move
// split at 1 MiB (lv0 = pv1 | pv2 | pv3, pv2's four extents become pvmove0's four segments to
// pv4): lv0 on top with its moving range mapped onto pvmove0 between its pv1 and pv3 ranges;
// pvmove0's segments in order, each mapped as its table says (done → destination, the first
// unfinished mirrored with room for its region grid, later ones on the source), the PVs they
// come from and go to beneath with an arrow for each leg; the plan's segments drawn as planned
// while pvmove0's table is only loaded; `error` targets after the first finishing commit; no
// pvmove0 at all once it is removed; two LVs side by side, each pointing at its own segments;
// and every segment keeps a minimum width and text that fits (headers too), even 8 segments in
// 320 px.
import { describe, expect, it } from 'vitest';
import type { LayerSegmentView } from '../../../app/api/move';
import type { DmDeviceView } from '../../../app/api/views';
import { parseTable } from '../../../app/dm/table';
import { fitText, inlineSublabelOffsetPx, layerDiagramLayout, plannedSegments, shareWidths, textWidthPx, wrapText, type LayerDiagramInput } from '../../../renderer/geometry/layerDiagram';

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

  it('draws no pvmove0 once it is removed, and says so', () => {
    const user = device('vg0-lv0', '254:0', ['0 12288 linear 7:0 2048', '12288 8192 linear 7:3 2048', '20480 10240 linear 7:2 2048']);
    const layout = layerDiagramLayout(input({ users: [user], layerDevice: null, devices: [user], segments: [], recorded: false }));
    expect(layout.segments).toEqual([]);
    expect(layout.pvs).toEqual([]);
    expect(layout.layerHeader.sublabel).toMatch(/no pvmove0: the LVs map straight onto their PVs/);
    expect(layout.note.join(' ')).toMatch(/^No pvmove0 now\. During an lvm2-stack move it sits here/);
    for (const line of layout.note) expect(textWidthPx(line, 11)).toBeLessThanOrEqual(1000 - 16);
  });

  it('draws pvmove0\'s targets from its table once the metadata lists no segments (between the two finishing commits)', () => {
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
