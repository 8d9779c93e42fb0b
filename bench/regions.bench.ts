// Engine memory and events of a 2,097,152-region mirror (a 1 TiB segment at 512 KiB regions)
// between two sparse 1 TiB image files. Heap is measured after a forced GC, before and after
// the mirror is loaded and resumed (copier paused, so nothing is copied yet); the baseline in
// the same run is the design the issue rules out: one object per region. Then the copier runs
// unthrottled for a few seconds and the region events it causes are counted against the
// regions that changed, and the whole map is read as runs (what each progress tick does).
// Run: npm run bench regions   (or npx tsx bench/regions.bench.ts)

import { mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { DeviceMapper, type DmEvent } from '../app/dm';
import { FileBlockStore } from '../main/node/fileStorage';
import { realClock } from '../test/sim/clock';
import { writeRegionsSection } from './regionsReport';

const DIR = path.join(path.dirname(new URL(import.meta.url).pathname), 'tmp');
const TIB = 2 ** 40;
const REGION_SECTORS = 1024; // 512 KiB
const SECTORS = TIB / 512;
const REGIONS = SECTORS / REGION_SECTORS;
const COPY_MS = 4000;
const MiB = 2 ** 20;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

function heapUsed(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
}

/** Heap growth while `make` builds something that stays reachable. */
async function heapOf<T>(make: () => Promise<T> | T): Promise<{ bytes: number; kept: T }> {
  const before = heapUsed();
  const kept = await make();
  return { bytes: heapUsed() - before, kept };
}

async function main(): Promise<void> {
  mkdirSync(DIR, { recursive: true });
  const files = ['regions-src.img', 'regions-dst.img'].map((f) => path.join(DIR, f));
  for (const f of files) rmSync(f, { force: true });
  try {
    const perObject = await heapOf(() => Array.from({ length: REGIONS }, (_, region) => ({ region, state: 'not-copied' as string })));
    const perObjectBytes = perObject.bytes;
    perObject.kept.length = 0;
    const stores = [await FileBlockStore.create(files[0], TIB), await FileBlockStore.create(files[1], TIB)];
    const dm = new DeviceMapper({ clock: realClock });
    stores.forEach((s) => dm.addImage(s));
    dm.copier.pause();
    const engine = await heapOf(async () => {
      dm.create('big-mirror');
      dm.loadText('big-mirror', `0 ${SECTORS} mirror core 1 ${REGION_SECTORS} 2 7:0 0 7:1 0`);
      await dm.resume('big-mirror');
      return dm.mirror('big-mirror');
    });
    const mirror = engine.kept;
    if (mirror.nrRegions !== REGIONS) throw new Error(`expected ${REGIONS} regions, got ${mirror.nrRegions}`);

    // Unthrottled copy for a few seconds: how many region events for how many region changes.
    let rangeEvents = 0;
    let regionChanges = 0;
    const sub = dm.events.on((e: DmEvent) => {
      if (e.type !== 'region-range') return;
      rangeEvents += 1;
      regionChanges += e.count;
    });
    dm.copier.resume();
    await new Promise((r) => setTimeout(r, COPY_MS));
    dm.copier.pause();
    await dm.suspend('big-mirror');
    sub.dispose();
    const copied = mirror.inSyncRegions;
    // What each progress tick does: the whole map as runs (median of 9, after a first call).
    let runs = mirror.regionRanges();
    const times: number[] = [];
    for (let i = 0; i < 9; i++) {
      const t0 = performance.now();
      runs = mirror.regionRanges();
      times.push(performance.now() - t0);
    }
    const runsMs = times.sort((a, b) => a - b)[4];
    dm.remove('big-mirror');
    for (const s of stores) await s.close();

    const text = `<!-- measured ${new Date().toISOString().slice(0, 10)} -->
### Engine: memory and events

Command: \`npm run bench regions\` (\`npx tsx bench/regions.bench.ts\`; ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.versions.node}).
A mirror of ${REGIONS.toLocaleString('en-US')} regions (1 TiB at 512 KiB regions) between two sparse 1 TiB image files,
loaded and resumed with the copier paused; heap (V8 heap + array buffers) after a forced GC, before and after.

| what | heap | vs one object per region |
|---|---:|---:|
| baseline: ${REGIONS.toLocaleString('en-US')} objects \`{ region, state }\` (same run) | ${(perObjectBytes / MiB).toFixed(1)} MiB | 1 |
| the engine's mirror (device, table, two-bit region map, copier state) | ${(engine.bytes / MiB).toFixed(2)} MiB | ${(engine.bytes / perObjectBytes).toFixed(3)} |

Goal: a few MiB. The region map itself is two bitsets: ${((REGIONS / 4) / MiB).toFixed(2)} MiB.

Then the copier ran unthrottled for ${COPY_MS / 1000} s (sparse images: holes read as zeros):

| regions copied | region changes (copying + copied) | \`region-range\` events | changes per event | events per second | whole map as runs after it (median of 9) |
|---:|---:|---:|---:|---:|---:|
| ${copied.toLocaleString('en-US')} | ${regionChanges.toLocaleString('en-US')} | ${rangeEvents.toLocaleString('en-US')} | ${(regionChanges / Math.max(1, rangeEvents)).toFixed(1)} | ${(rangeEvents / (COPY_MS / 1000)).toFixed(0)} | ${runs.length} runs in ${runsMs.toFixed(2)} ms |

Region changes are announced within 20 ms, as ranges of consecutive regions: a copy in order costs about two
events per 20 ms per mirror however fast it runs (the copy speed above is the copier's on sparse files on this
machine, issue 20's point 1, not a limit of the events).
`;
    console.log(text);
    writeRegionsSection('engine', text);
  } finally {
    for (const f of files) rmSync(f, { force: true });
  }
}

await main();
