// Copier vs cp: copies 1 GiB between two image files with the copier (its defaults: 4 MiB
// chunks, 4 in flight, pooled page-aligned buffers, O_DIRECT where the filesystem takes it) and with `cp` on the same disk, each followed by an fdatasync of the
// destination so both pay for the bytes reaching the disk. Same conditions for both: the
// source was written and synced first (so it sits in the page cache for both), the
// destination is a fresh sparse file, and the runs alternate (cp, copier, cp, copier); the
// best run of each counts. Run: npx tsx bench/copier.bench.ts

import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { FileBlockStore } from '../main/node/fileStorage';
import { StoreDevice } from '../app/block/storeDevice';
import { Copier } from '../app/kcopyd/copier';
import { realClock } from '../test/sim/clock';

const DIR = path.join(path.dirname(new URL(import.meta.url).pathname), 'tmp');
const SIZE = Number(process.env.COPY_BYTES ?? 1024 ** 3);
const CMD = 'npx tsx bench/copier.bench.ts';

async function makeSource(file: string): Promise<void> {
  const store = await FileBlockStore.create(file, SIZE);
  const block = new Uint8Array(8 << 20);
  for (let i = 0; i < block.length; i++) block[i] = (i * 2654435761) >>> 24;
  for (let off = 0; off < SIZE; off += block.length) {
    block[0] = off >>> 20; // every 8 MiB differs a little
    await store.write(off, block.subarray(0, Math.min(block.length, SIZE - off)));
  }
  await store.flush();
  await store.close();
}

function timeCp(src: string, dst: string): number {
  rmSync(dst, { force: true });
  const t0 = performance.now();
  execFileSync('cp', [src, dst]);
  execFileSync('sync', [dst]);
  return (performance.now() - t0) / 1000;
}

/** A userspace read/write baseline (what the copier does), as cp itself uses copy_file_range in the kernel. */
function timeDd(src: string, dst: string): number {
  rmSync(dst, { force: true });
  const t0 = performance.now();
  execFileSync('dd', [`if=${src}`, `of=${dst}`, 'bs=512K', 'conv=fdatasync'], { stdio: 'ignore' });
  return (performance.now() - t0) / 1000;
}

async function timeCopier(src: string, dst: string): Promise<number> {
  rmSync(dst, { force: true });
  const t0 = performance.now();
  const source = await FileBlockStore.open(src);
  const dest = await FileBlockStore.create(dst, SIZE);
  const copier = new Copier(realClock);
  const job = copier.copy({
    owner: 'bench',
    source: new StoreDevice(source, 0),
    sourceSector: 0,
    destinations: [{ device: new StoreDevice(dest, 1), sector: 0 }],
    countSectors: SIZE / 512,
  });
  const outcome = await job.done;
  if (!outcome.ok) throw new Error(outcome.message);
  await dest.flush();
  const seconds = (performance.now() - t0) / 1000;
  await source.close();
  await dest.close();
  return seconds;
}

function sameBytes(a: string, b: string): boolean {
  return execFileSync('cmp', ['-s', a, b], { stdio: 'ignore' }) !== undefined;
}

export function writeSection(name: string, body: string): void {
  const file = path.join(path.dirname(new URL(import.meta.url).pathname), 'results', 'dm.md');
  mkdirSync(path.dirname(file), { recursive: true });
  const head = '## Device-mapper engine (copier, linear, mirror)\n';
  let text = existsSync(file) ? readFileSync(file, 'utf8') : head;
  const start = `<!-- ${name} -->`;
  const end = `<!-- /${name} -->`;
  const section = `${start}\n${body.trim()}\n${end}`;
  const re = new RegExp(`${start}[\\s\\S]*?${end}`);
  text = re.test(text) ? text.replace(re, section) : `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, text);
}

async function main(): Promise<void> {
  mkdirSync(DIR, { recursive: true });
  const src = path.join(DIR, 'copy-src.img');
  const dstCp = path.join(DIR, 'copy-dst-cp.img');
  const dstCopier = path.join(DIR, 'copy-dst-copier.img');
  try {
    await makeSource(src);
    const cp: number[] = [];
    const ours: number[] = [];
    const dd: number[] = [];
    for (let round = 0; round < 5; round++) {
      cp.push(timeCp(src, dstCp));
      rmSync(dstCp, { force: true });
      dd.push(timeDd(src, dstCp));
      rmSync(dstCp, { force: true });
      ours.push(await timeCopier(src, dstCopier));
      if (round === 0 && !sameBytes(src, dstCopier)) throw new Error('the copier produced a different file');
      rmSync(dstCopier, { force: true });
    }
    const best = (xs: number[]) => Math.min(...xs);
    const mibps = (s: number) => SIZE / 2 ** 20 / s;
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const ratio = best(cp) / best(ours);
    const medianRatio = median(cp) / median(ours);
    const table = [
      `### Copier vs cp (${SIZE / 2 ** 30} GiB, then fdatasync of the destination)`,
      '',
      `Command: \`${CMD}\` (source in page cache for both, fresh sparse destination, runs alternate, best of 5; median also shown because this shared disk is noisy)`,
      '',
      '| copy | best time (s) | MiB/s | runs (s) |',
      '|---|---|---|---|',
      `| cp | ${best(cp).toFixed(2)} | ${mibps(best(cp)).toFixed(0)} | ${cp.map((x) => x.toFixed(2)).join(', ')} |`,
      `| dd bs=512K conv=fdatasync (userspace read/write) | ${best(dd).toFixed(2)} | ${mibps(best(dd)).toFixed(0)} | ${dd.map((x) => x.toFixed(2)).join(', ')} |`,
      `| copier (4 MiB chunks, 4 in flight) | ${best(ours).toFixed(2)} | ${mibps(best(ours)).toFixed(0)} | ${ours.map((x) => x.toFixed(2)).join(', ')} |`,
      '',
      `Ratio copier/cp throughput, best runs: **${ratio.toFixed(2)}** (goal ≥ 0.9: ${ratio >= 0.9 ? 'met' : 'missed'}); median runs: ${medianRatio.toFixed(2)}. Copier/dd (best): ${(best(dd) / best(ours)).toFixed(2)}.`,
      '',
      'Why the goal is missed when it is: GNU cp copies with `copy_file_range` (checked with strace), an in-kernel copy with no',
      'user-space buffers at all; the copier must read each chunk into memory and write it out again through the BlockStore',
      'interface (positional reads and writes on the file handle), which is what `dd` shows for a user-space copy.',
    ].join('\n');
    console.log(table);
    writeSection('copier', table);
  } finally {
    for (const f of [src, dstCp, dstCopier]) rmSync(f, { force: true });
  }
}

// Only when run directly: the other dm benches import writeSection from here.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
