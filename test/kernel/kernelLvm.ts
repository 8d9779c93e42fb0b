// What the real kernel makes of a set of images: the device-mapper tables it builds when LVM2
// activates a VG, and the bytes an LV reads back through them. These are the verdicts other
// suites compare lvmscope against.
//
// LV bytes leave the guest through a spare virtio disk (the guest `dd`s each LV onto it at a
// MiB-aligned offset) and are compared on the host: hashing inside the emulated guest is slow.

import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fail } from '../../app/base/result';
import { type GuestImage, guestValues, runInGuestOk, shellQuote } from './qemu';

const MIB = 1024 * 1024;

/** The device-mapper name LVM2 gives an LV: dashes inside names are doubled. */
export function dmName(vg: string, lv: string): string {
  return `${vg.replace(/-/g, '--')}-${lv.replace(/-/g, '--')}`;
}

/** Guest disks default to snapshot=on: reading a VG must never change the caller's files. */
function readOnly(images: readonly GuestImage[]): GuestImage[] {
  return images.map((img) => ({ ...img, snapshot: img.snapshot ?? true }));
}

// Copies use O_DIRECT in 4 MiB blocks: through the guest's page cache the same copy is
// about 20 times slower under emulation (measured: 256 MiB in 0.2 s against 5.5 s).
const COPY_BLOCK_MIB = 4;

// `--poll n`: looking at a VG must not resume an interrupted pvmove behind the test's back.
function activateScript(vgs: readonly string[]): string {
  return `vgchange -ay --poll n ${vgs.map(shellQuote).join(' ')} >/dev/null\n`;
}

const DM_STATE_SCRIPT = `for b in /sys/block/vd*; do echo "DEVNUM $(cat $b/dev) $(cat $b/serial)"; done
dmsetup info -c --noheadings -o major,minor,name --separator ' ' | sed 's/^ *//; s/ /:/; s/^/DEVNUM /'
dmsetup table | sed 's/^/TABLE /'
dmsetup status | sed 's/^/STATUS /'
`;

/** An LV of some VG, for inspections that span several VGs. */
export interface LvRef {
  vg: string;
  lv: string;
}

function copyLvsScript(lvs: readonly LvRef[], spareDevice: string): string {
  const lines = ['off=0'];
  lvs.forEach(({ vg, lv }, i) => {
    const dev = shellQuote(`/dev/mapper/${dmName(vg, lv)}`);
    lines.push(
      `size=$(blockdev --getsize64 ${dev})`,
      `echo "LV${i}_BYTES=$size"`,
      `echo "LV${i}_OFFSET_MIB=$((off * ${COPY_BLOCK_MIB}))"`,
      `dd if=${dev} of=${spareDevice} bs=${COPY_BLOCK_MIB}M seek=$off iflag=direct oflag=direct 2>/dev/null`,
      `off=$((off + (size + ${COPY_BLOCK_MIB * MIB - 1}) / ${COPY_BLOCK_MIB * MIB}))`,
    );
  });
  lines.push('sync');
  return lines.join('\n') + '\n';
}

function readSpare(file: string, offsetBytes: number, lengthBytes: number): Uint8Array {
  const out = new Uint8Array(lengthBytes);
  const fd = openSync(file, 'r');
  try {
    let done = 0;
    while (done < lengthBytes) {
      const n = readSync(fd, out, done, Math.min(lengthBytes - done, 64 * MIB), offsetBytes + done);
      if (n === 0) fail('IO', `the spare disk ${file} ended before the LV copy did: the guest copy was cut short.`);
      done += n;
    }
  } finally {
    closeSync(fd);
  }
  return out;
}

export interface KernelDmState {
  /** `dmsetup table` per dm device name, one line per target, without the "name: " prefix. */
  tables: Record<string, string>;
  /** `dmsetup status` per dm device name, in the same form. */
  statuses: Record<string, string>;
  /** "major:minor" → the guest disk's name (its serial) or the dm device's name. */
  devices: Record<string, string>;
}

export interface KernelVgInspection {
  dm: KernelDmState;
  /** Each requested LV's bytes, read through the kernel's device-mapper. */
  lvBytes: Record<string, Uint8Array>;
}

function collectPerDevice(output: string, tag: string): Record<string, string> {
  const byDevice: Record<string, string[]> = {};
  for (const line of output.split('\n')) {
    const m = new RegExp(`^${tag} (\\S+): (.*)$`).exec(line.trim());
    if (m) (byDevice[m[1]] ??= []).push(m[2]);
  }
  return Object.fromEntries(Object.entries(byDevice).map(([k, v]) => [k, v.join('\n')]));
}

function parseDmState(output: string): KernelDmState {
  const devices: Record<string, string> = {};
  for (const line of output.split('\n')) {
    const m = /^DEVNUM (\d+:\d+) (\S+)$/.exec(line.trim());
    if (m) devices[m[1]] = m[2];
  }
  return { tables: collectPerDevice(output, 'TABLE'), statuses: collectPerDevice(output, 'STATUS'), devices };
}

export interface KernelInspectOptions {
  timeoutMs?: number;
  /** Script run before activation (e.g. `pvmove -i 1` to finish a move); pass writable images to keep its effect. */
  prelude?: string;
}

/**
 * One boot: activates every VG in `vgs` in the kernel, reports the device-mapper state, and
 * copies out the bytes of each LV in `lvs` (keyed "vg/lv"). Images are attached with
 * snapshot=on unless they say otherwise, so the caller's files are never changed.
 */
export async function kernelInspectVgs(
  images: readonly GuestImage[],
  vgs: readonly string[],
  lvs: readonly LvRef[] = [],
  options: KernelInspectOptions = {},
): Promise<{ dm: KernelDmState; lvBytes: Record<string, Uint8Array> }> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'lvmscope-spare-'));
  try {
    // No LV is larger than all the PVs together; one block more per LV covers the alignment.
    const spare = path.join(tmp, 'spare.img');
    const totalBytes = images.reduce((sum, img) => sum + statSync(img.path).size, 0);
    writeFileSync(spare, '');
    truncateSync(spare, totalBytes + lvs.length * COPY_BLOCK_MIB * MIB);
    const disks = [...readOnly(images), ...(lvs.length ? [{ path: spare, name: 'lvmscope-spare' }] : [])];
    const spareDevice = `/dev/vd${String.fromCharCode(97 + images.length)}`;
    const deactivate = `vgchange -an ${vgs.map(shellQuote).join(' ')} >/dev/null\n`;
    const script = (options.prelude ?? '') + activateScript(vgs) + DM_STATE_SCRIPT + copyLvsScript(lvs, spareDevice) + deactivate;
    const run = await runInGuestOk({ images: disks, script, timeoutMs: options.timeoutMs ?? 120_000 });
    const values = guestValues(run.output);
    const lvBytes: Record<string, Uint8Array> = {};
    lvs.forEach(({ vg, lv }, i) => {
      const bytes = Number(values[`LV${i}_BYTES`]);
      const offsetMiB = Number(values[`LV${i}_OFFSET_MIB`]);
      if (!Number.isFinite(bytes) || !Number.isFinite(offsetMiB)) fail('STATE', `the guest did not report the size of ${vg}/${lv}:\n${run.output}`);
      lvBytes[`${vg}/${lv}`] = readSpare(spare, offsetMiB * MIB, bytes);
    });
    return { dm: parseDmState(run.output), lvBytes };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * One boot: activates `vg` in the kernel, reports its device-mapper state, and copies out
 * the bytes of each LV in `lvs` (see kernelInspectVgs).
 */
export async function kernelInspectVg(
  images: readonly GuestImage[],
  vg: string,
  lvs: readonly string[] = [],
  timeoutMs = 120_000,
): Promise<KernelVgInspection> {
  const found = await kernelInspectVgs(images, [vg], lvs.map((lv) => ({ vg, lv })), { timeoutMs });
  return { dm: found.dm, lvBytes: Object.fromEntries(lvs.map((lv) => [lv, found.lvBytes[`${vg}/${lv}`]])) };
}

/** Each named LV's bytes through the kernel's device-mapper (see kernelInspectVg). */
export async function kernelReadLvs(
  images: readonly GuestImage[],
  vg: string,
  lvs: readonly string[],
): Promise<Record<string, Uint8Array>> {
  return (await kernelInspectVg(images, vg, lvs)).lvBytes;
}

/** One LV's bytes through the kernel's device-mapper (see kernelInspectVg). */
export async function kernelReadLv(images: readonly GuestImage[], vg: string, lv: string): Promise<Uint8Array> {
  return (await kernelReadLvs(images, vg, [lv]))[lv];
}

/** Activates `vg` in the kernel and reports its device-mapper tables, statuses and device numbers. */
export async function kernelDmState(images: readonly GuestImage[], vg: string): Promise<KernelDmState> {
  return (await kernelInspectVg(images, vg)).dm;
}

/** Replaces every "major:minor" in a table with the device's name, for comparisons that ignore numbers. */
export function symbolicTable(table: string, devices: Record<string, string>): string {
  return table.replace(/\b(\d+:\d+)\b/g, (devnum) => devices[devnum] ?? devnum);
}

/** Every table of a dm state with device numbers replaced by names (see symbolicTable). */
export function symbolicTables(state: KernelDmState): Record<string, string> {
  return Object.fromEntries(Object.entries(state.tables).map(([name, t]) => [name, symbolicTable(t, state.devices)]));
}

/**
 * The kernel's `dmsetup table` per dm device after activating `vg`. With `symbolic`, device
 * numbers are replaced by image names / dm names (e.g. "0 12288 linear pv1 2048").
 */
export async function kernelDmTables(
  images: readonly GuestImage[],
  vg: string,
  options: { symbolic?: boolean } = {},
): Promise<Record<string, string>> {
  const state = await kernelDmState(images, vg);
  return options.symbolic ? symbolicTables(state) : state.tables;
}
