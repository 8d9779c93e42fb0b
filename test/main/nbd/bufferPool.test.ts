// The NBD connection's payload pool: a buffer given back is handed out again for the same
// size, the pool keeps no more idle bytes than its limit, and sizes are never mixed.

import { describe, expect, it } from 'vitest';
import { BufferPool } from '../../../main/nbd/bufferPool';

describe('the NBD payload buffer pool', () => {
  it('hands a buffer given back out again for a request of the same size, and a new one for another size', () => {
    const pool = new BufferPool(1 << 20);
    const first = pool.take(4096);
    pool.give(first);
    expect(pool.take(8192)).not.toBe(first);
    expect(pool.take(4096)).toBe(first);
    expect(pool.take(4096)).not.toBe(first);
  });

  it('keeps no more idle bytes than its limit: what does not fit is left to the collector', () => {
    const pool = new BufferPool(10_000);
    const buffers = [pool.take(4096), pool.take(4096), pool.take(4096)];
    for (const b of buffers) pool.give(b);
    expect(pool.bytesIdle).toBe(8192);
    pool.take(4096);
    expect(pool.bytesIdle).toBe(4096);
  });

  it('hands out buffers of exactly the size asked for, zero included', () => {
    const pool = new BufferPool();
    expect(pool.take(0).length).toBe(0);
    expect(pool.take(1 << 20).length).toBe(1 << 20);
    pool.give(pool.take(0));
    expect(pool.bytesIdle).toBe(0);
  });
});
