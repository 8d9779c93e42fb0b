// The lock file's rules, one case each: a live holder is named, an empty or garbled lock is
// stale once it is GARBLED_GRACE_MS old (and before that the sentence says to wait or delete
// it), a takeover claim left by a process that died mid-takeover does not block anyone, a
// symbolic link planted as the lock is refused without touching its target, and release
// never removes a lock that is not ours.

import { spawnSync } from 'node:child_process';
import { linkSync, readFileSync, readdirSync, renameSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GARBLED_GRACE_MS, LOCK_FILE, WorkspaceLock, readLockRecord } from '../../../main/node/workspaceLock';
import { removeDir, tempDir } from '../cli/run';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) removeDir(dirs.pop()!);
});

function folder(): string {
  const dir = tempDir('lvmscope-lock-');
  dirs.push(dir);
  return dir;
}

function age(file: string, ms: number): void {
  const then = new Date(Date.now() - ms);
  utimesSync(file, then, then);
}

const deadPid = () => spawnSync('true').pid!;
const record = (pid: number, holder = 'lvmscope serve') => JSON.stringify({ holder, pid, host: os.hostname(), since: '2026-12-01T00:00:00.000Z' });

describe('the workspace lock file', () => {
  it('names a live holder and leaves its lock alone', async () => {
    const dir = folder();
    writeFileSync(path.join(dir, LOCK_FILE), record(process.pid, 'lvmscope serve'));
    await expect(new WorkspaceLock(dir).take('lvmscope cli')).rejects.toThrow(`The workspace ${dir} is in use by lvmscope serve (pid ${process.pid} on ${os.hostname()}, since 2026-12-01T00:00:00.000Z). Close it there first, or if that process is gone delete ${path.join(dir, LOCK_FILE)}.`);
    expect((await readLockRecord(dir))?.holder).toBe('lvmscope serve');
  });

  it('takes over the lock of a process that is gone', async () => {
    const dir = folder();
    writeFileSync(path.join(dir, LOCK_FILE), record(deadPid()));
    const lock = new WorkspaceLock(dir);
    await lock.take('lvmscope cli');
    expect((await readLockRecord(dir))?.pid).toBe(process.pid);
    await lock.release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it(`refuses an empty lock younger than ${GARBLED_GRACE_MS / 1000} s with a sentence that says to wait or delete it, and takes it once it is older`, async () => {
    const dir = folder();
    const lockPath = path.join(dir, LOCK_FILE);
    writeFileSync(lockPath, '');
    await expect(new WorkspaceLock(dir).take('lvmscope cli')).rejects.toThrow(/lock file that is empty or unreadable and less than 5 s old .*try again in a few seconds, or delete .*\.lvmscope\.lock if no lvmscope is running\./);
    age(lockPath, GARBLED_GRACE_MS + 1000);
    await new WorkspaceLock(dir).take('lvmscope cli');
    expect((await readLockRecord(dir))?.pid).toBe(process.pid);
  });

  it('takes over a garbled lock once it is old', async () => {
    const dir = folder();
    const lockPath = path.join(dir, LOCK_FILE);
    writeFileSync(lockPath, '{"holder": "lvmscope');
    age(lockPath, 60_000);
    await new WorkspaceLock(dir).take('lvmscope cli');
    expect((await readLockRecord(dir))?.pid).toBe(process.pid);
  });

  it('is not blocked by a takeover claim whose process died in the middle of the takeover', async () => {
    const dir = folder();
    const lockPath = path.join(dir, LOCK_FILE);
    writeFileSync(lockPath, record(deadPid()));
    const stale = statSync(lockPath);
    const claim = `${lockPath}.takeover.${stale.ino}.${Math.floor(stale.mtimeMs)}`;
    const claimer = path.join(dir, 'claimer.tmp');
    writeFileSync(claimer, record(deadPid(), 'lvmscope died while taking over'));
    linkSync(claimer, claim);
    await new WorkspaceLock(dir).take('lvmscope cli');
    expect((await readLockRecord(dir))?.pid).toBe(process.pid);
    expect(readdirSync(dir).filter((n) => n.includes('takeover'))).toEqual([]);
  });

  it('refuses a symbolic link planted as the lock file and never writes where it points', async () => {
    const dir = folder();
    const victim = path.join(dir, 'victim.txt');
    writeFileSync(victim, 'precious\n');
    age(victim, 60_000);
    symlinkSync(victim, path.join(dir, LOCK_FILE));
    await expect(new WorkspaceLock(dir).take('lvmscope cli')).rejects.toThrow(/\.lvmscope\.lock .*is a symbolic link, which lvmscope does not follow .*delete the link/);
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
  });

  it('release leaves alone a lock that another process holds now', async () => {
    const dir = folder();
    const lock = new WorkspaceLock(dir);
    await lock.take('lvmscope cli');
    // Someone judged us gone and took over (say the lock was copied to another machine).
    writeFileSync(path.join(dir, 'other.tmp'), record(1, 'lvmscope other'));
    renameSync(path.join(dir, 'other.tmp'), path.join(dir, LOCK_FILE));
    await lock.release();
    expect((await readLockRecord(dir))?.holder).toBe('lvmscope other');
  });
});

describe('the lock file litter', () => {
  it('removes the temporary lock files of processes that are gone, and keeps those of live ones', async () => {
    const dir = folder();
    const dead = `${LOCK_FILE}.${deadPid()}.0a1b2c.tmp`;
    const live = `${LOCK_FILE}.${process.ppid}.0a1b2c.tmp`;
    writeFileSync(path.join(dir, dead), record(1));
    writeFileSync(path.join(dir, live), record(1));
    const lock = new WorkspaceLock(dir);
    await lock.take('lvmscope cli');
    expect(readdirSync(dir).sort()).toEqual([LOCK_FILE, live].sort());
    await lock.release();
  });
});
