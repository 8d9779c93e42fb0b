// Proves the workload generator, shadow model and verifier agree with each other and with
// the real-LVM2 fixtures: the demo pattern is byte-identical to what LVM2's fixture script
// wrote; a verifier run after a random-write workload finds zero mismatches; and a single
// flipped byte anywhere is found and reported with its offset.

import { describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import type { BlockDevice } from '../../../app/block/blockDevice';
import { SeededRandom } from '../../../app/base/clock';
import type { Clock } from '../../../app/base/clock';
import { ShadowModel, Workload, demoSectors, verifyLv } from '../../../app/workload';
import { SimClock } from '../../sim/clock';

class MemoryDevice implements BlockDevice {
  readonly devno = '254:0';
  readonly bytes: Uint8Array;
  constructor(readonly name: string, readonly sizeSectors: number) {
    this.bytes = new Uint8Array(sizeSectors * 512);
  }
  async read(sector: number, count: number) {
    await Promise.resolve();
    return this.bytes.slice(sector * 512, (sector + count) * 512);
  }
  async write(sector: number, data: Uint8Array) {
    await Promise.resolve();
    this.bytes.set(data, sector * 512);
  }
  async flush() {}
}

const realClock: Clock = {
  now: () => performance.now(),
  setTimer: (ms, cb) => {
    const t = setTimeout(cb, ms);
    return { cancel: () => clearTimeout(t) };
  },
};

describe('the demo pattern', () => {
  it('is byte-identical to the sectors real LVM2 fixtures hold', () => {
    // seed: lv0 LE 0-5 on pv1 PE 0-5; pe_start = 2048 sectors; extent size 2048 sectors.
    const image = gunzipSync(readFileSync(new URL('../../fixtures/lvm2/seed/pv1.img.gz', import.meta.url)));
    const lvSector = 5 * 2048 + 17; // LE 5, 17 sectors in
    const offset = (2048 + lvSector) * 512;
    expect(Buffer.from(demoSectors('vg0', 'lv0', 2048, lvSector, 1))).toEqual(image.subarray(offset, offset + 512));
  });
});

describe('the workload and the verifier', () => {
  async function filledDevice() {
    const dev = new MemoryDevice('vg0-lv0', 4096);
    dev.bytes.set(demoSectors('vg0', 'lv0', 2048, 0, 4096));
    const shadow = new ShadowModel({ vg: 'vg0', lv: 'lv0', extentSizeSectors: 2048, sizeSectors: 4096 });
    return { dev, shadow };
  }

  it('finds zero mismatches after a random-write workload', async () => {
    const { dev, shadow } = await filledDevice();
    const w = new Workload(dev, shadow, { pattern: 'randrw', blockSizeBytes: 4096, iops: 5000, queueDepth: 8 }, realClock, new SeededRandom(7));
    w.start();
    await new Promise((r) => setTimeout(r, 300));
    await w.stop();
    const stats = w.stats();
    expect(stats.writes).toBeGreaterThan(50);
    expect(stats.reads).toBeGreaterThan(50);
    expect(stats.errors).toBe(0);
    const result = await verifyLv(dev, shadow);
    expect(result.mismatches).toBe(0);
    expect(result.summary).toMatch(/0 mismatches/);
  });

  it('reports a single flipped byte with its offset', async () => {
    const { dev, shadow } = await filledDevice();
    dev.bytes[3000 * 512 + 7] ^= 0x20;
    const result = await verifyLv(dev, shadow);
    expect(result.mismatches).toBe(1);
    expect(result.firstMismatches[0].offsetBytes).toBe(3000 * 512);
  });

  it('reports a write that was acknowledged but is missing from the device', async () => {
    const { dev, shadow } = await filledDevice();
    shadow.recordWrite(99, 10, 8);
    const result = await verifyLv(dev, shadow);
    expect(result.mismatches).toBe(8);
    expect(result.firstMismatches[0].expected).toContain('lvmscope write 99 sector 10');
  });

  it('refuses a block size that is not a multiple of 512 bytes', async () => {
    const { dev, shadow } = await filledDevice();
    expect(() => new Workload(dev, shadow, { pattern: 'randwrite', blockSizeBytes: 1000, iops: 10 }, realClock, new SeededRandom(1))).toThrow(/multiple of 512/);
  });
});

describe('the workload pacing', () => {
  it('reaches the requested IOPS on a device with 1 ms latency (not capped at queue depth per tick)', async () => {
    // Simulated time (deterministic, no wall-clock thresholds): 1000 IOPS for 1.5 s on a device
    // whose IOs take 1 ms. Issuing only on 10 ms ticks would cap it at 4 per tick = 400/s.
    const clock = new SimClock();
    const after1ms = () => new Promise<void>((r) => clock.setTimer(1, r));
    const slow: BlockDevice = {
      name: 'slow',
      devno: '254:9',
      sizeSectors: 1 << 16,
      read: async (_s, c) => (await after1ms(), new Uint8Array(c * 512)),
      write: async () => void (await after1ms()),
      flush: async () => {},
    };
    const shadow = new ShadowModel({ vg: 'v', lv: 'l', extentSizeSectors: 2048, sizeSectors: 1 << 16 });
    const w = new Workload(slow, shadow, { pattern: 'randwrite', blockSizeBytes: 4096, iops: 1000 }, clock, new SeededRandom(3));
    w.start();
    await clock.run(new Promise<void>((r) => clock.setTimer(1500, r)));
    await clock.run(w.stop());
    expect(w.stats().writes).toBeGreaterThanOrEqual(1450);
    expect(w.stats().writes).toBeLessThanOrEqual(1510);
  });
});
