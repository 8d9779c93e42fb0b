// Proves the contract of the dm event stream across the API boundary, on simulated time:
//  - the coalescer (with the contract's own policies) flushes at most once per 33 ms (≤ 30 a
//    second) and loses, merges or reorders no dm.event, whatever the burst; across kinds it
//    keeps push order (a table loaded before a step finished arrives before that step);
//  - a client that connects in the middle of a move, and one that disconnects and reconnects,
//    each end with exactly the devices the engine has: snapshot (dm.list) + the events after it.
// The engine runs the seed move (pv2 → pv4) in step mode on simulated disks; clients talk to
// it through the generic server and client over in-memory wires, as the renderer does.

import { describe, expect, it } from 'vitest';
import { SeededRandom, sleep } from '../../../app/base/clock';
import { EventCoalescer } from '../../../app/api/coalesce';
import { events as contractEvents, isEventName } from '../../../app/api/contract';
import { createApiClient, wireTransport, type ApiClient } from '../../../app/api/client';
import { serveApi } from '../../../app/api/server';
import { inMemoryWirePair } from '../../../app/api/wire';
import { DmStreamFollower, type DmChange, type DmStreamEvent } from '../../../app/api/dmStream';
import type { DmDeviceView } from '../../../app/api/views';
import { Engine } from '../../../app/engine';
import { ManualClock } from '../../helpers/fakeClock';
import { SimClock } from '../../sim/clock';
import { seedFromEnv } from '../../sim/simDisk';
import { SimWorkspaceStorage } from '../../sim/simWorkspace';
import { outlineStepId } from '../pvmove/harness';

const policyOf = (name: string) => (isEventName(name) ? contractEvents[name].coalesce : ({ mode: 'all' } as const));

describe('coalescing the dm event stream', () => {
  it('flushes at most once per 33 ms and sends every dm.event once, in order, through bursts', () => {
    const seed = seedFromEnv();
    const random = new SeededRandom(seed);
    const clock = new ManualClock();
    const batches: Array<{ atMs: number; name: string; payloads: unknown[] }> = [];
    const coalescer = new EventCoalescer(clock, policyOf, (name, payloads) => batches.push({ atMs: clock.now(), name, payloads }));
    const pushed: number[] = [];
    for (let ms = 0; ms < 3000; ms++) {
      // Bursts of up to 200 events within one millisecond, interleaved with snapshots.
      const burst = random.next() < 0.05 ? random.int(200) : random.int(3);
      for (let i = 0; i < burst; i++) {
        const seq = pushed.length + 1;
        pushed.push(seq);
        coalescer.push('dm.event', { seq });
      }
      if (random.next() < 0.3) coalescer.push('dm.changed', { seq: pushed.length });
      clock.advance(1);
    }
    coalescer.flush();
    const dmBatches = batches.filter((b) => b.name === 'dm.event');
    const delivered = dmBatches.flatMap((b) => b.payloads.map((p) => (p as { seq: number }).seq));
    expect(delivered, `seed ${seed}`).toEqual(pushed);
    const flushes = [...new Set(batches.map((b) => b.atMs))];
    for (let i = 1; i < flushes.length - 1; i++) expect(flushes[i] - flushes[i - 1]).toBeGreaterThanOrEqual(33);
    expect(flushes.length).toBeLessThanOrEqual(Math.ceil(3000 / 33) + 1);
    // A snapshot kind keeps only its newest payload per flush.
    const snapshotsPerFlush = flushes.map((t) => batches.filter((b) => b.atMs === t && b.name === 'dm.changed').reduce((n, b) => n + b.payloads.length, 0));
    expect(Math.max(...snapshotsPerFlush)).toBeLessThanOrEqual(1);
  });

  it('keeps push order across kinds within a flush: a table loaded before a step finished arrives first', () => {
    const clock = new ManualClock();
    const delivered: string[] = [];
    const coalescer = new EventCoalescer(clock, policyOf, (name, payloads) => payloads.forEach((p) => delivered.push(`${name} ${(p as { what: string }).what}`)));
    coalescer.push('move.step', { what: 'step 3 running' });
    coalescer.push('move.state', { what: 'state 1' });
    coalescer.push('dm.event', { what: 'table-loaded' });
    coalescer.push('move.step', { what: 'step 3 done' });
    coalescer.push('move.state', { what: 'state 2' });
    coalescer.push('dm.event', { what: 'suspended' });
    clock.advance(33);
    expect(delivered).toEqual(['move.step step 3 running', 'dm.event table-loaded', 'move.step step 3 done', 'move.state state 2', 'dm.event suspended']);
  });
});

/** One client of the engine: its connection and what it has seen of the dm stream. */
interface Viewer {
  follower: DmStreamFollower;
  client: ApiClient;
  events: DmStreamEvent[];
  /** Every dm.changed received, in order. */
  changes: DmChange[];
  disconnect(): void;
}

function connect(engine: Engine, clock: SimClock, follower = new DmStreamFollower()): Viewer {
  const [serverEnd, clientEnd] = inMemoryWirePair();
  const server = serveApi(serverEnd, engine.handlers, engine, clock);
  const transport = wireTransport(clientEnd);
  const client = createApiClient(transport);
  const events: DmStreamEvent[] = [];
  client.on('dm.event', (e) => {
    events.push(e);
    follower.applyEvents([e]);
  });
  const changes: DmChange[] = [];
  client.on('dm.changed', (change) => {
    changes.push(change);
    if (follower.applyChange(change) === 'missed') void client.invoke('dm.list', {}).then((list) => follower.applySnapshot(list));
  });
  return {
    changes,
    follower,
    client,
    events,
    disconnect: () => {
      client.dispose();
      transport.dispose();
      server.dispose();
    },
  };
}

async function snapshot(viewer: Viewer, clock: SimClock): Promise<void> {
  viewer.follower.applySnapshot(await clock.run(viewer.client.invoke('dm.list', {})));
}

async function untilWaitingBefore(engine: Engine, clock: SimClock, step: number): Promise<void> {
  for (;;) {
    const { move } = await clock.run(engine.handlers['move.state']({}));
    if (move?.status === 'waiting-step' && move.step === outlineStepId(step)) return;
    await clock.run(sleep(clock, 5));
  }
}

/** The parts of a device the stream carries (status lines and open counts come with snapshots). */
const streamed = (d: DmDeviceView) => ({ name: d.name, state: d.state, live: d.live, inactive: d.inactive, mirrors: d.mirrors, deferred: d.deferred, dependsOn: d.dependsOn });

describe('reconnecting to the dm event stream', () => {
  it('gives a client that connects mid-move, and one that reconnects, the engine\'s devices: snapshot + stream', async () => {
    const seed = seedFromEnv();
    const clock = new SimClock();
    const random = new SeededRandom(seed);
    const storage = new SimWorkspaceStorage(clock, random, [0, 0.3]);
    const engine = new Engine({ kind: 'test', clock, random, hostname: 'sim', unixTime: () => 1_700_000_000, storage: () => storage });
    await clock.run(engine.handlers['workspace.createDemo']({ path: 'sim:/workspace', scenario: 'seed', force: false }));
    const early = connect(engine, clock);
    await snapshot(early, clock);
    const flaky = connect(engine, clock);
    await snapshot(flaky, clock);
    await clock.run(engine.handlers['move.start']({ request: { vg: 'vg0', sources: ['pv2'], destinations: ['pv4'], alloc: 'normal' }, options: { stepMode: true, rateBytesPerSec: 1024 * 1024, regionSizeSectors: 256 } }));
    for (const step of [1, 2]) {
      await untilWaitingBefore(engine, clock, step);
      await clock.run(engine.handlers['move.control']({ action: 'next' }));
    }
    // After step 2: a new client connects, and one drops its connection (missing step 3).
    await untilWaitingBefore(engine, clock, 3);
    const late = connect(engine, clock);
    await snapshot(late, clock);
    expect(late.follower.devices.map((d) => d.name).sort()).toEqual(['vg0-lv0', 'vg0-lv0-orig']);
    flaky.disconnect();
    await clock.run(engine.handlers['move.control']({ action: 'next' }));
    await untilWaitingBefore(engine, clock, 4);
    // Waiting before step 4, the mirror table loaded into vg0-lv0's inactive slot opens
    // vg0-lv0-orig: a client that saw the changes holds its open count as dm.list says it.
    await clock.run(sleep(clock, 100));
    const waiting = await clock.run(engine.handlers['dm.list']({}));
    expect(waiting.devices.find((d) => d.name === 'vg0-lv0-orig')?.openCount).toBeGreaterThan(0);
    expect(early.follower.devices).toEqual(waiting.devices);
    const back = connect(engine, clock, flaky.follower);
    await snapshot(back, clock);
    expect(back.follower.devices.find((d) => d.name === 'vg0-lv0')?.inactive?.map((t) => t.type)).toEqual(['linear', 'mirror', 'linear']);
    await clock.run(engine.handlers['move.control']({ action: 'setStepMode', stepMode: false }));
    await clock.run(engine.open().moves.whenFinished());
    await clock.run(sleep(clock, 100)); // the last batches
    const list = await clock.run(engine.handlers['dm.list']({}));
    const truth = list.devices.map(streamed);
    for (const viewer of [early, late, back]) expect(viewer.follower.devices.map(streamed)).toEqual(truth);
    // The dm.changed after the last event brought what events do not carry (status lines, open
    // counts, counters) for every device that changed: each client holds what dm.list answers.
    for (const viewer of [early, late, back]) expect(viewer.follower.devices).toEqual(list.devices);
    // The first dm.changed the engine sent with a client listening was the whole list; each one
    // after it carried the devices that changed (at most the two of this move), starting where
    // the one before it ended.
    expect(early.changes.length).toBeGreaterThan(10);
    for (const [i, change] of early.changes.entries()) {
      if (i === 0) continue;
      expect(change.since).toBe(early.changes[i - 1].seq);
      expect(change.devices.length + (change.removed?.length ?? 0)).toBeLessThanOrEqual(2);
    }
    // The early client saw the whole story in order: the temporary device created, the mirror
    // table loaded (inactive) before it went live, marked for removal at step 6 and gone once
    // step 8's final table no longer uses it.
    const story = early.events.filter((e) => ['device-created', 'table-loaded', 'table-swapped', 'remove-deferred', 'device-removed'].includes(e.type)).map((e) => `${e.type} ${e.device}`);
    expect(story).toEqual([
      'device-created vg0-lv0-orig',
      'table-loaded vg0-lv0-orig',
      'table-swapped vg0-lv0-orig',
      'table-loaded vg0-lv0',
      'table-swapped vg0-lv0',
      'remove-deferred vg0-lv0-orig',
      'table-loaded vg0-lv0',
      'table-swapped vg0-lv0',
      'device-removed vg0-lv0-orig',
    ]);
    expect(early.events.map((e) => e.seq)).toEqual(early.events.map((_, i) => early.events[0].seq + i));
    for (const viewer of [early, late, back]) viewer.disconnect();
  });
});
