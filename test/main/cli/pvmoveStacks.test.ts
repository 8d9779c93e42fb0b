// Proves `lvmscope pvmove --stack outline|lvm2` as a user meets it, in real CLI processes on
// temporary copies of the seed demo (lv0 = pv1:0-5 | pv2:0-3 | pv3:0-4, 1 MiB extents):
// - --help lists both options; a bad stack, a bad --max-segment-size, --max-segment-size with
//   the outline or on a resume are usage errors (exit 2, one line) that change nothing;
// - --dry-run shows, for the chosen stack, pvmove0's segments (split by --max-segment-size) and
//   what a crash costs with each stack, and writes nothing;
// - a move with each stack prints the steps of its own list as [index/total] (8 for the
//   outline's one LV; 7 for lvm2's one segment, 9 once --max-segment-size 2 splits it in two),
//   ends with every block verified and lv0 on its new extents;
// - Ctrl-C during an lvm2 move with four segments pauses at its last checkpoint, and a later
//   `pvmove DIR --stack lvm2` resumes it with a resumed list (no commit step, only the
//   unfinished segments copied) to a verified end.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { cli, cliChild, imageDigests, isOneSentence, jsonRows, removeDir, tempDir } from './run';

let dir: string;
beforeAll(() => {
  dir = tempDir('lvmscope-stacks-');
});
afterAll(() => removeDir(dir));

/** A fresh seed demo of its own for each test that moves. */
function demo(name: string): string {
  const ws = path.join(dir, name);
  const r = cli('demo', ws);
  expect(r.status, r.stderr).toBe(0);
  return ws;
}

const devicesOf = (ws: string) => jsonRows(cli('lvs', ws, '-a', '-o', 'lv_name,devices', '--reportformat', 'json').stdout).map((r) => r.devices);

/** The `[index/total] name (lv)` titles of the steps a move printed, in order. */
const stepTitles = (stdout: string) => [...stdout.matchAll(/^ {2}\[(\d+)\/(\d+)\] ([^:]+):/gm)].map((m) => `[${m[1]}/${m[2]}] ${m[3]}`);

describe('pvmove --stack and --max-segment-size arguments', () => {
  it('lists both options in --help with the stacks to choose from', () => {
    const help = cli('pvmove', '--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/--stack <stack>[\s\S]*choices: "outline", "lvm2"[\s\S]*default: "outline"/);
    expect(help.stdout).toMatch(/--max-segment-size <MiB>[\s\S]*pvmove_max_segment_size_mb/);
  });

  it('refuses a bad stack, a bad size, the size with the outline or on a resume: exit 2, one line, nothing changed', () => {
    const ws = demo('args');
    const before = imageDigests(ws);
    const cases: Array<[string[], RegExp]> = [
      [['--stack', '2002'], /^lvmscope: option '--stack <stack>' argument '2002' is invalid\. Allowed choices are outline, lvm2; see lvmscope pvmove --help\.$/],
      [['--stack', 'lvm2', '--max-segment-size', '0'], /^lvmscope: option '--max-segment-size <MiB>' argument '0' is invalid\. The maximum segment size '0' must be a whole number of MiB, at least 1 \(like 64, or 1G\); see lvmscope pvmove --help\.$/],
      [['--stack', 'lvm2', '--max-segment-size', 'big'], /argument 'big' is invalid\. The maximum segment size 'big' must be a whole number of MiB/],
      [['--max-segment-size', '2'], /^lvmscope: --max-segment-size splits the segments of LVM2's pvmove0 device, which only the lvm2 stack mirrors one at a time: add --stack lvm2, or leave it out; see lvmscope pvmove --help\.$/],
    ];
    for (const [options, sentence] of cases) {
      const r = cli('pvmove', ws, 'pv2', 'pv4', ...options);
      expect(r.status, `${options.join(' ')}: ${r.stderr}`).toBe(2);
      expect(isOneSentence(r.stderr), r.stderr).toBe(true);
      expect(r.stderr.trim()).toMatch(sentence);
    }
    const resume = cli('pvmove', ws, '--stack', 'lvm2', '--max-segment-size', '2');
    expect(resume.status).toBe(2);
    expect(resume.stderr.trim()).toMatch(/^lvmscope: --max-segment-size applies when a move starts; a resumed or aborted move keeps the pvmove0 segments its metadata records, so leave it out; see lvmscope pvmove --help\.$/);
    expect(imageDigests(ws)).toEqual(before);
  });
});

describe('pvmove --dry-run for each stack', () => {
  it("shows the outline's pvmove0 record and what a crash costs with each stack, changing nothing", () => {
    const ws = demo('dry-outline');
    const before = imageDigests(ws);
    const r = cli('pvmove', ws, 'pv2', 'pv4', '--dry-run');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ {2}Stack outline \(2002 outline\): each LV's own table becomes identity \+ mirror over a temporary -orig device/m);
    expect(r.stdout).toContain('    pvmove0 segment 1: LE 0-3 = lv0 LE 6-9, pv2:0-3 -> pv4:0-3 (4.00 MiB)');
    expect(r.stdout).toMatch(/A crash during the move re-copies at most 4\.00 MiB with this stack .*; the lvm2 stack would re-copy up to 4\.00 MiB/);
    expect(r.stdout).toMatch(/Dry run: nothing was changed\./);
    expect(imageDigests(ws)).toEqual(before);
  });

  it('shows the lvm2 stack with pvmove0 split by --max-segment-size, and the smaller crash cost', () => {
    const ws = demo('dry-lvm2');
    const before = imageDigests(ws);
    const r = cli('pvmove', ws, 'pv2', 'pv4', '--dry-run', '--stack', 'lvm2', '--max-segment-size', '2');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ {2}Stack lvm2 \(LVM2 today \(pvmove0\)\): a hidden pvmove0 device below the LVs mirrors these segments one at a time/m);
    const segments = r.stdout.split('\n').filter((l) => l.startsWith('    pvmove0 segment'));
    expect(segments).toEqual(['    pvmove0 segment 1: LE 0-1 = lv0 LE 6-7, pv2:0-1 -> pv4:0-1 (2.00 MiB)', '    pvmove0 segment 2: LE 2-3 = lv0 LE 8-9, pv2:2-3 -> pv4:2-3 (2.00 MiB)']);
    expect(r.stdout).toMatch(/A crash during the move re-copies at most 2\.00 MiB with this stack \(the segment being mirrored is copied again from its start\); the outline stack would re-copy up to 4\.00 MiB/);
    expect(imageDigests(ws)).toEqual(before);
  });
});

describe('pvmove with each stack', () => {
  it('runs the outline: eight steps of lv0 shown as [n/8], verified at the end', () => {
    const ws = demo('move-outline');
    const r = cli('pvmove', ws, 'pv2', 'pv4', '--stack', 'outline', '--verify', '-i', '0');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Stack: 2002 outline \(--stack outline\)/);
    expect(stepTitles(r.stdout)).toEqual(['Suspend', 'Create temporary device', 'Load identity + mirror table', 'Resume and copy', 'Suspend when copied', 'Remove temporary device', 'Update metadata', 'Load final table and resume'].map((name, i) => `[${i + 1}/8] ${name} (lv0)`));
    expect(r.stdout).toMatch(/pv2: Moved: 100\.00%/);
    expect(r.stdout).toMatch(/0 mismatches/);
    expect(devicesOf(ws)).toEqual(['pv1(0)', 'pv4(0)', 'pv3(0)']);
  });

  it('runs lvm2: pvmove0 steps as [n/7], one copy for the one segment, verified at the end', () => {
    const ws = demo('move-lvm2');
    const r = cli('pvmove', ws, 'pv2', 'pv4', '--stack', 'lvm2', '--verify', '-i', '0');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Stack: LVM2 today \(pvmove0\) \(--stack lvm2\)/);
    // The copy of the one segment is lv0's; the steps on pvmove0 as a whole name no LV.
    expect(stepTitles(r.stdout)).toEqual(['Create pvmove0 and preload tables', 'Suspend the LVs', 'Commit the move', 'Resume pvmove0, then the LVs', 'Mirror segment 1 (lv0)', 'Finish', 'Remove pvmove0'].map((name, i) => `[${i + 1}/7] ${name}`));
    expect(r.stdout).toMatch(/0 mismatches/);
    expect(devicesOf(ws)).toEqual(['pv1(0)', 'pv4(0)', 'pv3(0)']);
  });

  it('runs lvm2 with --max-segment-size 2: two segments, a checkpoint between them, [n/9]', () => {
    const ws = demo('move-split');
    const r = cli('pvmove', ws, 'pv2', 'pv4', '--stack', 'lvm2', '--max-segment-size', '2', '--verify', '-i', '0');
    expect(r.status, r.stderr).toBe(0);
    const titles = stepTitles(r.stdout);
    expect(titles.slice(4, 7)).toEqual(['[5/9] Mirror segment 1 (lv0)', '[6/9] Checkpoint segment 1 and reload (lv0)', '[7/9] Mirror segment 2 (lv0)']);
    expect(titles).toHaveLength(9);
    expect(r.stdout).toMatch(/0 mismatches/);
    // Split in the metadata only while moving: the LV ends as one segment on pv4, as LVM2 merges it.
    expect(devicesOf(ws)).toEqual(['pv1(0)', 'pv4(0)', 'pv3(0)']);
  });
});

describe('Ctrl-C during an lvm2 move', () => {
  it('pauses at a checkpoint, and pvmove DIR --stack lvm2 resumes only the unfinished segments to a verified end', async () => {
    const ws = demo('ctrl-c');
    // Four 1 MiB segments at 128 KiB/s: Ctrl-C arrives once segment 2 is being mirrored (step 7),
    // so segment 1 is checkpointed and the move is surely mid-copy.
    const child = cliChild('pvmove', ws, 'pv2', 'pv4', '--stack', 'lvm2', '--max-segment-size', '1', '--rate', '128K', '-i', '1');
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const copying = await Promise.race([
      new Promise<boolean>((resolve) =>
        child.stdout.on('data', (d) => {
          stdout += String(d);
          if (/Moved: (?!100)\d/.test(stdout) && /\[7\/\d+\]/.test(stdout)) resolve(true);
        }),
      ),
      exited.then(() => false),
    ]);
    expect(copying, `the move ended before segment 2 was mirrored: ${stdout}${stderr}`).toBe(true);
    child.kill('SIGINT');
    const status = await exited;
    expect(status, stderr).toBe(1);
    expect(stderr).toContain(`paused by Ctrl-C at its last checkpoint; run 'lvmscope pvmove ${ws}' to resume it`);
    expect(jsonRows(cli('lvs', ws, '-a', '-o', 'lv_name,move_pv', '--reportformat', 'json').stdout)).toContainEqual({ lv_name: '[pvmove0]', move_pv: 'pv2' });
    const resumed = cli('pvmove', ws, '--stack', 'lvm2', '--verify', '-i', '0');
    expect(resumed.status, resumed.stderr).toBe(0);
    // A resume activates pvmove0 from the metadata (no commit: it is recorded already) and
    // mirrors only the segments not checkpointed: segment 1 was, before Ctrl-C.
    const titles = stepTitles(resumed.stdout).map((t) => t.replace(/^\[\d+\/\d+\] /, ''));
    expect(titles.slice(0, 3)).toEqual(['Activate pvmove0 from the metadata', 'Suspend the LVs', 'Resume pvmove0, then the LVs']);
    expect(titles).not.toContain('Mirror segment 1 (lv0)');
    expect(titles).toContain('Mirror segment 4 (lv0)');
    expect(resumed.stdout).toMatch(/pv2: Moved: 100\.00%/);
    expect(resumed.stdout).toMatch(/0 mismatches/);
    expect(devicesOf(ws)).toEqual(['pv1(0)', 'pv4(0)', 'pv3(0)']);
  }, 60_000);
});
