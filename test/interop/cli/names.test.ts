// Proves `lvmscope lvcreate` accepts exactly the LV names real LVM2 2.03's lvcreate accepts, on
// a sample: fixed edge cases (the 121/122-character limit with VG vg0, the 127-character name
// real vgck rejected, ".", "..", a leading hyphen, spaces, reserved prefixes and substrings) and
// a seeded fast-check sample of the unit sweep's generator. The same demo images are copied; real
// lvcreate runs on one copy (loop devices, activation disabled), lvmscope on the other; then
// real vgck and lvs read lvmscope's copy and list every LV lvmscope created.

import { copyFileSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { missingTools } from '../../helpers/tools';
import { withLoopDevices } from '../../helpers/lvm2';
import { cli, removeDir, tempDir } from '../../main/cli/run';

const IMAGES = ['pv1.img', 'pv2.img', 'pv3.img', 'pv4.img'];
const FIXED = ['a'.repeat(121), 'a'.repeat(122), 'a'.repeat(127), '.', '..', '.a', 'a.', '-a', 'a b', 'a@b', 'a%b', '+a', '_a', 'a--b', 'snapshot1', 'pvmove0', 'x_mlog', 'x_rimage_1', 'x_tdata', 'x_vorigin', 'x_pmspare', 'x_wcorig', 'lvol0'];

function sample(seed: number): string[] {
  const alphabet = [...'abXY09+_.-', '_mlog', '_cdata', 'snapshot', 'pvmove'];
  const name = fc.array(fc.constantFrom(...alphabet), { minLength: 1, maxLength: 12 }).map((parts) => parts.join(''));
  return fc.sample(name, { seed, numRuns: 20 });
}

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

describe.skipIf(missingTools('lvm', 'losetup', 'root'))('LV names = real LVM2', () => {
  it('lvcreate accepts and refuses the same names as LVM2, and real vgck reads what lvmscope wrote', async () => {
    const seed = Number(process.env.NAMES_SEED ?? Date.now() % 1_000_000);
    console.log(`LV name sample seed ${seed} (replay: NAMES_SEED=${seed})`);
    const names = [...new Set([...FIXED, ...sample(seed)])];
    const ours = tempDir('lvmscope-names-ours-');
    const theirs = tempDir('lvmscope-names-lvm2-');
    dirs.push(ours, theirs);
    expect(cli('demo', ours).status).toBe(0);
    for (const image of IMAGES) copyFileSync(path.join(ours, image), path.join(theirs, image));

    const lvm2Verdict = await withLoopDevices(
      IMAGES.map((i) => path.join(theirs, i)),
      (a) =>
        new Map(
          names.map((name) => {
            try {
              a.lvm('lvcreate', '-an', '-Zn', '-y', '-n', name, '-l', '1', 'vg0');
              return [name, true];
            } catch {
              return [name, false];
            }
          }),
        ),
    );
    const created: string[] = [];
    for (const name of names) {
      const r = cli('lvcreate', ours, 'vg0', '-n', name, '-l', '1');
      expect(r.status === 0, `${JSON.stringify(name)}: lvmscope ${r.status === 0 ? 'accepts' : `refuses (${r.stderr.trim()})`}, LVM2 ${lvm2Verdict.get(name) ? 'accepts' : 'refuses'}`).toBe(lvm2Verdict.get(name));
      if (r.status === 0) created.push(name);
      else expect(r.stderr.trim().split('\n')[0]).toMatch(/^(lvmscope: |error: )/);
    }
    expect(created).toContain('a'.repeat(121));
    await withLoopDevices(
      IMAGES.map((i) => path.join(ours, i)),
      (a) => {
        a.lvm('vgck', 'vg0');
        const listed = a.report('lvs', '-o', 'lv_name', 'vg0').map((r) => r.lv_name);
        for (const name of created) expect(listed).toContain(name);
      },
    );
  });

  it('vgcreate accepts and refuses the same VG names as LVM2 (LV reservations do not apply, /dev entries do)', async () => {
    const vgNames = ['snapshot', 'a_mlog', 'pvmove0', '.a', 'a--b', 'a+b', 'mapper', 'null', '.', '..', 'a b', 'a@b', 'v'.repeat(127), 'v'.repeat(128)];
    const theirs = tempDir('lvmscope-vgnames-lvm2-');
    dirs.push(theirs);
    const image = path.join(theirs, 'pv1.img');
    writeFileSync(image, '');
    truncateSync(image, 16 * 1024 * 1024);
    const lvm2Verdict = await withLoopDevices([image], (a) => {
      a.lvm('pvcreate', a.dev('pv1.img'));
      return new Map(
        vgNames.map((vg) => {
          try {
            a.lvm('vgcreate', vg, a.dev('pv1.img'));
          } catch {
            return [vg, false];
          }
          a.lvm('vgremove', '-f', vg);
          return [vg, true];
        }),
      );
    });
    for (const vg of vgNames) {
      const ours = tempDir('lvmscope-vgnames-ours-');
      dirs.push(ours);
      writeFileSync(path.join(ours, 'pv1.img'), '');
      truncateSync(path.join(ours, 'pv1.img'), 16 * 1024 * 1024);
      const r = cli('vgcreate', ours, vg, 'pv1.img');
      expect(r.status === 0, `${JSON.stringify(vg)}: lvmscope ${r.status === 0 ? 'accepts' : `refuses (${r.stderr.trim()})`}, LVM2 ${lvm2Verdict.get(vg) ? 'accepts' : 'refuses'}`).toBe(lvm2Verdict.get(vg));
    }
  });
});
