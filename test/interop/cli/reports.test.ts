// Proves lvmscope's reports say what real LVM2's say: `lvmscope pvs|vgs|lvs --reportformat
// json` (run as a subprocess) against `lvm pvs|vgs|lvs --reportformat json` on the same images
// attached to loop devices, field by field, for VGs built both ways — by real LVM2 (the
// fixtures, including the interrupted pvmove with its [pvmove0]) and by lvmscope's own CLI —
// after a completed `lvmscope pvmove`, with a PV missing, and with damaged metadata areas. The one field allowed to differ is lv_attr's state
// pair (5th and 6th characters): LVM2 runs here with activation disabled and prints `XX`
// (unknown), while lvmscope has activated its LVs and prints `a-`.

import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { missingTools } from '../../helpers/tools';
import { withLoopDevices, type Attached } from '../../helpers/lvm2';
import { cli, jsonRows, removeDir, tempDir } from '../../main/cli/run';

const FIXTURES = path.resolve(__dirname, '../../fixtures/lvm2');

const FIELDS = {
  pvs: 'pv_name,vg_name,pv_fmt,pv_attr,pv_size,pv_free,pe_start,pv_pe_count,pv_pe_alloc_count,pv_uuid',
  vgs: 'vg_name,pv_count,lv_count,vg_attr,vg_size,vg_free,vg_extent_size,vg_seqno,vg_uuid',
  lvs: 'lv_name,vg_name,lv_attr,lv_size,move_pv,copy_percent,devices,seg_start_pe,seg_size_pe,seg_pe_ranges,segtype,lv_uuid',
} as const;

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

function workspace(): string {
  const dir = tempDir('lvmscope-cli-interop-');
  dirs.push(dir);
  return dir;
}

function fromFixture(name: string): string {
  const dir = workspace();
  for (const f of readdirSync(path.join(FIXTURES, name)).filter((n) => n.endsWith('.img.gz'))) writeFileSync(path.join(dir, f.replace(/\.gz$/, '')), gunzipSync(readFileSync(path.join(FIXTURES, name, f))));
  return dir;
}

/** lv_attr without the state pair LVM2 cannot know with activation disabled. */
const maskAttr = (rows: Record<string, string>[]) => rows.map((r) => ('lv_attr' in r ? { ...r, lv_attr: `${r.lv_attr.slice(0, 4)}..${r.lv_attr.slice(6)}` } : r));

function ours(dir: string, command: keyof typeof FIELDS, ...extra: string[]): Record<string, string>[] {
  const r = cli(command, dir, '-o', FIELDS[command], '--reportformat', 'json', ...extra);
  expect(r.status, r.stderr).toBe(0);
  return maskAttr(jsonRows(r.stdout));
}

function theirs(a: Attached, command: keyof typeof FIELDS, ...extra: string[]): Record<string, string>[] {
  return maskAttr(jsonRows(a.lvm(command, '-o', FIELDS[command], '--reportformat', 'json', ...extra)));
}

/** Every report of lvmscope equals LVM2's on the same images. */
async function expectSameReports(dir: string): Promise<void> {
  const mine = { pvs: ours(dir, 'pvs'), vgs: ours(dir, 'vgs'), lvs: ours(dir, 'lvs', '-a', '--segments') };
  const images = readdirSync(dir).filter((n) => n.endsWith('.img')).sort().map((n) => path.join(dir, n));
  await withLoopDevices(images, (a) => {
    expect(mine.pvs).toEqual(theirs(a, 'pvs'));
    expect(mine.vgs).toEqual(theirs(a, 'vgs'));
    expect(mine.lvs).toEqual(theirs(a, 'lvs', '-a', '--segments'));
  });
  expect(mine.pvs.length).toBeGreaterThan(0);
}

describe.skipIf(missingTools('lvm', 'losetup', 'root'))('lvmscope reports = real LVM2 reports', () => {
  it('on the seed VG real LVM2 built', async () => {
    await expectSameReports(fromFixture('seed'));
  });

  it('on the interrupted pvmove real LVM2 left ([pvmove0], move_pv, copy_percent)', async () => {
    const dir = fromFixture('seed-pvmove-interrupted');
    const lvs = ours(dir, 'lvs', '-a', '--segments');
    expect(lvs.find((r) => r.lv_name === '[pvmove0]')).toMatchObject({ move_pv: 'pv2', segtype: 'mirror', seg_pe_ranges: 'pv2:0-3 pv4:0-3', lv_attr: 'p-C-..m---' });
    await expectSameReports(dir);
  });

  it('on an --atomic pvmove real LVM2 began ([pvmove0] over [pvmove0_mimage_0/1], move_pv)', async () => {
    const dir = workspace();
    const ws = path.join(dir, 'ws');
    expect(cli('demo', ws).status).toBe(0);
    const images = readdirSync(ws).filter((n) => n.endsWith('.img')).sort().map((n) => path.join(ws, n));
    // With activation disabled LVM2 writes the begin commit and stops ("No longer active").
    await withLoopDevices(images, (a) => {
      try {
        a.lvm('pvmove', '--atomic', '-i', '1', a.dev('pv2.img'), a.dev('pv4.img'));
      } catch (e) {
        expect((e as Error).message).toMatch(/No longer active|Interrupted/);
      }
    });
    const lvs = ours(ws, 'lvs', '-a', '--segments');
    expect(lvs.filter((r) => r.lv_name.startsWith('[pvmove0')).map((r) => r.lv_name)).toEqual(['[pvmove0]', '[pvmove0_mimage_0]', '[pvmove0_mimage_1]']);
    expect(lvs.find((r) => r.lv_name === '[pvmove0]')?.move_pv).toBe('pv2');
    await expectSameReports(ws);
  });

  it('on VGs lvmscope built with its CLI, orphan PV included', async () => {
    const dir = workspace();
    const steps: string[][] = [
      ['pvcreate', dir, 'a', '--size', '16M'],
      ['pvcreate', dir, 'b', '--size', '24M'],
      ['pvcreate', dir, 'c', '--size', '12M'],
      ['pvcreate', dir, 'orphan', '--size', '17403K'],
      ['vgcreate', dir, 'vgx', 'a', 'b', '-s', '1M'],
      ['lvcreate', dir, 'vgx', '-n', 'data', '-l', '5', 'a'],
      ['lvcreate', dir, 'vgx', '-n', 'logs', '-L', '3M', 'b'],
      ['lvextend', dir, 'vgx/data', '-l', '+4', 'b'],
      ['vgextend', dir, 'vgx', 'c.img'],
      ['lvextend', dir, 'vgx/logs', '-L', '+2M', 'c'],
      ['lvrename', dir, 'vgx/logs', 'journal'],
    ];
    for (const s of steps) expect(cli(...s).status, s.join(' ')).toBe(0);
    await expectSameReports(dir);
  });

  it('with a PV missing ([unknown], partial LV and VG) and with every metadata area damaged ([unknown] used PVs)', async () => {
    const byName = (rows: Record<string, string>[]) => [...rows].sort((a, b) => `${a.pv_name}`.localeCompare(`${b.pv_name}`));
    const missing = fromFixture('seed');
    rmSync(path.join(missing, 'pv2.img'));
    const r = cli('lvs', missing);
    expect(r.stderr).toMatch(/^ {2}WARNING: VG vg0 is missing PV [\w-]+ \(last seen as \/dev\/loop\d+\); it is opened read-only/);
    const mine = { pvs: byName(ours(missing, 'pvs')), vgs: ours(missing, 'vgs'), lvs: ours(missing, 'lvs', '-a', '--segments') };
    expect(mine.lvs.map((l) => l.devices)).toContain('[unknown](0)');
    const damaged = fromFixture('seed');
    for (const f of readdirSync(damaged)) {
      const bytes = readFileSync(path.join(damaged, f));
      bytes.fill(0, 4096, 8192);
      writeFileSync(path.join(damaged, f), bytes);
    }
    const damagedPvs = ours(damaged, 'pvs');
    expect(damagedPvs.map((p) => p.pv_attr)).toEqual(['u--', 'u--', 'u--', 'u--']);
    const images = (dir: string) => readdirSync(dir).filter((n) => n.endsWith('.img')).sort().map((n) => path.join(dir, n));
    await withLoopDevices(images(missing), (a) => {
      expect(mine.pvs).toEqual(byName(theirs(a, 'pvs')));
      expect(mine.vgs).toEqual(theirs(a, 'vgs'));
      expect(mine.lvs).toEqual(theirs(a, 'lvs', '-a', '--segments'));
    });
    await withLoopDevices(images(damaged), (a) => expect(damagedPvs).toEqual(theirs(a, 'pvs')));
  });

  it('after a completed lvmscope pvmove (with a workload) of the demo workspace', async () => {
    const dir = workspace();
    const ws = path.join(dir, 'ws');
    expect(cli('demo', ws).status).toBe(0);
    const move = cli('pvmove', ws, 'pv2', 'pv4', '--workload', 'randwrite:4k:200', '--verify');
    expect(move.status, move.stderr).toBe(0);
    expect(ours(ws, 'lvs', '-a', '--segments').map((r) => r.devices)).toEqual(['pv1(0)', 'pv4(0)', 'pv3(0)']);
    mkdirSync(path.join(dir, 'copy'));
    for (const f of readdirSync(ws).filter((n) => n.endsWith('.img'))) copyFileSync(path.join(ws, f), path.join(dir, 'copy', f));
    await expectSameReports(path.join(dir, 'copy'));
  });
});
