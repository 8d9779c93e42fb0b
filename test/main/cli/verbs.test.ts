// Proves the CLI as a user meets it, by running `node main/cli/lvmscope.mjs` in child
// processes on temporary workspaces: usage errors exit 2, bad input exits 1 with one sentence
// and no stack trace, the LVM2 commands change the VG as LVM2's would (relative -l/-L
// forms included), --dry-run writes nothing, and Ctrl-C during a move pauses it at a
// checkpoint so that a later `pvmove DIR` resumes it and every LV block verifies.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { cli, cliChild, imageDigests, isOneSentence, jsonRows, removeDir, tempDir } from './run';

let dir: string;
beforeAll(() => {
  dir = tempDir();
  const demo = cli('demo', path.join(dir, 'ws'));
  expect(demo.status, demo.stderr).toBe(0);
});
afterAll(() => removeDir(dir));
const ws = () => path.join(dir, 'ws');

describe('lvmscope usage and errors', () => {
  it('exits 2 on usage errors and lists every option in --help', () => {
    expect(cli('lvs').status).toBe(2);
    expect(cli('lvs', ws(), '--units', 'x').status).toBe(2);
    expect(cli('lvcreate', ws(), 'vg0', '-n', 'lvx').status).toBe(2);
    expect(cli('lvcreate', ws(), 'vg0', '-n', 'lvx', '-L', '12Q').status).toBe(2);
    expect(cli('lvs', ws(), '-o', '+nonsense').stderr).toMatch(/Unrecognised field: nonsense/);
    const help = cli('pvmove', '--help');
    expect(help.status).toBe(0);
    for (const option of ['--name', '--alloc', '--rate', '--region-size', '--abort', '--interval', '--workload', '--verify', '--dry-run']) expect(help.stdout).toContain(option);
    const top = cli('--help').stdout;
    for (const verb of ['demo', 'pvs', 'vgs', 'lvs', 'pvcreate', 'vgcreate', 'vgextend', 'vgreduce', 'lvcreate', 'lvextend', 'lvreduce', 'lvremove', 'lvrename', 'pvmove', 'dmsetup', 'verify', 'serve']) expect(top).toContain(verb);
  });

  it('exits 1 with one sentence on bad input, never a stack trace', () => {
    const cases = [
      cli('lvs', path.join(dir, 'nowhere')),
      cli('pvmove', ws()),
      cli('vgextend', ws(), 'vg0', 'pv9'),
      cli('lvextend', ws(), 'vg0/nolv', '-l', '+1'),
      cli('lvremove', ws(), 'lv0'),
      cli('pvmove', ws(), 'pv2:x', 'pv4', '--dry-run'),
      cli('pvmove', ws(), path.join(ws(), 'pv2.img:0-x'), '--dry-run'),
      cli('lvcreate', ws(), 'vg0', '-n', 'big', '-L', '1G'),
    ];
    for (const r of cases) {
      expect(r.status, r.stderr).toBe(1);
      expect(isOneSentence(r.stderr), r.stderr).toBe(true);
    }
    expect(cases[0].stderr).toMatch(/no workspace folder.*lvmscope demo/);
    expect(cases[1].stderr).toMatch(/No move is in progress.*name a source PV/);
    expect(cases[2].stderr).toMatch(/no image named pv9/);
    expect(cases[5].stderr).toMatch(/'x' in 'pv2:x' is not a PE range; write PV:FIRST-LAST or PV:PE.*like pv2:0-3/);
    expect(cases[6].stderr).toMatch(/'0-x' in '.*pv2\.img:0-x' is not a PE range/);
    expect(cases[7].stderr).toMatch(/vg0 has \d+ free extents; 1024 needed\. Ask for a smaller size \(at most \d+ extents\) or add a PV to vg0 with vgextend\./);
  });
});

describe('LVM2 commands through the CLI', () => {
  it('creates, grows, shrinks, renames and removes LVs and PVs as LVM2 would', () => {
    const steps: string[][] = [
      ['pvcreate', ws(), 'pv5', '--size', '16M'],
      ['vgextend', ws(), 'vg0', 'pv5.img'],
      ['lvcreate', ws(), 'vg0', '-n', 'lv1', '-L', '3M', 'pv4'],
      ['lvextend', ws(), 'vg0/lv1', '-l', '+2'],
      ['lvreduce', ws(), 'vg0/lv1', '-l', '-1'],
      ['lvextend', ws(), 'vg0/lv1', '-L', '+1M', path.join(ws(), 'pv5.img')],
      ['lvrename', ws(), 'vg0/lv1', 'data'],
    ];
    for (const s of steps) {
      const r = cli(...s);
      expect(r.status, `${s.join(' ')}: ${r.stderr}`).toBe(0);
    }
    const rows = jsonRows(cli('lvs', ws(), '--segments', '-o', 'lv_name,seg_start_pe,seg_size_pe,seg_pe_ranges', '--reportformat', 'json').stdout);
    expect(rows.filter((r) => r.lv_name === 'data')).toEqual([
      { lv_name: 'data', seg_start_pe: '0', seg_size_pe: '4', seg_pe_ranges: 'pv4:0-3' },
      { lv_name: 'data', seg_start_pe: '4', seg_size_pe: '1', seg_pe_ranges: 'pv5:0-0' },
    ]);
    expect(cli('lvremove', ws(), 'vg0/data').status).toBe(0);
    expect(cli('vgreduce', ws(), 'vg0', 'pv5').status).toBe(0);
    const vg = jsonRows(cli('vgs', ws(), '-o', 'vg_name,pv_count,lv_count,vg_free', '--reportformat', 'json').stdout);
    expect(vg).toEqual([{ vg_name: 'vg0', pv_count: '4', lv_count: '1', vg_free: '45.00m' }]);
    const orphan = jsonRows(cli('pvs', ws(), '--reportformat', 'json').stdout).find((r) => r.pv_name === 'pv5');
    expect(orphan).toMatchObject({ vg_name: '', pv_attr: '---', pv_size: '16.00m' });
  });

  it('prints a dry-run plan and changes nothing on disk', () => {
    const before = imageDigests(ws());
    const r = cli('pvmove', ws(), 'pv2', 'pv4', '--dry-run');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/pvmove .*pv2.*pv4/);
    expect(r.stdout).toMatch(/Would move 4 extents \(4\.00 MiB\) of lv0/);
    expect(r.stdout).toMatch(/Before:[\s\S]*After:/);
    expect(imageDigests(ws())).toEqual(before);
  });

  it('shows the activated device-mapper tables', () => {
    const r = cli('dmsetup', ws(), 'table', 'vg0-lv0');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(['0 12288 linear 7:0 2048', '12288 8192 linear 7:1 2048', '20480 10240 linear 7:2 2048']);
  });
});

describe('Ctrl-C during pvmove', () => {
  it('pauses at a checkpoint, releases the lock, and a later pvmove DIR resumes to a verified end', async () => {
    // Slow copy and few writes (each write to an uncopied region makes the copier hurry it),
    // so the move is surely still copying when Ctrl-C arrives.
    const child = cliChild('pvmove', ws(), 'pv2', 'pv4', '--rate', '128K', '--workload', 'randwrite:4k:2', '-i', '1');
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    const copying = new Promise<void>((resolve) => child.stdout.on('data', (d) => {
      stdout += String(d);
      if (/Moved: (?!100)\d/.test(stdout)) resolve();
    }));
    await copying;
    child.kill('SIGINT');
    const status = await new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    expect(status, stderr).toBe(1);
    // The sentence names the real folder, so it can be pasted as it is.
    expect(stderr).toContain(`paused by Ctrl-C at its last checkpoint; run 'lvmscope pvmove ${ws()}' to resume it`);
    const lvs = jsonRows(cli('lvs', ws(), '-a', '-o', 'lv_name,move_pv', '--reportformat', 'json').stdout);
    expect(lvs).toContainEqual({ lv_name: '[pvmove0]', move_pv: 'pv2' });
    const resumed = cli('pvmove', ws(), '--verify');
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/interrupted/);
    expect(resumed.stdout).toMatch(/pv2: Moved: 100\.00%/);
    expect(resumed.stdout).toMatch(/0 mismatches/);
    const devices = jsonRows(cli('lvs', ws(), '-a', '-o', 'lv_name,devices', '--reportformat', 'json').stdout);
    expect(devices.map((r) => r.devices)).toEqual(['pv1(0)', 'pv4(0)', 'pv3(0)']);
  }, 60_000);
});
