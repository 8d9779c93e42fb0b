// The move runner: the seed's eight steps (DESIGN §1) for each LV of a move, as a step table
// of `{name, run, undo}` (LVM2 tools/pvmove.c habit). Each step emits an event with its
// narration and the equivalent commands; on failure the runner says "ABORTING: <step>:
// <reason>" and undoes the completed steps in reverse. What is on disk is always what real
// LVM2 would write at that point (layout.ts): the move is recorded (pvmove0, LOCKED) before
// any copy starts, each finished run is checkpointed (extents_moved), and the LV leaves the
// layer in one commit at step 7. Whether to resume or abort after a crash is decided from that
// metadata alone (readMove).
//
// Device stack while copying (the seed's layering, not modern LVM2's pvmove0 device):
//   vg0-lv0       identity → vg0-lv0-orig | mirror(vg0-lv0-orig, pv4) | identity → vg0-lv0-orig
//   vg0-lv0-orig  the LV's original table (pv1 | pv2 | pv3)

import type { Clock } from '../base/clock';
import { LvmscopeError, toErrorInfo } from '../base/result';
import { SECTOR_SIZE } from '../base/units';
import type { StepView } from '../api/move';
import type { DeviceMapper, TableHandle } from '../dm/deviceMapper';
import { formatTable, sameTable, type TableSpec, type TargetSpec } from '../dm/table';
import type { MirrorControl } from '../dm/targets/mirror';
import type { VolumeGroup } from '../lvm/model/types';
import { lvTable } from '../lvm/activate/tables';
import { beginMove, checkpoint, finishedLayout, PREVIEW_LAYER, readMove, resolveLv, type MoveRun } from './layout';
import type { ExtentMove, PvNames } from './plan';
import { STEP_NAMES, stepWords, type StoryContext } from './steps';

export const DEFAULT_REGION_SECTORS = 1024; // 512 KiB

export interface MoveHost {
  dm: DeviceMapper;
  clock: Clock;
  names: PvNames;
  /** The VG model as last committed. */
  vg(): VolumeGroup;
  /** Commits `next` (seqno + 1) on every metadata area; resolves with the committed model. */
  commit(next: VolumeGroup, command: string): Promise<VolumeGroup>;
  pvDevno(pvId: string): string | undefined;
  lvDmName(lv: string): string;
  newLayerId(): string;
  unixTime(): number;
  hostname: string;
  onStep(step: StepView): void;
  onStateChange(): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

export type MoveStatus = 'running' | 'paused' | 'waiting-step' | 'done' | 'aborting' | 'aborted' | 'failed';

interface Step {
  number: number;
  run: () => Promise<void>;
  undo?: () => Promise<void>;
  words: () => { narration: string; commands: string[] };
  /**
   * Steps whose words only become complete when they finish (the seqno a commit wrote) are
   * worded again then; the others keep the words they had when they ran, which describe what
   * was done (step 4 says how much it was going to copy, not the nothing left afterwards).
   */
  rewordWhenDone?: boolean;
  spoken?: { narration: string; commands: string[] };
}

/** A mirror target of the LV being copied: its control, its place in the table, the run it copies. */
export interface MirrorInUse {
  readonly control: MirrorControl;
  readonly run: MoveRun;
  readonly device: string;
  readonly targetIndex: number;
  readonly targetStart: number;
  readonly length: number;
  /** The destination PV's name and its devno. */
  readonly destination: string;
  readonly destinationDevno: string;
}

/** The identity + mirror table of step 3, and which of its targets copies which run. */
interface MirrorTable {
  readonly spec: TargetSpec[];
  readonly mirrors: ReadonlyArray<{ readonly targetIndex: number; readonly run: MoveRun }>;
}

/** Thrown inside a step when the user aborts; not a failure. */
class AbortRequested extends Error {}

export class MoveRunner {
  status: MoveStatus = 'running';
  error: string | null = null;
  currentLv: string | null = null;
  currentStep = 0;
  readonly steps: StepView[] = [];
  readonly lvs: string[];
  private stepMode: boolean;
  private gate: (() => void) | undefined;
  private abortRequested = false;
  private abortWake: (() => void) | undefined;
  private commitChain: Promise<unknown> = Promise.resolve();
  /** Mirrors of the LV being copied (for progress), with the run each one copies. */
  mirrors: MirrorInUse[] = [];
  readonly regionSizeSectors: number;
  private pausedByUser = false;
  /** Resolves the pause of a checkpoint that could not be written (see pauseOnStorageError). */
  private errorWake: (() => void) | undefined;
  /** True once the move is in the metadata (after step 3's commit, or from the start on resume). */
  recorded: boolean;
  /** LVs whose step 7 committed their final layout. */
  private readonly resolvedLvs = new Set<string>();

  private constructor(
    private readonly host: MoveHost,
    readonly command: string,
    private readonly fresh: ExtentMove[] | null,
    options: { regionSizeSectors?: number; stepMode?: boolean },
    lvs: string[],
  ) {
    this.regionSizeSectors = options.regionSizeSectors ?? DEFAULT_REGION_SECTORS;
    this.stepMode = options.stepMode ?? false;
    this.lvs = lvs;
    this.recorded = fresh === null;
    for (const lv of lvs) for (let n = 1; n <= 8; n += 1) this.steps.push({ number: n, name: STEP_NAMES[n - 1], lv, state: 'pending', narration: '', commands: [], timeMs: 0 });
  }

  /** A new move from a plan: nothing is on disk yet. */
  static start(host: MoveHost, command: string, moves: ExtentMove[], options: { regionSizeSectors?: number; stepMode?: boolean }): MoveRunner {
    const lvs = [...new Set(moves.map((m) => m.lv))];
    return new MoveRunner(host, command, moves, options, lvs);
  }

  /** Resumes the move recorded in the metadata (ours, or one real LVM2 started). */
  static resume(host: MoveHost, options: { regionSizeSectors?: number; stepMode?: boolean }): MoveRunner {
    const move = readMove(host.vg());
    if (!move) throw new LvmscopeError('STATE', `No move is in progress in ${host.vg().name}; there is nothing to resume.`);
    return new MoveRunner(host, 'pvmove', null, options, move.lvs);
  }

  // ---- control ----

  setStepMode(on: boolean): void {
    this.stepMode = on;
    if (!on) this.next();
  }
  get isStepMode(): boolean {
    return this.stepMode;
  }
  next(): void {
    const g = this.gate;
    this.gate = undefined;
    g?.();
  }
  pause(): void {
    this.pausedByUser = true;
    this.host.dm.copier.pause();
    if (this.status === 'running') this.setStatus('paused');
  }
  resumeCopy(): void {
    this.pausedByUser = false;
    this.host.dm.copier.resume();
    if (this.status === 'paused') this.setStatus('running');
    this.wakeAfterError();
  }
  get isPaused(): boolean {
    return this.pausedByUser;
  }
  abort(): void {
    if (this.status === 'done' || this.status === 'aborted' || this.status === 'failed') return;
    this.abortRequested = true;
    this.setStatus('aborting');
    this.abortWake?.();
    this.next();
    if (this.pausedByUser) this.resumeCopy();
    this.wakeAfterError();
  }

  /**
   * A checkpoint that could not be written (a full disk, a failing image) pauses the move
   * at its last checkpoint, with the sentence as the move's error, until resumeCopy() (retry)
   * or abort(). The LV stays live meanwhile: only the copy stops.
   */
  private async pauseOnStorageError(sentence: string): Promise<void> {
    this.error = sentence;
    this.host.log('error', sentence);
    this.pause();
    await new Promise<void>((resolve) => (this.errorWake = resolve));
    this.error = null;
    this.host.onStateChange();
  }

  private wakeAfterError(): void {
    const wake = this.errorWake;
    this.errorWake = undefined;
    wake?.();
  }

  private setStatus(s: MoveStatus): void {
    this.status = s;
    this.host.onStateChange();
  }

  // ---- the run ----

  /** Runs every LV's eight steps; resolves when the move is done, aborted or failed. */
  async run(): Promise<void> {
    try {
      for (const lv of this.lvs) {
        if (this.abortRequested) break;
        this.currentLv = lv;
        await this.runLv(lv);
      }
      if (this.abortRequested) await this.finishAbort();
      else this.setStatus('done');
    } catch (e) {
      if (e instanceof AbortRequested || this.abortRequested) {
        await this.finishAbort();
        return;
      }
      this.error = toErrorInfo(e).message;
      this.host.log('error', `pvmove failed: ${this.error}`);
      this.setStatus('failed');
    } finally {
      this.mirrors = [];
      this.host.onStateChange();
    }
  }

  private async runLv(lv: string): Promise<void> {
    const steps = this.buildSteps(lv);
    const done: Step[] = [];
    for (const step of steps) {
      await this.waitGate(lv, step);
      // Once step 7 committed the LV's final layout, the move of this LV is decided: step 8
      // only loads that layout, so an abort lets it run. Before that, an abort between steps
      // must undo the steps already done (the LV may be suspended, the -orig device exist).
      if (this.abortRequested && step.number < 8) {
        this.host.log('warn', `ABORTING: before ${STEP_NAMES[step.number - 1]} (${lv}): aborted by the user`);
        await this.undo(lv, done);
        throw new AbortRequested();
      }
      this.currentStep = step.number;
      this.markStep(lv, step, 'running');
      try {
        await step.run();
      } catch (e) {
        const reason = e instanceof AbortRequested ? 'aborted by the user' : toErrorInfo(e).message;
        this.markStep(lv, step, e instanceof AbortRequested ? 'undone' : 'failed');
        this.host.log(e instanceof AbortRequested ? 'warn' : 'error', `ABORTING: ${STEP_NAMES[step.number - 1]} (${lv}): ${reason}`);
        await this.undo(lv, [...done, step]);
        throw e;
      }
      this.markStep(lv, step, 'done');
      done.push(step);
    }
  }

  private async undo(lv: string, done: Step[]): Promise<void> {
    for (const step of done.reverse()) {
      if (!step.undo) continue;
      try {
        await step.undo();
        this.markStep(lv, step, 'undone');
      } catch (e) {
        this.host.log('error', `undo of ${STEP_NAMES[step.number - 1]} (${lv}) failed: ${toErrorInfo(e).message}`);
      }
    }
  }

  private async waitGate(lv: string, step: Step): Promise<void> {
    if (!this.stepMode || this.abortRequested) return;
    const previous = this.status;
    // The step the presenter is about to run is the current one (the UI highlights it).
    this.currentStep = step.number;
    this.currentLv = lv;
    this.markStep(lv, step, 'waiting');
    this.setStatus('waiting-step');
    await new Promise<void>((resolve) => (this.gate = resolve));
    if (this.status === 'waiting-step') this.setStatus(previous === 'waiting-step' ? 'running' : previous);
  }

  private markStep(lv: string, step: Step, state: StepView['state']): void {
    const view = this.steps.find((s) => s.lv === lv && s.number === step.number)!;
    const keep = step.spoken && (state === 'undone' || state === 'failed' || (state === 'done' && !step.rewordWhenDone));
    const words = keep ? step.spoken! : step.words();
    if (state === 'running' || state === 'done') step.spoken = words;
    Object.assign(view, { state, narration: words.narration, commands: words.commands, timeMs: this.host.clock.now() });
    this.host.onStep({ ...view, commands: [...view.commands] });
    this.host.onStateChange();
  }

  private serialCommit(next: () => VolumeGroup, command: string): Promise<VolumeGroup> {
    const run = this.commitChain.then(() => this.host.commit(next(), command));
    this.commitChain = run.catch(() => undefined);
    return run;
  }

  // ---- the eight steps of one LV ----

  private buildSteps(lv: string): Step[] {
    const host = this.host;
    const L = host.lvDmName(lv);
    const T = `${L}-orig`;
    const dm = host.dm;
    let originalTable: TableSpec = [];
    let mirrorTable: MirrorTable | undefined;
    let loadedMirrorTable: TableHandle | undefined;
    let finalTable: TableSpec = [];
    let beginSeqno: [number, number] | undefined;
    let endSeqno: [number, number] | undefined;
    const lvTableNow = (): TableSpec => lvTable(host.vg(), lv, (id) => host.pvDevno(id));
    const story = (): StoryContext => this.story(lv, L, T);
    return [
      {
        number: 1,
        words: () => stepWords(1, story()),
        run: async () => {
          originalTable = dm.targets(L) ?? [];
          await dm.suspend(L);
        },
        undo: async () => {
          if (dm.info(L).state === 'SUSPENDED') await dm.resume(L);
        },
      },
      {
        number: 2,
        words: () => stepWords(2, story(), { table: formatTable(originalTable.length ? originalTable : (dm.targets(L) ?? [])) }),
        run: async () => {
          dm.create(T);
          dm.load(T, originalTable);
          await dm.resume(T);
        },
        undo: async () => {
          if (dm.has(T)) dm.remove(T);
        },
      },
      {
        number: 3,
        rewordWhenDone: true,
        // Before it runs, the card shows the table step 3 is going to load (from the plan).
        words: () => stepWords(3, story(), { table: formatTable((mirrorTable ?? this.previewMirrorTable(lv, story().tempDevno)).spec), seqno: beginSeqno }),
        run: async () => {
          if (this.fresh && !readMove(host.vg())) {
            const before = host.vg().seqno;
            const layer = { id: host.newLayerId(), creationTime: host.unixTime(), creationHost: host.hostname };
            await this.serialCommit(() => beginMove(host.vg(), this.fresh!, this.regionSizeSectors, layer), this.command);
            beginSeqno = [before, host.vg().seqno];
          }
          this.recorded = true;
          mirrorTable = this.mirrorTable(lv, dm.info(T).devno, this.runsOf(lv));
          loadedMirrorTable = dm.load(L, mirrorTable.spec);
        },
        undo: async () => dm.clear(L),
      },
      {
        number: 4,
        words: () => stepWords(4, story()),
        run: async () => {
          await dm.resume(L);
          await this.copyAndCheckpoint(lv, L, mirrorTable!, loadedMirrorTable!);
        },
        undo: async () => {
          this.mirrors = [];
          if (dm.info(L).state === 'ACTIVE') await dm.suspend(L);
          dm.load(L, lvTableNow());
          await dm.resume(L);
        },
      },
      {
        number: 5,
        words: () => stepWords(5, story(), { resumed: this.mirrors.length === 0 && !this.fresh }),
        run: async () => {
          await dm.suspend(L);
          this.mirrors = [];
        },
        undo: async () => {
          if (dm.info(L).state === 'SUSPENDED') await dm.resume(L);
        },
      },
      {
        number: 6,
        words: () => stepWords(6, story()),
        run: async () => dm.remove(T, { deferred: true }),
      },
      {
        number: 7,
        rewordWhenDone: true,
        words: () => stepWords(7, story(), { seqno: endSeqno }),
        run: async () => {
          const before = host.vg().seqno;
          // Every byte written to the destinations (copies and both-leg writes) is made
          // durable before the commit that maps the LV onto them; the LV itself is suspended,
          // so the PV devices are flushed directly.
          await this.flushPvs(this.runsOf(lv).map((r) => r.toPvId));
          await this.serialCommit(() => resolveLv(host.vg(), lv), this.command);
          this.resolvedLvs.add(lv);
          endSeqno = [before, host.vg().seqno];
          finalTable = lvTableNow();
        },
      },
      {
        number: 8,
        words: () => stepWords(8, story(), { table: formatTable(finalTable) }),
        run: async () => {
          dm.load(L, finalTable);
          await dm.resume(L);
        },
      },
    ];
  }

  /** fdatasync of the image PVs given (each once). */
  private async flushPvs(pvIds: string[]): Promise<void> {
    for (const pvId of new Set(pvIds)) {
      const devno = this.host.pvDevno(pvId);
      const device = devno ? this.host.dm.lookup(devno) : undefined;
      if (device) await device.flush();
    }
  }

  /** The runs of `lv` still recorded in the layer (after the begin commit). */
  private runsOf(lv: string): MoveRun[] {
    return readMove(this.host.vg())?.runs.filter((r) => r.lv === lv) ?? [];
  }

  /** The runs step 3 will mirror, read from the plan before the move is recorded. */
  private plannedRuns(lv: string): MoveRun[] {
    if (this.recorded || !this.fresh) return this.runsOf(lv);
    return this.fresh.filter((m) => m.lv === lv).map((m, i) => ({ ...m, layerSegment: i, layerLe: 0, moved: false }));
  }

  /** What step 3 is going to load, for its card before it runs. */
  private previewMirrorTable(lv: string, tempDevno: string): MirrorTable {
    try {
      return this.mirrorTable(lv, tempDevno, this.plannedRuns(lv));
    } catch {
      // A destination that went missing is reported by step 3 itself, in its own words.
      return { spec: [], mirrors: [] };
    }
  }

  /** Identity targets onto the temporary device, a mirror for every run not yet moved. */
  private mirrorTable(lv: string, tempDevno: string, runs: readonly MoveRun[]): MirrorTable {
    const vg = this.host.vg();
    const ext = vg.extentSizeSectors;
    const lvSectors = this.host.dm.info(this.host.lvDmName(lv)).sizeSectors;
    const moving = runs.filter((r) => !r.moved).sort((a, b) => a.startLe - b.startLe);
    const spec: TargetSpec[] = [];
    const mirrors: Array<{ targetIndex: number; run: MoveRun }> = [];
    const identity = (startSector: number, lengthSectors: number): TargetSpec => ({ type: 'linear', startSector, lengthSectors, device: { devno: tempDevno, offsetSectors: startSector } });
    let at = 0;
    for (const r of moving) {
      const start = r.startLe * ext;
      const len = r.count * ext;
      if (start > at) spec.push(identity(at, start - at));
      const dest = vg.pvs.find((p) => p.id === r.toPvId)!;
      const destDevno = this.host.pvDevno(r.toPvId);
      if (!destDevno) throw new LvmscopeError('STATE', `The destination PV ${this.host.names.nameOf(r.toPvId)} is missing.`);
      mirrors.push({ targetIndex: spec.length, run: r });
      spec.push({
        type: 'mirror',
        startSector: start,
        lengthSectors: len,
        regionSectors: regionSizeFor(this.regionSizeSectors, len),
        sync: 'default',
        legs: [
          { devno: tempDevno, offsetSectors: start },
          { devno: destDevno, offsetSectors: dest.peStartSectors + r.toPe * ext },
        ],
        handleErrors: false,
      });
      at = start + len;
    }
    if (at < lvSectors) spec.push(identity(at, lvSectors - at));
    return { spec, mirrors };
  }

  /** Waits for every mirror of `lv` to be in sync, checkpointing each run as it finishes. */
  private async copyAndCheckpoint(lv: string, dmName: string, table: MirrorTable, loaded: TableHandle): Promise<void> {
    const ext = this.host.vg().extentSizeSectors;
    this.mirrors = table.mirrors.map(({ targetIndex, run }) => ({
      control: loaded.mirror(targetIndex),
      run,
      device: dmName,
      targetIndex,
      targetStart: run.startLe * ext,
      length: run.count * ext,
      destination: this.host.names.nameOf(run.toPvId),
      destinationDevno: this.host.pvDevno(run.toPvId) ?? '',
    }));
    if (this.pausedByUser) this.host.dm.copier.pause();
    this.host.onStateChange();
    const aborted = new Promise<never>((_, reject) => {
      this.abortWake = () => reject(new AbortRequested());
      if (this.abortRequested) reject(new AbortRequested());
    });
    aborted.catch(() => undefined);
    // Once an abort is requested, no new checkpoint may be committed: the undo of this step
    // puts the LV back on the table the metadata gives *now*, and a checkpoint landing after
    // that would make the abort map the run to a destination that missed later writes.
    let checkpointsStopped = false;
    const checkpoints = this.mirrors.map(async (m) => {
      await m.control.awaitInSync();
      const les = `LEs ${m.run.startLe}-${m.run.startLe + m.run.count - 1}`;
      for (;;) {
        if (checkpointsStopped) return;
        try {
          if (await this.commitCheckpoint(lv, m, () => checkpointsStopped)) break;
          return;
        } catch (e) {
          if (!isStorageFailure(e) || checkpointsStopped) throw e;
          await this.pauseOnStorageError(`${lv}: ${les} are copied to ${m.destination}, but their checkpoint could not be written, so the move is paused at its last checkpoint: ${toErrorInfo(e).message}`);
        }
      }
      this.host.log('info', `${lv}: ${les} copied to ${m.destination}; checkpoint (extents_moved) committed.`);
    });
    try {
      await Promise.race([Promise.all(checkpoints), aborted]);
    } catch (e) {
      checkpointsStopped = true;
      // A checkpoint already on its way to the disk lands before the undo reads the metadata.
      await this.commitChain;
      throw e;
    } finally {
      this.abortWake = undefined;
    }
  }

  /** Flushes a run's copy and commits its checkpoint; false when checkpoints were stopped first. */
  private async commitCheckpoint(lv: string, m: MirrorInUse, stopped: () => boolean): Promise<boolean> {
    // The copy must be durable before the metadata says the data is on the destination.
    await this.flushPvs([m.run.toPvId]);
    if (stopped()) return false;
    await this.serialCommit(() => {
      const vg = this.host.vg();
      const run = readMove(vg)!.runs.find((r) => r.lv === lv && r.startLe === m.run.startLe)!;
      return checkpoint(vg, run.layerSegment);
    }, this.command);
    return true;
  }

  private story(lv: string, L: string, T: string): StoryContext {
    const vg = this.host.vg();
    const ext = vg.extentSizeSectors;
    const dm = this.host.dm;
    // A device not created yet will get the lowest free minor, as the kernel allocates it.
    const devices = dm.list();
    const used = new Set(devices.map((d) => d.minor));
    let nextMinor = 0;
    while (used.has(nextMinor)) nextMinor += 1;
    const devnoOf = (name: string) => devices.find((d) => d.name === name)?.devno ?? `254:${nextMinor}`;
    const runs = this.runsOf(lv);
    const planned = this.fresh?.filter((m) => m.lv === lv) ?? [];
    const dests = [...new Set([...runs.map((r) => r.toPvId), ...planned.map((m) => m.toPvId)])].map((id) => `${this.host.names.nameOf(id)} (${this.host.pvDevno(id) ?? '?'})`);
    const copySectors = (runs.length ? runs.filter((r) => !r.moved) : planned).reduce((n, r) => n + r.count * ext, 0);
    const region = regionSizeFor(this.regionSizeSectors, copySectors || this.regionSizeSectors);
    return {
      lv,
      dmName: L,
      devno: devnoOf(L),
      tempName: T,
      tempDevno: devnoOf(T),
      beforeLayout: this.layoutOf(lv, 'before'),
      afterLayout: this.layoutOf(lv, 'after'),
      destinations: dests.join(', ') || 'the destination PV',
      regionCount: Math.ceil(copySectors / region),
      regionSizeKiB: (region * SECTOR_SIZE) / 1024,
      copyMiB: ((copySectors * SECTOR_SIZE) / (1024 * 1024)).toFixed(1),
    };
  }

  /** "pv1 | pv2 | pv3": the PVs of an LV's extents, before or after its runs move. */
  private layoutOf(lv: string, when: 'before' | 'after'): string {
    const vg = this.host.vg();
    let model = vg;
    if (this.resolvedLvs.has(lv)) {
      // Step 7 has run: the metadata already holds the final layout.
    } else if (readMove(vg)?.runs.some((r) => r.lv === lv)) {
      model = when === 'after' ? finishedLayout(vg, [lv]) : resolveLv(vg, lv);
    } else if (this.fresh && when === 'after' && this.fresh.some((m) => m.lv === lv)) {
      model = finishedLayout(beginMove(vg, this.fresh, this.regionSizeSectors, PREVIEW_LAYER), [lv]);
    }
    const target = model.lvs.find((l) => l.name === lv);
    if (!target) return lv;
    return target.segments
      .map((s) => ('stripes' in s ? s.stripes.map((a) => (a.kind === 'pv' ? this.host.names.nameOf(a.pvId) : a.lvName)).join('+') : s.type))
      .join(' | ');
  }

  // ---- abort ----

  private async finishAbort(): Promise<void> {
    this.setStatus('aborting');
    try {
      const move = readMove(this.host.vg());
      if (move) {
        await this.serialCommit(() => move.lvs.reduce((vg, lv) => resolveLv(vg, lv), this.host.vg()), `${this.command} --abort`);
        for (const lv of move.lvs) {
          const L = this.host.lvDmName(lv);
          const expected = lvTable(this.host.vg(), lv, (id) => this.host.pvDevno(id));
          if (!sameTable(this.host.dm.targets(L), expected)) {
            await this.host.dm.suspend(L);
            this.host.dm.load(L, expected);
            await this.host.dm.resume(L);
          }
        }
      }
      this.host.log('warn', 'pvmove aborted: finished runs stay on the destination, unfinished ones are back on the source.');
      this.setStatus('aborted');
    } catch (e) {
      this.error = `abort failed: ${toErrorInfo(e).message}`;
      this.setStatus('failed');
    }
  }
}

/** A full disk or a failing image: worth a pause and a retry, not an abort. */
function isStorageFailure(e: unknown): boolean {
  return e instanceof LvmscopeError && (e.code === 'NO_SPACE' || e.code === 'IO');
}

/** LVM2 reduces the region size to the largest power of two ≤ the segment length. */
export function regionSizeFor(requested: number, lengthSectors: number): number {
  let size = requested;
  while (size > lengthSectors && size > 2) size /= 2;
  return size;
}
