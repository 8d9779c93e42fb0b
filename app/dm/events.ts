// Every change in the device-mapper is published as one of these events, so the UI can draw
// devices, tables, suspends, IO and the mirror's copy as they happen. Events that could be
// frequent (IO counters, region progress, copier progress) are coalesced over a short
// interval and carry run-length ranges, never one event per IO or per region.

import type { CopierProgress } from '../kcopyd/copier';
import type { RegionRange } from './regions';

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

/** Events a target emits; the core adds `device`, `devno` and `targetIndex`. */
export type TargetEventBody =
  | {
      readonly type: 'mirror-regions';
      /** Regions whose state changed since the previous event, as runs of one state. */
      readonly changed: readonly RegionRange[];
      readonly inSyncRegions: number;
      readonly nrRegions: number;
    }
  | { readonly type: 'mirror-in-sync'; readonly nrRegions: number }
  | { readonly type: 'write-intercepted'; readonly region: number; readonly sector: number; readonly countSectors: number; readonly waitingWrites: number }
  | { readonly type: 'write-released'; readonly region: number; readonly waitedMs: number; readonly waitingWrites: number }
  | { readonly type: 'leg-error'; readonly leg: number; readonly legDevno: string; readonly health: string; readonly message: string }
  | { readonly type: 'flakey-state'; readonly up: boolean; readonly reason: string };

export type TargetEvent = TargetEventBody & DeviceRef & { readonly targetIndex: number };

export type DmEvent =
  | (DeviceRef & { readonly type: 'device-created'; readonly uuid: string })
  | (DeviceRef & { readonly type: 'device-removed' })
  | (DeviceRef & { readonly type: 'remove-deferred' })
  | (DeviceRef & { readonly type: 'table-loaded'; readonly table: string })
  | (DeviceRef & { readonly type: 'inactive-cleared' })
  | (DeviceRef & { readonly type: 'suspending'; readonly noflush: boolean; readonly inFlight: number })
  | (DeviceRef & { readonly type: 'suspended'; readonly deferred: number })
  | (DeviceRef & { readonly type: 'table-swapped'; readonly table: string })
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
