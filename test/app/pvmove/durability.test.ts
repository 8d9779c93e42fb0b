// Proves the ordering a power loss needs: the destination PV's copied data is flushed
// (fdatasync) BEFORE any metadata write that says the data is there — the checkpoint
// (extents_moved) and the final commit of step 7. The test records every write and flush on
// pv4's image and checks that between the last data write and the next metadata write there
// is always a flush. On the simulated clock.

import { describe, expect, it } from 'vitest';
import { memoryEngine, onClock, simEnd } from './harness';

describe('durability of the copy before the metadata that relies on it', () => {
  it('flushes pv4 after its last data write and before each following metadata write', async () => {
    const t = await memoryEngine(undefined, 1, { simulated: true });
    const { engine, storage } = t;
    const pv4 = storage.files.get('pv4.img')!;
    const ops: string[] = [];
    const dataStart = 1024 * 1024; // pe_start: below it lie the label and the metadata area
    const write = pv4.write.bind(pv4);
    const flush = pv4.flush.bind(pv4);
    pv4.write = async (offset, data) => (ops.push(offset >= dataStart ? 'data' : 'meta'), write(offset, data));
    pv4.flush = async () => (ops.push('flush'), flush());
    await onClock(t, engine.handlers['move.start']({ request: { vg: 'vg0', sources: ['pv2'], destinations: ['pv4'], alloc: 'normal' }, options: {} }));
    const move = await simEnd(t);
    await onClock(t, engine.dispose());
    expect(move.status).toBe('done');
    // Collapse runs: the sequence of kinds in order, repeated kinds merged.
    const runs = ops.filter((op, i) => op !== ops[i - 1]);
    for (let i = 0; i < runs.length; i += 1) {
      if (runs[i] !== 'data') continue;
      const nextMeta = runs.indexOf('meta', i);
      if (nextMeta < 0) continue;
      expect(runs.slice(i, nextMeta), `ops ${runs.join(' ')}`).toContain('flush');
    }
    expect(runs).toContain('data');
  });
});
