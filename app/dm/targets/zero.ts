// dm-zero: reads return zeros, writes are accepted and dropped.

import { defineTarget } from '../target';
import { expectArgCount } from '../table';
import { SECTOR_SIZE } from '../../base/units';

export const zeroTarget = defineTarget<null>({
  name: 'zero',
  // (no arguments)
  ctr(args) {
    expectArgCount('zero', 'no arguments', args, 0);
    return null;
  },
  map(_s, io) {
    if (io.op === 'read') return { kind: 'submitted', done: Promise.resolve(new Uint8Array(io.countSectors * SECTOR_SIZE)) };
    return { kind: 'submitted', done: Promise.resolve() };
  },
});
