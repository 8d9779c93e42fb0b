// dm-linear: maps the target's sectors onto one range of another device.

import { defineTarget } from '../target';
import type { BlockDevice } from '../../block/blockDevice';
import { checkCount, checkFits } from '../table';

interface LinearState {
  readonly device: BlockDevice;
  readonly offsetSectors: number;
}

export const linearTarget = defineTarget({
  name: 'linear',
  // <dev> <offset>
  ctr(spec, ctx): LinearState {
    checkCount('linear', 'offset', spec.device.offsetSectors);
    const device = ctx.getDevice(spec.device.devno, 'device');
    checkFits('linear', device, spec.device.offsetSectors, ctx.lengthSectors);
    return { device, offsetSectors: spec.device.offsetSectors };
  },
  map(s, io) {
    return { kind: 'remapped', device: s.device, sector: s.offsetSectors + io.sector };
  },
});
