// dm-zero: reads return zeros, writes are accepted and dropped.

import { defineTarget } from '../target';
import { SECTOR_SIZE } from '../../base/units';

export const zeroTarget = defineTarget({
  name: 'zero',
  // (no arguments)
  ctr(): null {
    return null;
  },
  map(_s, io) {
    if (io.op === 'read') return { kind: 'submitted', done: Promise.resolve(new Uint8Array(io.countSectors * SECTOR_SIZE)) };
    return { kind: 'submitted', done: Promise.resolve() };
  },
});
