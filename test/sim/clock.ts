// Clocks for tests and benches. `SimClock` is manual time: timers fire in due order (ties in
// the order they were set), and time jumps to the next timer only when every task is idle,
// so a whole run is deterministic under one seed and takes no real time. `realClock` is the
// host's clock, for benches.

import type { Clock, Timer } from '../../app/base/clock';

interface SimTimer {
  readonly dueMs: number;
  readonly seq: number;
  readonly callback: () => void;
  cancelled: boolean;
}

export class SimClock implements Clock {
  private nowMs = 0;
  private seq = 0;
  private heap: SimTimer[] = [];

  now(): number {
    return this.nowMs;
  }

  setTimer(ms: number, callback: () => void): Timer {
    const timer: SimTimer = { dueMs: this.nowMs + Math.max(0, ms), seq: this.seq++, callback, cancelled: false };
    this.push(timer);
    return { cancel: () => (timer.cancelled = true) };
  }

  get pendingTimers(): number {
    return this.heap.filter((t) => !t.cancelled).length;
  }

  /**
   * Runs the simulation until `promise` settles: lets every microtask run, then advances
   * time to the earliest timer and fires all timers due then. Throws if nothing is scheduled
   * and the promise is still pending (a deadlock), or past `limitMs` of simulated time.
   */
  async run<T>(promise: Promise<T>, limitMs = 1e9): Promise<T> {
    let settled = false;
    promise.then(
      () => (settled = true),
      () => (settled = true),
    );
    while (true) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (settled) return promise;
      const first = this.pop();
      if (!first) throw new Error(`deadlock: the simulation is idle at ${this.nowMs} ms but the awaited task has not finished`);
      if (first.dueMs > limitMs) throw new Error(`the simulation passed its limit of ${limitMs} ms`);
      this.nowMs = first.dueMs;
      first.callback();
      while (this.heap.length > 0 && this.heap[0].dueMs === this.nowMs) {
        const next = this.pop();
        next?.callback();
      }
    }
  }

  private push(t: SimTimer): void {
    const h = this.heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  /** The earliest live timer, or undefined. */
  private pop(): SimTimer | undefined {
    while (this.heap.length > 0) {
      const h = this.heap;
      const top = h[0];
      const last = h.pop()!;
      if (h.length > 0) {
        h[0] = last;
        let i = 0;
        while (true) {
          const l = 2 * i + 1;
          const r = l + 1;
          let m = i;
          if (l < h.length && before(h[l], h[m])) m = l;
          if (r < h.length && before(h[r], h[m])) m = r;
          if (m === i) break;
          [h[i], h[m]] = [h[m], h[i]];
          i = m;
        }
      }
      if (!top.cancelled) return top;
    }
    return undefined;
  }
}

function before(a: SimTimer, b: SimTimer): boolean {
  return a.dueMs < b.dueMs || (a.dueMs === b.dueMs && a.seq < b.seq);
}

/** The host clock (performance.now + setTimeout), for benches and real-time hosts. */
export const realClock: Clock = {
  now: () => performance.now(),
  setTimer: (ms, callback) => {
    const handle = setTimeout(callback, ms);
    return { cancel: () => clearTimeout(handle) };
  },
};
