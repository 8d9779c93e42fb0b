// The child process of the pvmove crash suite (test/interop/pvmove/crash.test.ts): opens the
// workspace folder, runs a random-write workload on vg0/lv0 (journaled) and the seed move
// pv2 → pv4, and HALTS at one chosen moment: it prints `HALT <point>` and blocks its thread,
// so the parent's SIGKILL lands exactly there (not "somewhere after" a marker).
//
//   node --import tsx test/helpers/crashChild.ts <dir> <counter>:<n> [rateBytesPerSec]
//
// Counters (each counts events from the start of the child):
//   mda     before the n-th write into any image's first MiB (metadata areas: vg_write,
//           precommit and commit of every commit write there, PV by PV)
//   step    when the n-th step of the move starts (1..8)
//   data    before the n-th write into pv4's data area (copier and mirrored workload writes)
//   intent  after the n-th workload intent is journaled, before its write is issued
//   none    never: the move runs to the end; the child prints counts and `DONE`
// Without a halt the child prints `COUNTS mda=… data=… intent=…` so a test can pick points.

import { writeSync } from 'node:fs';
import { Engine } from '../../app/engine';
import { createNodeHost } from '../../main/host';
import { FolderWorkspaceStorage } from '../../main/node/fileStorage';
import type { BlockStore, Journal, WorkspaceStorage } from '../../app/block/blockStore';

const METADATA_BYTES = 1024 * 1024;

const [dir, point = 'none:0', rateArg = String(8 * 1024 * 1024)] = process.argv.slice(2);
const [haltCounter, haltAtText] = point.split(':');
const haltAt = Number(haltAtText);
const counts: Record<string, number> = { mda: 0, step: 0, data: 0, intent: 0 };

function say(line: string): void {
  writeSync(1, `${line}\n`);
}

/** Counts one event; at the chosen one, announces it and blocks this thread until killed. */
function tick(counter: string): void {
  counts[counter] += 1;
  if (counter === haltCounter && counts[counter] === haltAt) {
    say(`HALT ${point}`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  }
}

function watchedStore(store: BlockStore): BlockStore {
  return {
    name: store.name,
    sizeBytes: store.sizeBytes,
    read: (offset, length) => store.read(offset, length),
    write: (offset, data) => {
      if (offset < METADATA_BYTES) tick('mda');
      else if (store.name === 'pv4.img') tick('data');
      return store.write(offset, data);
    },
    flush: () => store.flush(),
    close: () => store.close(),
  };
}

function watchedJournal(journal: Journal): Journal {
  return {
    append: async (text) => {
      await journal.append(text);
      if (text.startsWith('I ')) tick('intent');
    },
    close: () => journal.close(),
  };
}

function watchedStorage(folder: string): WorkspaceStorage {
  const inner = new FolderWorkspaceStorage(folder);
  return Object.assign(Object.create(inner) as WorkspaceStorage, {
    open: async (name: string) => watchedStore(await inner.open(name)),
    openJournal: async (name: string) => watchedJournal(await inner.openJournal(name)),
  });
}

async function main(): Promise<void> {
  const engine = new Engine({ ...createNodeHost({ kind: 'test' }), storage: watchedStorage });
  engine.subscribe((name, payload) => {
    if (name === 'move.step' && (payload as { state: string }).state === 'running') tick('step');
  });
  await engine.handlers['workspace.open']({ path: dir });
  await engine.handlers['workload.start']({ vg: 'vg0', lv: 'lv0', pattern: 'randwrite', blockSizeBytes: 4096, iops: 1500, seed: 7 });
  await engine.handlers['move.start']({
    request: { vg: 'vg0', sources: ['pv2'], destinations: ['pv4'], alloc: 'normal' },
    options: { rateBytesPerSec: Number(rateArg), regionSizeSectors: 256 },
  });
  await engine.open().moves.whenFinished();
  await engine.handlers['workload.stop']({});
  const { move } = await engine.handlers['move.state']({});
  say(`COUNTS mda=${counts.mda} step=${counts.step} data=${counts.data} intent=${counts.intent}`);
  say(`DONE ${move?.status ?? 'none'}`);
  await engine.dispose();
}

main().catch((e: unknown) => {
  say(`ERROR ${e instanceof Error ? e.stack : String(e)}`);
  process.exit(1);
});
