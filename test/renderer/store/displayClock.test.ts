// Proves the display clock: the first change after a quiet spell ticks at once, later ones wait
// for the interval's end and run together in one tick; a cancelled run does not run, a run asked
// for twice runs once; the immediate clock runs at once (tests and the video's frames).
import { describe, expect, it } from 'vitest';
import { IMMEDIATE_CLOCK, intervalClock } from '../../../renderer/store/displayClock';

/** Timers under the test's hand: `advance` runs every timer due by then, in order. */
function manualTimers() {
  let now = 1000;
  let timers: Array<{ at: number; run: () => void }> = [];
  return {
    now: () => now,
    setTimeout: (run: () => void, ms: number) => void timers.push({ at: now + ms, run }),
    advance(ms: number) {
      const end = now + ms;
      for (;;) {
        const due = timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        timers = timers.filter((t) => t !== due);
        now = due.at;
        due.run();
      }
      now = end;
    },
  };
}

describe('the display clock', () => {
  it('ticks at once after a quiet spell, then at most once per interval with every run asked for meanwhile', () => {
    const timers = manualTimers();
    const clock = intervalClock(250, timers);
    const ran: string[] = [];
    clock.request(() => ran.push('a'));
    timers.advance(0);
    expect(ran).toEqual(['a']);
    // Asked for 10 ms after that tick: waits for the interval's end, together with what comes meanwhile.
    timers.advance(10);
    clock.request(() => ran.push('b'));
    timers.advance(100);
    clock.request(() => ran.push('c'));
    timers.advance(139);
    expect(ran).toEqual(['a']);
    timers.advance(1);
    expect(ran).toEqual(['a', 'b', 'c']);
    // Quiet for longer than the interval: at once again.
    timers.advance(1000);
    clock.request(() => ran.push('d'));
    timers.advance(0);
    expect(ran).toEqual(['a', 'b', 'c', 'd']);
  });

  it('runs a run asked for twice once, and a cancelled one not at all', () => {
    const timers = manualTimers();
    const clock = intervalClock(250, timers);
    let runs = 0;
    const run = () => void runs++;
    clock.request(run);
    clock.request(run);
    const cancel = clock.request(() => void runs++);
    cancel();
    timers.advance(0);
    expect(runs).toBe(1);
  });

  it('the immediate clock runs at once', () => {
    let ran = false;
    IMMEDIATE_CLOCK.request(() => (ran = true));
    expect(ran).toBe(true);
  });
});
