// What `lvmscope serve` and `lvmscope window` share: the workspace folder from the user's
// argument, an up-to-date UI build, one engine for that folder, and the server that shows it
// on 127.0.0.1. The server (HTTP + WebSocket) is loaded only here, when one of the two verbs
// runs, so that every other CLI verb starts without evaluating it.

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Engine } from '../../app/engine';
import { ROOT, isBuildStale, runBuild } from '../electron/buildOutput.mjs';
import { createNodeHost, defaultDemoWorkspace, nodeClock } from '../host';
import { resolveDir } from '../cli/workspace';
import type { RunningServer } from './server';
import { readRecordingText } from '../node/recordingFile';
import { parseRecording } from '../../app/api/recording';

export interface BrowserModeOptions {
  /** How the process names itself in the workspace lock, e.g. "lvmscope serve". */
  holderName: string;
  port?: number;
  /** Fill an empty folder with the seed demo (always for the default demo folder). */
  demo?: boolean;
  /** Told when the server drops a client (a sentence). */
  onDrop?: (reason: string) => void;
}

export interface BrowserMode {
  engine: Engine;
  server: RunningServer;
  workspacePath: string;
  /** Closes the server, then the engine (which releases the workspace lock). */
  stop(): Promise<void>;
}

export async function startBrowserMode(dir: string | undefined, options: BrowserModeOptions): Promise<BrowserMode> {
  const workspacePath = dir === undefined ? defaultDemoWorkspace() : resolveDir(dir);
  mkdirSync(workspacePath, { recursive: true });
  if (isBuildStale(ROOT, ['renderer'])) {
    process.stderr.write('lvmscope: building the UI (electron-vite build, once after each update)…\n');
    runBuild(ROOT);
  }
  const demo = dir === undefined || Boolean(options.demo);
  const engine = new Engine(createNodeHost({ kind: 'browser', holderName: options.holderName, workspace: () => ({ path: workspacePath, recent: [], demo }) }));
  const { startServer } = await import('./server');
  let server: RunningServer;
  try {
    server = await startServer({ rendererDir: path.join(ROOT, 'out', 'renderer'), engine, clock: nodeClock, port: options.port ?? 0, onDrop: options.onDrop });
  } catch (e) {
    await engine.dispose();
    throw e;
  }
  engine.log('info', 'host', `${options.holderName} serves ${workspacePath}`);
  return { engine, server, workspacePath, stop: () => server.close().then(() => engine.dispose()) };
}

/**
 * `lvmscope serve --replay FILE`: the UI and a recording, no engine and no workspace. The file
 * is read and validated first, so a file that is no recording is refused before anything
 * listens (its sentence names the line and what is wrong).
 */
export async function startReplayMode(file: string, options: { port?: number }): Promise<{ server: RunningServer; title: string; stop(): Promise<void> }> {
  const recording = await readRecordingText(path.resolve(file));
  const { header, events } = parseRecording(recording.text);
  if (isBuildStale(ROOT, ['renderer'])) {
    process.stderr.write('lvmscope: building the UI (electron-vite build, once after each update)…\n');
    runBuild(ROOT);
  }
  const { startServer } = await import('./server');
  const server = await startServer({ rendererDir: path.join(ROOT, 'out', 'renderer'), recording, clock: nodeClock, port: options.port ?? 0 });
  return { server, title: `${header.title}, ${events.length} events`, stop: () => server.close() };
}
