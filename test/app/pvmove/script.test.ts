// The exported script says, in a sentence, where real LVM2 would behave differently from the
// rehearsal: a shared VG, an LV with the cling policy, a sub-LV of a segment type lvmscope keeps
// verbatim, and a raid image moved onto a PV that holds another image of the same raid LV.
// Each case is a small VG in LVM2's metadata text and a plan as the engine gives it.

import { describe, expect, it } from 'vitest';
import type { MovePlanView } from '../../../app/api/move';
import { parseVgText } from '../../../app/lvm/model/vgCodec';
import { differences, duration, moveScript, rateFromFio } from '../../../app/pvmove/script';

const ids = (n: number) => `Scr${String(n).padStart(3, '0')}`.padEnd(32, 'y');
const pv = (i: number) => `pv${i} { id = "${ids(i)}" device = "/dev/sd${'bcd'[i]}" status = ["ALLOCATABLE"] flags = [] dev_size = 131072 pe_start = 2048 pe_count = 60 }`;
const linear = (name: string, n: number, pvKey: string, pe: number, extra = '', visible = false) =>
  `${name} { id = "${ids(n)}" status = ["READ", "WRITE"${visible ? ', "VISIBLE"' : ''}] flags = [] ${extra} segment_count = 1 segment1 { start_extent = 0 extent_count = 4 type = "striped" stripe_count = 1 stripes = ["${pvKey}", ${pe}] } }`;

function vgText(vgExtra = '', lvs: string[] = []): string {
  return `contents = "Text Format Volume Group" version = 1
vgs { id = "${ids(90)}" seqno = 3 format = "lvm2" status = ["RESIZEABLE", "READ", "WRITE"] flags = [] ${vgExtra} extent_size = 2048 max_lv = 0 max_pv = 0 metadata_copies = 0
physical_volumes { ${pv(0)} ${pv(1)} ${pv(2)} }
logical_volumes { ${lvs.join('\n')} } }`;
}

const RAID = [
  `r1 { id = "${ids(10)}" status = ["READ", "WRITE", "VISIBLE"] flags = [] segment_count = 1 segment1 { start_extent = 0 extent_count = 4 type = "raid1" device_count = 2 region_size = 4096 raids = ["r1_rmeta_0", "r1_rimage_0", "r1_rmeta_1", "r1_rimage_1"] } }`,
  linear('r1_rmeta_0', 11, 'pv0', 0),
  linear('r1_rimage_0', 12, 'pv0', 4),
  linear('r1_rmeta_1', 13, 'pv1', 0),
  linear('r1_rimage_1', 14, 'pv1', 4),
];

function plan(lv: string, fromPv: string, toPv: string): MovePlanView {
  const pvView = (name: string, i: number) => ({ name, uuid: ids(i) }) as MovePlanView['after'][number];
  return {
    request: { vg: 'vgs', sources: [fromPv], destinations: [toPv], alloc: 'normal' },
    command: '',
    lvs: [lv],
    moves: [{ lv, startLe: 0, count: 4, fromPv, fromPe: 4, toPv, toPe: 20 }],
    extentCount: 4,
    bytes: 4 * 1024 * 1024,
    before: [],
    after: [pvView('sdb', 0), pvView('sdc', 1), pvView('sdd', 2)],
    estimatedSeconds: null,
    crashCostBytes: { outline: 0, lvm2: 0 },
  };
}

const devices = new Map([['sdb', '/dev/sdb'], ['sdc', '/dev/sdc'], ['sdd', '/dev/sdd']]);
const input = (text: string, p: MovePlanView) => ({ plan: p, vg: parseVgText(text).vg, devices, generatedAt: 'now', workspace: '/ws' });

describe('the sentences of an exported script', () => {
  it('say nothing for a plain linear LV in a local VG', () => {
    expect(differences(input(vgText('', [linear('lv0', 1, 'pv0', 4, '', true)]), plan('lv0', 'sdb', 'sdc')))).toEqual([]);
  });

  it('say that a shared VG needs the lvmlockd lock and exclusive activation', () => {
    const text = vgText('lock_type = "sanlock"', [linear('lv0', 1, 'pv0', 4, '', true)]);
    expect(differences(input(text, plan('lv0', 'sdb', 'sdc')))).toEqual([expect.stringMatching(/^VG vgs is shared \(lvmlockd or clustered\): LVM2 runs pvmove only with the VG lock/)]);
  });

  it('say that cling would keep an LV on its PVs and that exact extents override it', () => {
    const text = vgText('', [linear('lv0', 1, 'pv0', 4, 'allocation_policy = "cling"', true)]);
    expect(differences(input(text, plan('lv0', 'sdb', 'sdc')))).toEqual([expect.stringMatching(/^LV lv0 has allocation policy cling: LVM2 would keep it on the PVs it already uses/)]);
  });

  it('say that a raid image rehearsed as linear is reloaded with its raid LV', () => {
    const sentences = differences(input(vgText('', RAID), plan('r1_rimage_0', 'sdb', 'sdd')));
    expect(sentences).toEqual([expect.stringMatching(/^r1_rimage_0 is part of raid1 LV r1, whose segment type lvmscope keeps verbatim/)]);
  });

  it('warn that LVM2 refuses a raid image on a PV holding another image of the same LV', () => {
    const sentences = differences(input(vgText('', RAID), plan('r1_rimage_0', 'sdb', 'sdc')));
    expect(sentences[1]).toMatch(/^r1_rimage_0 would land on \/dev\/sdc, which holds r1_rmeta_1 of the same raid1 LV: LVM2 refuses to put two images of r1 on one PV/);
  });

  it('appear as NOTE comments in the script header, before set -euo pipefail', () => {
    const script = moveScript(input(vgText('', RAID), plan('r1_rimage_0', 'sdb', 'sdc')));
    const lines = script.split('\n');
    const note = lines.findIndex((l) => l.startsWith('# NOTE: r1_rimage_0 would land on /dev/sdc'));
    expect(note).toBeGreaterThan(0);
    expect(note).toBeLessThan(lines.indexOf('set -euo pipefail'));
  });
});

describe('the rate and the time', () => {
  it('take the slower of fio\'s summed read and write bandwidth', () => {
    const fio = JSON.stringify({ jobs: [{ read: { bw_bytes: 300e6 }, write: { bw_bytes: 100e6 } }, { read: { bw_bytes: 300e6 }, write: { bw_bytes: 150e6 } }] });
    expect(rateFromFio(fio, 'fio.json').bytesPerSec).toBe(250e6);
  });

  it('print minutes and hours for long moves', () => {
    expect(duration(30)).toBe('30 s');
    expect(duration(600)).toBe('10 min');
    expect(duration(20 * 3600 + 60)).toBe('20 h 1 min');
  });
});
