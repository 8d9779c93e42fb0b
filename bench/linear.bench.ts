// Linear target vs direct FileBlockStore IO on the same image file: 1 MiB sequential reads and
// writes over 256 MiB, and 4 KiB random reads, all one IO at a time (queue depth 1, so the
// per-IO overhead of the device-mapper shows fully). Runs alternate direct / linear three
// times on the same warm file; the best of each counts.
// Run: npx tsx bench/linear.bench.ts

import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { FileBlockStore } from '../main/node/fileStorage';
import { DeviceMapper } from '../app/dm';
import { SeededRandom } from '../app/base/clock';
import { realClock } from '../test/sim/clock';
import { writeSection } from './copier.bench';

const DIR = path.join(path.dirname(new URL(import.meta.url).pathname), 'tmp');
const SIZE = 256 * 2 ** 20;
const MiB = 2 ** 20;
const RANDOM_READS = 20000;

interface Io {
  read(offsetBytes: number, lengthBytes: number): Promise<Uint8Array>;
  write(offsetBytes: number, data: Uint8Array): Promise<void>;
}

async function seqRead(io: Io): Promise<number> {
  const t0 = performance.now();
  for (let off = 0; off < SIZE; off += MiB) await io.read(off, MiB);
  return SIZE / MiB / ((performance.now() - t0) / 1000);
}

async function seqWrite(io: Io, data: Uint8Array): Promise<number> {
  const t0 = performance.now();
  for (let off = 0; off < SIZE; off += MiB) await io.write(off, data);
  return SIZE / MiB / ((performance.now() - t0) / 1000);
}

async function randomReads(io: Io, seed: number): Promise<number> {
  const random = new SeededRandom(seed);
  const t0 = performance.now();
  for (let i = 0; i < RANDOM_READS; i++) await io.read(random.int(SIZE / 4096) * 4096, 4096);
  return RANDOM_READS / ((performance.now() - t0) / 1000);
}

async function main(): Promise<void> {
  mkdirSync(DIR, { recursive: true });
  const file = path.join(DIR, 'linear.img');
  rmSync(file, { force: true });
  const store = await FileBlockStore.create(file, SIZE);
  try {
    const dm = new DeviceMapper({ clock: realClock });
    dm.addImage(store);
    const lv = dm.create('bench-lv');
    dm.loadText('bench-lv', `0 ${SIZE / 512} linear 7:0 0`);
    await dm.resume('bench-lv');
    const direct: Io = store;
    const linear: Io = { read: (o, n) => lv.read(o / 512, n / 512), write: (o, d) => lv.write(o / 512, d) };
    const data = new Uint8Array(MiB).fill(0x5a);
    await seqWrite(direct, data); // warm the file into the page cache
    const results = { direct: { r: [] as number[], w: [] as number[], rr: [] as number[] }, linear: { r: [] as number[], w: [] as number[], rr: [] as number[] } };
    for (let round = 0; round < 3; round++) {
      for (const [name, io] of [['direct', direct], ['linear', linear]] as const) {
        results[name].w.push(await seqWrite(io, data));
        results[name].r.push(await seqRead(io));
        results[name].rr.push(await randomReads(io, round + 1));
      }
    }
    const best = (xs: number[]) => Math.max(...xs);
    const row = (what: string, unit: string, d: number[], l: number[], goal: number) => {
      const ratio = best(l) / best(d);
      return `| ${what} | ${best(d).toFixed(0)} ${unit} | ${best(l).toFixed(0)} ${unit} | **${ratio.toFixed(2)}** | ≥ ${goal} ${ratio >= goal ? 'met' : 'missed'} |`;
    };
    const table = [
      '### Linear target vs direct file IO (256 MiB file, queue depth 1, best of 3 alternating runs)',
      '',
      'Command: `npx tsx bench/linear.bench.ts`',
      '',
      '| workload | direct | linear | ratio | goal |',
      '|---|---|---|---|---|',
      row('1 MiB sequential read', 'MiB/s', results.direct.r, results.linear.r, 0.9),
      row('1 MiB sequential write', 'MiB/s', results.direct.w, results.linear.w, 0.9),
      row(`4 KiB random read (${RANDOM_READS})`, 'IO/s', results.direct.rr, results.linear.rr, 0.8),
    ].join('\n');
    console.log(table);
    writeSection('linear', table);
  } finally {
    await store.close();
    rmSync(file, { force: true });
  }
}

await main();
