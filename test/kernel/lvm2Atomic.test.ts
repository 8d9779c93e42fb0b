// Proves that lvmscope's `pvmove --atomic` on the lvm2 stack is state for state what the real
// LVM2 2.03 `pvmove --atomic` does (issue 15), on two layouts (moveLayouts.ts's atomic variants
// of `two-lvs` and `three-segments`):
//  1. the kernel's own atomic pvmove, in a QEMU guest (real dm + LVM2), commits the move as
//     LVM2 2.03.16 writes it (begin with pvmove0 one mirror segment over pvmove0_mimage_0 and
//     _1, no checkpoint; then three commits that remove the mirror from pvmove0 and drop the
//     source leg, and LVM2's two finishing commits: six commits in all) and shows pvmove0 as
//     one `mirror` over the two sub-LV devices, which map every run on the source and on the
//     destination; these checks also prove the sampling saw the copy phase and the phase
//     after the mirror's removal, so the comparisons below are not vacuous;
//  2. lvmscope's lvm2 stack, started with `atomic: true` on identical images, writes the same
//     sequence of metadata states (ids, seqnos, creation times and hosts, device hints aside);
//  3. every distinct table state the kernel showed appears in lvmscope's sequence of live
//     tables, in the same order and between the same two commits (device numbers as names).
// How: as lvm2Stack.test.ts (the same trace helpers, with `--atomic` on the guest's pvmove).
// The finishing commits follow each other within a second, so the guest's other disks take one
// write request a second while it is sampled (the first disk, whose header is sampled, and the destination excepted) (MoveLayout.traceMetadataWriteOpsPerSecond):
// each commit then takes seconds and every phase is sampled (a trace missing one is not cached).

import { beforeAll, describe, expect, it } from 'vitest';
import { missingTools } from '../helpers/tools';
import { workDirsRemovedAfterAll } from './fixtures';
import { installedKernel } from './initramfs';
import { kernelTrace, type KernelTraceRun } from './kernelTrace';
import { workspaceImages } from './lvmscopeLvm';
import { lvmscopeMoveTrace, type LvmscopeTraceRun } from './lvmscopeTrace';
import { ATOMIC_LAYOUTS, buildLayout, type MoveLayout } from './moveLayouts';
import { describeTables, matchInOrder, metadataDifference, type TableState } from './moveTrace';

const noKernel = missingTools('qemu-system-x86_64', 'busybox', 'lvm') || installedKernel() === null;

const workDir = workDirsRemovedAfterAll();

/**
 * The metadata states real LVM2 2.03.16 writes for `pvmove --atomic` (sampled, see the first
 * test): before; begin; the mirror removed from pvmove0 (lv_remove_mirrors: pvmove0 takes the
 * destination leg's segments, pvmove0_mimage_0 keeps the source's and becomes visible,
 * pvmove0_mimage_1 becomes one error segment), committed twice with the same content; the
 * source leg removed; the users onto the destination (pvmove0 one 1-extent error segment,
 * pvmove0_mimage_1 removed); pvmove0 removed.
 */
const BEGIN = 1;
const MIRROR_REMOVED = 2;
const MIRROR_REMOVED_AGAIN = 3;
const SOURCE_LEG_REMOVED = 4;
const USERS_ON_DESTINATION = 5;
const FINISHED = 6;

/** The region size LVM2 gives the one mirror: 4096 sectors, or the largest power of two that fits. */
function expectedRegionSectors(layout: MoveLayout): number {
  const sectors = layout.layerSegmentExtents[0] * layout.extentSectors;
  let region = 4096;
  while (region > sectors) region /= 2;
  return region;
}

/** A device's targets in a table state, one line each ([] when the device is not there). */
function targets(state: TableState, device: string): string[] {
  return state.tables[device]?.split('\n') ?? [];
}

async function buildImages(dir: string, layout: MoveLayout) {
  await buildLayout(dir, layout);
  return workspaceImages(dir);
}

describe.skipIf(noKernel)('pvmove --atomic on the lvm2 stack against the real LVM2 pvmove --atomic in the kernel', () => {
  for (const layout of ATOMIC_LAYOUTS) {
    describe(`layout ${layout.name}`, () => {
      let kernel: KernelTraceRun & { cached: boolean; attempts: number };
      let lvmscope: LvmscopeTraceRun | undefined;
      const { vg } = layout;
      const layer = `${vg}-pvmove0`;
      const images = [`${vg}-pvmove0_mimage_0`, `${vg}-pvmove0_mimage_1`];

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
          const started = Date.now();
          lvmscope = await lvmscopeMoveTrace(dir, { vg, sources: [layout.source], destinations: [layout.destination], atomic: true });
          console.log(`${layout.name}: lvmscope's atomic move ran in ${Date.now() - started} ms`);
        }
        return lvmscope;
      }

      it('real LVM2 commits begin (one mirror over pvmove0_mimage_0/1), removes the mirror in three commits, then finishes in two, mirroring the whole move at once over the sub-LV devices', () => {
        const { states, tables } = kernel.trace;
        expect(states).toHaveLength(FINISHED + 1);
        expect(states[BEGIN]).toMatch(/pvmove0 \{/);
        expect(states[BEGIN]).toMatch(/mirrors = \[\s*"pvmove0_mimage_0", 0,\s*"pvmove0_mimage_1", 0\s*\]/);
        expect(states[BEGIN]).not.toMatch(/extents_moved = [1-9]/);
        for (const state of [MIRROR_REMOVED, SOURCE_LEG_REMOVED]) expect(states[state], `state ${state}`).not.toMatch(/type = "mirror"/);
        expect(states[MIRROR_REMOVED]).toMatch(/pvmove0_mimage_0 \{/);
        expect(states[MIRROR_REMOVED]).toMatch(/pvmove0_mimage_1 \{[^}]*type = "error"/);
        expect(states[MIRROR_REMOVED_AGAIN]).toBe(states[MIRROR_REMOVED]);
        expect(states[SOURCE_LEG_REMOVED]).not.toMatch(/pvmove0_mimage_0/);
        expect(states[SOURCE_LEG_REMOVED]).toMatch(/pvmove0_mimage_1 \{/);
        expect(states[USERS_ON_DESTINATION]).not.toMatch(/pvmove0_mimage|"LOCKED"|"PVMOVE"/);
        expect(states[USERS_ON_DESTINATION]).toMatch(/pvmove0 \{[^}]*type = "error"/);
        expect(states[FINISHED]).not.toMatch(/pvmove0/);

        const copying = tables.find((t) => t.phase === BEGIN && layer in t.tables);
        expect(copying, `the copy phase was sampled with pvmove0 live:\n${tables.map(describeTables).join('\n')}`).toBeDefined();
        const sectors = layout.layerSegmentExtents[0] * layout.extentSectors;
        expect(targets(copying!, layer)).toEqual([`0 ${sectors} mirror core 1 ${expectedRegionSectors(layout)} 2 ${images[0]} 0 ${images[1]} 0`]);
        const runs = layout.atomicRunExtents!.length;
        const [sourceLeg, destinationLeg] = images.map((name) => targets(copying!, name));
        expect(sourceLeg).toHaveLength(runs);
        expect(destinationLeg).toHaveLength(runs);
        sourceLeg.forEach((line) => expect(line).toMatch(new RegExp(` linear ${layout.source} \\d+$`)));
        destinationLeg.forEach((line) => expect(line).toMatch(new RegExp(` linear ${layout.destination} \\d+$`)));
        for (const lv of layout.lvs) expect(targets(copying!, `${vg}-${lv}`).some((line) => line.includes(` linear ${layer} `)), `${lv} maps onto pvmove0`).toBe(true);

        // Once the mirror's removal is committed and reloaded, pvmove0 maps the destination
        // runs and the destination leg's device holds one error target until it goes.
        const collapsed = tables.find((t) => t.phase === MIRROR_REMOVED && layer in t.tables && !t.tables[layer].includes(' mirror '));
        expect(collapsed, `the phase after the mirror's removal was sampled:\n${tables.map(describeTables).join('\n')}`).toBeDefined();
        expect(targets(collapsed!, layer)).toHaveLength(runs);
        targets(collapsed!, layer).forEach((line) => expect(line).toMatch(new RegExp(` linear ${layout.destination} \\d+$`)));
        expect(targets(collapsed!, images[1])).toEqual([`0 ${sectors} error`]);

        expect(tables[0].phase).toBe(0);
        const last = tables[tables.length - 1];
        expect(last.phase).toBe(FINISHED);
        expect(Object.keys(last.tables).filter((name) => name.startsWith(layer))).toEqual([]);
        const sampled = new Set(tables.map((t) => t.phase));
        console.log(`${layout.name}: real LVM2's table states were sampled in phases ${[...sampled].join(', ')} of 0-${FINISHED}`);
      });

      it('lvmscope\'s atomic move on the lvm2 stack writes the same sequence of metadata states as real LVM2', async () => {
        const run = await lvmscopeRun();
        expect(run.move.status, run.move.error ?? '').toBe('done');
        expect(metadataDifference(kernel.trace.states, run.trace.states)).toBe('');
      });

      it('every table state the kernel showed in its atomic move appears in lvmscope\'s live tables, in the same order and between the same two commits', async () => {
        const run = await lvmscopeRun();
        const match = matchInOrder(kernel.trace.tables, run.trace.tables);
        expect(match.ok ? '' : match.message).toBe('');
      });
    });
  }
});
