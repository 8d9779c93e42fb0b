// Proves what the session's dm.changed carries (issue 20): the devices whose view changed since
// the one before, and no other. A table that comes or goes changes the open count of the
// devices it references, which have no event of their own: they are in the change too. Each
// change starts where the one before ended, and applied onto the list before it gives what
// dm.list answers (so nothing that changed is left out). Seed demo on real files, the device-mapper driven directly.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DmStreamFollower, withDmChange, type DmStreamEvent } from '../../../app/api/dmStream';
import { Engine } from '../../../app/engine';
import { createNodeHost } from '../../../main/host';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe("the session's dm.changed", () => {
  it('carries the devices that changed, with the open counts of the devices a table references', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'lvmscope-dmchange-'));
    const engine = new Engine(createNodeHost({ kind: 'test' }));
    cleanups.push(() => rm(dir, { recursive: true, force: true }), () => engine.dispose());
    await engine.handlers['workspace.createDemo']({ path: dir, scenario: 'seed', force: false });
    const session = engine.session!;
    // Nobody listens, so the engine sent nothing yet: the first change starts where activation
    // ended (the demo's fill wrote since: counters changed).
    const first = session.dmChange()!;
    let list = session.dmSnapshot();
    expect(first).toMatchObject({ stream: list.stream, seq: list.seq });
    expect(first.since).toBeLessThanOrEqual(first.seq);

    // A device on top of vg0-lv0: vg0-lv0's open count goes to 1 without an event of its own.
    const lv0 = list.devices.find((d) => d.name === 'vg0-lv0')!;
    session.dm.create('top');
    session.dm.load('top', [{ type: 'linear', startSector: 0, lengthSectors: 8, device: { devno: lv0.devno, offsetSectors: 0 } }]);
    await session.dm.resume('top');
    const created = session.dmChange()!;
    expect(created.since).toBe(first.seq);
    expect(created.devices.map((d) => d.name)).toEqual(expect.arrayContaining(['top', 'vg0-lv0']));
    expect(created.devices.find((d) => d.name === 'vg0-lv0')!.openCount).toBe(1);
    list = { ...session.dmSnapshot(), devices: withDmChange(list.devices, created) };
    expect(list.devices).toEqual(session.dmSnapshot().devices);

    // Removed: its name, and vg0-lv0 open by nothing again.
    session.dm.remove('top');
    const removed = session.dmChange()!;
    expect(removed.since).toBe(created.seq);
    expect(removed.removed).toEqual(['top']);
    expect(removed.devices.find((d) => d.name === 'vg0-lv0')?.openCount).toBe(0);
    list = { ...list, devices: withDmChange(list.devices, removed) };
    expect(list.devices).toEqual(session.dmSnapshot().devices);
  });

  it('sends no dm event from before its session was current: dm.list is past all of them, and later events are sent', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'lvmscope-dmopen-'));
    const engine = new Engine(createNodeHost({ kind: 'test' }));
    cleanups.push(() => rm(dir, { recursive: true, force: true }), () => engine.dispose());
    const events: DmStreamEvent[] = [];
    engine.subscribe((name, payload) => name === 'dm.event' && events.push(payload as DmStreamEvent));
    await engine.handlers['workspace.createDemo']({ path: dir, scenario: 'seed', force: false });
    await engine.handlers['workspace.open']({ path: dir });
    const list = await engine.handlers['dm.list']({});
    // Activating the workspace's LVs numbered events of this stream, none of which was sent:
    // a window could not apply them (they come before any dm.list of the stream).
    expect(list.seq).toBeGreaterThan(0);
    expect(events.filter((e) => e.stream === list.stream)).toEqual([]);

    // Events after that are sent, numbered on from the list, and a window following it applies them.
    const follower = new DmStreamFollower();
    follower.applySnapshot(list);
    engine.session!.dm.create('top');
    const sent = events.filter((e) => e.stream === list.stream);
    expect(sent.map((e) => [e.type, e.seq])).toEqual([['device-created', list.seq + 1]]);
    expect(follower.applyEvents(sent)).toHaveLength(1);
    expect(follower.devices.map((d) => d.name)).toContain('top');
  });
});
