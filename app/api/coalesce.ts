// Engine events are coalesced before they cross a process boundary: at most one batch per
// event kind per interval (default 33 ms, i.e. ≤ 30 per second per kind). Within a batch a
// kind either keeps every event (`all`: log lines, steps), or only the newest per key
// (`latest`: snapshots, progress), or folds them with its own merge function.

import type { Clock, Timer } from '../base/clock';

export type CoalescePolicy =
  | { mode: 'all' }
  | { mode: 'latest'; key?: (payload: unknown) => string }
  | { mode: 'merge'; merge: (older: unknown, newer: unknown) => unknown };

export class EventCoalescer {
  private pending = new Map<string, unknown[]>();
  private keyed = new Map<string, Map<string, unknown>>();
  private timer: Timer | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly policyOf: (name: string) => CoalescePolicy,
    private readonly deliver: (name: string, payloads: unknown[]) => void,
    readonly intervalMs = 33,
  ) {}

  push(name: string, payload: unknown): void {
    const policy = this.policyOf(name);
    if (policy.mode === 'latest' && policy.key) {
      const byKey = this.keyed.get(name) ?? new Map<string, unknown>();
      byKey.delete(policy.key(payload)); // re-insert so batch order follows the newest event
      byKey.set(policy.key(payload), payload);
      this.keyed.set(name, byKey);
    } else {
      const list = this.pending.get(name) ?? [];
      if (policy.mode === 'latest') list.splice(0, list.length, payload);
      else if (policy.mode === 'merge' && list.length > 0) list[0] = policy.merge(list[0], payload);
      else list.push(payload);
      this.pending.set(name, list);
    }
    this.timer ??= this.clock.setTimer(this.intervalMs, () => this.flush());
  }

  /** Sends everything pending now (also used when the host shuts down). */
  flush(): void {
    this.timer?.cancel();
    this.timer = undefined;
    const batches: Array<[string, unknown[]]> = [...this.pending.entries()];
    for (const [name, byKey] of this.keyed) batches.push([name, [...byKey.values()]]);
    this.pending.clear();
    this.keyed.clear();
    for (const [name, payloads] of batches) if (payloads.length) this.deliver(name, payloads);
  }

  dispose(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.pending.clear();
    this.keyed.clear();
  }
}
