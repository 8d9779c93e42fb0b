// Proves how a scenario's `wait.step` finds its step in a move's list, whatever the stack: by id
// (`copy-2`, `lv0/commit`), or by a number that counts among the steps of `lv` (the outline's
// 1..8 per LV, as the scenarios written for it use), any LV's when `lv` is left out; and that
// a scenario naming a step the move does not have fails with a sentence listing the steps it
// has, instead of waiting until the time limit. The lists are built as the stacks give them.
// And a scripted lvm2 move passes its max segment size, and after a crash and reopen `resume`
// continues on lvm2 (on the simulated clock and disk).

import { afterEach, describe, expect, it } from 'vitest';
import type { StepView } from '../../../app/api/move';
import type { Scenario } from '../../../app/api/scenario';
import { findWaitedSteps } from '../../../app/scenario/runner';
import { loadScenarios } from '../../../main/scenarios';
import { runSimulated } from './simScenario';

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

/** The seed scenario's layout (lv0 = pv1:0-5 | pv2:0-3 | pv3:0-4, pv4 free), for scripts of our own. */
const seed = () => loadScenarios().find((s) => s.name === 'seed')!;

describe('a scenario that waits for a step the move does not have', () => {
  it('fails with a sentence naming the steps the move has', async () => {
    const bad: Scenario = { ...seed(), name: 'bad-step', actions: [{ action: 'move', sources: ['pv2'], destinations: ['pv4'], alloc: 'normal', stepMode: false, stack: 'lvm2' }, { action: 'wait.step', step: 'copy-7' }] };
    const { end, clock } = await runSimulated('bad-step', cleanups, () => [bad]);
    expect(end.status).toBe('failed');
    expect(end.error).toBe("The lvm2 move has no step 'copy-7'; its steps are preload, suspend, commit, resume, copy-1, finish, remove-layer.");
    // It failed at once, not at the wait's time limit.
    expect(clock.now()).toBeLessThan(60_000);
  });
});

describe('a scenario with an lvm2 move that crashes', () => {
  it('passes the max segment size, and resumes on lvm2: only the segments not checkpointed are copied again', async () => {
    const scenario: Scenario = {
      ...seed(),
      name: 'lvm2-crash',
      actions: [
        { action: 'move', sources: ['pv2'], destinations: ['pv4'], alloc: 'normal', stepMode: false, stack: 'lvm2', maxSegmentSizeMiB: 1 },
        { action: 'wait.step', step: 'checkpoint-2' },
        { action: 'crash' },
        { action: 'reopen' },
        { action: 'resume' },
        { action: 'wait.end' },
        { action: 'verify', lv: 'lv0' },
        { action: 'expect.layout', lv: 'lv0', segments: ['pv1:0-5', 'pv4:0-3', 'pv3:0-4'] },
      ],
    };
    const { end, moves } = await runSimulated('lvm2-crash', cleanups, () => [scenario]);
    expect(end.error).toBeNull();
    expect(end.status).toBe('done');
    expect(moves.map((m) => m.stack)).toEqual(['lvm2', 'lvm2']);
    // --max-segment-size 1 split lv0's 4 MiB into four pvmove0 segments.
    expect(moves[0].steps.filter((id) => id.startsWith('copy-'))).toEqual(['copy-1', 'copy-2', 'copy-3', 'copy-4']);
    // Segments 1 and 2 were checkpointed before the crash: the resume has no commit and copies 3 and 4 only.
    expect(moves[1].steps).toEqual(['preload', 'suspend', 'resume', 'copy-3', 'checkpoint-3', 'copy-4', 'finish', 'remove-layer']);
  });
});
