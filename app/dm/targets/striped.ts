// dm-stripe: spreads chunks round-robin over several devices (RAID 0). IO is split at chunk
// boundaries by the core, so `map` only ever sees IO inside one chunk.

import { defineTarget } from '../target';
import type { BlockDevice } from '../../block/blockDevice';
import { LvmscopeError } from '../../base/result';
import { checkFits, parseCount } from '../table';

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

export const stripedTarget = defineTarget<StripedState>({
  name: 'striped',
  // <#stripes> <chunk size> [<dev> <offset>]{#stripes}
  ctr(args, ctx) {
    const count = parseCount('striped', 'number of stripes', args[0], 1);
    const chunkSectors = parseCount('striped', 'chunk size', args[1], 1);
    if (args.length !== 2 + 2 * count) invalid(`striped: ${count} stripes need ${2 + 2 * count} arguments (<#stripes> <chunk size> then <dev> <offset> per stripe) but got ${args.length}.`);
    if (ctx.lengthSectors % count !== 0) invalid(`striped: the target length ${ctx.lengthSectors} is not divisible by the number of stripes (${count}).`);
    const perStripe = ctx.lengthSectors / count;
    if (perStripe % chunkSectors !== 0) invalid(`striped: the length of each stripe (${perStripe} sectors) is not divisible by the chunk size (${chunkSectors}).`);
    const stripes: Stripe[] = [];
    for (let i = 0; i < count; i++) {
      const device = ctx.getDevice(args[2 + 2 * i], `device of stripe ${i}`);
      const offsetSectors = parseCount('striped', `offset of stripe ${i}`, args[3 + 2 * i]);
      checkFits('striped', device, offsetSectors, perStripe);
      stripes.push({ device, offsetSectors });
    }
    ctx.setMaxIoSectors(chunkSectors);
    return { chunkSectors, stripes };
  },
  map(s, io) {
    if (io.op === 'flush') return { kind: 'submitted', done: Promise.all(s.stripes.map((st) => st.device.flush())).then(() => undefined) };
    const chunk = Math.floor(io.sector / s.chunkSectors);
    const stripe = s.stripes[chunk % s.stripes.length];
    const chunkOnStripe = Math.floor(chunk / s.stripes.length);
    const sector = stripe.offsetSectors + chunkOnStripe * s.chunkSectors + (io.sector % s.chunkSectors);
    return { kind: 'remapped', device: stripe.device, sector };
  },
  status(s, kind) {
    if (kind === 'table') return `${s.stripes.length} ${s.chunkSectors} ${s.stripes.map((st) => `${st.device.devno} ${st.offsetSectors}`).join(' ')}`;
    return `${s.stripes.length} ${s.stripes.map((st) => st.device.devno).join(' ')} 1 ${'A'.repeat(s.stripes.length)}`;
  },
});
