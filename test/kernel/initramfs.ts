// Builds the initramfs the kernel tests boot: Debian's own busybox-static, lvm2 (lvm and
// dmsetup with the shared libraries ldd lists), e2fsprogs (mke2fs as mkfs.ext4, e2fsck, and
// mke2fs.conf, for the NBD guest's filesystem), and the virtio + device-mapper + ext4 modules
// of the installed kernel, loaded with insmod in `modprobe --show-depends` order (ext4 brings
// jbd2, mbcache, crc16 and its crc32c soft dependency). Nothing is downloaded: every byte
// comes from packages installed on this machine.
//
// The archive is built once and cached outside the repository, under
// `${XDG_CACHE_HOME:-~/.cache}/lvmscope/kernel-<version>-<hash>/`, where <hash> covers the
// recipe below (init script, lvm.conf, module list) and the identity (path, size, mtime) of
// every host file copied in, so upgrading lvm2 or the kernel rebuilds it.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { fail } from '../../app/base/result';
import { type CpioEntry, newcArchive, parentDirs } from './cpio';

/** Modules to load, by name; their dependencies come first, as modprobe resolves them. */
const MODULES = ['virtio_pci', 'virtio_blk', 'dm_mod', 'dm_mirror', 'dm_flakey', 'dm_delay', 'dm_zero', 'ext4'];
const BINARIES = ['/usr/sbin/lvm', '/usr/sbin/dmsetup', '/usr/sbin/mke2fs', '/usr/sbin/e2fsck'];
/** Host files copied as they are (not executables): mke2fs reads its defaults for ext4 here. */
const CONFIG_FILES = ['/etc/mke2fs.conf'];
/** Names e2fsprogs installs as symlinks, as Debian does (mkfs.ext4 -> mke2fs). */
const E2FS_LINKS: Record<string, string> = { '/usr/sbin/mkfs.ext4': 'mke2fs', '/usr/sbin/fsck.ext4': 'e2fsck' };
const BUSYBOX = '/bin/busybox';

/** Markers the host looks for on the serial console. */
export const BEGIN_MARKER = '@@LVMSCOPE-BEGIN@@';
export const EXIT_MARKER_PREFIX = '@@LVMSCOPE-EXIT=';

// LVM2 inside the guest: no udev, no lvmetad/lvmpolld, no dmeventd, no backups; only the
// virtio disks are scanned, so a stray device can never be mistaken for a test PV.
const LVM_CONF = `devices {
  filter = [ "a|^/dev/vd|", "r|.*|" ]
  use_devicesfile = 0
  obtain_device_list_from_udev = 0
  scan_lvs = 0
}
global {
  use_lvmpolld = 0
  locking_dir = "/run/lock/lvm"
}
activation {
  udev_sync = 0
  udev_rules = 0
  verify_udev_operations = 0
  monitoring = 0
}
backup {
  backup = 0
  archive = 0
}
`;

// /init runs the per-run script (/lvmscope/run.sh, from the small per-run cpio put before this one) with
// `sh -e`, prints its exit status between markers the host parses, flushes, and powers off.
const INIT = `#!/bin/busybox sh
/bin/busybox --install -s
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mkdir -p /run/lock/lvm /run/lvm
for m in $(cat /etc/lvmscope/modules); do
  insmod "/lib/modules/lvmscope/$m" || echo "lvmscope-init: insmod $m failed"
done
LVMSCOPE_DISKS=0
[ -f /lvmscope/env ] && . /lvmscope/env
tries=0
while [ "$(ls /sys/block | grep -c '^vd')" -lt "$LVMSCOPE_DISKS" ] && [ $tries -lt 200 ]; do
  sleep 0.05; tries=$((tries + 1))
done
cd /tmp
echo "${BEGIN_MARKER}"
sh -e /lvmscope/run.sh
rc=$?
sync
echo "${EXIT_MARKER_PREFIX}$rc@@"
poweroff -f
`;

export interface KernelFiles {
  version: string;
  vmlinuzPath: string;
}

/** The newest installed Debian kernel (/boot/vmlinuz-*) that has its modules installed. */
export function installedKernel(): KernelFiles | null {
  if (!existsSync('/boot')) return null;
  const versions = readdirSync('/boot')
    .filter((f) => f.startsWith('vmlinuz-'))
    .map((f) => f.slice('vmlinuz-'.length))
    .filter((v) => existsSync(`/lib/modules/${v}/modules.dep`))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const version = versions.at(-1);
  return version ? { version, vmlinuzPath: `/boot/vmlinuz-${version}` } : null;
}

/** Module files to insmod, dependencies first, each listed once (from modprobe --show-depends). */
function moduleFiles(version: string): string[] {
  const files: string[] = [];
  for (const name of MODULES) {
    const out = execFileSync('modprobe', ['--show-depends', '-S', version, name], { encoding: 'utf8' });
    for (const line of out.split('\n')) {
      const m = /^insmod (\S+)/.exec(line.trim());
      // "builtin <name>" lines need nothing loaded: the kernel already has that module.
      if (m && !files.includes(m[1])) files.push(m[1]);
    }
  }
  return files;
}

/** The shared libraries (and the dynamic loader) a binary needs, as ldd resolves them. */
function sharedLibraries(binary: string): string[] {
  const out = execFileSync('ldd', [binary], { encoding: 'utf8' });
  const libs: string[] = [];
  for (const line of out.split('\n')) {
    const m = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (m) libs.push(m[1]);
  }
  return libs;
}

/** Host tools that lvm2 installs as symlinks to `lvm` (vgchange, pvmove, lvs, ...). */
function lvmToolNames(): string[] {
  return readdirSync('/usr/sbin')
    .filter((f) => {
      try {
        return readlinkSync(path.join('/usr/sbin', f)) === 'lvm';
      } catch {
        return false;
      }
    })
    .sort();
}

/** A kernel module as plain .ko bytes: Debian ships them plain or xz/zstd-compressed. */
function moduleBytes(file: string): Uint8Array {
  if (file.endsWith('.ko')) return readFileSync(file);
  if (file.endsWith('.ko.xz')) return execFileSync('xz', ['-dc', file], { maxBuffer: 1 << 28 });
  if (file.endsWith('.ko.zst')) return execFileSync('zstd', ['-dc', file], { maxBuffer: 1 << 28 });
  return fail('UNSUPPORTED', `kernel module ${file} has a compression this harness cannot unpack; install xz-utils or zstd.`);
}

interface Recipe {
  kernel: KernelFiles;
  modules: string[];
  hostFiles: string[];
  /** Copied with mode 0644; their identity is part of the hash like hostFiles'. */
  configFiles: string[];
  lvmTools: string[];
}

function recipeOf(kernel: KernelFiles): Recipe {
  const libs = BINARIES.flatMap(sharedLibraries);
  const hostFiles = [...new Set([BUSYBOX, ...BINARIES, ...libs])];
  return { kernel, modules: moduleFiles(kernel.version), hostFiles, configFiles: CONFIG_FILES, lvmTools: lvmToolNames() };
}

function recipeHash(recipe: Recipe): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ init: INIT, conf: LVM_CONF, modules: recipe.modules, tools: recipe.lvmTools, links: E2FS_LINKS }));
  for (const f of [...recipe.hostFiles, ...recipe.configFiles, ...recipe.modules]) {
    const st = statSync(f);
    h.update(`${f}:${st.size}:${st.mtimeMs}\n`);
  }
  return h.digest('hex').slice(0, 16);
}

/** Adds an entry after the directories it lives in (each directory listed once). */
function addWithParents(entries: CpioEntry[], seen: Set<string>, entry: CpioEntry): void {
  for (const dir of parentDirs(entry.path)) {
    if (!seen.has(dir)) entries.push({ kind: 'dir', path: dir });
    seen.add(dir);
  }
  entries.push(entry);
}

function archiveEntries(recipe: Recipe): CpioEntry[] {
  const entries: CpioEntry[] = [];
  const seen = new Set<string>();
  const add = (e: CpioEntry) => addWithParents(entries, seen, e);
  for (const d of ['/bin', '/sbin', '/usr/bin', '/usr/sbin', '/proc', '/sys', '/dev', '/tmp', '/run']) {
    add({ kind: 'dir', path: d });
    seen.add(d);
  }
  add({ kind: 'chardev', path: '/dev/console', major: 5, minor: 1 });
  add({ kind: 'file', path: '/init', data: new TextEncoder().encode(INIT), mode: 0o755 });
  add({ kind: 'file', path: '/etc/lvm/lvm.conf', data: new TextEncoder().encode(LVM_CONF) });
  for (const f of recipe.hostFiles) add({ kind: 'file', path: f, data: readFileSync(f), mode: 0o755 });
  for (const f of recipe.configFiles) add({ kind: 'file', path: f, data: readFileSync(f), mode: 0o644 });
  for (const tool of recipe.lvmTools) add({ kind: 'symlink', path: `/usr/sbin/${tool}`, target: 'lvm' });
  for (const [link, target] of Object.entries(E2FS_LINKS)) add({ kind: 'symlink', path: link, target });
  const names = recipe.modules.map((f) => path.basename(f).replace(/\.(xz|zst)$/, ''));
  recipe.modules.forEach((f, i) =>
    add({ kind: 'file', path: `/lib/modules/lvmscope/${names[i]}`, data: moduleBytes(f) }),
  );
  add({ kind: 'file', path: '/etc/lvmscope/modules', data: new TextEncoder().encode(names.join('\n') + '\n') });
  return entries;
}

export function cacheRoot(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'lvmscope');
}

export interface BuiltInitramfs {
  kernel: KernelFiles;
  /** The cached, gzip-compressed base archive. */
  initramfsPath: string;
  /** Folder for everything cached for this kernel + recipe (also generated fixtures). */
  cacheDir: string;
}

let built: BuiltInitramfs | null = null;

/** Builds (or finds in the cache) the base initramfs for the installed kernel. */
export function ensureInitramfs(): BuiltInitramfs {
  if (built) return built;
  const kernel = installedKernel();
  if (!kernel) return fail('NOT_FOUND', 'no /boot/vmlinuz-* with matching /lib/modules: install linux-image-amd64.');
  const recipe = recipeOf(kernel);
  const cacheDir = path.join(cacheRoot(), `kernel-${kernel.version}-${recipeHash(recipe)}`);
  const initramfsPath = path.join(cacheDir, 'initramfs.cpio.gz');
  if (!existsSync(initramfsPath)) {
    mkdirSync(cacheDir, { recursive: true });
    // Write under a unique name, then rename: parallel test runs never see half a file.
    const partial = `${initramfsPath}.${process.pid}.partial`;
    writeFileSync(partial, gzipSync(newcArchive(archiveEntries(recipe)), { level: 6 }));
    renameSync(partial, initramfsPath);
  }
  built = { kernel, initramfsPath, cacheDir };
  return built;
}
