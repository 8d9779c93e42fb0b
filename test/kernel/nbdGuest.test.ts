// Proves that a real Linux guest's filesystem never notices lvmscope moving the LV under it
// (issue 17): Debian's kernel in QEMU has vg0/lv0 of the seed demo as its only disk, through
// QEMU's NBD block driver talking to lvmscope's own NBD server, and
//  1. makes ext4 on it while `lvmscope serve DIR --nbd` exports it;
//  2. keeps writing (fsync'ed files with sha256 sums, and in-place overwrites of a hot file)
//     while `lvmscope pvmove DIR pv2 pv4 --stack outline --nbd` moves lv0's middle segment,
//  3. and while `lvmscope pvmove DIR pv3 pv2 --stack lvm2 --nbd` moves its last one, SIGKILLed
//     in mid-copy and resumed by `lvmscope pvmove DIR --nbd` — the guest's IO waits meanwhile
//     (QEMU's reconnect-delay) and goes on against each new lvmscope process;
//  4. then `e2fsck -fn` in the guest is clean and every file reads back with its sum, with no
//     IO error in the guest's kernel log; and on the host, real LVM2 reads the final layout
//     (lv0 = pv1 | pv4 | pv2) and lv0's bytes through LVM2's mapping are a clean ext4 (host
//     e2fsck) holding the same files (debugfs).
// One boot for everything (TCG is slow); the moves are rate-limited so each lasts while the
// guest writes, and the guest's `WROTE n` lines are counted per phase to prove it wrote during
// each of them.

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { missingTools } from '../helpers/tools';
import { workDirsRemovedAfterAll } from './fixtures';
import { hostLvPvs } from './hostLvm';
import { installedKernel } from './initramfs';
import { newEngine, workspaceImages } from './lvmscope';
import { LvmscopeCli } from './lvmscopeCli';
import { guestFsReport, guestIoErrors, hostExt4Files, NBD_GUEST_SCRIPT, readLvThroughHostLvm2, WROTE_LINE } from './nbdGuest';
import { type GuestConsole, runInGuest } from './qemu';

const noKernel = missingTools('qemu-system-x86_64', 'busybox', 'lvm', 'root', 'losetup', 'mke2fs', 'e2fsck', 'debugfs') || installedKernel() === null;
const workDir = workDirsRemovedAfterAll('lvmscope-nbd-guest-');

/** Each move copies 4-5 MiB at this rate: long enough for the guest to write through it. */
const RATE = '256K';
/** Rounds of writes the guest must complete through each lvmscope process while it moves. */
const MIN_ROUNDS = 3;

type Phase = 'serve' | 'outline' | 'between' | 'lvm2' | 'killed' | 'resumed' | 'after';

async function seedWorkspace(dir: string): Promise<void> {
  const engine = newEngine();
  try {
    await engine.handlers['workspace.createDemo']({ path: dir, scenario: 'seed', force: false });
  } finally {
    await engine.dispose();
  }
}

/** The percentage of the newest `Moved:` line (`-i 1` prints one a second). */
function movedPercent(output: string): number | null {
  const all = [...output.matchAll(/Moved: ([\d.]+)%/g)];
  return all.length ? Number(all[all.length - 1][1]) : null;
}

/**
 * The host's side of the run: which lvmscope process serves the guest now, and how many rounds
 * the guest completed in each phase. Each step waits for its event (a guest line, a CLI line),
 * never for a time; a failure on the host pulls the guest's plug so the test ends at once.
 */
class Host {
  phase: Phase = 'serve';
  readonly rounds = new Map<Phase, number>();
  readonly processes: LvmscopeCli[] = [];
  failure: Error | null = null;
  private guest: GuestConsole | null = null;
  private ready!: () => void;
  readonly guestReady = new Promise<void>((resolve) => (this.ready = resolve));

  constructor(private readonly dir: string, private readonly socket: string) {}

  cli(...args: string[]): LvmscopeCli {
    const p = new LvmscopeCli(args);
    this.processes.push(p);
    return p;
  }

  nbd(): string[] {
    return ['--nbd', `unix:${this.socket}`];
  }

  onLine(line: string, guest: GuestConsole): void {
    this.guest = guest;
    if (line.trim() === 'FS-READY') this.ready();
    if (WROTE_LINE.test(line.trim())) this.rounds.set(this.phase, (this.rounds.get(this.phase) ?? 0) + 1);
    this.roundWaiters.forEach((check) => check());
  }

  private readonly roundWaiters = new Set<() => void>();

  /** Resolves once the guest has completed `n` rounds in the current phase; rejects if `process` exits first. */
  roundsInPhase(n: number, process: LvmscopeCli, timeoutMs = 180_000): Promise<void> {
    const phase = this.phase;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`the guest did not write ${n} rounds during ${phase} within ${timeoutMs / 1000} s; lvmscope printed:\n${process.output}`)), timeoutMs);
      const done = (error?: Error) => {
        clearTimeout(timer);
        this.roundWaiters.delete(check);
        if (error) reject(error);
        else resolve();
      };
      const check = () => {
        if ((this.rounds.get(phase) ?? 0) >= n) done();
      };
      void process.exited.then((exit) => done(new Error(`lvmscope ${process.args[0]} exited (${exit.code ?? exit.signal}) before the guest wrote ${n} rounds during ${phase}:\n${process.output}`)));
      this.roundWaiters.add(check);
      check();
    });
  }

  fail(error: unknown): void {
    this.failure ??= error instanceof Error ? error : new Error(String(error));
    this.guest?.kill();
  }

  stopGuest(): void {
    this.guest?.send('STOP\n');
  }

  /** Everything the host does while the guest runs; ends once the guest has been told to stop. */
  async drive(startGuest: () => void): Promise<void> {
    const serve = this.cli('serve', this.dir, ...this.nbd());
    await serve.line(/NBD on unix:/, 'start its NBD server');
    startGuest();
    await this.guestReady;
    await this.roundsInPhase(MIN_ROUNDS, serve);
    serve.signal('SIGTERM');
    await serve.exitWithin();

    this.phase = 'outline';
    const outline = this.cli('pvmove', this.dir, 'pv2', 'pv4', '--stack', 'outline', '--rate', RATE, '--region-size', '256K', '-i', '1', ...this.nbd());
    await this.roundsInPhase(MIN_ROUNDS, outline);
    await outline.line(/waiting for 1 NBD client to disconnect/, 'finish the outline move');
    this.phase = 'between';
    outline.signal('SIGINT');
    expect((await outline.exitWithin()).code, outline.output).toBe(0);

    this.phase = 'lvm2';
    const lvm2 = this.cli('pvmove', this.dir, 'pv3', 'pv2', '--stack', 'lvm2', '--rate', RATE, '--region-size', '256K', '-i', '1', ...this.nbd());
    await this.roundsInPhase(MIN_ROUNDS, lvm2);
    await lvm2.until('copy a quarter of lv0 and not finish', (out) => {
      const percent = movedPercent(out);
      return percent !== null && percent >= 25 && percent < 100 ? true : null;
    });
    this.phase = 'killed';
    lvm2.signal('SIGKILL');
    await lvm2.exitWithin();

    this.phase = 'resumed';
    // A resume names its stack (LVM2's metadata is the same for both) and its rate: unlimited,
    // it could finish before QEMU's reconnect (1, 2, 4… s apart) reaches the new process.
    const resume = this.cli('pvmove', this.dir, '--stack', 'lvm2', '--rate', RATE, '--region-size', '256K', '-i', '1', ...this.nbd());
    await this.roundsInPhase(MIN_ROUNDS, resume);
    await resume.line(/waiting for 1 NBD client to disconnect/, 'finish the resumed lvm2 move');
    this.phase = 'after';
    this.stopGuest();
  }
}

describe.skipIf(noKernel)('a Linux guest on an lvmscope NBD export', () => {
  it('keeps a clean ext4 and every file through an outline move, an lvm2 move and a kill + resume of lvmscope, and real LVM2 reads the final layout', async () => {
    const dir = workDir();
    await seedWorkspace(dir);
    const socket = path.join(dir, 'nbd.sock');
    const host = new Host(dir, socket);
    let guestRun: ReturnType<typeof runInGuest> | undefined;
    // The guest's IO waits up to reconnect-delay for the next lvmscope process to listen.
    const startGuest = () => {
      guestRun = runInGuest({
        images: [],
        nbdDisks: [{ socket, exportName: 'vg0/lv0', name: 'lv0', reconnectDelaySec: 120 }],
        script: NBD_GUEST_SCRIPT,
        timeoutMs: 420_000,
        onLine: (line, guest) => host.onLine(line, guest),
      });
    };
    try {
      await host.drive(startGuest);
    } catch (e) {
      host.fail(e);
    }
    const run = guestRun ? await guestRun : null;
    if (host.failure || !run) {
      host.processes.forEach((p) => p.signal('SIGKILL'));
      const guestTail = run ? `\n--- the guest's console (tail):\n${run.console.slice(-3000)}` : '';
      throw new Error(`${host.failure?.message ?? 'the guest never started'}${guestTail}`);
    }
    expect(run.exitCode, run.console.slice(-4000)).toBe(0);
    // The last lvmscope exits by itself once QEMU has gone (its only client disconnected).
    const last = host.processes[host.processes.length - 1];
    expect((await last.exitWithin()).code, last.output).toBe(0);
    // Each move ran on the stack asked for (a resume is told; LVM2's metadata does not say).
    expect(host.processes.slice(1).map((p) => /\(--stack (\w+)\)/.exec(p.output)?.[1])).toEqual(['outline', 'lvm2', 'lvm2']);
    for (const phase of ['outline', 'lvm2', 'resumed'] as const) expect(host.rounds.get(phase) ?? 0, `rounds written during ${phase}`).toBeGreaterThanOrEqual(MIN_ROUNDS);
    expect(guestIoErrors(run.console)).toEqual([]);

    const report = guestFsReport(run.output);
    expect(report.fsck, run.output.slice(-3000)).toBe(0);
    expect(report.mismatches).toBe(0);
    expect(report.checked).toBeGreaterThan(MIN_ROUNDS);

    const images = workspaceImages(dir).map((img) => ({ path: img.path, name: img.name }));
    expect(hostLvPvs(images, 'vg0', 'lv0')).toEqual(['pv1', 'pv4', 'pv2']);
    const onHost = hostExt4Files(readLvThroughHostLvm2(images, 'vg0', 'lv0'), dir, Object.keys(report.sums));
    expect(onHost.fsck.status, onHost.fsck.output).toBe(0);
    expect(onHost.sums).toEqual(report.sums);
  }, 600_000);
});
