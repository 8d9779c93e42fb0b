// A recording shown instead of the engine (issue 19): what the replay bar and the banner read —
// which recording, where the player is, whether it plays, how fast and which way — and the
// sentence of a recording that could not be opened. The player itself (renderer/replay) feeds
// the engine slices; this slice only describes it.
import type { StateCreator } from 'zustand/vanilla';
import type { RecordedStep, RecordingHeader } from '../../app/api/recording';
import type { AppState } from './index';

export interface ReplayInfo {
  /** The file it came from (or what the host called it). */
  fileName: string;
  header: RecordingHeader;
  steps: RecordedStep[];
  eventCount: number;
  durationMs: number;
  /** Whether the window can go back to an engine (false in `serve --replay`). */
  canClose: boolean;
}

export interface ReplayState {
  info: ReplayInfo | null;
  position: { event: number; timeMs: number; step: number };
  playing: boolean;
  /** Playback speed (1 = as recorded); negative plays backward. */
  speed: number;
  /** Why the last recording could not be opened, as one sentence. */
  error: string | null;
}

export interface ReplaySlice {
  replay: ReplayState;
  setReplayInfo(info: ReplayInfo | null): void;
  setReplayPosition(position: ReplayState['position']): void;
  setReplayPlaying(playing: boolean, speed?: number): void;
  setReplayError(message: string | null): void;
}

export const REPLAY_SPEEDS = [0.25, 0.5, 1, 2, 4, 8, 16] as const;

export const createReplaySlice: StateCreator<AppState, [], [], ReplaySlice> = (set) => ({
  replay: { info: null, position: { event: 0, timeMs: 0, step: -1 }, playing: false, speed: 1, error: null },
  setReplayInfo: (info) => set((s) => ({ replay: { ...s.replay, info, playing: false, position: { event: 0, timeMs: 0, step: -1 }, error: null } })),
  setReplayPosition: (position) => set((s) => ({ replay: { ...s.replay, position } })),
  setReplayPlaying: (playing, speed) => set((s) => ({ replay: { ...s.replay, playing, speed: speed ?? s.replay.speed } })),
  setReplayError: (error) => set((s) => ({ replay: { ...s.replay, error } })),
});
