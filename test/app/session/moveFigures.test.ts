// Proves that the move's figures are what the engine measured (issue 16): an abort at half way
// keeps the percentage copied when it was asked (the layer's removal once made it 100 %); a
// paused move reports no speed and an ETA at the speed it had; waits for Next add no time to
// the speed's window; a rate change shows in the speed within a second or two; the count of
// intercepted writes is the move's own, still true once the mirrors are gone (the transcript
// once said 0 after 105). The seed move runs on the simulated clock: waits are simulated time.
import { afterEach, describe, expect, it } from 'vitest';
import type { MoveProgressView, MoveStateView } from '../../../app/api/move';
import { memoryEngine, onClock, simEnd, simSleep, type TestEngine } from '../pvmove/harness';

const SEED_MOVE = { vg: 'vg0', sources: ['pv2'], destinations: ['pv4'], alloc: 'normal' as const };
const KiB = 1024;

const open: TestEngine[] = [];
async function engineFor(): Promise<TestEngine> {
  const t = await memoryEngine(undefined, 3, { simulated: true });
  open.push(t);
  return t;
}
afterEach(async () => {
  while (open.length) {
    const t = open.pop()!;
    await onClock(t, t.engine.dispose());
  }
});

const state = async (t: TestEngine): Promise<MoveStateView> => (await onClock(t, t.engine.handlers['move.state']({}))).move!;

/** Waits (simulated time, 50 ms at a time) until the move state passes `test`. */
async function until(t: TestEngine, test: (m: MoveStateView) => boolean, what: string, limitMs = 120_000): Promise<MoveStateView> {
  for (let waited = 0; waited <= limitMs; waited += 50) {
    const move = await state(t);
    if (test(move)) return move;
    await simSleep(t, 50);
  }
  throw new Error(`${what} within ${limitMs} ms of simulated time`);
}

function progressReports(t: TestEngine): MoveProgressView[] {
  const reports: MoveProgressView[] = [];
  t.engine.subscribe((name, payload) => {
    if (name === 'move.progress') reports.push(payload as MoveProgressView);
  });
  return reports;
}

describe('the figures of a move', () => {
  it('an abort at half way keeps the percentage copied when it was asked, not 100 %', async () => {
    const t = await engineFor();
    await onClock(t, t.engine.handlers['move.start']({ request: SEED_MOVE, options: { rateBytesPerSec: 256 * KiB } }));
    const half = await until(t, (m) => m.progress.percent >= 50, 'the copy did not reach 50 %');
    const asked = await onClock(t, t.engine.handlers['move.control']({ action: 'abort' }));
    const end = await simEnd(t);
    expect(end.status).toBe('aborted');
    expect(end.progress.percent).toBeGreaterThanOrEqual(half.progress.percent);
    expect(end.progress.percent).toBe(asked.progress.percent);
    expect(end.progress.percent).toBeLessThan(80);
    expect(end.progress.bytesPerSec).toBe(0);
    expect(end.progress.etaSeconds).toBeNull();
  });

  it('a paused move reports no speed, an ETA at the speed it had, and its speed again soon after Resume', async () => {
    const t = await engineFor();
    const rate = 256 * KiB;
    await onClock(t, t.engine.handlers['move.start']({ request: SEED_MOVE, options: { rateBytesPerSec: rate } }));
    const copying = await until(t, (m) => m.progress.percent >= 20 && m.progress.bytesPerSec > 0, 'the copy did not reach 20 %');
    expect(copying.progress.bytesPerSec).toBeGreaterThan(rate * 0.6);
    expect(copying.progress.bytesPerSec).toBeLessThan(rate * 1.6);
    await onClock(t, t.engine.handlers['move.control']({ action: 'pause' }));
    await simSleep(t, 10_000);
    const paused = await state(t);
    expect(paused.status).toBe('paused');
    expect(paused.progress.bytesPerSec).toBe(0);
    const remaining = paused.progress.bytesTotal - paused.progress.bytesCopied;
    // The ETA is the copy time left at the speed measured before the pause (the pause adds nothing).
    expect(paused.progress.etaSeconds).toBeGreaterThan(remaining / (rate * 1.6));
    expect(paused.progress.etaSeconds).toBeLessThan(remaining / (rate * 0.6));
    await onClock(t, t.engine.handlers['move.control']({ action: 'resume' }));
    await simSleep(t, 700);
    const resumed = await state(t);
    expect(resumed.progress.bytesPerSec).toBeGreaterThan(rate * 0.6);
    expect(resumed.progress.bytesPerSec).toBeLessThan(rate * 1.6);
  });

  it('shows a rate change in the speed and the ETA within two seconds', async () => {
    const t = await engineFor();
    await onClock(t, t.engine.handlers['move.start']({ request: SEED_MOVE, options: { rateBytesPerSec: 128 * KiB } }));
    await until(t, (m) => m.progress.percent >= 10 && m.progress.bytesPerSec > 0, 'the copy did not reach 10 %');
    const faster = 512 * KiB;
    await onClock(t, t.engine.handlers['move.control']({ action: 'setRate', rateBytesPerSec: faster }));
    await simSleep(t, 1500);
    const after = await state(t);
    expect(after.progress.rateBytesPerSec).toBe(faster);
    expect(after.progress.bytesPerSec).toBeGreaterThan(faster * 0.6);
    expect(after.progress.bytesPerSec).toBeLessThan(faster * 1.6);
    const remaining = after.progress.bytesTotal - after.progress.bytesCopied;
    expect(after.progress.etaSeconds).toBeLessThan(remaining / (faster * 0.6));
  });

  it('waits for Next of ten seconds with nothing to copy add no time to the speed measured after them', async () => {
    const t = await engineFor();
    const rate = 512 * KiB;
    const reports = progressReports(t);
    // lvm2 with 1 MiB segments: four copies, each after a wait for Next.
    await onClock(t, t.engine.handlers['move.start']({ request: { ...SEED_MOVE, maxSegmentSizeMiB: 1 }, options: { stack: 'lvm2', stepMode: true, rateBytesPerSec: rate, regionSizeSectors: 128 } }));
    for (let steps = 0; steps < 60; steps += 1) {
      const move = await until(t, (m) => m.status === 'waiting-step' || m.status === 'done', 'the move did not wait for Next');
      if (move.status === 'done') break;
      await simSleep(t, 10_000);
      await onClock(t, t.engine.handlers['move.control']({ action: 'next' }));
    }
    expect((await simEnd(t)).status).toBe('done');
    const measured = reports.filter((r) => r.bytesPerSec > 0).map((r) => r.bytesPerSec);
    expect(measured.length).toBeGreaterThan(4);
    // A wall-clock window would have held up to 3 s of a wait: speeds of a fraction of the rate.
    expect(Math.min(...measured)).toBeGreaterThan(rate * 0.5);
    expect(Math.max(...measured)).toBeLessThan(rate * 2);
  });

  it('counts the move\'s intercepted writes to the end: the last report, the state and the transcript agree with the workload', async () => {
    const t = await engineFor();
    await onClock(t, t.engine.handlers['workload.start']({ vg: 'vg0', lv: 'lv0', pattern: 'randwrite', blockSizeBytes: 4096, iops: 200, seed: 5 }));
    await onClock(t, t.engine.handlers['move.start']({ request: SEED_MOVE, options: { rateBytesPerSec: 256 * KiB } }));
    const end = await simEnd(t);
    const stats = await onClock(t, t.engine.handlers['workload.stop']({}));
    expect(end.status).toBe('done');
    expect(end.progress.interceptedWrites).toBeGreaterThan(0);
    expect(end.progress.interceptedWrites).toBe(stats.interceptedWrites);
    const { markdown } = await onClock(t, t.engine.handlers['move.transcript']({}));
    expect(markdown).toContain(`${end.progress.interceptedWrites} writes were intercepted`);
  });
});
