// Proves that every move is recorded (issue 19), whoever starts it: a scenario's moves as the
// UI's, the last one kept; that a start the engine refuses leaves the previous recording as it
// was; that a recording saved while the move runs is a readable recording of the move so far;
// and that a host streaming the recording into a file (pvmove --record) gets the same text.
import { afterEach, describe, expect, it } from 'vitest';
import { parseRecording } from '../../../app/api/recording';
import { sleep } from '../../../app/base/clock';
import { recordMove, SEED_MOVE, simEngine } from '../../helpers/recordedMove';
import { runSimulated } from '../scenario/simScenario';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('recording moves', () => {
  it('records a scenario\'s moves too: after two-stacks the recording is its lvm2 move, step for step', async () => {
    const { end, moves, engine, clock } = await runSimulated('two-stacks', cleanups);
    expect(end.status).toBe('done');
    // The recording ends a moment after the move's final state (its closing lines).
    await clock.run(sleep(clock, 1000));
    const saved = await clock.run(engine.handlers['move.recording']({}));
    expect(saved.complete).toBe(true);
    const recording = parseRecording(saved.text);
    expect(recording.header.stack).toBe('lvm2');
    expect(recording.steps.map((s) => s.stepId)).toEqual(moves[1].steps);
  }, 120_000);

  it('keeps the previous recording when a start is refused', async () => {
    const t = await simEngine();
    cleanups.push(() => t.run(t.engine.dispose()));
    const text = await recordMove(t, SEED_MOVE, { rateBytesPerSec: 0 }, null);
    await expect(t.run(t.engine.handlers['move.start']({ request: { ...SEED_MOVE, sources: ['pv9'] }, options: {} }))).rejects.toThrow();
    expect((await t.run(t.engine.handlers['move.recording']({}))).text).toBe(text);
  }, 60_000);

  it('saves a readable recording of the move so far while it runs, and streams the same lines to a host', async () => {
    const t = await simEngine();
    cleanups.push(() => t.run(t.engine.dispose()));
    const streamed: string[] = [];
    t.engine.recordingSink = (line) => streamed.push(line);
    await t.run(t.engine.handlers['move.start']({ request: SEED_MOVE, options: { rateBytesPerSec: 256 * 1024, regionSizeSectors: 128 } }));
    await t.sleep(2000);
    const midway = await t.run(t.engine.handlers['move.recording']({}));
    expect(midway.complete).toBe(false);
    const soFar = parseRecording(midway.text);
    expect(soFar.events.length).toBeGreaterThan(10);
    expect(soFar.durationMs).toBeLessThanOrEqual(2000);
    expect(soFar.steps.some((s) => s.name === 'Resume and copy')).toBe(true);
    await t.run(t.engine.open().moves.whenFinished());
    await t.sleep(1000);
    const done = await t.run(t.engine.handlers['move.recording']({}));
    expect(done.complete).toBe(true);
    expect(streamed.join('')).toBe(done.text);
  }, 60_000);
});
