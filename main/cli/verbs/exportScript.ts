// `lvmscope export-script DIR SOURCE[:PE[-PE]] [DEST[:PE[-PE]]…] [-n LV] [--alloc P]
// [--rate 200MiB/s | --rate-from fio.json] [-o FILE]`: plans the move exactly as `pvmove
// --dry-run` does (same arguments), and writes it as a bash script for the real system, with
// the original device names of an imported workspace (lvmscope import) in place of the images.

import { readFileSync, writeFileSync } from 'node:fs';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { LvmscopeError } from '../../../app/base/result';
import type { WorkspaceView } from '../../../app/api/views';
import { readManifest, rehearsalBadge, type ImportManifest } from '../../../app/lvm/import/writeImport';
import { moveScript, rateFromFio, size } from '../../../app/pvmove/script';
import { FolderWorkspaceStorage } from '../../node/fileStorage';
import { storageError } from '../../node/ioErrors';
import { parseRate } from '../sizes';
import { findImage, imageOf, resolveDir, vgOfImage, withWorkspace, workspaceDir } from '../workspace';

interface ExportFlags {
  name?: string;
  alloc: 'normal' | 'contiguous' | 'anywhere';
  rate?: number;
  rateFrom?: string;
  output?: string;
}

/** `200MiB/s`, `200M`, `1.5G/s` → bytes per second. */
function parseScriptRate(text: string): number {
  const bytes = parseRate(text.replace(/\/s$/i, ''));
  if (bytes <= 0) throw new InvalidArgumentError(`The rate '${text}' must be more than zero (like 200MiB/s).`);
  return bytes;
}

export function exportScriptVerb(program: Command): void {
  program
    .command('export-script')
    .description('Write the planned move as a bash script for the real system: vgcfgbackup first, one exact pvmove per run, pvs checks between steps, the time at your disks\' rate.')
    .argument('<dir>', 'the workspace folder (an imported one gives the real device names)')
    .argument('<pvs...>', 'SOURCE[:PE[-PE]] then DEST[:PE[-PE]]…, as for pvmove')
    .option('-n, --name <lv>', 'move only the extents of this LV')
    .addOption(new Option('--alloc <policy>', 'allocation policy for the destination').choices(['normal', 'contiguous', 'anywhere']).default('normal'))
    .option('--rate <rate>', 'the copy rate measured on the real disks, like 200MiB/s', parseScriptRate)
    .option('--rate-from <file>', "fio's --output-format=json of the real disks (the slower of read and write is used)")
    .option('-o, --output <file>', 'write the script here (default: standard output)')
    .action((dir: string, pvs: string[], flags: ExportFlags, cmd: Command) => {
      if (flags.rate !== undefined && flags.rateFrom) cmd.error('error: give the rate with --rate or --rate-from, not both.', { exitCode: 2 });
      return exportScript(dir, pvs, flags);
    });
}

async function exportScript(dir: string, pvs: string[], flags: ExportFlags): Promise<void> {
  const abs = workspaceDir(dir);
  const manifest = await readManifest(new FolderWorkspaceStorage(abs));
  const rate = flags.rateFrom ? rateFromFio(readInput(flags.rateFrom), flags.rateFrom) : flags.rate !== undefined ? { bytesPerSec: flags.rate, source: 'given with --rate' } : undefined;
  const script = await withWorkspace('export-script', dir, async (engine, view) => {
    const [source, ...dests] = pvs.map((p) => pvSpec(view, p));
    const vg = vgOfImage(view, imageOf(view, source.split(':')[0]));
    if (!vg) throw new LvmscopeError('STATE', `${source.split(':')[0]} is not in a volume group, so it has no extents to move.`);
    const plan = await engine.handlers['move.plan']({ vg, sources: [source], destinations: dests, alloc: flags.alloc, ...(flags.name ? { lv: flags.name } : {}) });
    const model = engine.open().session.ws.getVg(vg).vg;
    return moveScript({
      plan,
      vg: model,
      devices: deviceMap(view, vg, manifest),
      ...(rate ? { rate } : {}),
      ...(manifest && manifest.vg === vg && manifest.seqno !== undefined ? { seqno: manifest.seqno, badge: rehearsalBadge(manifest) } : {}),
      generatedAt: new Date().toISOString(),
      workspace: abs,
    });
  });
  if (!flags.output) {
    process.stdout.write(script);
    return;
  }
  const out = resolveDir(flags.output);
  try {
    writeFileSync(out, script, { mode: 0o755 });
  } catch (e) {
    throw storageError(e, { file: flags.output, path: out, op: 'write the script %f', bytes: script.length });
  }
  const steps = script.split('\n').filter((l) => l.startsWith('pvmove ')).length;
  process.stdout.write(`  Wrote ${out}: ${steps} pvmove step(s)${rate ? ` at ${size(rate.bytesPerSec)}/s` : ''}; read it, then run it as root on the host of the VG.\n`);
}

function readInput(file: string): string {
  try {
    return readFileSync(resolveDir(file), 'utf8');
  } catch (e) {
    throw storageError(e, { file, path: resolveDir(file), op: 'read %f', bytes: 0 });
  }
}

/** `sdc:0-9` with the PV named as the user likes (sdc, sdc.img, DIR/sdc.img) → the plan's `sdc:0-9`. */
function pvSpec(view: WorkspaceView, spec: string): string {
  const whole = findImage(view, spec);
  if (whole) return whole.replace(/\.[^.]+$/, '');
  const colon = spec.indexOf(':', spec.lastIndexOf('/') + 1);
  const image = imageOf(view, colon > 0 ? spec.slice(0, colon) : spec);
  return `${image.replace(/\.[^.]+$/, '')}${colon > 0 ? spec.slice(colon) : ''}`;
}

/**
 * PV name in the plan → the real device: the import's record of the original devices, else the
 * device hint in the metadata (what LVM2 last saw), else /dev/<name>.
 */
function deviceMap(view: WorkspaceView, vg: string, manifest: ImportManifest | undefined): Map<string, string> {
  const pvs = view.vgs.find((v) => v.name === vg)?.pvs ?? [];
  return new Map(pvs.map((pv) => [pv.name, manifest?.pvs.find((p) => p.image === pv.image)?.device ?? `/dev/${pv.name}`]));
}
