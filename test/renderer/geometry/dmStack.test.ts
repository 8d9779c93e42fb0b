// Proves the dm-stack geometry: typed targets give their devices (a mirror's source leg
// first), and the stack becomes a tree from `dependsOn` with the LV on top, its -orig device
// below and the PVs' loop devices at the leaves (└─ only on a last child, ├─ on the others, as
// `dmsetup ls --tree` draws it); a mirror's typed status gives the regions in sync, which the
// diagram paints once the engine's progress no longer lists the mirror (steps 5 to 7), and
// says which pvmove0 segment it copies; the lvm2 stack's pvmove0 is listed under each LV that
// maps onto it, in full (tables, PVs) under the first only; an --atomic move's two sub-LV
// devices (pvmove0_mimage_0 on the sources, _1 on the destinations) are listed under pvmove0.
import { describe, expect, it } from 'vitest';
import type { DmDeviceView } from '../../../app/api/views';
import { parseTable } from '../../../app/dm/table';
import { flattenTree, ListedStacks, mirrorsFromStatus, stackTree, tableTargets } from '../../../renderer/geometry/dmStack';

const MIRROR_TABLE = ['0 12288 linear 254:1 0', '12288 8192 mirror core 1 128 2 254:1 12288 7:3 2048', '20480 10240 linear 254:1 20480'];
const ORIG_TABLE = ['0 12288 linear 7:0 2048', '12288 8192 linear 7:1 2048', '20480 10240 linear 7:2 2048'];

/** A device view whose live table is written as dmsetup lines (parsed the way the CLI parses a typed table). */
function device(name: string, devno: string, live: string[], dependsOn: string[]): DmDeviceView {
  return { name, uuid: name, devno, state: 'ACTIVE', live: parseTable(live.join('\n')), inactive: null, status: [], mirrors: [], openCount: 0, eventNr: 0, inFlight: 0, deferred: 0, io: { reads: 0, writes: 0, readSectors: 0, writtenSectors: 0 }, dependsOn };
}
const PVS = ['pv1', 'pv2', 'pv3', 'pv4'].map((name, i) => ({ name, devno: `7:${i}` }));
const LV = device('vg0-lv0', '254:0', MIRROR_TABLE, ['254:1', '7:3']);
const ORIG = device('vg0-lv0-orig', '254:1', ORIG_TABLE, ['7:0', '7:1', '7:2']);

describe('dm stack geometry', () => {
  it('lists at most the given number of stacks for 10,000 LVs, every busy one first whatever its name, then the others in name order', () => {
    const devices = Array.from({ length: 10_000 }, (_, i) => device(`vg-lv${String(i).padStart(5, '0')}`, `254:${i}`, ['0 8 linear 7:0 0'], ['7:0']));
    const pv1 = [{ name: 'pv1', devno: '7:0' }];
    const stacks = new ListedStacks(100);
    const { shown, hidden } = stacks.list(devices, pv1, (d) => d.name === 'vg-lv09999');
    expect(shown).toHaveLength(100);
    expect(hidden).toBe(9_900);
    expect(shown[0].label).toBe('vg-lv09999'); // the busy one first
    expect(shown.slice(1).map((n) => n.label)).toEqual(devices.slice(0, 99).map((d) => d.name)); // then name order
    // Each listed stack as the whole tree has it.
    const all = stackTree(devices, pv1);
    expect(shown.slice(1, 99)).toEqual(all.slice(0, 98).map((n) => ({ ...n, last: false })));
    // A device that changed in place is listed as it is now (the index of the list is kept).
    const changed = devices.map((d) => (d.name === 'vg-lv00003' ? { ...d, state: 'SUSPENDED' as const } : d));
    expect(stacks.list(changed, pv1, () => false).shown[3].device).toBe(changed[3]);
    expect(stacks.list(devices.slice(0, 50), pv1, () => false)).toEqual({ shown: stackTree(devices.slice(0, 50), pv1), hidden: 0 });
    // A device removed and another added: listed from a new index.
    const other = [...devices.slice(1), device('vg-aaa', '254:20000', ['0 8 linear 7:0 0'], ['7:0'])];
    expect(stacks.list(other, pv1, () => false).shown[0].label).toBe('vg-aaa');
  });

  it('gives each typed target its devices, a mirror its region size and its source leg first', () => {
    const [linear, mirror] = tableTargets(parseTable(['0 12288 linear 7:0 2048', '12288 8192 mirror core 1 128 2 254:1 12288 7:3 2048'].join('\n')));
    expect(linear).toEqual({ startSector: 0, lengthSectors: 12288, type: 'linear', devices: [{ devno: '7:0', offsetSectors: 2048 }], regionSizeSectors: null });
    expect(mirror.type).toBe('mirror');
    expect(mirror.regionSizeSectors).toBe(128);
    expect(mirror.devices).toEqual([{ devno: '254:1', offsetSectors: 12288 }, { devno: '7:3', offsetSectors: 2048 }]);
    expect(tableTargets(null)).toEqual([]);
  });

  it('builds the stack tree: the LV on top, -orig below, loop devices of PVs at the leaves', () => {
    const rows = flattenTree(stackTree([ORIG, LV], PVS));
    expect(rows.map((r) => `${'  '.repeat(r.depth)}${r.label}`)).toEqual(['vg0-lv0', '  vg0-lv0-orig', '    pv1', '    pv2', '    pv3', '  pv4']);
    expect(rows[2].kind).toBe('pv');
  });

  it('marks only the last child of each device as last, the way dmsetup ls --tree draws └─ and ├─', () => {
    const rows = flattenTree(stackTree([ORIG, LV], PVS));
    expect(rows.map((r) => `${r.label}:${r.last ? 'last' : 'more'}`)).toEqual(['vg0-lv0:last', 'vg0-lv0-orig:more', 'pv1:more', 'pv2:more', 'pv3:last', 'pv4:last']);
  });

  it('turns a loaded mirror into a progress view from its status and runs: 64 of 64 regions copied after the copy', () => {
    const lv = { ...LV, mirrors: [{ targetIndex: 1, regionsInSync: 64, regionsTotal: 64, health: 'AA', regions: [{ start: 0, count: 64, state: 'copied' as const }] }] };
    const [mirror, ...rest] = mirrorsFromStatus(lv);
    expect(rest).toEqual([]);
    expect(mirror).toMatchObject({ device: 'vg0-lv0', targetIndex: 1, targetStartSector: 12288, lengthSectors: 8192, regionSizeSectors: 128, regionsTotal: 64, regionsCopied: 64 });
    expect(mirror.regions).toEqual([{ start: 0, count: 64, state: 'copied' }]);
    // A write held ahead of the copy leaves a copied region beyond the copied prefix: the runs say where.
    const runs = [{ start: 0, count: 9, state: 'copied' as const }, { start: 9, count: 40, state: 'pending' as const }, { start: 49, count: 1, state: 'copied' as const }, { start: 50, count: 14, state: 'pending' as const }];
    const partial = mirrorsFromStatus({ ...lv, mirrors: [{ targetIndex: 1, regionsInSync: 10, regionsTotal: 64, health: 'AA', regions: runs }] })[0];
    expect(partial.regions).toEqual(runs);
    expect(partial.regionsCopied).toBe(10);
    expect(mirrorsFromStatus(ORIG)).toEqual([]);
  });

  it('lists pvmove0 under each LV that maps onto it, in full under the first, as a repeat under the others', () => {
    const layer = device('vg0-pvmove0', '254:2', ['0 4096 mirror core 1 128 2 7:1 2048 7:3 2048', '4096 4096 linear 7:1 6144'], ['7:1', '7:3']);
    const lv0 = device('vg0-lv0', '254:0', ['0 2048 linear 7:0 2048', '2048 4096 linear 254:2 0'], ['7:0', '254:2']);
    const lv1 = device('vg0-lv1', '254:1', ['0 4096 linear 254:2 4096'], ['254:2']);
    const rows = flattenTree(stackTree([layer, lv1, lv0], PVS));
    expect(rows.map((r) => `${'  '.repeat(r.depth)}${r.label}${r.repeat ? ' (repeat)' : ''}`)).toEqual(['vg0-lv0', '  pv1', '  vg0-pvmove0', '    pv2', '    pv4', 'vg0-lv1', '  vg0-pvmove0 (repeat)']);
    expect(rows.filter((r) => r.repeat).map((r) => r.children.length)).toEqual([0]);
  });

  it('lists an atomic move\'s sub-LVs under pvmove0: mimage_0 over the source PV, mimage_1 over the destination PVs', () => {
    const image0 = device('vg0-pvmove0_mimage_0', '254:2', ['0 4096 linear 7:1 2048', '4096 8192 linear 7:1 6144'], ['7:1']);
    const image1 = device('vg0-pvmove0_mimage_1', '254:3', ['0 4096 linear 7:2 2048', '4096 8192 linear 7:3 2048'], ['7:2', '7:3']);
    const layer = device('vg0-pvmove0', '254:4', ['0 12288 mirror core 1 4096 2 254:2 0 254:3 0'], ['254:2', '254:3']);
    const lv0 = device('vg0-lv0', '254:0', ['0 4096 linear 254:4 0'], ['254:4']);
    const lv1 = device('vg0-lv1', '254:1', ['0 8192 linear 254:4 4096'], ['254:4']);
    const rows = flattenTree(stackTree([image0, image1, layer, lv1, lv0], PVS));
    expect(rows.map((r) => `${'  '.repeat(r.depth)}${r.label}${r.repeat ? ' (repeat)' : ''}`)).toEqual([
      'vg0-lv0', '  vg0-pvmove0', '    vg0-pvmove0_mimage_0', '      pv2', '    vg0-pvmove0_mimage_1', '      pv3', '      pv4', 'vg0-lv1', '  vg0-pvmove0 (repeat)',
    ]);
  });

  it('names the pvmove0 segment a mirror copies, from where its target starts', () => {
    const layer = { ...device('vg0-pvmove0', '254:2', ['0 2048 linear 7:3 2048', '2048 2048 mirror core 1 128 2 7:1 4096 7:3 4096'], ['7:1', '7:3']), mirrors: [{ targetIndex: 1, regionsInSync: 16, regionsTotal: 16, health: 'AA', regions: [{ start: 0, count: 16, state: 'copied' as const }] }] };
    expect(mirrorsFromStatus(layer, (sector) => sector / 2048 + 1).map((m) => `${m.layerSegment}:${m.regionsCopied}/${m.regionsTotal}`)).toEqual(['2:16/16']);
    expect(mirrorsFromStatus(layer)[0].layerSegment).toBe(1);
  });
});
