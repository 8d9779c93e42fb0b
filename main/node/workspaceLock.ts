// The workspace lock file (`.lvmscope.lock`): one process owns a workspace at a time, and a
// second one is told who holds it. The file holds a JSON record {holder, pid, host, since}.
//
// The protocol (every transition is one atomic filesystem operation, so two processes started
// together can never both believe they hold the lock):
//
// 1. Take: write our record to a private temporary file (`.lvmscope.lock.<pid>.<random>.tmp`),
//    then link() it to `.lvmscope.lock`. link() fails with EEXIST when the name exists, so
//    exactly one of any number of racers succeeds, and the lock file appears with its whole
//    record at once (never empty: a full disk fails while writing the temporary file, before
//    the lock exists). The temporary name is unlinked in every case.
// 2. Judge an existing lock: live (a record naming a running process on this host, or any
//    process on another host, whose liveness we cannot check) → refuse with a sentence naming
//    the holder. Stale: a record naming a process on this host that is gone, or a file that is
//    empty or not a record (left by an older version or a full disk) and older than
//    GARBLED_GRACE_MS — an unreadable lock younger than that may be one an older version is
//    still writing, so it is refused with a sentence saying it will be taken over shortly.
// 3. Take over a stale lock: the identity judged stale is (inode, mtime). Claim that identity
//    by link()ing our temporary file to `.lvmscope.lock.takeover.<ino>.<mtime>`: EEXIST means
//    someone else is taking over the same stale lock, so we start again from step 1 (their
//    claim names a live process that finishes in microseconds; a claim whose process died is
//    itself stale and is removed by the same claim-of-a-claim rule, one level down). With the
//    claim, re-check that `.lvmscope.lock` still has the judged identity: nobody can change it
//    meanwhile (its owner is dead, and every other changer needs this same claim), so
//    rename() of our temporary file over it replaces exactly the stale lock, atomically. If
//    the identity changed (another process finished a takeover before our claim), we drop the
//    claim and start again from step 1, where we will meet its live lock. The claim is
//    removed once the lock is ours.
// 4. Release: unlink `.lvmscope.lock` only while it is still our inode, so a process whose lock
//    was (wrongly) taken over never deletes its successor's.
// 5. Litter: a process killed between writing its temporary file and unlinking it leaves the
//    file behind; whoever takes the lock next removes temporary files whose pid (in the name)
//    is no longer running on this host.

import { link, lstat, open, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { constants, type Stats } from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { LvmscopeError } from '../../app/base/result';
import { storageError } from './ioErrors';

export const LOCK_FILE = '.lvmscope.lock';
/** How old an empty or unreadable lock file must be before it is judged stale. */
export const GARBLED_GRACE_MS = 5000;
/** Attempts of the take / judge / take-over loop before giving up with a sentence. */
const MAX_ROUNDS = 200;

interface LockRecord {
  holder: string;
  pid: number;
  host: string;
  since: string;
}

type Verdict = { kind: 'live'; who: string; garbled: boolean } | { kind: 'stale'; why: string } | { kind: 'gone' };

export class WorkspaceLock {
  private ownInode: number | undefined;
  readonly lockPath: string;

  constructor(readonly folder: string) {
    this.lockPath = path.join(folder, LOCK_FILE);
  }

  get held(): boolean {
    return this.ownInode !== undefined;
  }

  /** Takes the lock or throws LOCKED (a live holder) / NO_SPACE / IO with one sentence. */
  async take(holder: string): Promise<void> {
    const record: LockRecord = { holder, pid: process.pid, host: os.hostname(), since: new Date().toISOString() };
    const temp = path.join(this.folder, `${LOCK_FILE}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await writeFile(temp, JSON.stringify(record), { flag: 'wx', mode: 0o644 });
    } catch (e) {
      await unlink(temp).catch(() => undefined);
      throw storageError(e, { file: LOCK_FILE, path: this.lockPath, op: 'create the lock file %f', bytes: JSON.stringify(record).length });
    }
    try {
      for (let round = 0; round < MAX_ROUNDS; round += 1) {
        if (await this.tryLink(temp)) {
          await this.removeLitter();
          return;
        }
        const seen = await statOrUndefined(this.lockPath);
        if (!seen) continue; // released between our link and our look: try again
        const verdict = await judge(this.lockPath, seen);
        if (verdict.kind === 'gone') continue;
        if (verdict.kind === 'live') throw this.lockedError(verdict.who, verdict.garbled);
        if (await this.takeOver(temp, seen)) {
          await this.removeLitter();
          return;
        }
      }
      throw new LvmscopeError('LOCKED', `The workspace ${this.folder} is being locked and unlocked by other processes too fast to take its lock; close the other lvmscope windows or commands and try again.`);
    } finally {
      await unlink(temp).catch(() => undefined);
    }
  }

  /** Step 5: removes temporary lock files of processes on this host that are gone. */
  private async removeLitter(): Promise<void> {
    const names = await readdir(this.folder).catch(() => [] as string[]);
    const pattern = new RegExp(`^${LOCK_FILE.replace(/\./g, '\\.')}\\.(\\d+)\\.[0-9a-f]+\\.tmp$`);
    for (const name of names) {
      const pid = pattern.exec(name)?.[1];
      if (pid !== undefined && Number(pid) !== process.pid && !processAlive(Number(pid))) await unlink(path.join(this.folder, name)).catch(() => undefined);
    }
  }

  /** Removes the lock file if it is still ours. */
  async release(): Promise<void> {
    const own = this.ownInode;
    this.ownInode = undefined;
    if (own === undefined) return;
    const seen = await statOrUndefined(this.lockPath);
    if (seen?.ino === own) await unlink(this.lockPath).catch(() => undefined);
  }

  private async tryLink(temp: string): Promise<boolean> {
    try {
      await link(temp, this.lockPath);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw storageError(e, { file: LOCK_FILE, path: this.lockPath, op: 'create the lock file %f', bytes: 0 });
    }
    this.ownInode = (await lstat(temp)).ino;
    return true;
  }

  /** Step 3: replaces the stale lock `judged` by ours; false when someone else got there first. */
  private async takeOver(temp: string, judged: Stats): Promise<boolean> {
    const claim = claimPath(this.lockPath, judged);
    if (!(await claimIdentity(temp, claim))) return false;
    try {
      const now = await statOrUndefined(this.lockPath);
      if (!now || !sameIdentity(now, judged)) return false;
      const mine = (await lstat(temp)).ino;
      await rename(temp, this.lockPath);
      this.ownInode = mine;
      return true;
    } finally {
      await unlink(claim).catch(() => undefined);
    }
  }

  private lockedError(who: string, garbled: boolean): LvmscopeError {
    if (garbled) {
      return new LvmscopeError('LOCKED', `The workspace ${this.folder} has a lock file that is empty or unreadable and less than ${GARBLED_GRACE_MS / 1000} s old (another process may be creating it); try again in a few seconds, or delete ${this.lockPath} if no lvmscope is running.`);
    }
    return new LvmscopeError('LOCKED', `The workspace ${this.folder} is in use by ${who}. Close it there first, or if that process is gone delete ${this.lockPath}.`);
  }
}

/** The claim file for one stale identity (see step 3). */
function claimPath(lockPath: string, judged: Stats): string {
  return `${lockPath}.takeover.${judged.ino}.${Math.floor(judged.mtimeMs)}`;
}

/**
 * link()s our record to the claim name; false when another process holds the claim. A claim
 * left by a process that died while taking over is itself stale: it is removed under a claim
 * of its own (the same rule, one level down), and the caller starts again.
 */
async function claimIdentity(temp: string, claim: string): Promise<boolean> {
  try {
    await link(temp, claim);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw storageError(e, { file: path.basename(claim), path: claim, op: 'create the lock takeover claim %f', bytes: 0 });
  }
  const seen = await statOrUndefined(claim);
  if (!seen || (await judge(claim, seen)).kind !== 'stale') return false;
  const claimOfClaim = claimPath(claim, seen);
  if (claimOfClaim.length > 4000) return false;
  if (!(await claimIdentity(temp, claimOfClaim))) return false;
  try {
    const now = await statOrUndefined(claim);
    if (now && sameIdentity(now, seen)) await unlink(claim);
  } finally {
    await unlink(claimOfClaim).catch(() => undefined);
  }
  return false;
}

/** Step 2: is the lock (or claim) file at `file`, as `seen`, held by a live process? */
async function judge(file: string, seen: Stats): Promise<Verdict> {
  let text: string;
  try {
    text = await readNoFollow(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'gone' };
    throw storageError(e, { file: path.basename(file), path: file, op: 'read the lock file %f', bytes: 0 });
  }
  const record = parseRecord(text);
  if (!record) {
    const ageMs = Date.now() - seen.mtimeMs;
    if (ageMs >= GARBLED_GRACE_MS) return { kind: 'stale', why: `it is ${text.length ? 'unreadable' : 'empty'} and ${Math.round(ageMs / 1000)} s old` };
    return { kind: 'live', who: 'an unknown process', garbled: true };
  }
  const who = `${record.holder} (pid ${record.pid} on ${record.host}, since ${record.since})`;
  if (record.host === os.hostname() && !processAlive(record.pid)) return { kind: 'stale', why: `${who} is no longer running` };
  return { kind: 'live', who, garbled: false };
}

/** Reads a lock file without following a symbolic link planted in its place. */
async function readNoFollow(file: string): Promise<string> {
  const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

function parseRecord(text: string): LockRecord | undefined {
  try {
    const r = JSON.parse(text) as Partial<LockRecord>;
    if (typeof r.holder === 'string' && Number.isInteger(r.pid) && typeof r.host === 'string' && typeof r.since === 'string') return r as LockRecord;
  } catch {
    // Not JSON: judged by age like an empty file.
  }
  return undefined;
}

function sameIdentity(a: Stats, b: Stats): boolean {
  return a.ino === b.ino && a.dev === b.dev && a.mtimeMs === b.mtimeMs;
}

async function statOrUndefined(file: string): Promise<Stats | undefined> {
  try {
    return await lstat(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Exposed for tests: reads the record of the lock file, if it is one. */
export async function readLockRecord(folder: string): Promise<LockRecord | undefined> {
  try {
    return parseRecord(await readFile(path.join(folder, LOCK_FILE), 'utf8'));
  } catch {
    return undefined;
  }
}
