// `lvmscope import DIR --backup FILE [--report FILE]` or `lvmscope import DIR --devices DEV…`:
// a rehearsal workspace of a real volume group, one sparse image per PV named after its device.
// Everything is checked first; the images are then written into a hidden folder beside DIR and
// renamed into place only when complete, so a refusal or a failure leaves nothing behind. Live
// devices are opened read-only (O_RDONLY), never for writing.

import { constants, existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { mkdir, open, rename, rm, rmdir, statfs } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { LvmscopeError } from '../../../app/base/result';
import type { BlockStore } from '../../../app/block/blockStore';
import { diskTextOf, parsePvsReport, specFromBackup } from '../../../app/lvm/import/backupSpec';
import { specFromDevices, type ScannedDevice } from '../../../app/lvm/import/deviceSpec';
import { fillImportedLvs, type FillResult } from '../../../app/lvm/import/fillPattern';
import { describePv, type ImportSpec } from '../../../app/lvm/import/importSpec';
import { importManifest, rehearsalBadge, writeImport, writeManifest } from '../../../app/lvm/import/writeImport';
import { scanImage } from '../../../app/lvm/workspace/scan';
import { FolderWorkspaceStorage } from '../../node/fileStorage';
import { storageError } from '../../node/ioErrors';
import { parseSizeBytes } from '../sizes';
import { cliEngine, resolveDir } from '../workspace';

interface ImportFlags {
  backup?: string;
  report?: string;
  devices?: string[];
  data: boolean;
  dataBudget: number;
}

const DEFAULT_DATA_BUDGET = 256 * 1024 * 1024;

export function importVerb(program: Command): void {
  program
    .command('import')
    .description('Rehearse your own volume group: clone its layout (PV sizes, pe_start, metadata areas, UUIDs, every LV and segment) into sparse images named after its devices.')
    .argument('<dir>', 'the new workspace folder (made if missing; it must be empty)')
    .option('--backup <file>', 'a vgcfgbackup file (/etc/lvm/backup/VG)')
    .option('--report <file>', 'with --backup: pvs --reportformat json --units b -o +pv_uuid,pv_mda_size,pv_mda_count,pv_mda_used_count,dev_size,pe_start of the system, for the metadata areas a backup does not record')
    .option('--devices <dev...>', 'read the PVs themselves (root; opened read-only, never written)')
    .option('--no-data', 'leave the LVs sparse (no demo pattern, nothing for verify to check)')
    .option('--data-budget <size>', 'at most this much demo pattern in all (LVs are filled whole when they fit, else each from its start)', (v) => parseSizeBytes(v, 'b'), DEFAULT_DATA_BUDGET)
    .action(async (dir: string, flags: ImportFlags, cmd: Command) => {
      if (!!flags.backup === !!flags.devices) cmd.error('error: give exactly one of --backup FILE or --devices DEV…', { exitCode: 2 });
      if (flags.report && !flags.backup) cmd.error('error: --report completes a --backup file; --devices reads the metadata areas themselves.', { exitCode: 2 });
      const target = resolveDir(dir);
      checkTarget(target);
      const started = performance.now();
      const { spec, diskText, source } = flags.backup ? fromBackup(flags.backup, flags.report) : await fromDevices(flags.devices!);
      const budget = flags.data ? flags.dataBudget : 0;
      const filled = await writeWorkspace(target, spec, diskText, source, budget);
      printSummary(target, spec, filled, (performance.now() - started) / 1000);
    });
}

/** DIR must be missing or an empty folder. */
function checkTarget(target: string): void {
  const kind = statSync(target, { throwIfNoEntry: false });
  if (!kind) return;
  if (!kind.isDirectory()) throw new LvmscopeError('EXISTS', `${target} is a file; give import a new or empty folder for the images.`);
  const entries = readdirSync(target);
  if (entries.length) throw new LvmscopeError('EXISTS', `${target} is not empty (it holds ${entries.slice(0, 3).join(', ')}${entries.length > 3 ? '…' : ''}); import into a new or empty folder, so no image of yours is overwritten.`);
}

function readText(file: string, what: string): string {
  try {
    return readFileSync(resolveDir(file), 'utf8');
  } catch (e) {
    throw storageError(e, { file: path.basename(file), path: resolveDir(file), op: `read the ${what} %f`, bytes: 0 });
  }
}

function fromBackup(file: string, reportFile: string | undefined) {
  const report = reportFile ? parsePvsReport(readText(reportFile, 'report'), reportFile) : undefined;
  const spec = specFromBackup(readText(file, 'backup'), file, report);
  return { spec, diskText: diskTextOf(spec), source: `backup ${resolveDir(file)}${reportFile ? ` with report ${resolveDir(reportFile)}` : ''}` };
}

async function fromDevices(devices: string[]) {
  const scanned: ScannedDevice[] = [];
  for (const device of devices) {
    const store = await ReadOnlyDevice.open(device);
    try {
      scanned.push({ device, scan: await scanImage(device, store), sizeBytes: store.sizeBytes });
    } finally {
      await store.close();
    }
  }
  const { spec, diskText } = specFromDevices(scanned);
  return { spec, diskText, source: `devices ${devices.join(' ')}` };
}

/**
 * Writes the workspace into a hidden folder beside the target, then renames it into place.
 * The space check counts what is really written (headers, metadata, the pattern), not the
 * sparse sizes.
 */
async function writeWorkspace(target: string, spec: ImportSpec, diskText: string, source: string, budget: number) {
  const parent = path.dirname(target);
  await mkdir(parent, { recursive: true }).catch((e: unknown) => {
    throw storageError(e, { file: path.basename(parent), path: parent, op: 'create the folder %f', bytes: 0 });
  });
  await checkSpace(parent, spec, budget);
  const staging = path.join(parent, `.${path.basename(target)}.import-${process.pid}`);
  await mkdir(staging);
  try {
    const storage = new FolderWorkspaceStorage(staging);
    await writeImport(storage, spec, diskText);
    await writeManifest(storage, importManifest(spec, source, Math.floor(Date.now() / 1000)));
    const filled = budget > 0 ? await fill(staging, spec.vg.name, budget) : undefined;
    if (existsSync(target)) await rmdir(target);
    await rename(staging, target);
    return filled;
  } catch (e) {
    await rm(staging, { recursive: true, force: true });
    // The hidden folder is gone: name the folder the user asked for instead.
    if (e instanceof LvmscopeError) throw new LvmscopeError(e.code, `${e.message.split(staging).join(target).replace(/\.$/, '')}; nothing was left in ${parent}.`);
    throw e;
  }
}

async function checkSpace(folder: string, spec: ImportSpec, budget: number): Promise<void> {
  const s = await statfs(folder);
  const needed = spec.pvs.reduce((n, pv) => n + 8192 + pv.mdas.reduce((m, a) => m + Math.min(a.sizeBytes, 4 * 1024 * 1024), 0), 0) + budget;
  const free = s.bavail * s.bsize;
  if (free < needed) {
    throw new LvmscopeError('NO_SPACE', `${folder} has ${(free / 1048576).toFixed(0)} MiB free, but the import writes up to ${(needed / 1048576).toFixed(0)} MiB (headers, metadata and the demo pattern; the images themselves are sparse); free some space, lower --data-budget, or use --no-data.`);
  }
}

async function fill(staging: string, vg: string, budget: number) {
  const engine = cliEngine('import');
  try {
    await engine.handlers['workspace.open']({ path: staging });
    return await fillImportedLvs(engine.open().session, vg, budget);
  } finally {
    await engine.dispose();
  }
}

function printSummary(target: string, spec: ImportSpec, filled: FillResult | undefined, seconds: number): void {
  const badge = rehearsalBadge(importManifest(spec, '', 0));
  const out = [`Imported ${spec.vg.name} (${spec.vg.lvs.length} LVs on ${spec.pvs.length} PVs) into ${target} in ${seconds.toFixed(2)} s: ${badge}.`];
  for (const pv of spec.pvs) out.push(`  ${describePv(pv)}`);
  for (const note of spec.notes) out.push(`  Note: ${note}`);
  if (!filled) out.push('  The LVs hold no data (--no-data): verify has nothing to check.');
  else {
    const whole = [...filled.filled.values()].length;
    out.push(`  Demo pattern: ${(filled.bytes / 1048576).toFixed(1)} MiB written into ${whole} LV(s) from their start, so verify checks those sectors after a rehearsed move.`);
    if (filled.skipped.length) out.push(`  Not filled (lvmscope keeps their segments verbatim and does not map them): ${filled.skipped.slice(0, 10).join(', ')}${filled.skipped.length > 10 ? ` and ${filled.skipped.length - 10} more` : ''}.`);
  }
  out.push(`  Rehearse with: lvmscope pvmove ${target} ${spec.pvs[0]?.image.replace(/\.img$/, '') ?? 'PV'} --dry-run`);
  process.stdout.write(out.map((l) => `${l}\n`).join(''));
}

/**
 * A live block device (or an image file) opened O_RDONLY: it has no write path at all. A block
 * device's size is not in stat(), so it comes from /sys/class/block/<dev>/size (sectors).
 */
class ReadOnlyDevice implements BlockStore {
  readonly readOnlyReason = 'a live device is only ever read by import';
  private constructor(
    readonly name: string,
    private readonly handle: Awaited<ReturnType<typeof open>>,
    readonly sizeBytes: number,
  ) {}

  static async open(device: string): Promise<ReadOnlyDevice> {
    const handle = await open(device, constants.O_RDONLY).catch((e: unknown) => {
      throw storageError(e, { file: device, path: device, op: 'open %f for reading', bytes: 0 });
    });
    const s = await handle.stat();
    const sizeBytes = s.isBlockDevice() ? blockDeviceBytes(device) : s.size;
    return new ReadOnlyDevice(device, handle, sizeBytes);
  }

  async read(offsetBytes: number, lengthBytes: number): Promise<Uint8Array> {
    const buf = Buffer.alloc(lengthBytes);
    let done = 0;
    while (done < lengthBytes) {
      const { bytesRead } = await this.handle.read(buf, done, lengthBytes - done, offsetBytes + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  write(): Promise<void> {
    return Promise.reject(new LvmscopeError('INTERNAL', `${this.name} is a live device: import never writes to it.`));
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {
    await this.handle.close();
  }
}

function blockDeviceBytes(device: string): number {
  const name = path.basename(realpathSync(device));
  const sysfs = `/sys/class/block/${name}/size`;
  try {
    return Number(readFileSync(sysfs, 'utf8').trim()) * 512;
  } catch {
    throw new LvmscopeError('IO', `Cannot tell the size of ${device} (${sysfs} is not readable); name the device by its /dev path.`);
  }
}
