// `lvmscope verify DIR [VG/LV]`: checks what lvmscope knows it wrote to the LVs (or to one):
// the sectors the demo filled hold the demo pattern, the sectors the workload wrote hold its
// last acknowledged write (or a write still in doubt). Sectors lvmscope never wrote (an
// lvextend, a new LV) are not checked; each LV's line says what was. Exit 1 when any differs.

import type { Command } from 'commander';
import { LvmscopeError } from '../../../app/base/result';
import type { Engine } from '../../../app/engine';
import { splitLvPath, withWorkspace } from '../workspace';

export function verifyVerb(program: Command): void {
  program
    .command('verify')
    .description('Check what lvmscope wrote to the LVs (the demo pattern, the workloads\' acknowledged writes); every LV, or VG/LV. Sectors it never wrote are not checked.')
    .argument('<dir>', 'the workspace folder')
    .argument('[lv]', 'one LV as VG/LV')
    .action(async (dir: string, lvPath: string | undefined) => {
      const mismatches = await withWorkspace('verify', dir, async (engine, view) => {
        const targets = lvPath ? [splitLvPath(lvPath)] : view.vgs.flatMap((vg) => vg.lvs.filter((lv) => !lv.hidden && lv.dmName).map((lv) => ({ vg: vg.name, lv: lv.name })));
        if (!targets.length) throw new LvmscopeError('NOT_FOUND', `There is no active LV to verify in ${view.path}; create one with 'lvmscope demo' or lvcreate.`);
        return verifyAll(engine, targets);
      });
      if (mismatches) throw new LvmscopeError('CORRUPT', `${mismatches} block(s) differ from what was written; see the lines above.`);
    });
}

/** Verifies each LV, prints one summary line each, returns the number of mismatching blocks. */
export async function verifyAll(engine: Engine, targets: Array<{ vg: string; lv: string }>): Promise<number> {
  let mismatches = 0;
  for (const t of targets) {
    const result = await engine.handlers['verify.run'](t);
    mismatches += result.mismatches;
    process.stdout.write(`  ${result.summary}\n`);
    for (const m of result.firstMismatches.slice(0, 5)) process.stdout.write(`    at byte ${m.offsetBytes}: expected ${m.expected}, found ${m.found}\n`);
  }
  return mismatches;
}
