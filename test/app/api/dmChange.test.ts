// Proves how a client applies `dm.changed` now that it carries only the devices that changed
// (issue 20): onto the devices it holds when the change follows them, whatever order the
// dm.list answer, the numbered events and the changes arrive in; 'missed' (ask dm.list) when
// it does not; and two changes folded into one (the API's coalescer) apply as both would.
import { describe, expect, it } from 'vitest';
import { DmStreamFollower, mergeDmChanges, withDmChange, type DmChange, type DmStreamEvent } from '../../../app/api/dmStream';
import type { DmDeviceView } from '../../../app/api/views';

function device(name: string, minor: number, fields: Partial<DmDeviceView> = {}): DmDeviceView {
  return {
    name,
    uuid: '',
    devno: `254:${minor}`,
    state: 'ACTIVE',
    live: null,
    inactive: null,
    status: [],
    mirrors: [],
    openCount: 0,
    eventNr: 0,
    inFlight: 0,
    deferred: 0,
    io: { reads: 0, writes: 0, readSectors: 0, writtenSectors: 0 },
    dependsOn: [],
    deferredRemove: false,
    ...fields,
  };
}

const suspended = (seq: number, name: string): DmStreamEvent => ({ stream: 1, seq, timeMs: seq, device: name, devno: '254:0', type: 'suspended', deferred: 0 });
const resumed = (seq: number, name: string): DmStreamEvent => ({ stream: 1, seq, timeMs: seq, device: name, devno: '254:0', type: 'resumed', replayed: 0 });

describe('applying dm.changed onto the devices a client holds', () => {
  it('puts the changed devices in, takes the removed out, and keeps the others as they were', () => {
    const f = new DmStreamFollower();
    const b = device('b', 1);
    f.applySnapshot({ stream: 1, seq: 4, devices: [device('a', 0), b, device('c', 2)] });
    const change: DmChange = { stream: 1, since: 4, seq: 6, devices: [device('a', 0, { status: ['0 8 linear'], openCount: 1 }), device('d', 3)], removed: ['c'] };
    expect(f.applyChange(change)).toEqual([]);
    expect(f.devices.map((d) => d.name)).toEqual(['a', 'b', 'd']);
    expect(f.devices[0]).toMatchObject({ status: ['0 8 linear'], openCount: 1 });
    expect(f.devices[1]).toBe(b);
    expect(f.seq).toBe(6);
  });

  it('says missed for a change that starts after the list held, of another stream, or before any list', () => {
    const f = new DmStreamFollower();
    expect(f.applyChange({ stream: 1, since: 0, seq: 2, devices: [] })).toBe('missed');
    f.applySnapshot({ stream: 1, seq: 4, devices: [device('a', 0)] });
    expect(f.applyChange({ stream: 1, since: 5, seq: 7, devices: [device('a', 0, { openCount: 3 })] })).toBe('missed');
    expect(f.applyChange({ stream: 2, since: 1, seq: 3, devices: [] })).toBe('missed');
    expect(f.devices[0].openCount).toBe(0);
    // A whole list (no `since`) always applies, as a snapshot.
    expect(f.applyChange({ stream: 2, seq: 3, devices: [device('x', 0)] })).toEqual([]);
    expect(f.devices.map((d) => d.name)).toEqual(['x']);
  });

  it('ignores a change older than a dm.list answered after it, and applies one that follows it', () => {
    const f = new DmStreamFollower();
    f.applySnapshot({ stream: 1, seq: 10, devices: [device('a', 0, { openCount: 2 })] });
    expect(f.applyChange({ stream: 1, since: 4, seq: 8, devices: [device('a', 0, { openCount: 1 })] })).toEqual([]);
    expect(f.devices[0].openCount).toBe(2);
    expect(f.applyChange({ stream: 1, since: 8, seq: 12, devices: [device('a', 0, { openCount: 5 })] })).toEqual([]);
    expect(f.devices[0].openCount).toBe(5);
  });

  it('applies the events newer than a change again on the devices it brings, whatever arrived first', () => {
    const f = new DmStreamFollower();
    // Events 5 and 6 arrive before the list they follow; then the list (seq 4); then a change as of 5.
    f.applyEvents([suspended(5, 'a'), resumed(6, 'a')]);
    f.applySnapshot({ stream: 1, seq: 4, devices: [device('a', 0)] });
    expect(f.devices[0].state).toBe('ACTIVE');
    const replayed = f.applyChange({ stream: 1, since: 4, seq: 5, devices: [device('a', 0, { state: 'SUSPENDED', status: ['suspended'] })] });
    expect(replayed).toEqual([resumed(6, 'a')]);
    expect(f.devices[0]).toMatchObject({ state: 'ACTIVE', status: ['suspended'] });
    expect(f.seq).toBe(6);
  });
});

describe('dm.changed that arrive while a client waits for dm.list', () => {
  it('are applied after the list when they follow it, and the first change of a stream asks for a list', () => {
    const f = new DmStreamFollower();
    f.applySnapshot({ stream: 1, seq: 3, devices: [device('old', 0)] });
    // The workspace is opened again: a new stream, whose first change changes nothing.
    expect(f.applyChange({ stream: 2, since: 20, seq: 20, devices: [], removed: [] })).toBe('missed');
    expect(f.applyChange({ stream: 2, since: 20, seq: 24, devices: [device('a', 0, { openCount: 1 })], removed: [] })).toBe('missed');
    expect(f.applyChange({ stream: 2, since: 24, seq: 30, devices: [device('b', 1, { openCount: 4 })], removed: [] })).toBe('missed');
    // dm.list answered at seq 22: the change as of 24 follows it, and the one after that too.
    f.applySnapshot({ stream: 2, seq: 22, devices: [device('a', 0), device('b', 1)] });
    expect(f.devices.map((d) => [d.name, d.openCount])).toEqual([
      ['a', 1],
      ['b', 4],
    ]);
    expect(f.seq).toBe(30);
  });
});

describe('folding two dm.changed into one', () => {
  const list = [device('a', 0), device('b', 1), device('c', 2)];
  const first: DmChange = { stream: 1, since: 4, seq: 6, devices: [device('a', 0, { openCount: 1 }), device('d', 3)], removed: ['c'] };
  const second: DmChange = { stream: 1, since: 6, seq: 9, devices: [device('c', 2, { openCount: 7 }), device('b', 1, { openCount: 2 })], removed: ['d'] };

  it('applies as the two one after the other would', () => {
    const merged = mergeDmChanges(first, second);
    expect(merged).toMatchObject({ stream: 1, since: 4, seq: 9 });
    const both = withDmChange(withDmChange(list, first), second);
    const once = withDmChange(list, merged);
    expect(new Map(once.map((d) => [d.name, d]))).toEqual(new Map(both.map((d) => [d.name, d])));
  });

  it('keeps a whole list whole, and a whole list after a change replaces it', () => {
    const whole: DmChange = { stream: 1, seq: 6, devices: list };
    const merged = mergeDmChanges(whole, second);
    expect(merged.since).toBeUndefined();
    expect(merged.seq).toBe(9);
    expect(merged.devices.map((d) => [d.name, d.openCount])).toEqual([
      ['a', 0],
      ['b', 2],
      ['c', 7],
    ]);
    expect(mergeDmChanges(first, whole)).toBe(whole);
  });
});
