// Proves lvmscope moves two LVs at once onto a PV whose metadata area is ignored
// (pvcreate --metadataignore y) in a VG real LVM2 built with two metadata copies on the other
// PVs: `lvmscope pvmove` exits 0 (it used to fail half way, "would overwrite the committed
// copy in pv3.img", because it wrote VG text into the ignored area), the ignored area is left
// untouched as LVM2 leaves it, and real LVM2's vgck accepts the result and lvs shows both LVs
// on pv3.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { missingTools } from '../../helpers/tools';
import { withLoopDevices } from '../../helpers/lvm2';
import { cli, jsonRows, removeDir, tempDir } from '../../main/cli/run';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

describe.skipIf(missingTools('lvm', 'losetup', 'root'))('a PV with an ignored metadata area', () => {
  it('receives two LVs moved at once, keeps its ignored area untouched, and real LVM2 agrees', async () => {
    const dir = tempDir('lvmscope-mdaignore-');
    dirs.push(dir);
    const images = ['pv1.img', 'pv2.img', 'pv3.img'].map((n) => path.join(dir, n));
    for (const img of images) execFileSync('truncate', ['-s', '32M', img]);
    await withLoopDevices(images, (a) => {
      a.lvm('pvcreate', '-q', '--pvmetadatacopies', '2', a.dev('pv1.img'), a.dev('pv2.img'));
      a.lvm('pvcreate', '-q', '--metadataignore', 'y', a.dev('pv3.img'));
      a.lvm('vgcreate', '-q', '-s', '1m', 'vgm', a.dev('pv1.img'), a.dev('pv2.img'), a.dev('pv3.img'));
      for (const [lv, n, pv] of [['a', '5', 'pv1.img'], ['b', '4', 'pv1.img'], ['c', '3', 'pv2.img']]) a.lvm('lvcreate', '-q', '-an', '-Zn', '-y', '-n', lv, '-l', n, 'vgm', a.dev(pv));
    });
    const ignoredArea = () => readFileSync(images[2]).subarray(4096, 1024 * 1024);
    const before = Buffer.from(ignoredArea());
    const move = cli('pvmove', dir, 'pv1', 'pv3');
    expect(move.status, move.stderr).toBe(0);
    expect(Buffer.compare(Buffer.from(ignoredArea()), before)).toBe(0);
    await withLoopDevices(images, (a) => {
      a.lvm('vgck', 'vgm');
      const rows = jsonRows(a.lvm('lvs', '-o', 'lv_name,devices', '--reportformat', 'json', 'vgm'));
      expect(rows.map((r) => `${r.lv_name} ${r.devices}`)).toEqual(['a pv3(0)', 'b pv3(5)', 'c pv2(0)']);
    });
  }, 120_000);
});
