// Proves that a crash of either side in the middle of a `pvmove --atomic` on the lvm2 stack is
// survivable by the other, because lvmscope leaves on disk only what LVM2 itself writes (issue 15):
//  1. lvmscope, moving the `three-segments` layout atomically on its lvm2 stack in a child
//     process, is SIGKILLed at three points (seeded, SEED=<n> replays them): always between its
//     last two commits (before `remove-layer`), once before a random step of the move's own
//     step list (step mode holds the move there), once at a random byte of the one copy. Every metadata state it wrote, the
//     last one included, is the corresponding state of real LVM2's own trace of the same atomic
//     move (kernelTrace.ts), so the on-disk state is one LVM2 writes; then the kernel's `pvmove`
//     (no arguments) resumes the move in a guest, every sector of every LV reads back as the
//     pattern through the kernel's dm, and the final metadata is real LVM2's final state (or,
//     when no move was recorded any more, the state the kill left, which LVM2 leaves as it is);
//  2. the kernel's atomic pvmove, killed in its copy, is resumed by lvmscope's lvm2 stack: it
//     writes the rest of real LVM2's sequence of metadata states, shows the kernel's table
//     states of those phases in the same order, and ends with every sector in place and host
//     LVM2 reading the final layout.
// How: as lvm2StackKill.test.ts (the same helpers, with --atomic on both sides).

import { beforeAll, describe, expect, it } from 'vitest';
import { missingTools } from '../helpers/tools';
import { workDirsRemovedAfterAll } from './fixtures';
import { hostLvm, hostLvSegments } from './hostLvm';
import { installedKernel } from './initramfs';
import { kernelInspectVgs } from './kernelLvm';
import { kernelTrace, killKernelPvmoveInSegment } from './kernelTrace';
import { describeKillPoint, heldStep, killLvmscopeMove, type KillPoint, expectLayoutIntact, freshLayoutCopy } from './lvmscopeKill';
import { workspaceImages } from './lvmscopeLvm';
import { lvmscopeResumeTrace } from './lvmscopeTrace';
import { committedCopy, copyAtOffset, normalisedMetadata, readMdaRing } from './mdaRing';
import { atomicLayout, buildLayout, readLvFromImages, THREE_SEGMENTS } from './moveLayouts';
import { matchInOrder, metadataDifference, metadataStates, type MoveTrace } from './moveTrace';
import { runSeed, seededRandom } from './seeded';

const noKernel = missingTools('qemu-system-x86_64', 'busybox', 'lvm', 'root', 'losetup') || installedKernel() === null;
const MIB = 1024 * 1024;
const LAYOUT = atomicLayout(THREE_SEGMENTS);
const VG = LAYOUT.vg;
const MOVED_BYTES = LAYOUT.layerSegmentExtents[0] * LAYOUT.extentSectors * 512;
/** lvmscope's copy rate in the child: the 28 MiB move takes a few seconds, so a byte can be aimed at. */
const CHILD_RATE_BYTES_PER_SECOND = 6 * MIB;

const SEED = runSeed();
const random = seededRandom(SEED);
// The random step is drawn from the move's own step list (the child reads it), so the kill
// points follow the engine's steps for an atomic move whatever they are.
const KILL_POINTS: { title: string; point: KillPoint }[] = [
  { title: 'before its last commit (remove-layer)', point: { kind: 'before-step', step: 'remove-layer' } },
  { title: 'before a random step', point: { kind: 'before-step-at', fraction: random() } },
  // Progress comes per 2 MiB region and its last report is the whole move, which ends it: the
  // byte is aimed below the last two regions so that a report falls between it and the end.
  { title: 'at a random byte of the copy', point: { kind: 'copied', bytes: Math.floor((0.05 + 0.8 * random()) * MOVED_BYTES) } },
];

const workDir = workDirsRemovedAfterAll();

const freshLayout = () => freshLayoutCopy(workDir(), LAYOUT, VG);
const expectEveryLvIntact = (bytesOf: (lv: string) => Uint8Array, where: string) => expectLayoutIntact(LAYOUT, VG, bytesOf, where);

describe.skipIf(noKernel)('a pvmove --atomic killed on one side is finished by the other', () => {
  let kernel: MoveTrace;

  beforeAll(async () => {
    console.log(`atomic kill points: SEED=${SEED} (replay with SEED=${SEED}): lvmscope killed ${KILL_POINTS.map((k) => describeKillPoint(k.point)).join('; ')}`);
    kernel = (await kernelTrace(workDir(), LAYOUT, async (dir) => (await buildLayout(dir, LAYOUT), workspaceImages(dir)))).trace;
  });

  for (const { title, point } of KILL_POINTS) {
    it(`lvmscope killed ${title} of an atomic move leaves only states real LVM2 writes, and the kernel's pvmove finishes the move (or, past the detach where real LVM2 leaves it, lvmscope does) with every sector intact`, async () => {
      const { dir, beforeSeqno } = await freshLayout();
      const images = workspaceImages(dir);
      const out = await killLvmscopeMove({ dir, vg: VG, source: LAYOUT.source, destination: LAYOUT.destination, stack: 'lvm2', atomic: true, rateBytesPerSec: CHILD_RATE_BYTES_PER_SECOND, point });
      const killedAt = `killed ${describeKillPoint(point)}${point.kind === 'before-step-at' ? ` (${heldStep(out)})` : ''}`;
      console.log(`atomic move ${killedAt}`);

      const ring = readMdaRing(images[0].path, VG);
      const written = metadataStates(ring, beforeSeqno);
      // Soft: when lvmscope wrote a state LVM2 does not, what the kernel then makes of it is
      // reported in the same run.
      expect.soft(metadataDifference(kernel.states.slice(0, written.length), written), killedAt).toBe('');
      if (ring.precommittedOffsetBytes !== null) expect(kernel.states).toContain(normalisedMetadata(copyAtOffset(ring, ring.precommittedOffsetBytes).vg));

      // LVM2 resumes a move that its metadata records (pvmove0 with PVMOVE); once the commit
      // that drops PVMOVE is down there is nothing left to resume, and it changes nothing.
      const left = written[written.length - 1];
      const recorded = left.includes('"PVMOVE"');
      const prelude = `vgchange -ay --poll n ${VG} >/dev/null\n${recorded ? 'pvmove -i 1\n' : ''}`;
      const writable = images.map((img) => ({ ...img, snapshot: false }));
      const result = await kernelInspectVgs(writable, [VG], LAYOUT.lvs.map((lv) => ({ vg: VG, lv })), { prelude });
      expectEveryLvIntact((lv) => result.lvBytes[`${VG}/${lv}`], 'through the kernel after its pvmove');
      const final = normalisedMetadata(committedCopy(readMdaRing(images[0].path, VG)).vg);
      const lvm2End = kernel.states[kernel.states.length - 1];
      if (recorded && final === left && left !== lvm2End && !left.includes('"mirror"')) {
        // Past its detach (pvmove0 linear, still PVMOVE), real LVM2's pvmove leaves an atomic
        // move as it is: its own state, which it does not finish. lvmscope resumes what the
        // kernel left and ends where LVM2 would have.
        console.log(`atomic move ${killedAt}: the kernel's pvmove left it unchanged (past the detach); lvmscope finishes it`);
        const run = await lvmscopeResumeTrace(dir, VG);
        expect(run.move.status, run.move.error ?? '').toBe('done');
        expect(normalisedMetadata(committedCopy(readMdaRing(images[0].path, VG)).vg)).toBe(lvm2End);
        expectEveryLvIntact((lv) => readLvFromImages(dir, LAYOUT, lv), 'read from the images after lvmscope finished it');
        return;
      }
      expect(final).toBe(recorded ? lvm2End : left);
    });
  }

  it('the kernel\'s atomic pvmove killed in its copy is finished by lvmscope\'s lvm2 stack as real LVM2 goes on, every sector intact and host LVM2 agreeing', async () => {
    const { dir } = await freshLayout();
    const images = workspaceImages(dir);
    const progress = await killKernelPvmoveInSegment(images, LAYOUT, 1);
    console.log(`the kernel's atomic move was killed with ${progress.regionsInSync}/${progress.regionsTotal} regions copied`);
    // The kernel left its begin commit (state 1): pvmove0 one mirror over the two sub-LVs.
    const killedSeqno = committedCopy(readMdaRing(images[0].path, VG)).seqno;
    const left = normalisedMetadata(committedCopy(readMdaRing(images[0].path, VG)).vg);
    expect(left).toBe(kernel.states[1]);

    const run = await lvmscopeResumeTrace(dir, VG);
    expect(run.move.status, run.move.error ?? '').toBe('done');
    expect(run.trace.states[0]).toBe(left);
    // Soft: the checks of the bytes and of host LVM2 below are reported in the same run.
    expect.soft(metadataDifference(kernel.states.slice(1), run.trace.states, 1)).toBe('');
    // The kernel's table states from the copy on, renumbered from the resume's own phase 0.
    const later = kernel.tables.filter((t) => t.phase >= 1).map((t) => ({ ...t, phase: t.phase - 1 }));
    const match = matchInOrder(later, run.trace.tables);
    expect.soft(match.ok ? '' : match.message).toBe('');

    expectEveryLvIntact((lv) => readLvFromImages(dir, LAYOUT, lv), 'read from the images where the final metadata puts it');
    expect(committedCopy(readMdaRing(images[0].path, VG)).seqno).toBeGreaterThan(killedSeqno);
    const segments = hostLvSegments(images, VG);
    expect(segments.map((s) => s.lvName).filter((name) => name.includes('pvmove0'))).toEqual([]);
    expect(segments.filter((s) => s.peRanges.startsWith(`${LAYOUT.source}:`)), 'nothing left on the source PV').toEqual([]);
    expect(() => hostLvm(images, 'vgck', [VG])).not.toThrow();
  });
});
