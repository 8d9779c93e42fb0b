// Views of a live move (pvmove) and of the workload / verifier that run beside it.
// A move runs on one of two device stacks: `outline` (the seed's 2002 design, DESIGN §1: eight
// steps per LV, identity + mirror in the LV's own table over a temporary `-orig` device) or
// `lvm2` (what LVM2 2.03 does today, lvm2-format.md §6: a hidden `pvmove0` device below the
// LVs, one segment mirrored at a time, a checkpoint and reload per finished segment, two
// finishing commits). The stack gives the list of steps; steps are identified by id and their
// number and count vary. Every step event names its step, says what happens in one sentence
// and gives the equivalent dmsetup / lvm commands.

import { z } from 'zod';
import { PvView, RegionRun } from './views';

export const AllocPolicy = z.enum(['normal', 'contiguous', 'anywhere']);
export type AllocPolicy = z.infer<typeof AllocPolicy>;

/** The device stack a move runs on (see the top of this file). */
export const MoveStack = z.enum(['outline', 'lvm2']);
export type MoveStack = z.infer<typeof MoveStack>;
export const MOVE_STACKS: readonly MoveStack[] = ['outline', 'lvm2'];
export const STACK_TITLES: Record<MoveStack, string> = { outline: '2002 outline', lvm2: 'LVM2 today (pvmove0)' };

/** What to move, as `pvmove` takes it: sources `pv2` or `pv2:0-3`, destinations likewise. */
export const MoveRequest = z.object({
  vg: z.string().min(1),
  sources: z.array(z.string().min(1)).min(1, 'name at least one source PV'),
  destinations: z.array(z.string().min(1)).default([]),
  lv: z.string().min(1).optional(),
  alloc: AllocPolicy.default('normal'),
  /**
   * Splits pvmove0's segments so that none is larger than this (LVM2 2.03.36's
   * `allocation/pvmove_max_segment_size_mb`): a crash re-copies at most this much.
   */
  maxSegmentSizeMiB: z.number().int().positive('the maximum segment size is a whole number of MiB, at least 1').optional(),
  /** `pvmove --atomic` (lvm2 stack): one mirror over pvmove0_mimage_0/1, so everything moves or nothing does. */
  atomic: z.boolean().optional(),
}).strict();
export type MoveRequest = z.input<typeof MoveRequest>;

export const MoveOptions = z.object({
  /** The device stack; default `outline`. */
  stack: MoveStack.optional(),
  /** Mirror region size; a power of two from 8 sectors (a 4 KiB page, as LVM2 and dm-mirror need) to 2^31; default 4096 sectors (2 MiB, LVM2's raid_region_size). */
  regionSizeSectors: z
    .number()
    .int()
    .min(8, 'the region size must be at least 8 sectors (4 KiB, a memory page)')
    .max(2 ** 31, 'the region size must be at most 2^31 sectors (1 TiB)')
    .refine((n) => Number.isInteger(Math.log2(n)), 'the region size must be a power of two')
    .optional(),
  /** Copy rate limit in bytes per second; 0 = unlimited. */
  rateBytesPerSec: z.number().int().nonnegative().optional(),
  /** Wait before each step until `move.control {action: 'next'}` (presentations). */
  stepMode: z.boolean().optional(),
}).strict();
export type MoveOptions = z.input<typeof MoveOptions>;

export const PlannedExtentMove = z.object({
  lv: z.string(),
  startLe: z.number().int().nonnegative(),
  count: z.number().int().positive(),
  fromPv: z.string(),
  fromPe: z.number().int().nonnegative(),
  toPv: z.string(),
  toPe: z.number().int().nonnegative(),
});
export type PlannedExtentMove = z.infer<typeof PlannedExtentMove>;

export const MovePlanView = z.object({
  request: MoveRequest,
  /** The equivalent LVM2 command line. */
  command: z.string(),
  lvs: z.array(z.string()),
  moves: z.array(PlannedExtentMove),
  extentCount: z.number().int(),
  bytes: z.number(),
  before: z.array(PvView),
  after: z.array(PvView),
  /** At the given rate (null when unlimited / unknown). */
  estimatedSeconds: z.number().nullable(),
  /**
   * The most a crash can cost, in bytes copied again, per stack: `outline` copies every run of
   * an LV at once, so a crash re-copies all of that LV's unfinished runs; `lvm2` mirrors one
   * pvmove0 segment at a time, so a crash re-copies at most the largest segment.
   */
  crashCostBytes: z.object({ outline: z.number(), lvm2: z.number() }),
});
export type MovePlanView = z.infer<typeof MovePlanView>;

/**
 * A plan without its PV maps (move.check): what a drop's verdict and a Move to… item need —
 * yes with where the extents land, or the refusal. The maps of a 64-PV VG are 7 MB of JSON per
 * plan, and Move to… asks once per PV.
 */
export const MoveCheckView = MovePlanView.omit({ before: true, after: true });
export type MoveCheckView = z.infer<typeof MoveCheckView>;

export const StepView = z.object({
  /** Unique within the move, stable for its whole run: `lv0/suspend`, `copy-2`, `finish`. */
  id: z.string().min(1),
  /** Position in the move's list of steps, from 1. */
  index: z.number().int().positive(),
  name: z.string(),
  /** The LV this step acts on (the outline runs its steps once per LV), or null for a step on the whole move (lvm2's pvmove0). */
  lv: z.string().nullable(),
  state: z.enum(['pending', 'waiting', 'running', 'done', 'failed', 'undone']),
  narration: z.string(),
  commands: z.array(z.string()),
  timeMs: z.number(),
});
export type StepView = z.infer<typeof StepView>;

// A mirror's regions as runs of one state (app/api/views.ts, shared with the dm views).
export { RegionRun } from './views';

export const MirrorProgressView = z.object({
  /** dm name of the device holding the mirror target, the target's index in its table and its start sector. */
  device: z.string(),
  targetIndex: z.number().int().nonnegative(),
  targetStartSector: z.number().int(),
  lengthSectors: z.number().int(),
  regionSizeSectors: z.number().int(),
  regionsTotal: z.number().int(),
  regionsCopied: z.number().int(),
  regions: z.array(RegionRun),
  /** Regions that have writes waiting for their copy right now (intercepted, held), ascending. */
  intercepted: z.array(z.number().int()),
  sourceLeg: z.string(),
  destinationLeg: z.string(),
  /** The pvmove0 segment this mirror copies (1-based). */
  layerSegment: z.number().int().positive(),
});
export type MirrorProgressView = z.infer<typeof MirrorProgressView>;

export const MoveProgressView = z.object({
  bytesTotal: z.number(),
  bytesCopied: z.number(),
  percent: z.number(),
  /**
   * The copy speed measured over the last seconds of copy time (pauses, waits for Next and
   * metadata steps do not count; a rate change starts a new measure); 0 while the move is
   * paused, waits for Next or has ended.
   */
  bytesPerSec: z.number(),
  /** The copy time still needed, at the measured speed (else at the rate limit); null once the move ended or when unknown. */
  etaSeconds: z.number().nullable(),
  rateBytesPerSec: z.number(),
  paused: z.boolean(),
  /** Writes the move's mirrors intercepted since it started (held until their region was copied). */
  interceptedWrites: z.number().int(),
  /** Writes the move's mirrors put on the source leg only, at once, since it started (the kernel's rule); absent in recordings made before it. */
  sourceOnlyWrites: z.number().int().optional(),
  waitingWrites: z.number().int(),
  mirrors: z.array(MirrorProgressView),
  /** What a crash now would cost: bytes already copied that are not checkpointed, so copied again on resume. */
  crashCostBytes: z.number(),
});
export type MoveProgressView = z.infer<typeof MoveProgressView>;

/** One segment of the hidden pvmove0 LV: one run of one LV, from its source to its destination. */
export const LayerSegmentView = z.object({
  /** 1-based, as LVM2 numbers pvmove0's segments (LV order, then segment order). */
  index: z.number().int().positive(),
  layerLe: z.number().int().nonnegative(),
  count: z.number().int().positive(),
  lv: z.string(),
  startLe: z.number().int().nonnegative(),
  fromPv: z.string(),
  fromPe: z.number().int().nonnegative(),
  toPv: z.string(),
  toPe: z.number().int().nonnegative(),
  regionSizeSectors: z.number().int().positive(),
  /** done: checkpointed, maps to the destination; mirroring: being copied now; waiting: still maps to the source. */
  state: z.enum(['done', 'mirroring', 'waiting']),
});
export type LayerSegmentView = z.infer<typeof LayerSegmentView>;

/** The move as its metadata records it: the pvmove0 LV (both stacks write it) and, in the lvm2 stack, its device. */
export const LayerView = z.object({
  name: z.string(),
  /** The dm device of pvmove0 (lvm2 stack, while it exists), else null. */
  device: z.string().nullable(),
  devno: z.string().nullable(),
  segments: z.array(LayerSegmentView),
  /** An --atomic move: every segment is one mirror over pvmove0_mimage_0/1, copied and finished together. */
  atomic: z.boolean(),
});
export type LayerView = z.infer<typeof LayerView>;

export const MoveStateView = z.object({
  id: z.number().int(),
  vg: z.string(),
  stack: MoveStack,
  status: z.enum(['running', 'paused', 'waiting-step', 'done', 'aborting', 'aborted', 'failed']),
  /** Step mode: the move waits before each of its steps until Next (any window may switch it). */
  stepMode: z.boolean(),
  plan: MovePlanView,
  currentLv: z.string().nullable(),
  /** The id of the current step (running, or waiting in step mode), else null. */
  step: z.string().nullable(),
  steps: z.array(StepView),
  /** pvmove0 while the move is recorded in the metadata, else null. */
  layer: LayerView.nullable(),
  progress: MoveProgressView,
  error: z.string().nullable(),
});
export type MoveStateView = z.infer<typeof MoveStateView>;

export const WorkloadSpec = z.object({
  vg: z.string(),
  lv: z.string(),
  pattern: z.enum(['randwrite', 'seqwrite', 'randrw', 'randread']),
  blockSizeBytes: z.number().int().positive().multipleOf(512),
  iops: z.number().positive(),
  seed: z.number().int().optional(),
}).strict();
export type WorkloadSpec = z.input<typeof WorkloadSpec>;

export const WorkloadStatsView = z.object({
  running: z.boolean(),
  spec: WorkloadSpec.nullable(),
  reads: z.number().int(),
  writes: z.number().int(),
  bytesRead: z.number(),
  bytesWritten: z.number(),
  interceptedWrites: z.number().int(),
  /** Writes a mirror put on the source leg only, at once (the kernel's rule, the lvm2 stack); absent in recordings made before it. */
  sourceOnlyWrites: z.number().int().optional(),
  errors: z.number().int(),
  /** The sentence of the last failed IO (a full disk under an image or the journal), if any. */
  lastError: z.string().nullable().optional(),
  writeLatencyP50Ms: z.number().nullable(),
  writeLatencyP99Ms: z.number().nullable(),
});
export type WorkloadStatsView = z.infer<typeof WorkloadStatsView>;

export const VerifyResultView = z.object({
  vg: z.string(),
  lv: z.string(),
  bytesChecked: z.number(),
  blocksChecked: z.number().int(),
  mismatches: z.number().int(),
  firstMismatches: z.array(z.object({ offsetBytes: z.number(), expected: z.string(), found: z.string() })),
  summary: z.string(),
});
export type VerifyResultView = z.infer<typeof VerifyResultView>;
