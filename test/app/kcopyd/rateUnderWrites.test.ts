// Proves `--rate` holds under a workload (issue 13: a move under writes copied at full speed,
// because every copy a write waited on skipped the rate limit): on simulated time, a steady
// stream of intercepted (priority) copies may run one second's worth of bytes ahead of the rate
// and no further, so 4 MiB of them at 1 MiB/s take about 3 s, while the first of them start at
// once (an occasional write is never throttled).

import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../app/base/clock';
import { StoreDevice } from '../../../app/block/storeDevice';
import { Copier } from '../../../app/kcopyd/copier';
import { SimClock } from '../../sim/clock';
import { SimDisk } from '../../sim/simDisk';

describe('copier rate under intercepted writes', () => {
  it('lets intercepted copies run one second ahead of the rate, and no further', async () => {
    const clock = new SimClock();
    const random = new SeededRandom(13);
    const src = new SimDisk('src.img', 16 << 20, { clock, random, latencyMs: [1, 1] });
    const dst = new SimDisk('dst.img', 16 << 20, { clock, random, latencyMs: [1, 1] });
    const copier = new Copier(clock, { chunkSectors: 1024, rateBytesPerSec: 1 << 20 });
    const started: number[] = [];
    const t0 = clock.now();
    // 64 regions of 64 KiB (4 MiB), each one a write is waiting on.
    const jobs = Array.from({ length: 64 }, (_, r) => {
      const job = copier.copy({ owner: 'test', source: new StoreDevice(src, 0), sourceSector: r * 128, destinations: [{ device: new StoreDevice(dst, 1), sector: r * 128 }], countSectors: 128, region: r, priority: true });
      void job.done.then(() => started.push(clock.now() - t0));
      return job;
    });
    await clock.run(Promise.all(jobs.map((j) => j.done)));
    const elapsed = clock.now() - t0;
    expect(Math.max(...started.slice(0, 8))).toBeLessThan(100); // the first writes did not wait
    expect(elapsed).toBeGreaterThan(2800); // 4 MiB at 1 MiB/s, less the one-second burst
    expect(elapsed).toBeLessThan(3300);
  });
});
