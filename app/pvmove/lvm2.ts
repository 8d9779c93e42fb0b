// Stack `lvm2`: pvmove as LVM2 2.03 does it (tools/pvmove.c, pvmove_poll.c, lib/mirror/
// mirrored.c; lvm2-format.md §6), state for state. A hidden `pvmove0` device sits below the
// LVs; the users' moving ranges map linearly onto it; pvmove0 mirrors one segment at a time:
//
//   vg0-lv0      linear pv1 | linear → vg0-pvmove0 0 | linear pv3
//   vg0-pvmove0  segment 1: linear → destination       (done, checkpointed)
//                segment 2: mirror core 1 <region> 2 <source> <destination>   (mirroring)
//                segment 3: linear → source            (waiting)
//
// Every metadata change goes through LVM2's commit-and-reload order: write (and precommit)
// the new metadata, preload the new tables, suspend the users and then the devices below
// (flush), commit, resume the lower devices first. Begin: pvmove0 recorded, the users LOCKED
// and rerouted. A finished segment that does not end the move: a checkpoint (extents_moved)
// and a reload, so the next segment becomes the mirror. The end: two commits (the users
// resolved onto the destinations with pvmove0's segments turned to `error`; then pvmove0
// removed). An abort goes the same way with unfinished segments back on their source.
// After a crash the metadata's last checkpoint decides: the first unfinished segment is
// copied again from its start (a core log does not persist).

import { LvmscopeError, toErrorInfo } from '../base/result';
import type { TableSpec, TargetSpec } from '../dm/table';
import type { TableHandle } from '../dm/deviceMapper';
import { lvTable } from '../lvm/activate/tables';
import type { VolumeGroup } from '../lvm/model/types';
import { isMirror, isOther, isStriped } from '../lvm/model/types';
import { beginMove, checkpoint, detachAtomic, dropSourceImage, finishLayer, imageNames, LAYER_NAME, layerOf, readMove, type LayerIdentity, type MoveRun } from './layout';
import { abortByMetadata, layoutText, removeLayerStep } from './finish';
import { devnoOrNext, flushPvs, isStorageFailure, regionSizeFor, StackBase, uncheckpointedSectors, type MirrorInUse, type MoveStep, type MoveStrategy, type StrategyInput } from './stack';
import { lvm2Words, type Lvm2Story, type SegmentStory } from './words';

/** pvmove0's table as LVM2 generates it from the metadata (mirrored.c, one target per segment). */
export function layerTable(vg: VolumeGroup, devno: (pvId: string) => string | undefined, imageDevno: (lvName: string) => string = () => ''): TargetSpec[] {
  const layer = layerOf(vg);
  if (!layer) return [];
  const ext = vg.extentSizeSectors;
  const atomic = layer.segments.length === 1 && isMirror(layer.segments[0]) && layer.segments[0].mirrors.every((a) => a.kind === 'lv') ? layer.segments[0] : undefined;
  if (atomic) {
    // pvmove --atomic: one mirror over the two sub-LVs' devices, the whole layer at once.
    const lengthSectors = atomic.extentCount * ext;
    const legs = atomic.mirrors.map((a) => ({ devno: imageDevno(a.kind === 'lv' ? a.lvName : ''), offsetSectors: (a.kind === 'lv' ? a.le : 0) * ext }));
    return [{ type: 'mirror', startSector: 0, lengthSectors, regionSectors: regionSizeFor(atomic.regionSizeSectors ?? 4096, lengthSectors), sync: 'default', legs, handleErrors: false }];
  }
  const where = (pvId: string, pe: number) => {
    const pv = vg.pvs.find((p) => p.id === pvId);
    const d = devno(pvId);
    if (!pv || !d) throw new LvmscopeError('STATE', `${layer.name} cannot be activated: a PV of ${vg.name} it uses is missing.`);
    return { devno: d, offsetSectors: pv.peStartSectors + pe * ext };
  };
  let mirrored = false;
  return layer.segments.map((seg): TargetSpec => {
    const startSector = seg.startExtent * ext;
    const lengthSectors = seg.extentCount * ext;
    if (isOther(seg) && seg.type === 'error') return { type: 'error', startSector, lengthSectors };
    // A detached atomic layer: linear on the destinations.
    if (isStriped(seg) && seg.stripes.length === 1 && seg.stripes[0].kind === 'pv') return { type: 'linear', startSector, lengthSectors, device: where(seg.stripes[0].pvId, seg.stripes[0].pe) };
    if (!isMirror(seg) || seg.mirrors.length !== 2 || seg.mirrors.some((a) => a.kind !== 'pv')) {
      throw new LvmscopeError('UNSUPPORTED', `${layer.name} segment at LE ${seg.startExtent} is not a two-leg mirror on PVs; lvmscope runs non-atomic moves only.`);
    }
    const [src, dst] = seg.mirrors as Array<{ kind: 'pv'; pvId: string; pe: number }>;
    if ((seg.extentsMoved ?? 0) >= seg.extentCount) return { type: 'linear', startSector, lengthSectors, device: where(dst.pvId, dst.pe) };
    if (mirrored) return { type: 'linear', startSector, lengthSectors, device: where(src.pvId, src.pe) };
    mirrored = true;
    return {
      type: 'mirror',
      startSector,
      lengthSectors,
      regionSectors: regionSizeFor(seg.regionSizeSectors ?? 4096, lengthSectors),
      sync: 'default',
      legs: [where(src.pvId, src.pe), where(dst.pvId, dst.pe)],
      handleErrors: false,
    };
  });
}

/** A user LV's table while it sits on the layer: one linear target per segment, its moving ones onto pvmove0. */
export function userTableOnLayer(vg: VolumeGroup, lvName: string, devno: (pvId: string) => string | undefined, layerDevno: string): TargetSpec[] {
  const lv = vg.lvs.find((l) => l.name === lvName);
  if (!lv) throw new LvmscopeError('NOT_FOUND', `VG ${vg.name} has no LV named ${lvName}.`);
  const ext = vg.extentSizeSectors;
  return lv.segments.map((seg): TargetSpec => {
    // A detached sub-LV of an atomic move is left one error segment.
    if (isOther(seg) && seg.type === 'error') return { type: 'error', startSector: seg.startExtent * ext, lengthSectors: seg.extentCount * ext };
    if (!isStriped(seg) || seg.stripes.length !== 1) throw new LvmscopeError('UNSUPPORTED', `${lvName} has a ${seg.type} segment; only linear LVs sit on a pvmove layer.`);
    const a = seg.stripes[0];
    const startSector = seg.startExtent * ext;
    const lengthSectors = seg.extentCount * ext;
    if (a.kind === 'lv') return { type: 'linear', startSector, lengthSectors, device: { devno: layerDevno, offsetSectors: a.le * ext } };
    const pv = vg.pvs.find((p) => p.id === a.pvId);
    const d = devno(a.pvId);
    if (!pv || !d) throw new LvmscopeError('STATE', `${lvName} cannot be activated: PV ${a.pvId} of ${vg.name} is missing.`);
    return { type: 'linear', startSector, lengthSectors, device: { devno: d, offsetSectors: pv.peStartSectors + a.pe * ext } };
  });
}

export class Lvm2Strategy extends StackBase implements MoveStrategy {
  readonly stack = 'lvm2' as const;
  readonly lvs: string[];
  readonly steps: MoveStep[];
  private readonly layerDm: string;
  private readonly atomic: boolean;
  /** The devices of an atomic move's sub-LVs (pvmove0_mimage_0 and _1). */
  private readonly imageDms: [string, string];
  private layerIdentity: LayerIdentity | undefined;
  private inUse: MirrorInUse[] = [];
  /** The table handle of pvmove0's last load (its mirror target is the segment being copied). */
  private layerHandle: TableHandle | undefined;
  /** The seqnos around each commit, by step id, for the words. */
  private readonly seqnos = new Map<string, [number, number]>();
  /** The tables each step loaded, by step id, for the words. */
  private readonly tables = new Map<string, Record<string, TableSpec>>();

  constructor(input: StrategyInput) {
    super(input);
    this.layerDm = input.host.layerDmName(LAYER_NAME);
    const recorded = input.fresh ? null : readMove(input.host.vg());
    this.atomic = input.fresh ? input.atomic : (recorded?.atomic ?? false);
    this.imageDms = imageNames(LAYER_NAME).map((name) => input.host.layerDmName(name)) as [string, string];
    if (recorded?.finishing) {
      this.lvs = [];
      this.steps = [removeLayerStep(input.host, this.commits, () => this.command)];
      return;
    }
    this.lvs = input.fresh ? [...new Set(input.fresh.map((m) => m.lv))] : (recorded?.lvs ?? []);
    // An atomic move interrupted in LVM2's finish goes on from where its metadata stands.
    if (recorded?.atomicStage === 'detached' || recorded?.atomicStage === 'source-dropped') {
      this.steps = [this.releaseImagesStep(recorded.atomicStage), this.finishStep(), removeLayerStep(input.host, this.commits, () => this.command)];
      return;
    }
    // An atomic move is one mirror segment: one copy, no checkpoint.
    const segments: Array<{ lv: string | null; index: number }> = this.atomic
      ? [{ lv: this.lvs.length === 1 ? this.lvs[0] : null, index: 0 }]
      : input.fresh
        ? input.fresh.map((m, index) => ({ lv: m.lv, index }))
        : (recorded?.runs ?? []).filter((r) => !r.moved).map((r) => ({ lv: r.lv, index: r.layerSegment }));
    this.steps = [
      this.preloadStep(),
      this.suspendStep(),
      ...(input.fresh ? [this.commitStep()] : []),
      this.resumeStep(),
      ...segments.flatMap((s, i) => [this.copyStep(s.index, s.lv), ...(i < segments.length - 1 ? [this.checkpointStep(s.index, s.lv ?? this.lvs[0])] : [])]),
      ...(this.atomic ? [this.detachStep(), this.releaseImagesStep('detached')] : []),
      this.finishStep(),
      removeLayerStep(input.host, this.commits, () => this.command),
    ];
  }

  mirrors(): MirrorInUse[] {
    return this.inUse;
  }
  copiedNotCheckpointedSectors(): number {
    // An atomic move is never checkpointed: everything copied so far would be copied again.
    if (this.atomic) return this.inUse.reduce((n, m) => n + Math.min(m.length, m.watch.copiedSectors), 0);
    return uncheckpointedSectors(this.host.vg(), this.inUse);
  }
  get isAtomic(): boolean {
    return this.atomic;
  }
  layerDevice(): string | null {
    return this.host.dm.has(this.layerDm) ? this.layerDm : null;
  }

  // ---- models and tables ----

  private devno = (pvId: string) => this.host.pvDevno(pvId);

  /** The model the begin commit writes (computed from the metadata as it is now). */
  private begun(): VolumeGroup {
    const host = this.host;
    this.layerIdentity ??= { id: host.newLayerId(), creationTime: host.unixTime(), creationHost: host.hostname, ...(this.atomic ? { imageIds: [host.newLayerId(), host.newLayerId()] as [string, string] } : {}) };
    return beginMove(host.vg(), this.fresh!, this.regionSizeSectors, this.layerIdentity, this.atomic);
  }

  /** The model the move runs on: the metadata once the move is recorded, else what the begin commit will write. */
  private moveModel(): VolumeGroup {
    return this.fresh && !readMove(this.host.vg()) ? this.begun() : this.host.vg();
  }

  private users(): string[] {
    return this.lvs;
  }

  private layerDevno(): string {
    return devnoOrNext(this.host.dm, this.layerDm);
  }

  private userDm(lv: string): string {
    return this.host.lvDmName(lv);
  }

  /** Loads the new tables of pvmove0 and the users (inactive), as LVM2's preload does. */
  /** The devno of an atomic move's sub-LV device. */
  private imageDevno = (lvName: string): string => devnoOrNext(this.host.dm, this.host.layerDmName(lvName));

  /** The sub-LV devices an atomic move has now (none otherwise). */
  private liveImages(): string[] {
    return this.imageDms.filter((name) => this.host.dm.has(name));
  }

  private preload(model: VolumeGroup, stepId: string, users: 'on-layer' | 'direct' | 'keep', layerToo = true): void {
    const dm = this.host.dm;
    const loaded: Record<string, TableSpec> = {};
    const images = imageNames(LAYER_NAME);
    for (const [i, name] of this.imageDms.entries()) {
      if (!layerToo || !model.lvs.some((l) => l.name === images[i]) || !dm.has(name)) continue;
      const table = userTableOnLayer(model, images[i], this.devno, '');
      dm.load(name, table);
      loaded[name] = table;
    }
    if (layerToo) {
      const layer = layerTable(model, this.devno, this.imageDevno);
      this.layerHandle = dm.load(this.layerDm, layer);
      loaded[this.layerDm] = layer;
    }
    if (users !== 'keep') {
      for (const lv of this.users()) {
        const table = users === 'on-layer' ? userTableOnLayer(model, lv, this.devno, dm.info(this.layerDm).devno) : lvTable(model, lv, this.devno);
        dm.load(this.userDm(lv), table);
        loaded[this.userDm(lv)] = table;
      }
    }
    this.tables.set(stepId, loaded);
  }

  /** Suspends the users, then pvmove0 (flush): lv_update_and_reload's suspend order. */
  private async suspendAll(): Promise<void> {
    for (const lv of this.users()) await this.host.dm.suspend(this.userDm(lv));
    if (this.host.dm.has(this.layerDm)) await this.host.dm.suspend(this.layerDm);
    for (const name of this.liveImages()) await this.host.dm.suspend(name);
  }

  /** Resumes pvmove0 first, then the users: the lower devices before the ones above them. */
  private async resumeAll(): Promise<void> {
    const lower = [...this.liveImages(), ...(this.host.dm.has(this.layerDm) ? [this.layerDm] : [])];
    for (const name of [...lower, ...this.users().map((lv) => this.userDm(lv))]) await this.swapIn(name);
  }

  /**
   * Resumes a suspended device, or swaps in the table preloaded into a live one (a device a
   * failed move left live is reloaded on resume): suspended first, as the kernel's resume does.
   */
  private async swapIn(name: string): Promise<void> {
    const dm = this.host.dm;
    const info = dm.info(name);
    if (info.state === 'ACTIVE' && info.inactiveTable && info.liveTable) await dm.suspend(name);
    if (dm.info(name).state === 'SUSPENDED' || dm.info(name).inactiveTable) await dm.resume(name);
  }

  /** Drops the tables a failed reload preloaded and resumes everything on what is live. */
  private async cancelReload(): Promise<void> {
    const dm = this.host.dm;
    if (dm.has(this.layerDm) && dm.info(this.layerDm).inactiveTable) dm.clear(this.layerDm);
    for (const lv of this.users()) if (dm.info(this.userDm(lv)).inactiveTable) dm.clear(this.userDm(lv));
    if (dm.has(this.layerDm) && dm.info(this.layerDm).state === 'SUSPENDED' && dm.targets(this.layerDm)) await dm.resume(this.layerDm);
    for (const name of this.liveImages()) {
      if (dm.info(name).inactiveTable) dm.clear(name);
      if (dm.info(name).state === 'SUSPENDED' && dm.targets(name)) await dm.resume(name);
    }
    for (const lv of this.users()) if (dm.info(this.userDm(lv)).state === 'SUSPENDED') await dm.resume(this.userDm(lv));
  }

  /**
   * Commit and reload (LVM2's pvmove_update_metadata / lv_update_and_reload): the new tables
   * are preloaded, the stack is suspended, the metadata committed, the stack resumed. A commit
   * that fails leaves the devices as they were (live tables kept, everything resumed).
   */
  private async commitAndReload(stepId: string, next: () => VolumeGroup, users: 'on-layer' | 'direct' | 'keep', layerToo = true): Promise<void> {
    const model = next();
    this.preload(model, stepId, users, layerToo);
    await this.suspendAll();
    const before = this.host.vg().seqno;
    try {
      await this.commits.commit(() => model, this.command);
    } catch (e) {
      await this.cancelReload();
      throw e;
    }
    this.seqnos.set(stepId, [before, this.host.vg().seqno]);
    await this.resumeAll();
  }

  // ---- steps ----

  private preloadStep(): MoveStep {
    const host = this.host;
    const dm = host.dm;
    const resumed = !this.fresh;
    const created: string[] = [];
    return {
      id: 'preload',
      name: resumed ? 'Activate pvmove0 from the metadata' : 'Create pvmove0 and preload tables',
      lv: null,
      words: () => lvm2Words.preload(this.story(), this.tables.get('preload') ?? this.previewTables(), resumed),
      run: async () => {
        const model = this.moveModel();
        const layer = model.lvs.find((l) => l.name === LAYER_NAME)!;
        // A move that failed in this session left its devices live (as a dead polling daemon
        // leaves LVM2's): they are reloaded, not created again.
        const create = (name: string, lvId: string) => {
          if (dm.has(name)) return;
          dm.create(name, host.lvUuid(lvId));
          created.push(name);
        };
        for (const [i, name] of imageNames(LAYER_NAME).entries()) {
          const image = model.lvs.find((l) => l.name === name);
          if (image) create(this.imageDms[i], image.id);
        }
        create(this.layerDm, layer.id);
        // pvmove0 is not resumed here: its mirror must not copy a region the users can still
        // write around it (their live tables map straight onto the source). It goes live in
        // the resume step, after the users are suspended, before they are resumed.
        this.preload(model, 'preload', 'on-layer');
      },
      undo: async () => {
        for (const name of [...this.users().map((lv) => this.userDm(lv)), this.layerDm, ...this.imageDms]) if (dm.has(name) && dm.info(name).inactiveTable) dm.clear(name);
        for (const name of [this.layerDm, ...this.imageDms]) if (created.includes(name) && dm.has(name)) dm.remove(name);
      },
    };
  }

  /** What preload is going to load, for its card before it runs. */
  private previewTables(): Record<string, TableSpec> {
    try {
      const model = this.moveModel();
      const layerDevno = this.layerDevno();
      const out: Record<string, TableSpec> = {};
      for (const [i, name] of imageNames(LAYER_NAME).entries()) if (model.lvs.some((l) => l.name === name)) out[this.imageDms[i]] = userTableOnLayer(model, name, this.devno, '');
      out[this.layerDm] = layerTable(model, this.devno, this.imageDevno);
      for (const lv of this.users()) out[this.userDm(lv)] = userTableOnLayer(model, lv, this.devno, layerDevno);
      return out;
    } catch {
      // A PV that went missing is reported by the step itself, in its own words.
      return {};
    }
  }

  private suspendStep(): MoveStep {
    const dm = this.host.dm;
    return {
      id: 'suspend',
      name: 'Suspend the LVs',
      lv: null,
      words: () => lvm2Words.suspend(this.story()),
      run: async () => {
        for (const lv of this.users()) await dm.suspend(this.userDm(lv));
      },
      undo: async () => {
        for (const lv of this.users()) {
          const name = this.userDm(lv);
          if (dm.info(name).inactiveTable) dm.clear(name);
          if (dm.info(name).state === 'SUSPENDED') await dm.resume(name);
        }
      },
    };
  }

  private commitStep(): MoveStep {
    return {
      id: 'commit',
      name: 'Commit the move',
      lv: null,
      decides: true,
      rewordWhenDone: true,
      words: () => lvm2Words.commit(this.story(), this.seqnos.get('commit')),
      run: async () => {
        const before = this.host.vg().seqno;
        await this.commits.commit(() => this.begun(), this.command);
        this.recorded = true;
        this.seqnos.set('commit', [before, this.host.vg().seqno]);
      },
    };
  }

  private resumeStep(): MoveStep {
    return {
      id: 'resume',
      name: 'Resume pvmove0, then the LVs',
      lv: null,
      // Once the move is committed the stack is resumed whatever happens next: an abort then
      // runs from a live stack, as LVM2's does.
      runsOnAbort: true,
      words: () => lvm2Words.resume(this.story()),
      run: async () => {
        this.recorded = true;
        await this.resumeAll();
      },
    };
  }

  private copyStep(segment: number, lv: string | null): MoveStep {
    const host = this.host;
    return {
      id: `copy-${segment + 1}`,
      name: this.atomic ? 'Mirror the whole move (atomic)' : `Mirror segment ${segment + 1}`,
      lv,
      words: () => lvm2Words.copy(this.story(), this.segmentStory(segment)),
      run: async () => {
        const ext = host.vg().extentSizeSectors;
        const run = this.atomic ? this.wholeRun() : this.run(segment);
        const control = this.layerHandle && this.layerHandle.spec === host.dm.targets(this.layerDm) ? this.layerHandle.mirror(segment) : host.dm.mirror(this.layerDm, segment);
        const watch = this.monitor.watch(this.layerDm, segment, control);
        this.inUse = [{
          watch,
          run,
          device: this.layerDm,
          targetIndex: segment,
          targetStart: run.layerLe * ext,
          length: run.count * ext,
          sourceLeg: host.names.nameOf(run.fromPvId),
          destination: host.names.nameOf(run.toPvId),
          destinationDevno: host.pvDevno(run.toPvId) ?? '',
        }];
        if (this.control.paused) host.dm.copier.pause();
        host.onStateChange();
        try {
          await Promise.race([watch.inSync(), this.control.abortSignal()]);
          host.log('info', this.atomic ? `pvmove0 (atomic, ${run.count} extents) is in sync on its destinations.` : `pvmove0 segment ${segment + 1} (${lv} LEs ${run.startLe}-${run.startLe + run.count - 1}) is in sync on ${this.host.names.nameOf(run.toPvId)}.`);
        } finally {
          this.monitor.unwatch(watch);
        }
      },
    };
  }

  /** An atomic move's one mirror as a run: all of pvmove0, from its first run's source to its first run's destination. */
  private wholeRun(): MoveRun {
    const runs = readMove(this.host.vg())?.runs ?? [];
    const count = runs.reduce((n, r) => n + r.count, 0);
    return { ...runs[0], layerSegment: 0, layerLe: 0, count };
  }

  /** The run of pvmove0 segment `segment` (0-based) as the metadata records it (or the plan, before the begin commit). */
  private run(segment: number): MoveRun {
    const recorded = readMove(this.host.vg())?.runs.find((r) => r.layerSegment === segment);
    if (recorded) return recorded;
    const m = this.fresh![segment];
    const layerLe = this.fresh!.slice(0, segment).reduce((n, x) => n + x.count, 0);
    return { ...m, layerSegment: segment, layerLe, moved: false };
  }

  private checkpointStep(segment: number, lv: string): MoveStep {
    const host = this.host;
    const id = `checkpoint-${segment + 1}`;
    return {
      id,
      name: `Checkpoint segment ${segment + 1} and reload`,
      lv,
      rewordWhenDone: true,
      words: () => lvm2Words.checkpoint(this.story(), this.segmentStory(segment), this.seqnos.get(id), this.tables.get(id)?.[this.layerDm] ?? this.nextLayerTable(segment)),
      run: async () => {
        const run = this.run(segment);
        for (;;) {
          try {
            // The copy is durable before the metadata says the data is on the destination.
            await flushPvs(host, [run.toPvId]);
            await this.commitAndReload(id, () => checkpoint(host.vg(), segment), 'keep');
            break;
          } catch (e) {
            if (!isStorageFailure(e) || this.control.abortRequested) throw e;
            await this.control.pauseOnStorageError(`${lv}: pvmove0 segment ${segment + 1} is copied to ${host.names.nameOf(run.toPvId)}, but its checkpoint could not be written, so the move is paused at its last checkpoint: ${toErrorInfo(e).message}`);
          }
        }
        this.inUse = [];
      },
    };
  }

  /** pvmove0's table once `segment` is checkpointed (for the card before the step runs). */
  private nextLayerTable(segment: number): TableSpec {
    try {
      return readMove(this.host.vg()) ? layerTable(checkpoint(this.host.vg(), segment), this.devno) : [];
    } catch {
      return [];
    }
  }

  /**
   * An atomic move's first finishing commit (LVM2's lv_remove_mirrors): pvmove0 becomes linear
   * on the destinations, the sub-LVs detached; pvmove0 and the sub-LVs are reloaded.
   */
  private detachStep(): MoveStep {
    const host = this.host;
    return {
      id: 'detach',
      name: 'Detach the mirror: pvmove0 onto the destinations',
      lv: null,
      decides: true,
      rewordWhenDone: true,
      words: () => lvm2Words.detach(this.story(), this.seqnos.get('detach'), this.tables.get('detach')),
      run: async () => {
        const move = readMove(host.vg());
        await flushPvs(host, move?.runs.map((r) => r.toPvId) ?? []);
        await this.commitAndReload('detach', () => detachAtomic(host.vg()), 'keep');
        this.inUse = [];
      },
    };
  }

  /**
   * The detached sub-LVs go, as LVM2 removes them: the detached state committed once more, the
   * source sub-LV's device removed, then its metadata; then the destination sub-LV's device.
   */
  private releaseImagesStep(stage: 'detached' | 'source-dropped'): MoveStep {
    const host = this.host;
    const dm = host.dm;
    const seqnos: number[] = [];
    return {
      id: 'release-images',
      name: 'Release the mirror images',
      lv: null,
      runsOnAbort: true,
      rewordWhenDone: true,
      words: () => lvm2Words.releaseImages(this.story(), this.imageDms, seqnos),
      run: async () => {
        seqnos.push(host.vg().seqno);
        if (stage === 'detached') {
          await this.commits.commit(() => host.vg(), this.command);
          seqnos.push(host.vg().seqno);
          if (dm.has(this.imageDms[0])) dm.remove(this.imageDms[0]);
          await this.commits.commit(() => dropSourceImage(host.vg()), this.command);
          seqnos.push(host.vg().seqno);
        }
        if (dm.has(this.imageDms[1])) dm.remove(this.imageDms[1]);
      },
    };
  }

  private finishStep(): MoveStep {
    const host = this.host;
    return {
      id: 'finish',
      name: 'Finish: the LVs onto the destination',
      lv: null,
      decides: true,
      rewordWhenDone: true,
      words: () => lvm2Words.finish(this.story(), this.seqnos.get('finish'), this.tables.get('finish')),
      run: async () => {
        const move = readMove(host.vg());
        await flushPvs(host, move?.runs.map((r) => r.toPvId) ?? []);
        // pvmove0 keeps its table (a real kernel never shows it reloaded here): the users leave
        // it, and the next step removes it.
        await this.commitAndReload('finish', () => finishLayer(host.vg(), 'finish'), 'direct', false);
        this.inUse = [];
      },
    };
  }

  // ---- words ----

  private story(): Lvm2Story {
    const model = (() => {
      try {
        return this.moveModel();
      } catch {
        return this.host.vg();
      }
    })();
    const dm = this.host.dm;
    const move = readMove(model);
    return {
      vg: this.host.vgName,
      layerDm: this.layerDm,
      layerDevno: devnoOrNext(dm, this.layerDm),
      users: this.users().map((lv) => {
        let name = lv;
        try {
          name = this.userDm(lv);
        } catch {
          // An inactive LV is named by its LV name.
        }
        return { lv, dmName: name, devno: devnoOrNext(dm, name), layout: layoutText(this.host, this.host.vg(), lv) };
      }),
      segments: this.atomic ? 1 : (move?.runs.length ?? this.fresh?.length ?? 0),
      command: this.command,
      atomic: this.atomic,
    };
  }

  private segmentStory(segment: number): SegmentStory {
    const run = this.atomic && readMove(this.host.vg()) ? this.wholeRun() : this.run(segment);
    const ext = this.host.vg().extentSizeSectors;
    const length = run.count * ext;
    const region = regionSizeFor(run.regionSizeSectors ?? this.regionSizeSectors, length);
    return {
      index: segment + 1,
      lv: run.lv,
      les: `${run.startLe}-${run.startLe + run.count - 1}`,
      extents: run.count,
      lengthSectors: length,
      regionSectors: region,
      regions: Math.ceil(length / region),
      from: `${this.host.names.nameOf(run.fromPvId)} (${this.host.pvDevno(run.fromPvId) ?? '?'})`,
      to: `${this.host.names.nameOf(run.toPvId)} (${this.host.pvDevno(run.toPvId) ?? '?'})`,
    };
  }

  // ---- abort ----

  async finishAbort(): Promise<void> {
    await this.commits.settled();
    this.inUse = [];
    const dm = this.host.dm;
    // Whatever a step left preloaded or suspended is settled first, on the live tables.
    await this.cancelReload();
    const removeDevices = () => {
      if (dm.has(this.layerDm)) dm.remove(this.layerDm);
      for (const name of this.liveImages()) dm.remove(name);
    };
    await abortByMetadata(this.host, this.commits, `${this.command} --abort`, async () => removeDevices());
    removeDevices();
  }
}
