// Runs a scenario through the engine at speed 1 (as written: narration pauses, copy rates,
// workloads) on the simulated clock and disk (test/sim), so no real time passes and nothing
// touches the disk. The images' handles behave as file descriptors (see fileLike), so the
// scenarios' crash / reopen / resume behave as they do on image files.

import type { MoveStateView } from '../../../app/api/move';
import type { Scenario, ScenarioStateView } from '../../../app/api/scenario';
import { SeededRandom, sleep } from '../../../app/base/clock';
import { LvmscopeError } from '../../../app/base/result';
import type { BlockStore, WorkspaceStorage } from '../../../app/block/blockStore';
import { Engine } from '../../../app/engine';
import { loadScenarios } from '../../../main/scenarios';
import { SimClock } from '../../sim/clock';
import { SimWorkspaceStorage } from '../../sim/simWorkspace';

/** A scenario run on the simulated clock and disk: its end, the narrations shown, the steps each move ran. */
export interface SimRun {
  /** The simulated clock it ran on (its now() is how long the scenario took). */
  clock: SimClock;
  end: ScenarioStateView;
  narrations: string[];
  /** Per move (in order): its stack and the ids of its steps, as they were announced. */
  moves: Array<{ stack: string; steps: string[] }>;
  /** The engine it ran on (still open; the cleanups dispose it). */
  engine: Engine;
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
export async function runSimulated(name: string, cleanups: Array<() => Promise<unknown>>, scenarios: () => Scenario[] = loadScenarios): Promise<SimRun> {
  const clock = new SimClock();
  const storage = fileLike(new SimWorkspaceStorage(clock, new SeededRandom(1), [0, 0.2]));
  const engine = new Engine({ kind: 'test', clock, random: new SeededRandom(1), hostname: 'sim', unixTime: () => 1_700_000_000, storage: () => storage, scenarios });
  cleanups.push(() => engine.dispose());
  const run: SimRun = { clock, end: null as never, narrations: [], moves: [], engine };
  // A move begins with the scenario's `move` or `resume` action (move ids restart from 1 in a
  // reopened workspace, so they cannot tell a resumed move from the one that crashed).
  const actions = scenarios().find((s) => s.name === name)?.actions ?? [];
  let moveAction = -1;
  let recorded = -1;
  engine.subscribe((event, payload) => {
    if (event === 'scenario.state') {
      const state = payload as ScenarioStateView;
      if (run.narrations[run.narrations.length - 1] !== state.narration) run.narrations.push(state.narration);
      if (['move', 'resume'].includes(actions[state.actionIndex]?.action ?? '')) moveAction = state.actionIndex;
    }
    if (event === 'move.state' && moveAction >= 0) {
      const move = payload as MoveStateView;
      if (moveAction !== recorded) run.moves.push({ stack: move.stack, steps: [] });
      recorded = moveAction;
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
