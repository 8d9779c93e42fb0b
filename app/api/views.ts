// What the engine shows its hosts: plain-data views of the workspace (VGs, PVs, LVs,
// segments, extent runs), of the device-mapper stack, and of a move. These schemas are the
// seam between the engine and every UI (renderer, CLI, tests): the renderer draws only what
// these say. Names for PVs are the image file names without extension (`pv2` for pv2.img),
// as LVM2 shows device names; `pvSection` is the metadata's own `pvN` key.

import { z } from 'zod';
import type { TargetSpec } from '../dm/table';

// The dmsetup printer of typed tables, for the views that show a table as a person reads it
// (the device panel, the step cards): the renderer imports it from here, never from app/dm.
export { formatTable, formatTarget, targetDevices } from '../dm/table';

export const ExtentRun = z.object({
  startPe: z.number().int().nonnegative(),
  count: z.number().int().positive(),
  /** null = free space. */
  lv: z.string().nullable(),
  /** First LE of `lv` in this run (null when free). */
  le: z.number().int().nonnegative().nullable(),
  /** Part of a move in progress (source or destination of a pvmove0 segment). */
  moving: z.enum(['source', 'destination']).nullable(),
});
export type ExtentRun = z.infer<typeof ExtentRun>;

export const PvView = z.object({
  name: z.string(),
  image: z.string(),
  pvSection: z.string(),
  uuid: z.string(),
  devno: z.string(),
  sizeBytes: z.number(),
  peStartSectors: z.number(),
  peCount: z.number().int(),
  allocatedCount: z.number().int(),
  allocatable: z.boolean(),
  missing: z.boolean(),
  runs: z.array(ExtentRun),
});
export type PvView = z.infer<typeof PvView>;

export const SegmentArea = z.object({
  /** PV name (image name) for areas on a PV, or LV name for stacked areas (`pvmove0`). */
  target: z.string(),
  kind: z.enum(['pv', 'lv']),
  /** PE index on the PV, or LE index in the LV. */
  start: z.number().int().nonnegative(),
});
export type SegmentArea = z.infer<typeof SegmentArea>;

export const SegmentView = z.object({
  index: z.number().int().positive(),
  startLe: z.number().int().nonnegative(),
  count: z.number().int().positive(),
  type: z.string(),
  areas: z.array(SegmentArea),
  /** mirror segments of pvmove0 */
  extentsMoved: z.number().int().nullable(),
  regionSizeSectors: z.number().int().nullable(),
  /** Why this segment cannot be moved, or null if it can. */
  unmovableReason: z.string().nullable(),
});
export type SegmentView = z.infer<typeof SegmentView>;

export const LvView = z.object({
  name: z.string(),
  uuid: z.string(),
  status: z.array(z.string()),
  hidden: z.boolean(),
  locked: z.boolean(),
  extentCount: z.number().int(),
  sizeBytes: z.number(),
  segments: z.array(SegmentView),
  /** dm name when active (`vg0-lv0`), else null. */
  dmName: z.string().nullable(),
});
export type LvView = z.infer<typeof LvView>;

export const MoveRecoveryView = z.object({
  /** The hidden layer LV holding the move (`pvmove0`). */
  layer: z.string(),
  lvs: z.array(z.string()),
  sources: z.array(z.string()),
  destinations: z.array(z.string()),
  extentsTotal: z.number().int(),
  extentsMoved: z.number().int(),
  /** One sentence: what was moving and how far it got. */
  summary: z.string(),
});
export type MoveRecoveryView = z.infer<typeof MoveRecoveryView>;

export const VgView = z.object({
  name: z.string(),
  uuid: z.string(),
  seqno: z.number().int(),
  extentSizeSectors: z.number().int(),
  peCount: z.number().int(),
  freeCount: z.number().int(),
  sizeBytes: z.number(),
  freeBytes: z.number(),
  status: z.array(z.string()),
  readOnlyReason: z.string().nullable(),
  pvs: z.array(PvView),
  lvs: z.array(LvView),
  moveInProgress: MoveRecoveryView.nullable(),
});
export type VgView = z.infer<typeof VgView>;

export const Problem = z.object({
  severity: z.enum(['info', 'warning', 'error']),
  message: z.string(),
});
export type Problem = z.infer<typeof Problem>;

export const WorkspaceView = z.object({
  path: z.string(),
  /**
   * Which view of the engine this is: every view it gives out has one, and `workspace.changed`
   * announces each next revision as a change against the one before (api/workspaceChange.ts).
   * Absent in recordings made before changes were sent.
   */
  revision: z.number().int().positive().optional(),
  images: z.array(z.object({ name: z.string(), sizeBytes: z.number(), devno: z.string().nullable(), role: z.enum(['pv', 'orphan-pv', 'not-lvm', 'unreadable']) })),
  vgs: z.array(VgView),
  problems: z.array(Problem),
});
export type WorkspaceView = z.infer<typeof WorkspaceView>;

const DeviceOffsetView = z.object({ devno: z.string(), offsetSectors: z.number().int().nonnegative() });
const Placement = { startSector: z.number().int().nonnegative(), lengthSectors: z.number().int().positive() };

/** One target of a dm table, typed (app/dm/table.ts TargetSpec); `formatTarget` prints it in dmsetup syntax. */
export const TargetSpecView = z.discriminatedUnion('type', [
  z.object({ ...Placement, type: z.literal('linear'), device: DeviceOffsetView }),
  z.object({ ...Placement, type: z.literal('striped'), chunkSectors: z.number().int().positive(), stripes: z.array(DeviceOffsetView).readonly() }),
  z.object({
    ...Placement,
    type: z.literal('mirror'),
    regionSectors: z.number().int().positive(),
    sync: z.enum(['default', 'sync', 'nosync']),
    legs: z.array(DeviceOffsetView).readonly(),
    handleErrors: z.boolean(),
    /** Absent: the kernel's dm-raid1 rule; 'intercept': the 2002 outline's (app/dm/table.ts). */
    writeRule: z.enum(['dm-raid1', 'intercept']).optional(),
  }),
  z.object({ ...Placement, type: z.literal('zero') }),
  z.object({ ...Placement, type: z.literal('error') }),
  z.object({ ...Placement, type: z.literal('flakey'), device: DeviceOffsetView, upSeconds: z.number().int(), downSeconds: z.number().int(), features: z.array(z.string()).readonly() }),
]);
export type TargetSpecView = z.infer<typeof TargetSpecView>;

// The schema and the engine's type describe the same data: each must be assignable to the
// other, or this stops compiling.
export const specAsView = (spec: TargetSpec): TargetSpecView => spec;
export const viewAsSpec = (view: TargetSpecView): TargetSpec => view;

/**
 * `count` consecutive regions of a mirror from `start`, all in one state: a mirror's regions
 * are always sent as runs (a million regions copied in order are a few runs), never one by one.
 */
export const RegionRun = z.object({
  start: z.number().int().nonnegative(),
  count: z.number().int().positive(),
  state: z.enum(['pending', 'copying', 'copied']),
});
export type RegionRun = z.infer<typeof RegionRun>;

/** What `dmsetup status` says of one mirror target of the live table, as data, plus which regions are in sync. */
export const MirrorSyncView = z.object({
  targetIndex: z.number().int().nonnegative(),
  regionsInSync: z.number().int().nonnegative(),
  regionsTotal: z.number().int().positive(),
  /** One character per leg: A alive, D write error, S sync error, R read error, F flush error. */
  health: z.string(),
  /** Every region as runs, in order (the core log's sync bits; `region-range` events keep them current). */
  regions: z.array(RegionRun),
});
export type MirrorSyncView = z.infer<typeof MirrorSyncView>;

export const DmDeviceView = z.object({
  name: z.string(),
  uuid: z.string(),
  devno: z.string(),
  state: z.enum(['ACTIVE', 'SUSPENDED']),
  /** The live and the inactive table, typed (null = no table in that slot). */
  live: z.array(TargetSpecView).nullable(),
  inactive: z.array(TargetSpecView).nullable(),
  /** `dmsetup status` lines. */
  status: z.array(z.string()),
  /** The mirror targets of the live table and their copy state. */
  mirrors: z.array(MirrorSyncView),
  openCount: z.number().int(),
  eventNr: z.number().int(),
  inFlight: z.number().int(),
  deferred: z.number().int(),
  io: z.object({ reads: z.number(), writes: z.number(), readSectors: z.number(), writtenSectors: z.number() }),
  /** devnos this device's live table maps onto (for drawing the stack). */
  dependsOn: z.array(z.string()),
  /** `dmsetup remove --deferred` marked it: it goes when its last user lets go (`dmsetup info`: DEFERRED REMOVE). */
  deferredRemove: z.boolean().optional(),
});
export type DmDeviceView = z.infer<typeof DmDeviceView>;
