// Proves that lvmscope's `lvm2` stack is state for state what the real LVM2 2.03 pvmove does
// (issue 15), on three layouts (moveLayouts.ts: two LVs; three segments of one LV; mixed
// segment sizes with reduced region sizes):
//  1. the kernel's own pvmove, in a QEMU guest (real dm + LVM2), commits the move as LVM2 is
//     documented to (begin, a checkpoint per finished segment but the last, two finishing
//     commits) and shows each pvmove0 segment mirrored in turn with the region size reduced to
//     fit it; these checks also prove the sampling saw every copy phase, so the comparisons
//     below are not vacuous;
//  2. lvmscope's lvm2 stack, started on identical images, writes the same sequence of metadata
//     states (ids, seqnos, creation times and hosts, device hints aside);
//  3. every distinct table state the kernel showed appears in lvmscope's sequence of live
//     tables, in the same order and between the same two commits (device numbers as names).
// How: the layout is built by lvmscope's LVM layer and filled with the fixture pattern; one
// guest boot runs `pvmove -i 1` and samples the committed mda location and `dmsetup table`
// (kernelTrace.ts, cached per kernel + LVM2); lvmscope runs the same move on a second copy and
// records its dm event stream and commits (lvmscopeTrace.ts); both sides' metadata commits are
// read from the first PV's mda ring after the run (mdaRing.ts).

import { beforeAll, describe, expect, it } from 'vitest';
import { missingTools } from '../helpers/tools';
import { workDirsRemovedAfterAll } from './fixtures';
import { installedKernel } from './initramfs';
import { kernelTrace, type KernelTraceRun } from './kernelTrace';
import { workspaceImages } from './lvmscopeLvm';
import { lvmscopeMoveTrace, type LvmscopeTraceRun } from './lvmscopeTrace';
import { buildLayout, MOVE_LAYOUTS, type MoveLayout } from './moveLayouts';
import { describeTables, matchInOrder, metadataDifference, type TableState } from './moveTrace';

const noKernel = missingTools('qemu-system-x86_64', 'busybox', 'lvm') || installedKernel() === null;

const workDir = workDirsRemovedAfterAll();

/** The region size LVM2 gives a pvmove0 segment: 4096 sectors, or the largest power of two that fits. */
function expectedRegionSectors(layout: MoveLayout, segment: number): number {
  const sectors = layout.layerSegmentExtents[segment] * layout.extentSectors;
  let region = 4096;
  while (region > sectors) region /= 2;
  return region;
}

/** pvmove0's targets in a table state, one line each ([] when the device is not there). */
function layerTargets(state: TableState, vg: string): string[] {
  return state.tables[`${vg}-pvmove0`]?.split('\n') ?? [];
}

async function buildImages(dir: string, layout: MoveLayout) {
  await buildLayout(dir, layout);
  return workspaceImages(dir);
}

describe.skipIf(noKernel)('the lvm2 stack against the real LVM2 pvmove in the kernel', () => {
  for (const layout of MOVE_LAYOUTS) {
    describe(`layout ${layout.name}`, () => {
      let kernel: KernelTraceRun & { cached: boolean; attempts: number };
      let lvmscope: LvmscopeTraceRun | undefined;
      const segments = layout.layerSegmentExtents.length;

      beforeAll(async () => {
        kernel = await kernelTrace(workDir(), layout, (dir) => buildImages(dir, layout));
        const where = kernel.cached ? 'cached trace' : `guest run ${kernel.guestMs} ms, attempt ${kernel.attempts}`;
        console.log(`${layout.name}: kernel trace (${where}): ${kernel.trace.states.length} metadata states, ${kernel.trace.tables.length} distinct table states from ${kernel.samples} consistent samples in ${kernel.loops} loops`);
      });

      /** lvmscope's run, made once for the tests that compare with it. */
      async function lvmscopeRun(): Promise<LvmscopeTraceRun> {
        if (!lvmscope) {
          const dir = workDir();
          await buildLayout(dir, layout);
          lvmscope = await lvmscopeMoveTrace(dir, { vg: layout.vg, sources: [layout.source], destinations: [layout.destination] });
        }
        return lvmscope;
      }

      it('real LVM2 commits begin, a checkpoint per segment but the last, and two finishing commits, mirroring each segment in turn with a region that fits it', () => {
        const { states, tables } = kernel.trace;
        expect(states).toHaveLength(1 + 1 + (segments - 1) + 2);
        expect(states[1]).toMatch(/pvmove0 \{/);
        expect(states[segments + 2]).not.toMatch(/pvmove0/);
        // Phase k (after the begin commit or checkpoint k-1): segments before k map to the
        // destination, segment k is the mirror, later ones still map to the source.
        for (let k = 1; k <= segments; k++) {
          const seen = tables.filter((t) => t.phase === k).map((t) => layerTargets(t, layout.vg));
          const mirrored = seen.find((lines) => lines.length === segments);
          expect(mirrored, `phase ${k} was sampled with pvmove0 live:\n${tables.map(describeTables).join('\n')}`).toBeDefined();
          mirrored!.forEach((line, i) => {
            const type = i + 1 < k ? 'linear' : i + 1 === k ? 'mirror' : 'linear';
            expect(line.split(' ')[2], `phase ${k}, pvmove0 target ${i + 1}`).toBe(type);
            if (i + 1 < k) expect(line).toMatch(new RegExp(` ${layout.destination} \\d+$`));
            if (i + 1 > k) expect(line).toMatch(new RegExp(` ${layout.source} \\d+$`));
          });
          expect(mirrored![k - 1]).toMatch(new RegExp(`mirror core 1 ${expectedRegionSectors(layout, k - 1)} 2 ${layout.source} \\d+ ${layout.destination} \\d+$`));
        }
        expect(tables[0].phase).toBe(0);
        expect(tables[tables.length - 1].phase).toBe(segments + 2);
        expect(layerTargets(tables[tables.length - 1], layout.vg)).toEqual([]);
      });

      it('lvmscope\'s lvm2 stack writes the same sequence of metadata states as real LVM2', async () => {
        const run = await lvmscopeRun();
        expect(run.move.status, run.move.error ?? '').toBe('done');
        expect(metadataDifference(kernel.trace.states, run.trace.states)).toBe('');
      });

      it('every table state the kernel showed appears in lvmscope\'s live tables, in the same order and between the same two commits', async () => {
        const run = await lvmscopeRun();
        const match = matchInOrder(kernel.trace.tables, run.trace.tables);
        expect(match.ok ? '' : match.message).toBe('');
      });
    });
  }
});
