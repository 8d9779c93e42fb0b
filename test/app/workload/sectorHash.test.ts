// Sector hashes of NBD clients' writes (the journal's E records): the same bytes hash the same
// wherever they sit in memory, a changed byte changes the hash, and the journal text round-trips.

import { describe, expect, it } from 'vitest';
import { hashesFromText, hashesToText, sectorHash, sectorHashes, sectorHashesInto } from '../../../app/workload/sectorHash';

function sector(seed: number): Uint8Array {
  const out = new Uint8Array(512);
  for (let i = 0; i < 512; i += 1) out[i] = (i * 31 + seed * 7) & 0xff;
  return out;
}

/** `count` sectors of varied bytes (no two sectors alike). */
function pattern(count: number): Uint8Array {
  const out = new Uint8Array(512 * count);
  for (let i = 0; i < out.length; i += 1) out[i] = (i * 131 + (i >> 9) * 17) & 0xff;
  return out;
}

describe('sector hashes', () => {
  it('hashes the same bytes the same at an offset that is not a multiple of 4', () => {
    const s = sector(1);
    const shifted = new Uint8Array(515);
    shifted.set(s, 3);
    expect(sectorHash(shifted, 3)).toBe(sectorHash(s));
  });

  it('changes when any one byte of the sector changes', () => {
    const s = sector(2);
    const base = sectorHash(s);
    for (const at of [0, 1, 255, 511]) {
      const changed = s.slice();
      changed[at] ^= 1;
      expect(sectorHash(changed)).not.toBe(base);
    }
  });

  it('keeps the hashes of known sectors, so journals written by an earlier lvmscope still verify', () => {
    expect(sectorHash(sector(1)).toString(16)).toBe('6d13287f');
    expect([...sectorHashes(pattern(7))].map((h) => h.toString(16))).toEqual(['43ad16d', '7c4d04cf', '38d0742b', 'a632ae0f', 'a4ee8681', '2f7ca0ee', '627cd55b']);
  });

  it('hashes several sectors at once exactly as one at a time, for counts that are and are not multiples of four', () => {
    for (const count of [1, 3, 4, 5, 8, 11]) {
      const data = pattern(count);
      const one = Array.from({ length: count }, (_, i) => sectorHash(data, i * 512));
      expect([...sectorHashes(data)]).toEqual(one);
    }
  });

  it('hashes a payload piece by piece (as it arrives) into one array exactly as in one go', () => {
    const data = pattern(13);
    const out = new Uint32Array(13);
    let at = 0;
    for (const count of [3, 1, 6, 2, 1]) {
      sectorHashesInto(data.subarray(at * 512, (at + count) * 512), out, at);
      at += count;
    }
    expect([...out]).toEqual([...sectorHashes(data)]);
  });

  it('hashes a Node Buffer at an offset that is not a multiple of 4 by its own bytes, not by its memory pool', () => {
    const data = pattern(5);
    const pooled = Buffer.allocUnsafe(data.length + 3);
    pooled.set(data, 3);
    const view = pooled.subarray(3);
    expect([...sectorHashes(view)]).toEqual([...sectorHashes(data)]);
    expect(sectorHash(view, 512)).toBe(sectorHash(data, 512));
  });

  it('round-trips through journal text as 8 hex digits per sector, and refuses text of the wrong length or alphabet', () => {
    const data = new Uint8Array(512 * 3);
    data.set(sector(3), 0);
    data.set(sector(4), 512);
    const hashes = sectorHashes(data);
    const text = hashesToText(hashes);
    expect(text).toMatch(/^[0-9a-f]{24}$/);
    expect(text.slice(0, 8)).toBe(hashes[0].toString(16).padStart(8, '0'));
    expect(hashesFromText(text, 3)).toEqual(hashes);
    expect(hashesFromText(text, 2)).toBeUndefined();
    expect(hashesFromText(text.replace(/^./, 'g'), 3)).toBeUndefined();
  });
});
