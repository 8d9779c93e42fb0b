// Starts `lvmscope serve DIR --port 0` as a child process, the way a user does, and reads the
// URL it prints on stdout. Tests against hostile input need the real process: the bug they
// guard against is the process dying, which an in-process server would hide or share.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';

export const ROOT = path.resolve(__dirname, '../../..');
const SERVING_LINE = /^lvmscope: serving on (http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]{32}))$/m;

export interface ServeChild {
  url: string;
  port: number;
  token: string;
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** True while the process runs. */
  alive(): boolean;
  /** SIGTERM, then SIGKILL after 5 s; resolves when the child has exited. */
  stop(): Promise<void>;
}

/** Resolves once serve prints its URL; a serve that exits first, or prints nothing within `timeoutMs` (default 60 s), is stopped and reported with its output. */
export async function startServeChild(workspace: string, options: { args?: string[]; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<ServeChild> {
  const cli = path.join(ROOT, 'main', 'cli', 'lvmscope.mjs');
  const child = spawn(process.execPath, [cli, 'serve', workspace, '--port', '0', ...(options.args ?? [])], {
    cwd: ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const stop = async () => {
    if (!alive()) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killer);
  };
  const match = await new Promise<RegExpExecArray | null>((resolve) => {
    child.stdout!.on('data', (d: Buffer) => {
      stdout += String(d);
      const m = SERVING_LINE.exec(stdout);
      if (m) resolve(m);
    });
    child.stderr!.on('data', (d: Buffer) => (stderr += String(d)));
    void exited.then(() => resolve(SERVING_LINE.exec(stdout)));
    setTimeout(() => resolve(null), options.timeoutMs ?? 60_000).unref();
  });
  if (!match) await stop();
  if (!match) throw new Error(`lvmscope serve did not print its URL (exit ${child.exitCode ?? 'none'}).\nstdout:\n${stdout}\nstderr:\n${stderr}`);
  return { url: match[1], port: Number(match[2]), token: match[3], child, stdout: () => stdout, stderr: () => stderr, alive, stop };
}

/**
 * One `serve` child for a whole test file: a fresh temporary workspace (filled by `prepare`),
 * started before the file's tests and stopped, with its folder removed, after them.
 */
export function serveForFile(prefix: string, prepare?: (workspace: string) => void): { readonly workspace: string; readonly server: ServeChild } {
  const workspace = mkdtempSync(path.join(os.tmpdir(), prefix));
  let server: ServeChild | undefined;
  beforeAll(async () => {
    prepare?.(workspace);
    server = await startServeChild(workspace);
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(workspace, { recursive: true, force: true });
  });
  return {
    workspace,
    get server() {
      if (!server) throw new Error('serve is not started yet: use it inside a test');
      return server;
    },
  };
}
