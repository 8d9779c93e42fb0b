// Runs a scenario's script (app/api/scenario.ts) through the engine's own methods, one action
// at a time, announcing each narration. Used by presentations (the UI starts a scenario and
// shows its narration) and by tests that run every scenario to its end.

import { LvmscopeError, toErrorInfo } from '../base/result';
import type { Clock } from '../base/clock';
import { sleep } from '../base/clock';
import type { Scenario, ScenarioAction, ScenarioStateView } from '../api/scenario';
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

export class ScenarioRunner {
  state: ScenarioStateView;

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
        await h['move.start']({
          request: { vg: this.vg(), sources: a.sources, destinations: a.destinations, lv: a.lv, alloc: a.alloc },
          options: { stepMode: a.stepMode, rateBytesPerSec: this.rate(), ...(a.regionSizeSectors ? { regionSizeSectors: a.regionSizeSectors } : {}) },
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
        return this.waitUntil(`step ${a.step} finishes`, async () => {
          const { move } = await h['move.state']({});
          return !!move && move.steps.some((s) => s.number === a.step && s.state === 'done' && (!a.lv || s.lv === a.lv));
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
        await h['move.resume']({ vg: this.vg(), options: { rateBytesPerSec: this.rate() } });
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
