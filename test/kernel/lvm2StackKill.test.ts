// Proves that a crash of either side in the middle of an lvm2-stack move is survivable by the
// other, because lvmscope leaves on disk only what LVM2 itself writes (issue 15):
//  1. lvmscope, moving the `three-segments` layout on its lvm2 stack in a child process, is
//     SIGKILLed at three points (seeded, SEED=<n> replays them): always between LVM2's two
//     finishing commits, once before a random step (step mode holds the move there), once at a
//     random byte of the copy. Every metadata state it wrote, the last one included, is the
//     corresponding state of real LVM2's own trace of the same move (kernelTrace.ts), so the
//     on-disk state is one LVM2 writes; then the kernel's `pvmove` (no arguments) resumes the
//     move in a guest, every sector of every LV reads back as the pattern through the kernel's
//     dm, and the final metadata is real LVM2's final state (or, when no move was recorded any
//     more, the state the kill left, which LVM2 leaves as it is);
//  2. the kernel's pvmove, killed in a random pvmove0 segment (seeded), is resumed by lvmscope's
//     lvm2 stack: it writes the rest of real LVM2's sequence of metadata states, shows the
//     kernel's table states of those phases in the same order, and ends with every sector in
//     place and host LVM2 reading the final layout.
// How: layouts built by lvmscope (moveLayouts.ts); the committed metadata read from the first
// PV's mda ring (mdaRing.ts); QEMU guests (kernelLvm.ts, kernelTrace.ts); host LVM2 on loop
// devices (hostLvm.ts). Each kill point costs one guest boot.

import { beforeAll, describe, expect, it } from 'vitest';
import { missingTools } from '../helpers/tools';
import { workDirsRemovedAfterAll } from './fixtures';
import { hostLvm, hostLvSegments } from './hostLvm';
import { installedKernel } from './initramfs';
import { kernelInspectVgs } from './kernelLvm';
import { kernelTrace, killKernelPvmoveInSegment } from './kernelTrace';
import { describeKillPoint, killLvmscopeMove, type KillPoint, expectLayoutIntact, freshLayoutCopy } from './lvmscopeKill';
import { workspaceImages } from './lvmscopeLvm';
import { lvmscopeResumeTrace } from './lvmscopeTrace';
import { committedCopy, copyAtOffset, normalisedMetadata, readMdaRing } from './mdaRing';
import { buildLayout, readLvFromImages, THREE_SEGMENTS } from './moveLayouts';
import { matchInOrder, metadataDifference, metadataStates, type MoveTrace } from './moveTrace';
import { runSeed, seededRandom } from './seeded';

const noKernel = missingTools('qemu-system-x86_64', 'busybox', 'lvm', 'root', 'losetup') || installedKernel() === null;
const MIB = 1024 * 1024;
const LAYOUT = THREE_SEGMENTS;
const VG = LAYOUT.vg;
const SEGMENTS = LAYOUT.layerSegmentExtents.length;
const MOVED_BYTES = LAYOUT.layerSegmentExtents.reduce((a, b) => a + b, 0) * LAYOUT.extentSectors * 512;
/** lvmscope's copy rate in the child: the 28 MiB move takes a few seconds, so a byte can be aimed at. */
const CHILD_RATE_BYTES_PER_SECOND = 6 * MIB;

const SEED = runSeed();

const random = seededRandom(SEED);
/** The lvm2 stack's steps of a fresh move (the step ids of issue 15's contract). */
const STEPS = ['preload', 'suspend', 'commit', 'resume', ...Array.from({ length: SEGMENTS }, (_, i) => [`copy-${i + 1}`, ...(i + 1 < SEGMENTS ? [`checkpoint-${i + 1}`] : [])]).flat(), 'finish', 'remove-layer'];
const KILL_POINTS: { title: string; point: KillPoint }[] = [
  { title: 'between the two finishing commits', point: { kind: 'before-step', step: 'remove-layer' } },
  { title: 'before a random step', point: { kind: 'before-step', step: STEPS.filter((s) => s !== 'remove-layer')[Math.floor(random() * (STEPS.length - 1))] } },
  // Progress comes per 2 MiB region and its last report is the whole move, which ends it: the
  // byte is aimed below the last two regions so that a report falls between it and the end.
  { title: 'at a random byte of the copy', point: { kind: 'copied', bytes: Math.floor((0.05 + 0.8 * random()) * MOVED_BYTES) } },
];
const KERNEL_KILL_SEGMENT = 1 + Math.floor(random() * SEGMENTS);

const workDir = workDirsRemovedAfterAll();

const freshLayout = () => freshLayoutCopy(workDir(), LAYOUT, VG);
const expectEveryLvIntact = (bytesOf: (lv: string) => Uint8Array, where: string) => expectLayoutIntact(LAYOUT, VG, bytesOf, where);

describe.skipIf(noKernel)('an lvm2-stack move killed on one side is finished by the other', () => {
  let kernel: MoveTrace;

  beforeAll(async () => {
    console.log(
      `lvm2 stack kill points: SEED=${SEED} (replay with SEED=${SEED}): lvmscope killed ${KILL_POINTS.map((k) => describeKillPoint(k.point)).join('; ')}; the kernel killed in pvmove0 segment ${KERNEL_KILL_SEGMENT}`,
    );
    kernel = (await kernelTrace(workDir(), LAYOUT, async (dir) => (await buildLayout(dir, LAYOUT), workspaceImages(dir)))).trace;
  });

  for (const { title, point } of KILL_POINTS) {
    it(`lvmscope killed ${title} leaves only states real LVM2 writes, and the kernel's pvmove finishes the move with every sector intact`, async () => {
      const { dir, beforeSeqno } = await freshLayout();
      const images = workspaceImages(dir);
      await killLvmscopeMove({ dir, vg: VG, source: LAYOUT.source, destination: LAYOUT.destination, stack: 'lvm2', rateBytesPerSec: CHILD_RATE_BYTES_PER_SECOND, point });

      const ring = readMdaRing(images[0].path, VG);
      const written = metadataStates(ring, beforeSeqno);
      expect(metadataDifference(kernel.states.slice(0, written.length), written), `killed ${describeKillPoint(point)}`).toBe('');
      if (ring.precommittedOffsetBytes !== null) expect(kernel.states).toContain(normalisedMetadata(copyAtOffset(ring, ring.precommittedOffsetBytes).vg));

      // LVM2 resumes a move that its metadata records (pvmove0 with PVMOVE); once the first
      // finishing commit is down there is nothing left to resume, and it changes nothing.
      const left = written[written.length - 1];
      const recorded = left.includes('"PVMOVE"');
      const prelude = `vgchange -ay --poll n ${VG} >/dev/null\n${recorded ? 'pvmove -i 1\n' : ''}`;
      const writable = images.map((img) => ({ ...img, snapshot: false }));
      const result = await kernelInspectVgs(writable, [VG], LAYOUT.lvs.map((lv) => ({ vg: VG, lv })), { prelude });
      expectEveryLvIntact((lv) => result.lvBytes[`${VG}/${lv}`], 'through the kernel after its pvmove');
      const final = normalisedMetadata(committedCopy(readMdaRing(images[0].path, VG)).vg);
      expect(final).toBe(recorded ? kernel.states[kernel.states.length - 1] : left);
    });
  }

  it('the kernel\'s pvmove killed in a random segment is finished by lvmscope\'s lvm2 stack as real LVM2 goes on, every sector intact and host LVM2 agreeing', async () => {
    const { dir } = await freshLayout();
    const images = workspaceImages(dir);
    const progress = await killKernelPvmoveInSegment(images, LAYOUT, KERNEL_KILL_SEGMENT);
    console.log(`the kernel was killed in segment ${KERNEL_KILL_SEGMENT} with ${progress.regionsInSync}/${progress.regionsTotal} regions copied`);
    // The kernel left the state after the checkpoint before that segment (phase k).
    const killedSeqno = committedCopy(readMdaRing(images[0].path, VG)).seqno;
    const left = normalisedMetadata(committedCopy(readMdaRing(images[0].path, VG)).vg);
    expect(left).toBe(kernel.states[KERNEL_KILL_SEGMENT]);

    const run = await lvmscopeResumeTrace(dir, VG);
    expect(run.move.status, run.move.error ?? '').toBe('done');
    expect(run.trace.states[0]).toBe(left);
    expect(metadataDifference(kernel.states.slice(KERNEL_KILL_SEGMENT), run.trace.states, KERNEL_KILL_SEGMENT)).toBe('');
    // The kernel's table states from that phase on, renumbered from the resume's own phase 0.
    const later = kernel.tables.filter((t) => t.phase >= KERNEL_KILL_SEGMENT).map((t) => ({ ...t, phase: t.phase - KERNEL_KILL_SEGMENT }));
    const match = matchInOrder(later, run.trace.tables);
    expect(match.ok ? '' : match.message).toBe('');

    expectEveryLvIntact((lv) => readLvFromImages(dir, LAYOUT, lv), 'read from the images where the final metadata puts it');
    const ringAfter = readMdaRing(images[0].path, VG);
    expect(committedCopy(ringAfter).seqno).toBeGreaterThan(killedSeqno);
    const segments = hostLvSegments(images, VG);
    expect(segments.map((s) => s.lvName)).not.toContain('[pvmove0]');
    expect(segments.filter((s) => s.peRanges.startsWith(`${LAYOUT.source}:`)), 'nothing left on the source PV').toEqual([]);
    expect(() => hostLvm(images, 'vgck', [VG])).not.toThrow();
  });
});
