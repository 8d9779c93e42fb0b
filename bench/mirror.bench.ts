// Mirror write latency during a running copy: 4 KiB writes (one at a time) to random places of
// a 256 MiB mirror between two image files while the background copy runs (rate-limited to
// 64 MiB/s so it lasts the whole measurement). Each write is classed by the state of its
// region when it was issued: not yet copied (intercepted: its region's copy jumps the queue
// and the write waits for it) or copied (straight to both legs). Region = 512 KiB.
// Run: npx tsx bench/mirror.bench.ts

import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { FileBlockStore } from '../main/node/fileStorage';
import { DeviceMapper } from '../app/dm';
import { SeededRandom } from '../app/base/clock';
import { realClock } from '../test/sim/clock';
import { writeSection } from './copier.bench';

const DIR = path.join(path.dirname(new URL(import.meta.url).pathname), 'tmp');
const SIZE = 256 * 2 ** 20;
const SECTORS = SIZE / 512;
const REGION = 1024;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  mkdirSync(DIR, { recursive: true });
  const files = ['mirror-src.img', 'mirror-dst.img'].map((f) => path.join(DIR, f));
  for (const f of files) rmSync(f, { force: true });
  const stores = [await FileBlockStore.create(files[0], SIZE), await FileBlockStore.create(files[1], SIZE)];
  try {
    const fill = new Uint8Array(2 ** 20).fill(0x33);
    for (let off = 0; off < SIZE; off += fill.length) await stores[0].write(off, fill);
    const dm = new DeviceMapper({ clock: realClock });
    stores.forEach((s) => dm.addImage(s));
    dm.create('bench-mirror');
    dm.loadText('bench-mirror', `0 ${SECTORS} mirror core 1 ${REGION} 2 7:0 0 7:1 0`);
    dm.copier.setRate(64 * 2 ** 20);
    await dm.resume('bench-mirror');
    const lv = dm.get('bench-mirror');
    const mirror = dm.mirror('bench-mirror');
    const random = new SeededRandom(42);
    const data = new Uint8Array(4096).fill(0x77);
    const latencies: Record<'not-copied' | 'copied', number[]> = { 'not-copied': [], copied: [] };
    const t0 = performance.now();
    while (!mirror.isInSync && performance.now() - t0 < 3500) {
      const sector = random.int(SECTORS / 8) * 8;
      const state = mirror.regionState(Math.floor(sector / REGION));
      const start = performance.now();
      await lv.write(sector, data);
      const ms = performance.now() - start;
      if (state !== 'copying') latencies[state].push(ms);
      await new Promise((r) => setTimeout(r, 1));
    }
    dm.copier.setRate(0);
    await mirror.awaitInSync();
    const rows = (['not-copied', 'copied'] as const).map((state) => {
      const sorted = latencies[state].sort((a, b) => a - b);
      return `| ${state === 'copied' ? 'copied region (both legs)' : 'not-yet-copied region (intercepted)'} | ${sorted.length} | ${percentile(sorted, 50).toFixed(3)} | ${percentile(sorted, 99).toFixed(3)} |`;
    });
    const table = [
      '### Mirror: 4 KiB write latency during a running copy (256 MiB, 512 KiB regions, copy at 64 MiB/s)',
      '',
      'Command: `npx tsx bench/mirror.bench.ts`',
      '',
      '| write lands in | writes | p50 (ms) | p99 (ms) |',
      '|---|---|---|---|',
      ...rows,
      '',
      'An intercepted write waits for its 512 KiB region to be read from the source and written to the destination (priority lane, ahead of the throttled background copy), then writes both legs.',
    ].join('\n');
    console.log(table);
    writeSection('mirror', table);
  } finally {
    for (const s of stores) await s.close();
    for (const f of files) rmSync(f, { force: true });
  }
}

await main();
