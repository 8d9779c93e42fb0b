// Two processes started together after a crash race for the workspace lock: exactly one may
// win. 1000 trials, raced by two real processes (each runs every trial in turn and meets the
// other at a spin barrier before each attempt, so the two lock() calls are genuinely
// concurrent). The stale locks are of the three kinds a crash or a full disk leaves: a record
// naming a dead process, an empty file, a garbled file (both old enough to be judged stale);
// some trials start with no lock at all. The kinds are shuffled by a printed seed.

import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../app/base/clock';
import { LOCK_FILE } from '../../../main/node/fileStorage';
import { seedFromEnv } from '../../sim/simDisk';
import { ROOT, removeDir, tempDir } from '../cli/run';

const CHILD = path.join(ROOT, 'test/main/node/lockRaceChild.ts');
const TRIALS = 1000;
const base = tempDir('lvmscope-lockrace-');
afterAll(() => removeDir(base));

/** A pid that belonged to a process which has exited (as after a crash). */
function deadPid(): number {
  return spawnSync('true').pid!;
}

function plantStaleLock(folder: string, kind: number, pid: number): string {
  const lock = path.join(folder, LOCK_FILE);
  const minuteAgo = new Date(Date.now() - 60_000);
  switch (kind) {
    case 0:
      writeFileSync(lock, JSON.stringify({ holder: 'lvmscope serve', pid, host: os.hostname(), since: minuteAgo.toISOString() }));
      return 'dead holder';
    case 1:
      writeFileSync(lock, '');
      utimesSync(lock, minuteAgo, minuteAgo);
      return 'empty lock';
    case 2:
      writeFileSync(lock, '{"holder": "lvmscope cli", "pi');
      utimesSync(lock, minuteAgo, minuteAgo);
      return 'garbled lock';
    default:
      return 'no lock';
  }
}

function race(me: string, other: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, me, other, base, String(TRIALS)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as string[]) : reject(new Error(`racer ${me} exited ${code}: ${err}`))));
  });
}

describe('the workspace lock under a race', () => {
  it(`gives a stale (or free) lock to exactly one of two processes racing for it, in ${TRIALS} trials`, async () => {
    const seed = seedFromEnv();
    console.log(`lock race seed ${seed} (replay: SEED=${seed} npx vitest run --project unit test/main/node/lockRace.test.ts)`);
    const random = new SeededRandom(seed);
    const pid = deadPid();
    const kinds: string[] = [];
    for (let i = 0; i < TRIALS; i += 1) {
      const folder = path.join(base, String(i));
      mkdirSync(folder);
      kinds.push(plantStaleLock(folder, random.int(4), pid));
    }
    const [a, b] = await Promise.all([race('A', 'B'), race('B', 'A')]);
    const problems: string[] = [];
    for (let i = 0; i < TRIALS; i += 1) {
      const winners = [a[i], b[i]].filter((o) => o.startsWith('won')).length;
      if (winners !== 1 || [a[i], b[i]].some((o) => o.startsWith('won,'))) problems.push(`trial ${i} (${kinds[i]}): A ${a[i]} | B ${b[i]}`);
      for (const o of [a[i], b[i]]) if (o.startsWith('lost') && !/is in use by race [AB] \(pid \d+/.test(o)) problems.push(`trial ${i} (${kinds[i]}): the loser was not told who holds the lock: ${o}`);
      // Nothing is left behind: no temporary lock file, no takeover claim, no lock (both released).
      const litter = readdirSync(path.join(base, String(i))).filter((n) => n.startsWith(LOCK_FILE));
      if (litter.length) problems.push(`trial ${i} (${kinds[i]}): left ${litter.join(', ')}`);
    }
    expect(problems, `seed ${seed}`).toEqual([]);
  }, 240_000);
});
