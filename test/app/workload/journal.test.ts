// Replaying the write journal: only whole records count (a record cut off by a crash or a full
// disk never acknowledges anything), a write is in doubt from its intent until its
// acknowledgement, several failed writes to one sector are all in doubt until an acknowledged
// write covers it, and the demo record says which LV (by id) and how many sectors hold the
// demo pattern.

import { describe, expect, it } from 'vitest';
import { replayJournal, demoRecord } from '../../../app/workload';

const target = { vg: 'vg0', lv: 'lv0', lvId: 'LVID', extentSizeSectors: 2048, sizeSectors: 4096 };
const replay = (text: string) => replayJournal(text, new Map([['vg0/lv0', target]])).shadows.get('vg0/lv0')!;

describe('the write journal replay', () => {
  it('acknowledges a write only with a whole acknowledgement record', () => {
    expect(replay('I vg0/lv0 12 8 8\nA 12\n').writeIdAt(8)).toBe(12);
    // "A 12" without its newline may be the start of "A 123": not an acknowledgement.
    const cut = replay('I vg0/lv0 1 0 8\nI vg0/lv0 12 8 8\nA 1');
    expect(cut.writeIdAt(0)).toBeUndefined();
    expect(cut.writeIdAt(8)).toBeUndefined();
    expect(cut.inDoubtAt(8)).toEqual([12]);
  });

  it('ignores records that are not well formed', () => {
    const s = replay('I vg0/lv0 5 8\nA x\nI vg0/lv0 6 -1 8\nA 6\nI vg0/lv0 7 16 8\nA 7\n');
    expect(s.writeIdAt(16)).toBe(7);
    expect(s.writtenSectors).toBe(8);
  });

  it('keeps every failed write to a sector in doubt until an acknowledged write covers it', () => {
    const s = replay('I vg0/lv0 1 0 8\nA 1\nI vg0/lv0 2 0 8\nI vg0/lv0 3 0 8\n');
    expect(s.writeIdAt(0)).toBe(1);
    expect(s.inDoubtAt(0)).toEqual([2, 3]);
    const later = replay('I vg0/lv0 1 0 8\nA 1\nI vg0/lv0 2 0 8\nI vg0/lv0 3 0 8\nA 3\n');
    expect(later.writeIdAt(0)).toBe(3);
    expect(later.inDoubtAt(0)).toEqual([]);
  });

  it('reads the demo record of the LV it was written for, and no other', () => {
    expect(replay(demoRecord('vg0/lv0', 'LVID', 2048)).demoSectors).toBe(2048);
    expect(replay(demoRecord('vg0/lv0', 'OTHER', 2048)).demoSectors).toBe(0);
    expect(replay(demoRecord('vg0/lv9', 'X', 2048)).demoSectors).toBe(0);
    expect(replay('I vg0/lv0 1 0 8\nA 1\n').demoSectors).toBe('unknown');
  });
});
