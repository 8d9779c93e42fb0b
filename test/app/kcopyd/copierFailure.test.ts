// A chunk copied to several destinations fails only once every destination's write has
// settled: when one destination refuses at once (a full disk) and another is slow, the job's
// failure is reported after the slow write lands, never while it is still in flight (a retry
// could otherwise be overtaken by it). Simulated time.

import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../app/base/clock';
import { LvmscopeError } from '../../../app/base/result';
import { StoreDevice } from '../../../app/block/storeDevice';
import { Copier } from '../../../app/kcopyd/copier';
import { SimClock } from '../../sim/clock';
import { SimDisk } from '../../sim/simDisk';

describe('copier failure with several destinations', () => {
  it('reports a failed chunk only after the write to every other destination has settled', async () => {
    const clock = new SimClock();
    const random = new SeededRandom(5);
    const src = new SimDisk('src.img', 1 << 20, { clock, random, latencyMs: [1, 1] });
    const full = new SimDisk('full.img', 1 << 20, { clock, random, latencyMs: [1, 1] });
    const slow = new SimDisk('slow.img', 1 << 20, { clock, random, latencyMs: [50, 50] });
    full.writeFault = () => new LvmscopeError('NO_SPACE', 'full.img: no space left (simulated ENOSPC).');
    src.current.fill(0x42);
    const copier = new Copier(clock, { chunkSectors: 128 });
    const job = copier.copy({
      owner: 'test',
      source: new StoreDevice(src, 0),
      sourceSector: 0,
      destinations: [
        { device: new StoreDevice(full, 1), sector: 0 },
        { device: new StoreDevice(slow, 2), sector: 0 },
      ],
      countSectors: 128,
    });
    const outcome = await clock.run(job.done);
    expect(outcome).toEqual({ ok: false, cancelled: false, message: 'full.img: no space left (simulated ENOSPC).' });
    expect(slow.stats.writes).toBe(1);
    expect(clock.now()).toBeGreaterThanOrEqual(51);
    expect(copier.inFlightChunks).toBe(0);
  });
});
