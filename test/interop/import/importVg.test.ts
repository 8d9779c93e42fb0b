// Proves `lvmscope import` clones a volume group real LVM2 holds: real LVM2 builds a VG on loop
// devices (linear and striped LVs by lvcreate; PVs with one and two metadata areas, a larger
// --metadatasize, a PV whose areas are metadataignore'd), then restores into it (vgcfgrestore
// --force) the LVs its lvcreate cannot make without a kernel device-mapper here: a mirror, raid1,
// raid5, a thin pool with a thin LV and a snapshot. `vgcfgbackup` writes the backup; lvmscope
// imports it (with the pvs report) and, separately, the live loop devices themselves. Real
// LVM2's pvs/vgs/lvs -a --segments on the imported images report the same fields as on the
// originals (device names aside) and vgck passes; the live devices' bytes are unchanged.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { missingTools } from '../../helpers/tools';
import { withLoopDevices, type Attached } from '../../helpers/lvm2';
import { cli, jsonRows, removeDir, tempDir } from '../../main/cli/run';
import { extraLvsText } from './extraLvs';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

const VG = 'impvg';
const PV_FIELDS = 'pv_name,pv_uuid,dev_size,pe_start,pv_size,pv_free,pv_used,pv_pe_count,pv_pe_alloc_count,pv_mda_count,pv_mda_used_count,pv_mda_size,pv_attr,pv_ba_start,pv_ba_size';
const VG_FIELDS = 'vg_name,vg_uuid,vg_attr,vg_size,vg_free,vg_extent_size,vg_extent_count,vg_free_count,lv_count,pv_count,snap_count,vg_seqno,vg_mda_count,vg_mda_used_count,max_lv,max_pv';
const LV_FIELDS = 'lv_name,lv_uuid,lv_attr,lv_size,segtype,seg_start_pe,seg_size_pe,stripes,stripe_size,region_size,chunk_size,devices,seg_pe_ranges,pool_lv,origin,data_lv,metadata_lv,lv_time,lv_host';

interface Reports {
  pvs: Record<string, string>[];
  vgs: Record<string, string>[];
  lvs: Record<string, string>[];
}

/** The three reports, with every PV name replaced by its UUID (device names aside). */
function reports(a: Attached): Reports {
  const pvs = a.report('pvs', '-o', PV_FIELDS, '--units', 'b');
  const names = pvs.map((r) => [r.pv_name, `PV(${r.pv_uuid})`] as const).sort((x, y) => y[0].length - x[0].length);
  const deviceFields = new Set(['pv_name', 'devices', 'seg_pe_ranges']);
  const renamed = (k: string, v: string) => (deviceFields.has(k) ? names.reduce((s, [n, u]) => s.replace(new RegExp(`(^|[ ,])${n}(?=[(:]|$)`, 'g'), `$1${u}`), v) : v);
  const rename = (rows: Record<string, string>[]) => rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, renamed(k, v)])));
  // With --segments LVM2 keys the rows "seg", not "lv".
  const segments = jsonRows(a.lvm('lvs', '--reportformat', 'json', '-a', '--segments', '-o', LV_FIELDS, '--units', 'b', VG));
  return { pvs: rename(pvs), vgs: rename(a.report('vgs', '-o', VG_FIELDS, '--units', 'b', VG)), lvs: rename(segments) };
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** Real LVM2 builds the VG, restores the LVs it cannot create here, writes a backup and a report. */
async function buildOriginal(dir: string): Promise<{ images: string[]; backup: string; report: string; before: Reports; devices: string[] }> {
  const images = ['d1.img', 'd2.img', 'd3.img', 'd4.img'].map((n) => path.join(dir, n));
  for (const img of images) execFileSync('truncate', ['-s', '64M', img]);
  const backup = path.join(dir, 'impvg.backup');
  const report = path.join(dir, 'pvs.json');
  let before!: Reports;
  let devices!: string[];
  await withLoopDevices(images, (a) => {
    const [d1, d2, d3, d4] = images.map((i) => a.dev(path.basename(i)));
    devices = [d1, d2, d3, d4];
    a.lvm('pvcreate', '-q', '-y', d1, d2);
    a.lvm('pvcreate', '-q', '-y', '--pvmetadatacopies', '2', d3);
    a.lvm('pvcreate', '-q', '-y', '--pvmetadatacopies', '2', '--metadatasize', '2m', d4);
    a.lvm('vgcreate', '-q', '-s', '1m', VG, d1, d2, d3, d4);
    a.lvm('pvchange', '-q', '--metadataignore', 'y', d3);
    a.lvm('lvcreate', '-q', '-an', '-Zn', '-y', '-n', 'lin', '-l', '5', VG, d1);
    a.lvm('lvcreate', '-q', '-an', '-Zn', '-y', '-n', 'str', '-i', '2', '-I', '64k', '-l', '8', VG, d1, d2);
    const plain = path.join(dir, 'plain.backup');
    a.lvm('vgcfgbackup', '-q', '-f', plain, VG);
    const full = path.join(dir, 'full.backup');
    writeFileSync(full, extraLvsText(readFileSync(plain, 'utf8')));
    a.lvm('vgcfgrestore', '-q', '--force', '-f', full, VG);
    a.lvm('vgcfgbackup', '-q', '-f', backup, VG);
    // The report names PVs by device (the helper rewrote them to image names): put the devices back.
    const json = a.lvm('pvs', '--reportformat', 'json', '--units', 'b', '-o', '+pv_uuid,pv_mda_size,pv_mda_count,pv_mda_used_count,dev_size,pe_start');
    writeFileSync(report, images.reduce((s, img, i) => s.split(`"${path.basename(img, '.img')}"`).join(`"${devices[i]}"`), json));
    a.lvm('vgck', VG);
    before = reports(a);
  });
  return { images, backup, report, before, devices };
}

async function importedReports(ws: string): Promise<Reports> {
  const images = readdirSync(ws).filter((n) => n.endsWith('.img')).map((n) => path.join(ws, n));
  return withLoopDevices(images, (a) => {
    a.lvm('vgck', VG);
    return reports(a);
  });
}

describe.skipIf(missingTools('lvm', 'losetup', 'root'))('lvmscope import of a VG real LVM2 built', () => {
  it('gives images on which real LVM2 reports the same PVs, VG and LV segments, and vgck passes, from a backup with its pvs report', async () => {
    const dir = tempDir('lvmscope-import-');
    dirs.push(dir);
    const original = await buildOriginal(dir);
    expect(new Set(original.before.lvs.map((r) => r.segtype))).toEqual(new Set(['linear', 'striped', 'mirror', 'raid1', 'raid5_ls', 'thin-pool', 'thin']));
    expect(original.before.lvs).toHaveLength(23);
    const ws = path.join(dir, 'ws');
    const imported = cli('import', ws, '--backup', original.backup, '--report', original.report);
    expect(imported.status, imported.stderr).toBe(0);
    expect(readdirSync(ws).filter((n) => n.endsWith('.img')).sort()).toEqual(original.devices.map((d) => `${path.basename(d)}.img`).sort());
    expect(await importedReports(ws)).toEqual(original.before);
  }, 180_000);

  it('reads the live loop devices without changing a byte of them, and the images report the same as the originals', async () => {
    const dir = tempDir('lvmscope-import-dev-');
    dirs.push(dir);
    const original = await buildOriginal(dir);
    const ws = path.join(dir, 'ws');
    await withLoopDevices(original.images, (a) => {
      const devs = original.images.map((i) => a.dev(path.basename(i)));
      const before = devs.map(sha256);
      const imported = cli('import', ws, '--devices', ...devs);
      expect(imported.status, imported.stderr).toBe(0);
      expect(devs.map(sha256)).toEqual(before);
    });
    expect(await importedReports(ws)).toEqual(original.before);
    const verify = cli('verify', ws);
    expect(verify.status, verify.stdout + verify.stderr).toBe(0);
  }, 180_000);
});
