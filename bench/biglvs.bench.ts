// Benchmark: `lvs` on volume groups of growing size, as whole processes, lvmscope against real
// LVM2 on the same images in the same run, to show how each grows with the LV count (issue 20:
// 10,001 LVs × 5 segments took lvmscope minutes where LVM2 took 2 s). For each N: a backup of
// N LVs × 5 linear segments over 17 sparse PVs of 1 TiB (4 MiB extents) is restored by real
// LVM2 (truncate + losetup, `pvcreate --uuid --restorefile`, `vgcfgrestore`); then `lvm lvs`
// runs on the loop devices and, detached, `lvmscope lvs DIR` on the image files.
// BEFORE_BUNDLE=path/to/lvmscope.cjs adds a column for another build of the CLI (the code
// before a change), timed the same way. Needs root, losetup and lvm2.
// Writes bench/results/biglvs.md. Run: npx tsx bench/biglvs.bench.ts   (or npm run bench biglvs)

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { LVM_CONFIG } from '../test/helpers/lvm2';
import { median } from './bigVg';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const BUNDLE = path.join(ROOT, 'out/cli/lvmscope.cjs');
const BEFORE = process.env.BEFORE_BUNDLE;
const SIZES = (process.env.SIZES ?? '500,1000,2000,4000,10001').split(',').map(Number);
const RUNS = Number(process.env.ROUNDS ?? 3);
const PVS = 17;
const SEGMENTS = 5;
const PV_BYTES = 2 ** 40;
const EXTENT_SECTORS = 8192; // 4 MiB
const PE_START_SECTORS = 65536; // 32 MiB: 10,001 LVs need a metadata area of about 8 MiB
const env = { ...process.env, LVM_SUPPRESS_FD_WARNINGS: '1' };

const uuid = (kind: string, n: number) => {
  const s = `${kind}${String(n).padStart(6, '0')}`.padEnd(32, '0');
  return [s.slice(0, 6), s.slice(6, 10), s.slice(10, 14), s.slice(14, 18), s.slice(18, 22), s.slice(22, 26), s.slice(26)].join('-');
};

/** The backup of a VG of `lvs` LVs, each of 5 segments on 5 different PVs (half the VG allocated). */
function backupText(lvs: number): string {
  const peCount = PV_BYTES / 512 / EXTENT_SECTORS - PE_START_SECTORS / EXTENT_SECTORS;
  const perSegment = Math.max(1, Math.floor((peCount * PVS * 0.5) / lvs / SEGMENTS));
  const next = new Array<number>(PVS).fill(0);
  const pvs = Array.from({ length: PVS }, (_, i) => `pv${i} { id = "${uuid('benchpv', i)}" device = "/dev/bench${i}" status = ["ALLOCATABLE"] flags = [] dev_size = ${PV_BYTES / 512} pe_start = ${PE_START_SECTORS} pe_count = ${peCount} }`);
  const lvText: string[] = [];
  for (let i = 0; i < lvs; i++) {
    const segs = Array.from({ length: SEGMENTS }, (_, s) => {
      const pv = (i * SEGMENTS + s) % PVS;
      const pe = next[pv];
      next[pv] += perSegment;
      return `segment${s + 1} { start_extent = ${s * perSegment} extent_count = ${perSegment} type = "striped" stripe_count = 1 stripes = ["pv${pv}", ${pe}] }`;
    });
    lvText.push(`lv${i} { id = "${uuid('benchlv', i)}" status = ["READ", "WRITE", "VISIBLE"] flags = [] creation_time = 1800000000 creation_host = "db7" segment_count = ${SEGMENTS} ${segs.join(' ')} }`);
  }
  return `contents = "Text Format Volume Group"\nversion = 1\ndescription = "bench"\ncreation_host = "db7"\ncreation_time = 1800000000\nbigvg {\nid = "${uuid('benchvg', 0)}" seqno = 42 format = "lvm2" status = ["RESIZEABLE", "READ", "WRITE"] flags = [] extent_size = ${EXTENT_SECTORS} max_lv = 0 max_pv = 0 metadata_copies = 0\nphysical_volumes {\n${pvs.join('\n')}\n}\nlogical_volumes {\n${lvText.join('\n')}\n}\n}\n`;
}

function timed(command: string, args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(command, args, { encoding: 'utf8', env, maxBuffer: 256 * 2 ** 20 });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${r.stderr}`);
  return performance.now() - t0;
}

/** Restores the VG onto loop devices over sparse images in `dir`, times `lvm lvs` there, detaches. */
function restoreAndTimeLvm2(dir: string, backup: string): number[] {
  const devices: string[] = [];
  try {
    for (let i = 0; i < PVS; i++) {
      const img = path.join(dir, `bench${i}.img`);
      execFileSync('truncate', ['-s', String(PV_BYTES), img]);
      devices.push(execFileSync('losetup', ['-f', '--show', img], { encoding: 'utf8' }).trim());
    }
    // Only these loop devices: the machine may have other engineers' devices attached.
    const config = `${LVM_CONFIG} devices{filter=[${devices.map((d) => `"a|^${d}$|"`).join(',')},"r|.*|"]}`;
    const metadataKiB = PE_START_SECTORS / 2 - 1024;
    for (const [i, dev] of devices.entries()) timed('lvm', ['pvcreate', '-q', '-y', '--uuid', uuid('benchpv', i), '--restorefile', backup, '--metadatasize', `${metadataKiB}k`, dev, '--config', config]);
    timed('lvm', ['vgcfgrestore', '-q', '-f', backup, 'bigvg', '--config', config]);
    timed('lvm', ['lvs', 'bigvg', '--config', config]); // warm the page cache as lvmscope's first run does
    return Array.from({ length: RUNS }, () => timed('lvm', ['lvs', 'bigvg', '--config', config]));
  } finally {
    for (const d of devices) execFileSync('losetup', ['-d', d]);
  }
}

/** `lvs DIR` through a CLI bundle, a whole process (the same runner for every bundle). */
function timeBundle(runner: string, bundle: string, dir: string): number[] {
  const args = [runner, bundle, 'lvs', dir];
  timed(process.execPath, args); // warm
  return Array.from({ length: RUNS }, () => timed(process.execPath, args));
}

interface Row {
  lvs: number;
  lvm2: number;
  ours: number;
  before?: number;
}

function table(rows: Row[], loadAtStart: number): string {
  const s = (ms: number) => (ms / 1000).toFixed(2);
  const perLv = (ms: number, n: number) => ((ms / n) * 1000).toFixed(0);
  const lines = rows.map((r, i) => {
    const prev = rows[i - 1];
    const growth = prev ? `${(r.ours / prev.ours).toFixed(2)}× for ${(r.lvs / prev.lvs).toFixed(2)}× LVs` : '';
    const before = BEFORE ? ` ${r.before === undefined ? '' : `${s(r.before)} (${(r.before / r.lvm2).toFixed(2)})`} |` : '';
    return `| ${r.lvs} |${before} ${s(r.ours)} | ${s(r.lvm2)} | **${(r.ours / r.lvm2).toFixed(2)}** | ${perLv(r.ours, r.lvs)} | ${perLv(r.lvm2, r.lvs)} | ${growth} |`;
  });
  const beforeHead = BEFORE ? ' before: lvmscope s (ratio) |' : '';
  return [
    '## lvs on big VGs: growth with the LV count',
    '',
    `Command: \`npx tsx bench/biglvs.bench.ts\` (root, lvm2, loop devices; activation disabled). VG bigvg: ${PVS} PVs of 1 TiB (sparse), 4 MiB extents, N LVs × ${SEGMENTS} linear segments on ${SEGMENTS} different PVs, restored by real LVM2 (\`pvcreate --restorefile\`, \`vgcfgrestore\`). lvmscope = \`lvs DIR\` on the image files through the prebuilt CLI bundle (out/cli/lvmscope.cjs: scan, parse, activate every LV, report); LVM2 = \`lvm lvs bigvg\` on the same images on loop devices. Whole processes, median of ${RUNS} after a warm-up run. Ratio = lvmscope / LVM2 (lower is better); µs per LV shows whether the time grows faster than the VG.${BEFORE ? ' "before" = the CLI built from the code before the fix (same runner, same run).' : ''}`,
    '',
    `|  LVs |${beforeHead} lvmscope s | LVM2 s | ratio | lvmscope µs/LV | LVM2 µs/LV | lvmscope growth |`,
    `|---|${BEFORE ? '---|' : ''}---|---|---|---|---|---|`,
    ...lines,
    '',
    `Load average (1 min) ${loadAtStart.toFixed(1)} at the start, ${os.loadavg()[0].toFixed(1)} at the end, on ${os.cpus().length} cores shared with other work.`,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'lvmscope-bench-biglvs-'));
  const loadAtStart = os.loadavg()[0];
  try {
    timed(process.execPath, [path.join(ROOT, 'main/cli/lvmscope.mjs'), '--version']); // the CLI bundle is built before timing
    const runner = path.join(tmp, 'runner.cjs');
    writeFileSync(runner, "require(process.argv[2]).runCli([process.argv[0], 'lvmscope', ...process.argv.slice(3)]).then((code) => process.exit(code));\n");
    const rows: Row[] = [];
    for (const lvs of SIZES) {
      const dir = path.join(tmp, `vg${lvs}`);
      mkdirSync(dir);
      const backup = path.join(tmp, `bigvg-${lvs}.backup`);
      writeFileSync(backup, backupText(lvs));
      const lvm2 = median(restoreAndTimeLvm2(dir, backup));
      const ours = median(timeBundle(runner, BUNDLE, dir));
      const before = BEFORE ? median(timeBundle(runner, BEFORE, dir)) : undefined;
      rows.push({ lvs, lvm2, ours, before });
      console.log(`${lvs} LVs: lvmscope ${ours.toFixed(0)} ms, LVM2 ${lvm2.toFixed(0)} ms${before === undefined ? '' : `, before ${before.toFixed(0)} ms`}`);
      rmSync(dir, { recursive: true, force: true });
    }
    const text = table(rows, loadAtStart);
    console.log(text);
    writeFileSync(path.join(ROOT, 'bench', 'results', 'biglvs.md'), text);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
