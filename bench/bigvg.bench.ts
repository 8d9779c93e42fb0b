// Benchmark (issue 20 point 3): open the big VG — 64 PVs of 16 TiB (sparse), 4 MiB extents,
// 10,000 LVs × 5 segments (bench/bigVg.ts HUGE) — with lvmscope against real LVM2's `lvs` on
// the same images over loop devices, in the same run, interleaved round by round (the machine
// is shared: a round of each, then the next). Two comparisons:
// - in process: the engine's workspace.open (scan, read and check every metadata copy, parse,
//   activate every LV, build the workspace view) against the `lvm lvs` process;
// - whole processes: `lvmscope lvs DIR` (the prebuilt CLI bundle) against `lvm lvs hugevg`.
// Wall time and CPU time (user + sys, from /usr/bin/time) are both given: on a loaded machine
// the CPU time is the steadier figure. Also what a window is sent (issue 20): the whole view
// (what workspace.open answers) against the workspace.changed of one pvmove commit (pvmove0
// inserted for one LV), with the engine's time to build and compare the view and the window's
// time to parse and apply it. Then the UI in Chromium (test/e2e/bigVg.test.ts with BENCH=1):
// open → maps drawn, frame intervals while a 2,097,152-region move animates in this VG,
// hover → tooltip, heap, DOM size, each against the frame-rate VG's 65,536-region move measured
// in the same run.
// Needs root, losetup, lvm2; the UI part `npx electron-vite build` and `node main/cli/bundle.mjs`.
// Writes bench/results/bigvg.md.
// Run: npx tsx bench/bigvg.bench.ts   (or npm run bench bigvg); UI_ONLY=1 measures the UI alone
// and replaces that section of the results; DM_ONLY=1 likewise what a window is sent of the dm.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Engine } from '../app/engine';
import type { WorkspaceView } from '../app/api/views';
import { applyWorkspaceChange, diffWorkspace, type WorkspaceChange } from '../app/api/workspaceChange';
import { createNodeHost } from '../main/host';
import { withLoopDevices } from '../test/helpers/lvm2';
import { buildHugeVg, HUGE, median } from './bigVg';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const BUNDLE = path.join(ROOT, 'out/cli/lvmscope.cjs');
const ROUNDS = Number(process.env.ROUNDS ?? 3);

interface Timed {
  wallMs: number;
  cpuMs: number;
  /** Lines the command printed (a report's rows plus its heading). */
  lines?: number;
}

/** Runs a command under /usr/bin/time: wall time here, CPU time (user + sys) from time. */
function timed(command: string, args: string[]): Timed {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'CPU %U %S', command, ...args], { encoding: 'utf8', env: { ...process.env, LVM_SUPPRESS_FD_WARNINGS: '1' }, maxBuffer: 256 * 2 ** 20 });
  const wallMs = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${r.stderr}`);
  const m = /CPU ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
  return { wallMs, cpuMs: m ? (Number(m[1]) + Number(m[2])) * 1000 : NaN, lines: r.stdout.trimEnd().split('\n').length };
}

/** The engine opening the folder in this process, as the app does; and its view's size. */
async function openInProcess(dir: string): Promise<Timed & { lvs: number }> {
  const engine = new Engine(createNodeHost({ kind: 'cli', holderName: 'bigvg bench' }));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const view = await engine.handlers['workspace.open']({ path: dir });
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  await engine.dispose();
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, lvs: view.vgs[0]?.lvs.length ?? 0 };
}

const med = (xs: Timed[], k: 'wallMs' | 'cpuMs') => median(xs.map((x) => x[k]));
const RESULTS = path.join(ROOT, 'bench', 'results', 'bigvg.md');
const UI_HEADING = '### UI in Chromium';

/** Runs the UI measurement (its e2e test) and returns its section of the results. */
function measureUi(): string {
  const r = spawnSync('npx', ['vitest', 'run', '--project', 'e2e', 'test/e2e/bigVg.test.ts'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, BENCH: '1' } });
  const file = path.join(ROOT, 'test-results', 'bigvg-ui.md');
  if (r.status !== 0 || !existsSync(file)) throw new Error('the UI measurement (test/e2e/bigVg.test.ts) failed; see its output above');
  return readFileSync(file, 'utf8');
}

/** The results with their UI section replaced by `ui` (or appended; an earlier "not measured" line dropped). */
function withUiSection(text: string, ui: string): string {
  const at = text.indexOf(UI_HEADING);
  const before = (at < 0 ? text : text.slice(0, at)).split('\n').filter((l) => !l.startsWith('UI figures for this VG')).join('\n');
  return `${before.trimEnd()}\n\n${ui}`;
}

/** What one window is sent and spends: the whole view against the change of one pvmove commit. */
interface ChangeFigures {
  viewBytes: number;
  changeBytes: number;
  /** Engine: building the view (session.view) and comparing it with the last one (diffWorkspace). */
  buildMs: number;
  diffMs: number;
  /** Engine: JSON of the whole view and of the change (what the transport does). */
  stringifyViewMs: number;
  stringifyChangeMs: number;
  /** Window: JSON.parse of the whole view; JSON.parse of the change plus applyWorkspaceChange. */
  parseViewMs: number;
  parseApplyChangeMs: number;
  changedLvs: number;
  changedPvs: number;
}

const timeOf = <T>(fn: () => T): [T, number] => {
  const t0 = performance.now();
  const value = fn();
  return [value, performance.now() - t0];
};

/**
 * Opens the VG with a listener (as a window's host does), starts a step-mode pvmove of one LV
 * and takes the first workspace.changed (the commit that inserts pvmove0); then aborts it.
 * Each timing is the median of 5.
 */
async function changeFigures(dir: string): Promise<ChangeFigures> {
  const engine = new Engine(createNodeHost({ kind: 'cli', holderName: 'bigvg bench' }));
  const changes: WorkspaceChange[] = [];
  engine.subscribe((name, payload) => name === 'workspace.changed' && changes.push(payload as WorkspaceChange));
  try {
    const first = await engine.handlers['workspace.open']({ path: dir });
    const lv = first.vgs[0].lvs[7];
    const source = lv.segments[0].areas[0].target;
    const destination = first.vgs[0].pvs.find((p) => p.name !== source && p.allocatedCount < p.peCount / 2 + lv.segments[0].count)!.name;
    const before = changes.length;
    await engine.handlers['move.start']({ request: { vg: HUGE.vg, lv: lv.name, sources: [source], destinations: [destination], alloc: 'normal' }, options: { stepMode: true } });
    // Step by step until the first commit (each commit writes the 7 MiB text to 64 PVs: seconds).
    for (const t0 = performance.now(); changes.length === before && performance.now() - t0 < 300_000; ) {
      if ((await engine.handlers['move.state']({})).move?.status === 'waiting-step') await engine.handlers['move.control']({ action: 'next' });
      await new Promise((r) => setTimeout(r, 100));
    }
    const change = changes[before];
    if (!change) throw new Error('the move committed nothing in 5 minutes');
    const session = engine.session!;
    const times = (fn: () => unknown) => median(Array.from({ length: 5 }, () => timeOf(fn)[1]));
    const after = session.view(HUGE.vg);
    const viewText = JSON.stringify(first);
    const changeText = JSON.stringify(change);
    const figures: ChangeFigures = {
      viewBytes: viewText.length,
      changeBytes: changeText.length,
      buildMs: times(() => session.view(HUGE.vg)),
      diffMs: times(() => diffWorkspace(first, after, first.revision!, first.revision! + 1)),
      stringifyViewMs: times(() => JSON.stringify(first)),
      stringifyChangeMs: times(() => JSON.stringify(change)),
      parseViewMs: times(() => JSON.parse(viewText) as WorkspaceView),
      parseApplyChangeMs: times(() => applyWorkspaceChange(first, JSON.parse(changeText) as WorkspaceChange)),
      changedLvs: change.vgs[0].lvs.changed.length + change.vgs[0].lvs.removed.length,
      changedPvs: change.vgs[0].pvs.changed.length + (change.vgs[0].pvs.spliced?.length ?? 0),
    };
    await engine.handlers['move.control']({ action: 'abort' });
    await engine.open().moves.whenFinished();
    return figures;
  } finally {
    await engine.dispose();
  }
}

/** What a window is sent of the device-mapper: on open, and per dm.changed during a move. */
interface DmFigures {
  openMs: number;
  /** Sent while workspace.open ran (until its answer), per event kind: count and JSON bytes. */
  atOpen: Map<string, { count: number; bytes: number }>;
  listBytes: number;
  /** The whole list: building it (session.dmSnapshot, what each dm.changed did before) and its JSON. */
  wholeBuildMs: number;
  wholeStringifyMs: number;
  /** Each dm.changed of the move: its JSON bytes, devices in it, and the time to build it (session.dmChange). */
  changes: Array<{ bytes: number; devices: number; buildMs: number }>;
  /** move.state events of the move: how many, their JSON bytes, and the bytes of one with the whole plan (as each was before). */
  moveStates: { count: number; bytes: number; wholeBytes: number };
  moveMs: number;
  devices: number;
}

const DM_HEADING = '## What a window is sent of the device-mapper';

/**
 * Opens the VG with a listener that counts what it is sent (JSON bytes, as the transport sends
 * it), then runs a move of one LV (rate-limited, so it copies throughout) until it has sent
 * CHANGES dm.changed (at most MOVE_MS) and takes each: what it carries now (the devices that changed) against the whole list every
 * dm.changed carried before issue 20 (built and stringified the same way, median of 5).
 */
async function dmFigures(dir: string): Promise<DmFigures> {
  const CHANGES = 60;
  const MOVE_MS = 300_000;
  const engine = new Engine(createNodeHost({ kind: 'cli', holderName: 'bigvg bench' }));
  const atOpen = new Map<string, { count: number; bytes: number }>();
  let opening = true;
  const changes: DmFigures['changes'] = [];
  const moveStates = { count: 0, bytes: 0, wholeBytes: 0 };
  let lastBuildMs = NaN;
  engine.subscribe((name, payload) => {
    const bytes = JSON.stringify(payload).length;
    if (opening) {
      const t = atOpen.get(name) ?? { count: 0, bytes: 0 };
      atOpen.set(name, { count: t.count + 1, bytes: t.bytes + bytes });
    } else if (name === 'dm.changed') {
      changes.push({ bytes, devices: (payload as { devices: unknown[] }).devices.length, buildMs: lastBuildMs });
    } else if (name === 'move.state') {
      moveStates.count += 1;
      moveStates.bytes += bytes;
    }
  });
  try {
    const t0 = performance.now();
    const first = await engine.handlers['workspace.open']({ path: dir });
    const openMs = performance.now() - t0;
    opening = false;
    const session = engine.session!;
    const dmChange = session.dmChange.bind(session);
    session.dmChange = () => {
      const [change, ms] = timeOf(dmChange);
      lastBuildMs = ms;
      return change;
    };
    const list = await engine.handlers['dm.list']({});
    const times = (fn: () => unknown) => median(Array.from({ length: 5 }, () => timeOf(fn)[1]));
    const wholeBuildMs = times(() => session.dmSnapshot());
    const wholeStringifyMs = times(() => JSON.stringify(list));
    const lv = first.vgs[0].lvs[7];
    const source = lv.segments[0].areas[0].target;
    const destination = first.vgs[0].pvs.find((p) => p.name !== source && p.allocatedCount < p.peCount / 2 + lv.segments[0].count)!.name;
    const m0 = performance.now();
    await engine.handlers['move.start']({ request: { vg: HUGE.vg, lv: lv.name, sources: [source], destinations: [destination], alloc: 'normal' }, options: { rateBytesPerSec: 64 * 2 ** 20 } });
    while (performance.now() - m0 < MOVE_MS && changes.length < CHANGES && engine.open().moves.isActive) await new Promise((r) => setTimeout(r, 100));
    const moveMs = performance.now() - m0;
    moveStates.wholeBytes = JSON.stringify((await engine.handlers['move.state']({})).move).length;
    if (engine.open().moves.isActive) {
      await engine.handlers['move.control']({ action: 'abort' });
      await engine.open().moves.whenFinished();
    }
    return { openMs, atOpen, listBytes: JSON.stringify(list).length, wholeBuildMs, wholeStringifyMs, changes, moveStates, moveMs, devices: list.devices.length };
  } finally {
    await engine.dispose();
  }
}

function dmTable(d: DmFigures): string {
  const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
  const kinds = [...d.atOpen].filter(([name]) => name.startsWith('dm.'));
  const bytes = d.changes.map((c) => c.bytes).sort((a, b) => a - b);
  const devices = d.changes.map((c) => c.devices).sort((a, b) => a - b);
  const build = d.changes.map((c) => c.buildMs).filter(Number.isFinite).sort((a, b) => a - b);
  const sum = bytes.reduce((a, b) => a + b, 0);
  return [
    DM_HEADING,
    '',
    `Command: \`DM_ONLY=1 npx tsx bench/bigvg.bench.ts\` (builds ${HUGE.vg}, then in process). An engine with a listener (as a window's host has one) opens the VG (${d.devices.toLocaleString('en-US')} mapped devices), then moves one LV (rate-limited to 64 MiB/s) for ${(d.moveMs / 1000).toFixed(0)} s (from move.start: planning, then its steps and copy). Bytes are JSON as the transport sends it. Before issue 20's change every dm.changed was the whole list (= dm.list); now it carries the devices whose view changed since the one before.`,
    '',
    '| while workspace.open ran | events | JSON bytes |',
    '|---|---:|---:|',
    ...kinds.map(([name, t]) => `| ${name} | ${t.count.toLocaleString('en-US')} | ${t.bytes.toLocaleString('en-US')} (${mib(t.bytes)}) |`),
    `| dm.list (the window asks after the answer) | 1 | ${d.listBytes.toLocaleString('en-US')} (${mib(d.listBytes)}) |`,
    '',
    `workspace.open took ${(d.openMs / 1000).toFixed(1)} s. Before, the dm.changed of the open was the whole list (as dm.list, which the window still asks for): now the stream's first change changes nothing and tells other windows to ask dm.list. The dm events of activating ${d.devices.toLocaleString('en-US')} LVs are all still sent (the contract promises every moment), though no window can apply them: they come before any list of the new stream.`,
    '',
    `| per dm.changed during the move (${d.changes.length} sent) | whole list (before) | change (now) | ratio |`,
    '|---|---:|---:|---|',
    `| JSON bytes, median (worst) | ${d.listBytes.toLocaleString('en-US')} | ${percentileOf(bytes, 50).toLocaleString('en-US')} (${(bytes.at(-1) ?? 0).toLocaleString('en-US')}) | **${(percentileOf(bytes, 50) / d.listBytes).toFixed(6)}** |`,
    `| devices, median (worst) | ${d.devices.toLocaleString('en-US')} | ${percentileOf(devices, 50)} (${devices.at(-1) ?? 0}) | ${(percentileOf(devices, 50) / d.devices).toFixed(6)} |`,
    `| engine: build ms, median | ${d.wholeBuildMs.toFixed(1)} (session.dmSnapshot) | ${percentileOf(build, 50).toFixed(3)} (session.dmChange) | ${(percentileOf(build, 50) / d.wholeBuildMs).toFixed(5)} |`,
    `| engine: JSON.stringify ms | ${d.wholeStringifyMs.toFixed(1)} | — | — |`,
    `| all dm.changed of the move, bytes | ${(d.listBytes * d.changes.length).toLocaleString('en-US')} (${mib(d.listBytes * d.changes.length)}) | ${sum.toLocaleString('en-US')} | ${(sum / (d.listBytes * d.changes.length)).toFixed(6)} |`,
    '',
    `The move's state (move.state, sent with every progress measure, several a second): ${d.moveStates.count} events, ${Math.round(d.moveStates.bytes / Math.max(1, d.moveStates.count)).toLocaleString('en-US')} bytes each now; each was ${d.moveStates.wholeBytes.toLocaleString('en-US')} bytes (${mib(d.moveStates.wholeBytes)}) with the plan's before / after layouts of every PV, which events no longer carry (ratio ${(d.moveStates.bytes / Math.max(1, d.moveStates.count) / d.moveStates.wholeBytes).toFixed(5)}).`,
    '',
    `Load average (1 min) ${os.loadavg()[0].toFixed(1)} at the end, on ${os.cpus().length} cores shared with other work. Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
    '',
  ].join('\n');
}

const percentileOf = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);

/** The results with the dm section replaced by `dm` (or put before the UI section). */
function withDmSection(text: string, dm: string): string {
  const at = text.indexOf(DM_HEADING);
  const ui = text.indexOf(UI_HEADING);
  if (at >= 0) {
    const next = [text.indexOf('\n## ', at + 1), ui].filter((i) => i > at);
    const end = next.length ? Math.min(...next) : text.length;
    return `${text.slice(0, at)}${dm}\n${text.slice(end)}`;
  }
  if (ui >= 0) return `${text.slice(0, ui)}${dm}\n${text.slice(ui)}`;
  return `${text.trimEnd()}\n\n${dm}`;
}

async function main(): Promise<void> {
  if (process.env.DM_ONLY === '1') {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lvmscope-bench-bigvg-'));
    try {
      await buildHugeVg(dir);
      const text = dmTable(await dmFigures(dir));
      console.log(text);
      writeFileSync(RESULTS, withDmSection(existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '', text));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return;
  }
  if (process.env.UI_ONLY === '1') {
    writeFileSync(RESULTS, withUiSection(existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '', measureUi()));
    return;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lvmscope-bench-bigvg-'));
  const loadAtStart = os.loadavg()[0];
  try {
    execFileSync(process.execPath, [path.join(ROOT, 'main/cli/lvmscope.mjs'), '--version']); // the CLI bundle is current
    const runner = path.join(dir, 'runner.cjs');
    // Exits once stdout is flushed: process.exit straight away cut a 10,000-row report short on a pipe.
    writeFileSync(runner, "require(process.argv[2]).runCli([process.argv[0], 'lvmscope', ...process.argv.slice(3)]).then((code) => process.stdout.write('', () => process.exit(code)));\n");
    const built = performance.now();
    await buildHugeVg(dir);
    const buildMs = performance.now() - built;
    const change = await changeFigures(dir);
    const dm = await dmFigures(dir);
    const images = Array.from({ length: HUGE.pvs }, (_, i) => path.join(dir, `pv${String(i + 1).padStart(2, '0')}.img`));
    const ours: Timed[] = [];
    const cli: Timed[] = [];
    const lvm2: Timed[] = [];
    let rows = 0;
    await withLoopDevices(images, async (a) => {
      const lvmArgs = ['lvs', '--config', lvmConfig([...a.devices.values()]), HUGE.vg];
      timed('lvm', lvmArgs); // warm the page cache, as lvmscope's warm-up does
      timed(process.execPath, [runner, BUNDLE, 'lvs', dir]);
      for (let r = 0; r < ROUNDS; r++) {
        const opened = await openInProcess(dir);
        ours.push(opened);
        cli.push(timed(process.execPath, [runner, BUNDLE, 'lvs', dir]));
        lvm2.push(timed('lvm', lvmArgs));
        console.log(`round ${r + 1}: in process ${opened.wallMs.toFixed(0)} ms, lvmscope lvs ${cli.at(-1)!.wallMs.toFixed(0)} ms, lvm lvs ${lvm2.at(-1)!.wallMs.toFixed(0)} ms`);
      }
      rows = Math.min(lvm2.at(-1)!.lines ?? 0, cli.at(-1)!.lines ?? 0) - 1; // less the heading
    });
    if (rows !== HUGE.lvs) throw new Error(`a report printed ${rows} LVs, expected ${HUGE.lvs}`);
    const text = table({ ours, cli, lvm2, buildMs, loadAtStart }) + changeTable(change) + '\n' + dmTable(dm);
    console.log(text);
    writeFileSync(RESULTS, text);
    writeFileSync(RESULTS, withUiSection(text, measureUi()));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** LVM2's settings for image files (activation off) that see only these loop devices. */
function lvmConfig(devices: string[]): string {
  const filter = `devices{use_devicesfile=0 obtain_device_list_from_udev=0 scan_lvs=0 filter=[${devices.map((d) => `"a|^${d}$|"`).join(',')},"r|.*|"]}`;
  return `${filter} global{activation=0 use_lvmpolld=0} activation{udev_sync=0 udev_rules=0 monitoring=0} backup{backup=0 archive=0}`;
}

function table(r: { ours: Timed[]; cli: Timed[]; lvm2: Timed[]; buildMs: number; loadAtStart: number }): string {
  const s = (ms: number) => (ms / 1000).toFixed(2);
  const row = (name: string, xs: Timed[]) => `| ${name} | ${s(med(xs, 'wallMs'))} | **${(med(xs, 'wallMs') / med(r.lvm2, 'wallMs')).toFixed(2)}** | ${s(med(xs, 'cpuMs'))} | **${(med(xs, 'cpuMs') / med(r.lvm2, 'cpuMs')).toFixed(2)}** |`;
  return [
    '## Big VG: open 10,000 LVs on 64 PVs of 16 TiB vs real LVM2',
    '',
    `Command: \`npx tsx bench/bigvg.bench.ts\` (root, lvm2, loop devices; activation disabled). VG ${HUGE.vg}: ${HUGE.pvs} sparse PVs of 16 TiB (less 1 MiB: ext4's file size limit), 4 MiB extents (4,194,295 per PV), ${HUGE.lvs.toLocaleString('en-US')} LVs × ${HUGE.segments} linear segments on ${HUGE.segments} different PVs, written by lvmscope (bench/bigVg.ts, ${s(r.buildMs)} s); every PV carries the ~7.2 MiB metadata text. LVM2 = \`lvm lvs ${HUGE.vg}\` on the images over loop devices. In process = the engine's workspace.open in this process (scan, check every copy, parse, activate all ${HUGE.lvs.toLocaleString('en-US')} LVs, build the view); whole process = \`lvmscope lvs DIR\` through the prebuilt CLI bundle. Median of ${ROUNDS} interleaved rounds after a warm-up of each. Ratio = lvmscope / LVM2 (goal ≤ 1.00).`,
    '',
    '| lvmscope | wall s | ratio (wall) | CPU s | ratio (CPU) |',
    '|---|---|---|---|---|',
    row('in process: workspace.open', r.ours),
    row('whole process: lvmscope lvs', r.cli),
    `| LVM2 lvm lvs (baseline) | ${s(med(r.lvm2, 'wallMs'))} | 1.00 | ${s(med(r.lvm2, 'cpuMs'))} | 1.00 |`,
    '',
    `Load average (1 min) ${r.loadAtStart.toFixed(1)} at the start, ${os.loadavg()[0].toFixed(1)} at the end, on ${os.cpus().length} cores shared with other work.`,
    '',
  ].join('\n');
}

function changeTable(c: ChangeFigures): string {
  const ms = (x: number) => x.toFixed(1);
  return [
    '',
    '## What a window is sent: the whole view vs the change of one commit (issue 20)',
    '',
    `Same VG, in process, an engine with a listener (as a window's host has one). Whole view = what workspace.open and workspace.view answer (and what every workspace.changed carried before issue 20). Change = the workspace.changed of the first commit of a pvmove of one LV (pvmove0 inserted: ${c.changedLvs} LVs and ${c.changedPvs} PVs changed). Median of 5 each.`,
    '',
    '| | whole view | change | ratio |',
    '|---|---|---|---|',
    `| JSON bytes | ${c.viewBytes.toLocaleString('en-US')} (${(c.viewBytes / 2 ** 20).toFixed(1)} MiB) | ${c.changeBytes.toLocaleString('en-US')} (${(c.changeBytes / 1024).toFixed(0)} KiB) | **${(c.changeBytes / c.viewBytes).toFixed(4)}** |`,
    `| engine: JSON.stringify ms | ${ms(c.stringifyViewMs)} | ${ms(c.stringifyChangeMs)} | ${(c.stringifyChangeMs / c.stringifyViewMs).toFixed(3)} |`,
    `| window: JSON.parse (+ apply for the change) ms | ${ms(c.parseViewMs)} | ${ms(c.parseApplyChangeMs)} | ${(c.parseApplyChangeMs / c.parseViewMs).toFixed(3)} |`,
    '',
    `The engine still builds the whole view on each commit to compare it (session.view ${ms(c.buildMs)} ms, diffWorkspace ${ms(c.diffMs)} ms): that cost is the engine's alone, no longer sent, stringified and parsed.`,
    '',
  ].join('\n');
}

await main();
