// Proves `lvmscope pvmove --atomic` as a user meets it, in real CLI processes on temporary
// copies of the empty-a-pv demo (pv2 holds lv0 LE 6-8 and lv1 LE 0-4, both filled with the
// demo pattern, 1 MiB extents; pv4 is empty), so one atomic mirror carries two LVs:
// - --help documents it; with --stack outline, with --max-segment-size, and on a resume or an
//   abort (the metadata already says whether a move is atomic) it is a usage error (exit 2,
//   one line) that changes nothing;
// - --dry-run shows pvmove0 as one mirror over pvmove0_mimage_0 (the sources) and _1 (the
//   destinations) and what a crash or an abort costs, and writes nothing;
// - a move runs the lvm2 stack's nine steps as [n/9] (one copy of the whole move and no
//   checkpoint; then LVM2's atomic finish: detach, release the images, the two finishing
//   commits), to a verified end with both LVs on pv4;
// - Ctrl-C mid-copy leaves pvmove0 and its two sub-LVs recorded; `pvmove DIR` with no stack
//   resumes it on lvm2 (the whole move copied again) to a verified end; `--stack outline` on it
//   is refused, and `pvmove --abort DIR` puts every extent back on pv2.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { cli, cliChild, imageDigests, isOneSentence, jsonRows, removeDir, tempDir } from './run';

let dir: string;
beforeAll(() => {
  dir = tempDir('lvmscope-atomic-');
});
afterAll(() => removeDir(dir));

/** A fresh empty-a-pv demo of its own for each test. */
function demo(name: string): string {
  const ws = path.join(dir, name);
  const r = cli('demo', ws, '--scenario', 'empty-a-pv');
  expect(r.status, r.stderr).toBe(0);
  return ws;
}

/** Every LV (hidden ones too, as `[pvmove0]`) with its devices, one row per segment. */
const segmentsOf = (ws: string) => jsonRows(cli('lvs', ws, '-a', '--segments', '-o', 'lv_name,devices', '--reportformat', 'json').stdout).map((r) => `${r.lv_name} ${r.devices}`);

/** The `[index/total] name` titles of the steps a move printed, in order. */
const stepTitles = (stdout: string) => [...stdout.matchAll(/^ {2}\[(\d+)\/(\d+)\] ([^:]+):/gm)].map((m) => `[${m[1]}/${m[2]}] ${m[3]}`);

const BEFORE = ['lv0 pv1(0)', 'lv0 pv2(0)', 'lv1 pv2(3)', 'lv1 pv3(0)'];
const AFTER = ['lv0 pv1(0)', 'lv0 pv4(0)', 'lv1 pv4(3)', 'lv1 pv3(0)'];

describe('pvmove --atomic arguments', () => {
  it('documents --atomic in --help: lvm2 only, one mirror over pvmove0_mimage_0/1, never checkpointed', () => {
    const help = cli('pvmove', '--help');
    expect(help.status).toBe(0);
    const text = help.stdout.replace(/\s+/g, ' ');
    expect(text).toMatch(/--atomic lvm2 stack only, implied when --stack is not given: as LVM2's pvmove --atomic, pvmove0 is one mirror over pvmove0_mimage_0 \(the sources\) and pvmove0_mimage_1 \(the destinations\)/);
    expect(text).toMatch(/never checkpointed, so a crash costs everything copied so far and an abort puts everything back/);
  });

  it('refuses --atomic with the outline, with --max-segment-size, on a resume and on an abort: exit 2, one line, nothing changed', () => {
    const ws = demo('args');
    const before = imageDigests(ws);
    const cases: Array<[string[], RegExp]> = [
      [['pv2', 'pv4', '--atomic', '--stack', 'outline'], /^lvmscope: --atomic mirrors the whole move through LVM2's pvmove0 over pvmove0_mimage_0\/1, which the 2002 outline does not have: use --stack lvm2 \(the default with --atomic\), or leave --atomic out; see lvmscope pvmove --help\.$/],
      [['pv2', 'pv4', '--atomic', '--max-segment-size', '2'], /^lvmscope: --atomic copies the whole move as one pvmove0 mirror segment, so --max-segment-size has nothing to split: use one or the other; see lvmscope pvmove --help\.$/],
      [['--atomic'], /^lvmscope: --atomic applies when a move starts; the interrupted move's metadata already says whether it is atomic \(pvmove0 over pvmove0_mimage_0\/1\), so leave it out; see lvmscope pvmove --help\.$/],
      [['--abort', '--atomic'], /^lvmscope: --atomic applies when a move starts; the interrupted move's metadata already says whether it is atomic/],
    ];
    for (const [args, sentence] of cases) {
      const r = cli('pvmove', ws, ...args);
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(isOneSentence(r.stderr), r.stderr).toBe(true);
      expect(r.stderr.trim()).toMatch(sentence);
    }
    expect(imageDigests(ws)).toEqual(before);
  });
});

describe('pvmove --atomic --dry-run', () => {
  it('shows pvmove0 as one mirror over pvmove0_mimage_0/1 and what a crash or an abort costs, changing nothing', () => {
    const ws = demo('dry');
    const before = imageDigests(ws);
    const r = cli('pvmove', ws, 'pv2', 'pv4', '--atomic', '--dry-run');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('  pvmove --atomic /dev/pv2 /dev/pv4\n');
    const layer = r.stdout.split('\n').filter((l) => /^ {4}pvmove0/.test(l));
    expect(layer).toEqual([
      '    pvmove0: LE 0-7 = mirror of pvmove0_mimage_0 (the sources) -> pvmove0_mimage_1 (the destinations) (8.00 MiB)',
      '    pvmove0_mimage_0 LE 0-2 = pv2:0-2 (lv0 LE 4-6)',
      '    pvmove0_mimage_0 LE 3-7 = pv2:3-7 (lv1 LE 0-4)',
      '    pvmove0_mimage_1 LE 0-2 = pv4:0-2',
      '    pvmove0_mimage_1 LE 3-7 = pv4:3-7',
    ]);
    expect(r.stdout).toMatch(/^ {2}Stack lvm2 \(LVM2 today \(pvmove0\)\), --atomic: pvmove0 is one mirror over two hidden sub-LVs, copied at once, and every LV finishes in the same commit:$/m);
    expect(r.stdout).toMatch(/An atomic move is never checkpointed: a crash during the copy costs everything copied so far \(up to 8\.00 MiB, the whole move, copied again on resume\), and an abort puts everything back on pv2; without --atomic the lvm2 stack would re-copy at most 5\.00 MiB \(the largest pvmove0 segment\)\./);
    expect(r.stdout).not.toMatch(/pvmove0 segment \d/);
    expect(r.stdout).toMatch(/Dry run: nothing was changed\./);
    expect(imageDigests(ws)).toEqual(before);
  });
});

describe('pvmove --atomic', () => {
  it('runs the lvm2 stack as [n/9]: one copy of the whole move, no checkpoint, LVM2\'s atomic finish, both LVs verified on pv4', () => {
    const ws = demo('move');
    expect(segmentsOf(ws)).toEqual(BEFORE);
    const r = cli('pvmove', ws, 'pv2', 'pv4', '--atomic', '--verify', '-i', '0');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Stack: LVM2 today \(pvmove0\) \(--stack lvm2 --atomic\)/);
    // Two LVs share the one mirror, so its copy names no LV; nothing is checkpointed on the way.
    expect(stepTitles(r.stdout)).toEqual(['Create pvmove0 and preload tables', 'Suspend the LVs', 'Commit the move', 'Resume pvmove0, then the LVs', 'Mirror the whole move (atomic)', 'Detach the mirror', 'Release the mirror images', 'Finish', 'Remove pvmove0'].map((name, i) => `[${i + 1}/9] ${name}`));
    expect(r.stdout).toMatch(/pv2: Moved: 100\.00%/);
    expect(r.stdout).toMatch(/vg0\/lv0: .*: 0 mismatches/);
    expect(r.stdout).toMatch(/vg0\/lv1: .*: 0 mismatches/);
    expect(segmentsOf(ws)).toEqual(AFTER);
  });
});

/**
 * Starts an atomic move of pv2 to pv4 at 256 KiB/s in 256 KiB regions (8 MiB: about half a
 * minute, progress seen region by region), sends Ctrl-C once the whole-move mirror has copied
 * some regions, and returns the interrupted process's output. Fails at once if the move ends first.
 */
async function interruptAtomicMove(ws: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = cliChild('pvmove', ws, 'pv2', 'pv4', '--atomic', '--rate', '256K', '--region-size', '256K', '-i', '1');
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += String(d)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const copying = await Promise.race([
    new Promise<boolean>((resolve) =>
      child.stdout.on('data', (d) => {
        stdout += String(d);
        if (/\[5\/9\] Mirror the whole move \(atomic\)/.test(stdout) && /Moved: [1-9]\d?\.\d+%/.test(stdout)) resolve(true);
      }),
    ),
    exited.then(() => false),
  ]);
  expect(copying, `the move ended before its mirror copied anything: ${stdout}${stderr}`).toBe(true);
  child.kill('SIGINT');
  const status = await exited;
  return { status, stdout, stderr };
}

describe('Ctrl-C during an atomic move', () => {
  it('leaves pvmove0 and its sub-LVs recorded, and pvmove DIR resumes it on lvm2, copying it all again, to a verified end', async () => {
    const ws = demo('ctrl-c');
    const stopped = await interruptAtomicMove(ws);
    expect(stopped.status, stopped.stderr).toBe(1);
    expect(isOneSentence(stopped.stderr), stopped.stderr).toBe(true);
    expect(stopped.stderr.trim()).toBe(`lvmscope: The atomic move was stopped by Ctrl-C; it has no checkpoint, so 'lvmscope pvmove ${ws}' copies it again from its start, or add --abort to put every extent back on pv2. [STATE]`);
    const recorded = segmentsOf(ws);
    expect(recorded).toEqual(expect.arrayContaining(['[pvmove0] pvmove0_mimage_0(0),pvmove0_mimage_1(0)', '[pvmove0_mimage_0] pv2(0)', '[pvmove0_mimage_1] pv4(0)']));

    const resumed = cli('pvmove', ws, '--verify', '-i', '0');
    expect(resumed.status, resumed.stderr).toBe(0);
    // The mirror had copied part of the move, but nothing of it was checkpointed.
    expect(resumed.stdout).toContain('  A move of lv0, lv1 from pv2 to pv4 was interrupted with 0 of 8 extents (0 of 8 MiB) checkpointed; resume it or abort it.\n');
    expect(resumed.stdout).toMatch(/Stack: LVM2 today \(pvmove0\) \(--stack lvm2 --atomic\)/);
    // Recorded already, so no commit step; the one mirror starts again from its start.
    expect(stepTitles(resumed.stdout)).toEqual(['Activate pvmove0 from the metadata', 'Suspend the LVs', 'Resume pvmove0, then the LVs', 'Mirror the whole move (atomic)', 'Detach the mirror', 'Release the mirror images', 'Finish', 'Remove pvmove0'].map((name, i) => `[${i + 1}/8] ${name}`));
    expect(resumed.stdout).toMatch(/pv2: Moved: 100\.00%/);
    expect(resumed.stdout).toMatch(/vg0\/lv0: .*: 0 mismatches/);
    expect(resumed.stdout).toMatch(/vg0\/lv1: .*: 0 mismatches/);
    expect(segmentsOf(ws)).toEqual(AFTER);
  }, 60_000);

  it('refuses to resume it on the outline, and pvmove --abort DIR puts every extent back on pv2', async () => {
    const ws = demo('abort');
    const stopped = await interruptAtomicMove(ws);
    expect(stopped.status, stopped.stderr).toBe(1);

    const interrupted = imageDigests(ws);
    const outline = cli('pvmove', ws, '--stack', 'outline');
    expect(outline.status).toBe(1);
    expect(isOneSentence(outline.stderr), outline.stderr).toBe(true);
    expect(outline.stderr).toMatch(/An --atomic move runs on the lvm2 stack/);
    expect(imageDigests(ws)).toEqual(interrupted);

    const aborted = cli('pvmove', ws, '--abort');
    expect(aborted.status, aborted.stderr).toBe(0);
    expect(aborted.stdout).toContain('  vg0: the move was aborted; it was atomic, so every extent is back on pv2.\n');
    expect(segmentsOf(ws)).toEqual(BEFORE);
    const verified = cli('verify', ws);
    expect(verified.status, verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(/vg0\/lv0: .*: 0 mismatches/);
    expect(verified.stdout).toMatch(/vg0\/lv1: .*: 0 mismatches/);
  }, 60_000);
});
