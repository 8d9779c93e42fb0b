// Proves refused moves write nothing: for each reason issue 5 lists (unknown PV or LV, nothing
// to move, not enough space, a LOCKED LV, a segment striped over two PVs, a mirror segment,
// a segment type lvmscope does not know, an LV a raid or snapshot is stacked on) `move.start` rejects with a sentence naming the problem, and every
// byte of every image and the write journal are unchanged (compared byte for byte).

import { afterEach, describe, expect, it } from 'vitest';
import type { LogicalVolume, VolumeGroup } from '../../../app/lvm/model/types';
import { cloneVg } from '../../../app/lvm/model/types';
import { memoryEngine, type TestEngine } from './harness';

const open: TestEngine[] = [];
afterEach(async () => {
  while (open.length) await open.pop()!.engine.dispose();
});

/** Changes the VG's metadata (a committed model edit) before the refused move is tried. */
type Prepare = (vg: VolumeGroup, pvId: (name: string) => string) => VolumeGroup;

const addLv = (vg: VolumeGroup, lv: Omit<LogicalVolume, 'id' | 'flags' | 'creationTime' | 'creationHost' | 'extra'>): VolumeGroup => {
  const next = cloneVg(vg);
  next.lvs.push({ ...lv, id: 'Abcdef-0123-4567-89ab-cdef-0123-456789', flags: [], creationTime: 1_700_000_000, creationHost: 'test-host', extra: [] } as LogicalVolume);
  return next;
};

const cases: Array<{ why: string; request: { sources: string[]; destinations: string[]; lv?: string }; error: RegExp; prepare?: Prepare }> = [
  { why: 'an unknown source PV', request: { sources: ['pv9'], destinations: ['pv4'] }, error: /No PV named 'pv9'/ },
  { why: 'an unknown LV', request: { sources: ['pv2'], destinations: ['pv4'], lv: 'nope' }, error: /No LV named 'nope'/ },
  { why: 'nothing on the source', request: { sources: ['pv4'], destinations: ['pv1'] }, error: /nothing to move/ },
  { why: 'not enough space on the destination', request: { sources: ['pv2'], destinations: ['pv4:0-1'] }, error: /pv4 has 2 free extents; 4 needed/ },
  {
    why: 'a LOCKED LV',
    request: { sources: ['pv2'], destinations: ['pv4'] },
    error: /LOCKED/,
    prepare: (vg) => {
      const next = cloneVg(vg);
      next.lvs[0].status.push('LOCKED');
      return next;
    },
  },
  {
    why: 'a segment striped over two PVs',
    request: { sources: ['pv4'], destinations: ['pv1'] },
    error: /striped across/,
    prepare: (vg, pvId) =>
      addLv(vg, { name: 'st', status: ['READ', 'WRITE', 'VISIBLE'], segments: [{ type: 'striped', startExtent: 0, extentCount: 2, stripeSizeSectors: 128, stripes: [{ kind: 'pv', pvId: pvId('pv4'), pe: 0 }, { kind: 'pv', pvId: pvId('pv3'), pe: 5 }], extra: [] }] } as never),
  },
  {
    why: 'an unknown segment type',
    request: { sources: ['pv1'], destinations: ['pv4'], lv: 'tp' },
    error: /tp \(LEs 0-0\) is a thin-pool segment: thin pools are not supported/,
    prepare: (vg) => addLv(vg, { name: 'tp', status: ['READ', 'WRITE', 'VISIBLE'], segments: [{ type: 'thin-pool', startExtent: 0, extentCount: 1, unsupported: true, body: [], reason: 'thin pools are not supported', extra: [] }] } as never),
  },
  {
    why: 'a raid1 image (an LV another, unmovable, LV is stacked on)',
    request: { sources: ['pv4'], destinations: ['pv1'] },
    error: /r1_rimage_0 has extents on the source but r1 is stacked on it/,
    prepare: (vg, pvId) => {
      const image = addLv(vg, { name: 'r1_rimage_0', status: ['READ', 'WRITE'], segments: [{ type: 'striped', startExtent: 0, extentCount: 2, stripeSizeSectors: 0, stripes: [{ kind: 'pv', pvId: pvId('pv4'), pe: 0 }], extra: [] }] } as never);
      image.lvs[image.lvs.length - 1].id = 'Bbcdef-0123-4567-89ab-cdef-0123-456789';
      const raids = { key: 'raids', value: { kind: 'array', items: [{ kind: 'string', value: 'r1_rimage_0' }] } };
      return addLv(image, { name: 'r1', status: ['READ', 'WRITE', 'VISIBLE'], segments: [{ type: 'raid1', startExtent: 0, extentCount: 2, unsupported: true, body: [raids], reason: 'raid is not supported', extra: [] }] } as never);
    },
  },
  {
    why: 'a (non-pvmove) mirror segment',
    request: { sources: ['pv4'], destinations: ['pv1'] },
    error: /is a mirror segment; lvmscope moves linear segments only/,
    prepare: (vg, pvId) =>
      addLv(vg, { name: 'mir', status: ['READ', 'WRITE', 'VISIBLE'], segments: [{ type: 'mirror', startExtent: 0, extentCount: 1, regionSizeSectors: 1024, mirrors: [{ kind: 'pv', pvId: pvId('pv4'), pe: 0 }, { kind: 'pv', pvId: pvId('pv3'), pe: 5 }], extra: [] }] } as never),
  },
];

describe('refused moves change nothing', () => {
  for (const c of cases) {
    it(`refuses a move with ${c.why}, naming the problem, and leaves every image byte and the journal unchanged`, async () => {
      const t = await memoryEngine();
      open.push(t);
      const session = t.engine.session!;
      if (c.prepare) {
        const names = session.names('vg0');
        const idOf = (name: string) => session.ws.getVg('vg0').vg.pvs.find((p) => names.nameOf(p.id) === name)!.id;
        await session.commit(c.prepare(session.ws.getVg('vg0').vg, idOf), 'test: prepare');
      }
      const before = t.snapshot();
      const journal = await t.storage.readJournal('.lvmscope-writes.log');
      const seqno = session.ws.getVg('vg0').vg.seqno;
      await expect(t.engine.handlers['move.start']({ request: { vg: 'vg0', alloc: 'normal', ...c.request }, options: {} })).rejects.toThrow(c.error);
      expect((await t.engine.handlers['move.state']({})).move).toBeNull();
      const after = t.snapshot();
      for (const [name, bytes] of before) expect(Buffer.compare(Buffer.from(after.get(name)!), Buffer.from(bytes)), `${name} changed`).toBe(0);
      expect(await t.storage.readJournal('.lvmscope-writes.log')).toBe(journal);
      expect(session.ws.getVg('vg0').vg.seqno).toBe(seqno);
    });
  }
});
