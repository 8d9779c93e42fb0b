// A manual clock for tests: time moves only when the test calls `advance`.
import type { Clock, Timer } from '../../app/base/clock';

export class ManualClock implements Clock {
  private t = 0;
  private timers: Array<{ at: number; cb: () => void; cancelled: boolean }> = [];
  now(): number {
    return this.t;
  }
  setTimer(ms: number, cb: () => void): Timer {
    const timer = { at: this.t + ms, cb, cancelled: false };
    this.timers.push(timer);
    return { cancel: () => void (timer.cancelled = true) };
  }
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const due = this.timers.filter((x) => !x.cancelled && x.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.t = due.at;
      due.cancelled = true;
      due.cb();
    }
    this.t = end;
    this.timers = this.timers.filter((x) => !x.cancelled);
  }
}
