// Views of a live move (pvmove) and of the workload / verifier that run beside it.
// The eight steps are the seed's (DESIGN §1, `pvmove_outline.txt`): every step event names
// its step, says what happens in one sentence and gives the equivalent dmsetup / lvm commands.

import { z } from 'zod';
import { PvView } from './views';

export const AllocPolicy = z.enum(['normal', 'contiguous', 'anywhere']);
export type AllocPolicy = z.infer<typeof AllocPolicy>;

/** What to move, as `pvmove` takes it: sources `pv2` or `pv2:0-3`, destinations likewise. */
export const MoveRequest = z.object({
  vg: z.string().min(1),
  sources: z.array(z.string().min(1)).min(1, 'name at least one source PV'),
  destinations: z.array(z.string().min(1)).default([]),
  lv: z.string().min(1).optional(),
  alloc: AllocPolicy.default('normal'),
}).strict();
export type MoveRequest = z.input<typeof MoveRequest>;

export const MoveOptions = z.object({
  /** Mirror region size; a power of two from 8 sectors (a 4 KiB page, as LVM2 and dm-mirror need) to 2^31; default 1024 sectors (512 KiB). */
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
});
export type MovePlanView = z.infer<typeof MovePlanView>;

export const STEP_NAMES = [
  'Suspend',
  'Create temporary device',
  'Load identity + mirror table',
  'Resume and copy',
  'Suspend when copied',
  'Remove temporary device',
  'Update metadata',
  'Load final table and resume',
] as const;

export const StepView = z.object({
  /** 1..8, as in DESIGN §1. */
  number: z.number().int().min(1).max(8),
  name: z.string(),
  /** The LV this step acts on (a move of several LVs runs the steps once per LV). */
  lv: z.string(),
  state: z.enum(['pending', 'waiting', 'running', 'done', 'failed', 'undone']),
  narration: z.string(),
  commands: z.array(z.string()),
  timeMs: z.number(),
});
export type StepView = z.infer<typeof StepView>;

export const RegionRun = z.object({
  start: z.number().int().nonnegative(),
  count: z.number().int().positive(),
  state: z.enum(['pending', 'copying', 'copied']),
});
export type RegionRun = z.infer<typeof RegionRun>;

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
});
export type MirrorProgressView = z.infer<typeof MirrorProgressView>;

export const MoveProgressView = z.object({
  bytesTotal: z.number(),
  bytesCopied: z.number(),
  percent: z.number(),
  bytesPerSec: z.number(),
  etaSeconds: z.number().nullable(),
  rateBytesPerSec: z.number(),
  paused: z.boolean(),
  interceptedWrites: z.number().int(),
  waitingWrites: z.number().int(),
  mirrors: z.array(MirrorProgressView),
});
export type MoveProgressView = z.infer<typeof MoveProgressView>;

export const MoveStateView = z.object({
  id: z.number().int(),
  vg: z.string(),
  status: z.enum(['running', 'paused', 'waiting-step', 'done', 'aborting', 'aborted', 'failed']),
  plan: MovePlanView,
  currentLv: z.string().nullable(),
  step: z.number().int().min(0).max(8),
  steps: z.array(StepView),
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
