// Runs a scenario's script (app/api/scenario.ts) through the engine's own methods, one action
// at a time, announcing each narration. Used by presentations (the UI starts a scenario and
// shows its narration) and by tests that run every scenario to its end.

import { LvmscopeError, toErrorInfo } from '../base/result';
import type { Clock } from '../base/clock';
import { sleep } from '../base/clock';
import type { Scenario, ScenarioAction, ScenarioStateView } from '../api/scenario';
import type { MoveStack, MoveStateView, StepView } from '../api/move';
import type { Handlers } from '../api/server';
import type { DemoLayout } from '../session/demo';
import { MiB } from '../base/units';

export interface ScenarioHost {
  handlers: Handlers;
  clock: Clock;
  /** Simulates the process dying: nothing more is written, the lock is released. */
  crash(): Promise<void>;
  onState(state: ScenarioStateView): void;
}

export function layoutOf(scenario: Scenario): DemoLayout {
  const l = scenario.layout;
  return {
    vg: l.vg,
    extentSizeBytes: l.extentSizeMiB * MiB,
    pvs: l.pvs.map((p) => ({ image: p.image, sizeBytes: p.sizeMiB * MiB })),
    lvs: l.lvs,
  };
}

const POLL_MS = 50;
const WAIT_LIMIT_MS = 10 * 60 * 1000;

/**
 * The step a `wait.step` names: by id (`copy-2`, `lv0/commit`), or by its position among the
 * steps of `lv` (1..8 in the outline). Without `lv` a position counts within each LV's steps
 * (and within the steps on the whole move), so `3` is the third step of any of them, as the
 * outline's scenarios always meant. Null when the move has no such step.
 */
export function findWaitedSteps(steps: readonly StepView[], step: string | number, lv?: string): StepView[] | null {
  const candidates = steps.filter((s) => !lv || s.lv === lv);
  if (typeof step === 'string') {
    const found = candidates.filter((s) => s.id === step);
    return found.length ? found : null;
  }
  const byLv = new Map<string | null, StepView[]>();
  for (const s of candidates) byLv.set(s.lv, [...(byLv.get(s.lv) ?? []), s]);
  const found = [...byLv.values()].map((list) => list[step - 1]).filter((s): s is StepView => !!s);
  return found.length ? found : null;
}

/** The sentence for a `wait.step` that names a step the move does not have. */
function noSuchStep(move: MoveStateView, step: string | number, lv?: string): string {
  const ids = move.steps.filter((s) => !lv || s.lv === lv).map((s) => s.id);
  const what = typeof step === 'string' ? `no step '${step}'` : `no step ${step}`;
  return `The ${move.stack} move has ${what}${lv ? ` for ${lv}` : ''}; its steps${lv ? ` for ${lv}` : ''} are ${ids.join(', ') || 'none'}.`;
}

export class ScenarioRunner {
  state: ScenarioStateView;
  /** The stack of the last `move`: a `resume` continues on it. */
  private stack: MoveStack = 'outline';

  constructor(
    private readonly scenario: Scenario,
    private readonly path: string,
    private readonly host: ScenarioHost,
    /** 1 = as written; larger runs faster (rate × speed, pauses ÷ speed); tests use a large one. */
    private readonly speed = 1,
  ) {
    this.state = { name: scenario.name, title: scenario.title, status: 'running', actionIndex: 0, actionCount: scenario.actions.length, narration: scenario.description, error: null };
  }

  async run(): Promise<ScenarioStateView> {
    try {
      for (let i = 0; i < this.scenario.actions.length; i += 1) {
        this.update({ actionIndex: i });
        await this.perform(this.scenario.actions[i]);
      }
      this.update({ status: 'done', actionIndex: this.scenario.actions.length });
    } catch (e) {
      this.update({ status: 'failed', error: toErrorInfo(e).message });
    }
    return this.state;
  }

  private update(change: Partial<ScenarioStateView>): void {
    this.state = { ...this.state, ...change };
    this.host.onState(this.state);
  }

  private rate(): number {
    return Math.round(this.scenario.rateBytesPerSec * this.speed);
  }

  private vg(): string {
    return this.scenario.layout.vg;
  }

  private async perform(a: ScenarioAction): Promise<void> {
    const h = this.host.handlers;
    switch (a.action) {
      case 'narrate':
        this.update({ narration: a.text });
        if (a.pauseMs) await sleep(this.host.clock, a.pauseMs / this.speed);
        return;
      case 'workload.start':
        await h['workload.start']({ vg: this.vg(), lv: a.lv, pattern: a.pattern, blockSizeBytes: a.blockSizeBytes, iops: a.iops });
        return;
      case 'workload.stop':
        await h['workload.stop']({});
        return;
      case 'move':
        this.stack = a.stack;
        await h['move.start']({
          request: { vg: this.vg(), sources: a.sources, destinations: a.destinations, lv: a.lv, alloc: a.alloc, ...(a.maxSegmentSizeMiB ? { maxSegmentSizeMiB: a.maxSegmentSizeMiB } : {}) },
          options: { stack: a.stack, stepMode: a.stepMode, rateBytesPerSec: this.rate(), ...(a.regionSizeSectors ? { regionSizeSectors: a.regionSizeSectors } : {}) },
        });
        return;
      case 'rate':
        await h['move.control']({ action: 'setRate', rateBytesPerSec: Math.round(a.bytesPerSec * this.speed) }).catch(() => undefined);
        return;
      case 'wait.percent':
        return this.waitUntil(`the move reaches ${a.percent}%`, async () => {
          const { move } = await h['move.state']({});
          if (move && ['failed', 'aborted'].includes(move.status)) throw new LvmscopeError('STATE', `The move ${move.status} before reaching ${a.percent}%: ${move.error ?? ''}`);
          return !!move && (move.progress.percent >= a.percent || move.status === 'done');
        });
      case 'wait.step':
        return this.waitUntil(`step ${a.step}${a.lv ? ` of ${a.lv}` : ''} finishes`, async () => {
          const { move } = await h['move.state']({});
          if (!move) return false;
          const waited = findWaitedSteps(move.steps, a.step, a.lv);
          if (!waited) throw new LvmscopeError('INVALID', noSuchStep(move, a.step, a.lv));
          if (waited.some((s) => s.state === 'done')) return true;
          if (['done', 'failed', 'aborted'].includes(move.status)) throw new LvmscopeError('STATE', `The move ended (${move.status}) before step ${a.step}${a.lv ? ` of ${a.lv}` : ''} finished${move.error ? `: ${move.error}` : '.'}`);
          return false;
        });
      case 'wait.end':
        return this.waitUntil('the move ends', async () => {
          const { move } = await h['move.state']({});
          if (move?.status === 'failed') throw new LvmscopeError('STATE', `The move failed: ${move.error}`);
          return !move || ['done', 'aborted'].includes(move.status);
        });
      case 'wait.checkpoint':
        return this.waitUntil(`${a.count} run(s) are checkpointed`, async () => {
          const view = await h['workspace.view']({});
          const layer = view.vgs.find((v) => v.name === this.vg())?.lvs.find((l) => l.status.includes('PVMOVE'));
          const done = layer?.segments.filter((seg) => seg.extentsMoved !== null && seg.extentsMoved >= seg.count).length ?? 0;
          const { move } = await h['move.state']({});
          if (move && ['done', 'aborted', 'failed'].includes(move.status)) throw new LvmscopeError('STATE', `The move ended (${move.status}) before ${a.count} run(s) were checkpointed.`);
          return done >= a.count;
        });
      case 'crash':
        await this.host.crash();
        return;
      case 'reopen':
        await h['workspace.open']({ path: this.path });
        return;
      case 'resume':
        await h['move.resume']({ vg: this.vg(), options: { stack: this.stack, rateBytesPerSec: this.rate() } });
        return;
      case 'abort':
        await h['move.control']({ action: 'abort' });
        return;
      case 'verify': {
        const result = await h['verify.run']({ vg: this.vg(), lv: a.lv });
        this.update({ narration: result.summary });
        if (result.mismatches) throw new LvmscopeError('CORRUPT', result.summary);
        return;
      }
      case 'expect.layout': {
        const view = await h['workspace.view']({});
        const lv = view.vgs.find((v) => v.name === this.vg())?.lvs.find((l) => l.name === a.lv);
        const segments = lv?.segments.map((s) => s.areas.map((x) => `${x.target}:${x.start}-${x.start + s.count - 1}`).join(' ')) ?? [];
        if (JSON.stringify(segments) !== JSON.stringify(a.segments)) {
          throw new LvmscopeError('STATE', `${a.lv} is ${segments.join(' | ') || 'missing'}, not ${a.segments.join(' | ')} as the scenario expects.`);
        }
        return;
      }
    }
  }

  private async waitUntil(what: string, done: () => Promise<boolean>): Promise<void> {
    const start = this.host.clock.now();
    while (!(await done())) {
      if (this.host.clock.now() - start > WAIT_LIMIT_MS) throw new LvmscopeError('STATE', `Gave up waiting until ${what}.`);
      await sleep(this.host.clock, POLL_MS);
    }
  }
}
