// A Linux guest whose only disk is an NBD export: the guest side of nbdGuest.test.ts.
//
// The guest makes an ext4 filesystem on /dev/vda, then writes until the host types a line into
// its console: each round a new random file into one of SLOTS names (replacing the one before),
// with its sha256 kept in the guest's tmpfs, and one 4 KiB block of a "hot" file overwritten in
// place (ext4 rewrites those very sectors, so they keep landing in regions a mirror is copying),
// every write fsync'ed so it really leaves the guest. It prints `WROTE <n>` after each round,
// which is how the host sees that the guest kept writing during each phase of a move.
// Once stopped it unmounts, runs `e2fsck -fn`, drops its caches, mounts read-only and compares
// every file (and the hot file) against what it wrote, and prints the sums so the host can
// check the same files in the LV bytes real LVM2 maps (hostExt4Files).

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fail } from '../../app/base/result';
import { hostLvm, hostLvSegments } from './hostLvm';
import type { GuestImage } from './qemu';

/** How many file names the writer cycles through (keeps a 15 MiB filesystem from filling up). */
const SLOTS = 40;
const HOT_BLOCKS = 64;

/** The line the guest prints after each round of writes. */
export const WROTE_LINE = /^WROTE (\d+)$/;

export const NBD_GUEST_SCRIPT = `
DEV=/dev/vda
mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 $DEV
mkdir -p /mnt /tmp/sums
mount -t ext4 $DEV /mnt
dd if=/dev/zero of=/tmp/hot bs=4096 count=${HOT_BLOCKS} 2>/dev/null
cp /tmp/hot /mnt/hot
sync
echo FS-READY
# Any line typed into the console stops the writer (stdin of a background job is /dev/null).
( read -r _ </dev/console; : >/tmp/stop ) &
i=0
while [ ! -e /tmp/stop ]; do
  i=$((i + 1))
  f=f$((i % ${SLOTS}))
  dd if=/dev/urandom of=/tmp/buf bs=4096 count=$((1 + (i * 7) % 24)) 2>/dev/null
  dd if=/tmp/buf of=/mnt/$f bs=4096 conv=fsync 2>/dev/null
  sha256sum </tmp/buf | cut -d' ' -f1 >/tmp/sums/$f
  b=$(((i * 37) % ${HOT_BLOCKS}))
  dd if=/tmp/buf of=/tmp/hot bs=4096 count=1 seek=$b conv=notrunc 2>/dev/null
  dd if=/tmp/buf of=/mnt/hot bs=4096 count=1 seek=$b conv=notrunc,fsync 2>/dev/null
  echo "WROTE $i"
done
wait
sha256sum </tmp/hot | cut -d' ' -f1 >/tmp/sums/hot
sync
umount /mnt
rc=0
e2fsck -fn $DEV >/tmp/fsck.out 2>&1 || rc=$?
cat /tmp/fsck.out
echo "FSCK=$rc"
echo 3 >/proc/sys/vm/drop_caches
mount -t ext4 -o ro $DEV /mnt
checked=0
bad=0
for s in /tmp/sums/*; do
  f=$(basename $s)
  checked=$((checked + 1))
  if [ "$(sha256sum </mnt/$f | cut -d' ' -f1)" != "$(cat $s)" ]; then echo "MISMATCH $f"; bad=$((bad + 1)); fi
  echo "SUM $f $(cat $s)"
done
umount /mnt
echo "CHECKED=$checked"
echo "MISMATCHES=$bad"
`;

export interface GuestFsReport {
  /** e2fsck -fn's exit status (0: clean). */
  fsck: number;
  checked: number;
  mismatches: number;
  /** File name → sha256 of what the guest wrote last. */
  sums: Record<string, string>;
}

/** What the guest's script printed after it stopped writing. */
export function guestFsReport(output: string): GuestFsReport {
  const value = (key: string) => {
    const m = new RegExp(`^${key}=(\\d+)$`, 'm').exec(output);
    return m ? Number(m[1]) : fail('STATE', `the guest did not report ${key}; its output:\n${output.slice(-3000)}`);
  };
  const sums: Record<string, string> = {};
  for (const m of output.matchAll(/^SUM (\S+) ([0-9a-f]{64})$/gm)) sums[m[1]] = m[2];
  return { fsck: value('FSCK'), checked: value('CHECKED'), mismatches: value('MISMATCHES'), sums };
}

/** Kernel lines that would mean the guest saw an IO error (the move must never cause one). */
export function guestIoErrors(consoleText: string): string[] {
  return consoleText.split('\n').filter((l) => /I\/O error|EXT4-fs error|Buffer I\/O|blk_update_request|Aborting journal/.test(l));
}

const SECTOR = 512;

/** Sector counts as LVM2 reports them with `--units s --nosuffix` (integers). */
function sectors(text: string): number {
  const n = Number(text.trim());
  return Number.isInteger(n) ? n : fail('STATE', `host LVM2 reported "${text}" where a sector count was expected.`);
}

/**
 * Every byte of an LV as real LVM2 maps it: its segments (`lvs seg_pe_ranges`), each PV's
 * pe_start and the VG's extent size from host LVM2, read out of the images. Linear segments only.
 */
export function readLvThroughHostLvm2(images: readonly GuestImage[], vg: string, lv: string): Uint8Array {
  const extent = sectors(hostLvm(images, 'vgs', ['--noheadings', '--units', 's', '--nosuffix', '-o', 'vg_extent_size', vg]));
  const peStart = new Map(
    hostLvm(images, 'pvs', ['--noheadings', '--units', 's', '--nosuffix', '-o', 'pv_name,pe_start'])
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .map(([name, start]) => [name, sectors(start)] as const),
  );
  const segments = hostLvSegments(images, vg).filter((s) => s.lvName === lv);
  const total = segments.reduce((n, s) => n + s.segSizePe, 0);
  const out = new Uint8Array(total * extent * SECTOR);
  for (const seg of segments) {
    const m = /^(\S+):(\d+)-(\d+)$/.exec(seg.peRanges) ?? fail('STATE', `${vg}/${lv}: segment "${seg.peRanges}" is not linear on one PV.`);
    const image = images.find((i) => i.name === m[1]) ?? fail('NOT_FOUND', `no image is named ${m[1]}.`);
    const fd = openSync(image.path, 'r');
    try {
      const offset = (peStart.get(m[1])! + Number(m[2]) * extent) * SECTOR;
      readSync(fd, out, seg.segStartPe * extent * SECTOR, seg.segSizePe * extent * SECTOR, offset);
    } finally {
      closeSync(fd);
    }
  }
  return out;
}

export interface HostExt4Check {
  /** e2fsck -fn on the host, on a copy of the LV's bytes. */
  fsck: { status: number; output: string };
  /** sha256 of each named file as debugfs reads it out of the copy. */
  sums: Record<string, string>;
}

/** Checks an ext4 image of the LV on the host: e2fsck -fn, and each file's sha256 through debugfs. */
export function hostExt4Files(bytes: Uint8Array, dir: string, files: readonly string[]): HostExt4Check {
  const image = path.join(dir, 'lv-copy.ext4');
  writeFileSync(image, bytes);
  let fsck: HostExt4Check['fsck'];
  try {
    fsck = { status: 0, output: execFileSync('e2fsck', ['-fn', image], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
  } catch (e) {
    const err = e as { status?: number; stdout?: string; stderr?: string };
    fsck = { status: err.status ?? -1, output: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
  const sums: Record<string, string> = {};
  for (const f of files) {
    const data = execFileSync('debugfs', ['-R', `cat /${f}`, image], { stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 26 });
    sums[f] = createHash('sha256').update(data).digest('hex');
  }
  return { fsck, sums };
}
