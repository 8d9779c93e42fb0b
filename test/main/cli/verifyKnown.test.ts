// verify checks only what lvmscope knows was written (the demo fill's record and the workload's
// journal), so an LV grown by lvextend or created by lvcreate raises no false alarm, while a
// byte flipped where the demo pattern belongs is still found. Each verb runs as a user runs it.

import { openSync, closeSync, readSync, writeSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, removeDir, tempDir } from './run';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) removeDir(dirs.pop()!);
});

function demo(): string {
  const dir = tempDir('lvmscope-verify-');
  dirs.push(dir);
  expect(cli('demo', dir).status).toBe(0);
  return dir;
}

describe('verify after LVM commands that lvmscope did not fill', () => {
  it('finds no mismatch after lvextend, and says the new extents were not checked', () => {
    const dir = demo();
    // Garbage where the new extents will be: what a real disk holds in unused space.
    const fd = openSync(path.join(dir, 'pv4.img'), 'r+');
    writeSync(fd, Buffer.alloc(1 << 20, 0xa5), 0, 1 << 20, 2 << 20);
    closeSync(fd);
    expect(cli('lvextend', dir, 'vg0/lv0', '-L', '+2m', 'pv4').status).toBe(0);
    const r = cli('verify', dir);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/vg0\/lv0: 15\.00 MiB checked .*; 4096 sectors lvmscope never wrote .* were not checked: 0 mismatches\./);
  });

  it('finds no mismatch on a fresh LV from lvcreate, and says nothing of it was checked', () => {
    const dir = demo();
    expect(cli('lvcreate', dir, 'vg0', '-n', 'fresh', '-L', '3m').status).toBe(0);
    const r = cli('verify', dir);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/vg0\/fresh: 0 B checked \(0 written by the workload\); 6144 sectors lvmscope never wrote .* were not checked: 0 mismatches\./);
    expect(r.stdout).toMatch(/vg0\/lv0: 15\.00 MiB checked .*: 0 mismatches\./);
  });

  it('still finds a flipped byte in the demo-filled part of an extended LV', () => {
    const dir = demo();
    expect(cli('lvextend', dir, 'vg0/lv0', '-L', '+2m', 'pv4').status).toBe(0);
    // lv0 LE 0 is pv1 PE 0: pe_start is 1 MiB, so LV byte 100 is image byte 1 MiB + 100.
    const fd = openSync(path.join(dir, 'pv1.img'), 'r+');
    const byte = Buffer.alloc(1);
    readSync(fd, byte, 0, 1, (1 << 20) + 100);
    byte[0] ^= 0x20;
    writeSync(fd, byte, 0, 1, (1 << 20) + 100);
    closeSync(fd);
    const r = cli('verify', dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/vg0\/lv0: 1 of 30720 checked sectors do not hold what was written; first at byte 0\./);
  });
});

describe('verify after lvreduce then lvextend', () => {
  it('does not pass the re-added extents off as demo data (no false alarm, and they are not checked)', () => {
    const dir = demo();
    expect(cli('lvreduce', dir, 'vg0/lv0', '-L', '-2m').status).toBe(0);
    // Garbage in pv4's free extents, where lvextend will allocate.
    const fd = openSync(path.join(dir, 'pv4.img'), 'r+');
    writeSync(fd, Buffer.alloc(2 << 20, 0xa5), 0, 2 << 20, 1 << 20);
    closeSync(fd);
    expect(cli('lvextend', dir, 'vg0/lv0', '-L', '+2m', 'pv4').status).toBe(0);
    const r = cli('verify', dir);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/vg0\/lv0: 13\.00 MiB checked .*; 4096 sectors lvmscope never wrote .* were not checked: 0 mismatches\./);
  });
});
