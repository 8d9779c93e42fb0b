// "Export a video…": the last move's recording, a recording file, or the live diagram as this
// window saw it (videoSources.ts), as a WebM or an animated GIF, at 1280×720 or 1920×1080, at
// a chosen speed, with the narration burned in and/or as a WebVTT file beside it. A real modal (native <dialog>, like the plan dialog):
// the first choice has the focus, Tab stays inside, Escape cancels a running export or
// closes. While it runs: a progress bar and Cancel; a cancelled export saves nothing.
import { createContext, useContext, useEffect, useRef, useState } from 'react';
import { formatBytes } from '../format';
import { trapTab } from '../views/PlanDialog';
import { FPS, frameCount, SIZES, SPEEDS, type VideoFormat } from './frameSchedule';
import { downloadBlob } from './diagramExport';
import { clockText } from './frameLayout';
import { makeVideo, videoFileBase } from './makeVideo';
import { ExportCancelled, optionsProblem, type FrameSource, type VideoOptions } from './videoExport';
import type { NamedSource, VideoSources } from './videoSources';

/** Where videos come from (main.tsx makes it from the client and the window's live timeline); null in views rendered without an engine. */
export const VideoSourcesContext = createContext<VideoSources | null>(null);

type SourceKey = 'recording' | 'file' | 'live';
/** A source, or the sentence saying why it cannot be used; null while it is being read. */
type Loaded = NamedSource | string | null;

type Run = { state: 'idle' } | { state: 'running'; done: number; total: number } | { state: 'saved'; text: string } | { state: 'failed'; text: string };

const DEFAULT_OPTIONS: VideoOptions = { format: 'webm', width: 1280, height: 720, speed: 1, burnCaptions: true, vttFile: false };

/** Why this page cannot make a WebM (no WebCodecs: a page that is not a secure context), or null. */
const webmMissing = typeof VideoEncoder === 'undefined' ? 'This page has no WebCodecs video encoder (it needs a secure page: the app, or lvmscope serve on 127.0.0.1), so it cannot make a WebM: export a GIF.' : null;

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
function summary(source: FrameSource, options: VideoOptions): string {
  const fps = FPS[options.format];
  const frames = frameCount(source.durationMs, options.speed, fps);
  return `${clockText(source.durationMs)} of diagram at ${options.speed}× → ${(frames / fps).toFixed(1)} s of video, ${frames} frames at ${fps} fps.`;
}

const usable = (l: Loaded): l is NamedSource => l !== null && typeof l === 'object';

/** The sources offered and the one chosen: the recording by default once it is read, else the live diagram. */
function useSources(sources: VideoSources | null) {
  const [live] = useState<Loaded>(() => sources?.live() ?? 'Nothing has been drawn in this window yet.');
  const [recording, setRecording] = useState<Loaded>(sources ? null : 'Not connected to the engine.');
  const [file, setFile] = useState<Loaded>('No file chosen yet.');
  const [picked, setPicked] = useState<SourceKey | null>(null);
  useEffect(() => {
    let current = true;
    void sources?.lastRecording().then((r) => current && setRecording(r));
    return () => void (current = false);
  }, [sources]);
  const choice: SourceKey = picked ?? (recording === null || usable(recording) ? 'recording' : 'live');
  const loaded = { recording, file, live }[choice];
  const openFile = async (f: File | undefined) => {
    if (!f || !sources) return;
    setPicked('file');
    setFile(null);
    setFile(await sources.openFile(f));
  };
  return { loaded: { recording, file, live }, choice, chosen: usable(loaded) ? loaded : null, pending: loaded === null, pick: setPicked, openFile };
}

function SourceChoice({ s, disabled }: { s: ReturnType<typeof useSources>; disabled: boolean }) {
  const line = (key: SourceKey, label: string) => {
    const l = s.loaded[key];
    return (
      <label>
        <input type="radio" name="video-source" data-testid={`video-source-${key}`} checked={s.choice === key} disabled={key !== 'file' && !usable(l)} onChange={() => s.pick(key)} /> {label}
        <span className="muted video-source-text" data-testid={`video-source-${key}-text`}>{l === null ? 'reading…' : typeof l === 'string' ? l : l.description}</span>
      </label>
    );
  };
  return (
    <fieldset className="video-choice video-sources" disabled={disabled}>
      <legend>Source</legend>
      {line('recording', 'The last move’s recording (the engine’s own events)')}
      {line('file', 'A recording file')}
      <input type="file" accept=".lvmrec,.gz,application/gzip" aria-label="recording file to export" data-testid="video-source-file-input" onChange={(e) => void s.openFile(e.target.files?.[0])} />
      {line('live', 'The live diagram, as this window saw it')}
    </fieldset>
  );
}

/** Makes the video, saves it (and its WebVTT file) as downloads, and says how it went. */
async function runExport(source: NamedSource, options: VideoOptions, abort: React.RefObject<AbortController | null>, setRun: (run: Run) => void): Promise<void> {
  const controller = new AbortController();
  abort.current = controller;
  const started = performance.now();
  setRun({ state: 'running', done: 0, total: frameCount(source.durationMs, options.speed, FPS[options.format]) });
  try {
    const result = await makeVideo(source, options, { signal: controller.signal, onProgress: (done, total) => setRun({ state: 'running', done, total }) });
    const base = videoFileBase(source.subject, options);
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
}

export function VideoDialog({ onClose }: { onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  // What is exported is fixed when the dialog opens: a move still running goes on being recorded for the next export.
  const sources = useSources(useContext(VideoSourcesContext));
  const source = sources.chosen;
  const [options, setOptions] = useState<VideoOptions>(() => (webmMissing ? { ...DEFAULT_OPTIONS, format: 'gif' } : DEFAULT_OPTIONS));
  const [run, setRun] = useState<Run>({ state: 'idle' });
  const abort = useRef<AbortController | null>(null);
  useModal(ref);
  useEffect(() => () => abort.current?.abort(), []);
  // A result said for other choices would mislead: a change of choice clears it.
  const chosenLoaded = sources.loaded[sources.choice];
  useEffect(() => setRun((r) => (r.state === 'saved' || r.state === 'failed' ? { state: 'idle' } : r)), [options, sources.choice, chosenLoaded]);
  const running = run.state === 'running';
  const set = (patch: Partial<VideoOptions>) => setOptions((o) => ({ ...o, ...patch }));
  const problem = webmMissing && options.format === 'webm' ? webmMissing : source ? optionsProblem(source, options) : sources.pending ? 'Reading the source…' : typeof chosenLoaded === 'string' ? chosenLoaded : 'Choose a source.';

  const start = () => {
    if (source && !problem) void runExport(source, options, abort, setRun);
  };
  const cancelOrClose = () => (running ? abort.current?.abort() : onClose());
  return (
    <dialog ref={ref} className="dialog video-dialog" aria-modal="true" aria-labelledby="video-title" data-testid="video-dialog" onCancel={(e) => { e.preventDefault(); cancelOrClose(); }} onKeyDown={trapTab}>
      <h2 id="video-title">Export a video of the diagram</h2>
      <SourceChoice s={sources} disabled={running} />
      <div className="video-options">
        <Choice name="format" legend="Format" value={options.format} disabled={running} onChange={(format: VideoFormat) => set({ format })} options={[{ value: 'webm', label: 'WebM video (VP9 or VP8)' }, { value: 'gif', label: 'Animated GIF (slides, wikis)' }]} />
        <Choice name="size" legend="Size" value={`${options.width}x${options.height}`} disabled={running} onChange={(v) => { const [w, h] = v.split('x').map(Number); set({ width: w, height: h }); }} options={SIZES.map((s) => ({ value: `${s.width}x${s.height}`, label: `${s.width}×${s.height}` }))} />
        <Choice name="speed" legend="Speed" value={options.speed} disabled={running} onChange={(speed) => set({ speed })} options={SPEEDS.map((s) => ({ value: s, label: `${s}×` }))} />
        <fieldset className="video-choice" disabled={running}>
          <legend>Captions (the narration of each step)</legend>
          <label><input type="checkbox" data-testid="video-burn-captions" checked={options.burnCaptions} onChange={(e) => set({ burnCaptions: e.target.checked })} /> burned into the frames</label>
          <label><input type="checkbox" data-testid="video-vtt" checked={options.vttFile} onChange={(e) => set({ vttFile: e.target.checked })} /> as a WebVTT file (.vtt) next to the video</label>
        </fieldset>
      </div>
      <p data-testid="video-summary">{source && !problem ? summary(source, options) : problem}</p>
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
        <button type="button" className="primary" data-testid="video-export" disabled={running || problem !== null} onClick={start}>Export</button>
      </div>
    </dialog>
  );
}
