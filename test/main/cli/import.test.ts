// `lvmscope import` as a user runs it: a backup becomes a workspace that the other verbs open,
// plan and verify; every refusal is one sentence and leaves nothing on disk (no images, no
// half-written hidden folder).

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureText } from '../../app/lvm/fixtureImages';
import { cli, isOneSentence, removeDir, tempDir } from './run';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

function scratch(): string {
  const dir = tempDir('lvmscope-import-cli-');
  dirs.push(dir);
  return dir;
}

function backupFile(dir: string, text = fixtureText('seed', 'vgcfgbackup.txt')): string {
  const file = path.join(dir, 'vg0.backup');
  writeFileSync(file, text);
  return file;
}

/** Everything in `dir` except the inputs the test wrote: nothing, after a refusal. */
function leftovers(dir: string): string[] {
  return readdirSync(dir).filter((n) => !n.endsWith('.backup'));
}

describe('lvmscope import --backup', () => {
  it('makes a workspace that pvmove plans on and verify checks, with the devices as image names', () => {
    const dir = scratch();
    const ws = path.join(dir, 'ws');
    const r = cli('import', ws, '--backup', backupFile(dir));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Imported vg0 \(1 LVs on 4 PVs\) into .* in [\d.]+ s: rehearsal of vg0 from \S+ \d{4}-\d\d-\d\d\./);
    expect(readdirSync(ws).sort()).toEqual(['.lvmscope-import.json', '.lvmscope-writes.log', 'loop0.img', 'loop1.img', 'loop2.img', 'loop3.img']);
    const plan = cli('pvmove', ws, 'loop1', 'loop3', '--dry-run');
    expect(plan.status, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/lv0 LE 6-9: loop1:0-3 -> loop3:0-3/);
    const verify = cli('verify', ws);
    expect(verify.status, verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(/vg0\/lv0: .*30720 sectors filled with the demo pattern.*0 mismatches/);
  });

  it('leaves the LVs sparse with --no-data', () => {
    const dir = scratch();
    const ws = path.join(dir, 'ws');
    const r = cli('import', ws, '--backup', backupFile(dir), '--no-data');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/hold no data \(--no-data\)/);
  });

  it('refuses a folder that is not empty, in one sentence, and touches nothing in it', () => {
    const dir = scratch();
    const ws = path.join(dir, 'ws');
    mkdirSync(ws);
    writeFileSync(path.join(ws, 'mine.img'), 'precious');
    const r = cli('import', ws, '--backup', backupFile(dir));
    expect(r.status).toBe(1);
    expect(isOneSentence(r.stderr), r.stderr).toBe(true);
    expect(r.stderr).toMatch(/is not empty \(it holds mine\.img\)/);
    expect(readdirSync(ws)).toEqual(['mine.img']);
  });

  it('refuses a file that is not a backup and writes nothing', () => {
    const dir = scratch();
    const r = cli('import', path.join(dir, 'ws'), '--backup', backupFile(dir, 'hello\n'));
    expect(r.status).toBe(1);
    expect(isOneSentence(r.stderr), r.stderr).toBe(true);
    expect(r.stderr).toMatch(/is not an LVM2 volume group backup/);
    expect(leftovers(dir)).toEqual([]);
  });

  it('refuses a truncated backup and writes nothing', () => {
    const dir = scratch();
    const text = fixtureText('seed', 'vgcfgbackup.txt');
    const r = cli('import', path.join(dir, 'ws'), '--backup', backupFile(dir, text.slice(0, text.length / 2)));
    expect(r.status).toBe(1);
    expect(isOneSentence(r.stderr), r.stderr).toBe(true);
    expect(r.stderr).toMatch(/is truncated or garbled/);
    expect(leftovers(dir)).toEqual([]);
  });

  it('refuses a PV larger than the file system can hold as a file, and leaves nothing behind', () => {
    const dir = scratch();
    // 4 PiB: ext4 (16 TiB at most) and tmpfs refuse a file that large, even sparse (EFBIG).
    const text = fixtureText('seed', 'vgcfgbackup.txt').replace('dev_size = 32768', 'dev_size = 8796093022207');
    const r = cli('import', path.join(dir, 'ws'), '--backup', backupFile(dir, text), '--no-data');
    expect(r.status).toBe(1);
    expect(isOneSentence(r.stderr), r.stderr).toBe(true);
    expect(r.stderr).toMatch(/loop0\.img .*nothing was left in/);
    expect(leftovers(dir)).toEqual([]);
    expect(existsSync(path.join(dir, 'ws'))).toBe(false);
  });

  it('asks for exactly one source', () => {
    const dir = scratch();
    const r = cli('import', path.join(dir, 'ws'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/give exactly one of --backup FILE or --devices/);
  });
});

describe('lvmscope export-script', () => {
  it('writes the planned move as a bash script with the original devices, a backup first, exact pvmove ranges and checks around each', () => {
    const dir = scratch();
    const ws = path.join(dir, 'ws');
    expect(cli('import', ws, '--backup', backupFile(dir), '--no-data').status).toBe(0);
    const fio = path.join(dir, 'fio.json');
    writeFileSync(fio, JSON.stringify({ jobs: [{ read: { bw: 409600 }, write: { bw: 204800 } }] }));
    const out = path.join(dir, 'plan.sh');
    const r = cli('export-script', ws, 'loop1', 'loop3', '--rate-from', fio, '-o', out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Wrote .*plan\.sh: 1 pvmove step\(s\) at 200\.00 MiB\/s/);
    const script = readFileSync(out, 'utf8');
    const lines = script.split('\n');
    expect(lines[0]).toBe('#!/bin/bash');
    expect(script).toMatch(/# Estimated copy time at 200\.00 MiB\/s \(fio .*read 400\.00 MiB\/s, write 200\.00 MiB\/s; the slower is used/);
    const order = ['set -euo pipefail', 'vgcfgbackup -f "$BACKUP_FILE" "$VG"', 'expect_extents /dev/loop1 0 3 lv0', 'expect_free /dev/loop3 0 3', 'pvmove -i 10 --alloc normal -n lv0 /dev/loop1:0-3 /dev/loop3:0-3', 'expect_extents /dev/loop3 0 3 lv0', 'expect_free /dev/loop1 0 3', 'vgck "$VG"'];
    expect(order.map((l) => lines.indexOf(l))).toEqual([...order.map((l) => lines.indexOf(l))].sort((a, b) => a - b));
    expect(order.every((l) => lines.includes(l))).toBe(true);
    expect(script).toMatch(/\[ "\$SEQNO" = "4" \] \|\| fail/);
    expect(execFileSync('bash', ['-n', out]).toString()).toBe('');
  });

  it('refuses a rate file that is not fio JSON, in one sentence', () => {
    const dir = scratch();
    const ws = path.join(dir, 'ws');
    expect(cli('import', ws, '--backup', backupFile(dir), '--no-data').status).toBe(0);
    const bad = path.join(dir, 'fio.txt');
    writeFileSync(bad, 'READ: bw=400MiB/s');
    const r = cli('export-script', ws, 'loop1', 'loop3', '--rate-from', bad);
    expect(r.status).toBe(1);
    expect(isOneSentence(r.stderr), r.stderr).toBe(true);
    expect(r.stderr).toMatch(/is not fio JSON output/);
  });
});
