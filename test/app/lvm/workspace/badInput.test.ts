// Proves damaged or hostile input gives typed errors with clear sentences and writes nothing:
// truncated images, bad label / header checksums, garbage metadata text, duplicate PV UUIDs
// (a copied image), overlapping extents. A seeded fuzz run mutates fixture metadata texts and
// image bytes and checks that only LvmscopeError ever escapes.

import { describe, expect, it } from 'vitest';
import { LvmscopeError } from '../../../../app/base/result';
import { SeededRandom } from '../../../../app/base/clock';
import { LvmWorkspace } from '../../../../app/lvm/workspace/workspace';
import { lvcreate } from '../../../../app/lvm/commands/index';
import { parseVgText } from '../../../../app/lvm/model/vgCodec';
import { assertValidVg } from '../../../../app/lvm/model/validate';
import { lvMapping, pvExtentMaps } from '../../../../app/lvm/model/extentMap';
import { scanImage } from '../../../../app/lvm/workspace/scan';
import { calcCrc, INITIAL_CRC } from '../../../../app/lvm/format/layout';
import { MemoryBlockStore } from '../../../sim/memory';
import { fixtureImages, fixtureText, memoryWorkspace, testOptions } from '../fixtureImages';

function unchanged(before: Map<string, Uint8Array>, storage: ReturnType<typeof memoryWorkspace>): boolean {
  return [...storage.files].every(([k, v]) => Buffer.compare(Buffer.from(v.bytes), Buffer.from(before.get(k)!)) === 0);
}

async function openSeedWith(mutate: (images: Map<string, Uint8Array>) => void) {
  const images = fixtureImages('seed');
  mutate(images);
  const storage = memoryWorkspace(images);
  const before = new Map([...storage.files].map(([k, v]) => [k, v.bytes.slice()]));
  const ws = await LvmWorkspace.open(storage, testOptions());
  return { ws, storage, before };
}

/** Rewrites the mda header checksum after a test edits a field. */
function resealHeader(image: Uint8Array, at: number): void {
  new DataView(image.buffer).setUint32(at, calcCrc(INITIAL_CRC, image.subarray(at + 4, at + 512)), true);
}

describe('bad input', () => {
  it('a truncated image is reported and its VG opens read-only; a write is refused and changes nothing', async () => {
    const { ws, storage, before } = await openSeedWith((m) => m.set('pv3.img', m.get('pv3.img')!.slice(0, 3 * 1024 * 1024)));
    expect(ws.problems.map((p) => p.error.message).join(' ')).toMatch(/pv3\.img is truncated: its label says the PV is 16777216 bytes but the file has 3145728/);
    const vg = ws.getVg('vg0');
    expect(vg.readOnly).toBe(true);
    const e = await lvcreate(ws, 'vg0', { name: 'x', extents: 1 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(LvmscopeError);
    expect((e as LvmscopeError).code).toBe('STATE');
    expect((e as LvmscopeError).message).toMatch(/read-only because pv3\.img is shorter/);
    expect(unchanged(before, storage)).toBe(true);
  });

  it('a bad label CRC makes that PV missing: the VG opens read-only and names the missing PV', async () => {
    const { ws, storage, before } = await openSeedWith((m) => {
      m.get('pv2.img')![512 + 0x40] ^= 0xff;
    });
    expect(ws.problems.map((p) => p.error.message)).toContain('pv2.img: the label in sector 1 has a bad checksum.');
    const vg = ws.getVg('vg0');
    expect(vg.missing.map((m) => m.deviceHint)).toEqual(['/dev/loop1']);
    expect(vg.readOnlyReason).toMatch(/missing PV tMUmxe-Lf0a-fN5P-5qvt-EioV-tj86-QH5Tww \(last seen as \/dev\/loop1\); it is opened read-only/);
    await expect(lvcreate(ws, 'vg0', { name: 'x', extents: 1 })).rejects.toThrow(LvmscopeError);
    expect(unchanged(before, storage)).toBe(true);
  });

  it('a bad mda header CRC on one PV is reported as stale and repaired by the next write', async () => {
    const { ws } = await openSeedWith((m) => {
      m.get('pv4.img')![4096 + 0x30] ^= 0xff;
    });
    expect(ws.problems.map((p) => p.error.message)).toContain('pv4.img metadata area 1: The metadata area header at byte 4096 has a bad checksum.'.replace('The', 'the'));
    expect(ws.getVg('vg0').staleMdas).toMatchObject([{ image: 'pv4.img', mdaIndex: 0 }]);
    await lvcreate(ws, 'vg0', { name: 'x', extents: 1 });
    await ws.rescan();
    expect(ws.problems).toEqual([]);
    expect(ws.getVg('vg0').staleMdas).toEqual([]);
  });

  it('garbage metadata text with a valid checksum is reported as CORRUPT with its line', async () => {
    const { ws } = await openSeedWith((m) => {
      for (const image of m.values()) {
        const view = new DataView(image.buffer);
        const off = Number(view.getBigUint64(4096 + 0x28, true));
        const size = Number(view.getBigUint64(4096 + 0x30, true));
        const garbage = new TextEncoder().encode('vg0 {\nid = [[[\n'.padEnd(size - 1, 'x'));
        image.set(garbage, 4096 + off);
        view.setUint32(4096 + 0x38, calcCrc(INITIAL_CRC, image.subarray(4096 + off, 4096 + off + size)), true);
        resealHeader(image, 4096);
      }
    });
    expect(ws.listVgs()).toEqual([]);
    expect(ws.problems[0].error.code).toBe('CORRUPT');
    expect(ws.problems[0].error.message).toMatch(/pv1\.img metadata area 1: The metadata text is not valid \(line 2/);
  });

  it('duplicate PV UUIDs (a copied image) refuse to open, naming both files, and release the lock', async () => {
    const images = fixtureImages('seed');
    images.set('pv1-copy.img', images.get('pv1.img')!.slice());
    const storage = memoryWorkspace(images);
    await expect(LvmWorkspace.open(storage, testOptions())).rejects.toThrow(/pv1-copy\.img and pv1\.img carry the same PV UUID bQQCOv-nYNQ-9TvD-uwnB-nCBh-vvS5-cPUCYL/);
    expect(storage.lockHolder).toBeUndefined();
  });

  it('overlapping extents are refused with the PV, extents and both LVs named', () => {
    const text = fixtureText('seed', 'vgcfgbackup.txt').replace('"pv2", 0', '"pv0", 3');
    const { vg } = parseVgText(text);
    expect(() => assertValidVg(vg)).toThrow(/PV pv0 of VG vg0: extents 3–5 are used by both lv0 and lv0/);
  });

  it('an unknown status word is a hard error and unknown flags are ignored', () => {
    const text = fixtureText('seed', 'vgcfgbackup.txt');
    expect(() => parseVgText(text.replace('"VISIBLE"]', '"VISIBLE", "SHINY"]'))).toThrow(/unknown status word "SHINY"/);
    expect(parseVgText(text.replace('flags = []', 'flags = ["NOAUTOACTIVATE", "WHATEVER"]')).vg.flags).toEqual(['NOAUTOACTIVATE', 'WHATEVER']);
  });

  it('unknown keys, sections and segment types survive a read → write → read round trip', async () => {
    const { vgToDiskText } = await import('../../../../app/lvm/model/vgCodec');
    const base = fixtureText('seed', 'vgcfgbackup.txt');
    const text = base
      .replace('max_lv = 0', 'max_lv = 0\n\tsystem_id = "x"\n\tfuture { a = [1, 2.5, "q"] }')
      .replace(/(lv0 \{[^]*?)segment_count = 3/, '$1tags = ["t"]\n\tsegment_count = 4')
      .replace(/(\t\t\t\}\n\t\t\}\n\t\}\n\n\})/, '\t\t\t}\n\t\t\tsegment4 {\n\t\t\t\tstart_extent = 15\n\t\t\t\textent_count = 2\n\t\t\t\ttype = "thin"\n\t\t\t\tthin_pool = "pool"\n\t\t\t\ttransaction_id = 3\n\t\t\t}\n\t\t}\n\t}\n\n}');
    const first = parseVgText(text).vg;
    const lv0 = first.lvs[0];
    expect(lv0.segments[3]).toMatchObject({ type: 'thin', unsupported: true });
    expect(lvMapping(first, 'lv0')[3].unsupported).toMatch(/segment type "thin"/);
    const second = parseVgText(vgToDiskText(first, { description: 'd', creationHost: 'h', creationTime: 1 })).vg;
    expect(second).toEqual(first);
    expect(second.extra.map((n) => n.key)).toEqual(['system_id', 'future']);
  });
});

describe('fuzz', () => {
  const seed = Number(process.env.LVM_FUZZ_SEED ?? 20261121);
  const replay = `LVM_FUZZ_SEED=${seed} npx vitest run --project unit test/app/lvm/workspace/badInput.test.ts -t fuzz`;

  function mutateText(text: string, rnd: SeededRandom): string {
    const chars = text.split('');
    const n = 1 + rnd.int(4);
    const alphabet = '{}[]=,"#\n 0123456789-+.abcpv\\\'';
    for (let i = 0; i < n; i++) {
      const at = rnd.int(chars.length);
      const op = rnd.int(3);
      if (op === 0) chars[at] = alphabet[rnd.int(alphabet.length)];
      else if (op === 1) chars.splice(at, 1 + rnd.int(20));
      else chars.splice(at, 0, chars.slice(rnd.int(chars.length), rnd.int(chars.length)).join(''));
    }
    return chars.join('');
  }

  it('10,000 mutated metadata texts never throw anything but LvmscopeError', () => {
    const rnd = new SeededRandom(seed);
    const texts = (['seed', 'seed-pvmove-interrupted', 'wrapped-mda'] as const).map((f) => fixtureText(f, 'vgcfgbackup.txt'));
    for (let i = 0; i < 10_000; i++) {
      const text = mutateText(texts[i % texts.length], rnd);
      try {
        const { vg } = parseVgText(text);
        assertValidVg(vg);
        pvExtentMaps(vg);
        for (const lv of vg.lvs) lvMapping(vg, lv.name);
      } catch (e) {
        if (!(e instanceof LvmscopeError)) throw new Error(`iteration ${i}: ${String(e)}; replay with ${replay}`);
      }
    }
  });

  it('2,000 mutated label / header / text bytes never throw anything but LvmscopeError', async () => {
    const rnd = new SeededRandom(seed + 1);
    const head = fixtureImages('wrapped-mda').get('w1.img')!.slice(0, 128 * 1024);
    for (let i = 0; i < 2_000; i++) {
      const bytes = head.slice();
      const n = 1 + rnd.int(8);
      for (let k = 0; k < n; k++) {
        const region = rnd.int(3);
        const at = region === 0 ? 512 + rnd.int(512) : region === 1 ? 4096 + rnd.int(512) : 4096 + rnd.int(61440);
        bytes[at] = rnd.int(256);
      }
      try {
        const image = await scanImage('w1.img', new MemoryBlockStore('w1.img', bytes.length, bytes));
        for (const m of image.mdas) if (m.text !== undefined) assertValidVg(parseVgText(m.text).vg);
      } catch (e) {
        if (!(e instanceof LvmscopeError)) throw new Error(`iteration ${i}: ${String(e)}; replay with ${replay}`);
      }
    }
  });
});
