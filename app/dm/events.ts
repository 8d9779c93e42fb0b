// Every change in the device-mapper is published as one of these events, so the UI can draw
// devices, tables, suspends, IO and the mirror's copy as they happen. Every state change is
// in an event, in the order it happened (a write held → released → on both legs; a mirror's
// regions as ranges of consecutive regions, each region's copying → copied in order), so
// nothing is lost between two looks; IO counters and the copier's progress, which change on
// every IO, are published at most once per interval.
// The API batches these events before they cross a process boundary, never dropping one.

import type { CopierProgress } from '../kcopyd/copier';
import type { RegionState } from './regions';
import type { TableSpec } from './table';

export type DeviceState = 'ACTIVE' | 'SUSPENDED';

/** Fields every device event carries. */
export interface DeviceRef {
  readonly device: string;
  readonly devno: string;
}

export interface IoCounters {
  reads: number;
  writes: number;
  flushes: number;
  readSectors: number;
  writtenSectors: number;
}

/** Events a target emits; the core adds `device`, `devno` and `targetIndex`. Sectors are absolute (of the device). */
export type TargetEventBody =
  /**
   * Regions [start, start + count) of a mirror changed to `state` (not-copied → copying →
   * copied, or back on a failed copy); `inSyncRegions` counts the copied regions as of this event.
   */
  | { readonly type: 'region-range'; readonly start: number; readonly count: number; readonly state: RegionState; readonly inSyncRegions: number; readonly nrRegions: number }
  | { readonly type: 'mirror-in-sync'; readonly nrRegions: number }
  /** A write hit a region not copied yet: it is held while that region is copied first. */
  | { readonly type: 'write-intercepted'; readonly region: number; readonly sector: number; readonly countSectors: number; readonly waitingWrites: number; readonly client?: number }
  /** The held write's region is copied: the write goes on. */
  | { readonly type: 'write-released'; readonly region: number; readonly sector: number; readonly countSectors: number; readonly waitedMs: number; readonly waitingWrites: number; readonly client?: number }
  /** The released write landed on every leg. */
  | { readonly type: 'write-both-legs'; readonly region: number; readonly sector: number; readonly countSectors: number; readonly legs: number; readonly client?: number }
  /**
   * A write to a region not copied and not being copied (the kernel's NOSYNC) landed on the
   * source leg only, without waiting (mirrors with the kernel's write rule); the region stays
   * not copied and its copy, later, carries the new data to the other legs.
   */
  | { readonly type: 'write-source-only'; readonly region: number; readonly sector: number; readonly countSectors: number; readonly client?: number }
  | { readonly type: 'leg-error'; readonly leg: number; readonly legDevno: string; readonly health: string; readonly message: string }
  | { readonly type: 'flakey-state'; readonly up: boolean; readonly reason: string };

export type TargetEvent = TargetEventBody & DeviceRef & { readonly targetIndex: number };

export type DmEvent =
  | (DeviceRef & { readonly type: 'device-created'; readonly uuid: string })
  | (DeviceRef & { readonly type: 'device-removed' })
  | (DeviceRef & { readonly type: 'remove-deferred' })
  /** A table went into the inactive slot (loaded, not live until a resume swaps it in). */
  | (DeviceRef & { readonly type: 'table-loaded'; readonly table: TableSpec })
  | (DeviceRef & { readonly type: 'inactive-cleared' })
  | (DeviceRef & { readonly type: 'suspending'; readonly noflush: boolean; readonly inFlight: number })
  | (DeviceRef & { readonly type: 'suspended'; readonly deferred: number })
  /** The inactive table became the live one (during a resume). */
  | (DeviceRef & { readonly type: 'table-swapped'; readonly table: TableSpec })
  | (DeviceRef & { readonly type: 'resumed'; readonly replayed: number })
  | (DeviceRef & { readonly type: 'io-deferred'; readonly op: 'read' | 'write' | 'flush'; readonly sector: number; readonly countSectors: number; readonly queued: number })
  | (DeviceRef & { readonly type: 'io-counters'; readonly counters: Readonly<IoCounters>; readonly inFlight: number; readonly deferred: number })
  | (DeviceRef & { readonly type: 'event-number'; readonly eventNumber: number })
  | (DeviceRef & { readonly type: 'image-added' })
  | (DeviceRef & { readonly type: 'image-removed' })
  | TargetEvent
  /** The copier's progress (jobs finished since the previous event, as run-length ranges). */
  | ({ readonly type: 'copier-progress' } & CopierProgress);

export type DmEventType = DmEvent['type'];
