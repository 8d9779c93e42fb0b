// Proves the checks in an exported script judge real LVM2's answers, not nothing: the script's
// own helper functions run under bash against a VG real LVM2 holds on loop devices (pvs with
// activation disabled), pass for the extents where the LVs are, and stop the script, naming
// what they expected, when an LV or free space is not where the plan says.

import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { missingTools } from '../../helpers/tools';
import { LVM_CONFIG, withLoopDevices } from '../../helpers/lvm2';
import { cli, removeDir, tempDir } from '../../main/cli/run';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

describe.skipIf(missingTools('lvm', 'losetup', 'root', 'bash'))('the checks of an exported script', () => {
  it('pass where real LVM2 has the extents and stop the script, naming them, where it does not', async () => {
    const dir = tempDir('lvmscope-script-checks-');
    dirs.push(dir);
    const images = ['c1.img', 'c2.img'].map((n) => path.join(dir, n));
    for (const img of images) execFileSync('truncate', ['-s', '32M', img]);
    await withLoopDevices(images, (a) => {
      const [d1, d2] = images.map((i) => a.dev(path.basename(i)));
      a.lvm('pvcreate', '-q', '-y', d1, d2);
      a.lvm('vgcreate', '-q', '-s', '1m', 'chkvg', d1, d2);
      a.lvm('lvcreate', '-q', '-an', '-Zn', '-y', '-n', 'lv0', '-l', '4', 'chkvg', d1);
      a.lvm('lvcreate', '-q', '-an', '-Zn', '-y', '-n', 'lv1', '-l', '3', 'chkvg', d1);
      const ws = path.join(dir, 'ws');
      expect(cli('import', ws, '--devices', d1, d2, '--no-data').status).toBe(0);
      const scriptFile = path.join(dir, 'plan.sh');
      const exported = cli('export-script', ws, path.basename(d1), path.basename(d2), '-o', scriptFile);
      expect(exported.status, exported.stderr).toBe(0);
      const script = readFileSync(scriptFile, 'utf8');
      const helpers = script.slice(script.indexOf('fail() {'), script.indexOf('# Before anything moves'));
      // pvs as the script calls it, with this machine's activation-off configuration.
      const prelude = `set -euo pipefail\nexport LVM_SUPPRESS_FD_WARNINGS=1\npvs() { command lvm pvs --config '${LVM_CONFIG}' "$@" 2>/dev/null; }\n${helpers}`;
      const check = (line: string) => spawnSync('bash', ['-c', `${prelude}\n${line}\necho checked`], { encoding: 'utf8' });
      for (const ok of [`expect_extents ${d1} 0 3 lv0`, `expect_extents ${d1} 4 6 lv1`, `expect_free ${d1} 7 30`, `expect_free ${d2} 0 30`]) {
        const r = check(ok);
        expect(r.stdout.trim(), `${ok}: ${r.stderr}`).toBe('checked');
      }
      for (const [bad, why] of [
        [`expect_extents ${d1} 0 3 lv1`, `expected extents 0-3 of ${d1} to hold lv1, LVM2 reports otherwise`],
        [`expect_extents ${d1} 2 5 lv0`, `expected extents 2-5 of ${d1} to hold lv0, LVM2 reports otherwise`],
        [`expect_free ${d1} 6 7`, `expected extents 6-7 of ${d1} to be free, LVM2 reports otherwise`],
      ]) {
        const r = check(bad);
        expect(r.status, bad).toBe(1);
        expect(r.stdout).not.toContain('checked');
        expect(r.stderr).toContain(`lvmscope-plan: ${why} (above); stopping.`);
      }
    });
  }, 120_000);
});
