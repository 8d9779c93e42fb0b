// Proves the dm-stack geometry: dmsetup table lines parse into targets with their devices
// (a mirror's source leg first), and the stack becomes a tree from `dependsOn` with the LV on
// top, its -orig device below and the PVs' loop devices at the leaves.
import { describe, expect, it } from 'vitest';
import type { DmDeviceView } from '../../../app/api/views';
import { flattenTree, parseTableLine, stackTree } from '../../../renderer/geometry/dmStack';

const MIRROR_TABLE = ['0 12288 linear 254:1 0', '12288 8192 mirror core 1 128 2 254:1 12288 7:3 2048', '20480 10240 linear 254:1 20480'];
const ORIG_TABLE = ['0 12288 linear 7:0 2048', '12288 8192 linear 7:1 2048', '20480 10240 linear 7:2 2048'];

function device(name: string, devno: string, live: string[], dependsOn: string[]): DmDeviceView {
  return { name, uuid: name, devno, state: 'ACTIVE', live, inactive: null, status: [], openCount: 0, eventNr: 0, inFlight: 0, deferred: 0, io: { reads: 0, writes: 0, readSectors: 0, writtenSectors: 0 }, dependsOn };
}
const PVS = ['pv1', 'pv2', 'pv3', 'pv4'].map((name, i) => ({ name, devno: `7:${i}` }));
const LV = device('vg0-lv0', '254:0', MIRROR_TABLE, ['254:1', '7:3']);
const ORIG = device('vg0-lv0-orig', '254:1', ORIG_TABLE, ['7:0', '7:1', '7:2']);

describe('dm stack geometry', () => {
  it('parses linear and mirror table lines', () => {
    expect(parseTableLine('0 12288 linear 7:0 2048')).toEqual({ startSector: 0, lengthSectors: 12288, type: 'linear', devices: [{ devno: '7:0', offsetSectors: 2048 }], regionSizeSectors: null });
    const mirror = parseTableLine(MIRROR_TABLE[1])!;
    expect(mirror.type).toBe('mirror');
    expect(mirror.regionSizeSectors).toBe(128);
    expect(mirror.devices).toEqual([{ devno: '254:1', offsetSectors: 12288 }, { devno: '7:3', offsetSectors: 2048 }]);
    expect(parseTableLine('garbage')).toBeNull();
  });

  it('builds the stack tree: the LV on top, -orig below, loop devices of PVs at the leaves', () => {
    const rows = flattenTree(stackTree([ORIG, LV], PVS));
    expect(rows.map((r) => `${'  '.repeat(r.depth)}${r.label}`)).toEqual(['vg0-lv0', '  vg0-lv0-orig', '    pv1', '    pv2', '    pv3', '  pv4']);
    expect(rows[2].kind).toBe('pv');
  });

});
