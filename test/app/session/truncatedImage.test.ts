// Proves a truncated image does not stop a workspace from opening: in the seed workspace with
// pv2.img cut to 1 MiB (lv0's extents on pv2 are gone), the workspace opens read-only with
// warnings naming pv2.img, lv0 stays inactive (its table no longer fits), and nothing is
// written. Before, the activation error closed the whole workspace ("device 7:1 is too small").

import { describe, expect, it } from 'vitest';
import { MiB } from '../../../app/base/units';
import { memoryEngine } from '../pvmove/harness';
import { MemoryBlockStore } from '../../sim/memory';

describe('a workspace with a truncated image', () => {
  it('opens read-only with warnings, leaves the LV that no longer fits inactive, and writes nothing', async () => {
    const t = await memoryEngine();
    await t.engine.handlers['workspace.close']({});
    const full = t.storage.files.get('pv2.img')!;
    t.storage.files.set('pv2.img', new MemoryBlockStore('pv2.img', MiB, full.bytes.slice(0, MiB)));
    const before = t.snapshot();
    const view = await t.engine.handlers['workspace.open']({ path: 'mem:/demo' });
    expect(view.problems.map((p) => p.message).join('\n')).toMatch(/pv2\.img is truncated/);
    expect(view.problems.map((p) => p.message).join('\n')).toMatch(/read-only because pv2\.img is shorter/);
    expect(view.vgs[0].lvs.find((l) => l.name === 'lv0')?.dmName).toBeNull();
    await t.engine.dispose();
    for (const [name, bytes] of t.snapshot()) expect(Buffer.compare(Buffer.from(bytes), Buffer.from(before.get(name)!)), `${name} changed`).toBe(0);
  });
});
