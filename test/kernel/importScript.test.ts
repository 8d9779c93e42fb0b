// Proves the script `lvmscope export-script` writes does on real LVM2 what the rehearsal did:
// host LVM2 builds a VG on loop devices (lv0 over three PVs, lv1 beside it, a free PV),
// lvmscope imports the live devices, rehearses `pvmove SRC DEST` on the images (its own move,
// to the end) and exports the same request as a script. The script then runs, unchanged except
// for the device names (/dev/loopN → the guest's /dev/vdX), in the QEMU guest with Debian's
// kernel and LVM2 (dm-mirror), on fresh copies of the original devices. Afterwards host LVM2
// reports the same LV segments on the same PVs as lvmscope's rehearsal left, and vgck passes.

import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { missingTools } from '../helpers/tools';
import { withLoopDevices } from '../helpers/lvm2';
import { cli, jsonRows } from '../main/cli/run';
import { tempDir } from './fixtures';
import { installedKernel } from './initramfs';
import { runInGuest } from './qemu';

const noKernel = missingTools('qemu-system-x86_64', 'busybox', 'lvm', 'losetup', 'root') || installedKernel() === null;
const VG = 'kvg';

describe.skipIf(noKernel)('an exported move script run by real LVM2 on the real kernel', () => {
  const temps: Array<() => void> = [];
  afterAll(() => temps.splice(0).forEach((remove) => remove()));

  it('moves every extent where lvmscope rehearsed it, on fresh copies of the original devices', async () => {
    const t = tempDir();
    temps.push(t.remove);
    const originals = ['o1.img', 'o2.img', 'o3.img', 'o4.img'].map((n) => path.join(t.dir, n));
    for (const img of originals) execFileSync('truncate', ['-s', '32M', img]);
    const ws = path.join(t.dir, 'ws');
    const scriptFile = path.join(t.dir, 'plan.sh');
    let devices: string[] = [];
    await withLoopDevices(originals, (a) => {
      devices = originals.map((o) => a.dev(path.basename(o)));
      const [d1, d2, d3, d4] = devices;
      a.lvm('pvcreate', '-q', '-y', d1, d2, d3, d4);
      a.lvm('vgcreate', '-q', '-s', '1m', VG, d1, d2, d3, d4);
      a.lvm('lvcreate', '-q', '-an', '-Zn', '-y', '-n', 'lv0', '-l', '6', VG, d1);
      a.lvm('lvextend', '-q', '-l', '+4', `${VG}/lv0`, d2);
      a.lvm('lvextend', '-q', '-l', '+5', `${VG}/lv0`, d3);
      a.lvm('lvcreate', '-q', '-an', '-Zn', '-y', '-n', 'lv1', '-l', '3', VG, d2);
      const imported = cli('import', ws, '--devices', ...devices);
      expect(imported.status, imported.stderr).toBe(0);
    });
    const [src, dst] = [devices[1], devices[3]].map((d) => path.basename(d));
    const exported = cli('export-script', ws, src, dst, '-o', scriptFile);
    expect(exported.status, exported.stderr).toBe(0);
    const rehearsal = cli('pvmove', ws, src, dst, '-i', '0');
    expect(rehearsal.status, rehearsal.stderr).toBe(0);
    const predicted = segmentsByPv(jsonRows(cli('lvs', ws, '-a', '--segments', '-o', 'lv_name,seg_pe_ranges', '--reportformat', 'json').stdout), (pv) => devices.findIndex((d) => path.basename(d) === pv));

    // Fresh copies of the original devices (the import left them untouched), as vda..vdd.
    const copies = originals.map((o, i) => {
      const copy = path.join(t.dir, `run${i + 1}.img`);
      copyFileSync(o, copy);
      return { path: copy, name: `run${i + 1}`, snapshot: false };
    });
    let plan = readFileSync(scriptFile, 'utf8');
    devices.forEach((d, i) => (plan = plan.split(`${d}:`).join(`/dev/vd${'abcd'[i]}:`).split(`${d} `).join(`/dev/vd${'abcd'[i]} `)));
    const run = await runInGuest({
      images: copies,
      script: `vgchange -ay ${VG}\ncat > /tmp/plan.sh <<'LVMSCOPE_PLAN'\n${plan}\nLVMSCOPE_PLAN\nLVMSCOPE_BACKUP_FILE=/tmp/before.vg sh /tmp/plan.sh\nvgchange -an ${VG}\n`,
      timeoutMs: 180_000,
    });
    expect(run.exitCode, run.output).toBe(0);
    expect(run.output).toMatch(/lvmscope-plan: step 2\/2: moving extents of lv1/);
    expect(run.output).toMatch(/lvmscope-plan: done: 2 step\(s\), 7 extents moved as rehearsed/);

    await withLoopDevices(copies.map((c) => c.path), (a) => {
      a.lvm('vgck', VG);
      // With --segments LVM2 keys the JSON rows "seg", so they are read with jsonRows.
      const real = segmentsByPv(jsonRows(a.lvm('lvs', '-a', '--segments', '-o', 'lv_name,seg_pe_ranges', '--reportformat', 'json', VG)), (pv) => Number(pv.replace('run', '')) - 1);
      expect(real).toHaveLength(4);
      expect(real).toEqual(predicted);
    });
  }, 300_000);
});

/** "lv0 PV#1:0-5" rows: each segment's PE ranges with the PV named by its index among the originals. */
function segmentsByPv(rows: Record<string, string>[], pvIndex: (name: string) => number): string[] {
  return rows.map((r) => `${r.lv_name} ${r.seg_pe_ranges.replace(/(\S+?):(\d+-\d+)/g, (_m, pv: string, range: string) => `PV#${pvIndex(pv.replace(/^\/dev\//, ''))}:${range}`)}`).sort();
}
