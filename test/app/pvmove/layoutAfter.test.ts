// The plan's "after" layout is computed on the moving LVs alone (app/session/moves.ts
// layoutAfter), not on a deep copy of the whole VG: it must be exactly the layout beginMove and
// finishedLayout make of the whole VG, for plain, split (--max-segment-size) and atomic moves,
// of one LV and of a whole PV. And move.check (a drop's verdict, a Move to… item) is move.plan
// without its PV maps: the same moves, or the same refusal.
import { describe, expect, it } from 'vitest';
import { layoutAfter } from '../../../app/session/moves';
import { beginMove, DEFAULT_REGION_SECTORS, finishedLayout, PREVIEW_LAYER } from '../../../app/pvmove/layout';
import { planMove, type MoveRequestSpec } from '../../../app/pvmove/plan';
import { simEngine } from '../../helpers/recordedMove';
import { vgView } from '../../../app/session/views';

describe('layoutAfter', () => {
  it('is the layout of the whole VG once the move is done, for one LV, a whole PV, split and atomic moves', async () => {
    const t = await simEngine();
    const open = t.engine.open();
    const vgName = open.session.ws.listVgs()[0].vg.name;
    const vg = open.session.ws.getVg(vgName).vg;
    const names = open.session.names(vgName);
    const view = await t.run(t.engine.handlers['workspace.view']({}));
    const lv = view.vgs[0].lvs.find((l) => !l.hidden && l.segments.every((s) => s.type === 'linear'))!;
    const source = lv.segments[0].areas[0].target;
    const requests: MoveRequestSpec[] = [
      { sources: [source], destinations: [], lv: lv.name, alloc: 'normal' },
      { sources: [source], destinations: [], alloc: 'normal' },
      { sources: [source], destinations: [], alloc: 'anywhere', maxSegmentSizeMiB: 1 },
      { sources: [source], destinations: [], lv: lv.name, alloc: 'normal', atomic: true },
    ];
    for (const request of requests) {
      const plan = planMove(vg, request, names);
      expect(plan.moves.length).toBeGreaterThan(0);
      expect(layoutAfter(vg, plan)).toEqual(finishedLayout(beginMove(vg, plan.moves, DEFAULT_REGION_SECTORS, PREVIEW_LAYER)));
    }
    await t.run(t.engine.dispose());
  });

  it('move.check is move.plan without the PV maps, and refuses what move.plan refuses with the same sentence', async () => {
    const t = await simEngine();
    const h = t.engine.handlers;
    const view = await t.run(h['workspace.view']({}));
    const vg = view.vgs[0];
    const lv = vg.lvs.find((l) => !l.hidden && l.segments.every((s) => s.type === 'linear'))!;
    const source = lv.segments[0].areas[0].target;
    for (const pv of vg.pvs.filter((p) => p.name !== source)) {
      const request = { vg: vg.name, lv: lv.name, sources: [source], destinations: [pv.name], alloc: 'contiguous' as const };
      const plan = await t.run(h['move.plan'](request)).then((value) => ({ ok: true as const, value }), (e: Error) => ({ ok: false as const, message: e.message }));
      const check = await t.run(h['move.check'](request)).then((value) => ({ ok: true as const, value }), (e: Error) => ({ ok: false as const, message: e.message }));
      if (!plan.ok) {
        expect(check).toEqual(plan);
        continue;
      }
      expect(check.ok).toBe(true);
      const { before, after, ...rest } = plan.value;
      expect(before.length).toBe(vg.pvs.length);
      expect(after.length).toBe(vg.pvs.length);
      expect(check.ok && check.value).toEqual(rest);
      expect(check.ok && 'before' in check.value).toBe(false);
      // The maps, built against the last plan's (Move to… plans once per PV), are the maps built whole.
      const open = t.engine.open().session.ws.getVg(vg.name);
      const whole = finishedLayout(beginMove(open.vg, planMove(open.vg, request, t.engine.open().session.names(vg.name)).moves, DEFAULT_REGION_SECTORS, PREVIEW_LAYER));
      const ctx = { imageDevno: () => null, lvDmName: () => null };
      expect(before).toEqual(vgView(open, ctx, false).pvs);
      expect(after).toEqual(vgView({ ...open, vg: whole }, ctx, false).pvs);
    }
    await t.run(t.engine.dispose());
  });
});
