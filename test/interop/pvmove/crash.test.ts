// Proves the live pvmove is crash-safe on real image files: the seed move (pv2 → pv4, under a
// journaled random-write workload) runs in a child process (test/helpers/crashChild.ts) that
// halts at one chosen moment and is killed there with SIGKILL — at 34 moments: inside each of
// the three metadata commits (begin, checkpoint, step 7's resolve; between vg_write, precommit
// and commit, PV by PV), at the start of each of the eight steps, mid-copy (between writes to
// pv4's data area) and between a workload write's journaled intent and its IO. After each kill
// the parent checks that real LVM2's `vgck` accepts the metadata, reopens the workspace and
// verifies every acknowledged write (in-doubt writes accepted either way), then resumes (or,
// alternately, aborts) and checks the end state: zero mismatches, no pvmove0, no -orig device,
// and LVM2 reads the same layout lvmscope does.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Engine } from '../../../app/engine';
import { createNodeHost } from '../../../main/host';
import { missingTools } from '../../helpers/tools';
import { withLoopDevices } from '../../helpers/lvm2';
import { waitForEnd } from '../../app/pvmove/harness';

const IMAGES = ['pv1.img', 'pv2.img', 'pv3.img', 'pv4.img'];
const CHILD = path.resolve(__dirname, '../../helpers/crashChild.ts');
const ROOT = path.resolve(__dirname, '../../..');
const BEFORE = ['pv1:0-5', 'pv2:0-3', 'pv3:0-4'];
const AFTER = ['pv1:0-5', 'pv4:0-3', 'pv3:0-4'];

// The seed move makes three commits of 12 metadata writes each (4 PVs × vg_write, precommit,
// commit): 1-12 begin the move, 13-24 checkpoint the run, 25-36 resolve lv0 at step 7.
const MDA = [1, 2, 4, 5, 7, 9, 11, 12, 13, 15, 17, 20, 23, 24, 25, 26, 28, 30, 32, 34, 36];
const POINTS = [...MDA.map((n) => `mda:${n}`), ...[1, 2, 3, 4, 5, 6, 7, 8].map((n) => `step:${n}`), 'data:3', 'data:20', 'data:45', 'intent:10', 'intent:120'];

let template: string;
let work: string;
beforeAll(async () => {
  template = await mkdtemp(path.join(os.tmpdir(), 'lvmscope-crash-template-'));
  work = await mkdtemp(path.join(os.tmpdir(), 'lvmscope-crash-'));
  const engine = new Engine(createNodeHost({ kind: 'test' }));
  await engine.handlers['workspace.createDemo']({ path: template, scenario: 'seed', force: false });
  await engine.dispose();
});
afterAll(async () => {
  await rm(template, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
});

/** Two kill points at a time (the machine has two cores). */
let running = 0;
const queue: Array<() => void> = [];
async function slot<T>(body: () => Promise<T>): Promise<T> {
  if (running >= 2) await new Promise<void>((r) => queue.push(r));
  running += 1;
  try {
    return await body();
  } finally {
    running -= 1;
    queue.shift()?.();
  }
}

/** Runs the child until it halts at `point`, then SIGKILLs it. Returns its output. */
function runChildUntilHalt(dir: string, point: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, point], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let halted = false;
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (!halted && out.includes('HALT ')) {
        halted = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (halted && signal === 'SIGKILL') resolve(out);
      else reject(new Error(`the child did not halt at ${point} (exit ${code ?? signal}):\n${out}`));
    });
  });
}

/** Real LVM2's view of vg0 after vgck passed: lv rows "name ranges". */
function lvm2Rows(dir: string): Promise<string[]> {
  return withLoopDevices(
    IMAGES.map((i) => path.join(dir, i)),
    (a) => {
      const only = ['--devices', [...a.devices.values()].join(',')];
      a.lvm('vgck', ...only, 'vg0');
      return a.report('lvs', ...only, '-a', '-o', 'lv_name,seg_pe_ranges', 'vg0').map((r) => `${r.lv_name} ${r.seg_pe_ranges}`);
    },
  );
}

function layout(view: Awaited<ReturnType<Engine['handlers']['workspace.view']>>): string[] {
  const lv0 = view.vgs[0].lvs.find((l) => l.name === 'lv0')!;
  return lv0.segments.map((s) => s.areas.map((a) => `${a.target}:${a.start}-${a.start + s.count - 1}`).join(' '));
}

/** Reopens after the kill, checks every acknowledged write, then resumes or aborts to the end. */
async function recover(dir: string, action: 'resume' | 'abort'): Promise<string[]> {
  const engine = new Engine(createNodeHost({ kind: 'test' }));
  try {
    const view = await engine.handlers['workspace.open']({ path: dir });
    const verify = await engine.handlers['verify.run']({ vg: 'vg0', lv: 'lv0' });
    expect(verify.mismatches, verify.summary).toBe(0);
    const wasMoving = view.vgs[0].moveInProgress !== null;
    if (wasMoving && action === 'resume') await engine.handlers['move.resume']({ vg: 'vg0', options: {} });
    else if (wasMoving) await engine.open().moves.abortRecorded('vg0');
    else if (action === 'resume' && layout(view)[1] === BEFORE[1]) await engine.handlers['move.start']({ request: { vg: 'vg0', sources: ['pv2'], destinations: ['pv4'], alloc: 'normal' }, options: {} });
    if (engine.open().moves.runner) expect((await waitForEnd(engine)).status).toBe('done');
    const end = await engine.handlers['workspace.view']({});
    expect(end.vgs[0].moveInProgress).toBeNull();
    expect(end.vgs[0].lvs.map((l) => l.name)).toEqual(['lv0']);
    expect((await engine.handlers['dm.list']({})).devices.map((d) => d.name)).toEqual(['vg0-lv0']);
    const after = await engine.handlers['verify.run']({ vg: 'vg0', lv: 'lv0' });
    expect(after.mismatches, after.summary).toBe(0);
    return layout(end);
  } finally {
    await engine.dispose();
  }
}

describe.skipIf(missingTools('lvm', 'losetup', 'root'))('pvmove survives SIGKILL at every moment', () => {
  POINTS.forEach((point, index) => {
    const action = index % 2 === 0 ? 'resume' : 'abort';
    it.concurrent(`killed at ${point}, the workspace reopens consistent and ${action} completes with every acknowledged write intact`, () =>
      slot(async () => {
        const dir = path.join(work, point.replace(':', '-'));
        await rm(dir, { recursive: true, force: true });
        await mkdir(dir, { recursive: true });
        for (const image of IMAGES) await copyFile(path.join(template, image), path.join(dir, image));
        const output = await runChildUntilHalt(dir, point);
        expect(output).toContain(`HALT ${point}`);
        const rows = await lvm2Rows(dir);
        expect(rows.length).toBeGreaterThanOrEqual(3);
        const end = await recover(dir, action);
        if (action === 'resume') expect(end).toEqual(AFTER);
        else expect([BEFORE, AFTER]).toContainEqual(end);
        expect(await lvm2Rows(dir)).toEqual(end.map((r) => `lv0 ${r}`));
        await rm(dir, { recursive: true, force: true });
      }),
    );
  });
});
