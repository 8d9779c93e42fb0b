// Proves lvmscope's live pvmove leaves exactly what real LVM2 (Debian lvm2 on loop devices,
// activation disabled) expects: after the seed move under random writes, `lvs` reads lv0 as
// pv1 | pv4 | pv3 with no pvmove0, `vgck` passes, and the bytes at pv4's extents (read
// straight from the image at pe_start + pe × extent_size) are lv0's data per the shadow model.
// Also: the interrupted move real LVM2 wrote (fixture seed-pvmove-interrupted) is reported on
// open, resumes to completion (or aborts) with lv0's bytes intact, and LVM2 agrees.

import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import { Engine } from '../../../app/engine';
import { createNodeHost } from '../../../main/host';
import { missingTools } from '../../helpers/tools';
import { withLoopDevices } from '../../helpers/lvm2';
import { fillDemoSector, fillWriteSector } from '../../../app/workload/pattern';
import { waitForEnd } from '../../app/pvmove/harness';

const IMAGES = ['pv1.img', 'pv2.img', 'pv3.img', 'pv4.img'];
const FIXTURES = path.resolve(__dirname, '../../fixtures/lvm2');
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lvmscope-pvmove-interop-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function newEngine(): Engine {
  const engine = new Engine(createNodeHost({ kind: 'test' }));
  cleanups.push(() => engine.dispose());
  return engine;
}

/** What real LVM2 says about vg0: lv rows (with hidden LVs) and whether vgck passes. */
function lvm2View(dir: string) {
  return withLoopDevices(
    IMAGES.map((i) => path.join(dir, i)),
    (a) => {
      // Only our loop devices: another suite may have copies of the same PVs attached.
      const only = ['--devices', [...a.devices.values()].join(',')];
      a.lvm('vgck', ...only, 'vg0');
      return a.report('lvs', ...only, '-a', '-o', 'lv_name,lv_attr,seg_pe_ranges', 'vg0').map((r) => `${r.lv_name} ${r.lv_attr.slice(0, 4)} ${r.seg_pe_ranges}`);
    },
  );
}

describe.skipIf(missingTools('lvm', 'losetup', 'root'))('pvmove results read by real LVM2', () => {
  it('after the seed move under random writes, LVM2 reads lv0 as pv1 | pv4 | pv3 and pv4 holds its data', async () => {
    const dir = await tempDir();
    const engine = newEngine();
    await engine.handlers['workspace.createDemo']({ path: dir, scenario: 'seed', force: false });
    await engine.handlers['workload.start']({ vg: 'vg0', lv: 'lv0', pattern: 'randwrite', blockSizeBytes: 4096, iops: 2000, seed: 11 });
    await engine.handlers['move.start']({ request: { vg: 'vg0', sources: ['pv2'], destinations: ['pv4'], alloc: 'normal' }, options: { rateBytesPerSec: 4 * 1024 * 1024, regionSizeSectors: 256 } });
    const move = await waitForEnd(engine);
    await engine.handlers['workload.stop']({});
    expect(move.status).toBe('done');
    expect((await engine.handlers['verify.run']({ vg: 'vg0', lv: 'lv0' })).mismatches).toBe(0);
    const shadow = engine.session!.shadowOf('vg0', 'lv0');
    expect(shadow.writtenSectors).toBeGreaterThan(0);
    await engine.handlers['workspace.close']({});

    const rows = await lvm2View(dir);
    expect(rows).toEqual(['lv0 -wi- pv1:0-5', 'lv0 -wi- pv4:0-3', 'lv0 -wi- pv3:0-4']);
    // lv0 LEs 6-9 are pv4 PEs 0-3: pe_start 2048 sectors, 1 MiB extents.
    const pv4 = await readFile(path.join(dir, 'pv4.img'));
    const expected = new Uint8Array(512);
    let mismatches = 0;
    for (let sector = 6 * 2048; sector < 10 * 2048; sector += 1) {
      const writeId = shadow.writeIdAt(sector);
      if (writeId === undefined) fillDemoSector('vg0', 'lv0', 2048, sector, expected);
      else fillWriteSector(writeId, sector, expected);
      const at = (2048 + (sector - 6 * 2048)) * 512;
      if (Buffer.compare(pv4.subarray(at, at + 512), expected) !== 0) mismatches += 1;
    }
    expect(mismatches).toBe(0);
  });

  async function interruptedFixture(): Promise<string> {
    const dir = await tempDir();
    for (const image of IMAGES) await writeFile(path.join(dir, image), gunzipSync(await readFile(path.join(FIXTURES, 'seed-pvmove-interrupted', `${image}.gz`))));
    return dir;
  }

  it('resumes the move real LVM2 left interrupted, and LVM2 agrees with the result', async () => {
    const dir = await interruptedFixture();
    const engine = newEngine();
    const view = await engine.handlers['workspace.open']({ path: dir });
    expect(view.vgs[0].moveInProgress).not.toBeNull();
    expect((await engine.handlers['verify.run']({ vg: 'vg0', lv: 'lv0' })).mismatches).toBe(0);
    await engine.handlers['move.resume']({ vg: 'vg0', options: {} });
    const move = await waitForEnd(engine);
    expect(move.error).toBeNull();
    expect(move.status).toBe('done');
    expect((await engine.handlers['verify.run']({ vg: 'vg0', lv: 'lv0' })).mismatches).toBe(0);
    expect((await engine.handlers['dm.list']({})).devices.map((d) => d.name)).toEqual(['vg0-lv0']);
    await engine.handlers['workspace.close']({});
    expect(await lvm2View(dir)).toEqual(['lv0 -wi- pv1:0-5', 'lv0 -wi- pv4:0-3', 'lv0 -wi- pv3:0-4']);
  });

  it('aborts the move real LVM2 left interrupted: lv0 is back on pv1 | pv2 | pv3 for LVM2 too', async () => {
    const dir = await interruptedFixture();
    const engine = newEngine();
    await engine.handlers['workspace.open']({ path: dir });
    await engine.open().moves.abortRecorded('vg0');
    const view = await engine.handlers['workspace.view']({});
    expect(view.vgs[0].moveInProgress).toBeNull();
    expect((await engine.handlers['verify.run']({ vg: 'vg0', lv: 'lv0' })).mismatches).toBe(0);
    await engine.handlers['workspace.close']({});
    expect(await lvm2View(dir)).toEqual(['lv0 -wi- pv1:0-5', 'lv0 -wi- pv2:0-3', 'lv0 -wi- pv3:0-4']);
  });
});
