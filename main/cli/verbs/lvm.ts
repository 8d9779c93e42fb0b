// The LVM2 commands that change metadata: pvcreate, vgcreate, vgextend, vgreduce, lvcreate,
// lvextend, lvreduce, lvremove, lvrename. Each opens the workspace, runs the command through
// the engine's `lvm.command` (which commits the metadata and re-activates the LVs), prints
// LVM2's confirmation line and closes the workspace.

import type { Command } from 'commander';
import { LvmscopeError } from '../../../app/base/result';
import type { LvmCommandParams } from '../../../app/api/contract';
import type { WorkspaceView } from '../../../app/api/views';
import type { Engine } from '../../../app/engine';
import { extentsOf, parsePositiveSizeBytes, parseSignedCount, parseSignedSize, type SignedCount, type SignedSize } from '../sizes';
import { formatSize } from '../../report/units';
import { findImage, imageOf, splitLvPath, withWorkspace } from '../workspace';

type Build = (view: WorkspaceView) => { command: LvmCommandParams; done: string };

async function run(verb: string, dir: string, build: Build): Promise<void> {
  const message = await withWorkspace(verb, dir, async (engine: Engine, view) => {
    const { command, done } = build(view);
    await engine.handlers['lvm.command'](command);
    return done;
  });
  process.stdout.write(`  ${message}\n`);
}

export function pvcreateVerb(program: Command): void {
  program
    .command('pvcreate')
    .description('Label an image file as a PV; with --size, create the (sparse) image first.')
    .argument('<dir>', 'the workspace folder')
    .argument('<file>', 'the image (pv5, pv5.img or DIR/pv5.img)')
    .option('--size <size>', 'create a new image of this size (48M, 2G…)', (v) => parsePositiveSizeBytes(v))
    .option('--force', FORCE_HELP)
    .action((dir: string, file: string, flags: { size?: number; force?: boolean }) =>
      run('pvcreate', dir, (view) => {
        const image = flags.size !== undefined ? (findImage(view, file) ?? newImageName(file)) : imageOf(view, file);
        const command: LvmCommandParams = { op: 'pvcreate', image, ...(flags.size !== undefined ? { sizeBytes: flags.size } : {}), ...(flags.force ? { force: true } : {}) };
        return { command, done: `Physical volume "${image.replace(/\.img$/, '')}" successfully created.` };
      }),
    );
}

const FORCE_HELP = 'wipe what an image already holds (a filesystem, swap, a partition table, another PV…), as LVM2\'s pvcreate -f does';

/** A new image's file name: `pv5` → `pv5.img`. */
function newImageName(ref: string): string {
  const base = ref.replace(/^.*\//, '');
  return /\.[a-z0-9]+$/i.test(base) ? base : `${base}.img`;
}

export function vgcreateVerb(program: Command): void {
  program
    .command('vgcreate')
    .description('Create a volume group on PVs (images labelled by pvcreate, or unlabelled images: they are labelled first, as LVM2 does).')
    .argument('<dir>', 'the workspace folder')
    .argument('<vg>', 'the new VG name')
    .argument('<files...>', 'the PV images')
    .option('-s, --physicalextentsize <size>', 'extent size (default 4M; a power of two)', (v) => parsePositiveSizeBytes(v))
    .option('--force', FORCE_HELP)
    .action((dir: string, vg: string, files: string[], flags: { physicalextentsize?: number; force?: boolean }) =>
      run('vgcreate', dir, (view) => {
        const images = files.map((f) => imageOf(view, f));
        const command: LvmCommandParams = { op: 'vgcreate', name: vg, images, ...(flags.physicalextentsize ? { extentSizeBytes: flags.physicalextentsize } : {}), ...(flags.force ? { force: true } : {}) };
        return { command, done: [...labelledLines(view, images), `Volume group "${vg}" successfully created`].join('\n  ') };
      }),
    );
}

/**
 * The lines LVM2 prints for images vgcreate / vgextend label first (its implicit pvcreate).
 * The engine labels them only once every argument and every image has been checked.
 */
function labelledLines(view: WorkspaceView, images: string[]): string[] {
  return images.filter((image) => view.images.find((i) => i.name === image)?.role === 'not-lvm').map((image) => `Physical volume "${image.replace(/\.img$/, '')}" successfully created.`);
}

export function vgextendVerb(program: Command): void {
  program
    .command('vgextend')
    .description('Add PVs to a volume group (unlabelled images are labelled first, as LVM2 does).')
    .argument('<dir>', 'the workspace folder')
    .argument('<vg>', 'the VG')
    .argument('<files...>', 'the PV images to add')
    .option('--force', FORCE_HELP)
    .action((dir: string, vg: string, files: string[], flags: { force?: boolean }) =>
      run('vgextend', dir, (view) => {
        const images = files.map((f) => imageOf(view, f));
        const command: LvmCommandParams = { op: 'vgextend', vg, images, ...(flags.force ? { force: true } : {}) };
        return { command, done: [...labelledLines(view, images), `Volume group "${vg}" successfully extended`].join('\n  ') };
      }),
    );
}

export function vgreduceVerb(program: Command): void {
  program
    .command('vgreduce')
    .description('Remove empty PVs from a volume group.')
    .argument('<dir>', 'the workspace folder')
    .argument('<vg>', 'the VG')
    .argument('<files...>', 'the PV images to remove (they must hold no extents)')
    .action((dir: string, vg: string, files: string[]) =>
      run('vgreduce', dir, (view) => ({ command: { op: 'vgreduce', vg, pvs: files.map((f) => imageOf(view, f)) }, done: `Removed ${files.map((f) => `"${f}"`).join(', ')} from volume group "${vg}"` })),
    );
}

interface SizeFlags {
  size?: SignedSize;
  extents?: SignedCount;
}

/** -L / -l: exactly one of them (a usage error otherwise). */
function sizeOption(cmd: Command, flags: SizeFlags): void {
  if (!!flags.size === !!flags.extents) cmd.error('error: give the size with exactly one of -L SIZE or -l EXTENTS.', { exitCode: 2 });
}

function vgViewOf(view: WorkspaceView, vg: string) {
  const found = view.vgs.find((v) => v.name === vg);
  if (!found) throw new LvmscopeError('NOT_FOUND', `There is no volume group ${vg} in ${view.path}; the VGs are ${view.vgs.map((v) => v.name).join(', ') || '(none)'}.`);
  return found;
}

function extentBytesOf(view: WorkspaceView, vg: string): number {
  return vgViewOf(view, vg).extentSizeSectors * 512;
}

/** The extents `-l` asks for; a percentage (N%FREE, N%VG, N%PVS) is taken of the VG or of `images`. */
function extentCount(view: WorkspaceView, vg: string, value: SignedCount, images: string[]): number {
  const found = vgViewOf(view, vg);
  const pvs = images.length ? found.pvs.filter((p) => images.includes(p.image)) : found.pvs;
  const pvsFree = pvs.filter((p) => p.allocatable && !p.missing).reduce((n, p) => n + p.peCount - p.allocatedCount, 0);
  const count = extentsOf(value, found, pvsFree);
  if (count <= 0) throw new LvmscopeError('INVALID', `${value.count}%${value.percentOf} of ${vg} is 0 extents (${vg} has ${found.freeCount} free of ${found.peCount}); ask for a larger percentage or give a size with -L.`);
  return count;
}

/** LVM2's note when -L is not a whole number of extents (lvcreate rounds up). */
function roundingNote(sizeBytes: number, extentBytes: number): string | null {
  const rounded = Math.ceil(sizeBytes / extentBytes) * extentBytes;
  if (rounded === sizeBytes) return null;
  const human = formatSize(rounded, 'h');
  const long = human.replace(/([kmgtpe])$/, (u) => ` ${u.toUpperCase()}iB`);
  return `Rounding up size to full physical extent ${long}`;
}

export function lvcreateVerb(program: Command): void {
  const cmd = program
    .command('lvcreate')
    .description('Create a linear LV, on the given PVs or anywhere in the VG.')
    .argument('<dir>', 'the workspace folder')
    .argument('<vg>', 'the VG')
    .argument('[files...]', 'PVs to allocate from, in order of preference')
    .requiredOption('-n, --name <lv>', 'the new LV name')
    .option('-L, --size <size>', 'size (48M, 2G…; rounded up to whole extents)', parseSignedSize)
    .option('-l, --extents <n>', 'size in extents, or a percentage: N%FREE (of the free space), N%VG (of the VG), N%PVS (of the free space on the given PVs)', parseSignedCount);
  cmd.action((dir: string, vg: string, files: string[], flags: SizeFlags & { name: string }) => {
    sizeOption(cmd, flags);
    if ((flags.size ?? flags.extents)!.sign) cmd.error('error: lvcreate takes an absolute size (no + or -).', { exitCode: 2 });
    return run('lvcreate', dir, (view) => {
      const images = files.map((f) => imageOf(view, f));
      const note = flags.size ? roundingNote(flags.size.bytes, extentBytesOf(view, vg)) : null;
      if (note) process.stdout.write(`  ${note}\n`);
      return {
        command: { op: 'lvcreate', vg, name: flags.name, ...(flags.size ? { sizeBytes: flags.size.bytes } : { extents: extentCount(view, vg, flags.extents!, images) }), ...(images.length ? { pvs: images } : {}) },
        done: `Logical volume "${flags.name}" created.`,
      };
    });
  });
}

function resizeVerb(op: 'lvextend' | 'lvreduce') {
  return (program: Command) => {
    const cmd = program
      .command(op)
      .description(op === 'lvextend' ? 'Grow an LV to a size (-L 20M, -l 20) or by an amount (-L +4M, -l +3).' : 'Shrink an LV to a size or by an amount (-L -4M, -l -3); the data beyond the new end is lost.')
      .argument('<dir>', 'the workspace folder')
      .argument('<lv>', 'the LV as VG/LV')
      .argument('[files...]', 'PVs to allocate from (lvextend)')
      .option('-L, --size <size>', 'new size, or +SIZE / -SIZE', parseSignedSize)
      .option('-l, --extents <n>', 'new size in extents, or +N / -N; also N%FREE, N%VG, N%PVS (+50%FREE)', parseSignedCount);
    cmd.action((dir: string, lvPath: string, files: string[], flags: SizeFlags) => {
      sizeOption(cmd, flags);
      const wrongSign = op === 'lvextend' ? '-' : '+';
      if ((flags.size ?? flags.extents)!.sign === wrongSign) cmd.error(`error: ${op} cannot ${op === 'lvextend' ? 'shrink' : 'grow'} an LV; use ${op === 'lvextend' ? 'lvreduce' : 'lvextend'}.`, { exitCode: 2 });
      const { vg, lv } = splitLvPath(lvPath);
      return run(op, dir, (view) => {
        const ext = extentBytesOf(view, vg);
        const relative = (flags.size ?? flags.extents)!.sign !== null;
        const count = flags.extents ? extentCount(view, vg, flags.extents, files.map((f) => imageOf(view, f))) : Math.ceil(flags.size!.bytes / ext);
        const sizeArgs = relative ? { byExtents: count } : flags.size ? { sizeBytes: flags.size.bytes } : { extents: count };
        return {
          command: { op, vg, lv, ...sizeArgs, ...(files.length ? { pvs: files.map((f) => imageOf(view, f)) } : {}) },
          done: `Logical volume ${vg}/${lv} successfully resized.`,
        };
      });
    });
  };
}

export const lvextendVerb = resizeVerb('lvextend');
export const lvreduceVerb = resizeVerb('lvreduce');

export function lvremoveVerb(program: Command): void {
  program
    .command('lvremove')
    .description('Remove an LV (its extents become free).')
    .argument('<dir>', 'the workspace folder')
    .argument('<lv>', 'the LV as VG/LV')
    .action((dir: string, lvPath: string) => {
      const { vg, lv } = splitLvPath(lvPath);
      return run('lvremove', dir, () => ({ command: { op: 'lvremove', vg, lv }, done: `Logical volume "${lv}" successfully removed.` }));
    });
}

export function lvrenameVerb(program: Command): void {
  program
    .command('lvrename')
    .description('Rename an LV.')
    .argument('<dir>', 'the workspace folder')
    .argument('<lv>', 'the LV as VG/LV')
    .argument('<new>', 'the new LV name')
    .action((dir: string, lvPath: string, newName: string) => {
      const { vg, lv } = splitLvPath(lvPath);
      return run('lvrename', dir, () => ({ command: { op: 'lvrename', vg, lv, newName: newName.replace(/^.*\//, '') }, done: `Renamed "${lv}" to "${newName.replace(/^.*\//, '')}" in volume group "${vg}"` }));
    });
}
