// A generated fixture: a move the real kernel started and was interrupted in mid-copy.
//
// One guest boot builds a VG with real LVM2 (kvg: lv0 = 2 extents on kpv1, then a 256 MiB
// segment on kpv2), fills lv0 with the fixture pattern through device-mapper, starts the
// kernel's `pvmove kpv2 kpv3`, watches the mirror's sync counter, and is killed (SIGKILL on
// QEMU, like pulling the plug) when a quarter to a half of the regions are copied. What is
// left on the images is real: LVM2's in-progress metadata (lv0 LOCKED on pvmove0) and a
// destination holding a partial copy. Writes to kpv3 are throttled so the copy lasts long
// enough to be caught mid-way.
//
// The images are cached next to the initramfs (they are 500+ MiB, never committed) and
// copied into the caller's folder on each use.

import { constants, copyFileSync, existsSync, mkdirSync, openSync, closeSync, writeSync, renameSync, rmSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fail } from '../../app/base/result';
import { ensureInitramfs } from './initramfs';
import { SECTOR_BYTES, writePattern } from './pattern';
import { type GuestImage, guestValues, runInGuest } from './qemu';

const MIB = 1024 * 1024;
const VG = 'kvg';
const LV = 'lv0';
const EXTENT_MIB = 4;
const HEAD_EXTENTS = 2;
const MOVED_EXTENTS = 64; // 256 MiB, the segment pvmove copies
const DEST_WRITE_BYTES_PER_SECOND = 48 * MIB;
const LV_SECTORS = ((HEAD_EXTENTS + MOVED_EXTENTS) * EXTENT_MIB * MIB) / SECTOR_BYTES;

// kpv1 holds the head segment, kpv2 the segment to move, kpv3 receives it; each PV's data
// area starts at 1 MiB (LVM2's default alignment), hence the extra MiB.
const DISKS = [
  { name: 'kpv1', sizeMiB: 1 + (HEAD_EXTENTS + 1) * EXTENT_MIB },
  { name: 'kpv2', sizeMiB: 1 + MOVED_EXTENTS * EXTENT_MIB + 2 },
  { name: 'kpv3', sizeMiB: 1 + MOVED_EXTENTS * EXTENT_MIB + 2 },
];

const BUILD_AND_INTERRUPT_SCRIPT = `pvcreate -q /dev/vda /dev/vdb /dev/vdc
vgcreate -q -s ${EXTENT_MIB}m ${VG} /dev/vda /dev/vdb /dev/vdc
lvcreate -q -Zn -y -n ${LV} -l ${HEAD_EXTENTS} ${VG} /dev/vda
lvextend -q -l +${MOVED_EXTENTS} ${VG}/${LV} /dev/vdb
dd if=/dev/vdd of=/dev/mapper/${VG}-${LV} bs=4M iflag=direct oflag=direct 2>/dev/null
sync
pvmove -i 1 /dev/vdb /dev/vdc >/tmp/pvmove.log 2>&1 &
tries=0
while [ $tries -lt 2000 ]; do
  tries=$((tries + 1))
  set -- $(dmsetup status ${VG}-pvmove0 2>/dev/null || true)
  [ "$3" = mirror ] || { sleep 0.02; continue; }
  done_regions=\${7%/*}; total_regions=\${7#*/}
  if [ "$done_regions" -ge "$total_regions" ]; then echo "the copy finished before it could be interrupted"; exit 1; fi
  if [ $((done_regions * 4)) -ge "$total_regions" ]; then
    set -- $(dmsetup table ${VG}-pvmove0)
    echo "REGION_SECTORS=$6"
    echo "REGIONS_IN_SYNC=$done_regions"
    echo "REGIONS_TOTAL=$total_regions"
    echo KILL-ME
    sleep 60
  fi
  sleep 0.02
done
echo "pvmove never reached a quarter of its copy"; cat /tmp/pvmove.log; exit 1
`;

export interface KernelInterruptedMove {
  /** kpv1, kpv2, kpv3 as raw images in the caller's folder (guest order vda, vdb, vdc). */
  images: GuestImage[];
  vgName: string;
  lvName: string;
  sourcePv: string;
  destinationPv: string;
  extentSectors: number;
  lvSizeSectors: number;
  /** The LV extents being moved: LE [firstMovedLe, firstMovedLe + movedExtents). */
  firstMovedLe: number;
  movedExtents: number;
  /** LV layout once the move is finished: one segment per PV, in LV order. */
  finalPvs: string[];
  /** The mirror's progress when the guest was killed (dm-mirror regions). */
  regionSectors: number;
  regionsInSyncAtKill: number;
  regionsTotal: number;
}

type CachedInfo = Omit<KernelInterruptedMove, 'images'>;

function fixtureKey(): string {
  const h = createHash('sha256').update(BUILD_AND_INTERRUPT_SCRIPT).update(JSON.stringify(DISKS)).digest('hex');
  return `kernel-interrupted-move-${h.slice(0, 12)}`;
}

/** A raw disk holding lv0's intended content, which the guest `dd`s into the new LV. */
function writePatternDisk(file: string): void {
  const extentSectors = (EXTENT_MIB * MIB) / SECTOR_BYTES;
  const chunkSectors = 32768; // 16 MiB at a time
  const chunk = new Uint8Array(chunkSectors * SECTOR_BYTES);
  const fd = openSync(file, 'w');
  try {
    for (let first = 0; first < LV_SECTORS; first += chunkSectors) {
      const count = Math.min(chunkSectors, LV_SECTORS - first);
      writePattern(chunk, VG, LV, extentSectors, first, count);
      writeSync(fd, chunk, 0, count * SECTOR_BYTES);
    }
  } finally {
    closeSync(fd);
  }
}

async function buildInto(dir: string): Promise<CachedInfo> {
  const images: GuestImage[] = DISKS.map((d) => {
    const file = path.join(dir, `${d.name}.img`);
    writeFileSync(file, '');
    truncateSync(file, d.sizeMiB * MIB);
    return { path: file, name: d.name };
  });
  images[2].writeBytesPerSecond = DEST_WRITE_BYTES_PER_SECOND;
  const source = path.join(dir, 'lv-content.raw');
  writePatternDisk(source);
  const run = await runInGuest({
    images: [...images, { path: source, name: 'lv-content', snapshot: true }],
    script: BUILD_AND_INTERRUPT_SCRIPT,
    killAtMarker: 'KILL-ME',
    timeoutMs: 180_000,
  });
  rmSync(source);
  if (run.killed !== 'marker') {
    fail('STATE', `building the kernel-interrupted move failed (${run.killed ?? `exit ${run.exitCode}`}); console tail:\n${run.console.slice(-3000)}`);
  }
  const v = guestValues(run.output);
  const extentSectors = (EXTENT_MIB * MIB) / SECTOR_BYTES;
  return {
    vgName: VG,
    lvName: LV,
    sourcePv: 'kpv2',
    destinationPv: 'kpv3',
    extentSectors,
    lvSizeSectors: LV_SECTORS,
    firstMovedLe: HEAD_EXTENTS,
    movedExtents: MOVED_EXTENTS,
    finalPvs: ['kpv1', 'kpv3'],
    regionSectors: Number(v.REGION_SECTORS),
    regionsInSyncAtKill: Number(v.REGIONS_IN_SYNC),
    regionsTotal: Number(v.REGIONS_TOTAL),
  };
}

/** Older versions of this fixture are 500+ MiB each: drop them when the recipe changes. */
function removeStaleFixtures(folder: string, keep: string): void {
  if (!existsSync(folder)) return;
  for (const entry of readdirSync(folder)) {
    if (/^kernel-interrupted-move-[0-9a-f]+$/.test(entry) && entry !== keep) rmSync(path.join(folder, entry), { recursive: true, force: true });
  }
}

/** Builds the fixture once per kernel + recipe + script, in the cache; returns its folder. */
async function cachedFixture(): Promise<string> {
  const { cacheDir } = ensureInitramfs();
  const final = path.join(cacheDir, 'fixtures', fixtureKey());
  if (existsSync(path.join(final, 'info.json'))) return final;
  removeStaleFixtures(path.dirname(final), path.basename(final));
  const building = `${final}.${process.pid}.partial`;
  rmSync(building, { recursive: true, force: true });
  mkdirSync(building, { recursive: true });
  try {
    const info = await buildInto(building);
    writeFileSync(path.join(building, 'info.json'), JSON.stringify(info, null, 2));
    if (!existsSync(final)) renameSync(building, final);
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
  return final;
}

/**
 * Copies the kernel-interrupted move into `dir` (building it on first use, ~20 s; later
 * calls only copy ~530 MiB). Finishing it must leave lv0 on `finalPvs` with every sector
 * matching the fixture pattern (`firstPatternMismatch(bytes, vgName, lvName, extentSectors)`).
 */
export async function makeKernelInterruptedMove(dir: string): Promise<KernelInterruptedMove> {
  const cached = await cachedFixture();
  const info = JSON.parse(readFileSync(path.join(cached, 'info.json'), 'utf8')) as CachedInfo;
  const images = DISKS.map((d) => {
    const file = path.join(dir, `${d.name}.img`);
    copyFileSync(path.join(cached, `${d.name}.img`), file, constants.COPYFILE_FICLONE);
    return { path: file, name: d.name };
  });
  return { ...info, images };
}
