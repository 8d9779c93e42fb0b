// The workload beside a move: one IO generator at a time on an active LV, its writes journaled
// (intent before, acknowledgement after) so a verify — now, or after a crash and a reopen —
// knows every acknowledged write. Stats are published a few times per second.

import { LvmscopeError } from '../base/result';
import { SeededRandom, type Timer } from '../base/clock';
import type { WorkloadSpec, WorkloadStatsView, VerifyResultView } from '../api/move';
import { WorkloadSpec as WorkloadSpecSchema } from '../api/move';
import { Workload, lvKey, verifyLv } from '../workload';
import type { WorkspaceSession } from './session';

const STATS_MS = 250;

export class WorkloadController {
  private workload: Workload | null = null;
  private spec: WorkloadSpec | null = null;
  private timer: Timer | undefined;
  private interceptedAtStart = 0;
  private sourceOnlyAtStart = 0;
  private clientSourceOnlyAtStart = 0;
  private clientInterceptedAtStart = 0;
  private pendingAcks = new Set<Promise<void>>();
  /** The sentence of the workload's last failed IO (its write, or the journal record). */
  private lastError: string | null = null;
  private loggedErrors = 0;

  constructor(
    private readonly session: WorkspaceSession,
    private readonly emitStats: (s: WorkloadStatsView) => void,
  ) {}

  async start(input: WorkloadSpec): Promise<WorkloadStatsView> {
    const spec = WorkloadSpecSchema.parse(input);
    if (this.workload?.isRunning) throw new LvmscopeError('BUSY', `A workload is already running on ${this.spec!.vg}/${this.spec!.lv}; stop it first.`);
    const device = this.session.lvDevice(spec.vg, spec.lv);
    const shadow = this.session.shadowOf(spec.vg, spec.lv);
    const journal = await this.session.writeJournal();
    const key = lvKey(spec.vg, spec.lv);
    const pending = new Set<Promise<void>>();
    this.workload = new Workload(
      device,
      shadow,
      {
        pattern: spec.pattern,
        blockSizeBytes: spec.blockSizeBytes,
        iops: spec.iops,
        // Ids come from the session, which NBD clients' writes draw from too: never one id twice.
        allocateWriteId: () => this.session.nextWriteId++,
        beforeWrite: (id, sector, count) => journal.intent(key, id, sector, count),
        onWriteAcknowledged: (id) => {
          // A journal that cannot take the acknowledgement (its disk is full) leaves the write
          // in doubt on replay, which the verifier accepts either way: never an unhandled
          // rejection, and never an acknowledgement the journal did not get.
          const p = journal
            .acknowledged(id)
            .catch((e: unknown) => this.noteIoError(e instanceof Error ? e.message : String(e)))
            .finally(() => pending.delete(p));
          pending.add(p);
        },
        onIoError: (message) => this.noteIoError(message),
      },
      this.session.options.clock,
      new SeededRandom(spec.seed ?? Math.floor(this.session.options.random.next() * 2 ** 31)),
    );
    this.spec = spec;
    this.pendingAcks = pending;
    this.lastError = null;
    this.loggedErrors = 0;
    this.interceptedAtStart = this.session.interceptedWrites;
    this.clientInterceptedAtStart = this.session.interceptedClientWrites;
    this.sourceOnlyAtStart = this.session.sourceOnlyWrites;
    this.clientSourceOnlyAtStart = this.session.sourceOnlyClientWrites;
    this.workload.start();
    this.session.options.log('info', 'workload', `${spec.pattern} ${spec.blockSizeBytes / 1024} KiB at ${spec.iops} IOPS on ${spec.vg}/${spec.lv} started.`);
    this.tick();
    return this.stats();
  }

  async stop(): Promise<WorkloadStatsView> {
    this.timer?.cancel();
    this.timer = undefined;
    if (this.workload) {
      // Behind a suspended LV (a move between its suspend and resume, perhaps waiting for Next
      // in step mode) the IO in flight waits for the resume: stop at once instead of with it.
      const suspended = this.isSuspended(this.spec!.vg, this.spec!.lv);
      await this.workload.stop(!suspended);
      // Acknowledgements still on their way to the journal land before the workload is reported stopped.
      if (!suspended) await Promise.allSettled([...this.pendingAcks]);
      else if (this.workload.inFlightCount) this.session.options.log('info', 'workload', `${this.workload.inFlightCount} IOs stay queued on the suspended ${this.spec!.vg}/${this.spec!.lv}; they complete when the move resumes it.`);
      const s = this.workload.stats();
      const last = s.errors && this.lastError ? ` Last error: ${this.lastError}` : '';
      this.session.options.log(s.errors ? 'warn' : 'info', 'workload', `workload stopped: ${s.writes} writes, ${s.reads} reads, ${s.errors} errors.${last}`);
    }
    const stats = this.stats();
    this.emitStats(stats);
    return stats;
  }

  /**
   * A failed IO is data for the workload: counted in its stats and remembered; the first few
   * become log lines, so a full disk under the journal or an image is said in words.
   */
  private noteIoError(message: string): void {
    this.lastError = message;
    if (this.loggedErrors >= 3) return;
    this.loggedErrors += 1;
    this.session.options.log('warn', 'workload', `${this.spec ? `${this.spec.vg}/${this.spec.lv}: ` : ''}an IO failed (counted in the workload's errors): ${message}`);
  }

  get isRunning(): boolean {
    return !!this.workload?.isRunning;
  }

  private tick(): void {
    this.emitStats(this.stats());
    if (!this.workload?.isRunning) return;
    this.timer = this.session.options.clock.setTimer(STATS_MS, () => this.tick());
  }

  stats(): WorkloadStatsView {
    const s = this.workload?.stats();
    // The mirrors' count includes NBD clients' writes; the exports view counts those per client.
    const clients = this.session.interceptedClientWrites - this.clientInterceptedAtStart;
    const intercepted = this.workload ? this.session.interceptedWrites - this.interceptedAtStart - clients : 0;
    const clientsSourceOnly = this.session.sourceOnlyClientWrites - this.clientSourceOnlyAtStart;
    const sourceOnly = this.workload ? this.session.sourceOnlyWrites - this.sourceOnlyAtStart - clientsSourceOnly : 0;
    return {
      running: !!s?.running,
      spec: this.spec,
      reads: s?.reads ?? 0,
      writes: s?.writes ?? 0,
      bytesRead: s?.bytesRead ?? 0,
      bytesWritten: s?.bytesWritten ?? 0,
      interceptedWrites: intercepted,
      sourceOnlyWrites: sourceOnly,
      errors: s?.errors ?? 0,
      lastError: this.workload ? this.lastError : null,
      writeLatencyP50Ms: s?.writeLatencyP50Ms ?? null,
      writeLatencyP99Ms: s?.writeLatencyP99Ms ?? null,
    };
  }

  /** Checks every sector of an LV against the demo pattern and the acknowledged writes. */
  async verify(vg: string, lv: string): Promise<VerifyResultView> {
    const device = this.assertVerifiable(vg, lv);
    const result = await verifyLv(device, this.session.shadowOf(vg, lv));
    this.session.options.log(result.mismatches ? 'error' : 'info', 'verify', result.summary);
    return result;
  }

  /** The LV's device, or a sentence when a verify of it now would hang. */
  assertVerifiable(vg: string, lv: string) {
    const device = this.session.lvDevice(vg, lv);
    // A suspended device queues every read until it is resumed, and a move in step mode may
    // hold it suspended until Next: the verify would hang with it. Say so instead.
    if (this.isSuspended(vg, lv)) {
      throw new LvmscopeError('STATE', `${vg}/${lv} is suspended (${device.name}, a move between its suspend and its resume), so its reads would wait; verify once the move resumes the LV (press Next in step mode).`);
    }
    return device;
  }

  /** Whether the LV's mapped device is suspended (its IO waits for the resume). */
  private isSuspended(vg: string, lv: string): boolean {
    const name = this.session.lvDmName(vg, lv);
    return name !== null && this.session.dm.has(name) && this.session.dm.info(name).state !== 'ACTIVE';
  }
}
