// The engine's API, declared once (VS Code's ProxyChannel habit): every method with the
// runtime schema of its params and result, every event with the schema of its payload and its
// coalescing policy. Hosts register all of it generically (server.ts); the renderer gets a
// typed client (client.ts). Adding a capability = adding an entry here and a handler in
// engine.ts; the compiler then demands it everywhere it matters.

import { z } from 'zod';
import type { CoalescePolicy } from './coalesce';
import { WorkspaceView } from './views';
import { WorkspaceChange } from './workspaceChange';
import { DmChange, DmSnapshot, DmStreamEvent, mergeDmChanges } from './dmStream';
import { ScenarioStateView, ScenarioSummary } from './scenario';
import {
  MoveOptions,
  MovePlanView,
  MoveCheckView,
  MoveRequest,
  MoveStateView,
  MoveProgressView,
  StepView,
  VerifyResultView,
  WorkloadSpec,
  WorkloadStatsView,
} from './move';
import { ImportParams, RehearsalView, ScriptParams, ScriptView } from './rehearsal';
import { ExportsView } from './exports';

interface MethodSpec<P extends z.ZodType, R extends z.ZodType> {
  params: P;
  result: R;
  /** One sentence for tooltips, `--help` and docs. */
  doc: string;
}
interface EventSpec<P extends z.ZodType> {
  payload: P;
  coalesce: CoalescePolicy;
  doc: string;
}
const method = <P extends z.ZodType, R extends z.ZodType>(params: P, result: R, doc: string): MethodSpec<P, R> => ({ params, result, doc });
const event = <P extends z.ZodType>(payload: P, coalesce: CoalescePolicy, doc: string): EventSpec<P> => ({ payload, coalesce, doc });

const NoParams = z.object({}).strict();
/**
 * Leaving the open workspace while NBD clients use its LVs is refused (BUSY, naming them)
 * unless the caller says to drop them: their connections are then closed first.
 */
const DisconnectClients = z.boolean().optional();
/** A workspace is a folder of image files, named by its path on the host. */
const WorkspacePath = z.string().min(1, 'a workspace path is required').max(4096);

export const EngineInfo = z.object({
  name: z.literal('lvmscope'),
  version: z.string(),
  /** Which host serves this engine: electron, browser (serve) or cli. */
  host: z.enum(['electron', 'browser', 'cli', 'test']),
  /** What the engine can do today; grows with each capability (no faked capabilities). */
  capabilities: z.array(z.string()),
});
export type EngineInfo = z.infer<typeof EngineInfo>;

export const ImageFile = z.object({
  name: z.string(),
  sizeBytes: z.number().int().nonnegative(),
});
export type ImageFile = z.infer<typeof ImageFile>;

export const LogEvent = z.object({
  timeMs: z.number(),
  level: z.enum(['debug', 'info', 'warn', 'error']),
  source: z.string(),
  message: z.string(),
});
export type LogEvent = z.infer<typeof LogEvent>;

/** What the host tells the UI about where it runs: which workspace folder it shows. */
export const HostInfo = z.object({
  host: z.enum(['electron', 'browser', 'cli', 'test']),
  /** The workspace folder the UI shows (absolute path on the host). */
  workspacePath: z.string(),
  /** Workspaces opened recently, newest first (Electron only; empty elsewhere). */
  recentWorkspaces: z.array(z.string()),
  /**
   * The folder is the host's demo folder (first start, or `serve --demo`): when it is empty
   * the UI fills it with the seed demo. Any other empty folder is left as it is.
   */
  demoFolder: z.boolean(),
});
export type HostInfo = z.infer<typeof HostInfo>;

/** What a native menu item asks the UI to do (menus live in the host, views in the renderer). */
export const UiCommand = z.discriminatedUnion('command', [
  z.object({ command: z.literal('presentation.toggle') }),
  z.object({ command: z.literal('theme.set'), theme: z.enum(['light', 'dark', 'system']) }),
  z.object({ command: z.literal('workspace.opened'), path: z.string() }),
  z.object({ command: z.literal('about.show') }),
  z.object({ command: z.literal('import.show') }),
  z.object({ command: z.literal('scenario.run'), name: z.string().min(1) }),
  /** File → Open recording…: the host read the file; the window replays it (app/api/recording.ts). */
  z.object({ command: z.literal('recording.open'), fileName: z.string().max(4096), text: z.string().max(64 * 1024 * 1024) }),
]);
export type UiCommand = z.infer<typeof UiCommand>;

const Policy = z.enum(['normal', 'contiguous', 'anywhere']);
const Extents = z.number().int().positive();
const SizeBytes = z.number().int().positive();
/** An LVM2 command as data (app/lvm/commands LvmCommand): images by file name, PVs by image name. */
export const LvmCommandParams = z.discriminatedUnion('op', [
  z.object({ op: z.literal('pvcreate'), image: z.string().min(1), sizeBytes: SizeBytes.optional(), metadataCopies: z.union([z.literal(1), z.literal(2)]).optional(), metadataSizeBytes: SizeBytes.optional(), dataAlignmentBytes: SizeBytes.optional(), force: z.boolean().optional() }).strict(),
  z.object({ op: z.literal('pvremove'), image: z.string().min(1) }).strict(),
  z.object({ op: z.literal('vgcreate'), name: z.string().min(1), images: z.array(z.string().min(1)), extentSizeBytes: SizeBytes.optional(), force: z.boolean().optional() }).strict(),
  z.object({ op: z.literal('vgextend'), vg: z.string().min(1), images: z.array(z.string().min(1)).min(1), force: z.boolean().optional() }).strict(),
  z.object({ op: z.literal('vgreduce'), vg: z.string().min(1), pvs: z.array(z.string().min(1)).min(1) }).strict(),
  z.object({ op: z.literal('vgrename'), vg: z.string().min(1), newName: z.string().min(1) }).strict(),
  z.object({ op: z.literal('vgremove'), vg: z.string().min(1) }).strict(),
  z.object({ op: z.literal('lvcreate'), vg: z.string().min(1), name: z.string().min(1), extents: Extents.optional(), sizeBytes: SizeBytes.optional(), pvs: z.array(z.string().min(1)).optional(), policy: Policy.optional() }).strict(),
  z.object({ op: z.literal('lvextend'), vg: z.string().min(1), lv: z.string().min(1), extents: Extents.optional(), sizeBytes: SizeBytes.optional(), byExtents: Extents.optional(), pvs: z.array(z.string().min(1)).optional(), policy: Policy.optional() }).strict(),
  z.object({ op: z.literal('lvreduce'), vg: z.string().min(1), lv: z.string().min(1), extents: Extents.optional(), sizeBytes: SizeBytes.optional(), byExtents: Extents.optional(), pvs: z.array(z.string().min(1)).optional(), policy: Policy.optional() }).strict(),
  z.object({ op: z.literal('lvrename'), vg: z.string().min(1), lv: z.string().min(1), newName: z.string().min(1) }).strict(),
  z.object({ op: z.literal('lvremove'), vg: z.string().min(1), lv: z.string().min(1) }).strict(),
]);
export type LvmCommandParams = z.infer<typeof LvmCommandParams>;

export const methods = {
  'engine.info': method(NoParams, EngineInfo, 'What this engine is and what it can do.'),
  'host.info': method(NoParams, HostInfo, 'Which host serves the UI and which workspace folder it shows.'),
  'log.recent': method(NoParams, z.object({ lines: z.array(LogEvent) }), 'The newest lines of the engine event log (at most 200, oldest first): what a window that attaches has missed.'),
  'workspace.listImages': method(
    z.object({ path: WorkspacePath }).strict(),
    z.object({ path: z.string(), images: z.array(ImageFile) }),
    'List the image files in a workspace folder.',
  ),
  'workspace.suggestDemoFolder': method(
    z.object({ near: WorkspacePath.optional() }).strict(),
    z.object({ path: z.string() }),
    'A folder where a new demo workspace can be created (missing or empty, beside the open workspace or `near`).',
  ),
  'workspace.open': method(
    z.object({ path: WorkspacePath, disconnectClients: DisconnectClients }).strict(),
    WorkspaceView,
    'Open a workspace folder (takes its lock, scans its images, activates its LVs).',
  ),
  'workspace.createDemo': method(
    z.object({ path: WorkspacePath, scenario: z.string().default('seed'), force: z.boolean().default(false), disconnectClients: DisconnectClients }).strict(),
    WorkspaceView,
    'Create a demo workspace (the seed scenario: lv0 on pv1 | pv2 | pv3, pv4 free) and open it.',
  ),
  'workspace.import': method(
    ImportParams,
    WorkspaceView,
    'Import a volume group from its vgcfgbackup text (and a pvs JSON report) into a new, empty folder of sparse images, and open it as a rehearsal.',
  ),
  'workspace.rehearsal': method(NoParams, RehearsalView, 'The badge of the open workspace when it is an imported rehearsal ("rehearsal of vg0 from db7 2026-11-30"), else null.'),
  'workspace.view': method(NoParams, WorkspaceView, 'The open workspace: images, VGs, PVs, LVs, segments and problems.'),
  'workspace.close': method(
    z.object({ disconnectClients: DisconnectClients }).strict(),
    z.object({ closed: z.boolean() }),
    'Close the open workspace (deactivates its LVs, releases its lock); refused while NBD clients use its LVs unless disconnectClients.',
  ),
  'lvm.command': method(
    LvmCommandParams,
    WorkspaceView,
    'Run an LVM2 command (pvcreate, vgcreate, vgextend, vgreduce, lvcreate, lvextend, lvreduce, lvrename, lvremove…) on the open workspace and re-activate its LVs.',
  ),
  'vg.backup': method(z.object({ vg: z.string().min(1) }).strict(), z.object({ text: z.string() }), 'A vgcfgbackup-style text of a volume group.'),
  'dm.list': method(NoParams, DmSnapshot, 'The mapped devices (dmsetup ls/table/status/info of every device) as of a sequence number of the dm.event stream.'),
  'move.plan': method(MoveRequest, MovePlanView, 'Plan a move (pvmove --dry-run): which extents go where, before and after, the command line.'),
  'move.check': method(MoveRequest, MoveCheckView, 'Whether a move can be planned, and where its extents land: move.plan without the PV maps (the verdict of a drop or a Move to… item).'),
  'move.script': method(
    ScriptParams,
    ScriptView,
    'The planned move (the request move.plan takes, or else the running or last move) as a bash script for the real system: vgcfgbackup first, the exact pvmove steps with the real device names, checks between them, the time at a rate.',
  ),
  'move.start': method(
    z.object({ request: MoveRequest, options: MoveOptions.default({}) }).strict(),
    MoveStateView,
    'Start a live move of extents from PV to PV, step by step as device-mapper and pvmove do it.',
  ),
  'move.resume': method(
    z.object({ vg: z.string().min(1), options: MoveOptions.default({}) }).strict(),
    MoveStateView,
    'Resume an interrupted move found in the metadata (ours or one real LVM2 started).',
  ),
  'move.control': method(
    z.discriminatedUnion('action', [
      z.object({ action: z.literal('pause') }).strict(),
      z.object({ action: z.literal('resume') }).strict(),
      z.object({ action: z.literal('abort') }).strict(),
      z.object({ action: z.literal('next') }).strict(),
      z.object({ action: z.literal('setRate'), rateBytesPerSec: z.number().int().nonnegative() }).strict(),
      z.object({ action: z.literal('setStepMode'), stepMode: z.boolean() }).strict(),
    ]),
    MoveStateView,
    'Pause, resume, abort, step (next), change the copy rate or step mode of the running move.',
  ),
  'move.abortRecorded': method(
    z.object({ vg: z.string().min(1) }).strict(),
    z.object({ aborted: z.boolean() }),
    'Abort the interrupted move recorded in the metadata without running it (pvmove --abort).',
  ),
  'move.state': method(NoParams, z.object({ move: MoveStateView.nullable() }), 'The running or last move, if any.'),
  'move.recording': method(
    NoParams,
    z.object({ text: z.string(), fileName: z.string(), complete: z.boolean() }),
    'The running or last move as a recording (NDJSON, app/api/recording.ts) that replays it without an engine; complete once the move has ended.',
  ),
  'move.transcript': method(NoParams, z.object({ markdown: z.string(), fileName: z.string() }), 'The running or last move as a Markdown transcript: plan, layouts, every step with its commands and tables.'),
  'workspace.crash': method(
    NoParams,
    z.object({ crashed: z.boolean() }),
    'Crash drill: drop the open workspace as a killed process would (nothing more is written, the lock is released).',
  ),
  'scenario.list': method(NoParams, z.object({ scenarios: z.array(ScenarioSummary) }), 'The demo scenarios (assets/scenarios).'),
  'scenario.run': method(
    z.object({ name: z.string().min(1), path: WorkspacePath, force: z.boolean().default(false), speed: z.number().positive().max(1e6).default(1) }).strict(),
    ScenarioStateView,
    'Create a scenario\'s workspace and run its script (narration, moves, crashes, checks) in the background.',
  ),
  'scenario.state': method(NoParams, z.object({ scenario: ScenarioStateView.nullable() }), 'The running or last scenario, if any.'),
  'workload.start': method(WorkloadSpec, WorkloadStatsView, 'Start an IO generator on an LV (runs during a move).'),
  'workload.stop': method(NoParams, WorkloadStatsView, 'Stop the IO generator.'),
  'exports.list': method(NoParams, ExportsView, 'The exported LVs (every active LV, as `vg/lv`), where the host serves them, and their connected NBD clients with live counters.'),
  'verify.run': method(
    z.object({ vg: z.string().min(1), lv: z.string().min(1) }).strict(),
    VerifyResultView,
    'Check every block of an LV against the demo pattern and the workload shadow model.',
  ),
} as const;

export const events = {
  log: event(LogEvent, { mode: 'all' }, 'A line of the engine event log.'),
  'workspace.changed': event(
    WorkspaceChange,
    { mode: 'all' },
    'The open workspace changed (metadata commit, open): what changed since the view of revision `base` (LVs and PVs added, removed or changed, the VG fields); a client holding another revision asks for workspace.view.',
  ),
  'dm.changed': event(
    DmChange,
    // Changes chain (each one starts where the one before ended), so none may be dropped:
    // those waiting for one flush fold into one.
    { mode: 'merge', merge: (older, newer) => mergeDmChanges(older as DmChange, newer as DmChange) },
    'The mapped devices that changed since the dm.changed before it (at most one per 33 ms), with status lines and open counts as of its sequence number, and the names of those removed. A client holding an older list than `since`, or another stream (the first change of a stream changes nothing), asks for dm.list. Without `since` (recordings of versions 1 and 2) it is the whole list.',
  ),
  'dm.event': event(DmStreamEvent, { mode: 'all' }, 'One change of the device-mapper, numbered: device created / removed, table loaded / swapped, suspended / resumed, region copying / copied, write held / released / on both legs.'),
  'move.state': event(MoveStateView, { mode: 'latest' }, 'The move changed state (step, pause, finish); its plan comes without the before / after layouts (the move.state answer has them).'),
  'move.step': event(StepView, { mode: 'all' }, 'A step of the move started, finished, failed or was undone.'),
  'move.progress': event(MoveProgressView, { mode: 'latest' }, 'Copy progress: regions copied, rate, ETA, intercepted writes.'),
  'workload.stats': event(WorkloadStatsView, { mode: 'latest' }, 'IO generator counters.'),
  'scenario.state': event(ScenarioStateView, { mode: 'latest' }, 'A scenario moved to its next action or narration.'),
  'exports.changed': event(ExportsView, { mode: 'latest' }, 'A client connected or left, or its counters changed (at most 4 times a second), or the host started or stopped serving.'),
  'ui.command': event(UiCommand, { mode: 'all' }, 'A native menu item asks the UI to do something.'),
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
/** What a caller sends (defaults may be left out). */
export type ParamsOf<M extends MethodName> = z.input<Methods[M]['params']>;
/** What a handler receives: the params after validation, defaults filled in. */
export type ParsedParamsOf<M extends MethodName> = z.output<Methods[M]['params']>;
export type ResultOf<M extends MethodName> = z.output<Methods[M]['result']>;
export type Events = typeof events;
export type EventName = keyof Events;
export type PayloadOf<E extends EventName> = z.output<Events[E]['payload']>;

/** The channel list the Electron preload and the IPC registration are built from. */
export const METHOD_NAMES = Object.keys(methods) as MethodName[];
export const EVENT_NAMES = Object.keys(events) as EventName[];

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(methods, name);
}
export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name);
}
