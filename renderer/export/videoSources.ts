// What a video can be made of, each as a source the frame drawer shows at any instant:
// - the last move's recording, as the engine recorded it (move.recording): the engine's own
//   events with their times, replayed by the ReplayPlayer (renderer/replay/player.ts) — the
//   exact move, even for a window that opened after it began;
// - a recording file (.lvmrec, or gzip-compressed), validated as any input (openRecording);
// - the live diagram as this window saw it (liveTimeline.ts), for what no recording holds.
// Each also says what it shows (a sentence for the dialog) and names the file.
import type { ApiClient } from '../../app/api';
import { openRecording, type Recording } from '../../app/api/recording';
import { browserGunzip } from '../replay/gunzip';
import { ReplayPlayer } from '../replay/player';
import { createAppStore, type AppState, type AppStore } from '../store';
import { clockText } from './frameLayout';
import type { StoreFrameSource } from './diagramFrames';
import { TAIL_MS, timelineSource, type FrozenTimeline, type LiveTimeline } from './liveTimeline';

/** What the video shows, for its file name. */
export interface VideoSubject {
  vg: string | null;
  lv: string | null;
  moveId: number | null;
}

export interface NamedSource extends StoreFrameSource {
  /** One sentence for the dialog: what this source shows and how long it lasts. */
  description: string;
  subject: VideoSubject;
}

function subjectOf(s: Pick<AppState, 'move' | 'workspace'>): VideoSubject {
  const move = s.move.state;
  return { vg: move?.vg ?? s.workspace.view?.vgs[0]?.name ?? null, lv: move?.currentLv ?? move?.plan.lvs[0] ?? null, moveId: move?.id ?? null };
}

export function liveSourceOf(timeline: FrozenTimeline): NamedSource {
  const last = timeline.entries.at(-1)!.views;
  const what = timeline.moveId === null ? 'as this window has shown it (no move yet)' : `of move ${timeline.moveId}, as this window saw it`;
  return { ...timelineSource(timeline), description: `The live diagram ${what}: ${clockText(timeline.durationMs)}.`, subject: subjectOf(last) };
}

/**
 * A recording as a source: a ReplayPlayer per store it is shown in, seeking to each instant.
 * The end state is held TAIL_MS after the last event, as for the live diagram.
 */
export function recordingSourceOf(recording: Recording, origin: string): NamedSource {
  const probe = createAppStore();
  new ReplayPlayer(recording, probe).seek({ event: recording.events.length });
  const players = new WeakMap<AppStore, ReplayPlayer>();
  /** Per store: the last instant drawn and the last step shown (frames are drawn in order). */
  const shown = new WeakMap<AppStore, { atMs: number; step: number }>();
  const durationMs = recording.durationMs + TAIL_MS;
  return {
    durationMs,
    description: `${origin}: ${recording.header.title}, ${clockText(durationMs)}.`,
    subject: subjectOf(probe.getState()),
    showAt(store, atMs) {
      let player = players.get(store);
      if (!player) players.set(store, (player = new ReplayPlayer(recording, store)));
      // Before the first frame: nothing shown yet, no step.
      const kept = shown.get(store);
      const before = kept && atMs >= kept.atMs ? kept : { atMs: -1, step: -1 };
      const nextFrame = atMs - before.atMs <= MAX_FRAME_GAP_MS;
      const last = nextFrame ? before.step : -1;
      const current = lastStepStartedBy(recording, atMs);
      // Between two frames of a video: a step that began and ended since the last frame (the
      // outline's first steps take a few ms) is still shown, for one frame, at the end of its
      // work, so no step is missing from a video or its captions; later frames catch up with
      // the clock. A jump (a seek, not the next frame) shows the instant asked for.
      const skipped = nextFrame && current > last + 1 ? last + 1 : null;
      if (skipped !== null) player.seek({ step: skipped });
      else player.seek({ timeMs: atMs });
      shown.set(store, { atMs, step: skipped ?? current });
      // Once no move runs, the diagram draws the stack chosen for the next move: the recorded one, as in the window that ran it.
      if (store.getState().move.settings.stack !== recording.header.stack) store.getState().setMoveSettings({ stack: recording.header.stack });
    },
  };
}

/** The longest source time between two frames of an export (8× at a GIF's 10 fps is 800 ms). */
const MAX_FRAME_GAP_MS = 1000;

/** The index of the last step of `recording` started by `atMs`, or -1. */
function lastStepStartedBy(recording: Recording, atMs: number): number {
  let i = -1;
  while (i + 1 < recording.steps.length && recording.steps[i + 1].timeMs <= atMs) i += 1;
  return i;
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

export interface VideoSources {
  /** The live diagram as this window saw it, fixed now (null before anything was drawn). */
  live(): NamedSource | null;
  /** The engine's recording of the running or last move, or why there is none. */
  lastRecording(): Promise<NamedSource | string>;
  /** A recording file the user chose, or why it cannot be used. */
  openFile(file: File): Promise<NamedSource | string>;
}

export function createVideoSources(client: ApiClient, timeline: LiveTimeline): VideoSources {
  return {
    live() {
      const frozen = timeline.freeze();
      return frozen ? liveSourceOf(frozen) : null;
    },
    async lastRecording() {
      const r = await client.call('move.recording', {});
      if (!r.ok) return r.error.message;
      try {
        return recordingSourceOf(await openRecording(r.value.text), r.value.complete ? 'The recording of the last move' : 'The recording of the running move, so far');
      } catch (e) {
        return `The engine's recording could not be read: ${messageOf(e)}`;
      }
    },
    async openFile(file) {
      try {
        return recordingSourceOf(await openRecording(new Uint8Array(await file.arrayBuffer()), browserGunzip), `The recording ${file.name}`);
      } catch (e) {
        return messageOf(e);
      }
    },
  };
}
