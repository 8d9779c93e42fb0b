// Benchmark (issue 20 point 3, "hover and drag stay immediate"): what the engine spends on the
// workspace view per metadata commit, and on a drop's verdict and Move to…, in the big VG
// (bench/bigVg.ts HUGE: 64 PVs of 16 TiB sparse, 4 MiB extents, 10,000 LVs × 5 segments).
// Each figure is measured against its baseline in the same run:
// - per commit: the view built whole and compared with the last one whole (what the engine did
//   before: session.view + diffWorkspace) against the view built against the last one
//   (VgViewCache; the diff then passes the unchanged LVs and PVs by identity). The commits are
//   a pvmove's of one LV: pvmove0 inserted, then the LV on its destination, alternately.
// - Move to… on one LV's segment: a verdict for each of the other 63 PVs. Before: move.plan per
//   PV as it was built (the layout on deep copies of the whole VG, both PV maps of all 64 PVs
//   built whole, the 7 MB answer stringified); after: move.check per PV (the plan without its
//   maps) and one move.plan for the dialog. A drag's verdict is one of those.
// - the first view's JSON, by part (what dominates it).
// No root or lvm2 needed. Writes bench/results/bigview.md.
// Run: npx tsx bench/bigview.bench.ts   (BIGVIEW_DIR=dir reuses a VG built there before)

import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Engine } from '../app/engine';
import type { VgView, WorkspaceView } from '../app/api/views';
import { diffWorkspace } from '../app/api/workspaceChange';
import { VgViewCache, vgView, type ViewContext } from '../app/session/views';
import { beginMove, DEFAULT_REGION_SECTORS, finishedLayout, PREVIEW_LAYER } from '../app/pvmove/layout';
import { planMove, type PvNames } from '../app/pvmove/plan';
import type { OpenVg } from '../app/lvm/workspace/workspace';
import { createNodeHost } from '../main/host';
import { buildHugeVg, HUGE, median } from './bigVg';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const RESULTS = path.join(ROOT, 'bench', 'results', 'bigview.md');
const COMMITS = Number(process.env.COMMITS ?? 9);

/** CPU time (user + system) of `fn`: steadier than wall time on a machine shared with other work. */
const cpuOf = <T>(fn: () => T): [T, number] => {
  const c0 = process.cpuUsage();
  const value = fn();
  const c = process.cpuUsage(c0);
  return [value, (c.user + c.system) / 1000];
};
const ws = (vg: VgView): WorkspaceView => ({ path: 'bench', images: [], vgs: [vg], problems: [] });

interface CommitFigures {
  wholeBuildMs: number;
  wholeDiffMs: number;
  cachedBuildMs: number;
  cachedDiffMs: number;
  changeBytes: number;
}

/** The view per commit, whole against built against the last one, over alternating layouts A → B → A → … */
function commitFigures(open: OpenVg, ctx: ViewContext, lv: string, source: string, destination: string, names: PvNames): CommitFigures {
  const plan = planMove(open.vg, { sources: [source], destinations: [destination], lv, alloc: 'normal' }, names);
  // What a pvmove's first commit writes (pvmove0 inserted), and its last (the LV on its destination).
  const started = beginMove(open.vg, plan.moves, DEFAULT_REGION_SECTORS, PREVIEW_LAYER);
  const layouts = [open.vg, started, finishedLayout(started)];
  const at = (i: number): OpenVg => ({ ...open, vg: layouts[i % layouts.length] });
  const whole = { build: [] as number[], diff: [] as number[] };
  const cached = { build: [] as number[], diff: [] as number[] };
  // Both ways commit by commit, interleaved, so that both see the same load.
  const cache = new VgViewCache();
  let lastWhole = vgView(at(0), ctx, false);
  let lastCached = cache.build(at(0), ctx, false);
  let changeBytes = 0;
  for (let i = 1; i <= COMMITS; i++) {
    const [wholeView, wholeBuild] = cpuOf(() => vgView(at(i), ctx, false));
    const [, wholeDiff] = cpuOf(() => diffWorkspace(ws(lastWhole), ws(wholeView), 1, 2));
    const [view, build] = cpuOf(() => cache.build(at(i), ctx, false));
    const [change, diff] = cpuOf(() => diffWorkspace(ws(lastCached), ws(view), 1, 2));
    whole.build.push(wholeBuild);
    whole.diff.push(wholeDiff);
    cached.build.push(build);
    cached.diff.push(diff);
    changeBytes = Math.max(changeBytes, JSON.stringify(change).length);
    lastWhole = wholeView;
    lastCached = view;
  }
  return { wholeBuildMs: median(whole.build), wholeDiffMs: median(whole.diff), cachedBuildMs: median(cached.build), cachedDiffMs: median(cached.diff), changeBytes };
}

interface MoveToFigures {
  destinations: number;
  /** Before: move.plan per PV as it was built, and its JSON. */
  oldPlanMs: number[];
  oldPlanBytes: number;
  /** After: move.check per PV, and its JSON. */
  checkMs: number[];
  checkBytes: number;
  /** After: the one move.plan the dialog asks for. */
  planMs: number;
  planBytes: number;
}

/** The plan as move.plan built it before this change: whole-VG layout copies and both maps of every PV built whole. */
function oldPlan(open: OpenVg, request: { sources: string[]; destinations: string[]; lv: string; alloc: 'normal' }, names: PvNames): string {
  const plan = planMove(open.vg, request, names);
  const after = finishedLayout(beginMove(open.vg, plan.moves, DEFAULT_REGION_SECTORS, PREVIEW_LAYER));
  const ctx = { imageDevno: () => null, lvDmName: () => null };
  return JSON.stringify({ plan, before: vgView(open, ctx, false).pvs, after: vgView({ ...open, vg: after }, ctx, false).pvs });
}

async function moveToFigures(engine: Engine, lv: string, source: string, pvs: string[]): Promise<MoveToFigures> {
  const open = engine.open().session.ws.getVg(HUGE.vg);
  const names = engine.open().session.names(HUGE.vg);
  const targets = pvs.filter((pv) => pv !== source);
  const f: MoveToFigures = { destinations: targets.length, oldPlanMs: [], oldPlanBytes: 0, checkMs: [], checkBytes: 0, planMs: 0, planBytes: 0 };
  for (const pv of targets) {
    const request = { vg: HUGE.vg, sources: [source], destinations: [pv], lv, alloc: 'normal' as const };
    const t0 = performance.now();
    const text = JSON.stringify(await engine.handlers['move.check'](request).catch((e: Error) => ({ refused: e.message })));
    f.checkMs.push(performance.now() - t0);
    f.checkBytes = Math.max(f.checkBytes, text.length);
  }
  for (const pv of targets) {
    const t0 = performance.now();
    let text = '';
    try {
      text = oldPlan(open, { sources: [source], destinations: [pv], lv, alloc: 'normal' }, names);
    } catch (e) {
      text = JSON.stringify({ refused: (e as Error).message });
    }
    f.oldPlanMs.push(performance.now() - t0);
    f.oldPlanBytes = Math.max(f.oldPlanBytes, text.length);
  }
  const t0 = performance.now();
  const plan = JSON.stringify(await engine.handlers['move.plan']({ vg: HUGE.vg, sources: [source], destinations: [targets[0]], lv, alloc: 'normal' }));
  f.planMs = performance.now() - t0;
  f.planBytes = plan.length;
  return f;
}

/** The first view's JSON by part. */
function viewParts(view: WorkspaceView): Array<[string, number]> {
  const vg = view.vgs[0];
  const runs = vg.pvs.reduce((n, pv) => n + JSON.stringify(pv.runs).length, 0);
  const pvs = JSON.stringify(vg.pvs).length;
  const lvs = JSON.stringify(vg.lvs).length;
  const segments = vg.lvs.reduce((n, lv) => n + JSON.stringify(lv.segments).length, 0);
  const total = JSON.stringify(view).length;
  return [
    ['whole view', total],
    ['LVs (10,000)', lvs],
    ['… of which their segments', segments],
    ['PVs (64)', pvs],
    ['… of which their runs', runs],
  ];
}

async function main(): Promise<void> {
  const reuse = process.env.BIGVIEW_DIR;
  const dir = reuse ?? mkdtempSync(path.join(os.tmpdir(), 'lvmscope-bench-bigview-'));
  const loadAtStart = os.loadavg()[0];
  const engine = new Engine(createNodeHost({ kind: 'cli', holderName: 'bigview bench' }));
  engine.subscribe(() => undefined); // a listener, as a window's host has one
  try {
    if (!reuse || !existsSync(path.join(dir, 'pv01.img'))) await buildHugeVg(dir);
    const first = await engine.handlers['workspace.open']({ path: dir });
    const session = engine.open().session;
    const vg = first.vgs[0];
    const lv = vg.lvs[7];
    const source = lv.segments[0].areas[0].target;
    const destination = vg.pvs.find((p) => p.name !== source && p.allocatedCount < p.peCount / 2 + lv.segments[0].count)!.name;
    const open = session.ws.getVg(HUGE.vg);
    const ctx: ViewContext = { imageDevno: () => null, lvDmName: (vgName, lvName) => session.lvDmName(vgName, lvName) };
    const commits = commitFigures(open, ctx, lv.name, source, destination, session.names(HUGE.vg));
    console.log('commits', commits);
    const moveTo = await moveToFigures(engine, lv.name, source, vg.pvs.map((p) => p.name));
    console.log('move to', { ...moveTo, oldPlanMs: median(moveTo.oldPlanMs), checkMs: median(moveTo.checkMs) });
    const text = report({ commits, moveTo, parts: viewParts(first), loadAtStart, lv: lv.name, source, destination });
    console.log(text);
    writeFileSync(RESULTS, text);
  } finally {
    await engine.dispose();
    if (!reuse) rmSync(dir, { recursive: true, force: true });
  }
}

function report(r: { commits: CommitFigures; moveTo: MoveToFigures; parts: Array<[string, number]>; loadAtStart: number; lv: string; source: string; destination: string }): string {
  const ms = (x: number) => x.toFixed(1);
  const c = r.commits;
  const m = r.moveTo;
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const kib = (n: number) => `${n.toLocaleString('en-US')} (${n >= 2 ** 20 ? `${(n / 2 ** 20).toFixed(1)} MiB` : `${(n / 1024).toFixed(1)} KiB`})`;
  const wholeCommit = c.wholeBuildMs + c.wholeDiffMs;
  const cachedCommit = c.cachedBuildMs + c.cachedDiffMs;
  return [
    '## Big VG: the workspace view per commit, a drop\'s verdict and Move to… (issue 20)',
    '',
    `Command: \`npx tsx bench/bigview.bench.ts\` (no root). VG ${HUGE.vg} (bench/bigVg.ts HUGE): ${HUGE.pvs} sparse PVs of 16 TiB, 4 MiB extents, ${HUGE.lvs.toLocaleString('en-US')} LVs × ${HUGE.segments} linear segments, ~780 runs per PV map. In process, an engine with a listener. Load average (1 min) ${r.loadAtStart.toFixed(1)} at the start, ${os.loadavg()[0].toFixed(1)} at the end, on ${os.cpus().length} cores shared with other work.`,
    '',
    `### The workspace view per metadata commit`,
    '',
    `The commits of a pvmove of ${r.lv} (${r.source} → ${r.destination}): pvmove0 inserted, then ${r.lv} on its destination, then back, alternately (${COMMITS} commits, interleaved: each commit built both ways, one after the other; CPU time, user + system, median). Whole = the view built from nothing and compared with the last one whole, as the engine did on every commit before (session.view + diffWorkspace). Against the last = VgViewCache (app/session/views.ts): each LV's model compared with the one its view was built from, only the changed LVs and the PVs they touch built again, the rest the same objects, which the diff passes by identity.`,
    '',
    '| per commit, CPU ms (median) | whole (before) | against the last (after) | ratio |',
    '|---|---:|---:|---:|',
    `| build the view | ${ms(c.wholeBuildMs)} | ${ms(c.cachedBuildMs)} | ${(c.cachedBuildMs / c.wholeBuildMs).toFixed(3)} |`,
    `| compare with the last view (diffWorkspace) | ${ms(c.wholeDiffMs)} | ${ms(c.cachedDiffMs)} | ${(c.cachedDiffMs / c.wholeDiffMs).toFixed(3)} |`,
    `| **the engine's view work per commit** | ${ms(wholeCommit)} | ${ms(cachedCommit)} | **${(cachedCommit / wholeCommit).toFixed(3)}** |`,
    '',
    `The change sent for the largest of these commits: ${kib(c.changeBytes)}, the same either way. What is left of the ${ms(cachedCommit)} ms is mostly comparing each of the ${HUGE.lvs.toLocaleString('en-US')} LVs' models with the last build's: a commit's model is a deep copy of the whole VG (cloneVg in the pvmove layout functions), so a change cannot be told by identity.`,
    '',
    `### Move to… and a drop's verdict`,
    '',
    `${r.lv}'s segment on ${r.source} to each of the other ${m.destinations} PVs, one verdict per PV as the Move to… menu asks (a drag asks one). Before = move.plan per PV as it was built (the layout on deep copies of the whole VG, both PV maps of all 64 PVs built whole, stringified as the transport does); after = move.check (the plan without its PV maps, what the menu and a drag's verdict use now), through the engine's handler, stringified. The plan dialog then asks one move.plan, its maps built against the last plan's.`,
    '',
    '| | before: move.plan per PV | after: move.check per PV | ratio |',
    '|---|---:|---:|---:|',
    `| one verdict (a drag), median ms | ${ms(median(m.oldPlanMs))} | ${ms(median(m.checkMs))} | **${(median(m.checkMs) / median(m.oldPlanMs)).toFixed(3)}** |`,
    `| one verdict, worst ms | ${ms(Math.max(...m.oldPlanMs))} | ${ms(Math.max(...m.checkMs))} | ${(Math.max(...m.checkMs) / Math.max(...m.oldPlanMs)).toFixed(3)} |`,
    `| Move to… (${m.destinations} verdicts), total ms | ${ms(sum(m.oldPlanMs))} | ${ms(sum(m.checkMs))} | **${(sum(m.checkMs) / sum(m.oldPlanMs)).toFixed(3)}** |`,
    `| JSON per verdict, bytes | ${kib(m.oldPlanBytes)} | ${kib(m.checkBytes)} | ${(m.checkBytes / m.oldPlanBytes).toFixed(4)} |`,
    '',
    `The plan dialog's one move.plan (after): ${ms(m.planMs)} ms, ${kib(m.planBytes)} (every PV's map before and after, as the CLI's dry run prints them).`,
    '',
    `### The first view's JSON, by part`,
    '',
    '| part | bytes |',
    '|---|---:|',
    ...r.parts.map(([name, n]) => `| ${name} | ${kib(n)} |`),
    '',
  ].join('\n');
}

await main();
