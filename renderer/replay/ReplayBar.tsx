// The replay's controls (issue 19): a banner that says a recording is shown (no engine behind
// it), buttons for step back / play / step forward, the speed and direction, and a scrubber
// with one tick per step that jumps to any instant. The scrubber is a native range input:
// ← / → on it go step by step, Shift+← / → by a tenth of a second, Home / End to the ends.
import { useRef, type KeyboardEvent } from 'react';
import { useAppStore } from '../storeContext';
import { REPLAY_SPEEDS } from '../store/replaySlice';
import { speedText, useReplay } from './controller';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** "Recording: pvmove vg0 pv2 → pv4 (outline) · 2026-12-02 07:40 · lvmscope 0.1.0". */
export function ReplayBanner() {
  const info = useAppStore((s) => s.replay.info);
  const replay = useReplay();
  if (!info) return null;
  const when = new Date(info.header.createdMs).toISOString().slice(0, 16).replace('T', ' ');
  return (
    <div className="replay-banner" role="status" data-testid="replay-banner">
      <strong>Recording</strong>
      <span className="mono">{info.header.title}</span>
      <span className="muted">{info.fileName} · recorded {when} UTC with lvmscope {info.header.lvmscope} · a replay: nothing here reaches an engine or a workspace</span>
      {info.canClose && replay && <button type="button" data-testid="replay-close" onClick={() => void replay.close()}>Back to the live engine</button>}
    </div>
  );
}

/** The sentence of a recording that could not be opened, until dismissed. */
export function ReplayError() {
  const error = useAppStore((s) => s.replay.error);
  const setError = useAppStore((s) => s.setReplayError);
  if (!error) return null;
  return (
    <div className="replay-error" role="alert" data-testid="replay-error">
      <span>{error}</span>
      <button type="button" onClick={() => setError(null)}>Dismiss</button>
    </div>
  );
}

export function ReplayBar({ compact = false }: { compact?: boolean }) {
  const info = useAppStore((s) => s.replay.info);
  const position = useAppStore((s) => s.replay.position);
  const playing = useAppStore((s) => s.replay.playing);
  const speed = useAppStore((s) => s.replay.speed);
  const setPlaying = useAppStore((s) => s.setReplayPlaying);
  const replay = useReplay();
  const compareInput = useRef<HTMLInputElement>(null);
  if (!info || !replay) return null;
  const step = position.step >= 0 ? info.steps[position.step] : null;
  const stepText = step ? `step ${position.step + 1} of ${info.steps.length}: ${step.lv ? `${step.lv} · ` : ''}${step.name}` : `before the first step (${info.steps.length} steps)`;
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    const fine = e.shiftKey;
    const go = (f: () => void) => {
      e.preventDefault();
      f();
    };
    if (e.key === 'ArrowRight') go(() => (fine ? replay.seek({ timeMs: position.timeMs + 100 }) : replay.nextStep()));
    else if (e.key === 'ArrowLeft') go(() => (fine ? replay.seek({ timeMs: Math.max(0, position.timeMs - 100) }) : replay.previousStep()));
    else if (e.key === 'Home') go(() => replay.seek({ event: 0 }));
    else if (e.key === 'End') go(() => replay.seek({ event: info.eventCount }));
  };
  return (
    <div className={`replay-bar${compact ? ' compact' : ''}`} data-testid="replay-bar">
      <button type="button" data-testid="replay-back" title="The step before (←)" aria-label="previous step" onClick={() => replay.previousStep()}>← step</button>
      <button type="button" data-testid="replay-play" title={playing ? 'Pause (P)' : 'Play (P)'} aria-label={playing ? 'pause' : 'play'} onClick={() => replay.togglePlay()}>{playing ? '❚❚' : speed < 0 ? '◀' : '▶'}</button>
      <button type="button" data-testid="replay-next" title="The next step (→)" aria-label="next step" onClick={() => replay.nextStep()}>step →</button>
      <button type="button" data-testid="replay-reverse" title="Play the other way" aria-pressed={speed < 0} onClick={() => replay.reverse()}>{speed < 0 ? 'backward' : 'forward'}</button>
      <label className="replay-speed">
        speed
        <select data-testid="replay-speed" value={Math.abs(speed)} onChange={(e) => setPlaying(playing, Number(e.target.value) * (speed < 0 ? -1 : 1))}>
          {REPLAY_SPEEDS.map((v) => <option key={v} value={v}>{speedText(v)}</option>)}
        </select>
      </label>
      <div className="replay-scrubber">
        <input
          type="range"
          data-testid="replay-scrubber"
          min={0}
          max={Math.max(1, info.durationMs)}
          step="any"
          value={position.timeMs}
          aria-label="Instant of the recording"
          aria-valuetext={`${seconds(position.timeMs)} of ${seconds(info.durationMs)}, ${stepText}`}
          onChange={(e) => replay.seek({ timeMs: Number(e.target.value) })}
          onKeyDown={onKey}
        />
        <div className="replay-ticks" aria-hidden="true">
          {info.steps.map((s, i) => (
            <button
              type="button"
              tabIndex={-1}
              key={`${s.stepId}-${i}`}
              className={`replay-tick${i === position.step ? ' current' : ''}`}
              data-testid="replay-tick"
              style={{ left: `${(100 * s.timeMs) / Math.max(1, info.durationMs)}%` }}
              title={`step ${i + 1}: ${s.lv ? `${s.lv} · ` : ''}${s.name} (${seconds(s.timeMs)})`}
              onClick={() => replay.seek({ step: i })}
            />
          ))}
        </div>
      </div>
      <span className="replay-where mono" data-testid="replay-where">
        {seconds(position.timeMs)} / {seconds(info.durationMs)} · <span data-testid="replay-step">{stepText}</span>
      </span>
      {!compact && (
        <>
          <button type="button" data-testid="replay-compare" title="Open a second recording (the same move on the other stack, say) and go through both step by step" onClick={() => compareInput.current?.click()}>Compare with…</button>
          <input ref={compareInput} type="file" accept=".lvmrec,.ndjson,.json,.gz" hidden data-testid="replay-compare-file" onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) void replay.compareWith(file);
          }} />
        </>
      )}
    </div>
  );
}
