// `lvmscope pvmove DIR [SOURCE[:PE[-PE]]] [DEST[:PE[-PE]]…]`: a live move, step by step as
// device-mapper and pvmove do it, with an optional workload on the moving LV and a verify at
// the end. No SOURCE resumes the interrupted move (as LVM2), `--abort` aborts it, `--dry-run`
// prints the plan. `--stack` picks the device stack: `outline` (the 2002 design) or `lvm2`
// (what LVM2 2.03 does, with `--max-segment-size` as 2.03.36's pvmove_max_segment_size_mb, and
// `--atomic` as LVM2's: one mirror over pvmove0_mimage_0/1, all moved or nothing).
// Ctrl-C pauses the move at its last checkpoint and exits; a later `lvmscope pvmove DIR`
// resumes it (an atomic move has no checkpoint: it is copied again from its start).

import { stat, unlink } from 'node:fs/promises';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { LvmscopeError } from '../../../app/base/result';
import { MOVE_STACKS, STACK_TITLES, type MoveOptions, type MovePlanView, type MoveStack, type MoveStateView, type StepView, type WorkloadSpec } from '../../../app/api/move';
import type { VgView, WorkspaceView } from '../../../app/api/views';
import type { Engine } from '../../../app/engine';
import { lineDisplay, terminalDisplay, type MoveDisplay, type StepPosition } from '../progress';
import { parseMaxSegmentMiB, parseRate, parseRegionSectors, parseSeconds, parseSizeBytes } from '../sizes';
import { findImage, imageOf, vgOfImage, withWorkspace } from '../workspace';
import { verifyAll } from './verify';
import { lingerForClients, startCliNbd } from '../../nbd/cli';
import { parseNbdAddress } from '../../nbd/server';
import { recordingWriter } from '../../node/recordingFile';

export interface PvmoveFlags {
  name?: string;
  alloc: 'normal' | 'contiguous' | 'anywhere';
  stack: MoveStack;
  /** lvm2 stack only: pvmove0's segments are split so none is larger (MiB). */
  maxSegmentSize?: number;
  /** lvm2 stack only (implied when --stack is not given): one mirror over pvmove0_mimage_0/1. */
  atomic?: boolean;
  rate?: number;
  regionSize?: number;
  abort?: boolean;
  interval: number;
  workload?: Omit<WorkloadSpec, 'vg' | 'lv'>;
  verify?: boolean;
  dryRun?: boolean;
  /** Export every active LV over NBD while the move runs (unix:/PATH or 127.0.0.1:PORT). */
  nbd?: string;
  nbdLinger: number;
  /** Record the move into this file (issue 19: replay it with serve --replay or Open recording…). */
  record?: string;
}

/** `randwrite:4k:2000` → pattern, block size, IOPS. */
export function parseWorkload(text: string): Omit<WorkloadSpec, 'vg' | 'lv'> {
  const [pattern, block, iops, ...rest] = text.split(':');
  const patterns = ['randwrite', 'seqwrite', 'randrw', 'randread'] as const;
  const p = patterns.find((x) => x === pattern);
  const blockSizeBytes = block ? parseSizeBytes(block, 'b') : 4096;
  const rate = iops ? Number(iops) : 500;
  if (!p || rest.length || !Number.isFinite(rate) || rate <= 0 || blockSizeBytes % 512 !== 0 || blockSizeBytes <= 0) {
    throw new InvalidArgumentError(`'${text}' is not a workload; write PATTERN:BLOCK:IOPS with PATTERN one of ${patterns.join(', ')}, BLOCK a multiple of 512 bytes (like 4k) and IOPS above zero (like randwrite:4k:2000).`);
  }
  return { pattern: p, blockSizeBytes, iops: rate };
}

export function pvmoveVerb(program: Command): void {
  program
    .command('pvmove')
    .description('Move extents from one PV to others, live, as pvmove does (no SOURCE: resume the interrupted move).')
    .argument('<dir>', 'the workspace folder')
    .argument('[pvs...]', 'SOURCE[:PE[-PE]] then DEST[:PE[-PE]]… (PVs as pv2, pv2.img or DIR/pv2.img)')
    .option('-n, --name <lv>', 'move only the extents of this LV')
    .addOption(new Option('--alloc <policy>', 'allocation policy for the destination').choices(['normal', 'contiguous', 'anywhere']).default('normal'))
    .addOption(new Option('--stack <stack>', "the device stack: outline (2002: each LV's own table becomes identity + mirror over a temporary -orig device) or lvm2 (LVM2 today: a hidden pvmove0 device below the LVs, one segment mirrored at a time, a checkpoint after each)").choices(MOVE_STACKS).default('outline'))
    .addOption(new Option('--atomic', "lvm2 stack only, implied when --stack is not given: as LVM2's pvmove --atomic, pvmove0 is one mirror over pvmove0_mimage_0 (the sources) and pvmove0_mimage_1 (the destinations), so every LV moves or none does; it is never checkpointed, so a crash costs everything copied so far and an abort puts everything back").implies({ stack: 'lvm2' }))
    .option('--max-segment-size <MiB>', "lvm2 stack: split pvmove0's segments so none is larger than this (LVM2 2.03.36's allocation/pvmove_max_segment_size_mb), so a crash re-copies at most that much", parseMaxSegmentMiB)
    .option('--rate <size>', 'copy rate limit in bytes/s (512K, 20M; 0 = unlimited); it holds under a workload too, copies a write waits on may run one second ahead of it', parseRate)
    .option('--region-size <size>', 'mirror region size (power of two, default 2M as LVM2, reduced to fit a smaller segment)', parseRegionSectors)
    .option('--abort', 'abort the interrupted move (no SOURCE)')
    .option('-i, --interval <seconds>', 'without a terminal, print progress every SECONDS', parseSeconds, 15)
    .option('--workload <spec>', 'IO on the moving LV during the move: PATTERN:BLOCK:IOPS (randwrite, seqwrite, randrw)', parseWorkload)
    .option('--verify', 'check every block of the moved LVs at the end')
    .option('--dry-run', 'print the plan (before, after, the command, the data size) and change nothing')
    .option('--nbd <address>', 'export every active LV over NBD as VG/LV while it moves, on unix:/PATH (mode 0600) or 127.0.0.1:PORT; exits once the clients have disconnected')
    .option('--nbd-linger <seconds>', 'with --nbd: keep exporting this long after the move (clients may connect to read the LVs back), then wait for connected clients', parseSeconds, 0)
    .option('--record <file>', 'record the move into FILE (.lvmrec), written as it runs: replay it with `lvmscope serve --replay FILE` or Open recording… in the app')
    .action((dir: string, pvs: string[], flags: PvmoveFlags, cmd: Command) => {
      if (flags.abort && pvs.length) cmd.error('error: --abort takes no PV; it aborts the interrupted move of DIR.', { exitCode: 2 });
      if (flags.dryRun && !pvs.length) cmd.error('error: --dry-run needs a SOURCE PV to plan a move from.', { exitCode: 2 });
      const refusal = atomicRefusal(flags, pvs.length > 0) ?? maxSegmentRefusal(flags, pvs.length > 0);
      if (refusal) cmd.error(`error: ${refusal}`, { exitCode: 2 });
      // A resume names a stack only when the user did: else the engine picks the recorded move's own (lvm2 for an atomic one).
      const stackGiven = cmd.getOptionValueSource('stack') === 'cli';
      // A bad address is refused before the workspace is opened and anything moves.
      if (flags.nbd) parseNbdAddress(flags.nbd);
      if (flags.nbd && flags.dryRun) cmd.error('error: --dry-run changes nothing and moves nothing, so there is nothing to export over --nbd.', { exitCode: 2 });
      const run = (engine: Engine, view: WorkspaceView, f: PvmoveFlags) => (pvs.length ? startMove(engine, view, pvs, f) : resumeMove(engine, view, f, stackGiven));
      return withWorkspace('pvmove', dir, (engine, view) => (flags.nbd ? moveWhileExporting(engine, view, flags, flags.nbd, run) : run(engine, view, flags)));
    });
}

/**
 * The move with its LVs exported over NBD: the server is up before the move starts, stays up
 * after it (see lingerForClients), and the verify runs once the clients are gone, so it reads
 * what they wrote last (it checks their writes against the journal's sector hashes).
 */
async function moveWhileExporting(engine: Engine, view: WorkspaceView, flags: PvmoveFlags, address: string, run: (engine: Engine, view: WorkspaceView, f: PvmoveFlags) => Promise<void>): Promise<void> {
  const server = await startCliNbd(engine, address);
  try {
    await run(engine, view, { ...flags, verify: false });
    await lingerForClients(server, flags.nbdLinger);
  } finally {
    await server.close();
  }
  if (flags.verify) {
    const targets = engine.exports.view().exports.map(({ vg, lv }) => ({ vg, lv }));
    const mismatches = await verifyAll(engine, targets);
    if (mismatches) throw new LvmscopeError('CORRUPT', `${mismatches} block(s) differ after the move; see the lines above.`);
  }
}

/** Why `--atomic` cannot be honoured here, or null when it can (or was not given). */
function atomicRefusal(flags: PvmoveFlags, starting: boolean): string | null {
  if (!flags.atomic) return null;
  if (!starting) return "--atomic applies when a move starts; the interrupted move's metadata already says whether it is atomic (pvmove0 over pvmove0_mimage_0/1), so leave it out.";
  if (flags.stack !== 'lvm2') return "--atomic mirrors the whole move through LVM2's pvmove0 over pvmove0_mimage_0/1, which the 2002 outline does not have: use --stack lvm2 (the default with --atomic), or leave --atomic out.";
  if (flags.maxSegmentSize !== undefined) return '--atomic copies the whole move as one pvmove0 mirror segment, so --max-segment-size has nothing to split: use one or the other.';
  return null;
}

/** Why `--max-segment-size` cannot be honoured here, or null when it can (or was not given). */
function maxSegmentRefusal(flags: PvmoveFlags, starting: boolean): string | null {
  if (flags.maxSegmentSize === undefined) return null;
  if (flags.stack !== 'lvm2') return "--max-segment-size splits the segments of LVM2's pvmove0 device, which only the lvm2 stack mirrors one at a time: add --stack lvm2, or leave it out.";
  if (!starting) return '--max-segment-size applies when a move starts; a resumed or aborted move keeps the pvmove0 segments its metadata records, so leave it out.';
  return null;
}

/** `pv2:0-3` with the PV named any way the user likes → the engine's `pv2:0-3`. */
function normaliseSpec(view: WorkspaceView, spec: string): { image: string; text: string } {
  if (findImage(view, spec)) return { image: findImage(view, spec)!, text: findImage(view, spec)!.replace(/\.[^.]+$/, '') };
  // The PE ranges start at the first ':' after the file name (DIR/pv2.img:0-3:7).
  const colon = spec.indexOf(':', spec.lastIndexOf('/') + 1);
  const name = colon > 0 ? spec.slice(0, colon) : spec;
  const image = imageOf(view, name);
  const ranges = colon > 0 ? spec.slice(colon + 1) : '';
  const pv = image.replace(/\.[^.]+$/, '');
  if (colon > 0 && !/^\d+(-\d+)?(:\d+(-\d+)?)*$/.test(ranges)) {
    throw new LvmscopeError('INVALID', `'${ranges}' in '${spec}' is not a PE range; write PV:FIRST-LAST or PV:PE, several joined by ':' (like ${pv}:0-3 or ${pv}:0-1:5).`);
  }
  return { image, text: `${pv}${colon > 0 ? `:${ranges}` : ''}` };
}

async function startMove(engine: Engine, view: WorkspaceView, pvs: string[], flags: PvmoveFlags): Promise<void> {
  const [source, ...dests] = pvs.map((p) => normaliseSpec(view, p));
  const vg = vgOfImage(view, source.image);
  if (!vg) throw new LvmscopeError('STATE', notInVgSentence(view, source.image));
  const request = {
    vg,
    sources: [source.text],
    destinations: dests.map((d) => d.text),
    alloc: flags.alloc,
    ...(flags.name ? { lv: flags.name } : {}),
    ...(flags.maxSegmentSize !== undefined ? { maxSegmentSizeMiB: flags.maxSegmentSize } : {}),
    ...(flags.atomic ? { atomic: true } : {}),
  };
  if (flags.dryRun) {
    printPlan(await engine.handlers['move.plan'](request), flags.stack, flags.rate);
    return;
  }
  const plan = await engine.handlers['move.plan'](request);
  const target = { vg, lvs: plan.lvs, source: source.text, destinations: dests.map((d) => d.text), bytes: plan.bytes, stack: flags.stack, atomic: !!flags.atomic };
  await follow(engine, target, flags, () => engine.handlers['move.start']({ request, options: moveOptions(flags, flags.stack) }));
}

/** An atomic move's pvmove0 mirrors two hidden sub-LVs, which the metadata lists beside it. */
function isAtomicMove(vg: VgView): boolean {
  return !!vg.moveInProgress && vg.lvs.some((lv) => lv.name === `${vg.moveInProgress!.layer}_mimage_0`);
}

async function resumeMove(engine: Engine, view: WorkspaceView, flags: PvmoveFlags, stackGiven: boolean): Promise<void> {
  const interrupted = view.vgs.filter((vg) => vg.moveInProgress);
  if (!interrupted.length) throw new LvmscopeError('STATE', `No move is in progress in ${view.path}; name a source PV to start one (lvmscope pvmove ${view.path} pv2).`);
  for (const vg of interrupted) {
    process.stdout.write(`  ${vg.moveInProgress!.summary}\n`);
    const move = vg.moveInProgress!;
    const atomic = isAtomicMove(vg);
    if (flags.abort) {
      await engine.handlers['move.abortRecorded']({ vg: vg.name });
      const where = atomic ? `it was atomic, so every extent is back on ${move.sources.join(', ')}` : `checkpointed extents stay on ${move.destinations.join(', ')}, the rest are back on ${move.sources.join(', ')}`;
      process.stdout.write(`  ${vg.name}: the move was aborted; ${where}.\n`);
      continue;
    }
    const bytes = move.extentsTotal * vg.extentSizeSectors * 512;
    // The stack the engine resumes on when none is named: lvm2 for an atomic move, else the outline.
    const stack: MoveStack = stackGiven ? flags.stack : atomic ? 'lvm2' : 'outline';
    const target = { vg: vg.name, lvs: move.lvs, source: move.sources[0] ?? vg.name, destinations: move.destinations, bytes, stack, atomic };
    await follow(engine, target, flags, () => engine.handlers['move.resume']({ vg: vg.name, options: moveOptions(flags, stackGiven ? flags.stack : undefined) }));
  }
}

/** Why an image has no extents to move; a damaged label is pointed at a repair, not at vgextend (which would relabel it). */
function notInVgSentence(view: WorkspaceView, image: string): string {
  const damaged = view.problems.find((p) => p.message.startsWith(`${image}: `) && /label/.test(p.message));
  const detail = damaged?.message.split(`${image}: `).filter(Boolean).join('').replace(/\.$/, '');
  if (damaged) return `${image} has a damaged LVM label (${detail}), so lvmscope cannot tell which VG it belongs to; repair the label with LVM2's pvck --repair, then move its extents.`;
  return `${image} is not in a volume group, so it has no extents to move; add it with vgextend first.`;
}

function moveOptions(flags: PvmoveFlags, stack: MoveStack | undefined): MoveOptions {
  return { ...(stack ? { stack } : {}), ...(flags.rate !== undefined ? { rateBytesPerSec: flags.rate } : {}), ...(flags.regionSize ? { regionSizeSectors: flags.regionSize } : {}) };
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;

export function printPlan(plan: MovePlanView, stack: MoveStack, rate?: number): void {
  const out: string[] = [`  ${plan.command}`, `  Would move ${plan.extentCount} extents (${mib(plan.bytes)}) of ${plan.lvs.join(', ')}:`];
  for (const m of plan.moves) out.push(`    ${m.lv} LE ${m.startLe}-${m.startLe + m.count - 1}: ${m.fromPv}:${m.fromPe}-${m.fromPe + m.count - 1} -> ${m.toPv}:${m.toPe}-${m.toPe + m.count - 1}`);
  const runs = (pvs: MovePlanView['before']) => pvs.map((pv) => `    ${pv.name.padEnd(6)} ${pv.runs.map((r) => (r.lv ? `${r.lv}[${r.startPe}-${r.startPe + r.count - 1}]` : `free[${r.startPe}-${r.startPe + r.count - 1}]`)).join(' ')}`);
  out.push('  Before:', ...runs(plan.before), '  After:', ...runs(plan.after));
  if (plan.request.atomic) out.push(...atomicLayerLines(plan), atomicCrashCostLine(plan));
  else out.push(...layerLines(plan, stack), crashCostLine(plan, stack));
  if (plan.estimatedSeconds !== null) out.push(`  At ${mib(rate ?? 0)}/s this takes about ${Math.ceil(plan.estimatedSeconds)} s.`);
  out.push('  Dry run: nothing was changed.');
  process.stdout.write(out.map((l) => `${l}\n`).join(''));
}

/**
 * pvmove0 as the move would record it: one segment per planned run, numbered and laid out as
 * LVM2 does (LV order, then segment order, each starting where the previous one ends). Both
 * stacks write it to the metadata; what differs is the device stack that copies them.
 */
function layerLines(plan: MovePlanView, stack: MoveStack): string[] {
  const how =
    stack === 'lvm2'
      ? 'a hidden pvmove0 device below the LVs mirrors these segments one at a time, in this order, with a checkpoint after each but the last'
      : "each LV's own table becomes identity + mirror over a temporary -orig device and copies all its runs at once; the metadata records them as these pvmove0 segments";
  const out = [`  Stack ${stack} (${STACK_TITLES[stack]}): ${how}:`];
  let layerLe = 0;
  plan.moves.forEach((m, i) => {
    const range = (first: number) => `${first}-${first + m.count - 1}`;
    out.push(`    pvmove0 segment ${i + 1}: LE ${range(layerLe)} = ${m.lv} LE ${range(m.startLe)}, ${m.fromPv}:${range(m.fromPe)} -> ${m.toPv}:${range(m.toPe)} (${mib(m.count * extentBytes(plan))})`);
    layerLe += m.count;
  });
  return out;
}

/**
 * pvmove0 as `--atomic` records it: one mirror segment over all of the layer, whose legs are two
 * hidden sub-LVs holding one linear segment per planned run, pvmove0_mimage_0 on the sources and
 * pvmove0_mimage_1 on the destinations, at the same layer extents.
 */
function atomicLayerLines(plan: MovePlanView): string[] {
  const range = (first: number, count: number) => `${first}-${first + count - 1}`;
  const out = [
    `  Stack lvm2 (${STACK_TITLES.lvm2}), --atomic: pvmove0 is one mirror over two hidden sub-LVs, copied at once, and every LV finishes in the same commit:`,
    `    pvmove0: LE ${range(0, plan.extentCount)} = mirror of pvmove0_mimage_0 (the sources) -> pvmove0_mimage_1 (the destinations) (${mib(plan.bytes)})`,
  ];
  const legs: string[][] = [[], []];
  let layerLe = 0;
  for (const m of plan.moves) {
    legs[0].push(`    pvmove0_mimage_0 LE ${range(layerLe, m.count)} = ${m.fromPv}:${range(m.fromPe, m.count)} (${m.lv} LE ${range(m.startLe, m.count)})`);
    legs[1].push(`    pvmove0_mimage_1 LE ${range(layerLe, m.count)} = ${m.toPv}:${range(m.toPe, m.count)}`);
    layerLe += m.count;
  }
  return [...out, ...legs[0], ...legs[1]];
}

/** What a crash or an abort costs an atomic move, and what the lvm2 stack would risk without --atomic. */
function atomicCrashCostLine(plan: MovePlanView): string {
  const sources = [...new Set(plan.moves.map((m) => m.fromPv))].join(', ');
  const largestSegment = Math.max(0, ...plan.moves.map((m) => m.count)) * extentBytes(plan);
  return `  An atomic move is never checkpointed: a crash during the copy costs everything copied so far (up to ${mib(plan.bytes)}, the whole move, copied again on resume), and an abort puts everything back on ${sources}; without --atomic the lvm2 stack would re-copy at most ${mib(largestSegment)} (the largest pvmove0 segment).`;
}

function extentBytes(plan: MovePlanView): number {
  return plan.extentCount ? plan.bytes / plan.extentCount : 0;
}

/** What a crash costs with the chosen stack, and with the other one for comparison. */
function crashCostLine(plan: MovePlanView, stack: MoveStack): string {
  const other: MoveStack = stack === 'lvm2' ? 'outline' : 'lvm2';
  const why = stack === 'lvm2' ? 'the segment being mirrored is copied again from its start' : 'every run of the LV being copied is copied again';
  const otherWhy = other === 'lvm2' ? '(the largest pvmove0 segment; --max-segment-size lowers it)' : '(all unfinished runs of an LV)';
  return `  A crash during the move re-copies at most ${mib(plan.crashCostBytes[stack])} with this stack (${why}); the ${other} stack would re-copy up to ${mib(plan.crashCostBytes[other])} ${otherWhy}.`;
}

interface MoveTarget {
  vg: string;
  lvs: string[];
  source: string;
  destinations: string[];
  bytes: number;
  /** The stack it runs on (for a resume with none named, the one the engine picks). */
  stack: MoveStack;
  /** pvmove --atomic: no checkpoint, so Ctrl-C or a failure leaves it to be copied again from its start. */
  atomic: boolean;
}

/**
 * Starts the workload, then the move (listening before it starts, so every step is shown),
 * shows it until it ends or Ctrl-C pauses it, then prints the workload and verify results.
 */
async function follow(engine: Engine, target: MoveTarget, flags: PvmoveFlags, start: () => Promise<MoveStateView>): Promise<void> {
  const source = target.source.replace(/:.*/, '');
  const title = `pvmove ${source} -> ${target.destinations.join(',') || 'free space'}`;
  const display: MoveDisplay = process.stdout.isTTY ? terminalDisplay(title) : lineDisplay(source, flags.interval);
  display.note(`  Stack: ${STACK_TITLES[target.stack]} (--stack ${target.stack}${target.atomic ? ' --atomic' : ''}).`);
  const lv = target.lvs[0];
  if (flags.workload && lv) {
    await engine.handlers['workload.start']({ ...flags.workload, vg: target.vg, lv });
    display.note(`  Workload: ${flags.workload.pattern} ${flags.workload.blockSizeBytes / 1024} KiB at ${flags.workload.iops} IOPS on ${target.vg}/${lv}.`);
  }
  const outcome = await (flags.record ? recorded(engine, flags.record, display, () => watch(engine, display, target.atomic, start)) : watch(engine, display, target.atomic, start));
  const final = (await engine.handlers['move.state']({})).move;
  display.finish(outcome === 'done' ? 100 : (final?.progress.percent ?? 0));
  if (flags.workload) printWorkload(await engine.handlers['workload.stop']({}));
  const dir = engine.session?.path ?? 'DIR';
  if (outcome === 'interrupted' && target.atomic) {
    throw new LvmscopeError('STATE', `The atomic move was stopped by Ctrl-C; it has no checkpoint, so 'lvmscope pvmove ${dir}' copies it again from its start, or add --abort to put every extent back on ${target.source.replace(/:.*/, '')}.`);
  }
  if (outcome === 'interrupted') throw new LvmscopeError('STATE', `The move was paused by Ctrl-C at its last checkpoint; run 'lvmscope pvmove ${dir}' to resume it, or add --abort to abort it.`);
  if (outcome === 'io-error') {
    throw new LvmscopeError('IO', `${(final?.error ?? 'The move is paused: an IO failed.').replace(/\.$/, '')}. Once that is fixed, run 'lvmscope pvmove ${dir}' to resume the move, or add --abort to abort it.`);
  }
  if (outcome !== 'done') {
    // A move that failed part-way (say a metadata commit on a full disk) is still recorded at its last checkpoint.
    const recorded = (await engine.handlers['workspace.view']({})).vgs.some((vg) => vg.name === target.vg && vg.moveInProgress);
    const kept = target.atomic ? 'It stays recorded (an atomic move has no checkpoint: a resume copies it all again)' : 'It stays recorded at its last checkpoint';
    const next = recorded ? ` ${kept}: once that is fixed, run 'lvmscope pvmove ${dir}' to resume it, or add --abort to abort it.` : '';
    throw new LvmscopeError('STATE', final?.error ? `The move ${outcome}: ${final.error}${next}` : `The move was ${outcome}; the workspace is consistent, see 'lvmscope lvs ${dir} -a --segments'.`);
  }
  process.stdout.write(`  ${target.lvs.join(', ')}: ${mib(target.bytes)} moved; metadata committed, the LVs now map to their new extents.\n`);
  if (flags.verify) {
    const mismatches = await verifyAll(engine, target.lvs.map((name) => ({ vg: target.vg, lv: name })));
    if (mismatches) throw new LvmscopeError('CORRUPT', `${mismatches} block(s) differ after the move; see the lines above.`);
  }
}

/**
 * Runs `watch` with the engine's recorder streaming into `file`: the header and the initial
 * views as the move starts, each event as it comes, the last line once the move has stopped
 * (ended, or paused by Ctrl-C). A move that does not start leaves no file behind.
 */
async function recorded(engine: Engine, file: string, display: MoveDisplay, watchMove: () => Promise<Outcome>): Promise<Outcome> {
  const writer = recordingWriter(file);
  engine.recordingSink = (line) => writer.write(line);
  let outcome: Outcome | undefined;
  try {
    outcome = await watchMove();
    return outcome;
  } finally {
    engine.recordingSink = null;
    engine.stopRecording();
    await writer.close();
    if (outcome === undefined) await unlink(file).catch(() => undefined);
    else display.note(`  Recorded into ${file} (${((await stat(file)).size / 1024).toFixed(0)} KiB): replay it with 'lvmscope serve --replay ${file}'.`);
  }
}

/** `io-error`: the move paused itself because an IO failed (a full disk); see its state's error. */
type Outcome = 'done' | 'aborted' | 'failed' | 'interrupted' | 'io-error';

/** Feeds events to the display until the move ends or SIGINT pauses it at a safe point. */
async function watch(engine: Engine, display: MoveDisplay, atomic: boolean, start: () => Promise<MoveStateView>): Promise<Outcome> {
  const moves = engine.open().moves;
  let current: StepPosition = { index: 0, total: 0, name: '' };
  let onIoError: (() => void) | undefined;
  const subscription = engine.subscribe((name, payload) => {
    if (name === 'move.step') {
      const step = payload as StepView;
      // The list's length is the move's (it varies with the stack, the layout and a resume).
      const total = Math.max(step.index, moves.state()?.steps.length ?? 0);
      if (step.state === 'running') current = { index: step.index, total, name: step.name };
      display.step(step, total);
    } else if (name === 'move.progress') display.progress(payload as never, current);
    else if (name === 'move.state') {
      const state = payload as MoveStateView;
      if (state.status === 'paused' && state.error) onIoError?.();
    }
  });
  try {
    await start();
  } catch (e) {
    subscription.dispose();
    display.finish(0);
    throw e;
  }
  return new Promise<Outcome>((resolve) => {
    const onSigint = () => {
      display.note(atomic ? '  Ctrl-C: stopping the atomic move (it has no checkpoint: a resume copies it again from its start)…' : '  Ctrl-C: pausing the move at its last checkpoint…');
      void pauseSafely(engine).then(() => resolve('interrupted'));
    };
    process.once('SIGINT', onSigint);
    // A full disk (or another IO failure) paused the move: stop here, as after Ctrl-C, and say why.
    onIoError = () => {
      onIoError = undefined;
      void pauseSafely(engine).then(() => resolve('io-error'));
    };
    if (moves.state()?.status === 'paused' && moves.state()?.error) onIoError();
    void moves.whenFinished().then(() => {
      const status = moves.state()?.status;
      resolve(status === 'done' ? 'done' : status === 'aborted' ? 'aborted' : 'failed');
    });
  }).finally(() => {
    subscription.dispose();
    process.removeAllListeners('SIGINT');
  });
}

/**
 * Stops the copy and holds the runner before its next step, then waits until it is between
 * steps or waiting for a copy that can no longer progress, so nothing is half-written when the
 * workspace closes. The metadata then holds the last checkpoint, as after an interrupted pvmove.
 */
async function pauseSafely(engine: Engine): Promise<void> {
  const runner = engine.open().moves.runner;
  if (!runner) return;
  runner.setStepMode(true);
  runner.pause();
  await engine.handlers['workload.stop']({}).catch(() => undefined);
  const started = Date.now();
  for (;;) {
    const settled = ['waiting-step', 'done', 'aborted', 'failed'].includes(runner.status) || (runner.status === 'paused' && engine.open().moves.state()?.error);
    const copyHeld = waitsForCopy(runner.currentStepId) && Date.now() - started > 300;
    if (settled || copyHeld || Date.now() - started > 10_000) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The steps that wait for the paused copy and so never reach the next step's gate: the outline's
 * `<lv>/copy` and `<lv>/suspend-copied` (which waits until the copy is done), lvm2's `copy-k`.
 */
function waitsForCopy(stepId: string | null): boolean {
  return !!stepId && /^copy-\d+$|\/(copy|suspend-copied)$/.test(stepId);
}

function printWorkload(stats: { writes: number; reads: number; bytesWritten: number; interceptedWrites: number; sourceOnlyWrites?: number; errors: number; lastError?: string | null; writeLatencyP50Ms: number | null; writeLatencyP99Ms: number | null }): void {
  const ms = (v: number | null) => (v === null ? '-' : `${v.toFixed(2)} ms`);
  // The kernel's rule (the lvm2 stack) sends a write to a region not being copied to the source leg only.
  const sourceOnly = stats.sourceOnlyWrites ? `, ${stats.sourceOnlyWrites} to the source leg only` : '';
  process.stdout.write(`  Workload: ${stats.writes} writes (${mib(stats.bytesWritten)}), ${stats.reads} reads, ${stats.interceptedWrites} intercepted by the mirror${sourceOnly}, ${stats.errors} errors; write latency p50 ${ms(stats.writeLatencyP50Ms)}, p99 ${ms(stats.writeLatencyP99Ms)}.\n`);
  // Failed IOs were not acknowledged, so verify does not expect them; the last one says why.
  if (stats.lastError) process.stdout.write(`  Workload: last failed IO: ${stats.lastError}\n`);
}
