// Proves the suspend / resume contract of DESIGN §2.2 and the registry's bookkeeping: IO sent
// while suspended waits and is replayed in submission order; in-flight IO drains before the
// device reports SUSPENDED; a table swap needs a suspend; open counts, minors, names and event
// numbers behave as in the kernel. Order is observed on an in-memory PV that logs every write
// in the order it arrives; timing uses seeded simulated disks.

import { describe, expect, it } from 'vitest';
import { LvmscopeError } from '../../../app/base/result';
import { DeviceMapper, dmName, type DmEvent } from '../../../app/dm';
import { MemoryBlockStore } from '../../sim/memory';
import { SimClock } from '../../sim/clock';
import { activate, memoryDm, pattern, simDm } from './helpers';

class LoggingStore extends MemoryBlockStore {
  readonly writes: { offsetBytes: number; firstByte: number }[] = [];
  override async write(offsetBytes: number, data: Uint8Array): Promise<void> {
    this.writes.push({ offsetBytes, firstByte: data[0] });
    return super.write(offsetBytes, data);
  }
}

describe('suspend and resume', () => {
  it('replays IO deferred during a suspend in the order it was submitted', async () => {
    const clock = new SimClock();
    const dm = new DeviceMapper({ clock });
    const store = new LoggingStore('pv0.img', 1 << 20);
    dm.addImage(store);
    await activate(dm, clock, 'lv', '0 1024 linear 7:0 0');
    const events: DmEvent[] = [];
    dm.events.on((e) => events.push(e));
    await clock.run(dm.suspend('lv'));
    const lv = dm.get('lv');
    const writes = [1, 2, 3, 4, 5].map((tag) => lv.write(8, new Uint8Array(512).fill(tag)));
    const read = lv.read(8, 1);
    expect(store.writes).toHaveLength(0);
    expect(dm.info('lv').deferred).toBe(6);
    expect(events.filter((e) => e.type === 'io-deferred')).toHaveLength(6);
    await clock.run(dm.resume('lv'));
    await clock.run(Promise.all(writes));
    expect(store.writes.map((w) => w.firstByte)).toEqual([1, 2, 3, 4, 5]);
    expect((await clock.run(read))[0]).toBe(5);
    expect(events.find((e) => e.type === 'resumed')).toMatchObject({ replayed: 6 });
  });

  it('waits for in-flight IO to finish before reporting SUSPENDED', async () => {
    const { dm, clock } = simDm(7, [4096], [5, 10]);
    await activate(dm, clock, 'lv', '0 4096 linear 7:0 0');
    const lv = dm.get('lv');
    let acknowledged = 0;
    const writes = Array.from({ length: 20 }, (_, i) => lv.write(i * 8, pattern(8, i)).then(() => (acknowledged += 1)));
    expect(lv.inFlight).toBe(20);
    let ackedAtSuspend = -1;
    dm.events.on((e) => {
      if (e.type === 'suspended') ackedAtSuspend = acknowledged;
    });
    await clock.run(dm.suspend('lv'));
    expect(ackedAtSuspend).toBe(20);
    expect(lv.inFlight).toBe(0);
    expect(dm.info('lv').state).toBe('SUSPENDED');
    await clock.run(Promise.all(writes));
  });

  it('refuses to swap in a table on a device that is not suspended and keeps the live table', async () => {
    const { dm, clock } = memoryDm([8192]);
    await activate(dm, clock, 'lv', '0 1024 linear 7:0 0');
    dm.loadText('lv', '0 2048 linear 7:0 0');
    await expect(clock.run(dm.resume('lv'))).rejects.toThrow(/lv is active, so its inactive table cannot be swapped in; suspend it first/);
    expect(dm.table('lv')).toBe('0 1024 linear 7:0 0');
    await clock.run(dm.suspend('lv'));
    await clock.run(dm.resume('lv'));
    expect(dm.table('lv')).toBe('0 2048 linear 7:0 0');
    expect(dm.info('lv').inactiveTable).toBe(false);
  });

  it('keeps mapping IO with the live table while another table is loaded', async () => {
    const { dm, clock, stores } = memoryDm([8192, 8192]);
    await activate(dm, clock, 'lv', '0 1024 linear 7:0 0');
    dm.loadText('lv', '0 1024 linear 7:1 0');
    await clock.run(dm.get('lv').write(0, pattern(1, 9)));
    expect(stores[0].bytes.subarray(0, 512)).toEqual(pattern(1, 9));
    expect(stores[1].bytes.subarray(0, 512)).toEqual(new Uint8Array(512));
  });

  it('splits IO that crosses target boundaries and reassembles reads', async () => {
    const { dm, clock, stores } = memoryDm([8192, 8192]);
    await activate(dm, clock, 'lv', '0 100 linear 7:0 1000\n100 100 linear 7:1 3000');
    const data = pattern(20, 3);
    await clock.run(dm.get('lv').write(90, data));
    expect(stores[0].bytes.subarray(1090 * 512, 1100 * 512)).toEqual(data.subarray(0, 10 * 512));
    expect(stores[1].bytes.subarray(3000 * 512, 3010 * 512)).toEqual(data.subarray(10 * 512));
    expect(await clock.run(dm.get('lv').read(90, 20))).toEqual(data);
    expect(dm.info('lv').counters).toMatchObject({ reads: 1, writes: 1, readSectors: 20, writtenSectors: 20 });
  });

  it('fails IO past the end of the device and IO to a device without a table', async () => {
    const { dm, clock } = memoryDm([8192]);
    await activate(dm, clock, 'lv', '0 100 linear 7:0 0');
    await expect(dm.get('lv').read(99, 2)).rejects.toThrow(/outside the device/);
    dm.create('empty');
    await expect(dm.get('empty').read(0, 1)).rejects.toThrow(/no live table/);
  });
});

describe('registry', () => {
  it('allocates the lowest free minor and builds names as LVM2 does', async () => {
    const { dm } = memoryDm([8192]);
    expect(dm.create('a').devno).toBe('254:0');
    expect(dm.create('b').devno).toBe('254:1');
    dm.remove('a');
    expect(dm.create(dmName('my-vg', 'lv-1')).devno).toBe('254:0');
    expect(dmName('my-vg', 'lv-1')).toBe('my--vg-lv--1');
    expect(dmName('rvg', 'pvmove0')).toBe('rvg-pvmove0');
    expect(dmName('vg', 'lv', 'real')).toBe('vg-lv-real');
    expect(dmName('vg', 'lv', '_mimage_0')).toBe('vg-lv_mimage_0');
    expect(() => dm.create('b')).toThrow(/already exists/);
  });

  it('counts a device as open while another table uses it and refuses to remove it', async () => {
    const { dm, clock } = memoryDm([8192]);
    await activate(dm, clock, 'lower', '0 1024 linear 7:0 0');
    await activate(dm, clock, 'top', '0 1024 linear 254:0 0');
    expect(dm.info('lower').openCount).toBe(1);
    expect(dm.openCount('7:0')).toBe(1);
    expect(() => dm.remove('lower')).toThrow(/lower \(254:0\) is in use by top/);
    expect(() => dm.removeImage('7:0')).toThrow(/in use by lower/);
    dm.remove('top');
    expect(dm.info('lower').openCount).toBe(0);
    dm.remove('lower');
    expect(dm.list()).toEqual([]);
  });

  it('counts an inactive table as an opener until it is cleared, swapped in or replaced', async () => {
    const { dm, clock } = memoryDm([8192, 8192]);
    await activate(dm, clock, 'lower', '0 1024 linear 7:0 0');
    await activate(dm, clock, 'top', '0 1024 linear 254:0 0');
    dm.loadText('top', '0 1024 linear 7:1 0');
    expect([dm.openCount('254:0'), dm.openCount('7:1')]).toEqual([1, 1]);
    dm.clear('top');
    expect([dm.openCount('254:0'), dm.openCount('7:1')]).toEqual([1, 0]);
    dm.loadText('top', '0 1024 linear 7:1 0');
    dm.loadText('top', '0 1024 linear 7:1 2048'); // replaces the inactive table: 7:1 is held once
    expect(dm.openCount('7:1')).toBe(1);
    await clock.run(dm.suspend('top'));
    await clock.run(dm.resume('top'));
    expect([dm.openCount('254:0'), dm.openCount('7:1'), dm.openCount('7:0')]).toEqual([0, 1, 1]);
    dm.remove('lower');
    dm.remove('top');
    expect([dm.openCount('7:0'), dm.openCount('7:1')]).toEqual([0, 0]);
    expect(() => dm.removeImage('7:1')).not.toThrow();
  });

  it('reuses freed minors lowest first after many devices come and go', () => {
    const { dm } = memoryDm([8192]);
    for (let i = 0; i < 5; i++) dm.create(`d${i}`);
    dm.remove('d3');
    dm.remove('d1');
    expect([dm.create('x').devno, dm.create('y').devno, dm.create('z').devno]).toEqual(['254:1', '254:3', '254:5']);
  });

  it('refuses a table that would stack a device on itself through another device', async () => {
    const { dm, clock } = memoryDm([8192]);
    await activate(dm, clock, 'a', '0 1024 linear 7:0 0');
    await activate(dm, clock, 'b', '0 1024 linear 254:0 0');
    expect(() => dm.loadText('a', '0 1024 linear 254:1 0')).toThrow(LvmscopeError);
    expect(() => dm.loadText('a', '0 1024 linear 254:1 0')).toThrow(/stacked on it/);
  });

  it('fails IO deferred on a device that is removed while suspended', async () => {
    const { dm, clock } = memoryDm([8192]);
    await activate(dm, clock, 'lv', '0 1024 linear 7:0 0');
    await clock.run(dm.suspend('lv'));
    const pending = dm.get('lv').read(0, 1);
    dm.remove('lv');
    await expect(pending).rejects.toThrow(/was removed while this IO waited/);
  });

  it('publishes an event for every change of a device', async () => {
    const { dm, clock } = memoryDm([8192]);
    const types: string[] = [];
    dm.events.on((e) => types.push(e.type));
    await activate(dm, clock, 'lv', '0 1024 linear 7:0 0');
    dm.loadText('lv', '0 512 linear 7:0 0');
    await clock.run(dm.suspend('lv'));
    await clock.run(dm.resume('lv'));
    await clock.run(dm.get('lv').write(0, pattern(1, 1)));
    await clock.run(new Promise<void>((r) => clock.setTimer(100, r)));
    dm.remove('lv');
    expect(types).toEqual(['device-created', 'table-loaded', 'suspending', 'suspended', 'table-swapped', 'resumed', 'table-loaded', 'suspending', 'suspended', 'table-swapped', 'resumed', 'io-counters', 'device-removed']);
  });
});
