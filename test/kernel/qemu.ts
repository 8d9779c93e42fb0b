// Runs a shell script inside Debian's kernel under QEMU (software emulation: /dev/kvm is not
// usable here for a stock kernel), with image files attached as virtio disks. This is how the
// tests ask the real device-mapper and the real LVM2 for their verdict.
//
// The guest boots the cached initramfs (initramfs.ts) plus a second, uncompressed cpio that
// carries this run's script; the kernel unpacks both into one root. Images appear as
// /dev/vda, /dev/vdb, ... in the order given, and /sys/block/vdX/serial holds each name.
// The host can kill the guest when the script prints a marker line, to leave real
// half-finished state (a pvmove in mid-copy) on the images.
//
// A disk can also be an NBD export (QEMU's own NBD client, -blockdev driver=nbd) that appears
// after the image files; with a reconnect delay the guest's IO waits while the server is gone
// and goes on when a server listens on the socket again. `onLine` sees every line the script
// prints and may type a line into the guest's console (its stdin), so a test can drive a guest
// that runs for as long as the host needs it to.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fail } from '../../app/base/result';
import { newcArchive } from './cpio';
import { BEGIN_MARKER, EXIT_MARKER_PREFIX, ensureInitramfs } from './initramfs';

export interface GuestImage {
  /** Raw image file on the host. */
  path: string;
  /** Disk serial seen by the guest in /sys/block/vdX/serial (at most 20 characters). */
  name: string;
  /** Guest writes go to a throw-away overlay; the file is never modified. */
  snapshot?: boolean;
  /** Caps this disk's write rate (QEMU block throttling), to make a copy last long enough. */
  writeBytesPerSecond?: number;
  /** Caps this disk's write requests per second (QEMU block throttling), to make short metadata-only phases last. */
  writeOpsPerSecond?: number;
}

/** An NBD export attached as a virtio disk through QEMU's NBD block driver. */
export interface GuestNbdDisk {
  /** Unix socket the NBD server listens on. */
  socket: string;
  /** The export name to ask for (lvmscope names them `vg/lv`). */
  exportName: string;
  /** Disk serial seen by the guest (as GuestImage.name). */
  name: string;
  /**
   * Seconds QEMU holds the guest's requests and reconnects after the server went away; after
   * that they fail with EIO. 0 (the default) fails them at once.
   */
  reconnectDelaySec?: number;
}

/** What `onLine` can do with the running guest. */
export interface GuestConsole {
  /** Types text into the guest's serial console (the script's stdin). */
  send(text: string): void;
  /** Pulls the plug (the run reports killed: 'host'), e.g. when the host side failed and the guest would wait for ever. */
  kill(): void;
}

export interface GuestRunOptions {
  images: readonly GuestImage[];
  /** Attached after `images` (so the first is /dev/vda when there are no images). */
  nbdDisks?: readonly GuestNbdDisk[];
  /** Called once for every complete line the script prints (after BEGIN, without \r). */
  onLine?: (line: string, guest: GuestConsole) => void;
  /** Shell script run by busybox `sh -e` in the guest, from /tmp. */
  script: string;
  timeoutMs?: number;
  /** Kill the guest (like pulling the plug) once the script prints this exact line. */
  killAtMarker?: string;
  /** Delay between seeing killAtMarker and killing. */
  killAfterMarkerMs?: number;
  /** Kill the guest this long after the script started (after BEGIN), whatever it prints. */
  killAfterScriptMs?: number;
  memoryMiB?: number;
}

export interface GuestRun {
  /** The script's exit status; null when the guest was killed or never reported one. */
  exitCode: number | null;
  /** What the script printed (between the markers), kernel noise included, without \r. */
  output: string;
  /** Everything on the serial console, for diagnostics. */
  console: string;
  durationMs: number;
  killed: null | 'timeout' | 'marker' | 'time' | 'host';
}

const DEFAULT_TIMEOUT_MS = 120_000;

function validateImages(images: readonly { name: string }[]): void {
  if (images.length > 26) fail('INVALID', `a guest takes at most 26 disks (vda..vdz); ${images.length} were given.`);
  for (const img of images) {
    if (!/^[A-Za-z0-9._-]{1,20}$/.test(img.name)) {
      fail('INVALID', `guest disk name "${img.name}" must be 1-20 letters, digits, dots, dashes or underscores.`);
    }
  }
}

function driveArgs(images: readonly GuestImage[]): string[] {
  return images.flatMap((img, i) => {
    // QEMU's option syntax doubles a comma inside a value.
    const file = img.path.replace(/,/g, ',,');
    const opts = [`file=${file}`, 'format=raw', 'if=none', `id=d${i}`, 'cache=none', 'aio=threads'];
    if (img.snapshot) opts.push('snapshot=on');
    if (img.writeBytesPerSecond) opts.push(`throttling.bps-write=${Math.round(img.writeBytesPerSecond)}`);
    if (img.writeOpsPerSecond) opts.push(`throttling.iops-write=${Math.round(img.writeOpsPerSecond)}`);
    return ['-drive', opts.join(','), '-device', `virtio-blk-pci,drive=d${i},serial=${img.name}`];
  });
}

/** QEMU's option syntax doubles a comma inside a value. */
function optionValue(text: string): string {
  return text.replace(/,/g, ',,');
}

function nbdDiskArgs(disks: readonly GuestNbdDisk[], first: number): string[] {
  return disks.flatMap((disk, i) => {
    const id = `d${first + i}`;
    const blockdev = [
      ...['driver=nbd', `node-name=${id}`, 'server.type=unix', `server.path=${optionValue(disk.socket)}`],
      ...[`export=${optionValue(disk.exportName)}`, `reconnect-delay=${Math.round(disk.reconnectDelaySec ?? 0)}`],
    ];
    return ['-blockdev', blockdev.join(','), '-device', `virtio-blk-pci,drive=${id},serial=${disk.name}`];
  });
}

function qemuArgs(opts: GuestRunOptions, vmlinuz: string, initrd: string): string[] {
  return [
    ...['-accel', 'tcg', '-cpu', 'max', '-m', String(opts.memoryMiB ?? 1024), '-smp', '2'],
    ...['-display', 'none', '-monitor', 'none', '-serial', 'stdio', '-no-reboot', '-nodefaults'],
    ...['-kernel', vmlinuz, '-initrd', initrd],
    ...['-append', 'console=ttyS0 quiet panic=-1 rdinit=/init'],
    ...driveArgs(opts.images),
    ...nbdDiskArgs(opts.nbdDisks ?? [], opts.images.length),
  ];
}

/**
 * The initrd for one run: a small uncompressed cpio with the script, then the cached gzip
 * base archive. This order matters: the kernel's gunzip does not report exactly where a gzip
 * member ends, so an archive appended after a compressed one is not found.
 */
function writeRunInitrd(dir: string, base: Buffer, opts: GuestRunOptions): string {
  const enc = new TextEncoder();
  const runArchive = newcArchive([
    { kind: 'dir', path: '/lvmscope' },
    { kind: 'file', path: '/lvmscope/run.sh', data: enc.encode(opts.script), mode: 0o755 },
    { kind: 'file', path: '/lvmscope/env', data: enc.encode(`LVMSCOPE_DISKS=${diskCount(opts)}\n`) },
  ]);
  const file = path.join(dir, 'initrd');
  writeFileSync(file, Buffer.concat([runArchive, base]));
  return file;
}

/** The script's part of the console: after BEGIN, up to the exit marker. */
export function scriptOutput(consoleText: string): { output: string; exitCode: number | null } {
  const begin = consoleText.indexOf(BEGIN_MARKER);
  const after = begin < 0 ? '' : consoleText.slice(begin + BEGIN_MARKER.length).replace(/^\n/, '');
  const exit = new RegExp(`${EXIT_MARKER_PREFIX}(\\d+)@@`).exec(after);
  if (!exit) return { output: after, exitCode: null };
  return { output: after.slice(0, exit.index), exitCode: Number(exit[1]) };
}

function diskCount(opts: GuestRunOptions): number {
  return opts.images.length + (opts.nbdDisks?.length ?? 0);
}

/** Boots the guest, runs the script, and resolves when QEMU has exited (or was killed). */
export async function runInGuest(opts: GuestRunOptions): Promise<GuestRun> {
  validateImages([...opts.images, ...(opts.nbdDisks ?? [])]);
  const { kernel, initramfsPath } = ensureInitramfs();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'lvmscope-guest-'));
  try {
    const initrd = writeRunInitrd(tmp, readFileSync(initramfsPath), opts);
    return await spawnGuest(opts, qemuArgs(opts, kernel.vmlinuzPath, initrd));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function spawnGuest(opts: GuestRunOptions, args: string[]): Promise<GuestRun> {
  const started = performance.now();
  // The console's input is a pipe only for a test that types into it.
  const child = opts.onLine ? spawn('qemu-system-x86_64', args, { stdio: ['pipe', 'pipe', 'pipe'] }) : spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  // A write to a guest that is gone must not become an unhandled error.
  child.stdin?.on('error', () => {});
  let consoleText = '';
  let killed: GuestRun['killed'] = null;
  const timers: NodeJS.Timeout[] = [];
  const kill = (why: NonNullable<GuestRun['killed']>) => {
    if (killed || child.exitCode !== null) return;
    killed = why;
    child.kill('SIGKILL');
  };
  timers.push(setTimeout(() => kill('timeout'), opts.timeoutMs ?? DEFAULT_TIMEOUT_MS));
  const guestConsole: GuestConsole = {
    send: (text) => {
      if (child.stdin?.writable) child.stdin.write(text);
    },
    kill: () => kill('host'),
  };
  let linesSeen = 0;
  let scriptStarted = false;
  let markerSeen = false;
  const onText = (text: string) => {
    consoleText += text.replace(/\r/g, '');
    if (!scriptStarted && consoleText.includes(BEGIN_MARKER)) {
      scriptStarted = true;
      if (opts.killAfterScriptMs !== undefined) timers.push(setTimeout(() => kill('time'), opts.killAfterScriptMs));
    }
    if (scriptStarted && !markerSeen && opts.killAtMarker && markerLinePrinted(consoleText, opts.killAtMarker)) {
      markerSeen = true;
      timers.push(setTimeout(() => kill('marker'), opts.killAfterMarkerMs ?? 0));
    }
    if (scriptStarted && opts.onLine) {
      const lines = completeScriptLines(consoleText);
      for (const line of lines.slice(linesSeen)) opts.onLine(line, guestConsole);
      linesSeen = lines.length;
    }
  };
  child.stdout.setEncoding('utf8').on('data', onText);
  child.stderr.setEncoding('utf8').on('data', (t: string) => (consoleText += t));
  return new Promise((resolve, reject) => {
    child.on('error', (e) => reject(new Error(`could not start qemu-system-x86_64 (${e.message}): install qemu-system-x86.`)));
    child.on('close', () => {
      timers.forEach(clearTimeout);
      const { output, exitCode } = scriptOutput(consoleText);
      const durationMs = Math.round(performance.now() - started);
      resolve({ exitCode: killed ? null : exitCode, output, console: consoleText, durationMs, killed });
    });
  });
}

function markerLinePrinted(consoleText: string, marker: string): boolean {
  return completeScriptLines(consoleText).some((line) => line.trim() === marker);
}

/** The lines after BEGIN that end in a newline (the last, unfinished one is left for later). */
function completeScriptLines(consoleText: string): string[] {
  const begin = consoleText.indexOf(BEGIN_MARKER);
  return consoleText.slice(begin + BEGIN_MARKER.length).split('\n').slice(1, -1);
}

/** Runs a script and throws, with the tail of the console, unless it exited 0. */
export async function runInGuestOk(opts: GuestRunOptions): Promise<GuestRun> {
  const run = await runInGuest(opts);
  if (run.exitCode !== 0) {
    const why = run.killed ? `was killed (${run.killed})` : `exited with ${run.exitCode ?? 'no status'}`;
    fail('STATE', `the guest script ${why} after ${run.durationMs} ms; console tail:\n${run.console.slice(-4000)}`);
  }
  return run;
}

/** Values the script printed as `KEY=value` lines (the last one wins). */
export function guestValues(output: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of output.split('\n')) {
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) values[m[1]] = m[2];
  }
  return values;
}

/** Single-quotes a value for the guest's shell. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
