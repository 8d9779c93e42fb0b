// The Node EngineHost shared by every host process (Electron main, browser mode, CLI): real
// time (performance.now + setTimeout), real randomness (crypto), image files on disk
// (FolderWorkspaceStorage), the checks a workspace path passes first, and the machine's host
// name.

import { randomInt, randomBytes } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Clock, Random } from '../app/base/clock';
import type { EngineHost } from '../app/engine';
import { FolderWorkspaceStorage } from './node/fileStorage';
import { loadScenarios } from './scenarios';
import { checkWorkspaceFolder, suggestDemoFolder } from './workspaceFolder';

export const nodeClock: Clock = {
  now: () => performance.now(),
  setTimer(ms, callback) {
    const handle = setTimeout(callback, Math.max(0, ms));
    return { cancel: () => clearTimeout(handle) };
  },
};

export const cryptoRandom: Random = {
  // 53 random bits → a uniform double in [0, 1), like Math.random but from the OS CSPRNG.
  next: () => Number(randomBytes(8).readBigUInt64BE() >> 11n) / 2 ** 53,
  int: (n) => randomInt(n),
};

export interface NodeHostOptions {
  kind: EngineHost['kind'];
  /** The workspace the UI shows; a function because Electron can switch workspaces. */
  workspace?: () => { path: string; recent: string[]; demo?: boolean };
  /** How this process names itself in a workspace lock, e.g. "lvmscope serve". */
  holderName?: string;
}

export function createNodeHost(options: NodeHostOptions): EngineHost {
  let scenarios: ReturnType<typeof loadScenarios> | undefined;
  return {
    kind: options.kind,
    clock: nodeClock,
    random: cryptoRandom,
    storage: (folder) => new FolderWorkspaceStorage(folder),
    hostname: os.hostname(),
    unixTime: () => Math.floor(Date.now() / 1000),
    // The lock file adds the pid, host and time itself.
    holder: options.holderName ?? `lvmscope ${options.kind}`,
    // Read and validated once, on first use (the engine asks for them on every demo and run).
    scenarios: () => (scenarios ??= loadScenarios()),
    // Relative, missing and non-workspace folders are refused before anything is written
    // (main/workspaceFolder.ts); a demo may make the last folder of its path, never a chain.
    checkFolder: checkWorkspaceFolder,
    // New demo workspace… offers a folder that a demo can be created in (never one it would refuse).
    suggestDemoFolder: (near) => suggestDemoFolder(near, os.homedir()),
    ...(options.workspace ? { workspace: options.workspace } : {}),
  };
}

/** Where lvmscope keeps its own files when Electron's app.getPath('userData') is not at hand. */
export function defaultUserDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || `${os.homedir()}/.config`;
  return `${base}/lvmscope`;
}

/** The demo workspace folder (the seed scenario is written there by a later issue). */
export function defaultDemoWorkspace(userDataDir = defaultUserDataDir()): string {
  return `${userDataDir}/demo-workspace`;
}
