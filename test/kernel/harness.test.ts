// Proves the kernel test harness itself does what the other kernel tests rely on: the cpio
// writer produces archives GNU cpio lists correctly; the pattern checker finds a single wrong
// sector; the guest sees its disks in order under their names, reports the script's exit
// status, and is killed on timeout, after a delay, or at a marker line; and kernelReadLvs
// returns each of several LVs (dashed names, sizes not a multiple of the copy block) at the
// right offset. How: small archives checked with `cpio -t`; short guest scripts.

import { execFileSync } from 'node:child_process';
import { truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hasTool, missingTools } from '../helpers/tools';
import { newcArchive } from './cpio';
import { tempDir } from './fixtures';
import { installedKernel } from './initramfs';
import { dmName, kernelInspectVg, symbolicTable, symbolicTables } from './kernelLvm';
import { firstPatternMismatch, lvPattern, SECTOR_BYTES } from './pattern';
import { type GuestImage, runInGuest, runInGuestOk } from './qemu';

const noKernel = missingTools('qemu-system-x86_64', 'busybox', 'lvm') || installedKernel() === null;

describe('the harness without a guest', () => {
  it.skipIf(!hasTool('cpio'))('writes newc archives that GNU cpio lists with the right names and types', () => {
    const archive = newcArchive([
      { kind: 'dir', path: '/etc' },
      { kind: 'file', path: '/etc/hello', data: new TextEncoder().encode('hi\n'), mode: 0o600 },
      { kind: 'symlink', path: '/etc/link', target: 'hello' },
      { kind: 'chardev', path: '/console', major: 5, minor: 1 },
    ]);
    expect(archive.length % 4).toBe(0);
    const names = execFileSync('cpio', ['-it', '--quiet'], { input: archive, encoding: 'utf8' });
    expect(names.trim().split('\n')).toEqual(['etc', 'etc/hello', 'etc/link', 'console']);
    const verbose = execFileSync('cpio', ['-itv', '--quiet'], { input: archive, encoding: 'utf8' }).trim().split('\n');
    expect(verbose.map((l) => l.slice(0, 10))).toEqual(['drwxr-xr-x', '-rw-------', 'lrwxrwxrwx', 'crw-------']);
    expect(verbose[2]).toMatch(/etc\/link -> hello$/);
    expect(verbose[3]).toMatch(/ 5, +1 /);
  });

  it('finds the one sector that does not hold the pattern', () => {
    const bytes = lvPattern('vg0', 'lv0', 8, 64);
    expect(firstPatternMismatch(bytes, 'vg0', 'lv0', 8)).toBeNull();
    bytes[37 * SECTOR_BYTES + 100] ^= 1;
    expect(firstPatternMismatch(bytes, 'vg0', 'lv0', 8)?.sector).toBe(37);
    expect(firstPatternMismatch(lvPattern('vg0', 'lv0', 8, 64), 'vg0', 'lv1', 8)?.sector).toBe(0);
  });

  it('names dm devices as LVM2 does, doubling dashes, and replaces device numbers by names', () => {
    expect(dmName('my-vg', 'lv-a')).toBe('my--vg-lv--a');
    expect(symbolicTable('0 8 linear 254:16 2048', { '254:16': 'pv2' })).toBe('0 8 linear pv2 2048');
  });
});

describe.skipIf(noKernel)('the harness with a guest', () => {
  const temps: Array<() => void> = [];
  afterEach(() => temps.splice(0).forEach((remove) => remove()));
  function blankImages(...specs: Array<[string, number]>): GuestImage[] {
    const t = tempDir();
    temps.push(t.remove);
    return specs.map(([name, sizeMiB]) => {
      const file = path.join(t.dir, `${name}.img`);
      writeFileSync(file, '');
      truncateSync(file, sizeMiB * 1024 * 1024);
      return { path: file, name };
    });
  }

  it('shows the disks in order under their names and reports the exit status', async () => {
    const images = blankImages(['first', 8], ['second', 8]);
    const run = await runInGuest({ images, script: 'cat /sys/block/vda/serial; echo; cat /sys/block/vdb/serial; echo\nexit 7\n' });
    expect(run.killed).toBeNull();
    expect(run.exitCode).toBe(7);
    expect(run.output.split('\n').filter((l) => l === 'first' || l === 'second')).toEqual(['first', 'second']);
  });

  it('kills the guest at a marker line, after a delay, and on timeout', async () => {
    const script = 'echo before\necho KILL-ME\nsleep 100\necho after\n';
    const atMarker = await runInGuest({ images: [], script, killAtMarker: 'KILL-ME', killAfterScriptMs: 30_000 });
    expect(atMarker).toMatchObject({ killed: 'marker', exitCode: null });
    expect(atMarker.output).toContain('before');
    expect(atMarker.output).not.toContain('after');
    const afterDelay = await runInGuest({ images: [], script, killAfterScriptMs: 300 });
    expect(afterDelay).toMatchObject({ killed: 'time', exitCode: null });
    const timedOut = await runInGuest({ images: [], script: 'sleep 100\n', timeoutMs: 1500 });
    expect(timedOut).toMatchObject({ killed: 'timeout', exitCode: null });
  });

  it('reads several LVs with dashed names and odd sizes back at the right offsets', async () => {
    const images = blankImages(['pv-a', 16]);
    const lvs = [
      { name: 'lv-one', extents: 3 },
      { name: 'two', extents: 5 },
    ];
    // Fill each LV with its own pattern from a content disk the guest copies in.
    const contentFile = path.join(path.dirname(images[0].path), 'content.raw');
    const content = Buffer.concat(lvs.map((lv) => lvPattern('test-vg', lv.name, 2048, lv.extents * 2048)));
    writeFileSync(contentFile, content);
    const create = lvs.map((lv) => `lvcreate -q -Zn -y -n ${lv.name} -l ${lv.extents} test-vg`).join('\n');
    await runInGuestOk({
      images: [...images, { path: contentFile, name: 'content', snapshot: true }],
      script: `pvcreate -q /dev/vda\nvgcreate -q -s 1m test-vg /dev/vda\n${create}
dd if=/dev/vdb of=/dev/mapper/${dmName('test-vg', 'lv-one')} bs=1M count=3 iflag=direct oflag=direct
dd if=/dev/vdb of=/dev/mapper/${dmName('test-vg', 'two')} bs=1M skip=3 count=5 iflag=direct oflag=direct\n`,
    });
    const inspection = await kernelInspectVg(images, 'test-vg', lvs.map((lv) => lv.name));
    for (const lv of lvs) {
      const bytes = inspection.lvBytes[lv.name];
      expect(bytes.length).toBe(lv.extents * 1024 * 1024);
      expect(firstPatternMismatch(bytes, 'test-vg', lv.name, 2048), lv.name).toBeNull();
    }
    expect(symbolicTables(inspection.dm)).toEqual({ 'test--vg-lv--one': '0 6144 linear pv-a 2048', 'test--vg-two': '0 10240 linear pv-a 8192' });
  });
});
