// What every move shares, whichever device stack it runs on: the host it acts through (dm,
// metadata commits, names), the step shape the generic runner executes, the control a step
// gets from the runner (abort, pause on a storage error), and the strategy interface a stack
// implements (outline.ts: the 2002 outline; lvm2.ts: today's pvmove0 layer).

import type { Clock } from '../base/clock';
import { LvmscopeError } from '../base/result';
import type { MoveStack, StepView } from '../api/move';
import type { DeviceMapper } from '../dm/deviceMapper';
import type { VolumeGroup } from '../lvm/model/types';
import { CopyMonitor, type MirrorWatch } from './copyMonitor';
import { readMove, type MoveRun } from './layout';
import type { ExtentMove, PvNames } from './plan';

export interface MoveHost {
  dm: DeviceMapper;
  clock: Clock;
  names: PvNames;
  vgName: string;
  /** The VG model as last committed. */
  vg(): VolumeGroup;
  /** Commits `next` (seqno + 1) on every metadata area; resolves with the committed model. */
  commit(next: VolumeGroup, command: string): Promise<VolumeGroup>;
  pvDevno(pvId: string): string | undefined;
  /** The dm name of an active LV; throws a sentence when it is not active. */
  lvDmName(lv: string): string;
  /** The dm name a layer LV (pvmove0) gets: `vg0-pvmove0`. */
  layerDmName(layer: string): string;
  /** The dm uuid of an LV of this VG (`LVM-<vg uuid><lv uuid>`). */
  lvUuid(lvId: string): string;
  newLayerId(): string;
  unixTime(): number;
  hostname: string;
  onStep(step: StepView): void;
  onStateChange(): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

export interface StepWords {
  narration: string;
  commands: string[];
}

/** One named step of a move, as the generic runner executes it. */
export interface MoveStep {
  readonly id: string;
  readonly name: string;
  /** The LV it acts on, or null for a step on the whole move. */
  readonly lv: string | null;
  run(): Promise<void>;
  undo?(): Promise<void>;
  words(): StepWords;
  /**
   * Steps whose words only become complete when they finish (the seqno a commit wrote) are
   * worded again then; the others keep the words they had when they ran, which describe what
   * was done (a copy step says how much it was going to copy, not the nothing left afterwards).
   */
  readonly rewordWhenDone?: boolean;
  /** Once done, the metadata decides the move: the steps before it are never undone. */
  readonly decides?: boolean;
  /** Runs even when an abort came before it: it only completes what a committed step decided. */
  readonly runsOnAbort?: boolean;
}

/** What a step may ask of the runner. */
export interface StepControl {
  readonly abortRequested: boolean;
  /** Rejects with AbortRequested as soon as the user aborts (already rejected if they have). */
  abortSignal(): Promise<never>;
  /**
   * A checkpoint that could not be written (a full disk, a failing image) pauses the move at
   * its last checkpoint, with the sentence as the move's error, until the user resumes (retry)
   * or aborts. The LV stays live meanwhile: only the copy stops.
   */
  pauseOnStorageError(sentence: string): Promise<void>;
  readonly paused: boolean;
}

/** A mirror target a move copies with now: which run, on which device, at which target. */
export interface MirrorInUse {
  readonly watch: MirrorWatch;
  readonly run: MoveRun;
  readonly device: string;
  readonly targetIndex: number;
  /** Where the target starts in its device, and its length (sectors). */
  readonly targetStart: number;
  readonly length: number;
  /** What the views call the legs: the source device or PV, the destination PV. */
  readonly sourceLeg: string;
  readonly destination: string;
  readonly destinationDevno: string;
}

/** A device stack: the steps of a move and what the runner and the views need from it. */
export interface MoveStrategy {
  readonly stack: MoveStack;
  readonly lvs: string[];
  readonly steps: MoveStep[];
  /** True once the move is in the metadata. */
  readonly recorded: boolean;
  /** The mirrors copying now (for progress). */
  mirrors(): MirrorInUse[];
  /** Sectors copied that no checkpoint records yet: what a crash now would copy again. */
  copiedNotCheckpointedSectors(): number;
  /** The dm device of the layer while it exists (lvm2), else null. */
  layerDevice(): string | null;
  pauseCopy(): void;
  resumeCopy(): void;
  /** LVM2's non-atomic abort, from what the metadata says now; the devices follow. */
  finishAbort(): Promise<void>;
}

/** Thrown inside a step when the user aborts; not a failure. */
export class AbortRequested extends Error {}

/** A full disk or a failing image: worth a pause and a retry, not an abort. */
export function isStorageFailure(e: unknown): boolean {
  return e instanceof LvmscopeError && (e.code === 'NO_SPACE' || e.code === 'IO');
}

/** LVM2 reduces the region size to the largest power of two ≤ the segment length. */
export function regionSizeFor(requested: number, lengthSectors: number): number {
  let size = requested;
  while (size > lengthSectors && size > 2) size /= 2;
  return size;
}

/** fdatasync of the image PVs given (each once). */
export async function flushPvs(host: MoveHost, pvIds: readonly string[]): Promise<void> {
  for (const pvId of new Set(pvIds)) {
    const devno = host.pvDevno(pvId);
    const device = devno ? host.dm.lookup(devno) : undefined;
    if (device) await device.flush();
  }
}

/** Commits one after another (a checkpoint never overtakes another commit). */
export class CommitChain {
  private chain: Promise<unknown> = Promise.resolve();
  constructor(private readonly host: MoveHost) {}

  /**
   * `next` is computed when the previous commit has landed, from the model as it is then;
   * null means there is nothing to write after all (the model as it is is returned).
   */
  commit(next: () => VolumeGroup | null, command: string): Promise<VolumeGroup> {
    const run = this.chain.then(() => {
      const model = next();
      return model ? this.host.commit(model, command) : this.host.vg();
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Resolves when every commit asked for so far has landed or failed. */
  settled(): Promise<unknown> {
    return this.chain;
  }
}

/** The devno a device has, or the one the kernel would give it next (the lowest free minor). */
export function devnoOrNext(dm: DeviceMapper, name: string): string {
  const devices = dm.list();
  const found = devices.find((d) => d.name === name);
  if (found) return found.devno;
  const used = new Set(devices.map((d) => d.minor));
  let next = 0;
  while (used.has(next)) next += 1;
  return `254:${next}`;
}

/** Sectors the mirrors given have copied for runs the metadata does not record as moved. */
export function uncheckpointedSectors(vg: VolumeGroup, mirrors: readonly MirrorInUse[]): number {
  const runs = readMove(vg)?.runs ?? [];
  let sectors = 0;
  for (const m of mirrors) {
    const run = runs.find((r) => r.lv === m.run.lv && r.startLe === m.run.startLe);
    if (run && !run.moved) sectors += Math.min(m.length, m.watch.copiedSectors);
  }
  return sectors;
}

export function heredoc(command: string, lines: string[]): string[] {
  return [`${command} <<'TABLE'`, ...lines.map((l) => `  ${l}`), 'TABLE'];
}

/** What a strategy is built from: a plan (fresh) or the metadata (resume). */
export interface StrategyInput {
  host: MoveHost;
  control: StepControl;
  command: string;
  /** The plan of a fresh move; null when resuming what the metadata records. */
  fresh: ExtentMove[] | null;
  /** A fresh move's pvmove --atomic (a resumed move reads it from the metadata). */
  atomic: boolean;
  regionSizeSectors: number;
}

/** What both stacks share: the host, the runner's control, commits one after another, the copy monitor. */
export abstract class StackBase {
  protected readonly host: MoveHost;
  protected readonly control: StepControl;
  protected readonly command: string;
  protected readonly fresh: ExtentMove[] | null;
  protected readonly regionSizeSectors: number;
  protected readonly commits: CommitChain;
  protected readonly monitor: CopyMonitor;
  recorded: boolean;

  constructor(input: StrategyInput) {
    this.host = input.host;
    this.control = input.control;
    this.command = input.command;
    this.fresh = input.fresh;
    this.regionSizeSectors = input.regionSizeSectors;
    this.commits = new CommitChain(input.host);
    this.monitor = new CopyMonitor(input.host.dm);
    this.recorded = input.fresh === null;
  }

  pauseCopy(): void {
    this.host.dm.copier.pause();
  }

  resumeCopy(): void {
    this.host.dm.copier.resume();
  }
}
