// Proves the move diagram's layout from live dm tables: the seed's mirror table is drawn as
// identity | mirror | identity over -orig's pv1 | pv2 | pv3, with the destination pv4 under
// the mirror and the mirror given at least 55% of the width; once the final table is loaded
// the same drawing settles into pv1 | pv4 | pv3 with sector-proportional widths. It draws
// what exists at each step: -orig as soon as step 2 created it, step 3's table loaded-not-live
// while the LV is suspended (with its queued IO), -orig marked for removal after step 6, and
// two mirrors with one destination each, side by side without overlap.
import { describe, expect, it } from 'vitest';
import type { DmDeviceView } from '../../../app/api/views';
import { parseTable } from '../../../app/dm/table';
import { describeMoveLayout, diagramLayout } from '../../../renderer/geometry/moveDiagram';

const MIRROR_TABLE = ['0 12288 linear 254:1 0', '12288 8192 mirror core 1 128 2 254:1 12288 7:3 2048', '20480 10240 linear 254:1 20480'];
const ORIG_TABLE = ['0 12288 linear 7:0 2048', '12288 8192 linear 7:1 2048', '20480 10240 linear 7:2 2048'];

/** A device view whose live table is written as dmsetup lines (parsed the way the CLI parses a typed table). */
function device(name: string, devno: string, live: string[], dependsOn: string[]): DmDeviceView {
  return { name, uuid: name, devno, state: 'ACTIVE', live: parseTable(live.join('\n')), inactive: null, status: [], mirrors: [], openCount: 0, eventNr: 0, inFlight: 0, deferred: 0, io: { reads: 0, writes: 0, readSectors: 0, writtenSectors: 0 }, dependsOn };
}
const PVS = ['pv1', 'pv2', 'pv3', 'pv4'].map((name, i) => ({ name, devno: `7:${i}` }));
const LV = device('vg0-lv0', '254:0', MIRROR_TABLE, ['254:1', '7:3']);
const ORIG = device('vg0-lv0-orig', '254:1', ORIG_TABLE, ['7:0', '7:1', '7:2']);

describe('move diagram geometry', () => {
  it('lays out the seed move as identity | mirror | identity over pv1 | pv2 | pv3, pv4 under the mirror', () => {
    const layout = diagramLayout(LV, [LV, ORIG], PVS, 1000);
    expect(layout.targets.map((t) => t.kind)).toEqual(['identity', 'mirror', 'identity']);
    expect(layout.targets[1].width).toBeGreaterThanOrEqual(0.55 * 1000 - 1e-6);
    expect(layout.lowerDevice?.label).toBe('vg0-lv0-orig');
    expect(layout.lower.map((b) => b.label)).toEqual(['pv1', 'pv2', 'pv3']);
    // Rows share the scale: pv2 lies exactly under the mirror.
    expect(layout.lower[1].x).toBeCloseTo(layout.targets[1].x);
    expect(layout.lower[1].width).toBeCloseTo(layout.targets[1].width);
    expect(layout.destinations.map((d) => d.label)).toEqual(['pv4']);
    expect(layout.arrows.map((a) => a.kind)).toEqual(['identity', 'source-leg', 'destination-leg', 'identity']);
  });

  it('settles into the final layout pv1 | pv4 | pv3 once the final table is loaded', () => {
    const final = device('vg0-lv0', '254:0', ['0 12288 linear 7:0 2048', '12288 8192 linear 7:3 2048', '20480 10240 linear 7:2 2048'], ['7:0', '7:3', '7:2']);
    const layout = diagramLayout(final, [final], PVS, 1000);
    expect(layout.targets.map((t) => t.kind)).toEqual(['linear', 'linear', 'linear']);
    expect(layout.lower.map((b) => b.label)).toEqual(['pv1', 'pv4', 'pv3']);
    expect(layout.lowerDevice).toBeNull();
    expect(layout.destinations).toEqual([]);
    expect(layout.targets[1].width).toBeCloseTo((8192 / 30720) * 1000);
  });

  it('draws -orig with the original table as soon as step 2 created it, while the LV still maps onto the PVs', () => {
    const lv = { ...device('vg0-lv0', '254:0', ORIG_TABLE, ['7:0', '7:1', '7:2']), state: 'SUSPENDED' as const, deferred: 3 };
    const layout = diagramLayout(lv, [lv, ORIG], PVS, 1000);
    expect(layout.lowerDevice?.label).toBe('vg0-lv0-orig');
    expect(layout.lowerDevice?.sublabel).toMatch(/not used yet/);
    expect(layout.lower.map((b) => b.label)).toEqual(['pv1', 'pv2', 'pv3']);
    expect(layout.top.sublabel).toBe('254:0 · SUSPENDED');
    expect(layout.loadedNotLive).toBe(false);
  });

  it('draws step 3\'s identity + mirror table as loaded, not live, until the resume swaps it in', () => {
    const lv = { ...device('vg0-lv0', '254:0', ORIG_TABLE, ['7:0', '7:1', '7:2']), state: 'SUSPENDED' as const, inactive: parseTable(MIRROR_TABLE.join('\n')) };
    const layout = diagramLayout(lv, [lv, ORIG], PVS, 1000);
    expect(layout.loadedNotLive).toBe(true);
    expect(layout.targets.map((t) => `${t.kind}:${t.live}`)).toEqual(['identity:false', 'mirror:false', 'identity:false']);
    expect(layout.destinations.map((d) => d.label)).toEqual(['pv4']);
  });

  it('marks -orig for removal after step 6', () => {
    const orig = { ...ORIG, deferredRemove: true };
    const layout = diagramLayout(LV, [LV, orig], PVS, 1000);
    expect(layout.lowerDevice?.sublabel).toMatch(/marked for removal/);
  });

  it('lays out two mirrors side by side, each with its own destination, without overlap', () => {
    const two = device('vg0-lv0', '254:0', ['0 4096 mirror core 1 128 2 254:1 0 7:3 2048', '4096 8192 linear 254:1 4096', '12288 4096 mirror core 1 128 2 254:1 12288 7:3 6144'], ['254:1', '7:3']);
    const orig = device('vg0-lv0-orig', '254:1', ['0 4096 linear 7:1 2048', '4096 8192 linear 7:0 2048', '12288 4096 linear 7:1 6144'], ['7:0', '7:1']);
    const layout = diagramLayout(two, [two, orig], PVS, 1280);
    expect(layout.destinations.map((d) => d.mirrorIndex)).toEqual([0, 1]);
    const [a, b] = layout.destinations;
    expect(a.x + a.width).toBeLessThanOrEqual(b.x + 1e-6);
  });
});

describe('the move diagram in words (its text alternative)', () => {
  it('names the device, its mirror table, what -orig maps onto and how much each destination has written', () => {
    const layout = diagramLayout(LV, [LV, ORIG], PVS, 1000);
    const text = describeMoveLayout(layout, { suspended: true, paused: false, percents: [42.4] });
    expect(text).toMatch(/^Device stack: vg0-lv0 .*, suspended; table: .*mirror.*; vg0-lv0-orig .* maps onto pv1 .* \| pv2 .* \| pv3 .*; mirror destination pv4 .*, 42% written\.$/);
    expect(describeMoveLayout(layout, { suspended: false, paused: true, percents: [100] })).toMatch(/100% written; copy paused\.$/);
  });
});
