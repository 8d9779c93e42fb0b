// One video export from start to file: the encoder of the chosen format, the off-screen
// diagram drawer, the frame pipeline (videoExport.ts), and the off-screen diagram removed
// again whatever happens. The file names say what the video shows and how it was made.
import { DiagramFrameDrawer, type StoreFrameSource } from './diagramFrames';
import { FPS } from './frameSchedule';
import { createGifSink } from './gifSink';
import { exportVideo, type FrameSink, type VideoOptions, type VideoResult } from './videoExport';
import { createWebmSink } from './webmSink';

async function sinkFor(options: VideoOptions): Promise<FrameSink> {
  const { width, height } = options;
  if (options.format === 'webm') return createWebmSink(width, height, FPS.webm);
  return createGifSink(width, height, (canvas) => (canvas as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, width, height).data);
}

/** Lets the page paint the progress bar and see a click on Cancel, about once per display frame. */
function yielder(): () => Promise<void> {
  let last = performance.now();
  const channel = new MessageChannel();
  return async () => {
    if (performance.now() - last < 16) return;
    await new Promise<void>((resolve) => {
      channel.port1.onmessage = () => resolve();
      channel.port2.postMessage(null);
    });
    last = performance.now();
  };
}

export async function makeVideo(source: StoreFrameSource, options: VideoOptions, progress: { signal: AbortSignal; onProgress(done: number, total: number): void }): Promise<VideoResult> {
  const sink = await sinkFor(options);
  const drawer = new DiagramFrameDrawer(source, { width: options.width, height: options.height }, options.format === 'gif');
  try {
    return await exportVideo(source, options, drawer, sink, { ...progress, pause: yielder() });
  } finally {
    drawer.dispose();
  }
}

/** `lvmscope-vg0-lv0-move2-1280x720-4x` (without the extension). */
export function videoFileBase(what: { vg: string | null; lv: string | null; moveId: number | null }, options: Pick<VideoOptions, 'width' | 'height' | 'speed'>): string {
  const subject = [what.vg ?? 'vg', what.lv ?? 'diagram'].join('-');
  const move = what.moveId === null ? 'live' : `move${what.moveId}`;
  return `lvmscope-${subject}-${move}-${options.width}x${options.height}-${String(options.speed).replace('.', '_')}x`;
}
