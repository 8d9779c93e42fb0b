// Proves the mirror target's contract (DESIGN §1 step 4, §2.2, lvm2-format.md §7): after sync
// both legs are byte-identical; writes issued during the copy end up on both legs; a held
// write never reaches the destination before its region's copy (the destination leg is a
// simulated disk that logs every write in the order it lands). Under the outline's rule
// ('intercept') a write's region jumps the queue even while background copying is paused;
// under the kernel's (dm-raid1, the default) a write to a region not being copied goes to the
// source leg only at once, one to a region being copied waits for that copy, and recovery
// waits for a region's source-only writes to end before copying it. Suspend stops recovery
// with no copy in flight; status, progress events and leg errors are reported as data.
// Replay a failure with: SEED=<seed> npx vitest run --project unit test/app/dm/targets/mirror.test.ts

import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../../app/base/clock';
import { DeviceMapper, parseTable, type DmEvent } from '../../../../app/dm';
import type { MirrorWriteRule } from '../../../../app/dm/table';
import type { CopierOptions } from '../../../../app/kcopyd/copier';
import { SimClock } from '../../../sim/clock';
import { SimDisk, seedFromEnv } from '../../../sim/simDisk';
import { pattern } from '../helpers';

class LoggingDisk extends SimDisk {
  readonly landed: { offsetBytes: number; lengthBytes: number }[] = [];
  override async write(offsetBytes: number, data: Uint8Array): Promise<void> {
    await super.write(offsetBytes, data);
    this.landed.push({ offsetBytes, lengthBytes: data.length });
  }
}

/** A disk whose writes to [from, to) bytes wait until `open()` (a source-only write still in flight). */
class GatedDisk extends SimDisk {
  private gate: { from: number; to: number; opened: Promise<void> } | null = null;
  holdWrites(from: number, to: number): () => void {
    let open!: () => void;
    this.gate = { from, to, opened: new Promise<void>((r) => (open = r)) };
    return open;
  }
  override async write(offsetBytes: number, data: Uint8Array): Promise<void> {
    if (this.gate && offsetBytes >= this.gate.from && offsetBytes < this.gate.to) await this.gate.opened;
    await super.write(offsetBytes, data);
  }
}

const LEN = 40960; // sectors: 40 regions of 1024
const REGION = 1024;
/** kcopyd's one-region chunks, one in flight: recovery then hands out two regions at a time, the rest are not being copied. */
const SMALL_WINDOW: CopierOptions = { chunkSectors: 1024, maxChunksInFlight: 1 };

/** A 40-region mirror of pv1 (from sector 2048) onto pv3, with `rule` (absent: the kernel's, as text gives). */
function setup(seed: number, copier?: CopierOptions, rule?: MirrorWriteRule) {
  const clock = new SimClock();
  const random = new SeededRandom(seed);
  const dm = new DeviceMapper({ clock, copier });
  const source = new GatedDisk('pv1.img', (LEN + 2048) * 512, { clock, random, latencyMs: [0.1, 1] });
  const dest = new LoggingDisk('pv3.img', (LEN + 2048) * 512, { clock, random, latencyMs: [0.1, 1] });
  for (let i = 0; i < source.current.length; i += 4) source.current[i] = random.int(256);
  dm.addImage(source, 1);
  dm.addImage(dest, 3);
  dm.create('vg-lv');
  const table = parseTable(`0 ${LEN} mirror core 1 ${REGION} 2 7:1 2048 7:3 0`);
  dm.load('vg-lv', rule ? table.map((t) => ({ ...t, writeRule: rule })) : table);
  return { clock, random, dm, source, dest };
}

/** Resolves at the first event `match` accepts. */
function untilEvent(dm: DeviceMapper, match: (e: DmEvent) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const sub = dm.events.on((e) => {
      if (!match(e)) return;
      sub.dispose();
      resolve();
    });
  });
}

const regionOf = (w: { offsetBytes: number }) => Math.floor(w.offsetBytes / 512 / REGION);
const storyOf = (events: readonly DmEvent[]) => events.filter((e) => e.type !== 'copier-progress' && e.type !== 'io-counters').map((e) => (e.type === 'region-range' ? `regions ${e.start}+${e.count} ${e.state}` : e.type));

/** Two mirrors in one table, with an identity target between them (as pvmove's two-segment moves). */
function memoryTwoMirrors(seed: number) {
  const clock = new SimClock();
  const random = new SeededRandom(seed);
  const dm = new DeviceMapper({ clock });
  for (let i = 0; i < 3; i++) dm.addImage(new SimDisk(`pv${i}.img`, 8192 * 512, { clock, random, latencyMs: [0.1, 1] }), i);
  dm.create('two');
  const table = parseTable(['0 1024 mirror core 1 128 2 7:0 0 7:1 0', '1024 1024 linear 7:0 1024', '2048 1024 mirror core 1 256 2 7:0 2048 7:2 0'].join('\n'));
  dm.load('two', table.map((t) => (t.type === 'mirror' ? { ...t, writeRule: 'intercept' as const } : t)));
  return { clock, dm };
}

const sourceBytes = (s: SimDisk) => s.current.subarray(2048 * 512, (2048 + LEN) * 512);
const destBytes = (d: SimDisk) => d.current.subarray(0, LEN * 512);

function withSeed(name: string, body: (seed: number) => Promise<void>): void {
  it(name, async () => {
    const seed = seedFromEnv();
    try {
      await body(seed);
    } catch (e) {
      console.error(`failed with seed ${seed}; replay: SEED=${seed} npx vitest run --project unit test/app/dm/targets/mirror.test.ts`);
      throw e;
    }
  });
}

describe('mirror target', () => {
  withSeed('makes both legs byte-identical once in sync', async (seed) => {
    const { clock, dm, source, dest } = setup(seed);
    await clock.run(dm.resume('vg-lv'));
    await clock.run(dm.mirror('vg-lv').awaitInSync());
    expect(Buffer.from(destBytes(dest)).equals(Buffer.from(sourceBytes(source)))).toBe(true);
    expect(dm.status('vg-lv')).toBe(`0 ${LEN} mirror 2 7:1 7:3 40/40 1 AA 1 core`);
  });

  withSeed('puts writes issued during the copy on both legs under the outline rule, and never before their region was copied', async (seed) => {
    const { clock, random, dm, source, dest } = setup(seed, undefined, 'intercept');
    dm.copier.setRate(4 * 1024 * 1024); // slow enough that writes land in every state
    await clock.run(dm.resume('vg-lv'));
    const lv = dm.get('vg-lv');
    const mirror = dm.mirror('vg-lv');
    const written: { sector: number; region: number; stateAtIssue: string }[] = [];
    const workload = (async () => {
      for (let i = 0; i < 300; i++) {
        await new Promise<void>((r) => clock.setTimer(random.next() * 40, r));
        const sector = random.int(LEN / 8) * 8;
        const region = Math.floor(sector / REGION);
        written.push({ sector, region, stateAtIssue: mirror.regionState(region) });
        await lv.write(sector, pattern(8, i));
      }
    })();
    await clock.run(Promise.all([workload, mirror.awaitInSync()]));
    expect(Buffer.from(destBytes(dest)).equals(Buffer.from(sourceBytes(source)))).toBe(true);
    expect(written.some((w) => w.stateAtIssue === 'not-copied')).toBe(true);
    expect(written.some((w) => w.stateAtIssue === 'copied')).toBe(true);
    expect(mirror.interceptedWrites).toBe(written.filter((w) => w.stateAtIssue !== 'copied').length);
    // Ordering on the destination: each 4 KiB write lands after the copy of its region.
    const copiedAt = new Map<number, number>();
    dest.landed.forEach((w, index) => {
      const region = Math.floor(w.offsetBytes / 512 / REGION);
      if (w.lengthBytes === REGION * 512) copiedAt.set(region, index);
      else expect(copiedAt.get(region), `write to region ${region} landed before its copy`).toBeLessThan(index);
    });
  });

  withSeed('copies an intercepted region first under the outline rule even while background copying is paused', async (seed) => {
    const { clock, dm, dest } = setup(seed, SMALL_WINDOW, 'intercept');
    dm.copier.pause();
    await clock.run(dm.resume('vg-lv'));
    const mirror = dm.mirror('vg-lv');
    await clock.run(dm.get('vg-lv').write(30 * REGION + 8, pattern(8, 1)));
    expect(mirror.regionState(30)).toBe('copied');
    expect(mirror.sourceOnlyWrites).toBe(0);
    expect(mirror.regionRanges()).toEqual([
      { start: 0, count: 30, state: 'not-copied' },
      { start: 30, count: 1, state: 'copied' },
      { start: 31, count: 9, state: 'not-copied' },
    ]);
    expect(dm.status('vg-lv')).toBe(`0 ${LEN} mirror 2 7:1 7:3 1/40 1 AA 1 core`);
    expect(dest.current.subarray((30 * REGION + 8) * 512, (30 * REGION + 16) * 512)).toEqual(pattern(8, 1));
    dm.copier.resume();
    await clock.run(mirror.awaitInSync());
  });

  withSeed('reads from the source leg while the destination is still empty', async (seed) => {
    const { clock, dm, source } = setup(seed);
    dm.copier.pause();
    await clock.run(dm.resume('vg-lv'));
    const bytes = await clock.run(dm.get('vg-lv').read(5000, 16));
    expect(bytes).toEqual(sourceBytes(source).subarray(5000 * 512, 5016 * 512));
  });

  withSeed('stops recovery on suspend with no copy in flight, and restarts it on resume', async (seed) => {
    // kcopyd's 512 KiB chunks, one region each: the default 4 MiB chunks would copy all 40
    // regions of this small mirror before the suspend comes.
    const { clock, dm } = setup(seed, { chunkSectors: 1024, maxChunksInFlight: 8 });
    await clock.run(dm.resume('vg-lv'));
    await clock.run(new Promise<void>((r) => clock.setTimer(3, r)));
    await clock.run(dm.suspend('vg-lv'));
    const mirror = dm.mirror('vg-lv');
    const before = mirror.inSyncRegions;
    expect(before).toBeLessThan(40);
    expect(dm.copier.inFlightChunks).toBe(0);
    expect(mirror.regionRanges().some((r) => r.state === 'copying')).toBe(false);
    await clock.run(new Promise<void>((r) => clock.setTimer(50, r)));
    expect(mirror.inSyncRegions).toBe(before);
    await clock.run(dm.resume('vg-lv'));
    await clock.run(mirror.awaitInSync());
    expect(mirror.isInSync).toBe(true);
  });

  withSeed('reports every region as copying then copied, once each and in order, in ranges of consecutive regions, and raises the event number when in sync', async (seed) => {
    const { clock, dm } = setup(seed);
    const events: DmEvent[] = [];
    dm.events.on((e) => events.push(e));
    await clock.run(dm.resume('vg-lv'));
    await clock.run(dm.mirror('vg-lv').awaitInSync());
    const rangeEvents = events.flatMap((e) => (e.type === 'region-range' ? [e] : []));
    for (let region = 0; region < 40; region++) {
      const seen = rangeEvents.filter((e) => region >= e.start && region < e.start + e.count).map((e) => e.state);
      expect(seen, `region ${region}`).toEqual(['copying', 'copied']);
    }
    // Ranges, not one event per region change (40 regions change state 80 times).
    expect(rangeEvents.length).toBeLessThan(80);
    expect(rangeEvents.map((e) => e.inSyncRegions)).toEqual([...rangeEvents.map((e) => e.inSyncRegions)].sort((a, b) => a - b));
    expect(rangeEvents.every((e) => e.device === 'vg-lv' && e.targetIndex === 0 && e.nrRegions === 40)).toBe(true);
    expect(rangeEvents.at(-1)?.inSyncRegions).toBe(40);
    expect(events.filter((e) => e.type === 'mirror-in-sync')).toHaveLength(1);
    expect(events.findIndex((e) => e.type === 'mirror-in-sync')).toBeGreaterThan(events.lastIndexOf(rangeEvents[rangeEvents.length - 1]));
    expect(dm.info('vg-lv').eventNumber).toBe(1);
  });

  withSeed('writes a region the copy has not reached to the source leg only, at once, and leaves it not copied (kernel rule)', async (seed) => {
    const { clock, dm, source, dest } = setup(seed, SMALL_WINDOW);
    dm.copier.pause();
    await clock.run(dm.resume('vg-lv'));
    const mirror = dm.mirror('vg-lv');
    const events: DmEvent[] = [];
    dm.events.on((e) => events.push(e));
    // The copier is paused and nothing was copied: the write cannot have waited for a copy.
    await clock.run(dm.get('vg-lv').write(30 * REGION + 8, pattern(8, 1)));
    expect(dest.landed).toEqual([]);
    expect(source.current.subarray((2048 + 30 * REGION + 8) * 512, (2048 + 30 * REGION + 16) * 512)).toEqual(pattern(8, 1));
    expect(mirror.regionState(30)).toBe('not-copied');
    expect([mirror.sourceOnlyWrites, mirror.interceptedWrites, mirror.writeRule]).toEqual([1, 0, 'dm-raid1']);
    expect(storyOf(events)).toEqual(['write-source-only']);
    expect(events.find((e) => e.type === 'write-source-only')).toMatchObject({ device: 'vg-lv', targetIndex: 0, region: 30, sector: 30 * REGION + 8, countSectors: 8 });
    expect(dm.status('vg-lv')).toBe(`0 ${LEN} mirror 2 7:1 7:3 0/40 1 AA 1 core`);
    // Recovery copies the region later, new data included.
    dm.copier.resume();
    await clock.run(mirror.awaitInSync());
    expect(Buffer.from(destBytes(dest)).equals(Buffer.from(sourceBytes(source)))).toBe(true);
  });

  withSeed('holds a write to a region being copied until its copy ends, then puts it on both legs (kernel rule)', async (seed) => {
    const { clock, dm, dest } = setup(seed, SMALL_WINDOW);
    dm.copier.pause();
    await clock.run(dm.resume('vg-lv'));
    const mirror = dm.mirror('vg-lv');
    const events: DmEvent[] = [];
    dm.events.on((e) => events.push(e));
    // Recovery handed out regions 0 and 1 (queued in the paused copier): both are being copied.
    await clock.run(dm.get('vg-lv').write(1 * REGION + 8, pattern(8, 1)));
    expect(storyOf(events)).toEqual(['write-intercepted', 'regions 1+1 copying', 'regions 1+1 copied', 'write-released', 'write-both-legs']);
    expect(dest.landed.map((w) => [regionOf(w), w.lengthBytes])).toEqual([
      [1, REGION * 512],
      [1, 8 * 512],
    ]);
    expect(dest.current.subarray((REGION + 8) * 512, (REGION + 16) * 512)).toEqual(pattern(8, 1));
    expect([mirror.sourceOnlyWrites, mirror.interceptedWrites]).toEqual([0, 1]);
    expect(mirror.regionState(0)).toBe('not-copied');
    dm.copier.resume();
    await clock.run(mirror.awaitInSync());
  });

  withSeed('copies a region only once its source-only writes in flight have ended, holding new writes to it meanwhile (kernel rule)', async (seed) => {
    const { clock, dm, source, dest } = setup(seed, SMALL_WINDOW);
    dm.copier.pause();
    await clock.run(dm.resume('vg-lv'));
    const mirror = dm.mirror('vg-lv');
    const events: DmEvent[] = [];
    dm.events.on((e) => events.push(e));
    // A source-only write to region 2 that stays in flight until the gate opens.
    const open = source.holdWrites((2048 + 2 * REGION) * 512, (2048 + 3 * REGION) * 512);
    const early = dm.get('vg-lv').write(2 * REGION + 8, pattern(8, 1));
    dm.copier.resume();
    await clock.run(untilEvent(dm, (e) => e.type === 'region-range' && e.inSyncRegions === 39));
    // Every other region is copied; region 2 waits for its write and nothing of it was copied.
    expect(mirror.regionState(2)).toBe('not-copied');
    expect(dest.landed.some((w) => regionOf(w) === 2)).toBe(false);
    const held = untilEvent(dm, (e) => e.type === 'write-intercepted');
    const late = dm.get('vg-lv').write(2 * REGION + 64, pattern(8, 2));
    await clock.run(held);
    expect(mirror.waitingWrites).toBe(1);
    open();
    await clock.run(Promise.all([early, late, mirror.awaitInSync()]));
    const story = storyOf(events.filter((e) => !('region' in e) || e.region === 2));
    expect(story.indexOf('write-source-only')).toBeLessThan(story.indexOf('regions 2+1 copying'));
    expect(story.indexOf('regions 2+1 copied')).toBeLessThan(story.indexOf('write-released'));
    expect(dest.current.subarray((2 * REGION + 8) * 512, (2 * REGION + 16) * 512)).toEqual(pattern(8, 1));
    expect(dest.current.subarray((2 * REGION + 64) * 512, (2 * REGION + 72) * 512)).toEqual(pattern(8, 2));
    expect(Buffer.from(destBytes(dest)).equals(Buffer.from(sourceBytes(source)))).toBe(true);
  });

  withSeed('leaves both legs equal after a copy under random writes with the kernel rule, each write either source-only or held until its copy', async (seed) => {
    const { clock, random, dm, source, dest } = setup(seed, SMALL_WINDOW);
    dm.copier.setRate(4 * 1024 * 1024);
    await clock.run(dm.resume('vg-lv'));
    const lv = dm.get('vg-lv');
    const mirror = dm.mirror('vg-lv');
    const written: { region: number; stateAtIssue: string }[] = [];
    const workload = (async () => {
      for (let i = 0; i < 300; i++) {
        await new Promise<void>((r) => clock.setTimer(random.next() * 40, r));
        const sector = random.int(LEN / 8) * 8;
        written.push({ region: Math.floor(sector / REGION), stateAtIssue: mirror.regionState(Math.floor(sector / REGION)) });
        await lv.write(sector, pattern(8, i));
      }
    })();
    await clock.run(Promise.all([workload, mirror.awaitInSync()]));
    expect(Buffer.from(destBytes(dest)).equals(Buffer.from(sourceBytes(source)))).toBe(true);
    expect(mirror.sourceOnlyWrites).toBeGreaterThan(0);
    expect(mirror.sourceOnlyWrites + mirror.interceptedWrites).toBe(written.filter((w) => w.stateAtIssue !== 'copied').length);
    // A write reaches the destination only after its region's copy (source-only writes never do).
    const copiedAt = new Map<number, number>();
    dest.landed.forEach((w, index) => {
      if (w.lengthBytes === REGION * 512) copiedAt.set(regionOf(w), index);
      else expect(copiedAt.get(regionOf(w)), `write to region ${regionOf(w)} landed before its copy`).toBeLessThan(index);
    });
  });

  withSeed('reports a held write under the outline rule with the absolute sector and target index of its mirror: intercepted, region copied, released, on both legs', async (seed) => {
    const { clock, dm } = memoryTwoMirrors(seed);
    dm.copier.pause();
    await clock.run(dm.resume('two'));
    const events: DmEvent[] = [];
    dm.events.on((e) => events.push(e));
    // Sector 3000 is in the second mirror (target 2, which starts at sector 2048): its region 3.
    await clock.run(dm.get('two').write(3000, pattern(8, 1)));
    const story = events.filter((e) => e.type !== 'copier-progress' && e.type !== 'io-counters');
    expect(story.map((e) => (e.type === 'region-range' ? `regions ${e.start}+${e.count} ${e.state}` : e.type))).toEqual(['write-intercepted', 'regions 3+1 copying', 'regions 3+1 copied', 'write-released', 'write-both-legs']);
    for (const e of story) expect(e).toMatchObject({ device: 'two', targetIndex: 2 });
    expect(story.filter((e) => 'region' in e).map((e) => (e as { region: number }).region)).toEqual([3, 3, 3]);
    expect(story.filter((e) => 'sector' in e).map((e) => (e as { sector: number }).sector)).toEqual([3000, 3000, 3000]);
  });

  withSeed('marks a leg D and fails the write when the destination fails a write', async (seed) => {
    const { clock, dm, dest } = setup(seed);
    await clock.run(dm.resume('vg-lv'));
    await clock.run(dm.mirror('vg-lv').awaitInSync());
    dest.failNextIos = 1;
    await expect(clock.run(dm.get('vg-lv').write(0, pattern(8, 1)))).rejects.toThrow(/injected write error/);
    expect(dm.mirror('vg-lv').health).toBe('AD');
    expect(dm.status('vg-lv')).toBe(`0 ${LEN} mirror 2 7:1 7:3 40/40 1 AD 1 core`);
  });
});
