// A recorded move (issue 19): one file that replays a move exactly, without an engine. It is
// NDJSON, so a recorder streams it line by line and a reader validates it line by line:
//
//   line 1   the header: format name and version, the lvmscope version, when, the move asked
//            for (request or resume) and its plan;
//   line 2   the initial answers a window asks for when it attaches (engine.info, the
//            workspace, dm.list, move.state, workload.stats, log.recent);
//   line 3…  the engine events in the order a window received them, each with its time on the
//            engine clock (ms after the initial answers): `{"t":12,"e":"dm.event","p":{…}}`.
//
// Events repeat themselves: a 65,536-region copy is 131,072 region-state events that differ
// only in numbers. A run line `{"run":n,"k":k,"s":{…},"v":{…},"a":{…}}` stands for n events,
// each a copy of the event k places before it with some numbers changed: `s` a constant step
// per field, `v` one integer step per event, `a` one absolute value per event (fields are
// JSON-pointer paths into `{t, e, p}`). The rule is generic — any event kind whose
// neighbours share their shape compresses, whatever forms the dm stream grows.
//
// Version 2 (issue 20): `workspace.changed` carries what changed (api/workspaceChange.ts), not
// the whole view; the initial workspace view has the revision the first change applies to.
// Version 1 files, whose `workspace.changed` events are whole views, still open: each is read as
// a change from no view (base 0). A reader of version 1 says plainly it cannot read version 2.
//
// Version 3 (issue 20): `dm.changed` carries the devices that changed since the one before
// (api/dmStream.ts DmChange), not every device. Versions 1 and 2 carry whole lists, which read
// as they are (a DmChange without `since` is the whole list); a reader of version 2 would take
// a change for the whole list, so version 3 tells it plainly that it cannot read the file.
//
// Opening is as careful as any other input (DESIGN §2.1 api/): sizes are bounded, every line
// is parsed and checked against the contract's schemas, and a problem is one sentence that
// names the line and what is wrong (RecordingError).

import { z } from 'zod';
import { EngineInfo, events, ImageFile, isEventName, LogEvent, type EventName, type PayloadOf } from './contract';
import { DmSnapshot } from './dmStream';
import { MoveOptions, MovePlanView, MoveRequest, MoveStack, MoveStateView, WorkloadStatsView } from './move';
import { WorkspaceView } from './views';
import { diffWorkspace } from './workspaceChange';

export const RECORDING_FORMAT = 'lvmscope-recording';
export const RECORDING_VERSION = 3;
/** Versions this lvmscope opens: 1 (workspace.changed carried whole views), 2 (dm.changed carried whole lists) and the current one. */
const READABLE_VERSIONS: readonly number[] = [1, 2, RECORDING_VERSION];
/** A recording file is refused above this size (a 65,536-region move is far smaller). */
export const MAX_RECORDING_BYTES = 64 * 1024 * 1024;
/** The longest line accepted (the initial answers of a large VG are the longest line). */
export const MAX_LINE_CHARS = 16 * 1024 * 1024;
/** The most events a recording may expand to (runs included). */
export const MAX_RECORDED_EVENTS = 2_000_000;
/** The longest run one line may stand for, and the furthest back it may repeat from. */
export const MAX_RUN = 65_536;
export const MAX_RUN_PERIOD = 8;
/** The furthest back a patch line may take its event from. */
export const MAX_BACK = 64;
/** How many earlier events of its kind an event is compared with for the shortest patch. */
const PATCH_CANDIDATES = 8;
/** Events a window never needs to replay a move (menu commands of the host that recorded). */
const UNRECORDED: ReadonlySet<EventName> = new Set(['ui.command']);

export const RecordingHeader = z.object({
  format: z.literal(RECORDING_FORMAT),
  version: z.union([z.literal(1), z.literal(2), z.literal(RECORDING_VERSION)]),
  /** The lvmscope version that recorded it. */
  lvmscope: z.string().max(64),
  /** Wall-clock unix milliseconds when recording began. */
  createdMs: z.number(),
  /** A short title shown in the replay banner ("lvmscope pvmove vg0 pv2 → pv4"). */
  title: z.string().max(400),
  stack: MoveStack,
  move: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('start'), request: MoveRequest, options: MoveOptions }),
    z.object({ kind: z.literal('resume'), vg: z.string().min(1).max(400), options: MoveOptions }),
  ]),
  plan: MovePlanView.nullable(),
}).strict();
export type RecordingHeader = z.infer<typeof RecordingHeader>;

/** What a window asks for when it attaches, as the engine answered just before the move. */
export const RecordingInitial = z.object({
  engineInfo: EngineInfo,
  workspacePath: z.string().max(4096),
  images: z.array(ImageFile),
  workspace: WorkspaceView,
  dm: DmSnapshot,
  move: MoveStateView.nullable(),
  workload: WorkloadStatsView.nullable(),
  log: z.array(LogEvent).max(1000),
}).strict();
export type RecordingInitial = z.infer<typeof RecordingInitial>;

/** One engine event as a window received it, `timeMs` after the initial answers. */
export interface RecordedEvent<E extends EventName = EventName> {
  timeMs: number;
  name: E;
  payload: PayloadOf<E>;
}

/** A step of the move as the scrubber marks it: where it starts and ends in the event list. */
export interface RecordedStep {
  /** The event that starts it (a `move.step` with state running). */
  eventIndex: number;
  /**
   * How many events have happened when its work is done while it is still the current step:
   * up to (not including) the event that ends it (its done / failed / undone, or the start of
   * another step), else every event. A seek to the step shows this instant.
   */
  endEventCount: number;
  timeMs: number;
  stepId: string;
  name: string;
  lv: string | null;
}

export interface Recording {
  header: RecordingHeader;
  initial: RecordingInitial;
  events: RecordedEvent[];
  steps: RecordedStep[];
  /** The time of the last event (0 when there is none). */
  durationMs: number;
}

export class RecordingError extends Error {
  readonly code = 'BAD_RECORDING';
  constructor(message: string) {
    super(message);
    this.name = 'RecordingError';
  }
}

// ---------------------------------------------------------------------------------------------
// Writing

/** A line's decoded form: the event with its time, as runs repeat it. */
interface Entry {
  t: number;
  e: string;
  p: unknown;
}

/** The numbers of `next` that differ from `base`, or null when their shapes differ. */
interface NumberChange {
  path: string;
  from: number;
  to: number;
}

function pointer(parent: string, key: string | number): string {
  return `${parent}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

/** Walks two values side by side; false as soon as anything but a number differs. */
function collectChanges(base: unknown, next: unknown, path: string, out: NumberChange[]): boolean {
  if (typeof base === 'number' && typeof next === 'number') {
    if (!Object.is(base, next)) out.push({ path, from: base, to: next });
    return Number.isFinite(next);
  }
  if (base === null || next === null || typeof base !== 'object' || typeof next !== 'object') return base === next;
  if (Array.isArray(base) !== Array.isArray(next)) return false;
  if (Array.isArray(base)) {
    const b = base as unknown[];
    const n = next as unknown[];
    return b.length === n.length && b.every((item, i) => collectChanges(item, n[i], pointer(path, i), out));
  }
  const bKeys = Object.keys(base);
  const nKeys = Object.keys(next);
  if (bKeys.length !== nKeys.length) return false;
  return bKeys.every((key, i) => nKeys[i] === key && collectChanges((base as Record<string, unknown>)[key], (next as Record<string, unknown>)[key], pointer(path, key), out));
}

/** The numbers that differ, or null when more differs or a number changes kind (see below). */
function changesBetween(base: Entry, next: Entry): NumberChange[] | null {
  const out: NumberChange[] = [];
  if (!collectChanges(base, next, '', out)) return null;
  return out.every((c) => sameKindOfNumber(c.from, c.to)) ? out : null;
}

const isStep = (c: NumberChange) => Number.isSafeInteger(c.from) && Number.isSafeInteger(c.to) && Number.isSafeInteger(c.to - c.from);

/** An open run: events that each repeat the one `period` places before with numbers changed. */
interface OpenRun {
  period: number;
  /** The changed paths, the same for every event of the run. */
  paths: string;
  items: Entry[];
  changes: NumberChange[][];
}

/** The fields of a run line, from the changes of each of its events. */
function runLine(run: OpenRun): Record<string, unknown> {
  const s: Record<string, number> = {};
  const v: Record<string, number[]> = {};
  const a: Record<string, number[]> = {};
  const paths = run.changes[0].map((c) => c.path);
  paths.forEach((path, i) => {
    const column = run.changes.map((changes) => changes[i]);
    if (column.every(isStep)) {
      const steps = column.map((c) => c.to - c.from);
      if (steps.every((d) => d === steps[0])) s[path] = steps[0];
      else v[path] = steps;
    } else a[path] = column.map((c) => c.to);
  });
  return { run: run.items.length, k: run.period, ...(paths.length ? { s, v, a } : {}) };
}

/**
 * The replacements that turn `base` into `next`: `{pointer: value}`, a whole subtree where the
 * shapes part (another type, another array length, other keys), else each changed leaf.
 */
function patchBetween(base: unknown, next: unknown, path: string, out: Record<string, unknown>): void {
  if (Object.is(base, next)) return;
  const bothObjects = base !== null && next !== null && typeof base === 'object' && typeof next === 'object' && Array.isArray(base) === Array.isArray(next);
  if (!bothObjects) return void (out[path] = next);
  if (Array.isArray(base)) {
    const n = next as unknown[];
    if (base.length !== n.length) return void (out[path] = next);
    return base.forEach((item, i) => patchBetween(item, n[i], pointer(path, i), out));
  }
  const b = base as Record<string, unknown>;
  const n = next as Record<string, unknown>;
  const keys = Object.keys(b);
  const nKeys = Object.keys(n);
  if (keys.length !== nKeys.length || keys.some((k, i) => nKeys[i] !== k)) return void (out[path] = next);
  for (const key of keys) patchBetween(b[key], n[key], pointer(path, key), out);
}

/**
 * Turns entries into lines (without the newline): a run where events repeat with only numbers
 * changed, a patch of an earlier event of the same kind where that is shorter, else the event
 * itself. Lines come out as soon as they are final, so a recorder can stream them to a file.
 */
export class RecordingEncoder {
  /** The newest entries with their position, as a reader will have decoded them. */
  private recent: Array<{ at: number; entry: Entry; text: string }> = [];
  private count = 0;
  private run: OpenRun | null = null;
  /** Where the open run's events sit (their text, for a run too short to be one). */
  private runTexts: Array<{ at: number; text: string }> = [];

  constructor(private readonly emit: (line: string) => void) {}

  push(event: Entry): void {
    // What a reader decodes, not the engine's object (undefined fields dropped, nothing shared).
    const text = JSON.stringify(event);
    const entry = JSON.parse(text) as Entry;
    const at = this.count++;
    if (!(this.run && this.extend(this.run, entry))) {
      this.closeRun();
      this.run = this.startRun(entry);
    }
    if (this.run) this.runTexts.push({ at, text });
    else this.emit(this.single(at, entry, text));
    this.remember(at, entry, text);
  }

  /** Ends the open run (call at the end, or before a pause in which a reader should see it). */
  flush(): void {
    this.closeRun();
  }

  /** The lines the open run will become, without closing it (a recording saved mid-move). */
  pendingLines(): string[] {
    const run = this.run;
    if (!run) return [];
    return run.items.length <= 2 ? this.runTexts.map((r) => this.single(r.at, JSON.parse(r.text) as Entry, r.text)) : [JSON.stringify(runLine(run))];
  }

  private remember(at: number, entry: Entry, text: string): void {
    this.recent.push({ at, entry, text });
    if (this.recent.length > MAX_BACK) this.recent.shift();
  }

  /**
   * The event as a patch of an earlier one of its kind (the shortest of the newest few: a write
   * event patches the last write, not the region event between), when that is shorter.
   */
  private single(at: number, entry: Entry, text: string): string {
    let best = text;
    let tried = 0;
    for (let i = this.recent.length - 1; i >= 0 && tried < PATCH_CANDIDATES; i--) {
      const base = this.recent[i];
      if (base.at >= at || base.entry.e !== entry.e) continue;
      if (at - base.at > MAX_BACK) break;
      tried++;
      const d: Record<string, unknown> = {};
      patchBetween(base.entry.p, entry.p, '', d);
      const patch = JSON.stringify({ t: entry.t, e: entry.e, k: at - base.at, d });
      if (patch.length < best.length) best = patch;
    }
    return best;
  }

  private extend(run: OpenRun, entry: Entry): boolean {
    if (run.items.length >= MAX_RUN) return false;
    const changes = changesBetween(this.recent[this.recent.length - run.period].entry, entry);
    if (!changes || changes.map((c) => c.path).join('\n') !== run.paths) return false;
    run.items.push(entry);
    run.changes.push(changes);
    return true;
  }

  /** A run starting with `entry`: the shortest period whose event has the same shape. */
  private startRun(entry: Entry): OpenRun | null {
    for (let period = 1; period <= Math.min(MAX_RUN_PERIOD, this.recent.length); period++) {
      const changes = changesBetween(this.recent[this.recent.length - period].entry, entry);
      if (changes) return { period, paths: changes.map((c) => c.path).join('\n'), items: [entry], changes: [changes] };
    }
    return null;
  }

  /** A run of one or two events is shorter written out. */
  private closeRun(): void {
    const run = this.run;
    const texts = this.runTexts;
    this.run = null;
    this.runTexts = [];
    if (!run) return;
    if (run.items.length <= 2) for (const r of texts) this.emit(this.single(r.at, JSON.parse(r.text) as Entry, r.text));
    else this.emit(JSON.stringify(runLine(run)));
  }
}

/** The header and initial lines of a recording. */
export function recordingPreamble(header: RecordingHeader, initial: RecordingInitial): string[] {
  return [JSON.stringify(header), JSON.stringify({ initial })];
}

/** Whether an engine event belongs in a recording. */
export function isRecordedEvent(name: EventName): boolean {
  return !UNRECORDED.has(name);
}

/** A whole recording as text (tests, and hosts that hold every event in memory). */
export function writeRecording(header: RecordingHeader, initial: RecordingInitial, recorded: readonly RecordedEvent[]): string {
  const lines = recordingPreamble(header, initial);
  const encoder = new RecordingEncoder((line) => lines.push(line));
  for (const r of recorded) encoder.push({ t: r.timeMs, e: r.name, p: r.payload });
  encoder.flush();
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// Reading

const RunLine = z.object({
  run: z.number().int().min(1).max(MAX_RUN),
  k: z.number().int().min(1).max(MAX_RUN_PERIOD),
  s: z.record(z.string(), z.number()).optional(),
  v: z.record(z.string(), z.array(z.number())).optional(),
  a: z.record(z.string(), z.array(z.number())).optional(),
}).strict();
const EntryLine = z.object({ t: z.number().nonnegative(), e: z.string().max(64), p: z.unknown() }).strict();
const PatchLine = z.object({ t: z.number().nonnegative(), e: z.string().max(64), k: z.number().int().min(1).max(MAX_BACK), d: z.record(z.string(), z.unknown()) }).strict();

/** Replaces the value at a JSON pointer ('' = the whole value); false when its parent is absent. */
function setAt(root: { p: unknown }, path: string, value: unknown): boolean {
  if (path === '') return void (root.p = value), true;
  const keys = path.split('/').slice(1).map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node: unknown = root.p;
  for (const key of keys.slice(0, -1)) {
    if (node === null || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, key)) return false;
    node = (node as Record<string, unknown>)[key];
  }
  const last = keys[keys.length - 1];
  if (node === null || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, last)) return false;
  (node as Record<string, unknown>)[last] = value;
  return true;
}

/** The event a patch line stands for: the one `k` places back, of the same kind, changed. */
function expandPatch(patch: z.infer<typeof PatchLine>, decoded: readonly Entry[], line: number): Entry {
  if (patch.k > decoded.length) fail(line, `patches the event ${patch.k} places back, but only ${decoded.length} came before it`);
  const base = decoded[decoded.length - patch.k];
  if (base.e !== patch.e) fail(line, `patches a ${String(base.e).slice(0, 64)} event into a ${patch.e.slice(0, 64)} event`);
  const entry = { t: patch.t, e: patch.e, p: JSON.parse(JSON.stringify(base.p)) as unknown };
  for (const [path, value] of Object.entries(patch.d)) {
    if (!setAt(entry, path, value)) fail(line, `changes ${path.slice(0, 80)}, which the event it patches does not have`);
  }
  return entry;
}

/** One sentence for the first zod issue, naming where it is. */
function issueSentence(error: z.ZodError): string {
  const issue = error.issues[0];
  const where = issue?.path.length ? ` at ${issue.path.join('.').slice(0, 160)}` : '';
  return `${issue?.message ?? 'malformed'}${where}`;
}

function fail(line: number, what: string): never {
  throw new RecordingError(`This is not a readable lvmscope recording: line ${line} ${what}.`);
}

function parseLine(text: string, line: number): unknown {
  if (text.length > MAX_LINE_CHARS) fail(line, `is ${text.length} characters long, more than any recording line may be (${MAX_LINE_CHARS})`);
  try {
    return JSON.parse(text);
  } catch {
    return fail(line, 'is not JSON (the file may be cut short or not a recording)');
  }
}

function readHeader(text: string | undefined): RecordingHeader {
  if (text === undefined || text.trim() === '') fail(1, 'is empty: a recording starts with its header');
  const value = parseLine(text, 1);
  const format = (value as { format?: unknown } | null)?.format;
  if (format !== RECORDING_FORMAT) fail(1, `does not name the format '${RECORDING_FORMAT}' (this is not a recording)`);
  const version = (value as { version?: unknown }).version;
  if (typeof version !== 'number' || !READABLE_VERSIONS.includes(version)) fail(1, `is a recording of version ${JSON.stringify(version)}, and this lvmscope reads versions ${READABLE_VERSIONS.slice(0, -1).join(', ')} and ${READABLE_VERSIONS.at(-1)}`);
  const parsed = RecordingHeader.safeParse(value);
  if (!parsed.success) fail(1, `has a header that is wrong: ${issueSentence(parsed.error)}`);
  return parsed.data;
}

function readInitial(text: string | undefined): RecordingInitial {
  if (text === undefined || text.trim() === '') fail(2, 'is missing: the initial views follow the header');
  const value = parseLine(text, 2) as { initial?: unknown } | null;
  if (!value || typeof value !== 'object' || !('initial' in value)) fail(2, 'should hold the initial views ({"initial": …})');
  const parsed = RecordingInitial.safeParse(value.initial);
  if (!parsed.success) fail(2, `has initial views that are wrong: ${issueSentence(parsed.error)}`);
  return parsed.data;
}

/** Sets the number at a JSON pointer inside an entry copied from its base; false if absent. */
function setNumber(entry: Entry, path: string, make: (old: number) => number): boolean {
  const keys = path.split('/').slice(1).map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node: unknown = entry;
  for (const key of keys.slice(0, -1)) {
    if (node === null || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, key)) return false;
    node = (node as Record<string, unknown>)[key];
  }
  const last = keys[keys.length - 1];
  if (keys.length === 0 || node === null || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, last)) return false;
  const old = (node as Record<string, unknown>)[last];
  if (typeof old !== 'number') return false;
  (node as Record<string, unknown>)[last] = make(old);
  return true;
}

/**
 * A number a run may put where the event it repeats had `old`: finite, and of the same kind
 * (an integer stays an integer, a count never goes below zero, a positive number stays
 * positive). The event it repeats passed the contract's schema, and the schemas ask no more of
 * a number than that, so a run's events are checked this way instead of one zod parse each
 * (a 65,536-region move is 131,072 of them).
 */
function sameKindOfNumber(old: number, value: number): boolean {
  if (!Number.isFinite(value)) return false;
  if (Number.isInteger(old) && !Number.isInteger(value)) return false;
  if (old >= 0 && value < 0) return false;
  return !(old > 0 && value <= 0);
}

/** The entries a run line stands for, each from the entry `k` places before it. */
function expandRun(run: z.infer<typeof RunLine>, decoded: readonly Entry[], line: number): Entry[] {
  if (run.k > decoded.length) fail(line, `repeats the event ${run.k} places back, but only ${decoded.length} came before it`);
  for (const [field, values] of [...Object.entries(run.v ?? {}), ...Object.entries(run.a ?? {})]) {
    if (values.length !== run.run) fail(line, `lists ${values.length} values for ${field.slice(0, 80)} in a run of ${run.run}`);
  }
  const out: Entry[] = [];
  const before = (i: number) => (i - run.k >= 0 ? out[i - run.k] : decoded[decoded.length - run.k + i]);
  const change = (entry: Entry, path: string, make: (old: number) => number) => {
    let fits = true;
    const found = setNumber(entry, path, (old) => {
      const value = make(old);
      fits = sameKindOfNumber(old, value);
      return value;
    });
    if (!found) fail(line, `changes ${path.slice(0, 80)}, a number the event it repeats does not have`);
    if (!fits) fail(line, `makes ${path.slice(0, 80)} a number of another kind than the event it repeats had (not finite, not whole, or below zero)`);
  };
  for (let i = 0; i < run.run; i++) {
    const entry = JSON.parse(JSON.stringify(before(i))) as Entry;
    for (const [path, step] of Object.entries(run.s ?? {})) change(entry, path, (old) => old + step);
    for (const [path, steps] of Object.entries(run.v ?? {})) change(entry, path, (old) => old + steps[i]);
    for (const [path, values] of Object.entries(run.a ?? {})) change(entry, path, () => values[i]);
    out.push(entry);
  }
  return out;
}

/** How the events of a file are read: version 1 sent whole workspace views (see the top). */
interface ReadContext {
  version: number;
  /** Revisions given to the whole views of a version 1 file, read as changes. */
  legacyRevisions: number;
}

/** The entry checked against the contract: a known, recorded event with a valid payload. */
function checkEntry(entry: Entry, line: number, previousTime: number, repeated: boolean, context: ReadContext): RecordedEvent {
  const { t, e, p } = entry as Entry;
  if (context.version === 1 && e === 'workspace.changed') return legacyWorkspaceEvent(p, t, line, previousTime, context);
  if (repeated) {
    // A run's event: the shape of one that passed below, numbers checked by expandRun.
    if (t < previousTime) fail(line, `goes back in time (${t} ms after ${previousTime} ms)`);
    return { timeMs: t, name: e as EventName, payload: p as never };
  }
  if (!isEventName(e) || !isRecordedEvent(e)) fail(line, `names an event lvmscope does not record ('${e.slice(0, 64)}')`);
  if (t < previousTime) fail(line, `goes back in time (${t} ms after ${previousTime} ms)`);
  const payload = events[e].payload.safeParse(p);
  if (!payload.success) fail(line, `holds a ${e} event that is wrong: ${issueSentence(payload.error)}`);
  return { timeMs: t, name: e, payload: payload.data as never };
}

/** A version 1 `workspace.changed` (a whole view) as the change from no view that shows it. */
function legacyWorkspaceEvent(p: unknown, t: number, line: number, previousTime: number, context: ReadContext): RecordedEvent {
  if (t < previousTime) fail(line, `goes back in time (${t} ms after ${previousTime} ms)`);
  const view = WorkspaceView.safeParse(p);
  if (!view.success) fail(line, `holds a workspace.changed event that is wrong: ${issueSentence(view.error)}`);
  const change = diffWorkspace(null, view.data, 0, ++context.legacyRevisions);
  return { timeMs: t, name: 'workspace.changed', payload: change };
}

/** The steps the scrubber marks: every `move.step` that starts a step, and where it ends. */
export function stepsOf(recorded: readonly RecordedEvent[]): RecordedStep[] {
  const steps: RecordedStep[] = [];
  let open: RecordedStep | null = null;
  recorded.forEach((r, eventIndex) => {
    if (r.name !== 'move.step') return;
    const step = r.payload as PayloadOf<'move.step'>;
    if (open && (step.state === 'running' || step.id === open.stepId)) {
      open.endEventCount = eventIndex;
      open = null;
    }
    if (step.state !== 'running') return;
    open = { eventIndex, endEventCount: recorded.length, timeMs: r.timeMs, stepId: step.id, name: step.name, lv: step.lv };
    steps.push(open);
  });
  return steps;
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

/**
 * Turns event lines back into entries (runs and patches expanded), keeping the window of
 * recent entries they refer to. It checks the encoding, not the events: parseRecording checks
 * each entry against the contract.
 */
export class RecordingDecoder {
  private decoded: Entry[] = [];
  private count = 0;

  /** The entries line number `line` stands for; `repeated`: a run's (see sameKindOfNumber). */
  decode(text: string, line: number): { entries: Entry[]; repeated: boolean } {
    const value = parseLine(text, line);
    const out = this.entriesOf(value, line);
    for (const entry of out.entries) this.decoded.push(entry);
    if (this.decoded.length > MAX_BACK * 2) this.decoded.splice(0, this.decoded.length - MAX_BACK);
    this.count += out.entries.length;
    if (this.count > MAX_RECORDED_EVENTS) fail(line, `makes the recording longer than ${MAX_RECORDED_EVENTS} events`);
    return out;
  }

  private entriesOf(value: unknown, line: number): { entries: Entry[]; repeated: boolean } {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return fail(line, 'is not an event (a JSON object)');
    if ('run' in value) {
      const run = RunLine.safeParse(value);
      if (!run.success) fail(line, `is a run that is wrong: ${issueSentence(run.error)}`);
      if (this.count + run.data.run > MAX_RECORDED_EVENTS) fail(line, `makes the recording longer than ${MAX_RECORDED_EVENTS} events`);
      return { entries: expandRun(run.data, this.decoded, line), repeated: true };
    }
    if ('k' in value) {
      const patch = PatchLine.safeParse(value);
      if (!patch.success) fail(line, `is a patch that is wrong: ${issueSentence(patch.error)}`);
      return { entries: [expandPatch(patch.data, this.decoded, line)], repeated: false };
    }
    const entry = EntryLine.safeParse(value);
    if (!entry.success) fail(line, `is not an event ({"t", "e", "p"}): ${issueSentence(entry.error)}`);
    return { entries: [entry.data as Entry], repeated: false };
  }
}

/** Reads a recording's text; throws a RecordingError naming the line and the problem. */
export function parseRecording(text: string): Recording {
  if (text.length > MAX_RECORDING_BYTES) throw new RecordingError(`This recording is ${(text.length / 1048576).toFixed(1)} MiB, more than lvmscope opens (${MAX_RECORDING_BYTES / 1048576} MiB).`);
  const lines = splitLines(text);
  const header = readHeader(lines[0]);
  const initial = readInitial(lines[1]);
  const decoder = new RecordingDecoder();
  const recorded: RecordedEvent[] = [];
  const context: ReadContext = { version: header.version, legacyRevisions: 0 };
  let previousTime = 0;
  for (let i = 2; i < lines.length; i++) {
    const line = i + 1;
    if (lines[i].trim() === '') continue;
    const { entries, repeated } = decoder.decode(lines[i], line);
    for (const entry of entries) {
      const event = checkEntry(entry, line, previousTime, repeated, context);
      previousTime = event.timeMs;
      recorded.push(event);
    }
  }
  return { header, initial, events: recorded, steps: stepsOf(recorded), durationMs: recorded.length ? recorded[recorded.length - 1].timeMs : 0 };
}

/**
 * Decompresses gzip, refusing output larger than `limitBytes` with a RecordingError. The
 * engine has no compression of its own (no node:*, no DOM): hosts pass theirs (zlib in Node,
 * DecompressionStream in the renderer).
 */
export type Gunzip = (bytes: Uint8Array, limitBytes: number) => Promise<Uint8Array>;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Opens a recording from its text or its file's bytes (NDJSON, or NDJSON gzip-compressed):
 * validated line by line; a RecordingError names the line and what is wrong.
 */
export async function openRecording(input: string | Uint8Array, gunzip?: Gunzip): Promise<Recording> {
  if (typeof input === 'string') return parseRecording(input);
  if (input.length > MAX_RECORDING_BYTES) throw new RecordingError(`This recording is ${(input.length / 1048576).toFixed(1)} MiB, more than lvmscope opens (${MAX_RECORDING_BYTES / 1048576} MiB).`);
  let bytes = input;
  if (isGzip(input)) {
    if (!gunzip) throw new RecordingError('This recording is gzip-compressed; decompress it (gunzip) and open the .lvmrec file.');
    bytes = await gunzip(input, MAX_RECORDING_BYTES);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new RecordingError('This is not a readable lvmscope recording: it is not UTF-8 text (nor gzip-compressed text).');
  }
  return parseRecording(text);
}

/** The file name a recording of move `id` is saved under. */
export function recordingFileName(moveId: number | string): string {
  return `lvmscope-move-${moveId}.lvmrec`;
}
