// Proves the copier's queueing contract on simulated time: jobs are cut into chunks with at
// most N in flight; background jobs that continue each other share a chunk; chunk buffers
// are pooled and lent to the source; the priority lane runs first and even while paused; the
// rate limit holds background copying to the configured bytes per second and can change
// live; progress events are coalesced and carry run-length region ranges; failures are data.

import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../app/base/clock';
import { StoreDevice } from '../../../app/block/storeDevice';
import { Copier, type CopierProgress } from '../../../app/kcopyd/copier';
import { SimClock } from '../../sim/clock';
import { SimDisk } from '../../sim/simDisk';

/** Byte equality of large arrays (vitest's toEqual walks them element by element). */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function setup(options: ConstructorParameters<typeof Copier>[1] = {}) {
  const clock = new SimClock();
  const random = new SeededRandom(11);
  const src = new SimDisk('src.img', 64 << 20, { clock, random, latencyMs: [1, 1] });
  const dst = new SimDisk('dst.img', 64 << 20, { clock, random, latencyMs: [1, 1] });
  for (let i = 0; i < src.current.length; i += 512) src.current[i] = (i >> 9) & 0xff;
  const copier = new Copier(clock, options);
  // One device object per disk, as a mirror's legs are: jobs on the same devices may merge.
  const source = new StoreDevice(src, 0);
  const destination = new StoreDevice(dst, 1);
  const job = (first: number, count: number, extra: { priority?: boolean; region?: number } = {}) =>
    copier.copy({ owner: 'test', source, sourceSector: first, destinations: [{ device: destination, sector: first }], countSectors: count, ...extra });
  return { clock, src, dst, copier, job };
}

describe('copier', () => {
  it('copies a job in chunks with at most the in-flight bound running at once', async () => {
    const { clock, src, dst, copier, job } = setup({ chunkSectors: 128, maxChunksInFlight: 3 });
    let peak = 0;
    const j = job(0, 128 * 20);
    const watch = (async () => {
      while (j.state !== 'done') {
        peak = Math.max(peak, copier.inFlightChunks);
        await new Promise<void>((r) => clock.setTimer(0.25, r));
      }
    })();
    expect(await clock.run(j.done)).toEqual({ ok: true });
    await clock.run(watch);
    expect(peak).toBe(3);
    expect(dst.current.subarray(0, 128 * 20 * 512)).toEqual(src.current.subarray(0, 128 * 20 * 512));
    expect(copier.totalBytesCopied).toBe(128 * 20 * 512);
  });

  it('runs priority jobs before queued background jobs, even while paused', async () => {
    const { clock, copier, job } = setup({ chunkSectors: 128, maxChunksInFlight: 1 });
    const order: number[] = [];
    const background = [0, 1, 2, 3].map((r) => job(r * 128, 128, { region: r }));
    background.forEach((j, r) => j.done.then(() => order.push(r)));
    copier.pause();
    const urgent = job(9 * 128, 128, { region: 9, priority: true });
    urgent.done.then(() => order.push(9));
    await clock.run(urgent.done);
    copier.promote(background[3]);
    copier.resume();
    await clock.run(Promise.all(background.map((j) => j.done)));
    // Region 0 had already started before the pause; 9 jumped the line; 3 was promoted.
    expect(order).toEqual([0, 9, 3, 1, 2]);
  });

  it('waits for the next free slot with a priority job by default, and starts it at once in a reserved slot when asked to', async () => {
    const plain = setup({ chunkSectors: 128, maxChunksInFlight: 2 });
    plain.job(0, 128 * 20);
    const waiting = plain.job(9000, 128, { priority: true });
    expect([waiting.state, plain.copier.inFlightChunks]).toEqual(['queued', 2]);
    await plain.clock.run(waiting.done);
    const { clock, copier, job } = setup({ chunkSectors: 128, maxChunksInFlight: 2, prioritySlots: 1 });
    const background = job(0, 128 * 20);
    expect(copier.inFlightChunks).toBe(2);
    const urgent = job(9000, 128, { priority: true });
    expect(urgent.state).toBe('running');
    expect(copier.inFlightChunks).toBe(3);
    await clock.run(urgent.done);
    // Once the urgent copy is done the background is back to its own bound, never the reserved slot.
    let peak = 0;
    const watch = (async () => {
      while (background.state !== 'done') {
        peak = Math.max(peak, copier.inFlightChunks);
        await new Promise<void>((r) => clock.setTimer(0.25, r));
      }
    })();
    await clock.run(Promise.all([background.done, watch]));
    expect(peak).toBe(2);
  });

  it('holds background copying to the rate limit and follows a live change', async () => {
    const { clock, copier, job } = setup({ chunkSectors: 1024 });
    copier.setRate(1 << 20); // 1 MiB/s = 2 chunks of 512 KiB per second
    const j = job(0, 1024 * 8);
    await clock.run(new Promise<void>((r) => clock.setTimer(2000, r)));
    const after2s = copier.totalBytesCopied;
    expect(after2s).toBeGreaterThanOrEqual(4 * 512 * 1024);
    expect(after2s).toBeLessThanOrEqual(5 * 512 * 1024);
    copier.setRate(0);
    const t = clock.now();
    await clock.run(j.done);
    expect(clock.now() - t).toBeLessThan(50);
  });

  it('charges each chunk its real size against the rate, so small regions copy at the set rate', async () => {
    // 64 KiB jobs (a mirror with 64 KiB regions) at 1 MiB/s: 2 s copy 2 MiB (32 jobs), not
    // the 4 jobs a limiter charging a full 512 KiB chunk per job would allow.
    const { clock, copier, job } = setup({ chunkSectors: 1024 });
    copier.setRate(1 << 20);
    const jobs = Array.from({ length: 64 }, (_, r) => job(r * 128, 128, { region: r }));
    await clock.run(new Promise<void>((r) => clock.setTimer(2000, r)));
    expect(copier.totalBytesCopied).toBeGreaterThanOrEqual(28 * 64 * 1024);
    expect(copier.totalBytesCopied).toBeLessThanOrEqual(36 * 64 * 1024);
    copier.setRate(0);
    await clock.run(Promise.all(jobs.map((j) => j.done)));
  });

  it('never makes a priority copy wait for the rate, but charges it, so the total stays at the rate', async () => {
    // 1 MiB/s; 16 background regions of 64 KiB, plus 16 intercepted ones (1 MiB) right away.
    const { clock, copier, job } = setup({ chunkSectors: 1024 });
    copier.setRate(1 << 20);
    const background = Array.from({ length: 16 }, (_, r) => job(r * 128, 128, { region: r }));
    const urgent = Array.from({ length: 16 }, (_, r) => job((100 + r) * 128, 128, { region: 100 + r, priority: true }));
    const t0 = clock.now();
    await clock.run(Promise.all(urgent.map((j) => j.done)));
    expect(clock.now() - t0).toBeLessThan(100); // the writes did not wait for the rate
    await clock.run(Promise.all(background.map((j) => j.done)));
    // 2 MiB in all at 1 MiB/s: about 2 s, not the 1 s that ignoring the urgent MiB would take.
    expect(clock.now() - t0).toBeGreaterThan(1800);
  });

  it('coalesces progress into run-length region ranges', async () => {
    const { clock, copier, job } = setup({ chunkSectors: 64, progressIntervalMs: 1000 });
    const events: CopierProgress[] = [];
    copier.events.on((e) => events.push(e));
    const jobs = Array.from({ length: 50 }, (_, r) => job(r * 64, 64, { region: r }));
    await clock.run(Promise.all(jobs.map((j) => j.done)));
    await clock.run(new Promise<void>((r) => clock.setTimer(1000, r)));
    expect(events).toHaveLength(1);
    expect(events[0].finished).toEqual([{ owner: 'test', ranges: [{ start: 0, count: 50, state: 'copied' }] }]);
  });

  it('merges background jobs queued back to back into one chunk, up to the chunk size', async () => {
    const { clock, src, dst, copier, job } = setup({ chunkSectors: 1024, maxChunksInFlight: 2 });
    const reads: number[] = [];
    const read = src.read.bind(src);
    src.read = (offset: number, length: number) => (reads.push(length / 512), read(offset, length));
    copier.pause(); // all 20 queued before the first chunk goes
    const jobs = Array.from({ length: 20 }, (_, r) => job(r * 128, 128, { region: r }));
    copier.resume();
    const outcomes = await clock.run(Promise.all(jobs.map((j) => j.done)));
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(reads).toEqual([1024, 1024, 512]);
    expect(sameBytes(dst.current.subarray(0, 20 * 128 * 512), src.current.subarray(0, 20 * 128 * 512))).toBe(true);
    expect(copier.totalBytesCopied).toBe(20 * 128 * 512);
  });

  it('keeps jobs in chunks of their own when they do not continue each other, are urgent, or the copy is rate-limited', async () => {
    const { clock, src, copier, job } = setup({ chunkSectors: 1024, maxChunksInFlight: 1 });
    const reads: number[] = [];
    const read = src.read.bind(src);
    src.read = (offset: number, length: number) => (reads.push(offset / 512), read(offset, length));
    copier.pause();
    const gap = [job(0, 128), job(256, 128)]; // a gap of 128 sectors between them
    const urgent = [job(1024, 128, { priority: true }), job(1152, 128, { priority: true })];
    await clock.run(Promise.all(urgent.map((j) => j.done)));
    copier.resume();
    await clock.run(Promise.all(gap.map((j) => j.done)));
    expect(reads).toEqual([1024, 1152, 0, 256]);
    reads.length = 0;
    copier.setRate(64 << 20);
    await clock.run(Promise.all([job(2048, 128), job(2176, 128)].map((j) => j.done)));
    expect(reads).toEqual([2048, 2176]);
  });

  it('lends the source a pooled buffer for every chunk, never more buffers than chunks in flight', async () => {
    const { clock, src, copier, job } = setup({ chunkSectors: 256, maxChunksInFlight: 3 });
    const lent = new Set<ArrayBufferLike>();
    const offsets = new Set<number>();
    const read = src.read.bind(src);
    // The StoreDevice hands the store the buffer the copier lent it (a third argument SimDisk ignores).
    src.read = (offset: number, length: number, into?: Uint8Array) => {
      expect(into?.length).toBe(length);
      lent.add(into!.buffer);
      offsets.add(into!.byteOffset);
      return read(offset, length);
    };
    await clock.run(job(0, 256 * 40).done);
    expect(copier.totalBytesCopied).toBe(256 * 40 * 512);
    expect(lent.size).toBe(1); // one slab …
    expect(offsets.size).toBeLessThanOrEqual(3); // … carved into at most three buffers
  });

  it('reports a failed read as the outcome instead of throwing', async () => {
    const { clock, src, job } = setup({ chunkSectors: 64 });
    src.failNextIos = 1;
    const outcome = await clock.run(job(0, 640).done);
    expect(outcome).toMatchObject({ ok: false, cancelled: false });
    expect(outcome.ok ? '' : outcome.message).toMatch(/injected read error/);
  });
});
