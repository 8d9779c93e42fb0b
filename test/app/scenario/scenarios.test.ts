// Every scenario in assets/scenarios runs to its end through the engine on real image files
// (sped up: unlimited copy rate, no narration pauses), with its expected final layouts and
// zero mismatches: seed, writes-during-move, crash-and-resume (a simulated process death in
// mid-copy, reopen, resume), abort-halfway (one run checkpointed, then abort), empty-a-pv,
// two-stacks (the same move with the outline, then with lvm2). Then every file found in
// assets/scenarios runs again as written (narration pauses, copy rate, workloads) on the
// simulated clock and disk (test/sim), so a new scenario is covered without being listed.
// Also: a scenario file that breaks the schema is refused with its name and the problem.

import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Engine } from '../../../app/engine';
import { createNodeHost } from '../../../main/host';
import { loadScenarioFile, loadScenarios } from '../../../main/scenarios';
import type { ScenarioStateView } from '../../../app/api/scenario';
import { runSimulated } from './simScenario';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function runScenario(name: string, speed: number): Promise<{ end: ScenarioStateView; narrations: string[]; engine: Engine }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `lvmscope-${name}-`));
  const engine = new Engine(createNodeHost({ kind: 'test' }));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  cleanups.push(() => engine.dispose());
  const narrations: string[] = [];
  engine.subscribe((event, payload) => {
    if (event === 'scenario.state') {
      const n = (payload as ScenarioStateView).narration;
      if (narrations[narrations.length - 1] !== n) narrations.push(n);
    }
  });
  await engine.handlers['scenario.run']({ name, path: dir, force: false, speed });
  for (let i = 0; i < 1200; i += 1) {
    const { scenario } = await engine.handlers['scenario.state']({});
    if (scenario && scenario.status !== 'running') return { end: scenario, narrations, engine };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`scenario ${name} did not end in 60 s`);
}

describe('the demo scenarios', () => {
  it('are all valid and named after their files', () => {
    expect(loadScenarios().map((s) => s.name)).toEqual(['abort-halfway', 'crash-and-resume', 'empty-a-pv', 'seed', 'two-stacks', 'writes-during-move']);
  });

  it.each([
    ['seed', 1000],
    ['writes-during-move', 1000],
    ['empty-a-pv', 1000],
    ['two-stacks', 1000],
    // These two must stop mid-copy, so they keep a finite (but fast) copy rate.
    ['crash-and-resume', 10],
    ['abort-halfway', 4],
  ])('%s runs to its end with its expected layout and zero mismatches', async (name, speed) => {
    const { end, narrations } = await runScenario(name, speed);
    expect(end.error).toBeNull();
    expect(end.status).toBe('done');
    expect(narrations.some((n) => /0 mismatches/.test(n))).toBe(true);
  });

  it('refuses a scenario file that breaks the schema, naming the file and the problem', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'lvmscope-badscenario-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'bad.json');
    await writeFile(file, JSON.stringify({ name: 'bad', title: 't', description: 'd', layout: { vg: 'vg0', extentSizeMiB: 1, pvs: [], lvs: [] }, actions: [{ action: 'fly' }] }));
    expect(() => loadScenarioFile(file)).toThrow(/^bad\.json: .* at layout\.pvs|^bad\.json: .* at actions\.0/);
  });
});

describe('the demo scenarios on the simulated clock', () => {
  it.each(loadScenarios().map((s) => s.name))('%s runs to its end as written, with zero mismatches', async (name) => {
    const { end, narrations } = await runSimulated(name, cleanups);
    expect(end.error).toBeNull();
    expect(end.status).toBe('done');
    expect(narrations.some((n) => /0 mismatches/.test(n))).toBe(true);
  });

  it('two-stacks moves lv0 with the outline, then lv1 with lvm2, one pvmove0 segment at a time', async () => {
    const { end, moves } = await runSimulated('two-stacks', cleanups);
    expect(end.status).toBe('done');
    expect(moves.map((m) => m.stack)).toEqual(['outline', 'lvm2']);
    expect(moves[0].steps).toEqual(['suspend', 'create-temp', 'load-mirror', 'copy', 'suspend-copied', 'remove-temp', 'commit', 'final-table'].map((id) => `lv0/${id}`));
    expect(moves[1].steps).toEqual(['preload', 'suspend', 'commit', 'resume', 'copy-1', 'checkpoint-1', 'copy-2', 'finish', 'remove-layer']);
  });
});
