// Files in a workspace folder that someone else planted or protected: a symbolic link in place
// of the write journal is refused (the file it points at is never written), images lvmscope
// may not write open read-only with a sentence saying what to do, a read-only filesystem is
// named as such, and a dangling symbolic link is skipped with a warning instead of making the
// whole workspace unopenable. Each is run as a user runs it (the CLI, or a child process as
// the user `nobody`), and each refusal changes no image byte.

import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WRITE_JOURNAL } from '../../../app/workload';
import { cli, imageDigests, isOneSentence, removeDir, ROOT, tempDir } from '../cli/run';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

function demo(parent?: string): string {
  const dir = parent ? path.join(parent, 'ws') : tempDir('lvmscope-hostile-');
  if (!parent) cleanups.push(() => removeDir(dir));
  expect(cli('demo', dir).status).toBe(0);
  return dir;
}

const isRoot = process.getuid?.() === 0;

describe('files planted or protected in a workspace', () => {
  it('refuses a write journal that is a symbolic link, with a sentence, and never writes the file it points at', () => {
    const dir = demo();
    const victim = path.join(dir, '..', `victim-${path.basename(dir)}.txt`);
    writeFileSync(victim, 'precious\n');
    cleanups.push(() => rmSync(victim, { force: true }));
    unlinkSync(path.join(dir, WRITE_JOURNAL));
    symlinkSync(victim, path.join(dir, WRITE_JOURNAL));
    const before = imageDigests(dir);
    const r = cli('pvmove', dir, 'pv2', 'pv4', '--workload', 'randwrite:4k:100');
    expect(r.status).toBe(1);
    expect(isOneSentence(r.stderr), r.stderr).toBe(true);
    expect(r.stderr).toMatch(/write journal \.lvmscope-writes\.log .*is a symbolic link.*rm /);
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(imageDigests(dir)).toEqual(before);
  });

  it('skips a dangling symbolic link with a warning naming it, and opens the rest of the workspace', () => {
    const dir = demo();
    symlinkSync('/nonexistent/lvmscope-image', path.join(dir, 'broken.img'));
    const r = cli('lvs', dir);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/lv0\s+vg0/);
    expect(r.stderr).toMatch(/WARNING: broken\.img is a symbolic link to a file that does not exist, so it was skipped/);
    expect(cli('verify', dir).status).toBe(0);
  });

  it.skipIf(!isRoot)('opens images the user may not write read-only, says to chmod or copy them, and refuses to move (as the user nobody)', () => {
    const parent = tempDir('lvmscope-hostile-ro-');
    cleanups.push(() => removeDir(parent));
    const dir = demo(parent);
    chmodSync(parent, 0o755);
    chmodSync(dir, 0o777);
    for (const image of ['pv1.img', 'pv2.img', 'pv3.img', 'pv4.img']) chmodSync(path.join(dir, image), 0o444);
    const before = imageDigests(dir);
    const child = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/main/node/readOnlyChild.ts'), dir], { cwd: ROOT, encoding: 'utf8', uid: 65534, gid: 65534, timeout: 60_000 });
    expect(child.status, child.stderr).toBe(0);
    const out = JSON.parse(child.stdout) as { problems: string[]; readOnlyReason: string; move: string; verify: number };
    expect(out.problems[0]).toMatch(/^pv1\.img: Could not open pv1\.img \(.*\) for writing: permission denied \(EACCES\); give yourself access \(chmod u\+rw .*\), or copy the images .*; until then it is opened read-only\.$/);
    expect(out.readOnlyReason).toMatch(/VG vg0 is opened read-only because lvmscope may not write pv1\.img, pv2\.img, pv3\.img, pv4\.img; .*chmod u\+w/);
    expect(out.move).toBe(out.readOnlyReason);
    expect(out.verify).toBe(0);
    expect(imageDigests(dir)).toEqual(before);
  });

  it.skipIf(!isRoot)('leaves out an image the user may not even read, with a warning naming it, and opens the rest (as the user nobody)', () => {
    const parent = tempDir('lvmscope-hostile-unreadable-');
    cleanups.push(() => removeDir(parent));
    const dir = demo(parent);
    chmodSync(parent, 0o755);
    chmodSync(dir, 0o777);
    for (const image of ['pv1.img', 'pv2.img', 'pv4.img']) chmodSync(path.join(dir, image), 0o666);
    chmodSync(path.join(dir, 'pv3.img'), 0o000);
    chmodSync(path.join(dir, WRITE_JOURNAL), 0o666);
    const before = imageDigests(dir);
    const child = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/main/node/readOnlyChild.ts'), dir], { cwd: ROOT, encoding: 'utf8', uid: 65534, gid: 65534, timeout: 60_000 });
    expect(child.status, child.stderr).toBe(0);
    const out = JSON.parse(child.stdout) as { problems: string[]; readOnlyReason: string; move: string; openError?: string };
    expect(out.openError).toBeUndefined();
    expect(out.problems).toContainEqual(expect.stringMatching(/^pv3\.img: Could not open pv3\.img \(.*\): permission denied \(EACCES\); .*; it was left out of the workspace\.$/));
    expect(out.readOnlyReason).toMatch(/VG vg0 is missing PV .*read-only/);
    expect(out.move).toBe(out.readOnlyReason);
    expect(imageDigests(dir)).toEqual(before);
    chmodSync(path.join(dir, 'pv3.img'), 0o644);
  });

  it.skipIf(!isRoot)('names a read-only filesystem and says to remount it or copy the images', () => {
    const parent = tempDir('lvmscope-hostile-rofs-');
    cleanups.push(() => removeDir(parent));
    const mountPoint = path.join(parent, 'mnt');
    mkdirSync(mountPoint);
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=80m', 'tmpfs', mountPoint]);
    expect(mounted.status).toBe(0);
    cleanups.push(() => void spawnSync('umount', [mountPoint]));
    const dir = demo(mountPoint);
    const before = imageDigests(dir);
    expect(spawnSync('mount', ['-o', 'remount,ro', mountPoint]).status).toBe(0);
    const r = cli('lvs', dir);
    expect(r.status).toBe(1);
    expect(isOneSentence(r.stderr), r.stderr).toBe(true);
    expect(r.stderr).toMatch(/mounted read-only \(EROFS\); remount it read-write, or copy the images to a writable folder/);
    expect(imageDigests(dir)).toEqual(before);
  });
});
