// The move runner: a generic step runner (LVM2 tools/pvmove.c habit of a step table). It knows
// nothing of device-mapper: it runs the named steps a stack strategy gives ({id, name, run,
// undo, words}), one after another; gates each one (step mode: wait for Next; pause: the copy
// stops, and a paused move does not start its next step either); marks each step's state with
// its narration and commands; and on a failure or an abort says "ABORTING: <step>: <reason>"
// and undoes the steps done since the move was last decided, in reverse. What is left to do
// after that (LVM2's non-atomic abort, from the metadata) is the strategy's finishAbort.
//
//   strategy (outline.ts | lvm2.ts) → steps + target specs of each phase
//   copy monitor (copyMonitor.ts)   → per-region completion from the mirror's typed events
//   this runner                     → order, gates, abort, undo, step views

import type { Clock } from '../base/clock';
import { LvmscopeError, toErrorInfo } from '../base/result';
import type { MoveStack, StepView } from '../api/move';
import { readMove } from './layout';
import type { ExtentMove } from './plan';
import { AbortRequested, type MirrorInUse, type MoveHost, type MoveStep, type MoveStrategy, type StepControl, type StrategyInput } from './stack';
import { OutlineStrategy } from './outline';
import { Lvm2Strategy } from './lvm2';
import { DEFAULT_REGION_SECTORS } from './layout';

export type { MoveHost } from './stack';

export type MoveStatus = 'running' | 'paused' | 'waiting-step' | 'done' | 'aborting' | 'aborted' | 'failed';

export interface MoveRunOptions {
  stack?: MoveStack;
  /** A fresh move's pvmove --atomic (lvm2 stack only). */
  atomic?: boolean;
  regionSizeSectors?: number;
  stepMode?: boolean;
}

function createStrategy(stack: MoveStack, input: StrategyInput): MoveStrategy {
  return stack === 'lvm2' ? new Lvm2Strategy(input) : new OutlineStrategy(input);
}

export class MoveRunner implements StepControl {
  status: MoveStatus = 'running';
  error: string | null = null;
  /** The step running now (or waiting for Next in step mode). */
  current: MoveStep | null = null;
  readonly steps: StepView[];
  readonly strategy: MoveStrategy;
  readonly regionSizeSectors: number;
  private stepMode: boolean;
  private gate: (() => void) | undefined;
  private aborting = false;
  private abortListeners = new Set<() => void>();
  private pausedByUser = false;
  /** Wake a paused gate and every pause after a storage error (two runs' checkpoints may both fail). */
  private readonly pauseWaiters = new Set<() => void>();
  private readonly clock: Clock;

  private constructor(
    private readonly host: MoveHost,
    readonly command: string,
    fresh: ExtentMove[] | null,
    options: MoveRunOptions,
  ) {
    this.clock = host.clock;
    this.regionSizeSectors = options.regionSizeSectors ?? DEFAULT_REGION_SECTORS;
    this.stepMode = options.stepMode ?? false;
    this.strategy = createStrategy(options.stack ?? 'outline', { host, control: this, command, fresh, atomic: options.atomic ?? false, regionSizeSectors: this.regionSizeSectors });
    this.steps = this.strategy.steps.map((s, i) => ({ id: s.id, index: i + 1, name: s.name, lv: s.lv, state: 'pending', narration: '', commands: [], timeMs: 0 }));
  }

  /** A new move from a plan: nothing is on disk yet. */
  static start(host: MoveHost, command: string, moves: ExtentMove[], options: MoveRunOptions): MoveRunner {
    return new MoveRunner(host, command, moves, options);
  }

  /** Resumes the move recorded in the metadata (ours, or one real LVM2 started). */
  static resume(host: MoveHost, options: MoveRunOptions): MoveRunner {
    if (!readMove(host.vg())) throw new LvmscopeError('STATE', `No move is in progress in ${host.vg().name}; there is nothing to resume.`);
    return new MoveRunner(host, 'pvmove', null, options);
  }

  get stack(): MoveStack {
    return this.strategy.stack;
  }
  get lvs(): string[] {
    return this.strategy.lvs;
  }
  get recorded(): boolean {
    return this.strategy.recorded;
  }
  get mirrors(): MirrorInUse[] {
    return this.strategy.mirrors();
  }
  get currentLv(): string | null {
    return this.current?.lv ?? null;
  }
  get currentStepId(): string | null {
    return this.current?.id ?? null;
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
    this.strategy.pauseCopy();
    if (this.status === 'running') this.setStatus('paused');
  }
  resumeCopy(): void {
    this.pausedByUser = false;
    this.strategy.resumeCopy();
    if (this.status === 'paused') this.setStatus('running');
    this.wakePause();
  }
  get isPaused(): boolean {
    return this.pausedByUser;
  }
  get paused(): boolean {
    return this.pausedByUser;
  }
  get abortRequested(): boolean {
    return this.aborting;
  }
  abort(): void {
    if (this.status === 'done' || this.status === 'aborted' || this.status === 'failed') return;
    this.aborting = true;
    this.setStatus('aborting');
    for (const wake of [...this.abortListeners]) wake();
    this.next();
    if (this.pausedByUser) this.resumeCopy();
    this.wakePause();
  }

  abortSignal(): Promise<never> {
    const signal = new Promise<never>((_, reject) => {
      if (this.aborting) {
        reject(new AbortRequested());
        return;
      }
      const wake = () => {
        this.abortListeners.delete(wake);
        reject(new AbortRequested());
      };
      this.abortListeners.add(wake);
    });
    signal.catch(() => undefined);
    return signal;
  }

  async pauseOnStorageError(sentence: string): Promise<void> {
    this.error = sentence;
    this.host.log('error', sentence);
    this.pause();
    await this.untilResumed();
    this.error = null;
    this.host.onStateChange();
  }

  private untilResumed(): Promise<void> {
    return new Promise<void>((resolve) => this.pauseWaiters.add(resolve));
  }

  private wakePause(): void {
    const waiters = [...this.pauseWaiters];
    this.pauseWaiters.clear();
    for (const wake of waiters) wake();
  }

  private setStatus(s: MoveStatus): void {
    this.status = s;
    this.host.onStateChange();
  }

  // ---- the run ----

  /** Runs every step; resolves when the move is done, aborted or failed. */
  async run(): Promise<void> {
    let undoable: MoveStep[] = [];
    try {
      for (const step of this.strategy.steps) {
        await this.waitGate(step);
        if (this.aborting && !step.runsOnAbort) {
          this.host.log('warn', `ABORTING: before ${this.describe(step)}: aborted by the user`);
          await this.undo(undoable);
          throw new AbortRequested();
        }
        this.current = step;
        this.markStep(step, 'running');
        try {
          await step.run();
        } catch (e) {
          const byUser = e instanceof AbortRequested;
          this.markStep(step, byUser ? 'undone' : 'failed');
          this.host.log(byUser ? 'warn' : 'error', `ABORTING: ${this.describe(step)}: ${byUser ? 'aborted by the user' : toErrorInfo(e).message}`);
          await this.undo([...undoable, step]);
          throw e;
        }
        this.markStep(step, 'done');
        undoable = step.decides ? [] : [...undoable, step];
      }
      this.current = null;
      // An abort that came once the move was decided lets the deciding steps finish; the move
      // then ends as aborted (with nothing left to undo when the metadata says it is over).
      if (this.aborting) await this.finishAbort();
      else this.setStatus('done');
    } catch (e) {
      this.current = null;
      if (e instanceof AbortRequested || this.aborting) {
        await this.finishAbort();
        return;
      }
      this.error = toErrorInfo(e).message;
      this.host.log('error', `pvmove failed: ${this.error}`);
      this.setStatus('failed');
    } finally {
      this.host.onStateChange();
    }
  }

  private describe(step: MoveStep): string {
    return step.lv ? `${step.name} (${step.lv})` : step.name;
  }

  private async undo(done: MoveStep[]): Promise<void> {
    for (const step of [...done].reverse()) {
      if (!step.undo) continue;
      try {
        await step.undo();
        this.markStep(step, 'undone');
      } catch (e) {
        this.host.log('error', `undo of ${this.describe(step)} failed: ${toErrorInfo(e).message}`);
      }
    }
  }

  private async waitGate(step: MoveStep): Promise<void> {
    if (this.aborting) return;
    if (this.stepMode) {
      const previous = this.status;
      // The step the presenter is about to run is the current one (the UI highlights it).
      this.current = step;
      this.markStep(step, 'waiting');
      this.setStatus('waiting-step');
      await new Promise<void>((resolve) => (this.gate = resolve));
      if (this.status === 'waiting-step') this.setStatus(previous === 'waiting-step' ? 'running' : previous);
    }
    // A paused move does not start its next step until it is resumed (or aborted).
    while (this.pausedByUser && !this.aborting) await this.untilResumed();
  }

  private markStep(step: MoveStep, state: StepView['state']): void {
    const view = this.steps.find((s) => s.id === step.id)!;
    const spoken = this.spoken.get(step.id);
    const keep = spoken && (state === 'undone' || state === 'failed' || (state === 'done' && !step.rewordWhenDone));
    const words = keep ? spoken : step.words();
    if (state === 'running' || state === 'done') this.spoken.set(step.id, words);
    Object.assign(view, { state, narration: words.narration, commands: words.commands, timeMs: this.clock.now() });
    this.host.onStep({ ...view, commands: [...view.commands] });
    this.host.onStateChange();
  }
  private readonly spoken = new Map<string, { narration: string; commands: string[] }>();

  // ---- abort ----

  private async finishAbort(): Promise<void> {
    this.setStatus('aborting');
    try {
      await this.strategy.finishAbort();
      this.host.log('warn', 'pvmove aborted: finished segments stay on the destination, unfinished ones are back on the source.');
      this.setStatus('aborted');
    } catch (e) {
      this.error = `abort failed: ${toErrorInfo(e).message}`;
      this.setStatus('failed');
    }
  }
}

