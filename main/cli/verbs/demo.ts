// `lvmscope demo DIR [--scenario seed] [--force]`: writes the seed scenario's images (pv1..pv4,
// vg0, lv0 = pv1 | pv2 | pv3, pv4 free, every LV sector filled with the demo pattern).

import { mkdirSync, statSync } from 'node:fs';
import { LvmscopeError } from '../../../app/base/result';
import type { Command } from 'commander';
import { cliEngine, resolveDir } from '../workspace';

export function demoVerb(program: Command): void {
  program
    .command('demo')
    .description('Create a demo workspace: the seed scenario (pv1..pv4 images, vg0, lv0 = pv1 | pv2 | pv3, pv4 free, a known pattern in every LV sector).')
    .argument('<dir>', 'the workspace folder to create (made if missing)')
    .option('--scenario <name>', 'which demo scenario', 'seed')
    .option('--force', "replace the demo's own images (pv1.img…) if they exist and hold LVM images; other files in DIR are never touched")
    .action(async (dir: string, flags: { scenario: string; force?: boolean }) => {
      const abs = resolveDir(dir);
      makeFolder(abs);
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

/** The demo's folder, made if missing; a file in its place, or a folder that cannot be made, is a sentence. */
function makeFolder(abs: string): void {
  const kind = statSync(abs, { throwIfNoEntry: false });
  if (kind && !kind.isDirectory()) throw new LvmscopeError('EXISTS', `${abs} is a file, not a folder; give demo a folder to create its images in (it is made if missing).`);
  try {
    mkdirSync(abs, { recursive: true });
  } catch (e) {
    const code = (e as { code?: string }).code;
    const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ENOTDIR' || code === 'EEXIST' ? 'part of its path is a file' : code === 'EROFS' ? 'the file system is read-only' : (code ?? 'it could not be made');
    throw new LvmscopeError('IO', `Cannot create the folder ${abs} (${why}); choose a folder you can write to.`);
  }
}
