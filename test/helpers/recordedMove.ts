// A live move on the simulated clock, recorded (issue 19): the seed demo (lv0 on pv1 | pv2 |
// pv3, pv4 free) in memory, an engine whose host shows that workspace (so a window can load
// it), a workload on lv0 during the move, and the move's recording once it has ended.
import { SeededRandom, sleep } from '../../app/base/clock';
import { Engine } from '../../app/engine';
import { createDemo, SEED_LAYOUT, type DemoLayout } from '../../app/session/demo';
import type { MoveOptions, WorkloadSpec } from '../../app/api/move';
import type { ParsedParamsOf } from '../../app/api/contract';

type ParsedRequest = ParsedParamsOf<'move.start'>['request'];
import { SimClock } from '../sim/clock';
import { MemoryWorkspaceStorage } from '../sim/memory';

export const SEED_MOVE: ParsedRequest = { vg: 'vg0', sources: ['pv2'], destinations: ['pv4'], alloc: 'normal' };
export const SEED_WORKLOAD: WorkloadSpec = { vg: 'vg0', lv: 'lv0', pattern: 'randwrite', blockSizeBytes: 4096, iops: 200, seed: 7 };

export interface SimEngine {
  engine: Engine;
  clock: SimClock;
  path: string;
  /** Awaits `p` while simulated time runs. */
  run<T>(p: Promise<T>): Promise<T>;
  sleep(ms: number): Promise<void>;
}

/** An engine on the simulated clock with `layout` built in memory and opened, shown by its host. */
export async function simEngine(layout: DemoLayout = SEED_LAYOUT, seed = 3): Promise<SimEngine> {
  const path = 'mem:/demo';
  const storage = new MemoryWorkspaceStorage(path);
  const clock = new SimClock();
  const random = new SeededRandom(seed);
  const quiet = () => undefined;
  const sessionOptions = { clock, random, hostname: 'test-host', holder: 'test', unixTime: () => 1_700_000_000, log: quiet, onChange: quiet, onStep: quiet, onDmEvent: quiet };
  await clock.run(createDemo(path, storage, sessionOptions, layout, false).then((s) => s.close()));
  const engine = new Engine({ kind: 'test', clock, random, hostname: 'test-host', unixTime: () => 1_700_000_000, storage: () => storage, workspace: () => ({ path, recent: [] }) });
  await clock.run(engine.handlers['workspace.open']({ path }));
  return { engine, clock, path, run: (p) => clock.run(p), sleep: (ms) => clock.run(sleep(clock, ms)) };
}

/**
 * Runs a move to its end (with a workload when given), waits until its recording is complete
 * and returns the recording's text.
 */
export async function recordMove(t: SimEngine, request: ParsedRequest = SEED_MOVE, options: MoveOptions = { rateBytesPerSec: 200 * 1024, regionSizeSectors: 128 }, workload: WorkloadSpec | null = SEED_WORKLOAD): Promise<string> {
  const h = t.engine.handlers;
  if (workload) await t.run(h['workload.start'](workload));
  await t.run(h['move.start']({ request, options }));
  await t.run(t.engine.open().moves.whenFinished());
  if (workload) await t.run(h['workload.stop']({}));
  for (let waited = 0; waited < 10_000; waited += 100) {
    const rec = await t.run(h['move.recording']({}));
    if (rec.complete) return rec.text;
    await t.sleep(100);
  }
  throw new Error('the recording did not complete within 10 s of simulated time after the move ended');
}
