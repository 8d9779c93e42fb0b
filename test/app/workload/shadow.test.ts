// The shadow model's record of who wrote each sector last: client writes (with their hashes)
// and workload writes take sectors from each other, the counts follow, and sectors far apart
// or across the model's internal chunk boundaries are kept apart.

import { describe, expect, it } from 'vitest';
import { ShadowModel } from '../../../app/workload/shadow';

const target = { vg: 'vg0', lv: 'lv0', extentSizeSectors: 8192, sizeSectors: 1 << 21 };

describe('the shadow model', () => {
  it('gives sectors to the last acknowledged write, client or workload, with the client hashes and counts to match', () => {
    const s = new ShadowModel(target);
    s.recordWrite(1, 0, 16);
    s.recordExternalWrite(2, 8, Uint32Array.from({ length: 16 }, (_, i) => 1000 + i));
    expect(s.writeIdAt(7)).toBe(1);
    expect(s.writeIdAt(8)).toBe(2);
    expect(s.externalHashAt(8)).toBe(1000);
    expect(s.externalHashAt(23)).toBe(1015);
    expect(s.externalHashAt(7)).toBeUndefined();
    expect(s.externalSectors).toBe(16);
    expect(s.writtenSectors).toBe(8);
    s.recordWrite(3, 12, 4);
    expect(s.externalHashAt(12)).toBeUndefined();
    expect(s.writeIdAt(12)).toBe(3);
    expect(s.externalSectors).toBe(12);
    expect(s.writtenSectors).toBe(12);
  });

  it('keeps a hash of 0 and a write id of 0 as values, not as "nothing written"', () => {
    const s = new ShadowModel(target);
    s.recordExternalWrite(0, 5, Uint32Array.of(0, 0xffffffff));
    expect(s.writeIdAt(5)).toBe(0);
    expect(s.externalHashAt(5)).toBe(0);
    expect(s.externalHashAt(6)).toBe(0xffffffff);
    expect(s.writeIdAt(7)).toBeUndefined();
  });

  it('records writes across chunk boundaries and far apart independently, and lists every sector it owns', () => {
    const s = new ShadowModel(target);
    s.recordExternalWrite(4, 250, new Uint32Array(2048).fill(7));
    s.recordWrite(5, (1 << 21) - 3, 3);
    expect(s.writeIdAt(249)).toBeUndefined();
    expect(s.writeIdAt(250)).toBe(4);
    expect(s.writeIdAt(250 + 2047)).toBe(4);
    expect(s.writeIdAt(250 + 2048)).toBeUndefined();
    expect(s.writeIdAt((1 << 21) - 1)).toBe(5);
    const owned = [...s.entries()];
    expect(owned).toHaveLength(2051);
    expect(owned.filter(([, id]) => id === 5).map(([sector]) => sector)).toEqual([(1 << 21) - 3, (1 << 21) - 2, (1 << 21) - 1]);
  });

  it('clears the doubt of sectors an acknowledged client write covers', () => {
    const s = new ShadowModel(target);
    s.recordInDoubt(1, 0, 8);
    s.recordExternalWrite(2, 4, new Uint32Array(8));
    expect(s.inDoubtAt(3)).toEqual([1]);
    expect(s.inDoubtAt(4)).toEqual([]);
    expect(s.inDoubtSectors).toBe(4);
  });
});
