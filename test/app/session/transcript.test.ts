// The Markdown transcript of a finished seed move holds what a handout needs: the command, the
// stack it ran on and what a crash would have cost, the plan, the layouts before and after,
// every step of the stack's own list (by position, with its id and its LV when it has one)
// with its narration, and the tables in order. The outline: eight steps of lv0, the original
// table of step 2, the identity + mirror table of step 3, the final table of step 8. lvm2:
// seven steps on pvmove0 (preload … remove-layer), the pvmove0 mirror and lv0's table onto it.
// The moves run on the simulated clock and disk (test/sim).

import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../../app/engine';
import { SeededRandom } from '../../../app/base/clock';
import type { MoveStack } from '../../../app/api/move';
import { SimClock } from '../../sim/clock';
import { SimWorkspaceStorage } from '../../sim/simWorkspace';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** Runs the seed move (pv2 → pv4) on `stack` to its end and returns its transcript. */
async function seedTranscript(stack: MoveStack): Promise<{ markdown: string; fileName: string }> {
  const clock = new SimClock();
  const storage = new SimWorkspaceStorage(clock, new SeededRandom(1));
  const engine = new Engine({ kind: 'test', clock, random: new SeededRandom(1), hostname: 'sim', unixTime: () => 1_700_000_000, storage: () => storage });
  cleanups.push(() => engine.dispose());
  return clock.run(
    (async () => {
      await expect(engine.handlers['move.transcript']({})).rejects.toThrow(/No workspace is open|No move has run/);
      await engine.handlers['workspace.createDemo']({ path: storage.location, scenario: 'seed', force: false });
      await engine.handlers['move.start']({ request: { vg: 'vg0', sources: ['pv2'], destinations: ['pv4'], alloc: 'normal' }, options: { stack } });
      await engine.open().moves.whenFinished();
      expect(engine.open().moves.state()?.status).toBe('done');
      return engine.handlers['move.transcript']({});
    })(),
  );
}

/** Every needle appears, each after the one before. */
function expectInOrder(markdown: string, needles: string[]): void {
  let at = 0;
  for (const needle of needles) {
    const found = markdown.indexOf(needle, at);
    expect(found, needle).toBeGreaterThan(-1);
    at = found;
  }
}

const headings = (markdown: string) => [...markdown.matchAll(/^### (\d+)\. (.*)$/gm)].map((m) => `${m[1]}. ${m[2]}`);

describe('the move transcript', () => {
  it('tells the whole outline move with its commands and tables', async () => {
    const { markdown, fileName } = await seedTranscript('outline');
    expect(fileName).toMatch(/^lvmscope-move-\d+\.md$/);
    expect(markdown).toMatch(/^# lvmscope transcript: pvmove \/dev\/pv2 \/dev\/pv4/);
    expect(markdown).toContain('Stack: **2002 outline** (`outline`), 8 steps. Status: **done**.');
    expect(markdown).toContain('A crash during this move re-copies at most 4.00 MiB (with the lvm2 stack: 4.00 MiB).');
    expect(headings(markdown)).toEqual(
      ['suspend', 'create-temp', 'load-mirror', 'copy', 'suspend-copied', 'remove-temp', 'commit', 'final-table'].map((id, i) => expect.stringMatching(new RegExp(`^${i + 1}\\. .+ — lv0 \\(\`lv0/${id}\`, done\\)$`))),
    );
    // The region size is LVM2's 4096 sectors (the seed's 4 MiB segment holds two regions).
    expectInOrder(markdown, ['dmsetup suspend vg0-lv0', 'dmsetup create vg0-lv0-orig', '0 12288 linear 7:0 2048', 'mirror core 1 4096 2 254:1 12288 7:3 2048', 'dmsetup remove --deferred vg0-lv0-orig', '12288 8192 linear 7:3 2048']);
    expect(markdown).toContain('| lv0 | 6-9 | pv2:0-3 | pv4:0-3 |');
  });

  it('tells the whole lvm2 move: the steps on pvmove0 without an LV, the copy of its one segment with one', async () => {
    const { markdown } = await seedTranscript('lvm2');
    expect(markdown).toContain('Stack: **LVM2 today (pvmove0)** (`lvm2`), 7 steps. Status: **done**.');
    const ids = ['preload', 'suspend', 'commit', 'resume', 'copy-1', 'finish', 'remove-layer'];
    expect(headings(markdown)).toEqual(ids.map((id, i) => expect.stringMatching(new RegExp(`^${i + 1}\\. .+ \\(\`${id}\`, done\\)$`))));
    expect(headings(markdown).filter((h) => h.includes(' — lv0 '))).toEqual([expect.stringContaining('`copy-1`')]);
    // pvmove0's mirror below lv0, lv0's moving range onto pvmove0, then lv0 straight on pv4.
    expectInOrder(markdown, ['0 8192 mirror core 1 4096 2 7:1 2048 7:3 2048', '12288 8192 linear 254:1 0', '12288 8192 linear 7:3 2048']);
    expect(markdown).toContain('| lv0 | 6-9 | pv2:0-3 | pv4:0-3 |');
  });
});
