// Proves the live move survives random interleavings of its controls (the TigerBeetle
// simulator habit): one seed derives a small random layout (3-5 PVs, 1-3 LVs of 1-3 pieces),
// a random move (either stack; sources with or without PE ranges, destinations, -n LV, alloc
// policy, max segment size, --atomic, region
// size, rate, step mode) and a random sequence, at random simulated moments, of pause /
// resume, setRate (0, tiny, normal), step mode on / off, next, abort, engine workloads, a
// second move, a whole-LV verify, and at most one crash (power loss, or a killed process)
// followed by a reopen and a resume or an abort of the recorded move. Everything runs on
// SimDisks under a SimClock, so a run is deterministic and takes no real time. After each
// run: the move ended (done or aborted — never failed, never hung), no -orig or pvmove0 device is left,
// every LV is active with the table lvTable gives for the committed metadata, the metadata
// validates and holds no pvmove0, no IO is pending anywhere in the dm stack, every block holds
// what was acknowledged (after a crash: its last flushed write or a later one, simCrash's
// rule), verify.run finds 0 mismatches, and all of it still holds after closing and reopening.
// `npm test` runs a few seeds; STORM_SEEDS=500 runs more; SEED=<n> replays one.

import { afterAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../app/engine';
import { LvmscopeError } from '../../../app/base/result';
import { SeededRandom, sleep } from '../../../app/base/clock';
import { KiB, MiB } from '../../../app/base/units';
import { MOVE_STACKS, type MoveOptions } from '../../../app/api/move';
import type { VgView } from '../../../app/api/views';
import { createDemo, type DemoLayout } from '../../../app/session/demo';
import { lvKey } from '../../../app/workload';
import { lvTable } from '../../../app/lvm/activate/tables';
import { formatTable } from '../../../app/dm/table';
import { vgProblems } from '../../../app/lvm/model/validate';
import { lvExtentCount } from '../../../app/lvm/model/types';
import { readMove } from '../../../app/pvmove/layout';
import { SimClock } from '../../sim/clock';
import { seedFromEnv } from '../../sim/simDisk';
import { SimWorkspaceStorage } from '../../sim/simWorkspace';
import { StormIoDriver, StormModel, type IoMix } from './stormIo';

const PATH = 'sim:/workspace';
/** STORM_SEEDS runs that many seeds from $SEED (or a fresh base); SEED alone replays one. */
const RUNS = process.env.STORM_SEEDS ? Number(process.env.STORM_SEEDS) : process.env.SEED ? 1 : 24;
/** Simulated time any single wait may take before the run counts as hung. */
const WAIT_LIMIT_MS = 600_000;
const TRACE_LINES = Number(process.env.STORM_TRACE ?? 60);

export function randomLayout(random: SeededRandom): DemoLayout {
  const pvCount = 3 + random.int(3);
  const extentSizeBytes = [64, 128, 256][random.int(3)] * KiB;
  const capacity = Math.floor((2 * MiB) / extentSizeBytes);
  const free = Array.from({ length: pvCount }, () => capacity);
  const lvs: DemoLayout['lvs'] = [];
  const lvCount = 1 + random.int(3);
  for (let n = 0; n < lvCount; n += 1) {
    const pieces: Array<{ extents: number; image: string }> = [];
    for (let p = 0, count = 1 + random.int(3); p < count; p += 1) {
      const pv = random.int(pvCount);
      const extents = Math.min(free[pv], 1 + random.int(4));
      if (extents < 1) continue;
      free[pv] -= extents;
      pieces.push({ extents, image: `pv${pv + 1}.img` });
    }
    if (pieces.length) lvs.push({ name: `lv${n}`, pieces });
  }
  return { pvs: free.map((_, i) => ({ image: `pv${i + 1}.img`, sizeBytes: 4 * MiB })), vg: 'vg0', extentSizeBytes, lvs };
}

function pick<T>(random: SeededRandom, items: readonly T[]): T {
  return items[random.int(items.length)];
}

/** A random pvmove request over the PVs that hold LV extents (it may be refused; that is fine). */
function randomRequest(random: SeededRandom, vg: VgView): MoveRequestView {
  const used = vg.pvs.filter((p) => p.runs.some((r) => r.lv !== null));
  const source = pick(random, used.length ? used : vg.pvs);
  const runs = source.runs.filter((r) => r.lv !== null);
  let sourceSpec = source.name;
  if (runs.length && random.next() < 0.4) {
    const run = pick(random, runs);
    const first = run.startPe + random.int(run.count);
    const last = first + random.int(run.startPe + run.count - first);
    sourceSpec = `${source.name}:${first}-${last}`;
  }
  const sources = [sourceSpec];
  if (random.next() < 0.2) sources.push(pick(random, used.length ? used : vg.pvs).name);
  const others = vg.pvs.filter((p) => !sources.some((s) => s.split(':')[0] === p.name));
  const destinations = others.filter(() => random.next() < 0.5).map((p) => p.name);
  const lv = random.next() < 0.25 ? pick(random, vg.lvs.filter((l) => !l.hidden)).name : undefined;
  const alloc = pick(random, ['normal', 'normal', 'contiguous', 'anywhere'] as const);
  const maxSegmentSizeMiB = random.next() < 0.3 ? 1 + random.int(3) : undefined;
  // --atomic is refused with a max segment size and on the outline: the storm takes both refusals too.
  const atomic = random.next() < 0.15;
  return { vg: vg.name, sources, destinations, alloc, ...(lv ? { lv } : {}), ...(maxSegmentSizeMiB ? { maxSegmentSizeMiB } : {}), ...(atomic ? { atomic } : {}) };
}

function randomOptions(random: SeededRandom): MoveOptions {
  const regionSizeSectors = 2 ** (3 + random.int(8));
  const rate = pick(random, [undefined, 0, 64 * KiB, 256 * KiB, 512 * KiB, 2 * MiB, 1]);
  const stack = pick(random, MOVE_STACKS);
  return { stack, regionSizeSectors, ...(rate === undefined ? {} : { rateBytesPerSec: rate }), ...(random.next() < 0.2 ? { stepMode: true } : {}) };
}

type MoveRequestView = { vg: string; sources: string[]; destinations: string[]; alloc: 'normal' | 'contiguous' | 'anywhere'; lv?: string; maxSegmentSizeMiB?: number; atomic?: boolean };

interface World {
  clock: SimClock;
  engine: Engine;
  driver: StormIoDriver;
}

const ACTIONS = ['pause', 'resume', 'setRate', 'stepMode', 'next', 'next', 'abort', 'workload', 'startMove', 'verify', 'untilEdge', 'untilEdge', 'state'] as const;

/** What the storms did, printed once per file run (so a quiet storm is noticed). */
const tally = { runs: 0, moves: 0, done: 0, aborted: 0, powerLosses: 0, kills: 0, resumed: 0, abortedRecorded: 0, writes: 0, reads: 0, flushes: 0 };

class Storm {
  readonly random: SeededRandom;
  readonly storage: SimWorkspaceStorage;
  readonly layout: DemoLayout;
  readonly model = new StormModel();
  readonly problems: string[] = [];
  readonly trace: string[] = [];
  readonly crashPlanned: boolean;
  readonly mix: IoMix;
  /** The LV the engine's own workload may run on (never in a run that crashes). */
  readonly workloadLv: string | null;
  world!: World;
  crashed = false;
  moves = 0;

  private readonly firstClock = new SimClock();

  constructor(readonly seed: number) {
    this.random = new SeededRandom(seed);
    this.layout = randomLayout(this.random);
    this.storage = new SimWorkspaceStorage(this.firstClock, this.random, [0, 0.3], PATH);
    this.crashPlanned = this.random.next() < 0.45;
    this.mix = pick(this.random, ['none', 'writes', 'reads', 'mixed', 'mixed'] as const);
    this.weights = ACTIONS.map(() => (this.random.next() < 0.25 ? 0 : this.random.next()));
    this.workloadLv = !this.crashPlanned && this.random.next() < 0.5 ? pick(this.random, this.layout.lvs).name : null;
  }

  note(text: string): void {
    this.trace.push(`${this.world?.clock.now().toFixed(1) ?? 0} ms: ${text}`);
  }

  /** Runs `promise` on the current clock, failing (never hanging) past WAIT_LIMIT_MS. */
  run<T>(promise: Promise<T>, limitMs = WAIT_LIMIT_MS): Promise<T> {
    const clock = this.world.clock;
    return clock.run(promise, clock.now() + limitMs);
  }

  async setup(): Promise<void> {
    const clock = this.firstClock;
    const quiet = () => undefined;
    const options = { clock, random: this.random, hostname: 'sim', holder: 'storm', unixTime: () => 1_700_000_000, log: quiet, onChange: quiet, onStep: quiet, onDmEvent: quiet };
    await clock.run(createDemo(PATH, this.storage, options, this.layout, false).then((s) => s.close()));
    await this.openWorld(clock);
    const vg = this.world.engine.session!.ws.getVg('vg0').vg;
    for (const lv of this.layout.lvs) {
      const found = vg.lvs.find((l) => l.name === lv.name)!;
      const extents = lvExtentCount(found);
      this.model.add('vg0', lv.name, vg.extentSizeSectors, extents * vg.extentSizeSectors);
    }
    this.startDriver();
  }

  private async openWorld(clock: SimClock): Promise<VgView> {
    const engine = new Engine({ kind: 'test', clock, random: new SeededRandom(this.random.int(2 ** 31)), hostname: 'sim', unixTime: () => 1_700_000_000, storage: () => this.storage });
    this.world = { clock, engine, driver: this.world?.driver };
    // The engine's log and step events join the trace printed on failure.
    engine.subscribe((name, payload) => {
      if (name === 'log') this.note(`log ${(payload as { message: string }).message}`);
      if (name === 'move.step') this.note(`step ${(payload as { lv: string }).lv} ${(payload as { id: string }).id} ${(payload as { state: string }).state}`);
    });
    const view = await this.run(engine.handlers['workspace.open']({ path: PATH }));
    // The storm's writes are not journaled: the model tells verify.run what each block holds.
    for (const key of this.model.lvs.keys()) if (!this.isWorkloadLv(key)) engine.session!.shadows.set(key, this.model.shadowFor(key));
    return view.vgs[0];
  }

  private isWorkloadLv(key: string): boolean {
    return this.workloadLv !== null && key === lvKey('vg0', this.workloadLv);
  }

  private startDriver(): void {
    const keys = [...this.model.lvs.keys()].filter((k) => !this.isWorkloadLv(k));
    this.world.driver = new StormIoDriver(this.world.engine, this.world.clock, this.random, this.model, keys, this.mix);
    this.world.driver.start();
  }

  /** Calls an engine method; a refusal must be an LvmscopeError with a sentence, nothing else. */
  async call<T>(what: string, fn: () => Promise<T>): Promise<T | undefined> {
    try {
      const result = await this.run(fn());
      this.note(what);
      return result;
    } catch (e) {
      this.note(`${what} refused: ${(e as Error).message}`);
      if (!(e instanceof LvmscopeError)) throw e;
      if (!/\w.*[.!?)]$/.test(e.message)) this.problems.push(`${what} was refused without a sentence: '${e.message}'`);
      return undefined;
    }
  }

  async startMove(): Promise<void> {
    const engine = this.world.engine;
    for (let attempt = 0; attempt < 12; attempt += 1) {
      const view = await this.run(engine.handlers['workspace.view']({}));
      const request = randomRequest(this.random, view.vgs[0]);
      const options = randomOptions(this.random);
      const started = await this.call(`move.start ${JSON.stringify(request)} ${JSON.stringify(options)}`, () => engine.handlers['move.start']({ request, options }));
      if (started) {
        this.moves += 1;
        tally.moves += 1;
        void this.world.engine.open().moves.whenFinished().then(() => {
          const status = this.world.engine.session ? this.world.engine.open().moves.state()?.status : undefined;
          if (status === 'done' || status === 'aborted') tally[status] += 1;
        });
        return;
      }
      if (engine.open().moves.isActive) return;
    }
  }

  /** One random control at a random moment. */
  /** Swarm testing: each run weighs the actions differently (some not at all). */
  private weights: number[] = [];
  private atEdge = false;

  async action(): Promise<void> {
    const h = this.world.engine.handlers;
    const total = this.weights.reduce((a, b) => a + b, 0) || 1;
    let roll = this.random.next() * total;
    const index = Math.max(0, this.weights.findIndex((w) => (roll -= w) < 0));
    switch (ACTIONS[index]) {
      case 'pause':
        return void (await this.call('pause', () => h['move.control']({ action: 'pause' })));
      case 'resume':
        return void (await this.call('resume', () => h['move.control']({ action: 'resume' })));
      case 'setRate': {
        const rate = pick(this.random, [0, 1, 100, 4 * KiB, 256 * KiB, 8 * MiB]);
        return void (await this.call(`setRate ${rate}`, () => h['move.control']({ action: 'setRate', rateBytesPerSec: rate })));
      }
      case 'stepMode': {
        const on = this.random.next() < 0.5;
        return void (await this.call(`setStepMode ${on}`, () => h['move.control']({ action: 'setStepMode', stepMode: on })));
      }
      case 'next':
        return void (await this.call('next', () => h['move.control']({ action: 'next' })));
      case 'abort':
        return void (await this.call('abort', () => h['move.control']({ action: 'abort' })));
      case 'workload':
        return this.toggleWorkload();
      case 'startMove':
        return this.startMove();
      case 'verify':
        return this.verifyQuietLv();
      case 'untilEdge':
        return this.untilEdge();
      default:
        return void (await this.call('move.state', () => h['move.state']({})));
    }
  }

  /**
   * Runs the simulation just until the move changes (a step starts or ends, a mirror gets in
   * sync, a checkpoint lands), so the next action hits the narrow windows around those edges.
   */
  private async untilEdge(): Promise<void> {
    const moves = this.world.engine.open().moves;
    const fingerprint = () => {
      const r = moves.runner;
      if (!r) return '';
      const inSync = r.mirrors.filter((m) => m.watch.inSyncRegions === m.watch.nrRegions).length;
      return `${r.status} ${r.currentLv} ${r.currentStepId} ${inSync} ${this.world.engine.session!.ws.getVg('vg0').vg.seqno}`;
    };
    const before = fingerprint();
    for (let i = 0; i < 4000 && moves.isActive && fingerprint() === before; i += 1) await this.run(sleep(this.world.clock, 0.02));
    this.note(`edge: ${before} -> ${fingerprint()}`);
    this.atEdge = true;
  }

  /**
   * Calls that wait for IO (workload.stop, verify.run) may wait as long as an LV stays
   * suspended in step mode; they run in the background and settle() waits for them.
   */
  private readonly background = new Set<Promise<unknown>>();

  private inBackground(what: string, fn: () => Promise<unknown>): void {
    const task = this.world.engine.handlers['move.state']({}).then(fn).then(
      (result) => {
        this.note(`${what} finished`);
        return result;
      },
      (e: unknown) => {
        this.note(`${what} refused: ${(e as Error).message}`);
        if (!(e instanceof LvmscopeError)) this.problems.push(`${what} threw ${(e as Error).stack}`);
      },
    );
    const tracked = task.finally(() => this.background.delete(tracked));
    this.background.add(tracked);
  }

  private async toggleWorkload(): Promise<void> {
    if (!this.workloadLv || this.background.size) return;
    const h = this.world.engine.handlers;
    if (this.world.engine.open().workloads.isRunning) {
      this.inBackground('workload.stop', () => h['workload.stop']({}));
      return;
    }
    if (this.random.next() < 0.7) {
      const pattern = pick(this.random, ['randwrite', 'randrw', 'seqwrite', 'randread'] as const);
      const spec = { vg: 'vg0', lv: this.workloadLv, pattern, blockSizeBytes: pick(this.random, [4096, 8192]), iops: 100 + this.random.int(2000), seed: this.random.int(1000) };
      await this.call(`workload.start ${JSON.stringify(spec)}`, () => h['workload.start'](spec));
    }
  }

  /** verify.run in the middle of the storm, on an LV no write is in flight on. */
  private async verifyQuietLv(): Promise<void> {
    if (this.mix === 'writes' || this.mix === 'mixed') return;
    const lv = pick(this.random, this.layout.lvs).name;
    if (lv === this.workloadLv) return;
    this.inBackground(`verify ${lv}`, async () => {
      const result = await this.world.engine.handlers['verify.run']({ vg: 'vg0', lv });
      if (result.mismatches) this.problems.push(`verify of ${lv} during the move: ${result.summary}`);
    });
  }

  /** Power loss or a killed process, then a restart on a fresh clock and a recovery. */
  async crash(): Promise<void> {
    this.crashed = true;
    const kill = this.random.next() < 0.5;
    this.note(kill ? 'crash: the process is killed' : 'crash: power loss');
    tally[kill ? 'kills' : 'powerLosses'] += 1;
    this.world.driver.kill();
    this.background.clear(); // the dead process's calls never return
    if (kill) await this.run(this.world.engine.handlers['workspace.crash']({}));
    const clock = new SimClock();
    this.storage.crash(clock, kill ? 1 : 0);
    const vg = await this.openWorld(clock);
    for (const key of this.model.lvs.keys()) {
      const device = this.world.engine.session!.lvDevice('vg0', this.model.lvs.get(key)!.lv);
      const data = await this.run(device.read(0, device.sizeSectors));
      this.problems.push(...this.model.settleAfterCrash(key, data, kill));
      this.world.engine.session!.shadows.set(key, this.model.shadowFor(key));
    }
    this.startDriver();
    if (!vg.moveInProgress) return;
    const h = this.world.engine.handlers;
    if (this.random.next() < 0.6) {
      if (await this.call('move.resume', () => h['move.resume']({ vg: 'vg0', options: randomOptions(this.random) }))) tally.resumed += 1;
    } else if (await this.call('move.abortRecorded', () => h['move.abortRecorded']({ vg: 'vg0' }))) tally.abortedRecorded += 1;
  }

  /** Storm: a move, then random controls at random moments. */
  async chaos(): Promise<void> {
    await this.startMove();
    const actions = 5 + this.random.int(25);
    // The crash comes at a random point of the storm, often in the middle of the copy.
    const crashAt = this.crashPlanned ? this.random.int(actions + 1) : -1;
    for (let i = 0; i <= actions; i += 1) {
      // Right after an edge the next action comes at once (the windows are sub-millisecond).
      const delayMs = this.atEdge || this.random.next() < 0.3 ? 0 : this.random.next() * pick(this.random, [5, 50, 400]);
      this.atEdge = false;
      await this.run(sleep(this.world.clock, delayMs));
      if (i === crashAt) await this.crash();
      else if (i < actions) await this.action();
    }
  }

  /** Lets the move finish: step mode off, copy resumed at full speed; bounded. */
  async settle(): Promise<void> {
    const h = this.world.engine.handlers;
    for (let round = 0; round < 4 && this.world.engine.open().moves.isActive; round += 1) {
      await this.call('setStepMode false', () => h['move.control']({ action: 'setStepMode', stepMode: false }));
      await this.call('resume', () => h['move.control']({ action: 'resume' }));
      await this.call('setRate 0', () => h['move.control']({ action: 'setRate', rateBytesPerSec: 0 }));
      await this.run(this.world.engine.open().moves.whenFinished());
    }
    await this.run(Promise.all([...this.background]));
    if (this.workloadLv) await this.call('workload.stop', () => h['workload.stop']({}));
    await this.run(this.world.driver.stop());
    this.problems.push(...this.world.driver.problems);
    for (const k of ['writes', 'reads', 'flushes'] as const) tally[k] += this.world.driver.counts[k];
  }

  /** The invariants that must hold once the move has ended. */
  async check(label: string): Promise<void> {
    const { engine } = this.world;
    const session = engine.session!;
    const moves = engine.open().moves;
    const state = moves.state();
    if (moves.isActive) this.problems.push(`${label}: the move is still ${state?.status} at step ${state?.step}`);
    if (state?.status === 'failed') this.problems.push(`${label}: the move failed: ${state.error}`);
    const open = session.ws.getVg('vg0');
    this.problems.push(...vgProblems(open.vg).map((p) => `${label}: metadata: ${p}`));
    if (readMove(open.vg) || open.vg.lvs.some((l) => l.name.startsWith('pvmove') || l.status.includes('LOCKED'))) this.problems.push(`${label}: the metadata still holds a move`);
    for (const d of session.dm.list()) {
      if (d.name.endsWith('-orig') || d.name.endsWith('-pvmove0')) this.problems.push(`${label}: ${d.name} is left behind`);
      if (d.state !== 'ACTIVE' || d.inFlight || d.deferred) this.problems.push(`${label}: ${d.name} is ${d.state} with ${d.inFlight} IO in flight and ${d.deferred} deferred`);
    }
    if (session.dm.copier.queuedJobs || session.dm.copier.inFlightChunks) this.problems.push(`${label}: the copier still has ${session.dm.copier.queuedJobs} jobs and ${session.dm.copier.inFlightChunks} chunks`);
    for (const lv of open.vg.lvs.filter((l) => l.status.includes('VISIBLE'))) {
      const name = session.lvDmName('vg0', lv.name);
      if (!name) {
        this.problems.push(`${label}: ${lv.name} is not active`);
        continue;
      }
      const expected = formatTable(lvTable(open.vg, lv.name, (id) => session.pvDevno(open, id))).join('\n');
      if (session.dm.table(name) !== expected) this.problems.push(`${label}: ${name} has table\n${session.dm.table(name)}\nbut the metadata says\n${expected}`);
      await this.checkData(label, lv.name);
    }
  }

  private async checkData(label: string, lv: string): Promise<void> {
    const result = await this.run(this.world.engine.handlers['verify.run']({ vg: 'vg0', lv }));
    if (result.mismatches) this.problems.push(`${label}: ${result.summary} ${JSON.stringify(result.firstMismatches.slice(0, 2))}`);
    const key = lvKey('vg0', lv);
    if (this.isWorkloadLv(key) || !this.model.lvs.has(key)) return;
    const device = this.world.engine.session!.lvDevice('vg0', lv);
    this.problems.push(...this.model.check(key, await this.run(device.read(0, device.sizeSectors))).map((p) => `${label}: ${p}`));
  }

  /** Closes and reopens the workspace: what was committed is what was live. */
  async reopen(): Promise<void> {
    const before = tablesOf(this.world.engine);
    const workloadShadow = this.workloadLv ? this.world.engine.session!.shadowOf('vg0', this.workloadLv) : undefined;
    await this.run(this.world.engine.dispose());
    await this.openWorld(this.world.clock);
    if (workloadShadow) this.world.engine.session!.shadows.set(lvKey('vg0', this.workloadLv!), workloadShadow);
    const after = tablesOf(this.world.engine);
    if (JSON.stringify(before) !== JSON.stringify(after)) this.problems.push(`after a reopen the tables differ: ${JSON.stringify(before)} vs ${JSON.stringify(after)}`);
  }
}

function tablesOf(engine: Engine): Record<string, string> {
  const dm = engine.session!.dm;
  return Object.fromEntries(dm.list().map((d) => [d.name, dm.table(d.name)]));
}

async function stormRun(storm: Storm): Promise<void> {
  await storm.setup();
  await storm.chaos();
  await storm.settle();
  await storm.check('after the storm');
  await storm.reopen();
  await storm.check('after a reopen');
  await storm.run(storm.world.engine.dispose());
}

/**
 * Seeds that once failed, run every time: 4114021449 crashes an atomic lvm2 move at its
 * release-images step and aborts it from the metadata; pvmove0's sub-LV device outlived the abort.
 */
const REGRESSION_SEEDS = process.env.SEED || process.env.STORM_SEEDS ? [] : [4114021449];

describe('the live move under a seeded storm of controls, IO and crashes', () => {
  afterAll(() => console.log(`move storm: ${JSON.stringify(tally)}`));
  const base = seedFromEnv();
  const seeds = [...REGRESSION_SEEDS, ...Array.from({ length: RUNS }, (_, i) => (base + i) >>> 0)];
  for (const seed of seeds) {
    it(`seed ${seed}: the move ends cleanly, the LVs match the metadata, and every acknowledged write is intact`, async () => {
      const storm = new Storm(seed);
      tally.runs += 1;
      try {
        await stormRun(storm);
        expect(storm.problems, storm.trace.slice(-TRACE_LINES).join('\n')).toEqual([]);
      } catch (e) {
        console.error(storm.trace.slice(-TRACE_LINES).join('\n'));
        console.error(`move storm failed with seed ${seed}; replay: SEED=${seed} npx vitest run --project unit test/app/pvmove/moveStorm.test.ts`);
        throw e;
      }
    }, 60_000);
  }
});
