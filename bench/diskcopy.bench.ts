// Copy at the disk's speed (issue 20): unthrottled 2 GiB and 8 GiB moves with each stack as
// whole `lvmscope pvmove` processes, against `cp` of the same bytes on the same disk, then the
// same move under a 4 KiB random-write workload (move throughput, write p99 vs no move).
//
// Fair to both sides: the page cache is dropped before every timed run (root: sync, then
// `echo 3 > /proc/sys/vm/drop_caches`), so both read the source from the disk, and both end
// with the bytes durable (`cp` then `sync` of the copy; the move's commits fdatasync the
// destination). The machine is shared with other work, so cp and the moves are interleaved
// (cp, move, cp, move, …) and each move is compared with the cp run just before it; the
// median of those ratios is the figure (≥ 1 means as fast as cp; goal ≥ 0.9).
// Workload: `pvmove --workload randwrite:4k:IOPS` (the move's throughput and the writes' p99
// as the CLI prints them), each move after a baseline of the same workload with no move
// running, for as long as a move takes, in process through the same engine; after the last
// one `lvmscope verify` checks every block the workloads wrote (not timed).
// Images under bench/tmp/diskcopy (about 4× the largest size while it runs), removed at the end.
// Run: npx tsx bench/diskcopy.bench.ts   (ROUNDS=3, SIZES_MIB=2048,8192, WORKLOAD_IOPS=1000)

import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Engine } from '../app/engine';
import type { WorkloadStatsView } from '../app/api/move';
import { createNodeHost } from '../main/host';
import { fillData, sha256 } from './fileData';

const HERE = path.dirname(new URL(import.meta.url).pathname);
const CLI = path.join(HERE, '..', 'main/cli/lvmscope.mjs');
const DIR = path.join(HERE, 'tmp', 'diskcopy');
const MiB = 1024 * 1024;
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const SIZES_MIB = (process.env.SIZES_MIB ?? '2048,8192').split(',').map(Number);
const WORKLOAD_IOPS = Number(process.env.WORKLOAD_IOPS ?? 1000);
const STACKS = ['outline', 'lvm2'] as const;
const CMD = 'npx tsx bench/diskcopy.bench.ts';

/** Runs a whole process; its wall time in seconds and its stdout. */
function run(cmd: string, args: string[]): { seconds: number; stdout: string } {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * MiB });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}${r.stdout}`);
  return { seconds, stdout: r.stdout };
}

const lvmscope = (...args: string[]) => run(process.execPath, [CLI, ...args]);
const canDropCaches = process.getuid?.() === 0;

/** Writes dirty pages out, then empties the page cache, so the next run reads from the disk. */
function dropCaches(): void {
  run('sync', []);
  if (canDropCaches) writeFileSync('/proc/sys/vm/drop_caches', '3\n');
}

function peStart(pv: string): number {
  const json = JSON.parse(lvmscope('pvs', DIR, '-o', 'pv_name,pe_start', '--units', 'b', '--nosuffix', '--reportformat', 'json').stdout) as { report: Array<{ pv: Array<{ pv_name: string; pe_start: string }> }> };
  return Number(json.report[0].pv.find((p) => p.pv_name === pv)!.pe_start);
}

/** The PV lv0 lives on now (one segment from PE 0). */
function lvPv(): string {
  const json = JSON.parse(lvmscope('lvs', DIR, '-o', 'lv_name,devices', '--reportformat', 'json').stdout) as { report: Array<{ lv: Array<{ devices: string }> }> };
  return json.report[0].lv[0].devices.replace(/\(0\)$/, '');
}

/** vg0 on two images made with the CLI, lv0 = the whole size on pv1, filled with data (also in data.bin). */
function setUp(sizeMiB: number): string {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  for (const pv of ['pv1', 'pv2']) lvmscope('pvcreate', DIR, pv, '--size', `${sizeMiB + 8}M`);
  lvmscope('vgcreate', DIR, 'vg0', 'pv1', 'pv2', '-s', '4M');
  lvmscope('lvcreate', DIR, 'vg0', '-n', 'lv0', '-L', `${sizeMiB}M`, 'pv1');
  const data = path.join(DIR, 'data.bin');
  writeFileSync(data, new Uint8Array(0));
  fillData(sizeMiB, [{ file: path.join(DIR, 'pv1.img'), offset: peStart('pv1') }, { file: data, offset: 0 }]);
  return data;
}

function timeCp(data: string): number {
  const copy = path.join(DIR, 'copy.bin');
  rmSync(copy, { force: true });
  dropCaches();
  const seconds = run('cp', [data, copy]).seconds + run('sync', [copy]).seconds;
  rmSync(copy, { force: true });
  return seconds;
}

let on = 'pv1';
function timeMove(stack: string, ...extra: string[]): { seconds: number; stdout: string } {
  const to = on === 'pv1' ? 'pv2' : 'pv1';
  dropCaches();
  const r = lvmscope('pvmove', DIR, on, to, '--stack', stack, '-i', '0', ...extra);
  on = to;
  return r;
}

/** The same workload with no move running, in process, for `seconds`. */
async function workloadAlone(seconds: number): Promise<WorkloadStatsView> {
  const engine = new Engine(createNodeHost({ kind: 'test' }));
  try {
    await engine.handlers['workspace.open']({ path: DIR });
    await engine.handlers['workload.start']({ vg: 'vg0', lv: 'lv0', pattern: 'randwrite', blockSizeBytes: 4096, iops: WORKLOAD_IOPS, seed: 1 });
    await new Promise((r) => setTimeout(r, seconds * 1000));
    return await engine.handlers['workload.stop']({});
  } finally {
    await engine.dispose();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const list = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(', ');

interface SizeResult {
  sizeMiB: number;
  cp: number[];
  moves: Map<string, { seconds: number[]; ratios: number[] }>;
  checked: string;
}

async function measureSize(sizeMiB: number): Promise<SizeResult> {
  const data = setUp(sizeMiB);
  on = 'pv1';
  lvmscope('pvs', DIR); // a CLI run after a source change rebuilds its bundle: not timed
  const cp: number[] = [];
  const moves = new Map(STACKS.map((s) => [s as string, { seconds: [] as number[], ratios: [] as number[] }]));
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const stack of round % 2 ? [...STACKS].reverse() : STACKS) {
      const c = timeCp(data);
      const m = timeMove(stack).seconds;
      cp.push(c);
      moves.get(stack)!.seconds.push(m);
      moves.get(stack)!.ratios.push(c / m);
    }
  }
  const pv = lvPv();
  const moved = await sha256(path.join(DIR, `${pv}.img`), peStart(pv), sizeMiB * MiB);
  const expected = await sha256(data, 0, sizeMiB * MiB);
  if (moved !== expected) throw new Error(`lv0's bytes on ${pv} differ from the data written (sha256 ${moved} vs ${expected})`);
  return { sizeMiB, cp, moves, checked: `lv0 ended on ${pv}, its sha256 that of the data written (${expected.slice(0, 16)}…)` };
}

interface LoadedResult {
  stack: string;
  alone: WorkloadStatsView[];
  moveSeconds: number[];
  p50: number[];
  p99: number[];
  intercepted: number[];
  /** Writes that went to the source leg only (the kernel's rule: the lvm2 stack). */
  sourceOnly: number[];
}

/** Moves under the workload, each after a baseline of the workload alone, on the 2 GiB VG left by measureSize. */
async function measureLoaded(stack: string, unloadedSeconds: number): Promise<LoadedResult> {
  const out: LoadedResult = { stack, alone: [], moveSeconds: [], p50: [], p99: [], intercepted: [], sourceOnly: [] };
  for (let round = 0; round < ROUNDS; round += 1) {
    out.alone.push(await workloadAlone(Math.max(3, unloadedSeconds)));
    const r = timeMove(stack, '--workload', `randwrite:4k:${WORKLOAD_IOPS}`);
    const m = /(\d+) intercepted by the mirror.*p50 ([\d.]+) ms, p99 ([\d.]+) ms/.exec(r.stdout);
    if (!m) throw new Error(`no workload line in the move's output:\n${r.stdout}`);
    out.moveSeconds.push(r.seconds);
    out.intercepted.push(Number(m[1]));
    out.p50.push(Number(m[2]));
    out.p99.push(Number(m[3]));
    out.sourceOnly.push(Number(/(\d+) to the source leg only/.exec(r.stdout)?.[1] ?? 0));
  }
  return out;
}

async function main(): Promise<void> {
  const loadAtStart = os.loadavg()[0];
  const sizes: SizeResult[] = [];
  const loaded: LoadedResult[] = [];
  try {
    for (const sizeMiB of [...SIZES_MIB].sort((a, b) => b - a)) {
      sizes.push(await measureSize(sizeMiB));
      if (sizeMiB === Math.min(...SIZES_MIB)) {
        for (const stack of STACKS) loaded.push(await measureLoaded(stack, median(sizes.at(-1)!.moves.get(stack)!.seconds)));
        // Fails (non-zero exit, a sentence) if any block differs from what the workloads wrote.
        lvmscope('verify', DIR, 'vg0/lv0');
      }
    }
  } finally {
    rmSync(DIR, { recursive: true, force: true });
  }
  const load = `load average (1 min) ${loadAtStart.toFixed(1)} at the start, ${os.loadavg()[0].toFixed(1)} at the end, on ${os.cpus().length} cores shared with other work`;
  report(sizes.reverse(), loaded, load);
}

function report(sizes: SizeResult[], loaded: LoadedResult[], load: string): void {
  const rows = sizes.flatMap((s) => [
    ...[...s.moves].map(([stack, m]) => `| ${s.sizeMiB / 1024} GiB | lvmscope pvmove --stack ${stack} | ${median(m.seconds).toFixed(2)} | ${(s.sizeMiB / median(m.seconds)).toFixed(0)} | **${median(m.ratios).toFixed(2)}** | ${list(m.seconds)} | ${list(m.ratios)} |`),
    `| ${s.sizeMiB / 1024} GiB | cp + sync (baseline) | ${median(s.cp).toFixed(2)} | ${(s.sizeMiB / median(s.cp)).toFixed(0)} | 1.00 | ${list(s.cp)} | |`,
  ]);
  const small = sizes[0];
  const loadedRows = loaded.map((l) => {
    const unloaded = median(small.moves.get(l.stack)!.seconds);
    const aloneP99 = median(l.alone.map((a) => a.writeLatencyP99Ms ?? 0));
    return `| ${l.stack} | ${median(l.moveSeconds).toFixed(2)} | **${(unloaded / median(l.moveSeconds)).toFixed(2)}** | ${median(l.alone.map((a) => a.writeLatencyP50Ms ?? 0)).toFixed(2)} / ${aloneP99.toFixed(2)} | ${median(l.p50).toFixed(2)} / ${median(l.p99).toFixed(2)} | **${(median(l.p99) / aloneP99).toFixed(2)}** | ${median(l.intercepted)} | ${median(l.sourceOnly)} |`;
  });
  const lines = [
    '## Copy at the disk\'s speed: moves against cp, whole processes, cold cache',
    '',
    `Command: \`${CMD}\` (ROUNDS=${ROUNDS}, SIZES_MIB=${SIZES_MIB.join(',')}, WORKLOAD_IOPS=${WORKLOAD_IOPS}). vg0 made with the CLI on two images in bench/tmp/diskcopy (4 MiB extents), lv0 = the whole size on pv1, filled with data; \`node main/cli/lvmscope.mjs pvmove DIR pvA pvB --stack X -i 0\` moves it back and forth, unthrottled, default 2 MiB regions. Baseline: \`cp\` of a file holding the same data, then \`sync\` of the copy. ${canDropCaches ? 'The page cache is dropped (sync; echo 3 > /proc/sys/vm/drop_caches) before every timed run, so both read from the disk.' : 'Not root: the page cache could not be dropped, so these runs read warm data.'} Runs interleave cp, move, cp, move; ratio = the cp run's time / the move's right after it (≥ 1: as fast as cp), median of those ratios (goal ≥ 0.9).`,
    '',
    '| size | copy | median s | MiB/s | ratio to cp (median) | runs (s) | ratios |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
    ...(loaded.length
      ? [
          `Under a 4 KiB random-write workload (${WORKLOAD_IOPS} IOPS on lv0) on the ${small.sizeMiB / 1024} GiB VG: \`pvmove … --workload randwrite:4k:${WORKLOAD_IOPS}\` (\`lvmscope verify\` after the last one found every written block intact), each after the same workload alone, in process, for as long as an unloaded move takes. Throughput = unloaded move time / loaded move time (medians); p99 ratio = during the move / with no move.`,
          '',
          '| stack | loaded move s | throughput vs unloaded | no move p50 / p99 ms | during move p50 / p99 ms | p99 ratio | writes intercepted (held) | writes to the source leg only |',
          '|---|---|---|---|---|---|---|---|',
          ...loadedRows,
          '',
        ]
      : []),
    `Check: ${sizes.map((s) => `${s.sizeMiB / 1024} GiB: ${s.checked}`).join('; ')}; ${load}.`,
    '',
  ];
  const table = lines.join('\n');
  console.log(table);
  mkdirSync(path.join(HERE, 'results'), { recursive: true });
  writeFileSync(path.join(HERE, 'results', 'diskcopy.md'), table);
}

await main();
