// Shared set-up for the device-mapper tests: a registry with image PVs 7:0..7:N-1, either in
// memory (instant) or on seeded simulated disks (latency, faults, crashes) driven by a SimClock.

import { DeviceMapper } from '../../../app/dm';
import { SeededRandom } from '../../../app/base/clock';
import { MemoryBlockStore } from '../../sim/memory';
import { SimClock } from '../../sim/clock';
import { SimDisk } from '../../sim/simDisk';

export const MiB_SECTORS = 2048;

export function memoryDm(pvSizesSectors: readonly number[]): { dm: DeviceMapper; clock: SimClock; stores: MemoryBlockStore[] } {
  const clock = new SimClock();
  const dm = new DeviceMapper({ clock });
  const stores = pvSizesSectors.map((s, i) => new MemoryBlockStore(`pv${i}.img`, s * 512));
  for (const s of stores) dm.addImage(s);
  return { dm, clock, stores };
}

export function simDm(
  seed: number,
  pvSizesSectors: readonly number[],
  latencyMs: readonly [number, number] = [0.05, 2],
): { dm: DeviceMapper; clock: SimClock; disks: SimDisk[]; random: SeededRandom } {
  const clock = new SimClock();
  const random = new SeededRandom(seed);
  const dm = new DeviceMapper({ clock });
  const disks = pvSizesSectors.map((s, i) => new SimDisk(`pv${i}.img`, s * 512, { clock, random, latencyMs }));
  for (const d of disks) dm.addImage(d);
  return { dm, clock, disks, random };
}

/** A buffer of `sectors` sectors where each sector is filled with a byte derived from `tag` and its index. */
export function pattern(sectors: number, tag: number): Uint8Array {
  const out = new Uint8Array(sectors * 512);
  for (let s = 0; s < sectors; s++) out.fill((tag * 31 + s * 7 + 1) & 0xff, s * 512, (s + 1) * 512);
  return out;
}

/** Creates, loads and resumes a device in one go. */
export async function activate(dm: DeviceMapper, clock: SimClock, name: string, table: string): Promise<void> {
  dm.create(name);
  dm.loadText(name, table);
  await clock.run(dm.resume(name));
}
