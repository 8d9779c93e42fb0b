// Proves lvmscope never breaks an LV another LV is stacked on: in a VG real LVM2 2.03.16 wrote
// (vgcfgrestore of a raid1 LV with its rimage/rmeta sub-LVs, and a snapshot of `lin` with its
// cow `snap`; stacked-vg.txt is its vgcfgbackup), resizing a raid image, a snapshot origin or a
// cow is refused with a sentence, and a move that would touch them is refused at plan time
// (before anything is written) instead of failing half way; the plain LV beside them still moves.

import { describe, expect, it } from 'vitest';
import { planLvExtend, planLvReduce } from '../../../../app/lvm/commands/lvCommands';
import { planMove } from '../../../../app/pvmove/plan';
import { commandContext, refusal, stackedNames, stackedVg } from './stackedFixture';

const vg = stackedVg;
const names = stackedNames;
const ctx = commandContext();

describe('LVs other LVs are stacked on (raid images, snapshot origin and cow)', () => {
  it('are not resized, with a sentence naming the LV stacked on them', () => {
    expect(refusal(() => planLvReduce(vg, 'r1_rimage_0', { byExtents: 1 })).message).toMatch(/r1_rimage_0 cannot be resized: r1 is stacked on it/);
    expect(refusal(() => planLvExtend(vg, 'lin', { byExtents: 1 }, ctx)).message).toMatch(/lin cannot be resized: snapshot0 is stacked on it/);
    expect(refusal(() => planLvExtend(vg, 'snap', { byExtents: 1 }, ctx)).code).toBe('UNSUPPORTED');
    expect(planLvExtend(vg, 'lin2', { byExtents: 1 }, ctx).lvs.find((l) => l.name === 'lin2')!.segments.length).toBeGreaterThan(0);
  });

  it('are refused by the move plan, whole PV or -n, while the LV beside them moves', () => {
    const move = (sources: string[], lv?: string) => planMove(vg, { sources, destinations: ['pv3'], alloc: 'normal', ...(lv ? { lv } : {}) }, names);
    expect(refusal(() => move(['pv1'])).message).toMatch(/stacked on it/);
    expect(refusal(() => move(['pv1'], 'r1_rmeta_0')).message).toMatch(/r1_rmeta_0 has extents on the source but r1 is stacked on it/);
    expect(refusal(() => move(['pv2'], 'snap')).message).toMatch(/snap has extents on the source but snapshot0 is stacked on it/);
    expect(move(['pv2'], 'lin2').lvs).toEqual(['lin2']);
  });
});
