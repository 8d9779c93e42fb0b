// dm-stripe: spreads chunks round-robin over several devices (RAID 0). IO is split at chunk
// boundaries by the core, so `map` only ever sees IO inside one chunk.

import { defineTarget } from '../target';
import type { BlockDevice } from '../../block/blockDevice';
import { LvmscopeError } from '../../base/result';
import { checkCount, checkFits } from '../table';

interface Stripe {
  readonly device: BlockDevice;
  readonly offsetSectors: number;
}

interface StripedState {
  readonly chunkSectors: number;
  readonly stripes: readonly Stripe[];
}

const invalid = (message: string): never => {
  throw new LvmscopeError('INVALID', message);
};

export const stripedTarget = defineTarget({
  name: 'striped',
  // <#stripes> <chunk size> [<dev> <offset>]{#stripes}
  ctr(spec, ctx): StripedState {
    const count = spec.stripes.length;
    checkCount('striped', 'number of stripes', count, 1);
    checkCount('striped', 'chunk size', spec.chunkSectors, 1);
    if (ctx.lengthSectors % count !== 0) invalid(`striped: the target length ${ctx.lengthSectors} is not divisible by the number of stripes (${count}).`);
    const perStripe = ctx.lengthSectors / count;
    if (perStripe % spec.chunkSectors !== 0) invalid(`striped: the length of each stripe (${perStripe} sectors) is not divisible by the chunk size (${spec.chunkSectors}).`);
    const stripes = spec.stripes.map((given, i): Stripe => {
      checkCount('striped', `offset of stripe ${i}`, given.offsetSectors);
      const device = ctx.getDevice(given.devno, `device of stripe ${i}`);
      checkFits('striped', device, given.offsetSectors, perStripe);
      return { device, offsetSectors: given.offsetSectors };
    });
    ctx.setMaxIoSectors(spec.chunkSectors);
    return { chunkSectors: spec.chunkSectors, stripes };
  },
  map(s, io) {
    if (io.op === 'flush') return { kind: 'submitted', done: Promise.all(s.stripes.map((st) => st.device.flush())).then(() => undefined) };
    const chunk = Math.floor(io.sector / s.chunkSectors);
    const stripe = s.stripes[chunk % s.stripes.length];
    const chunkOnStripe = Math.floor(chunk / s.stripes.length);
    const sector = stripe.offsetSectors + chunkOnStripe * s.chunkSectors + (io.sector % s.chunkSectors);
    return { kind: 'remapped', device: stripe.device, sector };
  },
  status(s) {
    return `${s.stripes.length} ${s.stripes.map((st) => st.device.devno).join(' ')} 1 ${'A'.repeat(s.stripes.length)}`;
  },
});
