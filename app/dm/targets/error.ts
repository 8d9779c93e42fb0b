// dm-error: every IO fails (LVM uses it for missing PVs). Its table has no parameters.

import { defineTarget } from '../target';

export const errorTarget = defineTarget({
  name: 'error',
  // (arguments are ignored, as in the kernel)
  ctr(): null {
    return null;
  },
  map() {
    return { kind: 'error', message: 'the error target fails every IO' };
  },
});
