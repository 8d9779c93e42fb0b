// Stack `outline`: the seed's 2002 design (DESIGN §1, LVM2 doc/pvmove_outline.txt), eight
// steps per LV. What is on disk follows LVM2 wherever the outline does not say otherwise
// (layout.ts): the move is recorded (pvmove0, LOCKED) before any copy starts; each run is
// checkpointed (extents_moved) as it finishes, except the move's last, as LVM2 never
// checkpoints the segment that completes the move; an LV that is not the last leaves the
// layer in one commit at its step 7, and the last one in LVM2's two finishing commits.
//
// Device stack while copying (the seed's layering, not LVM2's pvmove0 device):
//   vg0-lv0       identity → vg0-lv0-orig | mirror(vg0-lv0-orig, pv4) | identity → vg0-lv0-orig
//   vg0-lv0-orig  the LV's original table (pv1 | pv2 | pv3)

import { LvmscopeError, toErrorInfo } from '../base/result';
import { SECTOR_SIZE } from '../base/units';
import type { TableHandle } from '../dm/deviceMapper';
import { formatTable, type TableSpec, type TargetSpec } from '../dm/table';
import { lvTable } from '../lvm/activate/tables';
import { beginMove, checkpoint, finishedLayout, finishLayer, PREVIEW_LAYER, readMove, removeLayer, resolveLv, type MoveRun } from './layout';
import { devnoOrNext, flushPvs, isStorageFailure, regionSizeFor, StackBase, uncheckpointedSectors, type MirrorInUse, type MoveStep, type MoveStrategy, type StrategyInput } from './stack';
import { OUTLINE_STEPS, outlineWords, type StoryContext } from './words';
import { abortByMetadata, layoutText, removeLayerStep } from './finish';

/** The identity + mirror table of step 3, and which of its targets copies which run. */
interface MirrorTable {
  readonly spec: TargetSpec[];
  readonly mirrors: ReadonlyArray<{ readonly targetIndex: number; readonly run: MoveRun }>;
}

export class OutlineStrategy extends StackBase implements MoveStrategy {
  readonly stack = 'outline' as const;
  readonly lvs: string[];
  readonly steps: MoveStep[];
  private inUse: MirrorInUse[] = [];
  /**
   * Mirrors of the LV whose copy step ended (step 5) until its step 7 commits: the move's last
   * run is copied but never checkpointed, and still counts as copied (and as a crash's cost).
   */
  private held: MirrorInUse[] = [];
  /** LVs whose step 7 committed their final layout. */
  private readonly resolvedLvs = new Set<string>();

  constructor(input: StrategyInput) {
    super(input);
    const recorded = readMove(input.host.vg());
    // pvmove --atomic is LVM2's layer over two sub-LVs; the 2002 outline has no such thing.
    if (input.atomic || (recorded?.atomic && !input.fresh)) throw new LvmscopeError('INVALID', 'An --atomic move runs on the lvm2 stack (one mirror over pvmove0_mimage_0/1); the 2002 outline has no such layer. Choose the lvm2 stack.');
    this.lvs = input.fresh ? [...new Set(input.fresh.map((m) => m.lv))] : (recorded?.lvs ?? []);
    this.steps = recorded?.finishing && !input.fresh ? [removeLayerStep(input.host, this.commits, () => this.command)] : this.lvs.flatMap((lv, i) => this.lvSteps(lv, i === this.lvs.length - 1));
  }

  mirrors(): MirrorInUse[] {
    return this.inUse;
  }
  copiedNotCheckpointedSectors(): number {
    return uncheckpointedSectors(this.host.vg(), [...this.inUse, ...this.held]);
  }
  layerDevice(): string | null {
    return null;
  }

  // ---- the eight steps of one LV ----

  private lvSteps(lv: string, lastLv: boolean): MoveStep[] {
    const host = this.host;
    const dm = host.dm;
    // The LV's device is looked up when a step runs (a resumed move's LV may be inactive).
    const L = () => host.lvDmName(lv);
    const T = () => `${L()}-orig`;
    let originalTable: TableSpec = [];
    let mirrorTable: MirrorTable | undefined;
    let loadedMirrorTable: TableHandle | undefined;
    let finalTable: TableSpec = [];
    let beginSeqno: [number, number] | undefined;
    let endSeqnos: number[] | undefined;
    const lvTableNow = (): TableSpec => lvTable(host.vg(), lv, (id) => host.pvDevno(id));
    const story = (): StoryContext => this.story(lv, L(), T());
    const step = (n: number, body: Omit<MoveStep, 'id' | 'name' | 'lv' | 'words'> & { words: () => ReturnType<typeof outlineWords> }): MoveStep => ({
      id: `${lv}/${OUTLINE_STEPS[n - 1][0]}`,
      name: OUTLINE_STEPS[n - 1][1],
      lv,
      ...body,
    });
    return [
      step(1, {
        words: () => outlineWords(1, story()),
        run: async () => {
          originalTable = dm.targets(L()) ?? [];
          await dm.suspend(L());
        },
        undo: async () => {
          if (dm.info(L()).state === 'SUSPENDED') await dm.resume(L());
        },
      }),
      step(2, {
        words: () => outlineWords(2, story(), { table: formatTable(originalTable.length ? originalTable : (dm.targets(L()) ?? [])) }),
        run: async () => {
          dm.create(T());
          dm.load(T(), originalTable);
          await dm.resume(T());
        },
        undo: async () => {
          if (dm.has(T())) dm.remove(T());
        },
      }),
      step(3, {
        rewordWhenDone: true,
        // Before it runs, the card shows the table step 3 is going to load (from the plan).
        words: () => outlineWords(3, story(), { table: formatTable((mirrorTable ?? this.previewMirrorTable(lv, story().tempDevno)).spec), seqno: beginSeqno }),
        run: async () => {
          if (this.fresh && !readMove(host.vg())) {
            const before = host.vg().seqno;
            const layer = { id: host.newLayerId(), creationTime: host.unixTime(), creationHost: host.hostname };
            await this.commits.commit(() => beginMove(host.vg(), this.fresh!, this.regionSizeSectors, layer), this.command);
            beginSeqno = [before, host.vg().seqno];
          }
          this.recorded = true;
          mirrorTable = this.mirrorTable(lv, dm.info(T()).devno, this.runsOf(lv));
          loadedMirrorTable = dm.load(L(), mirrorTable.spec);
        },
        undo: async () => dm.clear(L()),
      }),
      step(4, {
        words: () => outlineWords(4, story()),
        run: async () => {
          await dm.resume(L());
          await this.copyAndCheckpoint(lv, L(), mirrorTable!, loadedMirrorTable!);
        },
        undo: async () => {
          this.stopWatching();
          if (dm.info(L()).state === 'ACTIVE') await dm.suspend(L());
          dm.load(L(), lvTableNow());
          await dm.resume(L());
        },
      }),
      step(5, {
        words: () => outlineWords(5, story(), { resumed: this.inUse.length === 0 && !this.fresh }),
        run: async () => {
          await dm.suspend(L());
          this.held = this.inUse;
          this.stopWatching();
        },
        undo: async () => {
          if (dm.info(L()).state === 'SUSPENDED') await dm.resume(L());
        },
      }),
      step(6, {
        words: () => outlineWords(6, story()),
        run: async () => dm.remove(T(), { deferred: true }),
      }),
      step(7, {
        rewordWhenDone: true,
        decides: true,
        words: () => outlineWords(7, story(), { seqnos: endSeqnos, lastLv }),
        run: async () => {
          const seqnos = [host.vg().seqno];
          // Every byte written to the destinations (copies and both-leg writes) is made
          // durable before the commit that maps the LV onto them; the LV itself is suspended,
          // so the PV devices are flushed directly.
          await flushPvs(host, this.runsOf(lv).map((r) => r.toPvId));
          if (lastLv) {
            await this.commits.commit(() => finishLayer(host.vg(), 'finish'), this.command);
            seqnos.push(host.vg().seqno);
            await this.commits.commit(() => removeLayer(host.vg()), this.command);
          } else {
            await this.commits.commit(() => resolveLv(host.vg(), lv), this.command);
          }
          seqnos.push(host.vg().seqno);
          this.resolvedLvs.add(lv);
          this.held = [];
          endSeqnos = seqnos;
          finalTable = lvTableNow();
        },
      }),
      step(8, {
        runsOnAbort: true,
        words: () => outlineWords(8, story(), { table: formatTable(finalTable) }),
        run: async () => {
          dm.load(L(), finalTable);
          await dm.resume(L());
        },
      }),
    ];
  }

  private stopWatching(): void {
    for (const m of this.inUse) this.monitor.unwatch(m.watch);
    this.inUse = [];
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
        regionSectors: regionSizeFor(r.regionSizeSectors ?? this.regionSizeSectors, len),
        sync: 'default',
        legs: [
          { devno: tempDevno, offsetSectors: start },
          { devno: destDevno, offsetSectors: dest.peStartSectors + r.toPe * ext },
        ],
        handleErrors: false,
        // The 2002 design's own rule (step 4): an early write pulls its region's copy forward.
        writeRule: 'intercept',
      });
      at = start + len;
    }
    if (at < lvSectors) spec.push(identity(at, lvSectors - at));
    return { spec, mirrors };
  }

  /** Waits for every mirror of `lv` to be in sync, checkpointing each run as it finishes. */
  private async copyAndCheckpoint(lv: string, dmName: string, table: MirrorTable, loaded: TableHandle): Promise<void> {
    const ext = this.host.vg().extentSizeSectors;
    this.inUse = table.mirrors.map(({ targetIndex, run }) => ({
      watch: this.monitor.watch(dmName, targetIndex, loaded.mirror(targetIndex)),
      run,
      device: dmName,
      targetIndex,
      targetStart: run.startLe * ext,
      length: run.count * ext,
      sourceLeg: `${dmName}-orig`,
      destination: this.host.names.nameOf(run.toPvId),
      destinationDevno: this.host.pvDevno(run.toPvId) ?? '',
    }));
    if (this.control.paused) this.host.dm.copier.pause();
    this.host.onStateChange();
    const aborted = this.control.abortSignal();
    // Once an abort is requested, no new checkpoint may be committed: the undo of this step
    // puts the LV back on the table the metadata gives *now*, and a checkpoint landing after
    // that would make the abort map the run to a destination that missed later writes.
    let checkpointsStopped = false;
    const checkpoints = this.inUse.map(async (m) => {
      await m.watch.inSync();
      const les = `LEs ${m.run.startLe}-${m.run.startLe + m.run.count - 1}`;
      for (;;) {
        if (checkpointsStopped) return;
        try {
          const wrote = await this.commitCheckpoint(lv, m, () => checkpointsStopped);
          if (wrote === 'stopped') return;
          if (wrote === 'last') {
            this.host.log('info', `${lv}: ${les} copied to ${m.destination}; the move's last segment is not checkpointed (LVM2 finishes instead).`);
            return;
          }
          break;
        } catch (e) {
          if (!isStorageFailure(e) || checkpointsStopped) throw e;
          await this.control.pauseOnStorageError(`${lv}: ${les} are copied to ${m.destination}, but their checkpoint could not be written, so the move is paused at its last checkpoint: ${toErrorInfo(e).message}`);
        }
      }
      this.host.log('info', `${lv}: ${les} copied to ${m.destination}; checkpoint (extents_moved) committed.`);
    });
    try {
      await Promise.race([Promise.all(checkpoints), aborted]);
    } catch (e) {
      checkpointsStopped = true;
      // A checkpoint already on its way to the disk lands before the undo reads the metadata.
      await this.commits.settled();
      throw e;
    }
  }

  /**
   * Flushes a run's copy and commits its checkpoint. Not for the move's last unfinished run:
   * LVM2 writes no checkpoint for the segment that completes the move, it finishes instead.
   */
  private async commitCheckpoint(lv: string, m: MirrorInUse, stopped: () => boolean): Promise<'written' | 'last' | 'stopped'> {
    // The copy must be durable before the metadata says the data is on the destination.
    await flushPvs(this.host, [m.run.toPvId]);
    if (stopped()) return 'stopped';
    let last = false;
    await this.commits.commit(() => {
      const vg = this.host.vg();
      const runs = readMove(vg)!.runs;
      const run = runs.find((r) => r.lv === lv && r.startLe === m.run.startLe)!;
      last = runs.every((r) => r === run || r.moved);
      // Nothing to write for the last run: committing the same model again would only bump the seqno.
      return last ? null : checkpoint(vg, run.layerSegment);
    }, this.command);
    return last ? 'last' : 'written';
  }

  private story(lv: string, L: string, T: string): StoryContext {
    const vg = this.host.vg();
    const ext = vg.extentSizeSectors;
    const dm = this.host.dm;
    const runs = this.runsOf(lv);
    const planned = this.fresh?.filter((m) => m.lv === lv) ?? [];
    const dests = [...new Set([...runs.map((r) => r.toPvId), ...planned.map((m) => m.toPvId)])].map((id) => `${this.host.names.nameOf(id)} (${this.host.pvDevno(id) ?? '?'})`);
    const copySectors = (runs.length ? runs.filter((r) => !r.moved) : planned).reduce((n, r) => n + r.count * ext, 0);
    const region = regionSizeFor(this.regionSizeSectors, copySectors || this.regionSizeSectors);
    return {
      lv,
      dmName: L,
      devno: devnoOrNext(dm, L),
      tempName: T,
      tempDevno: devnoOrNext(dm, T),
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
    return layoutText(this.host, model, lv);
  }

  // ---- abort ----

  async finishAbort(): Promise<void> {
    await this.commits.settled();
    if (readMove(this.host.vg())) await abortByMetadata(this.host, this.commits, `${this.command} --abort`);
  }
}
