// Benchmark: the CLI as a whole process, as people compare it with LVM2. `lvmscope lvs|pvs|vgs
// DIR` (node + the prebuilt bundle, opening the workspace through the engine) against real
// LVM2's `lvs|pvs|vgs` on the same images attached to loop devices, alternating, same run:
// on the seed demo (4 PVs, 1 LV) and on a VG of 1,000 LVs × 4 segments over 8 PVs.
// Then `npm start` to first paint under Xvfb (the browser fallback: engine, server, Chromium
// app window), against Chromium alone opening a static page in an app window.
// Needs root, losetup, lvm2, Xvfb, chromium and ImageMagick. Writes bench/results/cli.md.
// Run: npx tsx bench/cli.bench.ts   (or npm run bench cli)

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { LVM_CONFIG, withLoopDevices } from '../test/helpers/lvm2';
import { buildBigVg, LVS, median, PVS, SEGMENTS } from './bigVg';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const CLI = path.join(ROOT, 'main/cli/lvmscope.mjs');
const RUNS = 9;
const REPORTS = ['lvs', 'pvs', 'vgs'] as const;

function timeProcess(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return ms;
}

interface Row {
  workspace: string;
  report: string;
  ours: number;
  theirs: number;
}

async function compareReports(label: string, dir: string, images: string[]): Promise<Row[]> {
  const rows: Row[] = [];
  // Warm both (page cache, the CLI's code cache) before measuring.
  timeProcess(process.execPath, [CLI, 'lvs', dir]);
  await withLoopDevices(
    images.map((i) => path.join(dir, i)),
    () => {
      const env = { ...process.env, LVM_SUPPRESS_FD_WARNINGS: '1' };
      for (const report of REPORTS) {
        const ours: number[] = [];
        const theirs: number[] = [];
        for (let r = 0; r < RUNS; r++) {
          ours.push(timeProcess(process.execPath, [CLI, report, dir]));
          theirs.push(timeProcess('lvm', [report, '--config', LVM_CONFIG], env));
        }
        rows.push({ workspace: label, report, ours: median(ours), theirs: median(theirs) });
      }
    },
  );
  return rows;
}

/** Milliseconds from spawning `cmd` until the X screen shows more than `colours` colours. */
async function timeToPaint(display: string, cmd: string, args: string[], env: NodeJS.ProcessEnv, colours = 200): Promise<number> {
  const shot = path.join(os.tmpdir(), `lvmscope-paint-${process.pid}.png`);
  const t0 = performance.now();
  const child = spawn(cmd, args, { env: { ...env, DISPLAY: display }, stdio: 'ignore', detached: true });
  try {
    for (;;) {
      spawnSync('import', ['-display', display, '-window', 'root', shot]);
      const seen = Number(spawnSync('identify', ['-format', '%k', shot], { encoding: 'utf8' }).stdout);
      if (seen > colours) return performance.now() - t0;
      if (performance.now() - t0 > 120_000) throw new Error(`${cmd} painted nothing in 120 s`);
      if (child.exitCode !== null) throw new Error(`${cmd} exited with ${child.exitCode}`);
    }
  } finally {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // Already gone.
    }
    await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
    rmSync(shot, { force: true });
  }
}

async function firstPaint(): Promise<string[]> {
  const xvfb = spawn('Xvfb', ['-displayfd', '1', '-screen', '0', '1440x900x24', '-nolisten', 'tcp'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const display = await new Promise<string>((resolve) => xvfb.stdout!.once('data', (d: Buffer) => resolve(`:${String(d).trim()}`)));
  const home = mkdtempSync(path.join(os.tmpdir(), 'lvmscope-bench-home-'));
  const page = path.join(home, 'static.html');
  // A static page as colourful as the UI's first screen, so both wait for comparable paint.
  writeFileSync(page, `<!doctype html><title>static</title><body style="margin:0">${Array.from({ length: 400 }, (_, i) => `<div style="display:inline-block;width:72px;height:40px;background:hsl(${i * 0.9},${40 + (i % 50)}%,${30 + (i % 40)}%)"></div>`).join('')}</body>`);
  const env = { ...process.env, XDG_CONFIG_HOME: path.join(home, '.config'), LVMSCOPE_NO_ELECTRON: '1' };
  const ours: number[] = [];
  const theirs: number[] = [];
  try {
    // The first start creates the demo workspace and may build the UI; not measured.
    await timeToPaint(display, 'npm', ['start'], env);
    for (let r = 0; r < 3; r++) {
      ours.push(await timeToPaint(display, 'npm', ['start'], env));
      const profile = mkdtempSync(path.join(home, 'profile-'));
      theirs.push(await timeToPaint(display, 'chromium', [`--app=file://${page}`, `--user-data-dir=${profile}`, '--no-first-run', '--disable-background-networking', '--no-sandbox', '--test-type'], env));
    }
  } finally {
    xvfb.kill();
    rmSync(home, { recursive: true, force: true });
  }
  return [
    '### `npm start` to first paint (browser fallback, Xvfb 1440×900)',
    '',
    'From spawning `npm start` (no Electron runtime: engine + server + Chromium app window on the demo workspace, already created, UI already built) until the screen shows the painted UI (> 200 colours), against Chromium alone opening a static page of similar colour in an app window. Median of 3, alternating.',
    '',
    '| start | median s |',
    '|---|---|',
    `| npm start (lvmscope window) | ${(median(ours) / 1000).toFixed(2)} |`,
    `| chromium --app=static page | ${(median(theirs) / 1000).toFixed(2)} |`,
    `| **ratio** | **${(median(ours) / median(theirs)).toFixed(2)}** |`,
  ];
}

async function main(): Promise<void> {
  const demo = mkdtempSync(path.join(os.tmpdir(), 'lvmscope-bench-demo-'));
  const big = mkdtempSync(path.join(os.tmpdir(), 'lvmscope-bench-big-'));
  try {
    spawnSync(process.execPath, [CLI, 'demo', demo], { stdio: 'ignore' });
    await buildBigVg(big);
    const rows = [
      ...(await compareReports('seed demo (4 PVs, 1 LV)', demo, ['pv1.img', 'pv2.img', 'pv3.img', 'pv4.img'])),
      ...(await compareReports(`${LVS} LVs × ${SEGMENTS} segments, ${PVS} PVs`, big, Array.from({ length: PVS }, (_, i) => `pv${i + 1}.img`))),
    ];
    const lines = [
      '## CLI: whole processes against LVM2',
      '',
      'Command: `npx tsx bench/cli.bench.ts` (root, lvm2, loop devices; activation disabled).',
      `lvmscope = \`node main/cli/lvmscope.mjs REPORT DIR\` (the prebuilt bundle with its V8 code cache; opens the workspace through the engine: lock, scan, activate, report); LVM2 = \`lvm REPORT --config …\` on the same images on loop devices. Median of ${RUNS} runs each, alternating. Goals: ≤ 3× on the demo, ≤ 1× on the 1,000-LV VG.`,
      '',
      '| workspace | report | lvmscope ms | LVM2 ms | ratio |',
      '|---|---|---|---|---|',
      ...rows.map((r) => `| ${r.workspace} | ${r.report} | ${r.ours.toFixed(0)} | ${r.theirs.toFixed(0)} | **${(r.ours / r.theirs).toFixed(2)}** |`),
      '',
      ...(await firstPaint()),
      '',
    ];
    const table = lines.join('\n');
    console.log(table);
    writeFileSync(path.join(ROOT, 'bench', 'results', 'cli.md'), table);
  } finally {
    rmSync(demo, { recursive: true, force: true });
    rmSync(big, { recursive: true, force: true });
  }
}

await main();
