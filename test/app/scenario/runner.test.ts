// Proves how a scenario's `wait.step` finds its step in a move's list, whatever the stack: by id
// (`copy-2`, `lv0/commit`), or by a number that counts among the steps of `lv` (the outline's
// 1..8 per LV, as the scenarios written for it use), any LV's when `lv` is left out; and that
// a scenario naming a step the move does not have fails with a sentence listing the steps it
// has, instead of waiting until the time limit. The lists are built as the stacks give them.

import { afterEach, describe, expect, it } from 'vitest';
import type { StepView } from '../../../app/api/move';
import type { Scenario, ScenarioStateView } from '../../../app/api/scenario';
import { SeededRandom, sleep } from '../../../app/base/clock';
import { Engine } from '../../../app/engine';
import { findWaitedSteps } from '../../../app/scenario/runner';
import { loadScenarios } from '../../../main/scenarios';
import { SimClock } from '../../sim/clock';
import { SimWorkspaceStorage } from '../../sim/simWorkspace';

const OUTLINE_IDS = ['suspend', 'create-temp', 'load-mirror', 'copy', 'suspend-copied', 'remove-temp', 'commit', 'final-table'];

function steps(list: Array<[string, string | null]>, doneUpTo = 0): StepView[] {
  return list.map(([id, lv], i) => ({ id, index: i + 1, name: id, lv, state: i < doneUpTo ? 'done' : 'pending', narration: '', commands: [], timeMs: 0 }));
}

const outline = (lvs: string[], doneUpTo = 0) => steps(lvs.flatMap((lv) => OUTLINE_IDS.map((id) => [`${lv}/${id}`, lv] as [string, string])), doneUpTo);
const lvm2 = (doneUpTo = 0) =>
  steps(
    [
      ['preload', null],
      ['suspend', null],
      ['commit', null],
      ['resume', null],
      ['copy-1', 'lv0'],
      ['checkpoint-1', 'lv0'],
      ['copy-2', 'lv1'],
      ['finish', null],
      ['remove-layer', null],
    ],
    doneUpTo,
  );

describe('wait.step finds its step', () => {
  it('by id, in either stack', () => {
    expect(findWaitedSteps(lvm2(), 'checkpoint-1')?.map((s) => s.index)).toEqual([6]);
    expect(findWaitedSteps(outline(['lv0', 'lv1']), 'lv1/commit')?.map((s) => s.index)).toEqual([15]);
    expect(findWaitedSteps(lvm2(), 'copy-3')).toBeNull();
    // An id that belongs to another LV than the one named is not the step asked for.
    expect(findWaitedSteps(lvm2(), 'copy-2', 'lv0')).toBeNull();
  });

  it('by its position among the steps of the named LV, as the outline scenarios number them', () => {
    expect(findWaitedSteps(outline(['lv0', 'lv1']), 4, 'lv1')?.map((s) => s.id)).toEqual(['lv1/copy']);
    expect(findWaitedSteps(outline(['lv0']), 9, 'lv0')).toBeNull();
    expect(findWaitedSteps(lvm2(), 1, 'lv1')?.map((s) => s.id)).toEqual(['copy-2']);
    expect(findWaitedSteps(lvm2(), 2, 'lv0')?.map((s) => s.id)).toEqual(['checkpoint-1']);
  });

  it("by its position within any LV's steps when no LV is named", () => {
    expect(findWaitedSteps(outline(['lv0', 'lv1']), 4)?.map((s) => s.id)).toEqual(['lv0/copy', 'lv1/copy']);
    // lvm2's steps on the whole move (lv null) count as one list of their own.
    expect(findWaitedSteps(lvm2(), 5)?.map((s) => s.id)).toEqual(['finish']);
    expect(findWaitedSteps(lvm2(), 2)?.map((s) => s.id)).toEqual(['suspend', 'checkpoint-1']);
  });
});

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('a scenario that waits for a step the move does not have', () => {
  it('fails with a sentence naming the steps the move has', async () => {
    const seed = loadScenarios().find((s) => s.name === 'seed')!;
    const bad: Scenario = { ...seed, name: 'bad-step', actions: [{ action: 'move', sources: ['pv2'], destinations: ['pv4'], alloc: 'normal', stepMode: false, stack: 'lvm2' }, { action: 'wait.step', step: 'copy-7' }] };
    const clock = new SimClock();
    const storage = new SimWorkspaceStorage(clock, new SeededRandom(1));
    const engine = new Engine({ kind: 'test', clock, random: new SeededRandom(1), hostname: 'sim', unixTime: () => 1_700_000_000, storage: () => storage, scenarios: () => [bad] });
    cleanups.push(() => engine.dispose());
    const ended = async (): Promise<ScenarioStateView> => {
      await engine.handlers['scenario.run']({ name: 'bad-step', path: storage.location, force: false, speed: 1 });
      for (;;) {
        const { scenario } = await engine.handlers['scenario.state']({});
        if (scenario && scenario.status !== 'running') return scenario;
        await sleep(clock, 100);
      }
    };
    const end = await clock.run(ended(), 600_000);
    expect(end.status).toBe('failed');
    expect(end.error).toBe("The lvm2 move has no step 'copy-7'; its steps are preload, suspend, commit, resume, copy-1, finish, remove-layer.");
    // It failed at once, not at the wait's time limit.
    expect(clock.now()).toBeLessThan(60_000);
  });
});
