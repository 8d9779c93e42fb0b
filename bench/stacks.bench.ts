// Benchmark: a 2 GiB move with each device stack, as whole `lvmscope` processes, against `cp`
// of 2 GiB on the same disk, same run. The VG is made through the CLI (pvcreate --size,
// vgcreate, lvcreate: vg0 with 4 MiB extents on two images, lv0 = 2 GiB on pv1), lv0's extents
// are filled with data (an LV lvcreate made reads as zeros from a sparse image, which would
// flatter both the move and cp), then `lvmscope pvmove DIR pvA pvB --stack X -i 0` moves lv0
// back and forth: the outline, lvm2, lvm2 with --max-segment-size 256 (eight pvmove0
// segments, a checkpoint and reload after each but the last), and lvm2 with --atomic (one
// mirror over pvmove0_mimage_0/1, two more dm devices, no checkpoint). Between moves, `cp` of a 2 GiB
// file holding the same data, then `sync` of the copy (the move's metadata commits flush the
// destination image, so both end with the bytes on disk). The order of the stacks rotates each
// round. At the end lv0's bytes are hashed on the PV it ended on and compared with the data.
// Images live under bench/tmp/stacks (about 8 GiB while it runs) and are removed at the end.
// Run: npx tsx bench/stacks.bench.ts   (ROUNDS=3 by default; or npm run bench stacks)

import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fillData, sha256 } from './fileData';

const HERE = path.dirname(new URL(import.meta.url).pathname);
const ROOT = path.resolve(HERE, '..');
const CLI = path.join(ROOT, 'main/cli/lvmscope.mjs');
const DIR = path.join(HERE, 'tmp', 'stacks');
const MiB = 1024 * 1024;
const SIZE_MIB = 2048;
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const CMD = 'npx tsx bench/stacks.bench.ts';

interface Config {
  label: string;
  args: string[];
}

const CONFIGS: Config[] = [
  { label: 'lvmscope pvmove --stack outline', args: ['--stack', 'outline'] },
  { label: 'lvmscope pvmove --stack lvm2', args: ['--stack', 'lvm2'] },
  { label: 'lvmscope pvmove --stack lvm2 --max-segment-size 256', args: ['--stack', 'lvm2', '--max-segment-size', '256'] },
  { label: 'lvmscope pvmove --stack lvm2 --atomic', args: ['--stack', 'lvm2', '--atomic'] },
];

/** Runs a whole process; returns its wall time in seconds and its stdout. */
function run(cmd: string, args: string[]): { seconds: number; stdout: string } {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * MiB });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return { seconds, stdout: r.stdout };
}

const lvmscope = (...args: string[]) => run(process.execPath, [CLI, ...args]);

/** The byte offset of the first PE of each PV, as `lvmscope pvs` reports it. */
function peStarts(): Map<string, number> {
  const json = JSON.parse(lvmscope('pvs', DIR, '-o', 'pv_name,pe_start', '--units', 'b', '--nosuffix', '--reportformat', 'json').stdout) as { report: Array<{ pv: Array<{ pv_name: string; pe_start: string }> }> };
  return new Map(json.report[0].pv.map((p) => [p.pv_name, Number(p.pe_start)]));
}

/** The PV lv0 lives on now (it has one segment: `pv2(0)`). */
function lvPv(): string {
  const json = JSON.parse(lvmscope('lvs', DIR, '-o', 'lv_name,devices', '--reportformat', 'json').stdout) as { report: Array<{ lv: Array<{ devices: string }> }> };
  const devices = json.report[0].lv[0].devices;
  if (!/^pv\d\(0\)$/.test(devices)) throw new Error(`lv0 should be one segment from PE 0, not ${devices}`);
  return devices.replace(/\(0\)$/, '');
}

function setUp(): { data: string; copy: string } {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  // The images are a little larger than lv0: the label and metadata area come before PE 0.
  for (const pv of ['pv1', 'pv2']) lvmscope('pvcreate', DIR, pv, '--size', `${SIZE_MIB + 8}M`);
  lvmscope('vgcreate', DIR, 'vg0', 'pv1', 'pv2', '-s', '4M');
  lvmscope('lvcreate', DIR, 'vg0', '-n', 'lv0', '-L', `${SIZE_MIB}M`, 'pv1');
  const data = path.join(DIR, 'data.bin');
  writeFileSync(data, new Uint8Array(0));
  fillData(SIZE_MIB, [{ file: path.join(DIR, 'pv1.img'), offset: peStarts().get('pv1')! }, { file: data, offset: 0 }]);
  return { data, copy: path.join(DIR, 'copy.bin') };
}

/** `cp` of the 2 GiB file, then `sync` of the copy: two whole processes, timed together. */
function timeCp(data: string, copy: string): number {
  rmSync(copy, { force: true });
  const seconds = run('cp', [data, copy]).seconds + run('sync', [copy]).seconds;
  rmSync(copy, { force: true });
  return seconds;
}

interface Timing {
  seconds: number[];
  steps: number;
}

async function main(): Promise<void> {
  const { data, copy } = setUp();
  try {
    // The first run of the CLI after a source change rebuilds its bundle: not measured. The
    // filled images are flushed before the first timing, so no run pays for their write-back.
    lvmscope('pvs', DIR);
    run('sync', []);
    const timings = new Map<string, Timing>(CONFIGS.map((c) => [c.label, { seconds: [], steps: 0 }]));
    const cp: number[] = [];
    const loadAtStart = os.loadavg()[0];
    let on = 'pv1';
    for (let round = 0; round < ROUNDS; round += 1) {
      const order = CONFIGS.map((_, i) => CONFIGS[(i + round) % CONFIGS.length]);
      for (const config of order) {
        cp.push(timeCp(data, copy));
        const to = on === 'pv1' ? 'pv2' : 'pv1';
        const move = lvmscope('pvmove', DIR, on, to, ...config.args, '-i', '0');
        const timing = timings.get(config.label)!;
        timing.seconds.push(move.seconds);
        timing.steps = Math.max(0, ...[...move.stdout.matchAll(/^ {2}\[\d+\/(\d+)\]/gm)].map((m) => Number(m[1])));
        on = to;
      }
    }
    const pv = lvPv();
    const moved = await sha256(path.join(DIR, `${pv}.img`), peStarts().get(pv)!, SIZE_MIB * MiB);
    const expected = await sha256(data, 0, SIZE_MIB * MiB);
    if (moved !== expected) throw new Error(`lv0's bytes on ${pv} differ from the data written (sha256 ${moved} vs ${expected})`);
    const load = `load average (1 min) ${loadAtStart.toFixed(1)} at the first run, ${os.loadavg()[0].toFixed(1)} at the last, on ${os.cpus().length} cores shared with other work`;
    report(timings, cp, `lv0 ended on ${pv}; its 2 GiB hash as the data written (sha256 ${expected.slice(0, 16)}…); ${load}`);
  } finally {
    rmSync(DIR, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const best = (xs: number[]) => Math.min(...xs);
const list = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(', ');

function report(timings: Map<string, Timing>, cp: number[], checked: string): void {
  const rows = [...timings].map(([label, t]) => `| ${label} (${t.steps} steps) | ${median(t.seconds).toFixed(2)} | ${best(t.seconds).toFixed(2)} | ${(SIZE_MIB / median(t.seconds)).toFixed(0)} | **${(median(t.seconds) / median(cp)).toFixed(2)}** | ${(best(t.seconds) / best(cp)).toFixed(2)} | ${list(t.seconds)} |`);
  const lines = [
    '## pvmove stacks: a 2 GiB move with each stack against cp (whole processes)',
    '',
    `Command: \`${CMD}\` (ROUNDS=${ROUNDS}). vg0 made with the CLI (\`pvcreate --size ${SIZE_MIB + 8}M\` ×2, \`vgcreate -s 4M\`, \`lvcreate -L ${SIZE_MIB}M pv1\`) in bench/tmp/stacks, lv0's extents filled with data; then \`node main/cli/lvmscope.mjs pvmove DIR pvA pvB --stack X -i 0\` moves lv0 back and forth, unthrottled, default region size (2 MiB). Baseline: \`cp\` of a ${SIZE_MIB} MiB file holding the same data, then \`sync\` of the copy, on the same disk, before each move. The stacks' order rotates each round. Ratio = move time / cp + sync time, medians and best runs (lower is better; the disk is shared, so runs vary by 2-3×).`,
    '',
    '| 2 GiB | median s | best s | MiB/s (median) | ratio to cp (median) | ratio to cp (best) | runs (s) |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    `| cp + sync (baseline) | ${median(cp).toFixed(2)} | ${best(cp).toFixed(2)} | ${(SIZE_MIB / median(cp)).toFixed(0)} | 1.00 | 1.00 | ${list(cp)} |`,
    '',
    `Check: ${checked}.`,
    '',
  ];
  const table = lines.join('\n');
  console.log(table);
  mkdirSync(path.join(HERE, 'results'), { recursive: true });
  writeFileSync(path.join(HERE, 'results', 'stacks.md'), table);
}

await main();
