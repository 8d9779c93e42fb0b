// Proves the small targets map IO as the kernel's do: striped places chunks round-robin,
// zero reads zeros and drops writes, error fails everything, flakey fails or drops IO on its
// up/down schedule and on the crash-drill messages (fail_after, fail_now, heal).

import { describe, expect, it } from 'vitest';
import { activate, memoryDm, pattern } from '../helpers';

describe('small targets', () => {
  it('striped spreads chunks round-robin over its stripes', async () => {
    const { dm, clock, stores } = memoryDm([4096, 4096]);
    await activate(dm, clock, 's', '0 1024 striped 2 8 7:0 100 7:1 200');
    const data = pattern(32, 4);
    await clock.run(dm.get('s').write(0, data));
    const chunk = (i: number) => data.subarray(i * 8 * 512, (i + 1) * 8 * 512);
    expect(stores[0].bytes.subarray(100 * 512, 108 * 512)).toEqual(chunk(0));
    expect(stores[1].bytes.subarray(200 * 512, 208 * 512)).toEqual(chunk(1));
    expect(stores[0].bytes.subarray(108 * 512, 116 * 512)).toEqual(chunk(2));
    expect(await clock.run(dm.get('s').read(0, 32))).toEqual(data);
  });

  it('zero reads zeros and drops writes; error fails every IO', async () => {
    const { dm, clock } = memoryDm([16]);
    await activate(dm, clock, 'z', '0 100 zero');
    await clock.run(dm.get('z').write(0, pattern(4, 1)));
    expect(await clock.run(dm.get('z').read(0, 4))).toEqual(new Uint8Array(2048));
    await activate(dm, clock, 'e', '0 100 error');
    await expect(dm.get('e').read(0, 1)).rejects.toThrow(/error target fails every IO/);
  });

  it('flakey fails IO during its down interval and passes it during the up interval', async () => {
    const { dm, clock } = memoryDm([4096]);
    await activate(dm, clock, 'f', '0 1024 flakey 7:0 0 1 1');
    await clock.run(dm.get('f').write(0, pattern(1, 1)));
    await clock.run(new Promise<void>((r) => clock.setTimer(1000, r)));
    await expect(dm.get('f').write(0, pattern(1, 2))).rejects.toThrow(/down and fails writes/);
    await expect(dm.get('f').read(0, 1)).rejects.toThrow(/down and fails reads/);
    await clock.run(new Promise<void>((r) => clock.setTimer(1000, r)));
    expect(await clock.run(dm.get('f').read(0, 1))).toEqual(pattern(1, 1));
  });

  it('flakey with drop_writes acknowledges writes it never performs', async () => {
    const { dm, clock, stores } = memoryDm([4096]);
    await activate(dm, clock, 'f', '0 1024 flakey 7:0 0 0 1 1 drop_writes');
    await clock.run(dm.get('f').write(0, pattern(1, 1)));
    expect(stores[0].bytes.subarray(0, 512)).toEqual(new Uint8Array(512));
  });

  it('flakey goes down after fail_after IOs, at once on fail_now, and recovers on heal', async () => {
    const { dm, clock } = memoryDm([4096]);
    await activate(dm, clock, 'f', '0 1024 flakey 7:0 0 1 0');
    await dm.message('f', 0, 'fail_after 2');
    await clock.run(dm.get('f').read(0, 1));
    await clock.run(dm.get('f').read(0, 1));
    await expect(dm.get('f').read(0, 1)).rejects.toThrow(/down/);
    await dm.message('f', 0, 'heal');
    await clock.run(dm.get('f').read(0, 1));
    await dm.message('f', 0, 'fail_now');
    await expect(dm.get('f').write(0, pattern(1, 1))).rejects.toThrow(/down/);
    await expect(dm.message('f', 0, 'explode')).rejects.toThrow(/unknown message 'explode'/);
  });
});
