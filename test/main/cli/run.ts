// Runs the lvmscope CLI as a user does: `node main/cli/lvmscope.mjs <verb> …` in a child
// process, returning its exit status and output. Also: temporary workspaces and image digests.

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../../..');
export const BIN = path.join(ROOT, 'main/cli/lvmscope.mjs');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function cli(...args: string[]): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts the CLI and returns the child (for Ctrl-C tests). */
export function cliChild(...args: string[]) {
  return spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
}

export function tempDir(prefix = 'lvmscope-cli-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** sha256 of every image in a folder (to prove a command changed nothing). */
export function imageDigests(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.img')).sort()) out[name] = createHash('sha256').update(readFileSync(path.join(dir, name))).digest('hex');
  return out;
}

/** The rows of an LVM2-shaped JSON report (`{"report":[{"lv":[…]}]}`, any key). */
export function jsonRows(text: string): Record<string, string>[] {
  const json = JSON.parse(text) as { report: Record<string, Record<string, string>[]>[] };
  return json.report.flatMap((r) => Object.values(r).flat());
}

/** A failure is one sentence on stderr, prefixed with `lvmscope:`, without a stack trace. */
export function isOneSentence(stderr: string): boolean {
  const lines = stderr.trim().split('\n');
  return lines.length === 1 && lines[0].startsWith('lvmscope: ') && !/\bat .*:\d+:\d+/.test(stderr);
}
