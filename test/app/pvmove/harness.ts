// Shared by the pvmove engine tests: an Engine on in-memory image files (real time, or the
// simulated clock of test/sim: time advances only while the test waits for something, so no
// test sleeps), seeded randomness, demo layouts beyond the seed, and small readers of views.

import { Engine } from '../../../app/engine';
import { SeededRandom, sleep } from '../../../app/base/clock';
import type { MoveStateView } from '../../../app/api/move';
import { SimClock } from '../../sim/clock';
import { MiB } from '../../../app/base/units';
import { SEED_LAYOUT, createDemo, type DemoLayout } from '../../../app/session/demo';
import { nodeClock } from '../../../main/host';
import { MemoryWorkspaceStorage } from '../../sim/memory';
import { OUTLINE_STEPS } from '../../../app/pvmove/words';

/** lv0 = pv1:0-2 | pv2:0-2, lv1 = pv2:3-5 | pv3:0-2; pv4 free (two LVs partly on pv2). */
export const TWO_LV_LAYOUT: DemoLayout = {
  pvs: ['pv1.img', 'pv2.img', 'pv3.img', 'pv4.img'].map((image) => ({ image, sizeBytes: 16 * MiB })),
  vg: 'vg0',
  extentSizeBytes: MiB,
  lvs: [
    { name: 'lv0', pieces: [{ extents: 3, image: 'pv1.img' }, { extents: 3, image: 'pv2.img' }] },
    { name: 'lv1', pieces: [{ extents: 3, image: 'pv2.img' }, { extents: 3, image: 'pv3.img' }] },
  ],
};

export interface TestEngine {
  engine: Engine;
  storage: MemoryWorkspaceStorage;
  /** The simulated clock the engine runs on, or null on real time. */
  clock: SimClock | null;
  /** A copy of every image's bytes (to prove nothing was written). */
  snapshot(): Map<string, Uint8Array>;
}

/** An Engine with `layout` built in memory (by the demo builder, then opened like any folder). */
export async function memoryEngine(layout: DemoLayout = SEED_LAYOUT, seed = 1, options: { simulated?: boolean } = {}): Promise<TestEngine> {
  const storage = new MemoryWorkspaceStorage('mem:/demo');
  const random = new SeededRandom(seed);
  const clock = options.simulated ? new SimClock() : null;
  const run = <T>(p: Promise<T>): Promise<T> => (clock ? clock.run(p) : p);
  const quiet = () => undefined;
  const sessionOptions = { clock: clock ?? nodeClock, random, hostname: 'test-host', holder: 'test', unixTime: () => 1_700_000_000, log: quiet, onChange: quiet, onStep: quiet, onDmEvent: quiet };
  await run(createDemo('mem:/demo', storage, sessionOptions, layout, false).then((session) => session.close()));
  const engine = new Engine({ kind: 'test', clock: clock ?? nodeClock, random, hostname: 'test-host', unixTime: () => 1_700_000_000, storage: () => storage });
  await run(engine.handlers['workspace.open']({ path: 'mem:/demo' }));
  const snapshot = () => new Map([...storage.files].map(([name, f]) => [name, f.bytes.slice()]));
  return { engine, storage, clock, snapshot };
}

/** Awaits `p` on the engine's clock: on the simulated clock, time runs until `p` settles. */
export function onClock<T>(t: TestEngine, p: Promise<T>): Promise<T> {
  return t.clock ? t.clock.run(p) : p;
}

/** Lets `ms` of simulated time pass (timers fire, the copy and the workload go on). */
export function simSleep(t: TestEngine, ms: number): Promise<void> {
  if (!t.clock) throw new Error('simSleep needs an engine on the simulated clock');
  return t.clock.run(sleep(t.clock, ms));
}

/** The move once it has ended (done, aborted or failed), on simulated time. */
export async function simEnd(t: TestEngine): Promise<MoveStateView> {
  await onClock(t, t.engine.open().moves.whenFinished());
  return (await onClock(t, t.engine.handlers['move.state']({}))).move!;
}

/** The id of the outline's step `n` (1..8) of `lv`: `lv0/suspend` … `lv0/final-table`. */
export function outlineStepId(n: number, lv = 'lv0'): string {
  return `${lv}/${OUTLINE_STEPS[n - 1][0]}`;
}

/** A step's number among its LV's outline steps (1..8), from its id. */
export function stepNo(step: { id: string }): number {
  return OUTLINE_STEPS.findIndex(([key]) => step.id.endsWith(`/${key}`)) + 1;
}

/** Waits (on simulated time, checking every 5 ms) until the move waits before step `n` of `lv`. */
export async function simStep(t: TestEngine, n: number, lv = 'lv0', limitMs = 60_000): Promise<MoveStateView> {
  for (let waited = 0; waited <= limitMs; waited += 5) {
    const { move } = await onClock(t, t.engine.handlers['move.state']({}));
    if (move?.status === 'waiting-step' && move.steps.find((s) => s.id === outlineStepId(n, lv))?.state === 'waiting') return move;
    await simSleep(t, 5);
  }
  throw new Error(`the move did not wait before step ${n} of ${lv} within ${limitMs} ms of simulated time`);
}

export function lvLayout(view: Awaited<ReturnType<Engine['handlers']['workspace.view']>>, lv: string): string[] {
  const found = view.vgs[0].lvs.find((l) => l.name === lv)!;
  return found.segments.map((s) => s.areas.map((a) => `${a.target}:${a.start}-${a.start + s.count - 1}`).join(' '));
}

/**
 * Resolves with the first move state (now, or from the `move.state` events) that `done` accepts;
 * rejects with `what` if none comes within `limitMs` of real time (a guard, not a wait).
 */
export function untilMoveState(engine: Engine, done: (m: MoveStateView | null) => boolean, what: string, limitMs: number): Promise<MoveStateView> {
  return new Promise((resolve, reject) => {
    const finish = (m: MoveStateView) => {
      clearTimeout(guard);
      subscription.dispose();
      resolve(m);
    };
    const subscription = engine.subscribe((name, payload) => {
      if (name === 'move.state' && done(payload as MoveStateView)) finish(payload as MoveStateView);
    });
    const guard = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`${what} within ${limitMs} ms`));
    }, limitMs);
    void engine.handlers['move.state']({}).then(({ move }) => {
      if (move && done(move)) finish(move);
    });
  });
}

/** The move once it has ended (done, aborted or failed), on real time. */
export function waitForEnd(engine: Engine, limitMs = 60_000): Promise<MoveStateView> {
  return untilMoveState(engine, (m) => !!m && ['done', 'aborted', 'failed'].includes(m.status), 'the move did not end', limitMs);
}

/** Waits until the move waits before step `n` of `lv` (step mode), on real time. */
export function waitForStep(engine: Engine, n: number, lv = 'lv0', limitMs = 5000): Promise<MoveStateView> {
  return untilMoveState(engine, (m) => m?.status === 'waiting-step' && m.steps.find((s) => s.id === outlineStepId(n, lv))?.state === 'waiting', `the move did not wait before step ${n} of ${lv}`, limitMs);
}

export const sleepMs = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** verify.run, failing instead of hanging when the LV is left suspended. */
export async function verifyWithin(engine: Engine, lv = 'lv0', ms = 5000) {
  return Promise.race([
    engine.handlers['verify.run']({ vg: 'vg0', lv }),
    sleepMs(ms).then(() => {
      throw new Error(`verify of ${lv} did not finish within ${ms} ms (is the LV still suspended?)`);
    }),
  ]);
}
