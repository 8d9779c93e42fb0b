// One side of the stale-lock race (lockRace.test.ts): for each trial folder in turn, meet the
// other process at a barrier (each creates `ready.<me>` and spins until `ready.<other>`
// exists, so both call lock() within microseconds of each other), try to take the workspace
// lock, meet again, and release it if it won. A winner also checks that the lock file holds
// its own record. Prints one JSON line: the outcome of every trial.
//   node --import tsx test/main/node/lockRaceChild.ts <me> <other> <base folder> <trials>
// (trial i races in <base folder>/<i>).

import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FolderWorkspaceStorage } from '../../../main/node/fileStorage';
import { readLockRecord } from '../../../main/node/workspaceLock';

const [me, other, base, trials] = process.argv.slice(2);
const folders = Array.from({ length: Number(trials) }, (_, i) => path.join(base, String(i)));

function meet(folder: string, stage: string): void {
  writeFileSync(path.join(folder, `${stage}.${me}`), '');
  const theirs = path.join(folder, `${stage}.${other}`);
  while (!existsSync(theirs)) {
    // Spin: a sleep here would let one side run ahead and turn the race into a queue.
  }
}

async function trial(folder: string): Promise<string> {
  const storage = new FolderWorkspaceStorage(folder);
  meet(folder, 'ready');
  let outcome: string;
  try {
    await storage.lock(`race ${me}`);
    const record = await readLockRecord(folder);
    outcome = record?.pid === process.pid ? 'won' : `won, but the lock file names ${JSON.stringify(record)}`;
  } catch (e) {
    outcome = `lost: ${e instanceof Error ? e.message : String(e)}`;
  }
  meet(folder, 'done');
  await storage.unlock();
  return outcome;
}

const outcomes: string[] = [];
for (const folder of folders) outcomes.push(await trial(folder));
process.stdout.write(`${JSON.stringify(outcomes)}\n`);
