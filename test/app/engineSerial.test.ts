// Proves that an LVM command and a move started at the same moment never commit metadata
// side by side. Found by the API sweep (SEED=12): with a move.start arriving while an
// lvm.command was between its checks and its commit, both wrote metadata and the command's
// read-back failed with a sentence that blamed the disk ("did not read back correctly"), then
// the command's reopen closed the session under the running move. Now one of the two waits
// its turn: the command runs first and the move after it, or the move starts first and the
// command is refused as BUSY. Either way the metadata is whole and the move ends.
// And a verify of an LV that a step-mode move holds suspended is refused, not left hanging.

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../app/engine';
import { createNodeHost } from '../../main/host';
import { lvLayout, waitForEnd, waitForStep } from './pvmove/harness';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function demo(): Promise<Engine> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lvmscope-serial-'));
  const engine = new Engine(createNodeHost({ kind: 'test' }));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  cleanups.push(() => engine.dispose());
  await engine.handlers['workspace.createDemo']({ path: dir, scenario: 'seed', force: false });
  return engine;
}

const settle = <T>(p: Promise<T>) => p.then((value) => ({ ok: true as const, value }), (error: Error & { code?: string }) => ({ ok: false as const, error }));

describe('the engine queue', () => {
  it('runs an lvm command and a move started in the same tick one after the other, never side by side', async () => {
    const engine = await demo();
    const command = settle(engine.handlers['lvm.command']({ op: 'lvcreate', vg: 'vg0', name: 'lv1', extents: 2 }));
    const move = settle(engine.handlers['move.start']({ request: { vg: 'vg0', sources: ['pv2'], destinations: ['pv4'], alloc: 'normal' }, options: { rateBytesPerSec: 0 } }));
    const [c, m] = await Promise.all([command, move]);
    // The command was first in the queue: it ran whole, and the move started after it.
    expect(c.ok, c.ok ? '' : c.error.message).toBe(true);
    expect(m.ok, m.ok ? '' : m.error.message).toBe(true);
    const ended = await waitForEnd(engine);
    expect(ended.error).toBeNull();
    expect(ended.status).toBe('done');
    const view = await engine.handlers['workspace.view']({});
    expect(view.vgs[0].lvs.map((l) => l.name).sort()).toEqual(['lv0', 'lv1']);
    expect(lvLayout(view, 'lv0')).toEqual(['pv1:0-5', 'pv4:0-3', 'pv3:0-4']);
  });

  it('refuses an lvm command queued behind a move start as BUSY, without touching the metadata', async () => {
    const engine = await demo();
    const move = settle(engine.handlers['move.start']({ request: { vg: 'vg0', sources: ['pv2'], destinations: ['pv4'], alloc: 'normal' }, options: { rateBytesPerSec: 64 * 1024 } }));
    const command = settle(engine.handlers['lvm.command']({ op: 'lvcreate', vg: 'vg0', name: 'lv1', extents: 2 }));
    const [m, c] = await Promise.all([move, command]);
    expect(m.ok, m.ok ? '' : m.error.message).toBe(true);
    expect(c.ok).toBe(false);
    if (!c.ok) expect(c.error.message).toMatch(/A move is running in this workspace/);
    await engine.handlers['move.control']({ action: 'setRate', rateBytesPerSec: 0 });
    const ended = await waitForEnd(engine);
    expect(ended.status).toBe('done');
    const view = await engine.handlers['workspace.view']({});
    expect(view.vgs[0].lvs.map((l) => l.name)).toEqual(['lv0']);
  });

  it('refuses a verify of an LV a step-mode move holds suspended, instead of hanging until Next (API sweep, SEED=1861454255)', async () => {
    const engine = await demo();
    await engine.handlers['move.start']({ request: { vg: 'vg0', sources: ['pv2'], destinations: ['pv4'], alloc: 'normal' }, options: { rateBytesPerSec: 0, stepMode: true } });
    await waitForStep(engine, 1);
    await engine.handlers['move.control']({ action: 'next' });
    await waitForStep(engine, 2);
    const verify = await settle(engine.handlers['verify.run']({ vg: 'vg0', lv: 'lv0' }));
    expect(verify.ok).toBe(false);
    if (!verify.ok) expect(verify.error.message).toMatch(/vg0\/lv0 is suspended .*verify once the move resumes the LV \(press Next in step mode\)/);
    await engine.handlers['move.control']({ action: 'setStepMode', stepMode: false });
    await engine.handlers['move.control']({ action: 'next' });
    expect((await waitForEnd(engine)).status).toBe('done');
    const result = await engine.handlers['verify.run']({ vg: 'vg0', lv: 'lv0' });
    expect(result.mismatches).toBe(0);
  });

  it('stops a workload whose writes wait on an LV a step-mode move holds suspended, at once; the writes land on resume and verify clean', async () => {
    const engine = await demo();
    await engine.handlers['workload.start']({ vg: 'vg0', lv: 'lv0', pattern: 'randwrite', blockSizeBytes: 4096, iops: 500, seed: 3 });
    await engine.handlers['move.start']({ request: { vg: 'vg0', sources: ['pv2'], destinations: ['pv4'], alloc: 'normal' }, options: { rateBytesPerSec: 0, stepMode: true } });
    await waitForStep(engine, 1);
    await engine.handlers['move.control']({ action: 'next' });
    await waitForStep(engine, 2);
    const stopped = await engine.handlers['workload.stop']({});
    expect(stopped.running).toBe(false);
    await engine.handlers['move.control']({ action: 'setStepMode', stepMode: false });
    await engine.handlers['move.control']({ action: 'next' });
    expect((await waitForEnd(engine)).status).toBe('done');
    const result = await engine.handlers['verify.run']({ vg: 'vg0', lv: 'lv0' });
    expect(result.mismatches).toBe(0);
  });
});
