// Opens a workspace through the engine as the user it runs as (the test runs it as `nobody`,
// who may read the images but not write them) and prints what happened as JSON: the VG's
// read-only reason, the workspace problems, and the refusal of a move.
//   node --import tsx test/main/node/readOnlyChild.ts <dir>

import { Engine } from '../../../app/engine';
import { createNodeHost } from '../../../main/host';

const engine = new Engine(createNodeHost({ kind: 'test' }));
const out: Record<string, unknown> = {};
try {
  const view = await engine.handlers['workspace.open']({ path: process.argv[2] });
  out.problems = view.problems.map((p) => p.message);
  out.readOnlyReason = view.vgs[0]?.readOnlyReason;
  try {
    await engine.handlers['move.start']({ request: { vg: 'vg0', sources: ['pv2'], destinations: ['pv4'], alloc: 'normal' }, options: {} });
    out.move = 'started';
  } catch (e) {
    out.move = e instanceof Error ? e.message : String(e);
  }
  try {
    out.verify = (await engine.handlers['verify.run']({ vg: 'vg0', lv: 'lv0' })).mismatches;
  } catch (e) {
    out.verify = e instanceof Error ? e.message : String(e);
  }
} catch (e) {
  out.openError = e instanceof Error ? e.message : String(e);
} finally {
  await engine.dispose();
}
process.stdout.write(`${JSON.stringify(out)}\n`);
