// "Export a video…": the live diagram's last move (as this window saw it) as a WebM or an
// animated GIF, at 1280×720 or 1920×1080, at a chosen speed, with the narration burned in
// and/or as a WebVTT file beside it. A real modal (native <dialog>, like the plan dialog):
// the first choice has the focus, Tab stays inside, Escape cancels a running export or
// closes. While it runs: a progress bar and Cancel; a cancelled export saves nothing.
import { createContext, useContext, useEffect, useRef, useState } from 'react';
import { formatBytes } from '../format';
import { trapTab } from '../views/PlanDialog';
import { FPS, frameCount, SIZES, SPEEDS, type VideoFormat } from './frameSchedule';
import { downloadBlob } from './diagramExport';
import { clockText } from './frameLayout';
import { timelineSource, type FrozenTimeline, type LiveTimeline } from './liveTimeline';
import { makeVideo, videoFileBase } from './makeVideo';
import { ExportCancelled, optionsProblem, type VideoOptions } from './videoExport';

/** The window's live timeline (main.tsx starts it with the store); null in views rendered without one. */
export const LiveTimelineContext = createContext<LiveTimeline | null>(null);

type Run = { state: 'idle' } | { state: 'running'; done: number; total: number } | { state: 'saved'; text: string } | { state: 'failed'; text: string };

const DEFAULT_OPTIONS: VideoOptions = { format: 'webm', width: 1280, height: 720, speed: 1, burnCaptions: true, vttFile: false };

/** Shows the <dialog> as a modal while mounted and gives the focus back to the opener when it goes. */
function useModal(ref: React.RefObject<HTMLDialogElement | null>): void {
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!el.open) el.showModal();
    el.querySelector<HTMLElement>('input:checked, input, button')?.focus();
    return () => {
      if (el.open) el.close();
      if (before?.isConnected) before.focus({ preventScroll: true });
    };
  }, [ref]);
}

function Choice<T extends string | number>({ name, legend, value, options, onChange, disabled }: { name: string; legend: string; value: T; options: ReadonlyArray<{ value: T; label: string }>; onChange: (v: T) => void; disabled: boolean }) {
  return (
    <fieldset className="video-choice" disabled={disabled}>
      <legend>{legend}</legend>
      {options.map((o) => (
        <label key={String(o.value)}>
          <input type="radio" name={name} data-testid={`video-${name}-${String(o.value)}`} checked={o.value === value} onChange={() => onChange(o.value)} /> {o.label}
        </label>
      ))}
    </fieldset>
  );
}

/** What the export will make, in one sentence. */
function summary(timeline: FrozenTimeline, options: VideoOptions): string {
  const fps = FPS[options.format];
  const frames = frameCount(timeline.durationMs, options.speed, fps);
  return `${clockText(timeline.durationMs)} of diagram at ${options.speed}× → ${(frames / fps).toFixed(1)} s of video, ${frames} frames at ${fps} fps.`;
}

export function VideoDialog({ onClose }: { onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const liveTimeline = useContext(LiveTimelineContext);
  // What is exported is fixed when the dialog opens: a move still running goes on being recorded for the next export.
  const [timeline] = useState(() => liveTimeline?.freeze() ?? null);
  const [options, setOptions] = useState(DEFAULT_OPTIONS);
  const [run, setRun] = useState<Run>({ state: 'idle' });
  const abort = useRef<AbortController | null>(null);
  useModal(ref);
  useEffect(() => () => abort.current?.abort(), []);
  const running = run.state === 'running';
  const set = (patch: Partial<VideoOptions>) => setOptions((o) => ({ ...o, ...patch }));
  const problem = timeline ? optionsProblem(timeline, options) : 'Nothing has been drawn in this window yet, so there is no diagram to record.';

  const start = async () => {
    if (!timeline || problem) return;
    const controller = new AbortController();
    abort.current = controller;
    const started = performance.now();
    setRun({ state: 'running', done: 0, total: frameCount(timeline.durationMs, options.speed, FPS[options.format]) });
    try {
      const result = await makeVideo(timelineSource(timeline), options, { signal: controller.signal, onProgress: (done, total) => setRun({ state: 'running', done, total }) });
      const last = timeline.entries.at(-1)!.views;
      const base = videoFileBase({ vg: last.move.state?.vg ?? last.workspace.view?.vgs[0]?.name ?? null, lv: last.move.state?.currentLv ?? last.move.state?.plan.lvs[0] ?? null, moveId: timeline.moveId }, options);
      const name = `${base}.${options.format}`;
      downloadBlob(result.video, name);
      if (result.vtt !== null) downloadBlob(new Blob([result.vtt], { type: 'text/vtt' }), `${base}.vtt`);
      const seconds = (performance.now() - started) / 1000;
      setRun({ state: 'saved', text: `Saved ${name}${result.vtt !== null ? ` and ${base}.vtt` : ''}: ${formatBytes(result.video.size)}, ${result.frames} frames, made in ${seconds.toFixed(1)} s.` });
    } catch (e) {
      setRun(e instanceof ExportCancelled ? { state: 'idle' } : { state: 'failed', text: `The video could not be made: ${e instanceof Error ? e.message : String(e)}` });
    } finally {
      abort.current = null;
    }
  };
  const cancelOrClose = () => (running ? abort.current?.abort() : onClose());
  return (
    <dialog ref={ref} className="dialog video-dialog" aria-modal="true" aria-labelledby="video-title" data-testid="video-dialog" onCancel={(e) => { e.preventDefault(); cancelOrClose(); }} onKeyDown={trapTab}>
      <h2 id="video-title">Export a video of the diagram</h2>
      <p className="muted" data-testid="video-source">
        {timeline ? `The live diagram ${timeline.moveId === null ? 'as this window has shown it (no move yet)' : `of move ${timeline.moveId}, as this window saw it`}: ${clockText(timeline.durationMs)}.` : 'Nothing to record yet.'}
      </p>
      <div className="video-options">
        <Choice name="format" legend="Format" value={options.format} disabled={running} onChange={(format: VideoFormat) => set({ format })} options={[{ value: 'webm', label: 'WebM video (VP9)' }, { value: 'gif', label: 'Animated GIF (slides, wikis)' }]} />
        <Choice name="size" legend="Size" value={`${options.width}x${options.height}`} disabled={running} onChange={(v) => { const [w, h] = v.split('x').map(Number); set({ width: w, height: h }); }} options={SIZES.map((s) => ({ value: `${s.width}x${s.height}`, label: `${s.width}×${s.height}` }))} />
        <Choice name="speed" legend="Speed" value={options.speed} disabled={running} onChange={(speed) => set({ speed })} options={SPEEDS.map((s) => ({ value: s, label: `${s}×` }))} />
        <fieldset className="video-choice" disabled={running}>
          <legend>Captions (the narration of each step)</legend>
          <label><input type="checkbox" data-testid="video-burn-captions" checked={options.burnCaptions} onChange={(e) => set({ burnCaptions: e.target.checked })} /> burned into the frames</label>
          <label><input type="checkbox" data-testid="video-vtt" checked={options.vttFile} onChange={(e) => set({ vttFile: e.target.checked })} /> as a WebVTT file (.vtt) next to the video</label>
        </fieldset>
      </div>
      <p data-testid="video-summary">{timeline && !problem ? summary(timeline, options) : problem}</p>
      {run.state === 'running' && (
        <div className="video-progress">
          <progress data-testid="video-progress" max={run.total} value={run.done} aria-label="video export progress" />
          <span className="mono" role="status">frame {run.done} of {run.total}</span>
        </div>
      )}
      {run.state === 'saved' && <p role="status" data-testid="video-status">{run.text}</p>}
      {run.state === 'failed' && <p className="error" role="alert" data-testid="video-status">{run.text}</p>}
      <div className="dialog-buttons">
        <button type="button" data-testid="video-cancel" onClick={cancelOrClose}>{running ? 'Cancel export' : 'Close'}</button>
        <button type="button" className="primary" data-testid="video-export" disabled={running || problem !== null} onClick={() => void start()}>Export</button>
      </div>
    </dialog>
  );
}
