// Proves that table and status lines are parsed from and printed in exactly the kernel's
// dmsetup syntax (round trip against real examples), and that bad tables are refused with one
// clear sentence while the live table stays untouched. Memory PVs, no timing involved.

import { describe, expect, it } from 'vitest';
import { LvmscopeError } from '../../../app/base/result';
import { formatTable, parseTable, sameTable, writeRuleOf } from '../../../app/dm/table';
import { activate, memoryDm } from './helpers';

const ROUND_TRIPS: readonly [string, string][] = [
  ['linear from lvm2-format §8', '0 8192 linear 7:2 2048'],
  ['two linear segments, one stacked', '0 32768 linear 254:0 0\n32768 32768 linear 7:5 2048'],
  ['pvmove mirror', '0 40960 mirror core 1 1024 2 7:1 0 7:3 0'],
  ['mirror with nosync and handle_errors', '0 2048 mirror core 2 1024 nosync 2 7:1 0 7:2 0 1 handle_errors'],
  ['striped', '0 16384 striped 2 128 7:1 0 7:2 0'],
  ['zero (space after the type)', '0 100 zero '],
  ['error', '0 100 error '],
  ['flakey with a feature', '0 8192 flakey 7:1 0 1 2 1 drop_writes'],
];

describe('dmsetup table syntax', () => {
  for (const [what, table] of ROUND_TRIPS) {
    it(`prints the ${what} table exactly as loaded`, async () => {
      const { dm, clock } = memoryDm([100000, 100000, 100000, 100000, 100000, 100000]);
      await activate(dm, clock, 'base', '0 40000 linear 7:0 0');
      await activate(dm, clock, 'dev', table);
      expect(dm.table('dev')).toBe(table);
    });
  }

  it('prints the linear status as empty but keeps the space after the type', async () => {
    const { dm, clock } = memoryDm([100000, 100000, 100000]);
    await activate(dm, clock, 'lv', '0 8192 linear 7:2 2048');
    expect(dm.status('lv')).toBe('0 8192 linear ');
  });

  it('prints the mirror status as the kernel does before and after the copy', async () => {
    const { dm, clock } = memoryDm([50000, 50000, 50000, 50000]);
    dm.create('m');
    dm.loadText('m', '0 40960 mirror core 1 1024 2 7:1 0 7:3 0');
    expect(dm.status('m')).toBe('');
    dm.copier.pause();
    await clock.run(dm.resume('m'));
    expect(dm.status('m')).toBe('0 40960 mirror 2 7:1 7:3 0/40 1 AA 1 core');
    dm.copier.resume();
    await clock.run(dm.mirror('m').awaitInSync());
    expect(dm.status('m')).toBe('0 40960 mirror 2 7:1 7:3 40/40 1 AA 1 core');
  });

  it('prints the striped status with one health character per stripe', async () => {
    const { dm, clock } = memoryDm([20000, 20000, 20000]);
    await activate(dm, clock, 's', '0 16384 striped 2 128 7:1 0 7:2 0');
    expect(dm.status('s')).toBe('0 16384 striped 2 7:1 7:2 1 AA');
  });

  it('prints dmsetup info in the long form with values at column 20', async () => {
    const { dm, clock } = memoryDm([20000]);
    await activate(dm, clock, 'vg0-lv0', '0 8192 linear 7:0 0');
    dm.loadText('vg0-lv0', '0 4096 linear 7:0 0');
    expect(dm.infoText('vg0-lv0')).toBe(
      ['Name:              vg0-lv0', 'State:             ACTIVE', 'Read Ahead:        256', 'Tables present:    LIVE & INACTIVE', 'Open count:        0', 'Event number:      0', 'Major, minor:      254, 0', 'Number of targets: 1', ''].join('\n'),
    );
  });
});

const BAD_TABLES: readonly [string, string, RegExp][] = [
  ['an unknown target', '0 100 frobnicate 7:0 0', /unknown target type 'frobnicate'/],
  ['a wrong argument count', '0 100 linear 7:0', /linear: expected 2 arguments \(<dev> <offset>\) but got 1/],
  ['a region size that is not a power of two', '0 4096 mirror core 1 1000 2 7:0 0 7:1 0', /mirror: region size must be a power of two/],
  ['a gap', '0 100 linear 7:0 0\n200 100 linear 7:0 100', /gap/],
  ['an overlap', '0 100 linear 7:0 0\n50 100 linear 7:0 100', /overlap/],
  ['a table not starting at 0', '10 100 linear 7:0 0', /gap/],
  ['a device that is not found', '0 100 linear 7:9 0', /linear: the device 7:9 was not found/],
  ['a target past the end of its device', '0 100 linear 7:0 9950', /linear: device 7:0 is too small: the target needs sectors 9950 to 10050 but the device has 10000 sectors/],
  ['a malformed device number', '0 100 linear sda 0', /not a device number/],
  ['a mirror with one leg', '0 4096 mirror core 1 1024 1 7:0 0', /number of legs must be 2 to 9/],
  ['a mirror leg past the end', '0 8192 mirror core 1 1024 2 7:0 0 7:1 5000', /mirror: device 7:1 is too small/],
  ['a striped length not divisible by the stripes', '0 101 striped 2 1 7:0 0 7:1 0', /not divisible by the number of stripes/],
  ['an empty table', '\n', /table is empty/],
  ['a zero-length target', '0 0 zero', /at least 1 sector/],
  ['a device mapped onto itself', '0 100 linear 254:0 0', /onto itself/],
];

describe('bad tables', () => {
  for (const [what, table, message] of BAD_TABLES) {
    it(`refuses ${what} with one sentence and leaves both tables untouched`, async () => {
      const { dm, clock } = memoryDm([10000, 10000]);
      await activate(dm, clock, 'lv', '0 100 linear 7:0 0');
      dm.loadText('lv', '0 100 linear 7:1 0');
      let error: unknown;
      try {
        dm.loadText('lv', table);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(LvmscopeError);
      expect((error as LvmscopeError).message).toMatch(message);
      expect((error as LvmscopeError).message.split('. ').length).toBeLessThanOrEqual(2);
      expect(dm.table('lv')).toBe('0 100 linear 7:0 0');
      expect(dm.table('lv', 'inactive')).toBe('0 100 linear 7:1 0');
    });
  }
});

describe("a mirror's write rule", () => {
  it('gives a table parsed from text the kernel rule, prints the outline rule as the same mirror line, and tells the two tables apart', () => {
    const text = '0 40960 mirror core 1 1024 2 7:1 0 7:3 0';
    const kernel = parseTable(text);
    const outline = kernel.map((t) => ({ ...t, writeRule: 'intercept' as const }));
    expect(writeRuleOf(kernel[0])).toBe('dm-raid1');
    expect(writeRuleOf(outline[0])).toBe('intercept');
    expect(formatTable(outline)).toEqual([text]);
    expect(sameTable(kernel, outline)).toBe(false);
    expect(sameTable(kernel, parseTable(text))).toBe(true);
  });
});

describe('a table onto a device that has no size yet', () => {
  it('loads onto a created device without a live table (as the kernel skips its size check), and the IO flows once it is resumed', async () => {
    const { dm, clock } = memoryDm([100000, 100000]);
    await activate(dm, clock, 'lv', '0 4096 linear 7:0 0');
    dm.create('layer');
    dm.loadText('layer', '0 4096 linear 7:1 0');
    // libdm's order for pvmove0: the user's new table is loaded before the layer goes live.
    dm.loadText('lv', '0 4096 linear 254:1 0');
    expect(dm.table('lv', 'inactive')).toBe('0 4096 linear 254:1 0');
    await clock.run(dm.suspend('lv'));
    await clock.run(dm.resume('layer'));
    await clock.run(dm.resume('lv'));
    const data = new Uint8Array(512).fill(7);
    await clock.run(dm.get('lv').write(8, data));
    expect(await clock.run(dm.get('layer').read(8, 1))).toEqual(data);
  });
});
