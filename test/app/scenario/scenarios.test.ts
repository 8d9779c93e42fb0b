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
import type { Scenario, ScenarioStateView } from '../../../app/api/scenario';
import type { MoveStateView } from '../../../app/api/move';
import { SeededRandom, sleep } from '../../../app/base/clock';
import { LvmscopeError } from '../../../app/base/result';
import type { BlockStore, WorkspaceStorage } from '../../../app/block/blockStore';
import { SimClock } from '../../sim/clock';
import { SimWorkspaceStorage } from '../../sim/simWorkspace';

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

/** A scenario run on the simulated clock and disk: its end, the narrations shown, the steps each move ran. */
interface SimRun {
  end: ScenarioStateView;
  narrations: string[];
  /** Per move (in order): its stack and the ids of its steps, as they were announced. */
  moves: Array<{ stack: string; steps: string[] }>;
}

/** An image handle that fails once closed, as a file descriptor does. */
function closableHandle(disk: BlockStore): BlockStore {
  let closed = false;
  const open = () => {
    if (closed) throw new LvmscopeError('IO', `${disk.name}: the image was closed (EBADF).`);
  };
  return {
    name: disk.name,
    sizeBytes: disk.sizeBytes,
    read: async (offset, length) => (open(), disk.read(offset, length)),
    write: async (offset, data) => (open(), disk.write(offset, data)),
    flush: async () => (open(), disk.flush()),
    close: async () => void (closed = true),
  };
}

/**
 * The simulated workspace with image handles that behave as file descriptors. A scenario's
 * `crash` halts the session, which closes its images: on files that is what stops the dead
 * session's workload and copier; SimDisk's own close does nothing, so without this the dead
 * session would go on writing behind the reopened workspace's back (and its journal is closed).
 */
function fileLike(storage: SimWorkspaceStorage): WorkspaceStorage {
  return {
    location: storage.location,
    listImages: () => storage.listImages(),
    open: async (name) => closableHandle(await storage.open(name)),
    create: async (name, sizeBytes) => closableHandle(await storage.create(name, sizeBytes)),
    remove: (name) => storage.remove(name),
    openJournal: (name) => storage.openJournal(name),
    readJournal: (name) => storage.readJournal(name),
    removeJournal: (name) => storage.removeJournal(name),
    lock: (holder) => storage.lock(holder),
    unlock: () => storage.unlock(),
  };
}

/** Runs one scenario at speed 1 on a SimClock, as written: no real time passes, nothing touches the disk. */
async function runSimulated(name: string, scenarios: () => Scenario[] = loadScenarios): Promise<SimRun> {
  const clock = new SimClock();
  const storage = fileLike(new SimWorkspaceStorage(clock, new SeededRandom(1), [0, 0.2]));
  const engine = new Engine({ kind: 'test', clock, random: new SeededRandom(1), hostname: 'sim', unixTime: () => 1_700_000_000, storage: () => storage, scenarios });
  cleanups.push(() => engine.dispose());
  const run: SimRun = { end: null as never, narrations: [], moves: [] };
  let lastId = -1;
  engine.subscribe((event, payload) => {
    if (event === 'scenario.state') {
      const n = (payload as ScenarioStateView).narration;
      if (run.narrations[run.narrations.length - 1] !== n) run.narrations.push(n);
    }
    if (event === 'move.state') {
      // Each move of a workspace has the next id; a reopened workspace starts again from 1.
      const move = payload as MoveStateView;
      if (move.id !== lastId) run.moves.push({ stack: move.stack, steps: [] });
      lastId = move.id;
      run.moves[run.moves.length - 1].steps = move.steps.map((s) => s.id);
    }
  });
  const ended = async () => {
    await engine.handlers['scenario.run']({ name, path: storage.location, force: false, speed: 1 });
    for (;;) {
      const { scenario } = await engine.handlers['scenario.state']({});
      if (scenario && scenario.status !== 'running') return scenario;
      await sleep(clock, 100);
    }
  };
  // An hour of simulated time is far more than any scenario takes as written.
  run.end = await clock.run(ended(), 3_600_000);
  return run;
}

describe('the demo scenarios on the simulated clock', () => {
  it.each(loadScenarios().map((s) => s.name))('%s runs to its end as written, with zero mismatches', async (name) => {
    const { end, narrations } = await runSimulated(name);
    expect(end.error).toBeNull();
    expect(end.status).toBe('done');
    expect(narrations.some((n) => /0 mismatches/.test(n))).toBe(true);
  });

  it('two-stacks moves lv0 with the outline, then lv1 with lvm2, one pvmove0 segment at a time', async () => {
    const { end, moves } = await runSimulated('two-stacks');
    expect(end.status).toBe('done');
    expect(moves.map((m) => m.stack)).toEqual(['outline', 'lvm2']);
    expect(moves[0].steps).toEqual(['suspend', 'create-temp', 'load-mirror', 'copy', 'suspend-copied', 'remove-temp', 'commit', 'final-table'].map((id) => `lv0/${id}`));
    expect(moves[1].steps).toEqual(['preload', 'suspend', 'commit', 'resume', 'copy-1', 'checkpoint-1', 'copy-2', 'finish', 'remove-layer']);
  });
});
