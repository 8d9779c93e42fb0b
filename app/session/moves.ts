// The move of an open workspace: plan views (before / after maps, the command line), starting
// and resuming a MoveRunner, its controls, and the progress the UI draws (regions, rate, ETA).
// Progress is sampled every 100 ms while a move runs, never per region.

import { LvmscopeError } from '../base/result';
import type { Timer } from '../base/clock';
import { SECTOR_SIZE, formatSize } from '../base/units';
import type { LayerView, MoveCheckView, MoveOptions, MovePlanView, MoveProgressView, MoveRequest, MoveStateView } from '../api/move';
import { MoveRequest as MoveRequestSchema } from '../api/move';
import { regionRun } from '../api/regionRuns';
import { checkMoveOptions, planMove, type MovePlan } from '../pvmove/plan';
import { beginMove, DEFAULT_REGION_SECTORS, finishedLayout, finishLayer, PREVIEW_LAYER, readMove, removeLayer, type MoveRun } from '../pvmove/layout';
import { MoveRunner, type MoveHost } from '../pvmove/runner';
import { dmName } from '../dm/names';
import type { ExtentMove } from '../pvmove/plan';
import type { VolumeGroup } from '../lvm/model/types';
import type { WorkspaceSession } from './session';
import { VgViewCache, type ViewContext } from './views';
import { CopyRateMeter, etaSeconds } from './copyRate';

const PROGRESS_MS = 100;

/** A plan's PV maps show no device numbers or mapped devices: they are layouts, not devices. */
const PLAN_VIEW_CONTEXT: ViewContext = { imageDevno: () => null, lvDmName: () => null };

/**
 * The VG once `plan` is done, as beginMove then finishedLayout make it, run on the moving LVs
 * alone: both change only those LVs (and the layer they add and remove), and each deep-copies
 * the VG it is given, which cost ~200 ms per plan in a 10,000-LV VG. Every other LV is the
 * same object as in `vg`, so the plan's "after" maps are built for the changed PVs only.
 */
export function layoutAfter(vg: VolumeGroup, plan: MovePlan): VolumeGroup {
  const moving = new Set(plan.lvs);
  const part = finishedLayout(beginMove({ ...vg, lvs: vg.lvs.filter((lv) => moving.has(lv.name)) }, plan.moves, DEFAULT_REGION_SECTORS, PREVIEW_LAYER));
  const moved = new Map(part.lvs.map((lv) => [lv.name, lv]));
  const lvs = vg.lvs.flatMap((lv) => (moving.has(lv.name) ? (moved.has(lv.name) ? [moved.get(lv.name)!] : []) : [lv]));
  // Anything the layout adds besides the moving LVs (none today: the layer is gone when the move is done) stays in.
  for (const lv of part.lvs) if (!moving.has(lv.name)) lvs.push(lv);
  return { ...part, lvs };
}

/**
 * A move whose IO failed (a full disk, a read-only or failing image) is paused, not retried
 * silently: the copier stops at the last checkpoint, the state says `paused` with the error
 * sentence, and a log line carries it. Resuming restarts the mirrors' recovery (suspend and
 * resume of the LV, as `dmsetup suspend; dmsetup resume` does in the kernel), which copies
 * again every region whose copy failed; aborting puts the LV back per the last checkpoint.
 */

export class MoveController {
  runner: MoveRunner | null = null;
  private id = 0;
  private vgName = '';
  private planView: MovePlanView | null = null;
  /** The PV maps of plans (before and after), built against the last plan's: Move to… plans once per PV of the VG. */
  private readonly planViews = new VgViewCache();
  private bytesTotal = 0;
  private rateBytesPerSec = 0;
  /** The copy speed, measured over copy time only (app/session/copyRate.ts). */
  private meter = new CopyRateMeter();
  /** The session's count of intercepted writes when the move started: the move's own count is the difference. */
  private interceptedAtLaunch = 0;
  private sourceOnlyAtLaunch = 0;
  /** The last layer view of the running move (kept for the moment between its finishing commits). */
  private lastLayer: LayerView | null = null;
  /** The last measured progress; state views carry it rather than measuring again. */
  private lastProgress: MoveProgressView | null = null;
  private timer: Timer | undefined;
  private finished: Promise<void> = Promise.resolve();
  /** The sentence of the IO failure the move is paused on, or null. */
  private ioError: string | null = null;
  /** The restart of the mirrors' recovery after an IO failure, while it runs. */
  private recovery: Promise<void> = Promise.resolve();

  constructor(
    private readonly session: WorkspaceSession,
    private readonly emitProgress: (p: MoveProgressView) => void,
    private readonly emitState: (s: MoveStateView) => void,
    /**
     * The id of the next move. The engine numbers moves across its workspaces, so a move
     * resumed after a crash (a new controller) is never taken for the one before it.
     */
    private readonly nextMoveId: () => number = () => this.id + 1,
  ) {
    this.rateBytesPerSec = session.options.rateBytesPerSec ?? 0;
    session.dm.events.on((e) => {
      if (e.type === 'leg-error') this.onLegError(e.device, e.message);
    });
  }

  /** A mirror leg of the moving LV failed: pause the move with the sentence (once). */
  private onLegError(device: string, message: string): void {
    const runner = this.runner;
    if (!runner || !this.isActive || !runner.mirrors.some((m) => m.device === device)) return;
    const destinations = [...new Set(runner.mirrors.map((m) => m.destination))].join(', ');
    const remaining = Math.max(0, this.bytesTotal - this.bytesCopied());
    const reason = message.replace(/^copying region \d+ failed: /, '').replace(/\.$/, '');
    this.pauseOnIoError(`The copy to ${destinations} failed, so the move is paused at its last checkpoint (${formatSize(remaining)} still to copy): ${reason}.`);
  }

  private pauseOnIoError(sentence: string): void {
    const runner = this.runner;
    if (!runner || this.ioError) return;
    this.ioError = sentence;
    runner.pause();
    this.session.options.log('error', 'pvmove', sentence);
    this.publish();
  }

  /** Resumes after an IO failure: every region whose copy failed is copied again. */
  private async restartRecovery(): Promise<void> {
    const devices = [...new Set(this.runner?.mirrors.map((m) => m.device) ?? [])];
    for (const device of devices) {
      await this.session.dm.suspend(device);
      await this.session.dm.resume(device);
    }
  }

  get vg(): string | null {
    return this.runner && this.isActive ? this.vgName : null;
  }

  get isActive(): boolean {
    return !!this.runner && !['done', 'aborted', 'failed'].includes(this.runner.status);
  }

  /** Resolves when the current move has ended (done, aborted or failed). */
  whenFinished(): Promise<void> {
    return this.finished;
  }

  /** The plan without its PV maps (move.check): a drop's verdict, a Move to… item. */
  check(input: MoveRequest, rateBytesPerSec = this.rateBytesPerSec): { plan: MovePlan; view: MoveCheckView } {
    const request = MoveRequestSchema.parse(input);
    const open = this.session.ws.getVg(request.vg);
    if (open.readOnly) throw new LvmscopeError('STATE', open.readOnlyReason ?? `${request.vg} is read-only.`);
    const names = this.session.names(request.vg);
    const plan = planMove(open.vg, { sources: request.sources, destinations: request.destinations, lv: request.lv, alloc: request.alloc, maxSegmentSizeMiB: request.maxSegmentSizeMiB, atomic: request.atomic }, names);
    const bytes = plan.extentCount * open.vg.extentSizeSectors * SECTOR_SIZE;
    const view: MoveCheckView = {
      request,
      command: plan.command,
      lvs: plan.lvs,
      moves: plan.moves.map((m) => ({ lv: m.lv, startLe: m.startLe, count: m.count, fromPv: names.nameOf(m.fromPvId), fromPe: m.fromPe, toPv: names.nameOf(m.toPvId), toPe: m.toPe })),
      extentCount: plan.extentCount,
      bytes,
      estimatedSeconds: rateBytesPerSec > 0 ? bytes / rateBytesPerSec : null,
      crashCostBytes: crashCost(plan.moves, open.vg.extentSizeSectors, request.atomic ?? false),
    };
    return { plan, view };
  }

  plan(input: MoveRequest, rateBytesPerSec = this.rateBytesPerSec): { plan: MovePlan; view: MovePlanView } {
    const { plan, view } = this.check(input, rateBytesPerSec);
    const open = this.session.ws.getVg(plan.vg);
    const ctx = PLAN_VIEW_CONTEXT;
    return {
      plan,
      view: {
        request: view.request,
        command: view.command,
        lvs: view.lvs,
        moves: view.moves,
        extentCount: view.extentCount,
        bytes: view.bytes,
        before: this.planViews.build(open, ctx, false, { lvs: false }).pvs,
        after: this.planViews.build({ ...open, vg: layoutAfter(open.vg, plan) }, ctx, false, { lvs: false, remember: false }).pvs,
        estimatedSeconds: view.estimatedSeconds,
        crashCostBytes: view.crashCostBytes,
      },
    };
  }

  start(input: MoveRequest, options: MoveOptions): MoveStateView {
    this.refuseIfRunning();
    checkMoveOptions(options);
    const { plan, view } = this.plan(input, options.rateBytesPerSec ?? this.rateBytesPerSec);
    // Built first: a stack that refuses the request (--atomic on the outline) changes nothing.
    const runner = MoveRunner.start(this.host(plan.vg), plan.command, plan.moves, { ...options, atomic: plan.request.atomic ?? false });
    this.vgName = plan.vg;
    this.planView = view;
    this.bytesTotal = view.bytes;
    this.launch(runner, options);
    return this.state()!;
  }

  resume(vgName: string, options: MoveOptions): MoveStateView {
    this.refuseIfRunning();
    checkMoveOptions(options);
    const open = this.session.ws.getVg(vgName);
    const move = readMove(open.vg);
    if (!move) throw new LvmscopeError('STATE', `No move is in progress in ${vgName}; there is nothing to resume.`);
    // An atomic move is LVM2's own layer: it resumes on the lvm2 stack unless told otherwise.
    // Built first: a stack that refuses the recorded move changes nothing.
    const runner = MoveRunner.resume(this.host(vgName), { ...options, stack: options.stack ?? (move.atomic ? 'lvm2' : 'outline') });
    const names = this.session.names(vgName);
    const ext = open.vg.extentSizeSectors;
    const sources = [...new Set(move.runs.map((r) => names.nameOf(r.fromPvId)))];
    const destinations = [...new Set(move.runs.map((r) => names.nameOf(r.toPvId)))];
    const ctx = PLAN_VIEW_CONTEXT;
    const after = finishedLayout(open.vg);
    this.vgName = vgName;
    this.bytesTotal = move.runs.reduce((n, r) => n + r.count * ext * SECTOR_SIZE, 0);
    const unfinished = move.runs.filter((r) => !r.moved);
    this.planView = {
      request: { vg: vgName, sources, destinations, alloc: 'normal' },
      command: 'pvmove',
      lvs: move.lvs,
      moves: move.runs.map((r) => ({ lv: r.lv, startLe: r.startLe, count: r.count, fromPv: names.nameOf(r.fromPvId), fromPe: r.fromPe, toPv: names.nameOf(r.toPvId), toPe: r.toPe })),
      extentCount: move.runs.reduce((n, r) => n + r.count, 0),
      bytes: this.bytesTotal,
      before: this.planViews.build(open, ctx, false, { lvs: false }).pvs,
      after: this.planViews.build({ ...open, vg: after }, ctx, false, { lvs: false, remember: false }).pvs,
      estimatedSeconds: null,
      crashCostBytes: crashCost(unfinished, ext, move.atomic),
    };
    this.launch(runner, options);
    return this.state()!;
  }

  /** Aborts the interrupted move recorded in the metadata, without running it (pvmove --abort). */
  async abortRecorded(vgName: string): Promise<void> {
    this.refuseIfRunning();
    const open = this.session.ws.getVg(vgName);
    const move = readMove(open.vg);
    if (!move) throw new LvmscopeError('STATE', `No move is in progress in ${vgName}; there is nothing to abort.`);
    // LVM2's two commits: the users leave the layer (pvmove0's segments turn to error), then pvmove0 goes.
    if (!move.finishing) await this.session.commit(finishLayer(open.vg, 'abort'), 'pvmove --abort');
    await this.session.commit(removeLayer(this.session.ws.getVg(vgName).vg), 'pvmove --abort');
    await this.session.refreshTables(vgName);
    // pvmove0 and its sub-LVs were activated when the workspace opened the interrupted move;
    // the metadata no longer has them, so neither may the device-mapper.
    this.session.removeDevicesOfGoneLvs(vgName);
    this.session.options.log('warn', 'pvmove', `${vgName}: interrupted move aborted; checkpointed runs stay on the destination, the rest are back on the source.`);
  }

  private refuseIfRunning(): void {
    if (this.isActive) throw new LvmscopeError('BUSY', 'A move is already running; wait for it to finish, or abort it.');
  }

  private launch(runner: MoveRunner, options: MoveOptions): void {
    this.id = this.nextMoveId();
    this.runner = runner;
    this.meter = new CopyRateMeter();
    this.interceptedAtLaunch = this.session.interceptedWrites;
    this.sourceOnlyAtLaunch = this.session.sourceOnlyWrites;
    this.lastLayer = null;
    this.lastProgress = null;
    this.ioError = null;
    if (options.rateBytesPerSec !== undefined) this.setRate(options.rateBytesPerSec);
    this.session.dm.copier.resume();
    this.tick();
    this.finished = runner.run().then(() => {
      this.timer?.cancel();
      this.timer = undefined;
      this.publish();
      this.session.options.onChange('workspace');
    });
  }

  private tick(): void {
    this.publish();
    if (!this.isActive) return;
    this.timer = this.session.options.clock.setTimer(PROGRESS_MS, () => this.tick());
  }

  /** Measures progress once (one rate sample) and sends it with the state. */
  private publish(): void {
    const progress = this.measureProgress();
    if (progress) this.emitProgress(progress);
    const state = this.state();
    if (state) this.emitState(announcedState(state));
  }

  setRate(bytesPerSec: number): void {
    // The speed measured at the old rate says nothing about the new one.
    if (bytesPerSec !== this.rateBytesPerSec) this.meter.reset();
    this.rateBytesPerSec = bytesPerSec;
    this.session.dm.copier.setRate(bytesPerSec);
  }

  control(action: { action: 'pause' | 'resume' | 'abort' | 'next' } | { action: 'setRate'; rateBytesPerSec: number } | { action: 'setStepMode'; stepMode: boolean }): MoveStateView {
    if (action.action === 'setRate') {
      this.setRate(action.rateBytesPerSec);
      if (!this.runner) throw new LvmscopeError('STATE', 'The rate is set for the next move; no move is running now.');
      // Every window shows the new rate at once, not at the next progress tick.
      if (this.isActive) this.publish();
      return this.state()!;
    }
    const runner = this.runner;
    if (!runner || !this.isActive) throw new LvmscopeError('STATE', 'No move is running; start one (drag a segment onto a PV, or pvmove).');
    switch (action.action) {
      case 'pause':
        runner.pause();
        break;
      case 'resume':
        this.resumeAfterPause(runner);
        break;
      case 'abort':
        this.ioError = null;
        runner.abort();
        break;
      case 'next':
        runner.next();
        break;
      case 'setStepMode':
        runner.setStepMode(action.stepMode);
        break;
    }
    this.publish();
    return this.state()!;
  }

  /** Resumes a paused move; after an IO failure the failed regions are copied again first. */
  private resumeAfterPause(runner: MoveRunner): void {
    if (!this.ioError) {
      runner.resumeCopy();
      return;
    }
    this.ioError = null;
    this.session.options.log('info', 'pvmove', 'Resuming the move: the regions whose copy failed are copied again.');
    runner.resumeCopy();
    // Tracked (whenFinished waits for it) and never unhandled: a failure pauses the move again.
    this.recovery = this.restartRecovery().catch((e: unknown) => {
      if (this.isActive) this.pauseOnIoError(`The move is paused at its last checkpoint: ${e instanceof Error ? e.message : String(e)}`);
    });
    const finished = this.finished;
    this.finished = finished.then(() => this.recovery);
  }

  private measureProgress(): MoveProgressView | null {
    const runner = this.runner;
    if (!runner) return null;
    this.lastProgress = this.computeProgress(runner);
    return this.lastProgress;
  }

  /** Progress now; it adds a rate sample, so only measureProgress (tick, controls) calls it. */
  private computeProgress(runner: MoveRunner): MoveProgressView {
    const copied = this.bytesCopied();
    // The copier's own byte count: regions in sync grow a whole region at a time (2 MiB by default).
    this.meter.sample(this.session.options.clock.now(), this.session.dm.copier.totalBytesCopied, isCopying(runner, this.session.dm.copier));
    const remaining = Math.max(0, this.bytesTotal - copied);
    // A speed only while a copy is under way (never while paused, nor in a wait for Next with
    // nothing left to copy); the ETA is the copy time still needed, at the speed measured since
    // the last rate change.
    const measured = this.meter.bytesPerSec();
    const ongoing = runner.status === 'running' || runner.status === 'paused' || runner.status === 'waiting-step';
    const mirrors = runner.mirrors.map((m) => ({
      device: m.device,
      targetIndex: m.targetIndex,
      targetStartSector: m.targetStart,
      lengthSectors: m.length,
      regionSizeSectors: m.watch.regionSizeSectors,
      regionsTotal: m.watch.nrRegions,
      regionsCopied: m.watch.inSyncRegions,
      regions: m.watch.control.regionRanges().map(regionRun),
      intercepted: m.watch.control.waitingRegions(),
      sourceLeg: m.sourceLeg,
      destinationLeg: m.destination,
      layerSegment: m.run.layerSegment + 1,
    }));
    return {
      bytesTotal: this.bytesTotal,
      bytesCopied: copied,
      percent: this.bytesTotal ? Math.min(100, (copied * 100) / this.bytesTotal) : 100,
      bytesPerSec: isCopying(runner, this.session.dm.copier) ? (measured ?? 0) : 0,
      etaSeconds: ongoing ? etaSeconds(remaining, measured, this.rateBytesPerSec) : null,
      rateBytesPerSec: this.rateBytesPerSec,
      paused: runner.isPaused,
      // The move's count, from the dm events: the mirrors' own counters go with each mirror
      // that a checkpoint drops, and there are none once the move is done.
      interceptedWrites: this.session.interceptedWrites - this.interceptedAtLaunch,
      sourceOnlyWrites: this.session.sourceOnlyWrites - this.sourceOnlyAtLaunch,
      waitingWrites: runner.mirrors.reduce((n, m) => n + m.watch.control.waitingWrites, 0),
      mirrors,
      crashCostBytes: runner.status === 'done' ? 0 : runner.strategy.copiedNotCheckpointedSectors() * SECTOR_SIZE,
    };
  }

  /** Bytes copied so far: finished (checkpointed or resolved) runs plus regions in sync now. */
  private bytesCopied(): number {
    const runner = this.runner!;
    if (runner.status === 'done') return this.bytesTotal;
    // Aborting, an abort or a failure puts runs back on the source and removes the layer, so
    // the metadata no longer says what was copied: the figure stays what was measured before.
    if (runner.status === 'aborting' || runner.status === 'aborted' || runner.status === 'failed') return this.lastProgress?.bytesCopied ?? 0;
    const open = this.session.ws.getVg(this.vgName);
    const ext = open.vg.extentSizeSectors * SECTOR_SIZE;
    const move = readMove(open.vg);
    const inLayer = move ? move.runs.reduce((n, r) => n + r.count, 0) : 0;
    // Before step 3 records the move, nothing is in the layer and nothing is copied yet.
    const resolved = runner.recorded ? Math.max(0, this.bytesTotal / ext - inLayer) : 0;
    const checkpointed = move ? move.runs.filter((r) => r.moved).reduce((n, r) => n + r.count, 0) : 0;
    const live = runner.strategy.copiedNotCheckpointedSectors() * SECTOR_SIZE;
    return Math.min(this.bytesTotal, (resolved + checkpointed) * ext + live);
  }

  state(): MoveStateView | null {
    const runner = this.runner;
    if (!runner || !this.planView) return null;
    return {
      id: this.id,
      vg: this.vgName,
      stack: runner.stack,
      status: runner.status,
      stepMode: runner.isStepMode,
      plan: this.planView,
      currentLv: runner.currentLv,
      step: runner.currentStepId,
      steps: runner.steps.map((s) => ({ ...s, commands: [...s.commands] })),
      layer: this.layerView(runner),
      // Paused is read now: a pause emits its state before the next progress measure.
      progress: { ...(this.lastProgress ?? emptyProgress(this.rateBytesPerSec)), paused: runner.isPaused },
      error: runner.error ?? this.ioError,
    };
  }

  /** pvmove0 as the metadata records it, each segment with its state now. */
  private layerView(runner: MoveRunner): LayerView | null {
    const open = this.session.ws.getVg(this.vgName);
    const move = readMove(open.vg);
    if (!move) return null;
    const device = runner.strategy.layerDevice();
    // Between the two finishing commits the metadata's pvmove0 is one error extent; its device
    // still exists until the second commit, so the view keeps the segments it had, all done.
    if (move.finishing) {
      const last = this.lastLayer;
      return last ? { ...last, device, devno: device ? this.session.dm.info(device).devno : null, segments: last.segments.map((s) => ({ ...s, state: 'done' as const })) } : null;
    }
    const names = this.session.names(this.vgName);
    // A segment is `mirroring` while a mirror copies it: in the lvm2 stack, while pvmove0's
    // live table mirrors it (from the reload that made it the mirror until its checkpoint);
    // in the outline, while the LV's mirror target copies it. An atomic move's one mirror
    // copies every run at once.
    const live = device ? (this.session.dm.targets(device) ?? []) : [];
    const mirrored = live.flatMap((t, index) => (t.type === 'mirror' ? [index] : []));
    const mirroring = new Set(
      move.atomic
        ? mirrored.length ? move.runs.map((r) => r.layerSegment) : []
        : device
          ? mirrored
          : runner.mirrors.map((m) => m.run.layerSegment),
    );
    this.lastLayer = {
      name: move.layer,
      device,
      devno: device ? this.session.dm.info(device).devno : null,
      atomic: move.atomic,
      segments: move.runs.map((r: MoveRun) => ({
        index: r.layerSegment + 1,
        layerLe: r.layerLe,
        count: r.count,
        lv: r.lv,
        startLe: r.startLe,
        fromPv: names.nameOf(r.fromPvId),
        fromPe: r.fromPe,
        toPv: names.nameOf(r.toPvId),
        toPe: r.toPe,
        regionSizeSectors: r.regionSizeSectors ?? DEFAULT_REGION_SECTORS,
        state: r.moved ? ('done' as const) : mirroring.has(r.layerSegment) ? ('mirroring' as const) : ('waiting' as const),
      })),
    };
    return this.lastLayer;
  }

  private host(vgName: string): MoveHost {
    const s = this.session;
    return {
      dm: s.dm,
      clock: s.options.clock,
      vgName,
      layerDmName: (layer) => dmName(vgName, layer),
      lvUuid: (lvId) => `LVM-${s.ws.getVg(vgName).vg.id}${lvId}`,
      names: s.names(vgName),
      vg: () => s.ws.getVg(vgName).vg,
      commit: (next, command) => s.commit(next, command),
      pvDevno: (pvId) => s.pvDevno(s.ws.getVg(vgName), pvId),
      lvDmName: (lv) => {
        const name = s.lvDmName(vgName, lv);
        if (!name) throw new LvmscopeError('STATE', `${vgName}/${lv} is not active, so it cannot be moved live.`);
        return name;
      },
      newLayerId: () => s.newId(),
      unixTime: () => s.unixTime(),
      hostname: s.options.hostname,
      onStep: (step) => s.options.onStep(step),
      onStateChange: () => {
        const state = this.state();
        if (state) this.emitState(announcedState(state));
      },
      log: (level, message) => s.options.log(level, 'pvmove', message),
    };
  }
}

/**
 * Whether a copy is under way: the move is not paused and the copier has work (queued jobs,
 * or chunks in flight). A wait for Next is copy time while a mirror loaded by an earlier step
 * copies in the background (the kernel recovers a mirror from its resume, not when a step
 * looks at it); a wait with nothing to copy is not.
 */
function isCopying(runner: MoveRunner, copier: { queuedJobs: number; inFlightChunks: number }): boolean {
  const live = runner.status === 'running' || runner.status === 'waiting-step';
  return live && !runner.isPaused && copier.queuedJobs + copier.inFlightChunks > 0;
}

function emptyProgress(rate: number): MoveProgressView {
  return { bytesTotal: 0, bytesCopied: 0, percent: 0, bytesPerSec: 0, etaSeconds: null, rateBytesPerSec: rate, paused: false, interceptedWrites: 0, waitingWrites: 0, mirrors: [], crashCostBytes: 0 };
}

/**
 * The most a crash can cost, per stack, in bytes copied again: the outline mirrors all of an
 * LV's runs at once (a crash re-copies every unfinished run of that LV); lvm2 mirrors one
 * pvmove0 segment at a time (a crash re-copies at most the largest segment), or with --atomic
 * everything at once.
 */
function crashCost(runs: ReadonlyArray<Pick<ExtentMove, 'lv' | 'count'>>, extentSizeSectors: number, atomic: boolean): { outline: number; lvm2: number } {
  const bytes = (extents: number) => extents * extentSizeSectors * SECTOR_SIZE;
  const perLv = new Map<string, number>();
  for (const r of runs) perLv.set(r.lv, (perLv.get(r.lv) ?? 0) + r.count);
  // An atomic move is one mirror, never checkpointed: a crash costs all of it.
  const lvm2 = atomic ? runs.reduce((n, r) => n + r.count, 0) : Math.max(0, ...runs.map((r) => r.count));
  return { outline: bytes(Math.max(0, ...perLv.values())), lvm2: bytes(lvm2) };
}

/**
 * The state as the move.state event announces it: its plan without the before / after layouts.
 * Those list every PV of the VG with all its runs: in a VG of 64 PVs and 10,000 LVs 7 MB (the
 * two PVs of one move alone, 220 kB), and a move announces its state with every progress
 * measure, several times a second, so windows were sent (and recordings encoded) megabytes a
 * second of layouts no window draws from the state: they draw the workspace view. The
 * move.state and move.plan answers, the transcript and the recording's header keep them.
 */
export function announcedState(state: MoveStateView): MoveStateView {
  return { ...state, plan: { ...state.plan, before: [], after: [] } };
}
