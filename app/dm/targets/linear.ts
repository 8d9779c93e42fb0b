// dm-linear: maps the target's sectors onto one range of another device.

import { defineTarget } from '../target';
import type { BlockDevice } from '../../block/blockDevice';
import { checkFits, expectArgCount, parseCount } from '../table';

interface LinearState {
  readonly device: BlockDevice;
  readonly offsetSectors: number;
}

export const linearTarget = defineTarget<LinearState>({
  name: 'linear',
  // <dev> <offset>
  ctr(args, ctx) {
    expectArgCount('linear', '<dev> <offset>', args, 2);
    const device = ctx.getDevice(args[0], 'device');
    const offsetSectors = parseCount('linear', 'offset', args[1]);
    checkFits('linear', device, offsetSectors, ctx.lengthSectors);
    return { device, offsetSectors };
  },
  map(s, io) {
    return { kind: 'remapped', device: s.device, sector: s.offsetSectors + io.sector };
  },
  status(s, kind) {
    return kind === 'table' ? `${s.device.devno} ${s.offsetSectors}` : '';
  },
});
