// The device-mapper as one ordered event stream (DESIGN §2.1 api/): every change the engine's
// dm makes — a device created, a table loaded into the inactive slot, a suspend, a swap, a
// resume, a range of regions that starts or finishes copying, a write held by the mirror, released,
// landed on both legs — is one event with a sequence number. The API batches these events
// (≤ 30 batches a second) but never drops, merges or reorders one, so a client sees every
// moment, even a suspend and a resume within the same millisecond.
//
// A client that connects (or reconnects) asks for a snapshot (`dm.list`: the devices as of
// sequence number S) and applies the events after S with `applyDmEvent`; `DmStreamFollower`
// does exactly that, whatever order the snapshot and the events arrive in. Status lines and
// open counts, which events do not carry, come with `dm.changed`: the devices that changed
// since the dm.changed before it (DmChange).

import { z } from 'zod';
import { DmDeviceView, TargetSpecView, type MirrorSyncView } from './views';
import { targetDevices } from '../dm/table';
import { uniformRuns, withRange } from './regionRuns';

const Ref = {
  /** Which session's stream this is: sequence numbers restart when a workspace is (re)opened. */
  stream: z.number().int().nonnegative(),
  /** 1, 2, 3, … without gaps within a stream. */
  seq: z.number().int().positive(),
  timeMs: z.number(),
  device: z.string(),
  devno: z.string(),
};
const TargetRef = { ...Ref, targetIndex: z.number().int().nonnegative() };
const Write = {
  ...TargetRef,
  region: z.number().int().nonnegative(),
  sector: z.number().int().nonnegative(),
  countSectors: z.number().int().positive(),
  /** The export client (ExportClientView.id, an NBD connection) whose write this is; absent for lvmscope's own workload. */
  client: z.number().int().nonnegative().optional(),
};

export const DmStreamEvent = z.discriminatedUnion('type', [
  z.object({ ...Ref, type: z.literal('device-created'), uuid: z.string() }),
  z.object({ ...Ref, type: z.literal('device-removed') }),
  z.object({ ...Ref, type: z.literal('remove-deferred') }),
  /** A table was loaded into the inactive slot: loaded, not live until a resume swaps it in. */
  z.object({ ...Ref, type: z.literal('table-loaded'), table: z.array(TargetSpecView) }),
  z.object({ ...Ref, type: z.literal('inactive-cleared') }),
  z.object({ ...Ref, type: z.literal('suspending'), noflush: z.boolean(), inFlight: z.number().int() }),
  /** `deferred`: IOs queued while the device is suspended. */
  z.object({ ...Ref, type: z.literal('suspended'), deferred: z.number().int() }),
  /** The inactive table became live (during a resume). */
  z.object({ ...Ref, type: z.literal('table-swapped'), table: z.array(TargetSpecView) }),
  z.object({ ...Ref, type: z.literal('resumed'), replayed: z.number().int() }),
  z.object({ ...Ref, type: z.literal('io-deferred'), op: z.enum(['read', 'write', 'flush']), sector: z.number().int(), countSectors: z.number().int(), queued: z.number().int() }),
  z.object({
    ...Ref,
    type: z.literal('io-counters'),
    io: z.object({ reads: z.number(), writes: z.number(), readSectors: z.number(), writtenSectors: z.number() }),
    inFlight: z.number().int(),
    deferred: z.number().int(),
  }),
  z.object({ ...Ref, type: z.literal('event-number'), eventNumber: z.number().int() }),
  /**
   * Regions [start, start + count) of the mirror at `targetIndex` changed to `state` (the
   * engine gathers consecutive regions into one event, so a million regions copied in order
   * are a few thousand events, each region's own changes in order); `regionsInSync` as of it.
   */
  z.object({
    ...TargetRef,
    type: z.literal('region-range'),
    start: z.number().int().nonnegative(),
    count: z.number().int().positive(),
    state: z.enum(['pending', 'copying', 'copied']),
    regionsInSync: z.number().int(),
    regionsTotal: z.number().int(),
  }),
  z.object({ ...TargetRef, type: z.literal('mirror-in-sync'), regionsTotal: z.number().int() }),
  /** A write to a region not copied yet is held; its region is copied first. `sector` is the device's (absolute). */
  z.object({ ...Write, type: z.literal('write-intercepted'), waitingWrites: z.number().int() }),
  z.object({ ...Write, type: z.literal('write-released'), waitedMs: z.number(), waitingWrites: z.number().int() }),
  z.object({ ...Write, type: z.literal('write-both-legs'), legs: z.number().int() }),
  /** A write to a region not copied and not being copied landed on the source leg only, at once (the kernel's rule; the lvm2 stack). */
  z.object({ ...Write, type: z.literal('write-source-only') }),
  z.object({ ...TargetRef, type: z.literal('leg-error'), leg: z.number().int(), legDevno: z.string(), health: z.string(), message: z.string() }),
]);
export type DmStreamEvent = z.infer<typeof DmStreamEvent>;
export type DmStreamEventType = DmStreamEvent['type'];

/** What `dm.list` answers and `dm.changed` carries: the devices as of sequence number `seq`. */
export const DmSnapshot = z.object({
  stream: z.number().int().nonnegative(),
  /** The last event of the stream this snapshot includes (0: none yet). */
  seq: z.number().int().nonnegative(),
  devices: z.array(DmDeviceView),
});
export type DmSnapshot = z.infer<typeof DmSnapshot>;

/**
 * What `dm.changed` carries (issue 20): the devices whose view changed since the `dm.changed`
 * before it, not every device. In a VG of 10,000 LVs the whole list is 11 MB of JSON, and
 * during a move it was sent again every 33 ms for the one or two devices that changed.
 *
 * `since` is the `seq` of the dm.changed before it in the same stream: every device whose
 * view differs between `since` and `seq` is in `devices` (as of `seq`, new ones included) or,
 * when it is gone, named in `removed`. A client whose devices are as of a snapshot at or after
 * `since` applies it; one that holds an older state (it missed a dm.changed) asks for dm.list.
 * Without `since` the payload is the whole list, a snapshot (recordings of versions 1 and 2
 * carry only those). The first dm.changed of a stream changes nothing (`since` = `seq`): it
 * tells the clients that hold another stream to ask for dm.list, without sending a whole list
 * to the window that opened the workspace and asks for dm.list anyway.
 */
export const DmChange = DmSnapshot.extend({
  since: z.number().int().nonnegative().optional(),
  removed: z.array(z.string()).optional(),
});
export type DmChange = z.infer<typeof DmChange>;

export function isWholeDmChange(change: DmChange): boolean {
  return change.since === undefined;
}

/**
 * `devices` with the changed devices of `change` put in (by name, in place; new ones at the
 * end) and its removed ones taken out. The list stays in minor order as far as it was: the
 * engine gives a new device the lowest free minor, usually the highest.
 */
export function withDmChange(devices: readonly DmDeviceView[], change: Pick<DmChange, 'devices' | 'removed'>): DmDeviceView[] {
  const changed = new Map(change.devices.map((d) => [d.name, d]));
  const removed = new Set(change.removed ?? []);
  const out: DmDeviceView[] = [];
  for (const d of devices) {
    if (removed.has(d.name) && !changed.has(d.name)) continue;
    const next = changed.get(d.name);
    out.push(next ?? d);
    changed.delete(d.name);
  }
  out.push(...changed.values());
  return out;
}

/**
 * Two dm.changed of one stream as one, `newer` right after `older` (the API folds those a
 * client has not been sent yet into one per flush): from `older`'s start to `newer`'s seq.
 */
export function mergeDmChanges(older: DmChange, newer: DmChange): DmChange {
  if (isWholeDmChange(newer) || older.stream !== newer.stream) return newer;
  if (isWholeDmChange(older)) return { stream: newer.stream, seq: newer.seq, devices: withDmChange(older.devices, newer) };
  const changed = new Map(older.devices.map((d) => [d.name, d]));
  const removed = new Set(older.removed ?? []);
  for (const name of newer.removed ?? []) {
    changed.delete(name);
    removed.add(name);
  }
  for (const d of newer.devices) {
    changed.set(d.name, d);
    removed.delete(d.name);
  }
  return { stream: newer.stream, since: older.since, seq: newer.seq, devices: [...changed.values()], removed: [...removed] };
}

/** The mirror's write events, which the move diagram animates: held writes and source-only writes. */
export type WriteEvent = Extract<DmStreamEvent, { type: 'write-intercepted' | 'write-released' | 'write-both-legs' | 'write-source-only' }>;

export function isWriteEvent(e: DmStreamEvent): e is WriteEvent {
  return e.type === 'write-intercepted' || e.type === 'write-released' || e.type === 'write-both-legs' || e.type === 'write-source-only';
}

/** A device as it is right after `dmsetup create`: no table, active, nothing counted. */
function createdDevice(e: Extract<DmStreamEvent, { type: 'device-created' }>): DmDeviceView {
  return {
    name: e.device,
    uuid: e.uuid,
    devno: e.devno,
    state: 'ACTIVE',
    live: null,
    inactive: null,
    status: [],
    mirrors: [],
    openCount: 0,
    eventNr: 0,
    inFlight: 0,
    deferred: 0,
    io: { reads: 0, writes: 0, readSectors: 0, writtenSectors: 0 },
    dependsOn: [],
    deferredRemove: false,
  };
}

/** The mirrors of a table that just went live: nothing in sync yet (unless made `nosync`), until region events say so. */
function mirrorsOf(table: readonly TargetSpecView[]): MirrorSyncView[] {
  return table.flatMap((t, targetIndex) => {
    if (t.type !== 'mirror') return [];
    const regionsTotal = Math.ceil(t.lengthSectors / t.regionSectors);
    const copied = t.sync === 'nosync';
    return [{ targetIndex, regionsInSync: copied ? regionsTotal : 0, regionsTotal, health: 'A'.repeat(t.legs.length), regions: uniformRuns(regionsTotal, copied ? 'copied' : 'pending') }];
  });
}

/** One device after event `e` (which concerns it). */
function applyToDevice(d: DmDeviceView, e: DmStreamEvent): DmDeviceView {
  switch (e.type) {
    case 'remove-deferred':
      return { ...d, deferredRemove: true };
    case 'table-loaded':
      return { ...d, inactive: e.table };
    case 'inactive-cleared':
      return { ...d, inactive: null };
    case 'suspended':
      return { ...d, state: 'SUSPENDED', deferred: e.deferred };
    case 'table-swapped':
      return { ...d, live: e.table, inactive: null, mirrors: mirrorsOf(e.table), dependsOn: [...new Set(e.table.flatMap((t) => targetDevices(t).map((x) => x.devno)))] };
    case 'resumed':
      return { ...d, state: 'ACTIVE', deferred: 0 };
    case 'io-deferred':
      return { ...d, deferred: e.queued };
    case 'io-counters':
      return { ...d, io: e.io, inFlight: e.inFlight, deferred: e.deferred };
    case 'event-number':
      return { ...d, eventNr: e.eventNumber };
    case 'region-range':
      return { ...d, mirrors: d.mirrors.map((m) => (m.targetIndex === e.targetIndex ? { ...m, regionsInSync: e.regionsInSync, regionsTotal: e.regionsTotal, regions: withRange(m.regions, e.start, e.count, e.state) } : m)) };
    case 'leg-error':
      return { ...d, mirrors: d.mirrors.map((m) => (m.targetIndex === e.targetIndex ? { ...m, health: replaceAt(m.health, e.leg, e.health) } : m)) };
    default:
      return d;
  }
}

function replaceAt(text: string, index: number, char: string): string {
  return index < text.length ? text.slice(0, index) + char + text.slice(index + 1) : text;
}

/**
 * The devices after one event. Tables, states, queued IO, counters and mirror sync follow the
 * stream; `status` lines (dmsetup text) and open counts are refreshed by the next snapshot.
 */
export function applyDmEvent(devices: readonly DmDeviceView[], e: DmStreamEvent): DmDeviceView[] {
  if (e.type === 'device-created') return [...devices.filter((d) => d.name !== e.device), createdDevice(e)];
  if (e.type === 'device-removed') return devices.filter((d) => d.name !== e.device);
  return devices.map((d) => (d.name === e.device ? applyToDevice(d, e) : d));
}

/**
 * The devices after a batch of events, as applyDmEvent one after the other would leave them,
 * but copying the list once: opening a VG of 10,000 LVs is 30,000 events over 10,000 devices,
 * which one copy per event made quadratic.
 */
export function applyDmEvents(devices: readonly DmDeviceView[], events: readonly DmStreamEvent[]): DmDeviceView[] {
  if (events.length === 0) return devices as DmDeviceView[];
  const out: (DmDeviceView | null)[] = [...devices];
  // Indexed by the names the events concern only: a batch of a copy names one or two devices of
  // 10,000, and a map of every name, 30 times a second, was most of applying it.
  const named = new Set(events.map((e) => e.device));
  const at = new Map<string, number>();
  out.forEach((d, i) => named.has(d!.name) && at.set(d!.name, i));
  for (const e of events) {
    const i = at.get(e.device);
    if (e.type === 'device-created' || e.type === 'device-removed') {
      if (i !== undefined) out[i] = null;
      at.delete(e.device);
      if (e.type === 'device-created') at.set(e.device, out.push(createdDevice(e)) - 1);
    } else if (i !== undefined) {
      out[i] = applyToDevice(out[i]!, e);
    }
  }
  return out.filter((d): d is DmDeviceView => d !== null);
}

/** How many events a follower keeps to replay over a snapshot older than what it has applied. */
export const FOLLOWER_LOG_LIMIT = 4096;
/** How many changes a follower keeps while it waits for a snapshot they may follow. */
const WAITING_CHANGES_LIMIT = 64;

/**
 * A client's view of the stream: the devices as of `seq`, from a snapshot plus the events
 * after it, whichever arrives first. Events at or before the snapshot's `seq` are skipped;
 * events the client saw before an older snapshot are replayed on top of it.
 */
export class DmStreamFollower {
  stream = -1;
  seq = 0;
  devices: DmDeviceView[] = [];
  /** Events of the current stream applied or waiting for their snapshot, oldest first. */
  private log: DmStreamEvent[] = [];
  private hasSnapshot = false;
  /**
   * The newest seq whose whole device list this follower holds (a snapshot, or a dm.changed
   * applied on one); -1: none. Devices changed after it are known from events only, so their
   * status lines and open counts wait for the next dm.changed.
   */
  private base = -1;
  /**
   * Changes that did not follow the devices held (the snapshot asked for is on its way), oldest
   * first: those that follow the snapshot when it comes are applied after it.
   */
  private waiting: DmChange[] = [];

  /**
   * Applies a dm.changed: a whole list as a snapshot; a change onto the devices held when it
   * follows them (`since` not newer than the snapshot they came from). Returns the events
   * replayed on top (newer than it), or 'missed' when the change does not follow what this
   * follower holds: the caller asks for a snapshot (dm.list).
   */
  applyChange(change: DmChange): DmStreamEvent[] | 'missed' {
    if (isWholeDmChange(change)) return this.applySnapshot(change);
    if (change.stream < this.stream) return [];
    if (change.stream !== this.stream || !this.hasSnapshot || change.since! > this.base) {
      this.waiting = [...this.waiting.filter((w) => w.stream === change.stream), change].slice(-WAITING_CHANGES_LIMIT);
      return 'missed';
    }
    // Older than the list held (a dm.list answered after the engine sent it): nothing new. One
    // as of the same seq is applied: a list put back from a replay's keyframe holds the events up
    // to that seq, not the status lines and counters this change brings.
    if (change.seq < this.base) return [];
    const names = new Set([...change.devices.map((d) => d.name), ...(change.removed ?? [])]);
    this.devices = withDmChange(this.devices, change);
    this.base = change.seq;
    // The changed devices are as of `seq`: their own later events are applied again on top.
    const newer = this.log.filter((e) => e.seq > change.seq && names.has(e.device));
    if (newer.length) this.devices = applyDmEvents(this.devices, newer);
    this.seq = Math.max(this.seq, change.seq);
    return newer;
  }

  /** Applies a snapshot; returns the events replayed on top of it (newer than the snapshot). */
  applySnapshot(snapshot: DmSnapshot): DmStreamEvent[] {
    if (snapshot.stream !== this.stream) {
      this.log = this.log.filter((e) => e.stream === snapshot.stream);
      this.stream = snapshot.stream;
    }
    this.hasSnapshot = true;
    this.devices = snapshot.devices;
    this.seq = snapshot.seq;
    this.base = snapshot.seq;
    const newer = this.log.filter((e) => e.seq > snapshot.seq);
    this.applyBatch(newer);
    this.log = newer;
    // Changes that came before this snapshot and are newer than it: on top, while they follow.
    const waiting = this.waiting.filter((w) => w.stream === snapshot.stream && w.seq >= snapshot.seq);
    this.waiting = [];
    for (const [i, change] of waiting.entries()) {
      if (this.applyChange(change) !== 'missed') continue;
      this.waiting = waiting.slice(i);
      break;
    }
    return newer;
  }

  /** Applies a batch of events; returns those that were new (in order). */
  applyEvents(events: readonly DmStreamEvent[]): DmStreamEvent[] {
    const fresh: DmStreamEvent[] = [];
    // Applied in one batch (applyDmEvents), up to a switch of stream and after it.
    let pending: DmStreamEvent[] = [];
    for (const e of events) {
      if (e.stream !== this.stream) {
        // A new stream (the workspace was reopened): wait for its snapshot.
        if (e.stream < this.stream) continue;
        if (this.hasSnapshot) this.applyBatch(pending);
        pending = [];
        this.stream = e.stream;
        this.hasSnapshot = false;
        this.log = [];
        this.seq = 0;
        this.base = -1;
      }
      if (this.hasSnapshot && e.seq <= (pending.at(-1)?.seq ?? this.seq)) continue;
      this.log.push(e);
      if (this.log.length > FOLLOWER_LOG_LIMIT) this.log.splice(0, this.log.length - FOLLOWER_LOG_LIMIT);
      if (this.hasSnapshot) pending.push(e);
      fresh.push(e);
    }
    if (this.hasSnapshot) this.applyBatch(pending);
    return fresh;
  }

  private applyBatch(events: readonly DmStreamEvent[]): void {
    if (events.length === 0) return;
    this.devices = applyDmEvents(this.devices, events);
    this.seq = events[events.length - 1].seq;
  }
}
