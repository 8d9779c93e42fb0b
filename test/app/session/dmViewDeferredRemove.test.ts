// Proves the dm view tells a deferred removal apart (what `dmsetup info` prints as
// "ACTIVE (DEFERRED REMOVE)"): in the seed move run in step mode, vg0-lv0-orig is marked
// once step 6 (`dmsetup remove --deferred`) is done and is still listed, because vg0-lv0's
// table uses it; nothing else is marked; after step 8 it is gone. Real files, engine API.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../../app/engine';
import { createNodeHost } from '../../../main/host';
import { stepNo, untilMoveState } from '../pvmove/harness';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** Waits (on the move's state events, no polling) until the move waits before step `n` of lv0, or ends. */
function waitFor(engine: Engine, done: (status: string, waitingStep: number | undefined) => boolean): Promise<unknown> {
  return untilMoveState(engine, (move) => !!move && done(move.status, (() => { const w = move.steps.find((s) => s.state === 'waiting'); return w ? stepNo(w) : undefined; })()), 'the move did not reach the expected step', 10_000);
}

describe('the dm view during the seed move', () => {
  it('marks vg0-lv0-orig DEFERRED REMOVE from step 6 until step 8 removes it', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'lvmscope-deferred-'));
    const engine = new Engine(createNodeHost({ kind: 'test' }));
    cleanups.push(() => rm(dir, { recursive: true, force: true }), () => engine.dispose());
    await engine.handlers['workspace.createDemo']({ path: dir, scenario: 'seed', force: false });
    await engine.handlers['move.start']({ request: { vg: 'vg0', sources: ['pv2'], destinations: ['pv4'], alloc: 'normal' }, options: { stepMode: true, rateBytesPerSec: 0 } });
    const marked = async () => (await engine.handlers['dm.list']({})).devices.filter((d) => d.deferredRemove).map((d) => d.name);
    for (let n = 1; n <= 6; n += 1) {
      await waitFor(engine, (status, waiting) => status === 'waiting-step' && waiting === n);
      expect(await marked()).toEqual([]);
      await engine.handlers['move.control']({ action: 'next' });
    }
    await waitFor(engine, (status, waiting) => status === 'waiting-step' && waiting === 7);
    expect(await marked()).toEqual(['vg0-lv0-orig']);
    await engine.handlers['move.control']({ action: 'setStepMode', stepMode: false });
    await waitFor(engine, (status) => status === 'done');
    expect((await engine.handlers['dm.list']({})).devices.map((d) => d.name)).toEqual(['vg0-lv0']);
  });
});
