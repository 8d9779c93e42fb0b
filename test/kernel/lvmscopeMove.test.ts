// Proves that lvmscope's pvmove and the kernel's pvmove can hand a move to each other:
//  1. after the seed move lvmscope completed under random 4 KiB writes, the kernel activates
//     vg0 with lv0 on pv1 | pv4 | pv3 (the same dm table lvmscope reports) and lv0's bytes
//     through the kernel equal lvmscope's own view of lv0, read before closing;
//  2. a move lvmscope was SIGKILLed in the middle of (a child process, rate-limited, killed
//     once a quarter of the copy is done) is finished by the kernel's `pvmove` resume, with
//     every sector of lv0 intact and host LVM2 reading the final layout;
//  3. a move the kernel started and was killed in mid-copy (makeKernelInterruptedMove: real
//     LVM2 metadata, a partial copy on the destination) is reported by lvmscope as a move in
//     progress, resumed to the end by lvmscope, with every sector intact through lvmscope and
//     then through the kernel, and host LVM2 agreeing with the final layout.
// How: Engine on workspace folders in temp dirs, QEMU guests via kernelInspectVg(s), host
// LVM2 on loop devices (hostLvm.ts).

import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { missingTools } from '../helpers/tools';
import { workDirsRemovedAfterAll } from './fixtures';
import { hostLvPvs, hostLvSegments } from './hostLvm';
import { installedKernel } from './initramfs';
import { kernelInspectVg, kernelInspectVgs, kernelReadLv, symbolicTables } from './kernelLvm';
import { makeKernelInterruptedMove } from './kernelMove';
import { lvmscopeSymbolicTables, newEngine, readLvThroughLvmscope, waitForMoveEnd, workspaceImages } from './lvmscope';
import { firstPatternMismatch } from './pattern';

const noKernel = missingTools('qemu-system-x86_64', 'busybox', 'lvm', 'root', 'losetup') || installedKernel() === null;
const SEED_EXTENT_SECTORS = 2048;
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const CHILD = path.join(ROOT, 'test', 'kernel', 'lvmscopeMoveChild.ts');
const MIB = 1024 * 1024;

const workDir = workDirsRemovedAfterAll();

/** A fresh seed demo workspace (vg0/lv0 = pv1:0-5 | pv2:0-3 | pv3:0-4, demo pattern), closed. */
async function seedWorkspace(): Promise<string> {
  const dir = workDir();
  const engine = newEngine();
  try {
    await engine.handlers['workspace.createDemo']({ path: dir, scenario: 'seed', force: false });
  } finally {
    await engine.dispose();
  }
  return dir;
}

/**
 * Runs lvmscope's move in a child process and SIGKILLs it once at least a quarter of the copy
 * is reported done (and before it finishes). Returns the child's output.
 */
function killLvmscopeMidCopy(dir: string, rateBytesPerSec: number): Promise<string> {
  const args = ['--import', 'tsx', CHILD, dir, 'vg0', 'pv2', 'pv4', String(rateBytesPerSec)];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let killed = false;
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const copied = [...out.matchAll(/^COPIED (\d+) (\d+)$/gm)].map((m) => [Number(m[1]), Number(m[2])]);
      const last = copied[copied.length - 1];
      if (!killed && last && last[0] * 4 >= last[1] && last[0] < last[1]) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (killed && signal === 'SIGKILL') resolve(out);
      else reject(new Error(`the lvmscope child was not killed in mid-copy (exit ${code ?? signal}):\n${out}`));
    });
  });
}

describe.skipIf(noKernel)('moves handed between lvmscope and the real kernel', () => {
  it('after lvmscope completed the seed move under random writes, the kernel reads lv0 exactly as lvmscope does', async () => {
    const dir = await seedWorkspace();
    const engine = newEngine();
    let lvmscopeBytes: Uint8Array;
    let lvmscopeTables: Record<string, string>;
    try {
      await engine.handlers['workspace.open']({ path: dir });
      await engine.handlers['workload.start']({ vg: 'vg0', lv: 'lv0', pattern: 'randwrite', blockSizeBytes: 4096, iops: 500, seed: 8 });
      await engine.handlers['move.start']({
        request: { vg: 'vg0', sources: ['pv2'], destinations: ['pv4'], alloc: 'normal' },
        options: { rateBytesPerSec: 4 * MIB, regionSizeSectors: 256 },
      });
      const move = await waitForMoveEnd(engine);
      const stats = await engine.handlers['workload.stop']({});
      expect(move.status, move.error ?? '').toBe('done');
      expect(stats.writes, 'the workload wrote during the move').toBeGreaterThan(50);
      expect((await engine.handlers['verify.run']({ vg: 'vg0', lv: 'lv0' })).mismatches).toBe(0);
      lvmscopeBytes = await readLvThroughLvmscope(engine, 'vg0', 'lv0');
      lvmscopeTables = await lvmscopeSymbolicTables(engine, ['vg0-lv0']);
    } finally {
      await engine.dispose();
    }
    // The workload really changed lv0: it no longer holds the plain demo pattern.
    expect(firstPatternMismatch(lvmscopeBytes, 'vg0', 'lv0', SEED_EXTENT_SECTORS)).not.toBeNull();

    const kernel = await kernelInspectVg(workspaceImages(dir), 'vg0', ['lv0']);
    expect(symbolicTables(kernel.dm)).toEqual(lvmscopeTables);
    expect(lvmscopeTables['vg0-lv0']).toBe(['0 12288 linear pv1 2048', '12288 8192 linear pv4 2048', '20480 10240 linear pv3 2048'].join('\n'));
    expect(kernel.lvBytes.lv0.length).toBe(lvmscopeBytes.length);
    expect(Buffer.compare(kernel.lvBytes.lv0, lvmscopeBytes)).toBe(0);
  });

  it('finishes, with the kernel\'s pvmove, a move lvmscope was killed in the middle of, leaving lv0 intact on pv1, pv4, pv3', async () => {
    const dir = await seedWorkspace();
    const childOutput = await killLvmscopeMidCopy(dir, MIB);
    expect(childOutput).toMatch(/^STEP lv0\/copy running$/m);
    const images = workspaceImages(dir);
    // The move is recorded on disk: host LVM2 sees lv0's moved segment on pvmove0.
    expect(hostLvPvs(images, 'vg0', 'lv0')).toEqual(['pv1', 'pvmove0', 'pv3']);

    const writable = images.map((img) => ({ ...img, snapshot: false }));
    const kernel = await kernelInspectVgs(writable, ['vg0'], [{ vg: 'vg0', lv: 'lv0' }], { prelude: 'vgchange -ay --poll n vg0 >/dev/null\npvmove -i 1\n' });
    expect(firstPatternMismatch(kernel.lvBytes['vg0/lv0'], 'vg0', 'lv0', SEED_EXTENT_SECTORS)).toBeNull();
    expect(kernel.lvBytes['vg0/lv0'].length).toBe(15 * MIB);
    expect(hostLvPvs(images, 'vg0', 'lv0')).toEqual(['pv1', 'pv4', 'pv3']);
    expect(hostLvSegments(images, 'vg0').map((s) => s.lvName)).not.toContain('[pvmove0]');
  });

  it('finishes a move the kernel was killed in the middle of, with every sector intact and real LVM2 agreeing', async () => {
    const move = await makeKernelInterruptedMove(workDir());
    const dir = path.dirname(move.images[0].path);
    const engine = newEngine();
    let lvmscopeBytes: Uint8Array;
    try {
      const view = await engine.handlers['workspace.open']({ path: dir });
      expect(view.vgs.find((v) => v.name === move.vgName)?.moveInProgress).not.toBeNull();
      await engine.handlers['move.resume']({ vg: move.vgName, options: {} });
      const state = await waitForMoveEnd(engine);
      expect(state.status, state.error ?? '').toBe('done');
      const after = await engine.handlers['workspace.view']({});
      expect(after.vgs.find((v) => v.name === move.vgName)?.moveInProgress).toBeNull();
      lvmscopeBytes = await readLvThroughLvmscope(engine, move.vgName, move.lvName);
    } finally {
      await engine.dispose();
    }
    expect(firstPatternMismatch(lvmscopeBytes, move.vgName, move.lvName, move.extentSectors)).toBeNull();
    expect(hostLvPvs(move.images, move.vgName, move.lvName)).toEqual(move.finalPvs);
    expect(hostLvSegments(move.images, move.vgName).map((s) => s.lvName)).not.toContain('[pvmove0]');
    const bytes = await kernelReadLv(move.images, move.vgName, move.lvName);
    expect(bytes.length).toBe(move.lvSizeSectors * 512);
    expect(firstPatternMismatch(bytes, move.vgName, move.lvName, move.extentSectors)).toBeNull();
  });
});
