// Proves lvmscope's mirror (the kernel's write rule, what the lvm2 stack loads) does with a
// write ahead of the copy what the real dm-raid1 does (lvm2-format.md §7, dm-raid1.c
// do_writes): a write to a region recovery has not reached lands on the source leg only, the
// destination keeps its old bytes until recovery copies that region, new data included.
// How: the same table (`mirror core 1 1024 2 <src> 0 <dst> 0`, 32 regions of 512 KiB) over
// the same bytes. In the guest the destination disk's writes are throttled (QEMU, 1 MiB/s) so
// recovery takes about 16 s; a 4 KiB write goes to region 28 at once, then both legs are read
// directly (O_DIRECT), and read again once `dmsetup status` says 32/32. In lvmscope the copier
// is rate-limited instead, on simulated time. The observations (digests of the written
// block on each leg before and after the copy, whether recovery had reached the region) match.

import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SeededRandom } from '../../app/base/clock';
import { DeviceMapper } from '../../app/dm';
import { missingTools } from '../helpers/tools';
import { SimClock } from '../sim/clock';
import { SimDisk } from '../sim/simDisk';
import { tempDir } from './fixtures';
import { installedKernel } from './initramfs';
import { guestValues, runInGuestOk } from './qemu';

const noKernel = missingTools('qemu-system-x86_64', 'busybox', 'lvm') || installedKernel() === null;

const MiB = 1024 * 1024;
const LEN_SECTORS = 32768; // 16 MiB
const REGION_SECTORS = 1024; // 512 KiB: 32 regions
const LATE_REGION = 28;
/** The 4 KiB block written: 8 sectors into the late region. */
const BLOCK_SECTOR = LATE_REGION * REGION_SECTORS + 8;

/** What one side saw; digests are md5 of the 4 KiB block at BLOCK_SECTOR. */
interface Observations {
  sourceAfterWrite: string;
  destinationAfterWrite: string;
  reachedBeforeWrite: boolean;
  destinationAfterSync: string;
}

const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');

function sourceBytes(): Uint8Array {
  const bytes = new Uint8Array(LEN_SECTORS * 512);
  for (let i = 0; i < bytes.length; i += 512) bytes.fill((i / 512) % 251, i, i + 512);
  return bytes;
}

const BLOCK = new Uint8Array(4096).fill(0xab);

describe.skipIf(noKernel)('a write ahead of the copy, kernel and lvmscope', () => {
  const temps: Array<() => void> = [];
  afterEach(() => temps.splice(0).forEach((remove) => remove()));

  it('lands on the source leg only, and reaches the destination when recovery copies its region, in both', async () => {
    const t = tempDir();
    temps.push(t.remove);
    const file = (name: string, bytes: Uint8Array) => {
      const p = path.join(t.dir, `${name}.img`);
      writeFileSync(p, bytes);
      return p;
    };
    const content = new Uint8Array(MiB);
    content.set(BLOCK);
    const images = [
      { path: file('source', sourceBytes()), name: 'source', snapshot: true },
      { path: file('dest', new Uint8Array(LEN_SECTORS * 512)), name: 'dest', snapshot: true, writeBytesPerSecond: MiB },
      { path: file('content', content), name: 'content', snapshot: true },
    ];
    const block = (dev: string) => `dd if=${dev} bs=4096 skip=${BLOCK_SECTOR / 8} count=1 iflag=direct 2>/dev/null | md5sum | cut -d' ' -f1`;
    const script = `dmsetup create m --table "0 ${LEN_SECTORS} mirror core 1 ${REGION_SECTORS} 2 /dev/vda 0 /dev/vdb 0"
# No udev here: make the /dev/mapper node ourselves (dd would otherwise write a plain file).
dmsetup mknodes m
test -b /dev/mapper/m
dd if=/dev/vdc of=/dev/mapper/m bs=4096 count=1 seek=${BLOCK_SECTOR / 8} iflag=direct oflag=direct conv=notrunc
echo STATUS_AFTER_WRITE=$(dmsetup status m)
echo SOURCE_AFTER_WRITE=$(${block('/dev/vda')})
echo DEST_AFTER_WRITE=$(${block('/dev/vdb')})
n=0
while ! dmsetup status m | grep -q ' 32/32 '; do n=$((n+1)); [ $n -gt 240 ] && break; sleep 1; done
echo STATUS_AT_END=$(dmsetup status m)
echo DEST_AFTER_SYNC=$(${block('/dev/vdb')})
dmsetup remove m
`;
    const run = await runInGuestOk({ images, script, timeoutMs: 300_000 });
    const v = guestValues(run.output);
    expect(v.STATUS_AT_END, run.console.slice(-2000)).toMatch(/ 32\/32 /);
    const inSyncAfterWrite = Number(/ (\d+)\/32 /.exec(v.STATUS_AFTER_WRITE)?.[1]);
    const kernel: Observations = {
      sourceAfterWrite: v.SOURCE_AFTER_WRITE,
      destinationAfterWrite: v.DEST_AFTER_WRITE,
      reachedBeforeWrite: inSyncAfterWrite > LATE_REGION,
      destinationAfterSync: v.DEST_AFTER_SYNC,
    };
    const ours = await lvmscopeObservations();
    expect(ours).toEqual(kernel);
    // And what they are: the write on the source only, the destination's old zeros, then the write.
    expect(kernel).toEqual({ sourceAfterWrite: md5(BLOCK), destinationAfterWrite: md5(new Uint8Array(4096)), reachedBeforeWrite: false, destinationAfterSync: md5(BLOCK) });
  }, 360_000);
});

/** The same scenario through lvmscope's mirror (a table from text: the kernel's rule), on simulated time. */
async function lvmscopeObservations(): Promise<Observations> {
  const clock = new SimClock();
  const random = new SeededRandom(1);
  const dm = new DeviceMapper({ clock });
  const source = new SimDisk('source.img', LEN_SECTORS * 512, { clock, random, latencyMs: [0.1, 1] });
  const dest = new SimDisk('dest.img', LEN_SECTORS * 512, { clock, random, latencyMs: [0.1, 1] });
  source.current.set(sourceBytes());
  dm.addImage(source, 1);
  dm.addImage(dest, 2);
  dm.copier.setRate(MiB);
  dm.create('m');
  dm.loadText('m', `0 ${LEN_SECTORS} mirror core 1 ${REGION_SECTORS} 2 7:1 0 7:2 0`);
  await clock.run(dm.resume('m'));
  await clock.run(dm.get('m').write(BLOCK_SECTOR, BLOCK));
  const at = (disk: SimDisk) => disk.current.subarray(BLOCK_SECTOR * 512, BLOCK_SECTOR * 512 + 4096);
  const mirror = dm.mirror('m');
  const observed = { sourceAfterWrite: md5(at(source)), destinationAfterWrite: md5(at(dest)), reachedBeforeWrite: mirror.inSyncRegions > LATE_REGION };
  await clock.run(mirror.awaitInSync());
  return { ...observed, destinationAfterSync: md5(at(dest)) };
}
