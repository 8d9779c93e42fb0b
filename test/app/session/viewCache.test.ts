// The workspace view is built against the last one (app/session/views.ts VgViewCache): after any
// change of the model, the view must be the view built whole. Here the changes are made to the
// model directly, without a move layer whose PVs would be built again anyway: an LV whose
// extents went to another PV, an LV renamed, removed and added, and back.
import { describe, expect, it } from 'vitest';
import { VgViewCache, vgView, type ViewContext } from '../../../app/session/views';
import { layoutAfter } from '../../../app/session/moves';
import { planMove } from '../../../app/pvmove/plan';
import { cloneVg, type VolumeGroup } from '../../../app/lvm/model/types';
import { simEngine } from '../../helpers/recordedMove';

describe('VgViewCache', () => {
  it('builds the view of each changed model exactly as a whole build, and the same objects when nothing changed', async () => {
    const t = await simEngine();
    const open = t.engine.open().session.ws.listVgs()[0];
    const names = t.engine.open().session.names(open.vg.name);
    const ctx: ViewContext = { imageDevno: (image) => `7:${image.length}`, lvDmName: (vg, lv) => `${vg}-${lv}` };
    const a = open.vg;
    const lv = a.lvs.find((l) => l.status.includes('VISIBLE'))!;
    const source = names.nameOf((lv.segments[0] as { stripes: Array<{ pvId: string }> }).stripes[0].pvId);
    // lv's extents on another PV, with no pvmove0 in between.
    const moved = layoutAfter(a, planMove(a, { sources: [source], destinations: [], lv: lv.name, alloc: 'normal' }, names));
    const renamed: VolumeGroup = { ...moved, lvs: moved.lvs.map((l) => (l.name === lv.name ? { ...l, name: `${l.name}_new` } : l)) };
    const removed: VolumeGroup = { ...a, lvs: a.lvs.filter((l) => l.name !== lv.name) };
    const cache = new VgViewCache();
    let last = cache.build(open, ctx, false);
    for (const vg of [moved, renamed, removed, cloneVg(a), moved, a]) {
      const view = cache.build({ ...open, vg }, ctx, false);
      expect(view).toEqual(vgView({ ...open, vg }, ctx, false));
      last = view;
    }
    // The same model again: every LV and PV view is the object of the last build.
    const again = cache.build({ ...open, vg: a }, ctx, false);
    expect(again.lvs.every((l, i) => l === last.lvs[i])).toBe(true);
    expect(again.pvs.every((p, i) => p === last.pvs[i])).toBe(true);
    await t.run(t.engine.dispose());
  });
});
