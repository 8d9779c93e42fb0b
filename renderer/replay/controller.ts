// What the app does with recordings (issue 19): open one (a file chosen with Open recording…,
// dropped on the window, sent by the desktop menu, or served by `lvmscope serve --replay`),
// show it instead of the engine, play it at any speed either way, jump to any step or instant,
// compare it with a second one in lockstep, and go back to the engine.
//
// While a recording is shown the engine's events are not applied and its actions are refused
// (replayGuard), so nothing live leaks into the instant on screen and nothing on screen reaches
// the engine; closing it reloads the live state, as a window that attaches does.
import { createContext, useContext } from 'react';
import { openRecording, RecordingError, type Recording } from '../../app/api/recording';
import { createAppStore, type AppStore } from '../store';
import { EMPTY_HISTORY } from '../presentation/history';
import { REPLAY_SPEEDS } from '../store/replaySlice';
import type { ApiClient, MethodName } from '../../app/api';
import { ApiCallError } from '../../app/api/client';
import { replayRefusal } from './recordingClient';
import { ReplayPlayer, type SeekTarget } from './player';
import { browserGunzip } from './gunzip';
import { downloadBlob } from '../export/diagramExport';

/** How the window follows the engine when no recording is shown. */
export interface LiveFeed {
  /** Loads the engine's state again (what a window that attaches loads). */
  reload(): Promise<void>;
  /** The engine's client (guarded), for saving the last move's recording. */
  client: ApiClient;
}

/** The engine methods a window may still call while a recording is shown: none. */
function guardedCall(client: ApiClient, store: AppStore): ApiClient['call'] {
  return ((method: MethodName, params: never) => {
    if (store.getState().replay.info) return Promise.resolve({ ok: false, error: { code: 'UNSUPPORTED', message: replayRefusal(method) } });
    return client.call(method, params);
  }) as ApiClient['call'];
}

/**
 * The engine's client as the window uses it: while a recording is shown its calls are refused
 * with a sentence and its events are not passed on (menu commands excepted: the desktop menu
 * still opens and closes things).
 */
export function replayGuard(client: ApiClient, store: AppStore): ApiClient {
  const call = guardedCall(client, store);
  return {
    call,
    invoke: (async (method: MethodName, params: never) => {
      const r = await call(method, params);
      if (!r.ok) throw new ApiCallError(r.error.code, r.error.message);
      return r.value;
    }) as ApiClient['invoke'],
    on: (name, listener) => client.on(name, (payload) => {
      if (name === 'ui.command' || !store.getState().replay.info) listener(payload);
    }),
    dispose: () => client.dispose(),
  };
}

/** The second recording of a side-by-side comparison, on a store of its own. */
export interface Comparison {
  store: AppStore;
  player: ReplayPlayer;
  fileName: string;
}

/** Reads a dropped or chosen file (NDJSON, or gzip-compressed NDJSON) as a recording. */
export async function readRecordingFile(file: Blob): Promise<Recording> {
  if (file.size > 64 * 1024 * 1024) throw new RecordingError(`This file is ${(file.size / 1048576).toFixed(1)} MiB, more than lvmscope opens as a recording (64 MiB).`);
  return openRecording(new Uint8Array(await file.arrayBuffer()), browserGunzip);
}

function sentenceOf(e: unknown): string {
  if (e instanceof RecordingError) return e.message;
  return `This file could not be opened as a recording: ${e instanceof Error ? e.message : String(e)}.`;
}

export class ReplayController {
  private player: ReplayPlayer | null = null;
  private comparison: Comparison | null = null;
  private readonly comparisonListeners = new Set<() => void>();
  private frame: { cancel(): void } | null = null;

  constructor(
    private readonly store: AppStore,
    private readonly live: LiveFeed | null,
  ) {}

  /** Opens a file as the recording shown; returns the sentence of a refusal (also shown). */
  async openFile(file: Blob & { name?: string }): Promise<string | null> {
    try {
      this.open(await readRecordingFile(file), file.name ?? 'recording');
      return null;
    } catch (e) {
      const message = sentenceOf(e);
      this.store.getState().setReplayError(message);
      return message;
    }
  }

  /** Downloads the running or last move's recording; returns the sentence of a refusal. */
  async saveLast(): Promise<string | null> {
    if (!this.live) return 'There is no engine here, so no move of its own to save.';
    const r = await this.live.client.call('move.recording', {});
    if (!r.ok) return r.error.message;
    downloadBlob(new Blob([r.value.text], { type: 'application/x-ndjson' }), r.value.fileName);
    return null;
  }

  /** Opens a recording given as text (the desktop menu reads the file in the main process). */
  async openText(text: string, fileName: string): Promise<string | null> {
    return this.openFile(Object.assign(new Blob([text]), { name: fileName }));
  }

  /** Shows `recording` from its first instant; the engine's events stop reaching the store. */
  open(recording: Recording, fileName: string): void {
    this.pause();
    this.closeComparison();
    const s = this.store.getState();
    this.store.setState({ presenting: { ...s.presenting, history: EMPTY_HISTORY } });
    this.player = new ReplayPlayer(recording, this.store);
    s.setReplayInfo({ fileName, header: recording.header, steps: recording.steps, eventCount: recording.events.length, durationMs: recording.durationMs, canClose: this.live !== null });
    this.player.onPosition((p) => this.store.getState().setReplayPosition(p));
    this.player.seek({ event: 0 });
  }

  get isOpen(): boolean {
    return this.player !== null;
  }

  /** Back to the engine: its events reach the store again and its state is loaded afresh. */
  async close(): Promise<void> {
    if (!this.player || !this.live) return;
    this.pause();
    this.closeComparison();
    this.player = null;
    const s = this.store.getState();
    s.setReplayInfo(null);
    this.store.setState({ presenting: { ...s.presenting, history: EMPTY_HISTORY } });
    await this.live.reload();
  }

  seek(target: SeekTarget): void {
    const p = this.player?.seek(target);
    if (p && this.comparison) this.comparison.player.seek(p.step >= 0 ? { step: p.step } : { event: 0 });
  }

  /** → : the next step (both recordings of a comparison, in lockstep). */
  nextStep(): void {
    this.pause();
    const p = this.player?.nextStep();
    if (p && this.comparison) this.lockstep(p.step, p.event >= this.player!.eventCount);
  }

  /** ← : the step before (both recordings of a comparison). */
  previousStep(): void {
    this.pause();
    const p = this.player?.previousStep();
    if (p && this.comparison) this.lockstep(p.step, false);
  }

  /** The comparison shows its own step `step` (its end once the first recording ended). */
  private lockstep(step: number, atEnd: boolean): void {
    const other = this.comparison!.player;
    if (atEnd || step >= other.recording.steps.length) other.seek({ event: other.eventCount });
    else if (step < 0) other.seek({ event: 0 });
    else other.seek({ step });
  }

  /** Plays at `speed` (negative: backward) from where it is; from the start again at the end. */
  play(speed = this.store.getState().replay.speed): void {
    const player = this.player;
    if (!player) return;
    const { durationMs } = player.recording;
    if (speed > 0 && player.position.event >= player.eventCount) player.seek({ event: 0 });
    if (speed < 0 && player.position.event === 0) player.seek({ timeMs: durationMs });
    this.frame?.cancel();
    this.store.getState().setReplayPlaying(true, speed);
    let last = performance.now();
    let at = player.position.timeMs;
    // Timed by performance.now(), not the frame's timestamp: a frame's timestamp is when its
    // frame began, which can precede the `last` read above and would step backward first.
    const tick = () => {
      const now = performance.now();
      at += Math.max(0, now - last) * this.store.getState().replay.speed;
      last = now;
      const end = at >= durationMs || at <= 0;
      this.seekTime(Math.max(0, Math.min(durationMs, at)));
      if (end) this.pause();
      else this.frame = nextFrame(tick);
    };
    this.frame = nextFrame(tick);
  }

  private seekTime(timeMs: number): void {
    const p = this.player!.seek({ timeMs });
    if (this.comparison) this.lockstep(p.step, p.event >= this.player!.eventCount);
  }

  pause(): void {
    this.frame?.cancel();
    this.frame = null;
    if (this.store.getState().replay.playing) this.store.getState().setReplayPlaying(false);
  }

  togglePlay(): void {
    if (this.store.getState().replay.playing) this.pause();
    else this.play();
  }

  /** The next speed up or down the list (+ / −), keeping the direction; returns its label. */
  changeSpeed(direction: 1 | -1): string {
    const { speed, playing } = this.store.getState().replay;
    const sign = speed < 0 ? -1 : 1;
    const i = REPLAY_SPEEDS.indexOf(Math.abs(speed) as (typeof REPLAY_SPEEDS)[number]);
    const next = REPLAY_SPEEDS[Math.max(0, Math.min(REPLAY_SPEEDS.length - 1, (i < 0 ? 2 : i) + direction))] * sign;
    this.store.getState().setReplayPlaying(playing, next);
    return speedText(next);
  }

  /** Plays the other way round (backward ⇄ forward), at the same speed. */
  reverse(): void {
    const { speed, playing } = this.store.getState().replay;
    this.store.getState().setReplayPlaying(playing, -speed);
    if (playing) this.play(-speed);
  }

  /** Opens a second recording beside the first; both then go step by step together. */
  async compareWith(file: Blob & { name?: string }): Promise<string | null> {
    if (!this.player) return 'Open a recording first; the second one is shown beside it.';
    try {
      const recording = await readRecordingFile(file);
      const store = comparisonStore(recording, file.name ?? 'recording');
      const player = new ReplayPlayer(recording, store);
      this.comparison = { store, player, fileName: file.name ?? 'recording' };
      const at = this.player.position;
      this.lockstep(at.step, at.event >= this.player.eventCount);
      this.notifyComparison();
      return null;
    } catch (e) {
      const message = sentenceOf(e);
      this.store.getState().setReplayError(message);
      return message;
    }
  }

  /** Shows the same move on both sides: the recording shown, beside `recording`. */
  compareRecording(recording: Recording, fileName: string): void {
    const store = comparisonStore(recording, fileName);
    this.comparison = { store, player: new ReplayPlayer(recording, store), fileName };
    const at = this.player?.position;
    if (at) this.lockstep(at.step, at.event >= this.player!.eventCount);
    this.notifyComparison();
  }

  closeComparison(): void {
    if (!this.comparison) return;
    this.comparison = null;
    this.notifyComparison();
  }

  get compared(): Comparison | null {
    return this.comparison;
  }

  onComparison(listener: () => void): () => void {
    this.comparisonListeners.add(listener);
    return () => void this.comparisonListeners.delete(listener);
  }

  private notifyComparison(): void {
    for (const l of [...this.comparisonListeners]) l();
  }
}

/** The store of the second recording: its views know they show a recording too. */
function comparisonStore(recording: Recording, fileName: string): AppStore {
  const store = createAppStore();
  store.getState().setReplayInfo({ fileName, header: recording.header, steps: recording.steps, eventCount: recording.events.length, durationMs: recording.durationMs, canClose: false });
  return store;
}

export function speedText(speed: number): string {
  const abs = Math.abs(speed);
  const text = abs === 0.25 ? '¼' : abs === 0.5 ? '½' : String(abs);
  return `${speed < 0 ? '◀ ' : ''}${text}×`;
}

function nextFrame(callback: (now: number) => void): { cancel(): void } {
  if (typeof requestAnimationFrame === 'function') {
    const id = requestAnimationFrame(callback);
    return { cancel: () => cancelAnimationFrame(id) };
  }
  const id = setTimeout(() => callback(performance.now()), 16);
  return { cancel: () => clearTimeout(id) };
}

export const ReplayContext = createContext<ReplayController | null>(null);

export function useReplay(): ReplayController | null {
  return useContext(ReplayContext);
}
