// pvmove vs cp: a live move of a 1 GiB LV segment (vg0, 4 MiB extents, lv0 = 256 extents)
// between two image files through the whole engine (the outline stack's 8 steps, mirror +
// copier, three metadata commits that flush every PV; bench/stacks.bench.ts compares the
// stacks as whole CLI processes), unthrottled, against `cp` of a 1 GiB file + sync and
// `dd bs=512K conv=fdatasync` on the same disk. The move alternates direction (pv1 → pv2, then
// back), runs alternate with the baselines, best of N and median are reported (noisy disk).
// Then the same move under a 4 KiB random-write workload on lv0: move throughput ratio, and
// the workload's write latency p50 / p99 during the move vs with no move running.
// Run: npx tsx bench/pvmove.bench.ts   (ROUNDS=3 by default; images under bench/tmp/, deleted)

import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Engine } from '../app/engine';
import { MiB } from '../app/base/units';
import { createDemo, type DemoLayout } from '../app/session/demo';
import { createNodeHost } from '../main/host';
import { FolderWorkspaceStorage } from '../main/node/fileStorage';
import type { WorkloadStatsView } from '../app/api/move';

const HERE = path.dirname(new URL(import.meta.url).pathname);
const DIR = path.join(HERE, 'tmp', 'pvmove');
const SIZE = 1024 * MiB;
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const CMD = 'npx tsx bench/pvmove.bench.ts';
const WORKLOAD_IOPS = Number(process.env.WORKLOAD_IOPS ?? 1000);

const LAYOUT: DemoLayout = {
  pvs: ['pv1.img', 'pv2.img'].map((image) => ({ image, sizeBytes: SIZE + 8 * MiB })),
  vg: 'vg0',
  extentSizeBytes: 4 * MiB,
  lvs: [{ name: 'lv0', pieces: [{ extents: SIZE / (4 * MiB), image: 'pv1.img' }] }],
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitForEnd(engine: Engine): Promise<void> {
  for (;;) {
    const { move } = await engine.handlers['move.state']({});
    if (move?.status === 'done') return;
    if (move && ['aborted', 'failed'].includes(move.status)) throw new Error(`the move ${move.status}: ${move.error}`);
    await sleep(5);
  }
}

/** One move of lv0 to the other PV; returns seconds. */
async function timeMove(engine: Engine, from: string, to: string): Promise<number> {
  const t0 = performance.now();
  await engine.handlers['move.start']({ request: { vg: 'vg0', sources: [from], destinations: [to], alloc: 'normal' }, options: { rateBytesPerSec: 0 } });
  await waitForEnd(engine);
  return (performance.now() - t0) / 1000;
}

function timeCp(src: string, dst: string): number {
  rmSync(dst, { force: true });
  const t0 = performance.now();
  execFileSync('cp', [src, dst]);
  execFileSync('sync', [dst]);
  const s = (performance.now() - t0) / 1000;
  rmSync(dst, { force: true });
  return s;
}

function timeDd(src: string, dst: string): number {
  rmSync(dst, { force: true });
  const t0 = performance.now();
  execFileSync('dd', [`if=${src}`, `of=${dst}`, 'bs=512K', 'conv=fdatasync'], { stdio: 'ignore' });
  const s = (performance.now() - t0) / 1000;
  rmSync(dst, { force: true });
  return s;
}

async function workloadFor(engine: Engine, ms: number, during?: () => Promise<unknown>): Promise<WorkloadStatsView> {
  await engine.handlers['workload.start']({ vg: 'vg0', lv: 'lv0', pattern: 'randwrite', blockSizeBytes: 4096, iops: WORKLOAD_IOPS, seed: 1 });
  await sleep(200); // warm-up, then the stats of a fresh generator cover the measured window
  if (during) await during();
  else await sleep(ms);
  return engine.handlers['workload.stop']({});
}

const best = (xs: number[]) => Math.min(...xs);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mibps = (s: number) => SIZE / MiB / s;
const runs = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(', ');

async function main(): Promise<void> {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  const host = createNodeHost({ kind: 'test' });
  const engine = new Engine(host);
  try {
    const quiet = () => undefined;
    const options = { clock: host.clock, random: host.random, hostname: host.hostname, holder: 'bench', unixTime: host.unixTime, log: quiet, onChange: quiet, onStep: quiet, onDmEvent: quiet };
    await (await createDemo(DIR, new FolderWorkspaceStorage(DIR), options, LAYOUT, false)).close();
    execFileSync('sync');
    await engine.handlers['workspace.open']({ path: DIR });
    const file = path.join(DIR, 'copy-src.bin');
    writeFileSync(file, new Uint8Array(0));
    execFileSync('dd', ['if=' + path.join(DIR, 'pv1.img'), 'of=' + file, 'bs=1M', `count=${SIZE / MiB}`, 'skip=1'], { stdio: 'ignore' });
    const dst = path.join(DIR, 'copy-dst.bin');
    const loadAtStart = os.loadavg()[0];
    const cp: number[] = [];
    const dd: number[] = [];
    const moves: number[] = [];
    let on = 'pv1';
    const other = () => (on === 'pv1' ? 'pv2' : 'pv1');
    for (let round = 0; round < ROUNDS; round += 1) {
      cp.push(timeCp(file, dst));
      dd.push(timeDd(file, dst));
      moves.push(await timeMove(engine, on, other()));
      on = other();
    }
    const verify = await engine.handlers['verify.run']({ vg: 'vg0', lv: 'lv0' });
    if (verify.mismatches) throw new Error(verify.summary);

    // Under a workload: latency with no move, then during moves.
    const idle = await workloadFor(engine, 3000);
    const loaded: number[] = [];
    const during: WorkloadStatsView[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      let seconds = 0;
      during.push(
        await workloadFor(engine, 0, async () => {
          seconds = await timeMove(engine, on, other());
        }),
      );
      on = other();
      loaded.push(seconds);
    }
    const verifyLoaded = await engine.handlers['verify.run']({ vg: 'vg0', lv: 'lv0' });
    if (verifyLoaded.mismatches) throw new Error(verifyLoaded.summary);
    const load = `load average (1 min) ${loadAtStart.toFixed(1)} at the first run, ${os.loadavg()[0].toFixed(1)} at the last, on ${os.cpus().length} cores shared with other work`;
    report({ cp, dd, moves, loaded, idle, during, verified: `${verify.summary} / after the loaded moves: ${verifyLoaded.summary}`, load });
  } finally {
    await engine.dispose();
    rmSync(DIR, { recursive: true, force: true });
  }
}

function report(r: { cp: number[]; dd: number[]; moves: number[]; loaded: number[]; idle: WorkloadStatsView; during: WorkloadStatsView[]; verified: string; load: string }): void {
  const ratio = best(r.cp) / best(r.moves);
  const medianRatio = median(r.cp) / median(r.moves);
  const loadedRatio = best(r.moves) / best(r.loaded);
  const p = (x: number | null) => (x === null ? '–' : x.toFixed(2));
  const p50s = r.during.map((d) => d.writeLatencyP50Ms ?? 0);
  const p99s = r.during.map((d) => d.writeLatencyP99Ms ?? 0);
  const table = [
    '## pvmove (live move of a 1 GiB segment)',
    '',
    `Command: \`${CMD}\` (ROUNDS=${ROUNDS}; vg0 with 4 MiB extents on two ${SIZE / MiB + 8} MiB images in bench/tmp/, lv0 = 256 extents moved back and forth; runs alternate with cp and dd; best and median because this shared disk is noisy)`,
    '',
    '| copy of 1 GiB | best (s) | MiB/s | median (s) | runs (s) |',
    '|---|---|---|---|---|',
    `| cp + sync | ${best(r.cp).toFixed(2)} | ${mibps(best(r.cp)).toFixed(0)} | ${median(r.cp).toFixed(2)} | ${runs(r.cp)} |`,
    `| dd bs=512K conv=fdatasync | ${best(r.dd).toFixed(2)} | ${mibps(best(r.dd)).toFixed(0)} | ${median(r.dd).toFixed(2)} | ${runs(r.dd)} |`,
    `| pvmove (outline, 8 steps, unthrottled, default 2 MiB regions) | ${best(r.moves).toFixed(2)} | ${mibps(best(r.moves)).toFixed(0)} | ${median(r.moves).toFixed(2)} | ${runs(r.moves)} |`,
    `| pvmove under ${WORKLOAD_IOPS} IOPS 4 KiB random writes | ${best(r.loaded).toFixed(2)} | ${mibps(best(r.loaded)).toFixed(0)} | ${median(r.loaded).toFixed(2)} | ${runs(r.loaded)} |`,
    '',
    `Ratio pvmove/cp throughput, best runs: **${ratio.toFixed(2)}** (goal ≥ 0.9: ${ratio >= 0.9 ? 'met' : 'missed'}); median runs: ${medianRatio.toFixed(2)}; pvmove/dd (best): ${(best(r.dd) / best(r.moves)).toFixed(2)}.`,
    `Under the workload the move keeps ${(loadedRatio * 100).toFixed(0)} % of its unloaded throughput (best runs).`,
    '',
    '| 4 KiB random-write latency | p50 (ms) | p99 (ms) | writes |',
    '|---|---|---|---|',
    `| no move running (3 s) | ${p(r.idle.writeLatencyP50Ms)} | ${p(r.idle.writeLatencyP99Ms)} | ${r.idle.writes} |`,
    ...r.during.map((d, i) => `| during move ${i + 1} | ${p(d.writeLatencyP50Ms)} | ${p(d.writeLatencyP99Ms)} | ${d.writes} (${d.interceptedWrites} intercepted) |`),
    '',
    `Median over the loaded moves: p50 ${median(p50s).toFixed(2)} ms, p99 ${median(p99s).toFixed(2)} ms. Verify: ${r.verified}`,
    '',
    `Machine: ${r.load}.`,
  ].join('\n');
  console.log(table);
  mkdirSync(path.join(HERE, 'results'), { recursive: true });
  writeFileSync(path.join(HERE, 'results', 'pvmove.md'), `${table}\n`);
}

await main();
