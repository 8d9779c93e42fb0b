// dm-raid1 with a core log, as pvmove drives it: background recovery copies regions from leg
// 0 (the source) to the other legs in ascending order; reads come from leg 0, flushes go to
// every leg, writes to copied regions go to every leg. A write to a region not copied yet
// follows the table's write rule (TargetParams.writeRule in ../table.ts):
// - 'dm-raid1', the kernel's (drivers/md/dm-raid1.c do_writes, dm-region-hash.c): a region
//   not copied and not being copied (NOSYNC) takes the write on leg 0 only, at once, and stays
//   not copied: its copy, later, carries the new data. A region being copied (RECOVERING: its
//   copy is queued or running) holds the write on its delayed list until the copy ends, then
//   the write goes to every leg. Recovery quiesces a region before copying it: a region whose
//   source-only writes are still in flight is marked RECOVERING (new writes are held) and its
//   copy starts once they have all ended (__rh_recovery_prepare, dm_rh_dec), so a copy never
//   reads the source under a write it would then miss.
// - 'intercept', the seed's (DESIGN §1 step 4, the outline stack): the write puts its region's
//   copy at the front (the copier's priority lane) and waits for it, then goes to every leg.
// Recovery keeps as many regions queued as the copier asks for (`jobsToKeepQueued`: the kernel
// does one at a time; here adjacent regions share the copier's large chunks, which is what
// lets a move run at the disk's speed). Every queued region counts as RECOVERING, as the one
// region the kernel hands out does.

import { defineTarget, type SpecOf, type TargetContext } from '../target';
import type { TargetEventBody } from '../events';
import type { BlockDevice, IoRequest } from '../../block/blockDevice';
import { LvmscopeError } from '../../base/result';
import { isPowerOfTwo } from '../../base/units';
import type { CopyJob, CopyOutcome } from '../../kcopyd/copier';
import type { Timer } from '../../base/clock';
import { RegionMap, type RegionRange, type RegionState } from '../regions';
import { checkCount, checkFits, type MirrorWriteRule } from '../table';

/** What pvmove (or the UI) may observe of a running mirror. */
export interface MirrorControl {
  readonly regionSizeSectors: number;
  readonly nrRegions: number;
  readonly inSyncRegions: number;
  readonly isInSync: boolean;
  /** What a write to a region not copied yet does (see TargetParams.writeRule). */
  readonly writeRule: MirrorWriteRule;
  /** Writes that had to wait for their region's copy, since construction. */
  readonly interceptedWrites: number;
  /** Writes that went to the source leg only (the kernel's rule, regions not being copied), since construction. */
  readonly sourceOnlyWrites: number;
  /** Writes waiting for a copy right now. */
  readonly waitingWrites: number;
  /** Regions that have writes waiting for their copy right now, ascending. */
  waitingRegions(): number[];
  /** One character per leg, as in `dmsetup status`: A alive, D write error, S sync error, R read error, F flush error. */
  readonly health: string;
  regionState(region: number): RegionState;
  /** The whole region map as runs of one state. */
  regionRanges(): RegionRange[];
  /** Resolves when every region is copied; rejects if the mirror is destroyed first. */
  awaitInSync(): Promise<void>;
}

interface Leg {
  readonly device: BlockDevice;
  readonly offsetSectors: number;
  health: string;
}

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
}

export interface MirrorState {
  readonly ctx: TargetContext;
  readonly legs: readonly Leg[];
  readonly regionSectors: number;
  readonly regionShift: number;
  readonly regions: RegionMap;
  readonly owner: string;
  readonly control: MirrorControl;
  readonly writeRule: MirrorWriteRule;
  recovering: boolean;
  destroyed: boolean;
  cursor: number;
  backgroundJobs: number;
  interceptedWrites: number;
  waitingWrites: number;
  sourceOnlyWrites: number;
  /** Source-only writes in flight, by region (the region hash's `pending` of a NOSYNC region). */
  readonly sourceOnlyInFlight: Map<number, number>;
  /** Regions recovery handed out whose source-only writes have not all ended yet: RECOVERING, copy not queued (counted in backgroundJobs). */
  readonly quiescing: Set<number>;
  readonly jobs: Map<number, { job: CopyJob; background: boolean }>;
  readonly waiters: Map<number, Waiter[]>;
  syncWaiters: Waiter[];
  /** Region changes not announced yet, as ranges in the order they are to be announced (see setRegion). */
  readonly unannounced: { start: number; count: number; state: RegionState }[];
  announceTimer: Timer | null;
}

/** How long a region change may wait to be announced with its neighbours (the API sends ≤ 30 batches a second). */
export const REGION_EVENT_MS = 20;

const invalid = (message: string): never => {
  throw new LvmscopeError('INVALID', message);
};

export const mirrorTarget = defineTarget({
  name: 'mirror',
  // core <#log args> <region size> [sync|nosync] <#legs> [<dev> <offset>]{#legs} [<#features> handle_errors]
  ctr(spec, ctx): MirrorState {
    checkRegionSize(spec.regionSectors, ctx.lengthSectors);
    const legCount = spec.legs.length;
    if (legCount < 2 || legCount > 9) invalid(`mirror: the number of legs must be 2 to 9, not ${legCount}.`);
    const legs = spec.legs.map((given, i): Leg => {
      checkCount('mirror', `offset of leg ${i}`, given.offsetSectors);
      const device = ctx.getDevice(given.devno, `device of leg ${i}`);
      checkFits('mirror', device, given.offsetSectors, ctx.lengthSectors);
      return { device, offsetSectors: given.offsetSectors, health: 'A' };
    });
    ctx.setMaxIoSectors(spec.regionSectors);
    return newState(ctx, legs, spec);
  },
  map(s, io) {
    if (io.op === 'read') return { kind: 'remapped', device: s.legs[0].device, sector: s.legs[0].offsetSectors + io.sector };
    if (io.op === 'flush') return { kind: 'submitted', done: flushAllLegs(s) };
    const region = io.sector >> s.regionShift;
    if (s.regions.get(region) === 'copied') return { kind: 'submitted', done: writeAllLegs(s, io) };
    if (s.writeRule === 'intercept' || isRecovering(s, region)) return { kind: 'submitted', done: holdWrite(s, region, io) };
    return { kind: 'submitted', done: writeSourceOnly(s, region, io) };
  },
  status(s) {
    const devnos = s.legs.map((l) => l.device.devno).join(' ');
    return `${s.legs.length} ${devnos} ${s.regions.inSyncRegions}/${s.regions.nrRegions} 1 ${s.legs.map((l) => l.health).join('')} 1 core`;
  },
  async presuspend(s) {
    // Stop handing out regions; background copies that have not started are withdrawn, and
    // copies already running (or that a write waits on) are allowed to finish.
    s.recovering = false;
    for (const [, entry] of s.jobs) if (entry.background && entry.job.state === 'queued' && !entry.job.priority) s.ctx.copier.cancel(entry.job);
    // A quiescing region no write waits for goes back to not copied; one a write waits for is
    // copied once its source-only writes end (the core's wait for in-flight IO covers it).
    for (const region of [...s.quiescing]) if (!s.waiters.has(region)) unquiesce(s, region);
    await Promise.all([...s.jobs.values()].map((e) => e.job.done));
    announceRegions(s);
  },
  resume(s) {
    // A core log keeps its sync bits in memory but restarts its search at region 0.
    s.recovering = true;
    s.cursor = 0;
    pumpRecovery(s);
  },
  dtr(s) {
    announceRegions(s);
    s.destroyed = true;
    s.recovering = false;
    for (const [, entry] of s.jobs) s.ctx.copier.cancel(entry.job);
    const gone = new LvmscopeError('STATE', `${s.ctx.deviceName}: the mirror was removed or replaced before it finished copying.`);
    for (const region of [...s.quiescing]) {
      for (const w of s.waiters.get(region) ?? []) w.reject(gone);
      s.waiters.delete(region);
      unquiesce(s, region);
    }
    for (const w of s.syncWaiters) w.reject(gone);
    s.syncWaiters = [];
  },
});

function checkRegionSize(regionSectors: number, lengthSectors: number): void {
  if (!isPowerOfTwo(regionSectors) || regionSectors < 2) invalid(`mirror: region size must be a power of two of at least 2 sectors, not ${regionSectors}.`);
  if (regionSectors > lengthSectors) invalid(`mirror: region size (${regionSectors} sectors) must not exceed the target length (${lengthSectors} sectors).`);
}

function newState(ctx: TargetContext, legs: Leg[], spec: SpecOf<'mirror'>): MirrorState {
  const nrRegions = Math.ceil(ctx.lengthSectors / spec.regionSectors);
  // Without an argument (what pvmove uses) a core log starts with every region out of sync.
  const regions = new RegionMap(nrRegions, spec.sync === 'nosync' ? 'copied' : 'not-copied');
  const s: MirrorState = {
    ctx,
    legs,
    regionSectors: spec.regionSectors,
    regionShift: Math.log2(spec.regionSectors),
    regions,
    owner: `${ctx.deviceName}[${ctx.targetIndex}]`,
    control: undefined as unknown as MirrorControl,
    writeRule: spec.writeRule ?? 'dm-raid1',
    recovering: false,
    destroyed: false,
    cursor: 0,
    backgroundJobs: 0,
    interceptedWrites: 0,
    waitingWrites: 0,
    sourceOnlyWrites: 0,
    sourceOnlyInFlight: new Map(),
    quiescing: new Set(),
    jobs: new Map(),
    waiters: new Map(),
    syncWaiters: [],
    unannounced: [],
    announceTimer: null,
  };
  (s as { control: MirrorControl }).control = makeControl(s);
  return s;
}

function makeControl(s: MirrorState): MirrorControl {
  return {
    regionSizeSectors: s.regionSectors,
    nrRegions: s.regions.nrRegions,
    get inSyncRegions() {
      return s.regions.inSyncRegions;
    },
    get isInSync() {
      return s.regions.inSyncRegions === s.regions.nrRegions;
    },
    writeRule: s.writeRule,
    get interceptedWrites() {
      return s.interceptedWrites;
    },
    get sourceOnlyWrites() {
      return s.sourceOnlyWrites;
    },
    get waitingWrites() {
      return s.waitingWrites;
    },
    get health() {
      return s.legs.map((l) => l.health).join('');
    },
    waitingRegions: () => [...s.waiters.keys()].sort((a, b) => a - b),
    regionState: (region) => s.regions.get(region),
    regionRanges: () => s.regions.ranges(),
    awaitInSync: () => {
      if (s.regions.inSyncRegions === s.regions.nrRegions) return Promise.resolve();
      if (s.destroyed) return Promise.reject(new LvmscopeError('STATE', `${s.ctx.deviceName}: the mirror was removed before it finished copying.`));
      return new Promise((resolve, reject) => s.syncWaiters.push({ resolve, reject }));
    },
  };
}

/**
 * Hands out the next out-of-sync regions, ascending, up to the window: each is RECOVERING from
 * here on. One with source-only writes in flight quiesces first (its copy starts when they end).
 */
function pumpRecovery(s: MirrorState): void {
  const window = s.ctx.copier.jobsToKeepQueued(s.regionSectors);
  while (s.recovering && s.backgroundJobs < window) {
    const region = s.regions.next(s.cursor, 'not-copied');
    if (region < 0) return;
    s.cursor = region + 1;
    if (isRecovering(s, region)) continue;
    if (s.sourceOnlyInFlight.has(region)) {
      s.quiescing.add(region);
      s.backgroundJobs += 1;
    } else startRegionCopy(s, region, false);
  }
}

/** The kernel's RECOVERING: recovery has handed the region out (its copy is queued, running, or waits for the region to quiesce). */
function isRecovering(s: MirrorState, region: number): boolean {
  return s.jobs.has(region) || s.quiescing.has(region);
}

/** Takes a quiescing region back from recovery (it is not copied and not being copied again). */
function unquiesce(s: MirrorState, region: number): void {
  if (!s.quiescing.delete(region)) return;
  s.backgroundJobs -= 1;
}

function startRegionCopy(s: MirrorState, region: number, priority: boolean): CopyJob {
  const source = s.legs[0];
  const offset = region * s.regionSectors;
  const countSectors = Math.min(s.regionSectors, s.ctx.lengthSectors - offset);
  // The region shows as copying once the copier starts on it, not while it waits in a queue.
  const job = s.ctx.copier.copy({
    owner: s.owner,
    source: source.device,
    sourceSector: source.offsetSectors + offset,
    destinations: s.legs.slice(1).map((l) => ({ device: l.device, sector: l.offsetSectors + offset })),
    countSectors,
    priority,
    region,
    onStart: () => {
      if (s.regions.get(region) === 'not-copied') setRegion(s, region, 'copying');
    },
  });
  s.jobs.set(region, { job, background: !priority });
  if (!priority) s.backgroundJobs += 1;
  job.done.then((outcome) => regionCopyDone(s, region, outcome));
  return job;
}

function regionCopyDone(s: MirrorState, region: number, outcome: CopyOutcome): void {
  const entry = s.jobs.get(region);
  s.jobs.delete(region);
  if (entry?.background) s.backgroundJobs -= 1;
  const waiters = s.waiters.get(region) ?? [];
  if (!outcome.ok && outcome.cancelled && waiters.length > 0 && !s.destroyed) {
    // A suspend withdrew a queued copy just as a write came to wait for it: copy it for that write.
    startRegionCopy(s, region, true);
    return;
  }
  s.waiters.delete(region);
  if (outcome.ok) {
    setRegion(s, region, 'copied');
    for (const w of waiters) w.resolve();
  } else {
    setRegion(s, region, 'not-copied');
    if (!outcome.cancelled) legFailed(s, 1, 'S', `copying region ${region} failed: ${outcome.message}`);
    const error = new LvmscopeError('IO', `${s.ctx.deviceName}: the write waited for region ${region}, whose copy did not complete (${outcome.message}).`);
    for (const w of waiters) w.reject(error);
  }
  if (s.regions.inSyncRegions === s.regions.nrRegions) reachedSync(s);
  else if (!s.destroyed) pumpRecovery(s);
}

function reachedSync(s: MirrorState): void {
  emit(s, { type: 'mirror-in-sync', nrRegions: s.regions.nrRegions });
  s.ctx.raiseEvent();
  const waiters = s.syncWaiters;
  s.syncWaiters = [];
  for (const w of waiters) w.resolve();
}

/**
 * The write waits for its region's copy, then goes to every leg. The copy moves to the front
 * of the copier's queue: under the outline's rule the write asked for it; under the kernel's
 * the region was already being copied, and the priority lane only decides how soon (a
 * quiescing region's copy starts in that lane once its source-only writes end).
 */
async function holdWrite(s: MirrorState, region: number, io: Extract<IoRequest, { op: 'write' }>): Promise<void> {
  s.interceptedWrites += 1;
  s.waitingWrites += 1;
  const startedMs = s.ctx.clock.now();
  const sector = s.ctx.beginSector + io.sector;
  // Announced before the copy is queued, so the region's "copying" follows the hold.
  const client = io.client === undefined ? {} : { client: io.client };
  emit(s, { type: 'write-intercepted', region, sector, countSectors: io.countSectors, waitingWrites: s.waitingWrites, ...client });
  const existing = s.jobs.get(region);
  if (existing) s.ctx.copier.promote(existing.job);
  else if (!s.quiescing.has(region)) startRegionCopy(s, region, true);
  try {
    await new Promise<void>((resolve, reject) => {
      let list = s.waiters.get(region);
      if (!list) s.waiters.set(region, (list = []));
      list.push({ resolve, reject });
    });
  } finally {
    s.waitingWrites -= 1;
  }
  emit(s, { type: 'write-released', region, sector, countSectors: io.countSectors, waitedMs: s.ctx.clock.now() - startedMs, waitingWrites: s.waitingWrites, ...client });
  await writeAllLegs(s, io);
  emit(s, { type: 'write-both-legs', region, sector, countSectors: io.countSectors, legs: s.legs.length, ...client });
}

/**
 * The kernel's NOSYNC write: leg 0 only, at once. It counts as pending on its region while in
 * flight, so recovery quiesces the region before copying it; the region stays not copied.
 */
async function writeSourceOnly(s: MirrorState, region: number, io: Extract<IoRequest, { op: 'write' }>): Promise<void> {
  s.sourceOnlyWrites += 1;
  s.sourceOnlyInFlight.set(region, (s.sourceOnlyInFlight.get(region) ?? 0) + 1);
  const source = s.legs[0];
  try {
    await source.device.write(source.offsetSectors + io.sector, io.data, io.client).catch((e: unknown) => {
      legFailed(s, 0, 'D', e instanceof Error ? e.message : String(e));
      throw e;
    });
    const client = io.client === undefined ? {} : { client: io.client };
    emit(s, { type: 'write-source-only', region, sector: s.ctx.beginSector + io.sector, countSectors: io.countSectors, ...client });
  } finally {
    sourceOnlyWriteEnded(s, region);
  }
}

/** dm_rh_dec: the region's last source-only write ended; a quiescing region's copy starts now. */
function sourceOnlyWriteEnded(s: MirrorState, region: number): void {
  const left = (s.sourceOnlyInFlight.get(region) ?? 1) - 1;
  if (left > 0) {
    s.sourceOnlyInFlight.set(region, left);
    return;
  }
  s.sourceOnlyInFlight.delete(region);
  if (!s.quiescing.has(region) || s.destroyed) return;
  unquiesce(s, region);
  const held = s.waiters.has(region);
  if (s.recovering || held) startRegionCopy(s, region, held);
  if (held) pumpRecovery(s);
}

function writeAllLegs(s: MirrorState, io: Extract<IoRequest, { op: 'write' }>): Promise<void> {
  return Promise.all(
    s.legs.map((leg, i) =>
      leg.device.write(leg.offsetSectors + io.sector, io.data, io.client).catch((e: unknown) => {
        legFailed(s, i, 'D', e instanceof Error ? e.message : String(e));
        throw e;
      }),
    ),
  ).then(() => undefined);
}

function flushAllLegs(s: MirrorState): Promise<void> {
  return Promise.all(
    s.legs.map((leg, i) =>
      leg.device.flush().catch((e: unknown) => {
        legFailed(s, i, 'F', e instanceof Error ? e.message : String(e));
        throw e;
      }),
    ),
  ).then(() => undefined);
}

/** Leg errors are data: the health character changes, an event fires, the event number bumps. */
function legFailed(s: MirrorState, leg: number, health: string, message: string): void {
  const l = s.legs[leg];
  if (l.health === 'A') l.health = health;
  emit(s, { type: 'leg-error', leg, legDevno: l.device.devno, health: l.health, message });
  s.ctx.raiseEvent();
}

/**
 * A region's change of state is announced as part of a range (`region-range`), so a million
 * regions copied in order are a few events, not two million. Changes wait in a short list of
 * ranges: a change extends a range of its state that ends just before its region, provided
 * that range comes after the one holding the region's previous change (so each region's own
 * changes stay in order: a copy that starts and ends within a millisecond is still seen as
 * copying, then copied); otherwise it starts a new range. The list is announced before any
 * other event of this mirror (a held write's region is seen copied before the write is
 * released), when it grows past MAX_UNANNOUNCED ranges, and at most REGION_EVENT_MS later.
 */
function setRegion(s: MirrorState, region: number, state: RegionState): void {
  if (s.regions.get(region) === state) return;
  s.regions.set(region, state);
  const list = s.unannounced;
  let previous = -1;
  for (let i = list.length - 1; i >= 0 && previous < 0; i--) if (region >= list[i].start && region < list[i].start + list[i].count) previous = i;
  let extended = false;
  for (let i = list.length - 1; i > previous && !extended; i--) {
    if (list[i].state === state && list[i].start + list[i].count === region) {
      list[i].count += 1;
      extended = true;
    }
  }
  if (!extended) list.push({ start: region, count: 1, state });
  if (list.length > MAX_UNANNOUNCED) announceRegions(s);
  else s.announceTimer ??= s.ctx.clock.setTimer(REGION_EVENT_MS, () => {
    s.announceTimer = null;
    announceRegions(s);
  });
}

/** Ranges waiting at most (scattered held writes make many): beyond it they are announced at once. */
const MAX_UNANNOUNCED = 64;

/** Announces the waiting ranges in order, each with the in-sync count as of it. */
function announceRegions(s: MirrorState): void {
  s.announceTimer?.cancel();
  s.announceTimer = null;
  const list = s.unannounced.splice(0);
  // Copied regions never change again, so the count before the list is today's minus its copied ranges.
  let inSync = s.regions.inSyncRegions - list.reduce((n, r) => n + (r.state === 'copied' ? r.count : 0), 0);
  for (const range of list) {
    if (range.state === 'copied') inSync += range.count;
    s.ctx.emit({ type: 'region-range', start: range.start, count: range.count, state: range.state, inSyncRegions: inSync, nrRegions: s.regions.nrRegions });
  }
}

/** Emits a mirror event other than a region change, after the region changes that came before it. */
function emit(s: MirrorState, event: Exclude<TargetEventBody, { type: 'region-range' }>): void {
  announceRegions(s);
  s.ctx.emit(event);
}
