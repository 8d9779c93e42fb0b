// A FIFO with a stated bound. Pushing past the bound is a bug in the caller (it must apply
// back-pressure first), so it fails loudly instead of growing without limit.

import { assert } from './assert';

export class BoundedQueue<T> {
  private items: T[] = [];
  private head = 0;
  constructor(readonly capacity: number) {
    assert(Number.isInteger(capacity) && capacity > 0, 'queue capacity must be a positive integer');
  }

  get length(): number {
    return this.items.length - this.head;
  }
  get isFull(): boolean {
    return this.length >= this.capacity;
  }

  push(item: T): void {
    assert(!this.isFull, `queue bound of ${this.capacity} exceeded`);
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  peek(): T | undefined {
    return this.head < this.items.length ? this.items[this.head] : undefined;
  }

  /** Removes and returns every item, oldest first. */
  drain(): T[] {
    const out = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    return out;
  }
}
