// When the window shows figures that change faster than anyone can read them: the IO counters,
// the percent copied, the speed, the dm status lines. During a big move the engine reports them
// dozens of times a second, and each change re-rendered the panels showing them and repainted
// the page (a full-page repaint cost more than the grid's animation). A display clock groups
// those changes into ticks: a change after a quiet spell shows at once, and then at most one
// tick per interval follows, so every calm view of the window changes in the same frame, a few
// times a second. Structural changes (a step, a suspend, a table loaded) do not wait for it:
// views read them straight from the store.

/** Runs `run` at the clock's next tick (at once, for the immediate clock); returns a cancel. */
export interface DisplayClock {
  request(run: () => void): () => void;
}

/** No grouping: every change shows at once (tests, and the video's frames, which must be exact). */
export const IMMEDIATE_CLOCK: DisplayClock = {
  request(run) {
    run();
    return () => undefined;
  },
};

/** What the clock waits with (the window's timers; tests pass their own). */
export interface ClockTimers {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
}

/** How often calm figures change while the engine reports faster: 4 times a second. */
export const CALM_INTERVAL_MS = 250;

/**
 * A clock whose ticks are at least `intervalMs` apart: the first request after a quiet spell
 * ticks at once (in a task of its own), later ones wait for the interval's end, and every run
 * requested meanwhile is run in that one tick (one React commit for all of them).
 */
export function intervalClock(intervalMs: number = CALM_INTERVAL_MS, timers: ClockTimers = windowTimers): DisplayClock {
  let pending = new Set<() => void>();
  let scheduled = false;
  let last = -Infinity;
  const tick = () => {
    scheduled = false;
    last = timers.now();
    const runs = pending;
    pending = new Set();
    for (const run of runs) run();
  };
  return {
    request(run) {
      // A function already waiting runs once, however often it was asked for.
      pending.add(run);
      if (!scheduled) {
        scheduled = true;
        timers.setTimeout(tick, Math.max(0, last + intervalMs - timers.now()));
      }
      return () => void pending.delete(run);
    },
  };
}

const windowTimers: ClockTimers = {
  now: () => performance.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
};
