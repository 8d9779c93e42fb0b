// The contract between the device-mapper core and its targets (Linux
// `include/linux/device-mapper.h`): a target type is one record of hooks; `ctr` builds the
// target's private state from its table arguments, `map` decides what happens to each IO.

import type { Clock } from '../base/clock';
import type { BlockDevice, IoRequest } from '../block/blockDevice';
import type { Copier } from '../kcopyd/copier';
import type { TargetEventBody } from './events';
import type { TargetSpec, TargetTypeName } from './table';

/**
 * What `map()` did with one IO (the sector of the IO it received is relative to the
 * target's first sector, and the IO never crosses the target's end or its max IO boundary):
 * - `remapped`: the core sends the same IO to `device` at `sector` (DM_MAPIO_REMAPPED).
 * - `submitted`: the target took the IO and finishes it itself; `done` resolves with the
 *   bytes for a read (undefined otherwise) or rejects with an IO error (DM_MAPIO_SUBMITTED).
 * - `requeue`: push the IO back; during a noflush suspend it returns to the head of the
 *   deferred queue, otherwise it fails with an IO error (DM_MAPIO_REQUEUE).
 * - `error`: fail the IO now; `message` says why (DM_MAPIO_KILL).
 */
export type MapResult =
  | { readonly kind: 'remapped'; readonly device: BlockDevice; readonly sector: number }
  | { readonly kind: 'submitted'; readonly done: Promise<Uint8Array | void> }
  | { readonly kind: 'requeue' }
  | { readonly kind: 'error'; readonly message: string };

/** What a target may use while it is constructed and while it runs. */
export interface TargetContext {
  /** The mapped device this target belongs to, e.g. "vg0-lv0" and "254:3". */
  readonly deviceName: string;
  readonly devno: string;
  /** Position of this target in its table (0-based) and the sectors it covers. */
  readonly targetIndex: number;
  readonly beginSector: number;
  readonly lengthSectors: number;
  readonly clock: Clock;
  /** The registry's shared copier (kcopyd). */
  readonly copier: Copier;
  /**
   * Resolves a "maj:min" argument to a registered device, or fails with a sentence naming
   * the target and the argument. The device then counts as opened by this table.
   */
  getDevice(devnoText: string, argumentName: string): BlockDevice;
  /** Splits IO at multiples of this many sectors from the target's start (ti->max_io_len). */
  setMaxIoSectors(sectors: number): void;
  /** Publishes a target event; the core adds the device name, devno and target index. */
  emit(event: TargetEventBody): void;
  /** Bumps the device's event number (dm_table_event), e.g. when a mirror gets in sync. */
  raiseEvent(): void;
}

/** The typed spec of the target type named `N`. */
export type SpecOf<N extends TargetTypeName> = Extract<TargetSpec, { type: N }>;

/**
 * One target type: a single record of hooks. Only `name`, `ctr` and `map` are required.
 * `ctr` receives the typed spec (the registry parsed any text at the edge) and throws an
 * INVALID LvmscopeError with one sentence naming the bad argument; it returns the target's
 * private state, which only the hooks of this record ever see. `status` returns what
 * `dmsetup status` prints after the type (default: empty); the table itself is the spec.
 */
export interface TargetType<N extends TargetTypeName, P> {
  readonly name: N;
  ctr(spec: SpecOf<N>, ctx: TargetContext): P;
  map(p: P, io: IoRequest): MapResult;
  status?(p: P): string;
  presuspend?(p: P): Promise<void> | void;
  postsuspend?(p: P): Promise<void> | void;
  resume?(p: P): Promise<void> | void;
  dtr?(p: P): void;
  message?(p: P, argv: readonly string[]): Promise<string> | string;
}

/** Any target type, as the registry holds them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the registry holds every target type; each checks its own spec and state
export type AnyTargetType = TargetType<any, any>;

/** Identity helper so each target file gets its private type checked. */
export function defineTarget<N extends TargetTypeName, P>(target: TargetType<N, P>): TargetType<N, P> {
  return target;
}
