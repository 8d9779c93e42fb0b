// The engine facade hosts use (Electron main, browser mode, CLI): it owns the open
// workspace (a WorkspaceSession), implements every method of the contract
// (app/api/contract.ts) and publishes engine events. Storage, time and randomness come from
// the host (EngineHost), so the same engine runs on image files, in memory, or on the seeded
// simulated disk.

import type { Clock, Random } from './base/clock';
import type { Disposable } from './base/emitter';
import { Emitter } from './base/emitter';
import { LvmscopeError } from './base/result';
import type { WorkspaceStorage } from './block/blockStore';
import type { EventName, PayloadOf } from './api/contract';
import type { WorkspaceView } from './api/views';
import { diffWorkspace, isEmptyChange } from './api/workspaceChange';
import type { EventSource, Handlers } from './api/server';
import { WorkspaceSession, type SessionOptions } from './session/session';
import { MoveController } from './session/moves';
import { WorkloadController } from './session/workloads';
import { ExportController, type LvPort } from './session/exports';
import { createDemo, SEED_LAYOUT, type DemoLayout } from './session/demo';
import type { Scenario, ScenarioStateView } from './api/scenario';
import { ScenarioRunner, layoutOf } from './scenario/runner';
import { moveTranscript } from './session/transcript';
import { MoveRecorder } from './session/recorder';
import { recordingFileName, RECORDING_FORMAT, RECORDING_VERSION, type RecordingHeader } from './api/recording';
import type { MoveRequest } from './api/move';
import { runCommand, type LvmCommand } from './lvm/commands/index';
import type { ImportParams } from './api/rehearsal';
import { fillImportedLvs } from './lvm/import/fillPattern';
import { readManifest } from './lvm/import/writeImport';
import { IMPORT_DATA_BUDGET, checkEmptyFolder, importSpecOf, rehearsalOf, scriptOf, writeImportedWorkspace } from './session/rehearsal';

export const ENGINE_VERSION = '0.1.0';

export interface EngineHost {
  kind: 'electron' | 'browser' | 'cli' | 'test';
  clock: Clock;
  random: Random;
  /** The storage of the workspace folder at `path` (a folder of image files). */
  storage(path: string): WorkspaceStorage;
  /** The host name written into LVM2 metadata (`creation_host`). */
  hostname: string;
  /** Wall-clock unix seconds (creation_time in metadata). */
  unixTime?: () => number;
  /** Who holds a workspace lock, e.g. "lvmscope serve (pid 42)". */
  holder?: string;
  /** The workspace folder the UI shows and the recent ones (hosts with a UI provide it). */
  workspace?: () => { path: string; recent: string[]; demo?: boolean };
  /** The demo scenarios (assets/scenarios/*.json, validated by the host). */
  scenarios?: () => Scenario[];
  /**
   * Checks a workspace path before the engine reads or writes anything there, and throws a
   * sentence when it must be refused (relative, missing, not a workspace); for 'create' it
   * makes a missing last folder (a scenario runs in a fresh folder of its own). Hosts on a real
   * file system provide it (main/workspaceFolder.ts); without it paths are taken as given.
   */
  checkFolder?: (path: string, intent: 'list' | 'open' | 'create') => Promise<void>;
  /** A folder near `near` where a new demo can be created (missing, or empty, with an existing parent). */
  suggestDemoFolder?: (near: string) => Promise<string>;
}

interface AnyEvent {
  name: EventName;
  payload: unknown;
}

interface Open {
  /** Set when the workspace was dropped (closed, or crashed): its late events are ignored. */
  dead?: boolean;
  session: WorkspaceSession;
  moves: MoveController;
  workloads: WorkloadController;
}

/** Log lines the engine keeps for windows that attach later (the renderer shows as many). */
export const LOG_HISTORY_LINES = 200;

export const CAPABILITIES = ['workspace', 'lvm2-format', 'device-mapper', 'pvmove', 'workload', 'verify'];

export class Engine implements EventSource {
  readonly handlers: Handlers;
  private readonly events = new Emitter<AnyEvent>();
  /** The newest log lines, oldest first: a window that attaches during a move shows its story so far. */
  private readonly logHistory: PayloadOf<'log'>[] = [];
  private current: Open | null = null;
  private scenario: ScenarioRunner | null = null;
  /** The last move id given out: ids are unique across the workspaces this engine opens. */
  private moveIds = 0;
  /** The recording of the running or last move (issue 19). */
  private recorder: MoveRecorder | null = null;
  /** Hosts that stream a recording into a file (`pvmove --record`) listen here. */
  recordingSink: ((line: string) => void) | null = null;
  /** The last workspace view given out (a method's answer or an event): the next `workspace.changed` is the change from it. */
  private shown: WorkspaceView | null = null;
  /** The revision of the last view given out. */
  private viewRevision = 0;
  /** Serialises open / close / demo creation. */
  private opening: Promise<unknown> = Promise.resolve();
  /** LV ports of NBD clients (the host's server opens them); they outlive a workspace reopen. */
  readonly exports: ExportController;

  constructor(readonly host: EngineHost) {
    this.exports = new ExportController({
      clock: host.clock,
      session: () => (this.current && !this.current.dead ? this.current.session : null),
      emit: (view) => this.emit('exports.changed', view),
      log: (level, message) => this.log(level, 'nbd', message),
    });
    this.handlers = {
      'engine.info': async () => ({ name: 'lvmscope' as const, version: ENGINE_VERSION, host: host.kind, capabilities: CAPABILITIES }),
      'host.info': async () => {
        if (!host.workspace) throw new LvmscopeError('UNSUPPORTED', `The ${host.kind} host shows no workspace; open one with a host that has a UI (lvmscope serve, or the desktop app).`);
        const { path, recent, demo } = host.workspace();
        // A window that loads (another tab, a reload, a second Electron window) attaches to the
        // workspace that is open, which may be one the user opened since the host started:
        // pointing it at the host's folder would make it close the open one under its move.
        const shown = this.current && !this.current.dead ? this.current.session.path : path;
        return { host: host.kind, workspacePath: shown, recentWorkspaces: recent, demoFolder: (demo ?? false) && samePath(shown, path) };
      },
      'log.recent': async () => ({ lines: [...this.logHistory] }),
      'workspace.listImages': async ({ path }) => this.listImages(path),
      'workspace.suggestDemoFolder': async ({ near }) => {
        const base = near ?? this.current?.session.path ?? host.workspace?.().path;
        if (!base) throw new LvmscopeError('STATE', 'No workspace is shown to suggest a folder beside; type the absolute path of a new folder.');
        return { path: host.suggestDemoFolder ? await host.suggestDemoFolder(base) : `${base.replace(/\/+$/, '')}-new` };
      },
      'workspace.open': ({ path, disconnectClients }) =>
        this.serial(async () => {
          if (!this.openAt(path)) await this.leaveClients(`opening ${path}`, disconnectClients);
          return this.openWorkspace(path);
        }),
      'workspace.createDemo': ({ path, scenario, force, disconnectClients }) =>
        this.serial(async () => {
          await this.leaveClients(`creating a demo workspace in ${path}`, disconnectClients);
          return this.createDemo(path, scenario, force);
        }),
      'workspace.import': (params) =>
        this.serial(async () => {
          await this.leaveClients(`importing a volume group into ${params.path}`, params.disconnectClients);
          return this.importWorkspace(params);
        }),
      'workspace.rehearsal': async () => rehearsalOf(this.open().session.storage),
      'workspace.view': async () => this.currentView(this.open()),
      'workspace.close': ({ disconnectClients }) =>
        this.serial(async () => {
          await this.leaveClients('closing the workspace', disconnectClients);
          return { closed: await this.closeWorkspace() };
        }),
      'lvm.command': (command) => this.serial(() => this.lvmCommand(command)),
      'vg.backup': async ({ vg }) => ({ text: this.open().session.backup(vg) }),
      'dm.list': async () => this.open().session.dmSnapshot(),
      'move.plan': async (request) => this.open().moves.plan(request).view,
      'move.check': async (request) => this.open().moves.check(request).view,
      // Starting, resuming and aborting a move take their turn with the LVM commands and the
      // opening and closing of workspaces: a move started while an lvm command was between its
      // checks and its commit committed metadata beside it (the read-back check then blamed the
      // disk), and the command's reopen closed the session under the running move. Starting
      // returns at once; the move then runs outside the queue, and lvm commands refuse it.
      'move.script': async ({ request, rateBytesPerSec }) => {
        const open = this.open();
        const plan = request ? open.moves.plan(request).view : open.moves.state()?.plan;
        if (!plan) throw new LvmscopeError('STATE', 'No move has been planned in this workspace yet; plan one (drop extents on a PV, or Move to…), then export it as a script.');
        const manifest = await readManifest(open.session.storage);
        return scriptOf({ plan, vg: open.session.ws.getVg(plan.request.vg).vg, view: open.session.view(open.moves.vg), manifest, rateBytesPerSec, generatedAt: new Date(this.unixMs()).toISOString(), workspace: open.session.path });
      },
      'move.start': ({ request, options }) => this.serial(async () => this.recorded({ kind: 'start', request, options }, () => this.open().moves.start(request, options))),
      'move.resume': ({ vg, options }) => this.serial(async () => this.recorded({ kind: 'resume', vg, options }, () => this.open().moves.resume(vg, options))),
      'move.recording': async () => {
        const recorder = this.recorder;
        if (!recorder) throw new LvmscopeError('STATE', 'No move has been recorded by this engine yet; start one (every move is recorded), then save its recording.');
        const id = this.current?.moves.state()?.id ?? this.moveIds;
        return { text: recorder.text(), fileName: recordingFileName(id), complete: recorder.moveEnded };
      },
      'move.control': async (action) => this.open().moves.control(action),
      'move.abortRecorded': ({ vg }) =>
        this.serial(async () => {
          await this.open().moves.abortRecorded(vg);
          return { aborted: true };
        }),
      'move.state': async () => ({ move: this.current?.moves.state() ?? null }),
      'move.transcript': async () => {
        const move = this.current?.moves.state();
        if (!move) throw new LvmscopeError('STATE', 'No move has run in this workspace yet; start one, then export its transcript.');
        return { markdown: moveTranscript(move, new Date(this.unixMs()).toISOString()), fileName: `lvmscope-move-${move.id}.md` };
      },
      'workload.start': (spec) => this.open().workloads.start(spec),
      'workload.stop': () => this.open().workloads.stop(),
      'verify.run': ({ vg, lv }) => this.verify(vg, lv),
      'exports.list': async () => this.exports.view(),
      'workspace.crash': () => this.serial(async () => ({ crashed: await this.crash() })),
      'scenario.list': async () => ({ scenarios: this.scenarios().map(({ name, title, description }) => ({ name, title, description })) }),
      'scenario.run': async ({ name, path, force, speed }) => this.runScenario(name, path, force, speed),
      'scenario.state': async () => ({ scenario: this.scenario?.state ?? null }),
    };
  }

  /**
   * An LV port for one client of a host's export server (NBD): IO on the active LV `vg/lv`
   * through its device-mapper stack and the write journal, counted for that client.
   */
  openLvPort({ vg, lv, address }: { vg: string; lv: string; address: string }): LvPort {
    return this.exports.open(vg, lv, address);
  }

  /** The host says where it serves exports ("unix:/path", "127.0.0.1:10809"), or null when it stopped. */
  setExportsListening(address: string | null): void {
    this.exports.setListening(address);
  }

  /**
   * Checks an LV; NBD clients' IO is held meanwhile (what is in flight finishes first), so no
   * client write lands between the verifier's read of a sector and its look at the journal.
   */
  private async verify(vg: string, lv: string) {
    const { workloads } = this.open();
    workloads.assertVerifiable(vg, lv);
    return this.exports.clientCount ? this.exports.hold(() => workloads.verify(vg, lv)) : workloads.verify(vg, lv);
  }

  /**
   * Before an action that closes the open workspace: refused (BUSY, naming the clients) while
   * NBD clients use its LVs, unless `disconnect`: then their ports are closed first.
   */
  private async leaveClients(action: string, disconnect: boolean | undefined): Promise<void> {
    const refusal = this.exports.refusal(action);
    if (!refusal) return;
    // A running move refuses the action with its own sentence; the clients are kept then.
    const moveRefusal = this.refusalToLeave(action);
    if (moveRefusal) throw new LvmscopeError('BUSY', moveRefusal);
    if (!disconnect) throw new LvmscopeError('BUSY', refusal);
    await this.exports.disconnectAll(`the workspace is closing (${action})`);
  }

  /**
   * Runs `start` (a move start or resume) with a recorder listening from just before it: the
   * header and the views a window would load, then every event it is sent. A start that is
   * refused leaves the previous recording in place.
   */
  private recorded<T>(move: RecordingHeader['move'], start: () => T): T {
    const open = this.open();
    const header: RecordingHeader = {
      format: RECORDING_FORMAT,
      version: RECORDING_VERSION,
      lvmscope: ENGINE_VERSION,
      createdMs: this.unixMs(),
      title: recordingTitle(move),
      stack: move.options.stack ?? 'outline',
      move,
      plan: move.kind === 'start' ? this.planOrNull(move.request) : null,
    };
    // The view a replay starts from: the recorded changes apply to its revision.
    const view = this.currentView(open);
    const initial = {
      engineInfo: { name: 'lvmscope' as const, version: ENGINE_VERSION, host: this.host.kind, capabilities: CAPABILITIES },
      workspacePath: open.session.path,
      images: view.images.map(({ name, sizeBytes }) => ({ name, sizeBytes })),
      workspace: view,
      dm: open.session.dmSnapshot(),
      move: null,
      workload: open.workloads.stats(),
      log: [...this.logHistory],
    };
    const recorder = new MoveRecorder(this.host.clock, this, header, initial, this.recordingSink ?? undefined);
    try {
      const result = start();
      this.recorder?.stop();
      this.recorder = recorder;
      return result;
    } catch (e) {
      recorder.stop();
      throw e;
    }
  }

  /** Ends the recording of the running or last move where it is (a host stops following it). */
  stopRecording(): void {
    this.recorder?.stop();
  }

  private planOrNull(request: MoveRequest) {
    try {
      return this.open().moves.plan(request).view;
    } catch {
      return null; // the start itself says what is wrong with the request
    }
  }

  private unixMs(): number {
    return (this.host.unixTime?.() ?? Math.floor(this.host.clock.now() / 1000)) * 1000;
  }

  /** The open workspace, or a STATE error telling what to do. */
  open(): Open {
    if (!this.current) throw new LvmscopeError('STATE', 'No workspace is open; open a folder of image files or create a demo workspace first.');
    return this.current;
  }

  get session(): WorkspaceSession | null {
    return this.current?.session ?? null;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.opening.then(fn);
    this.opening = run.catch(() => undefined);
    return run;
  }

  private async listImages(path: string) {
    await this.host.checkFolder?.(path, 'list');
    const storage = this.host.storage(path);
    const names = await storage.listImages();
    const images = [];
    for (const name of names) {
      const store = await storage.open(name);
      images.push({ name, sizeBytes: store.sizeBytes });
      await store.close();
    }
    return { path, images };
  }

  private sessionOptions(): SessionOptions {
    return {
      clock: this.host.clock,
      random: this.host.random,
      hostname: this.host.hostname,
      holder: this.host.holder ?? `lvmscope (${this.host.kind})`,
      unixTime: this.host.unixTime,
      log: (level, source, message) => this.log(level, source, message),
      onChange: (kind) => this.publish(kind),
      onStep: (step) => this.emit('move.step', step),
      onDmEvent: (event) => {
        if (event.type === 'write-intercepted' && event.client !== undefined) this.exports.noteIntercepted(event.client);
        // Only the current session's stream is sent. A session's stream starts before it is
        // current (activating every LV of the workspace it opens), and no window can apply
        // those events: a window holds a stream from its dm.list, which only the current
        // session answers, as of a sequence number past all of them. Opening 10,000 LVs
        // sent 60,000 such events (19 MiB of JSON) for every window to parse and discard.
        if (this.current?.session.streamId !== event.stream) return;
        this.emit('dm.event', event);
      },
    };
  }

  private adopt(session: WorkspaceSession): Open {
    const open: Open = {
      session,
      moves: new MoveController(session, (p) => !open.dead && this.emit('move.progress', p), (s) => !open.dead && this.emit('move.state', s), () => ++this.moveIds),
      workloads: new WorkloadController(session, (s) => !open.dead && this.emit('workload.stats', s)),
    };
    this.current = open;
    // The workspace's view is announced by whoever opened it, with the view it answers.
    this.publish('dm');
    // A new session has no workload yet: tell the UI so that figures of a dropped (crashed)
    // session do not stay on screen.
    this.emit('workload.stats', open.workloads.stats());
    return open;
  }

  /**
   * Why the open workspace may not be closed for `action` now (its move is running, paused or
   * waiting for Next), as a sentence; null when nothing would be lost. Loading a window never
   * closes a workspace (DESIGN §2.4), and an explicit open elsewhere must not kill a move either.
   */
  refusalToLeave(action: string): string | null {
    const open = this.current;
    if (!open || open.dead || !open.moves.isActive) return null;
    const move = open.moves.state();
    const status = move ? `${move.status}, ${Math.floor(move.progress.percent)}% copied` : 'running';
    return `A move is in progress in ${open.session.path} (${status}); let it finish, or abort it, before ${action}.`;
  }

  /** The open workspace when it is the folder at `path` (which a window then attaches to), else null. */
  private openAt(path: string): Open | null {
    const open = this.current;
    return open && !open.dead && samePath(open.session.path, path) ? open : null;
  }

  /**
   * Why opening `path` must wait, as a sentence, or null: attaching to the folder already open
   * is always allowed; another folder only when no move runs in the open one. Hosts ask before
   * they switch the folder they show (Electron's menu).
   */
  refusalToOpen(path: string): string | null {
    return this.openAt(path) ? null : this.refusalToLeave(`opening ${path}`);
  }

  private async openWorkspace(path: string) {
    // The workspace asked for is the one open: attach to it as it is, move and all. Closing
    // and reopening it would pause the move, drop its mirror under the copy and lose its state.
    const already = this.openAt(path);
    if (already) return this.currentView(already);
    const refusal = this.refusalToOpen(path);
    if (refusal) throw new LvmscopeError('BUSY', refusal);
    // Checked before the open workspace is closed: a refused path leaves it open.
    await this.host.checkFolder?.(path, 'open');
    await this.closeWorkspace();
    const session = await WorkspaceSession.open(path, this.host.storage(path), this.sessionOptions());
    this.adopt(session);
    // Built once (10,000 LVs: 0.2 s), announced and answered.
    const view = this.announce(session.view());
    this.log('info', 'workspace', `Opened ${path}: ${view.vgs.map((v) => `${v.name} (${v.pvs.length} PVs, ${v.lvs.length} LVs, seqno ${v.seqno})`).join(', ') || 'no volume group'}.`);
    for (const vg of view.vgs) if (vg.moveInProgress) this.log('warn', 'pvmove', vg.moveInProgress.summary);
    return view;
  }

  /**
   * Writes an imported VG into a new or empty folder and opens it, with the demo pattern in its
   * LVs (as `lvmscope import` does by default). Refused while a move runs, as opening is; the
   * backup is parsed before anything is written, so bad text leaves nothing behind.
   */
  private async importWorkspace(params: ImportParams) {
    const { path } = params;
    const refusal = this.refusalToLeave(`importing a volume group into ${path}`);
    if (refusal) throw new LvmscopeError('BUSY', refusal);
    const { spec, source } = importSpecOf(params);
    await this.host.checkFolder?.(path, 'create');
    const storage = this.host.storage(path);
    await checkEmptyFolder(storage, path);
    // The folder may be the open (empty) workspace: closed first, so opening it rescans.
    await this.closeWorkspace();
    await writeImportedWorkspace(storage, spec, source, Math.floor(this.unixMs() / 1000));
    await this.openWorkspace(path);
    const filled = await fillImportedLvs(this.open().session, spec.vg.name, IMPORT_DATA_BUDGET);
    this.log('info', 'import', `Imported ${spec.vg.name} (${spec.vg.lvs.length} LVs on ${spec.pvs.length} PVs) from ${source} into ${path}; ${(filled.bytes / 1048576).toFixed(1)} MiB of demo pattern written.`);
    for (const note of spec.notes) this.log('warn', 'import', note);
    return this.currentView(this.open());
  }

  private async createDemo(path: string, scenario: string, force: boolean) {
    const found = this.scenarios().find((s) => s.name === scenario);
    const layout: DemoLayout | undefined = found ? layoutOf(found) : scenario === 'seed' ? SEED_LAYOUT : undefined;
    if (!layout) throw new LvmscopeError('NOT_FOUND', `No demo scenario named '${scenario}'; the scenarios are ${['seed', ...this.scenarios().map((x) => x.name)].filter((v, i, a) => a.indexOf(v) === i).join(', ')}.`);
    const refusal = this.refusalToLeave(`creating a demo workspace in ${path}`);
    if (refusal) throw new LvmscopeError('BUSY', refusal);
    await this.host.checkFolder?.(path, 'create');
    await this.closeWorkspace();
    const session = await createDemo(path, this.host.storage(path), this.sessionOptions(), layout, force);
    return this.announce(this.adopt(session).session.view());
  }

  /**
   * Runs an LVM2 command on the open workspace, then closes and reopens it: commands that
   * change membership rescan the images and replace their handles, and reopening re-activates
   * every LV from the new metadata (the simplest correct refresh). Refused while a move runs.
   */
  private async lvmCommand(command: LvmCommand) {
    const open = this.open();
    if (open.moves.isActive) throw new LvmscopeError('BUSY', 'A move is running in this workspace; wait for it to finish (or abort it) before changing the volume groups.');
    const path = open.session.path;
    const refusal = this.exports.refusal(`running ${command.op}`, (vg, lv) => !touchesLv(command, vg, lv));
    if (refusal) throw new LvmscopeError('BUSY', refusal);
    // Clients of the other LVs stay connected: their IO waits while the workspace is reopened.
    await this.exports.hold(async () => {
      try {
        await runCommand(open.session.ws, command);
      } finally {
        await this.closeWorkspace();
        await this.openWorkspace(path);
      }
    });
    this.log('info', 'lvm', `${command.op} done.`);
    return this.currentView(this.open());
  }

  private scenarios(): Scenario[] {
    return this.host.scenarios?.() ?? [];
  }

  private async runScenario(name: string, path: string, force: boolean, speed: number): Promise<ScenarioStateView> {
    const scenario = this.scenarios().find((s) => s.name === name);
    if (!scenario) throw new LvmscopeError('NOT_FOUND', `No scenario named '${name}'; the scenarios are ${this.scenarios().map((s) => s.name).join(', ') || 'none'}.`);
    if (this.scenario?.state.status === 'running') throw new LvmscopeError('BUSY', `The scenario '${this.scenario.state.name}' is still running; wait for it to end.`);
    await this.serial(() => this.createDemo(path, name, force));
    const runner = new ScenarioRunner(scenario, path, {
      handlers: this.handlers,
      clock: this.host.clock,
      crash: () => this.serial(() => this.crash()).then(() => undefined),
      onState: (state) => this.emit('scenario.state', state),
    }, speed);
    this.scenario = runner;
    this.log('info', 'scenario', `Scenario '${scenario.title}' started in ${path}.`);
    void runner.run().then((end) => this.log(end.status === 'done' ? 'info' : 'error', 'scenario', end.status === 'done' ? `Scenario '${scenario.title}' finished.` : `Scenario '${scenario.title}' failed: ${end.error}`));
    return runner.state;
  }

  /** Drops the open workspace as a killed process would: nothing more reaches the images. */
  private async crash(): Promise<boolean> {
    const open = this.current;
    if (!open) return false;
    open.dead = true;
    await this.exports.disconnectAll('lvmscope crashed (a crash drill)', false);
    this.current = null;
    await open.session.halt();
    open.moves.runner?.abort();
    this.log('warn', 'crash', `Simulated crash: ${open.session.path} was dropped mid-flight; reopen it to recover.`);
    return true;
  }

  private async closeWorkspace(): Promise<boolean> {
    const open = this.current;
    if (!open) return false;
    open.dead = true;
    if (open.moves.isActive) {
      open.moves.runner?.pause();
      this.log('warn', 'pvmove', 'The move was paused because its workspace is closing; reopen the workspace and resume it.');
    }
    await open.workloads.stop();
    this.current = null;
    await open.session.close();
    this.log('info', 'workspace', `Closed ${open.session.path}.`);
    return true;
  }

  private publish(kind: 'workspace' | 'dm' | 'move' | 'workload'): void {
    const open = this.current;
    if (!open || open.dead) return;
    // Views are built for listeners only: a CLI report subscribes to nothing, and building the
    // workspace view of a 1,000-LV VG on open cost it 136 ms for nobody.
    if (this.events.listenerCount === 0) return;
    if (kind === 'workspace') this.currentView(open);
    else if (kind === 'dm') {
      const change = open.session.dmChange();
      if (change) this.emit('dm.changed', change);
    }
  }

  /** The open workspace's view, as every caller gets it: announced when it changed, with its revision. */
  private currentView(open: Open): WorkspaceView {
    return this.announce(open.session.view(open.moves.vg));
  }

  /**
   * Gives `view` its revision. With listeners it is compared with the last view given out: if
   * it differs, it is the next revision and its change is sent (workspace.changed); if not, it
   * keeps the revision of that view. Without listeners there is no one to tell and nothing is
   * compared (a CLI report opening 10,000 LVs pays nothing for it): the view is the next revision.
   */
  private announce(view: WorkspaceView): WorkspaceView {
    if (this.events.listenerCount === 0) {
      this.shown = view;
      view.revision = ++this.viewRevision;
      return view;
    }
    const before = this.shown;
    const change = diffWorkspace(before, view, before ? this.viewRevision : 0, this.viewRevision + 1);
    if (before && isEmptyChange(change, before)) {
      view.revision = this.viewRevision;
      return view;
    }
    view.revision = ++this.viewRevision;
    this.shown = view;
    this.emit('workspace.changed', change);
    return view;
  }

  subscribe(listener: <E extends EventName>(name: E, payload: PayloadOf<E>) => void): Disposable {
    return this.events.on((e) => listener(e.name, e.payload as never));
  }

  emit<E extends EventName>(name: E, payload: PayloadOf<E>): void {
    this.events.emit({ name, payload });
  }

  log(level: PayloadOf<'log'>['level'], source: string, message: string): void {
    const line = { timeMs: this.host.clock.now(), level, source, message };
    this.logHistory.push(line);
    if (this.logHistory.length > LOG_HISTORY_LINES) this.logHistory.shift();
    this.emit('log', line);
  }

  async dispose(): Promise<void> {
    await this.exports.disconnectAll('lvmscope is shutting down', false);
    await this.serial(() => this.closeWorkspace());
  }
}

/** Whether an LVM command changes (or may remove) the LV `vg/lv` or its VG as a whole. */
function touchesLv(command: LvmCommand, vg: string, lv: string): boolean {
  switch (command.op) {
    case 'vgrename':
    case 'vgremove':
    case 'vgreduce':
      return command.vg === vg;
    case 'lvextend':
    case 'lvreduce':
    case 'lvrename':
    case 'lvremove':
      return command.vg === vg && command.lv === lv;
    default:
      return false;
  }
}

/** "pvmove vg0 pv2 → pv4 (outline)": what the replay banner names. */
function recordingTitle(move: RecordingHeader['move']): string {
  const stack = move.options.stack ?? 'outline';
  if (move.kind === 'resume') return `pvmove ${move.vg} (resumed, ${stack})`;
  const r: MoveRequest = move.request;
  const to = r.destinations?.length ? ` → ${r.destinations.join(' ')}` : '';
  return `pvmove ${r.vg}${r.lv ? `/${r.lv}` : ''} ${r.sources.join(' ')}${to} (${stack})`;
}

/** Whether two workspace paths name the same folder as typed (trailing slashes aside). */
export function samePath(a: string, b: string): boolean {
  const trim = (p: string) => (p.length > 1 ? p.replace(/\/+$/, '') : p);
  return trim(a) === trim(b);
}
