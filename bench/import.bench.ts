// Benchmark: `lvmscope import` of a 64 TiB VG (8 PVs of 8 TiB, 4 MiB extents, 5,000 LVs of two
// segments each), as whole processes, against what an administrator does with real LVM2 to
// clone the same layout onto sparse files in the same run: truncate + losetup, `pvcreate --uuid
// --restorefile` per PV, `vgcfgrestore`. Also times opening the imported workspace
// (`lvmscope vgs`). Writes bench/results/import.md. Needs root, losetup and lvm2.
// Run: npx tsx bench/import.bench.ts   (or npm run bench import)

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { LVM_CONFIG } from '../test/helpers/lvm2';
import { median } from './bigVg';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const BIN = path.join(ROOT, 'main/cli/lvmscope.mjs');
const PVS = 8;
const PV_BYTES = 8 * 2 ** 40;
const EXTENT_SECTORS = 8192; // 4 MiB
const PE_START_SECTORS = 16384; // 8 MiB: a 5,000-LV VG needs metadata areas of several MiB
const LVS = 5000;
const RUNS = Number(process.env.ROUNDS ?? 3);

const uuid = (kind: string, n: number) => {
  const s = `${kind}${String(n).padStart(6, "0")}`.padEnd(32, "0");
  return [s.slice(0, 6), s.slice(6, 10), s.slice(10, 14), s.slice(14, 18), s.slice(18, 22), s.slice(22, 26), s.slice(26)].join('-');
};

/** The backup LVM2 would write for that VG: each LV two segments on consecutive PVs. */
function backupText(): string {
  const peCount = PV_BYTES / 512 / EXTENT_SECTORS - PE_START_SECTORS / EXTENT_SECTORS;
  const perLv = Math.floor((peCount * PVS * 0.8) / LVS / 2);
  const next = new Array<number>(PVS).fill(0);
  const pvs = Array.from({ length: PVS }, (_, i) => `pv${i} { id = "${uuid('benchpv', i)}" device = "/dev/bench${i}" status = ["ALLOCATABLE"] flags = [] dev_size = ${PV_BYTES / 512} pe_start = ${PE_START_SECTORS} pe_count = ${peCount} }`);
  const lvs: string[] = [];
  for (let i = 0; i < LVS; i++) {
    const segs = [0, 1].map((s) => {
      const pv = (i * 2 + s) % PVS;
      const pe = next[pv];
      next[pv] += perLv;
      return `segment${s + 1} { start_extent = ${s * perLv} extent_count = ${perLv} type = "striped" stripe_count = 1 stripes = ["pv${pv}", ${pe}] }`;
    });
    lvs.push(`lv${i} { id = "${uuid('benchlv', i)}" status = ["READ", "WRITE", "VISIBLE"] flags = [] creation_time = 1800000000 creation_host = "db7" segment_count = 2 ${segs.join(' ')} }`);
  }
  return `contents = "Text Format Volume Group"\nversion = 1\ndescription = "bench"\ncreation_host = "db7"\ncreation_time = 1800000000\nbigvg {\nid = "${uuid('benchvg', 0)}" seqno = 42 format = "lvm2" status = ["RESIZEABLE", "READ", "WRITE"] flags = [] extent_size = ${EXTENT_SECTORS} max_lv = 0 max_pv = 0 metadata_copies = 0\nphysical_volumes {\n${pvs.join('\n')}\n}\nlogical_volumes {\n${lvs.join('\n')}\n}\n}\n`;
}

function timed(command: string, args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(command, args, { encoding: 'utf8', env: { ...process.env, LVM_SUPPRESS_FD_WARNINGS: '1' } });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${r.stderr}`);
  return performance.now() - t0;
}

/** Real LVM2 cloning the layout: sparse files, loop devices, pvcreate --restorefile, vgcfgrestore. */
function lvm2Clone(dir: string, backup: string): number {
  const devices: string[] = [];
  const t0 = performance.now();
  try {
    for (let i = 0; i < PVS; i++) {
      const img = path.join(dir, `bench${i}.img`);
      execFileSync('truncate', ['-s', String(PV_BYTES), img]);
      devices.push(execFileSync('losetup', ['-f', '--show', img], { encoding: 'utf8' }).trim());
    }
    const filter = `devices{filter=[${devices.map((d) => `"a|^${d}$|"`).join(',')},"r|.*|"]}`;
    for (const [i, dev] of devices.entries()) timed('lvm', ['pvcreate', '-q', '-y', '--uuid', uuid('benchpv', i), '--restorefile', backup, '--metadatasize', `${PE_START_SECTORS / 2 - 1024}k`, dev, '--config', `${LVM_CONFIG} ${filter}`]);
    timed('lvm', ['vgcfgrestore', '-q', '-f', backup, 'bigvg', '--config', `${LVM_CONFIG} ${filter}`]);
    return performance.now() - t0;
  } finally {
    for (const d of devices) execFileSync('losetup', ['-d', d]);
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lvmscope-bench-import-'));
  try {
    const backup = path.join(dir, 'bigvg.backup');
    writeFileSync(backup, backupText());
    timed(process.execPath, [BIN, '--version']); // the CLI bundle is built before timing
    const noData: number[] = [];
    const withData: number[] = [];
    const open: number[] = [];
    const theirs: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const a = path.join(dir, `ws-nodata-${r}`);
      const b = path.join(dir, `ws-data-${r}`);
      noData.push(timed(process.execPath, [BIN, 'import', a, '--backup', backup, '--no-data']));
      withData.push(timed(process.execPath, [BIN, 'import', b, '--backup', backup]));
      open.push(timed(process.execPath, [BIN, 'vgs', a]));
      const lvm = path.join(dir, `lvm2-${r}`);
      execFileSync('mkdir', [lvm]);
      theirs.push(lvm2Clone(lvm, backup));
      for (const d of [a, b, lvm]) rmSync(d, { recursive: true, force: true });
    }
    const base = median(theirs);
    const row = (name: string, xs: number[]) => `| ${name} | ${(median(xs) / 1000).toFixed(2)} | ${(median(xs) / base).toFixed(2)} | ${xs.map((x) => (x / 1000).toFixed(2)).join(', ')} |`;
    const table = [
      '## import: clone a 64 TiB VG of 5,000 LVs into sparse images',
      '',
      `Command: \`npx tsx bench/import.bench.ts\` (root, lvm2, loop devices; activation disabled). VG bigvg: ${PVS} PVs of 8 TiB (sparse), 4 MiB extents, pe_start 8 MiB, ${LVS} LVs × 2 segments (80 % allocated), metadata ${(backupText().length / 1048576).toFixed(1)} MiB as a backup. Whole processes, median of ${RUNS} runs. Baseline: real LVM2 cloning the same layout the way an administrator would (truncate + losetup ×${PVS}, \`pvcreate --uuid --restorefile\` ×${PVS}, \`vgcfgrestore\`). Ratio = time / baseline (lower is better).`,
      '',
      '| what | median s | ratio to LVM2 clone | runs (s) |',
      '|---|---|---|---|',
      row('lvmscope import --no-data', noData),
      row('lvmscope import (default: 256 MiB of demo pattern)', withData),
      row('lvmscope vgs on the imported workspace (open)', open),
      row('LVM2 clone (baseline)', theirs),
      '',
    ].join('\n');
    console.log(table);
    writeFileSync(path.join(ROOT, 'bench', 'results', 'import.md'), table);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
