// `lvmscope demo DIR [--scenario seed] [--force]`: writes the seed scenario's images (pv1..pv4,
// vg0, lv0 = pv1 | pv2 | pv3, pv4 free, every LV sector filled with the demo pattern).

import { mkdirSync } from 'node:fs';
import type { Command } from 'commander';
import { cliEngine, resolveDir } from '../workspace';

export function demoVerb(program: Command): void {
  program
    .command('demo')
    .description('Create a demo workspace: the seed scenario (pv1..pv4 images, vg0, lv0 = pv1 | pv2 | pv3, pv4 free, a known pattern in every LV sector).')
    .argument('<dir>', 'the workspace folder to create (made if missing)')
    .option('--scenario <name>', 'which demo scenario', 'seed')
    .option('--force', 'overwrite images that already exist in DIR')
    .action(async (dir: string, flags: { scenario: string; force?: boolean }) => {
      const abs = resolveDir(dir);
      mkdirSync(abs, { recursive: true });
      const engine = cliEngine('demo');
      try {
        const view = await engine.handlers['workspace.createDemo']({ path: abs, scenario: flags.scenario, force: !!flags.force });
        for (const vg of view.vgs) {
          const lvs = vg.lvs.filter((lv) => !lv.hidden).map((lv) => `${lv.name} (${lv.segments.map((s) => s.areas.map((a) => `${a.target}:${a.start}-${a.start + s.count - 1}`).join('+')).join(' | ')})`);
          process.stdout.write(`Created ${vg.name} on ${vg.pvs.map((p) => p.name).join(', ')} in ${abs}: ${lvs.join(', ')}.\n`);
        }
      } finally {
        await engine.dispose();
      }
    });
}
