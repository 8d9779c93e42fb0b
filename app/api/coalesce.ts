// Engine events are coalesced before they cross a process boundary: everything pushed within
// an interval (default 33 ms, i.e. ≤ 30 flushes a second) goes out together, in the order it
// was pushed, across kinds — a dm event that happened before a step event is delivered
// before it. Within a flush a kind either keeps every event (`all`: log lines, steps, the dm
// event stream: never dropped, merged or reordered), or only its newest payload per key
// (`latest`: snapshots, progress; it takes the place of its newest push), or folds them with
// its own merge function. Consecutive events of one kind travel as one batch.

import type { Clock, Timer } from '../base/clock';

export type CoalescePolicy =
  | { mode: 'all' }
  | { mode: 'latest'; key?: (payload: unknown) => string }
  | { mode: 'merge'; merge: (older: unknown, newer: unknown) => unknown };

/** A run of events of one kind in push order (`key`: the payload's key for `latest` kinds). */
interface Entry {
  readonly name: string;
  payloads: unknown[];
  readonly key?: string;
}

export class EventCoalescer {
  /** What the next flush sends, in push order. */
  private queue: Entry[] = [];
  private timer: Timer | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly policyOf: (name: string) => CoalescePolicy,
    private readonly deliver: (name: string, payloads: unknown[]) => void,
    readonly intervalMs = 33,
  ) {}

  push(name: string, payload: unknown): void {
    const policy = this.policyOf(name);
    if (policy.mode === 'all') this.append(name, payload);
    else if (policy.mode === 'latest') this.replace(name, payload, policy.key?.(payload) ?? '');
    else this.fold(name, payload, policy.merge);
    this.timer ??= this.clock.setTimer(this.intervalMs, () => this.flush());
  }

  /** `all`: joins the run of its kind if that run is the newest, else starts a new run. */
  private append(name: string, payload: unknown): void {
    const last = this.queue[this.queue.length - 1];
    if (last && last.name === name && last.key === undefined) last.payloads.push(payload);
    else this.queue.push({ name, payloads: [payload] });
  }

  /** `latest`: the older payload with the same key is dropped; the newest takes the last place. */
  private replace(name: string, payload: unknown, key: string): void {
    this.queue = this.queue.filter((e) => !(e.name === name && e.key === key));
    this.queue.push({ name, payloads: [payload], key });
  }

  /** `merge`: the pending payload and the new one fold into one, at the new one's place. */
  private fold(name: string, payload: unknown, merge: (older: unknown, newer: unknown) => unknown): void {
    const index = this.queue.findIndex((e) => e.name === name);
    if (index < 0) return void this.queue.push({ name, payloads: [payload], key: '' });
    const [older] = this.queue.splice(index, 1);
    this.queue.push({ name, payloads: [merge(older.payloads[0], payload)], key: '' });
  }

  /** Sends everything pending now, in push order (also used when the host shuts down). */
  flush(): void {
    this.timer?.cancel();
    this.timer = undefined;
    const queue = this.queue;
    this.queue = [];
    // Neighbouring runs of one kind (split by a `latest` payload that moved on) go as one batch.
    const batches: Entry[] = [];
    for (const e of queue) {
      const last = batches[batches.length - 1];
      if (last && last.name === e.name) last.payloads.push(...e.payloads);
      else batches.push({ name: e.name, payloads: [...e.payloads] });
    }
    for (const b of batches) if (b.payloads.length) this.deliver(b.name, b.payloads);
  }

  dispose(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.queue = [];
  }
}
