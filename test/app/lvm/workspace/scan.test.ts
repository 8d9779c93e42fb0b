// Proves the scan's shortcut for identical metadata copies keeps every check: a copy is taken
// as verified only when its bytes equal a copy whose CRC was checked, so a damaged copy that
// carries the same checksum and size in its header is still reported, and the others still open.

import { describe, expect, it } from 'vitest';
import { LvmWorkspace } from '../../../../app/lvm/workspace/workspace';
import { scanImage, VerifiedTexts } from '../../../../app/lvm/workspace/scan';
import { MemoryBlockStore } from '../../../sim/memory';
import { fixtureImages, memoryWorkspace, testOptions } from '../fixtureImages';

/** Where the committed text of an image's first metadata area starts, as its header says. */
async function textStart(name: string, image: Uint8Array): Promise<number> {
  const mda = (await scanImage(name, new MemoryBlockStore(name, image.length, image.slice()))).mdas[0];
  return mda.startBytes + mda.header!.committed.offsetBytes;
}

describe('scanning identical metadata copies', () => {
  it('a copy with the checksum and size of a verified copy but other bytes is still reported as a bad checksum', async () => {
    const images = fixtureImages('seed');
    const pv2 = images.get('pv2.img')!;
    pv2[(await textStart('pv2.img', pv2)) + 40] ^= 0x01; // one bit, header untouched: same checksum and size as pv1's copy
    const ws = await LvmWorkspace.open(memoryWorkspace(images), testOptions());
    expect(ws.problems.map((p) => p.error.message)).toContain('pv2.img metadata area 1: the committed metadata text has a bad checksum.');
    expect(ws.listVgs().map((v) => v.vg.name)).toEqual(['vg0']);
    await ws.close();
  });

  it('a copy equal to one verified before gives the same text as checking it on its own', async () => {
    const images = fixtureImages('seed');
    const store = (name: string) => new MemoryBlockStore(name, images.get(name)!.length, images.get(name)!.slice());
    const verified = new VerifiedTexts();
    await scanImage('pv1.img', store('pv1.img'), verified);
    const shortcut = await scanImage('pv2.img', store('pv2.img'), verified);
    const alone = await scanImage('pv2.img', store('pv2.img'));
    expect(shortcut.mdas[0].text).toBeDefined();
    expect(shortcut.mdas.map((m) => [m.text, m.problem])).toEqual(alone.mdas.map((m) => [m.text, m.problem]));
  });

  it('reading every copy into one lent buffer keeps each check: a damaged copy after a good one is reported, a good one after it opens', async () => {
    const images = fixtureImages('seed');
    const pv2 = images.get('pv2.img')!;
    pv2[(await textStart('pv2.img', pv2)) + 40] ^= 0x01;
    // A store that reads into the buffer it is lent, as the file store does.
    const lending = (name: string) => {
      const inner = new MemoryBlockStore(name, images.get(name)!.length, images.get(name)!.slice());
      return Object.assign(Object.create(inner) as MemoryBlockStore, {
        async read(offsetBytes: number, lengthBytes: number, into?: Uint8Array) {
          const bytes = await inner.read(offsetBytes, lengthBytes);
          if (!into || into.length !== lengthBytes) return bytes;
          into.set(bytes);
          return into;
        },
      });
    };
    const verified = new VerifiedTexts();
    const [pv1, bad, pv3] = [await scanImage('pv1.img', lending('pv1.img'), verified), await scanImage('pv2.img', lending('pv2.img'), verified), await scanImage('pv3.img', lending('pv3.img'), verified)];
    expect(bad.mdas[0].problem).toBe('pv2.img metadata area 1: the committed metadata text has a bad checksum.');
    expect(pv3.mdas[0].text).toBe(pv1.mdas[0].text);
    expect(pv1.mdas[0].text).toBe((await scanImage('pv1.img', lending('pv1.img'))).mdas[0].text);
  });
});
