// Proves that a window which loads while a move runs attaches to the engine's live state
// instead of closing and reopening the workspace (issue 16, DESIGN §2.4). A second browser tab
// or a reload asks `workspace.open` for the folder already open; before the fix the engine
// closed it (pausing the move and tearing the mirror down: "ABORTING: Resume and copy … the
// mirror was removed") and reopened it with no move. The tests run the seed move on the
// simulated clock, call what a loading window calls in the middle of the copy, and check that
// the same move goes on to 'done' with nothing aborted and nothing lost; an explicit open of
// another folder, or a new demo, is refused with a sentence and the move goes on too.

import { describe, expect, it } from 'vitest';
import type { PayloadOf } from '../../app/api/contract';
import { SeededRandom } from '../../app/base/clock';
import { Engine, samePath } from '../../app/engine';
import { ManualClock } from '../helpers/fakeClock';
import { MemoryWorkspaceStorage } from '../sim/memory';
import { memoryEngine, onClock, outlineStepId, simEnd, simSleep, stepNo, type TestEngine } from './pvmove/harness';

const MOVE = { request: { vg: 'vg0', sources: ['pv2'], destinations: ['pv4'], alloc: 'normal' as const }, options: { rateBytesPerSec: 256 * 1024, regionSizeSectors: 128 } };

/** The seed demo on the simulated clock, every log line kept, with its move copying. */
async function copying(): Promise<{ t: TestEngine; logs: PayloadOf<'log'>[]; id: number }> {
  const t = await memoryEngine(undefined, 7, { simulated: true });
  const logs: PayloadOf<'log'>[] = [];
  t.engine.subscribe((name, payload) => {
    if (name === 'log') logs.push(payload as PayloadOf<'log'>);
  });
  const started = await onClock(t, t.engine.handlers['move.start'](MOVE));
  for (let waited = 0; waited < 60_000; waited += 50) {
    const { move } = await onClock(t, t.engine.handlers['move.state']({}));
    if (move?.status === 'running' && move.step === outlineStepId(4) && move.progress.percent > 10) return { t, logs, id: started.id };
    await simSleep(t, 50);
  }
  throw new Error('the move did not reach the copy (step 4, over 10%) within 60 s of simulated time');
}

/** What a window calls when it loads: host.info is not served by the test host, so the folder is given. */
async function attachLikeAWindow(t: TestEngine, path: string) {
  await onClock(t, t.engine.handlers['workspace.listImages']({ path }));
  const view = await onClock(t, t.engine.handlers['workspace.open']({ path }));
  const [{ move }, dm] = await Promise.all([onClock(t, t.engine.handlers['move.state']({})), onClock(t, t.engine.handlers['dm.list']({}))]);
  return { view, move, dm };
}

async function expectEndsCleanly(t: TestEngine, logs: PayloadOf<'log'>[], id: number): Promise<void> {
  const end = await simEnd(t);
  expect(end.id).toBe(id);
  expect(end.status).toBe('done');
  expect(end.error).toBeNull();
  expect(logs.filter((l) => /ABORTING|paused because its workspace is closing|Closed /.test(l.message)).map((l) => l.message)).toEqual([]);
  const verify = await onClock(t, t.engine.handlers['verify.run']({ vg: 'vg0', lv: 'lv0' }));
  expect(verify.mismatches).toBe(0);
}

describe('a window attaching while a move runs', () => {
  it('workspace.open of the folder already open returns the live view and leaves the move running to done', async () => {
    const { t, logs, id } = await copying();
    const before = (await onClock(t, t.engine.handlers['move.state']({}))).move!;
    const attached = await attachLikeAWindow(t, 'mem:/demo');
    // The new window sees the same move where it is: running, step 4, the copy under way.
    expect(attached.move?.id).toBe(id);
    expect(attached.move?.status).toBe('running');
    expect(attached.move?.step).toBe(outlineStepId(4));
    expect(attached.move!.progress.bytesCopied).toBeGreaterThanOrEqual(before.progress.bytesCopied);
    expect(attached.move!.steps.filter((s) => s.state === 'done').map((s) => stepNo(s))).toEqual([1, 2, 3]);
    // The view marks lv0 as moving and the dm stack still holds the mirror and its temporary device.
    expect(attached.view.vgs[0].lvs.find((l) => l.name === 'lv0')).toBeDefined();
    expect(attached.dm.devices.map((d) => d.name).sort()).toEqual(['vg0-lv0', 'vg0-lv0-orig']);
    // A reload, a trailing slash and a third tab: the same attach, every time.
    await attachLikeAWindow(t, 'mem:/demo/');
    await attachLikeAWindow(t, 'mem:/demo');
    await expectEndsCleanly(t, logs, id);
  });

  it('Pause and Resume asked after an attach steer the same move', async () => {
    const { t, logs, id } = await copying();
    await attachLikeAWindow(t, 'mem:/demo');
    const paused = await onClock(t, t.engine.handlers['move.control']({ action: 'pause' }));
    expect(paused.id).toBe(id);
    expect(paused.status).toBe('paused');
    await attachLikeAWindow(t, 'mem:/demo');
    expect((await onClock(t, t.engine.handlers['move.state']({}))).move?.status).toBe('paused');
    await onClock(t, t.engine.handlers['move.control']({ action: 'resume' }));
    await expectEndsCleanly(t, logs, id);
  });

  it('refuses to open another folder, or to create a demo, while the move runs, with a sentence, and the move goes on', async () => {
    const { t, logs, id } = await copying();
    await expect(onClock(t, t.engine.handlers['workspace.open']({ path: 'mem:/other' }))).rejects.toThrow(
      /^A move is in progress in mem:\/demo \(running, \d+% copied\); let it finish, or abort it, before opening mem:\/other\.$/,
    );
    await expect(onClock(t, t.engine.handlers['workspace.createDemo']({ path: 'mem:/demo', scenario: 'seed', force: true }))).rejects.toThrow(
      /before creating a demo workspace in mem:\/demo\.$/,
    );
    expect((await onClock(t, t.engine.handlers['move.state']({}))).move?.status).toBe('running');
    await expectEndsCleanly(t, logs, id);
    // Once the move is done, opening another folder is allowed again.
    await onClock(t, t.engine.handlers['workspace.open']({ path: 'mem:/other' }));
    expect(t.engine.session?.path).toBe('mem:/other');
  });
});

describe('samePath', () => {
  it('treats trailing slashes as the same folder and anything else as another', () => {
    expect(samePath('/a/b', '/a/b/')).toBe(true);
    expect(samePath('/a/b//', '/a/b')).toBe(true);
    expect(samePath('/a/b', '/a/bc')).toBe(false);
    expect(samePath('/', '/')).toBe(true);
  });
});

describe('host.info', () => {
  it('names the workspace that is open, so a loading window attaches to it rather than to the host’s first folder', async () => {
    const folders = new Map([['/ws/a', new MemoryWorkspaceStorage('/ws/a')], ['/ws/b', new MemoryWorkspaceStorage('/ws/b')]]);
    const engine = new Engine({
      kind: 'test',
      clock: new ManualClock(),
      random: new SeededRandom(3),
      hostname: 'test',
      storage: (p) => folders.get(p)!,
      workspace: () => ({ path: '/ws/a', recent: [], demo: true }),
    });
    expect(await engine.handlers['host.info']({})).toMatchObject({ workspacePath: '/ws/a', demoFolder: true });
    await engine.handlers['workspace.open']({ path: '/ws/b' });
    // Not the demo folder: a window attaching to /ws/b must not fill it with the seed demo.
    expect(await engine.handlers['host.info']({})).toMatchObject({ workspacePath: '/ws/b', demoFolder: false });
    await engine.dispose();
    expect(await engine.handlers['host.info']({})).toMatchObject({ workspacePath: '/ws/a', demoFolder: true });
  });
});
