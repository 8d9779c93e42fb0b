// IO that arrives while a device is suspended (or being suspended) waits here, oldest first,
// and is replayed in the same order on resume (the `deferred` bio list of dm.c). The bound
// protects memory: past it, new IO fails with BUSY instead of queueing without limit.

import type { IoRequest } from '../block/blockDevice';

export interface DeferredIo {
  readonly io: IoRequest;
  readonly resolve: (value: Uint8Array | void) => void;
  readonly reject: (error: unknown) => void;
}

export class DeferredIoQueue {
  private items: DeferredIo[] = [];
  constructor(readonly capacity: number) {}

  get length(): number {
    return this.items.length;
  }
  get isFull(): boolean {
    return this.items.length >= this.capacity;
  }
  push(item: DeferredIo): void {
    this.items.push(item);
  }
  /** A requeued IO goes back to the head, ahead of IO that arrived after it (bio_list_add_head). */
  pushFront(item: DeferredIo): void {
    this.items.unshift(item);
  }
  /** Removes and returns every queued IO, oldest first. */
  drain(): DeferredIo[] {
    const out = this.items;
    this.items = [];
    return out;
  }
}
