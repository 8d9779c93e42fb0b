// Pulling the plug on lvmscope in the middle of a move: the move runs in a child process
// (lvmscopeMoveChild.ts, rate-limited) and is SIGKILLed at a chosen point, leaving on the image
// files exactly what a killed lvmscope leaves.

import { spawn } from 'node:child_process';
import path from 'node:path';
import { expect } from 'vitest';
import type { MoveStack } from '../../app/api/move';
import { workspaceImages } from './lvmscopeLvm';
import { committedCopy, readMdaRing } from './mdaRing';
import { buildLayout, type MoveLayout } from './moveLayouts';
import { firstPatternMismatch } from './pattern';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const CHILD = path.join(ROOT, 'test', 'kernel', 'lvmscopeMoveChild.ts');

/**
 * Where to kill: while held before a step (step mode), named or at a fraction of the move's own
 * step list (the last step excluded), or once this many bytes are copied.
 */
export type KillPoint = { kind: 'before-step'; step: string } | { kind: 'before-step-at'; fraction: number } | { kind: 'copied'; bytes: number };

export function describeKillPoint(point: KillPoint): string {
  if (point.kind === 'before-step') return `before step ${point.step}`;
  if (point.kind === 'before-step-at') return `before the step at ${point.fraction.toFixed(3)} of the step list`;
  return `after ${point.bytes} bytes copied`;
}

/** The step a `before-step-at` kill held at, from the child's output (for messages). */
export function heldStep(out: string): string | undefined {
  return /^HELD (\S+)$/m.exec(out)?.[1];
}

export interface KillRequest {
  dir: string;
  vg: string;
  source: string;
  destination: string;
  stack: MoveStack;
  /** `pvmove --atomic` (lvm2 stack only). */
  atomic?: boolean;
  rateBytesPerSec: number;
  point: KillPoint;
}

/** True once the child's output shows it reached the kill point (and the move is not done). */
function reached(point: KillPoint, out: string): boolean {
  if (point.kind === 'before-step') return new RegExp(`^HELD ${point.step.replace(/[/-]/g, '\\$&')}$`, 'm').test(out);
  if (point.kind === 'before-step-at') {
    const target = /^HOLD-TARGET (\S+)$/m.exec(out)?.[1];
    return target !== undefined && heldStep(out) === target;
  }
  const copied = [...out.matchAll(/^COPIED (\d+) (\d+)$/gm)];
  const last = copied[copied.length - 1];
  return last !== undefined && Number(last[1]) >= point.bytes && Number(last[1]) < Number(last[2]);
}

/** Runs the move in a child and SIGKILLs it at `point`; resolves with its output. */
export function killLvmscopeMove(request: KillRequest): Promise<string> {
  const { dir, vg, source, destination, stack, rateBytesPerSec, point } = request;
  const args = ['--import', 'tsx', CHILD, dir, vg, source, destination, String(rateBytesPerSec), '--stack', stack];
  if (request.atomic) args.push('--atomic');
  if (point.kind === 'before-step') args.push('--hold-at', point.step);
  if (point.kind === 'before-step-at') args.push('--hold-at-fraction', String(point.fraction));
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let killed = false;
  let endedFirst = false;
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (killed || endedFirst) return;
      if (reached(point, out)) {
        killed = true;
        child.kill('SIGKILL');
      } else if (/^(DONE|ERROR) /m.test(out)) {
        // The move ended (or failed) before the point: the child would wait forever.
        endedFirst = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (killed && !endedFirst && signal === 'SIGKILL') resolve(out);
      else reject(new Error(`the lvmscope child was not killed ${describeKillPoint(point)} (exit ${code ?? signal}):\n${out}`));
    });
  });
}

/** A fresh copy of `layout` in `dir`; its folder and the seqno of its metadata before any move. */
export async function freshLayoutCopy(dir: string, layout: MoveLayout, vg: string): Promise<{ dir: string; beforeSeqno: number }> {
  await buildLayout(dir, layout);
  return { dir, beforeSeqno: committedCopy(readMdaRing(workspaceImages(dir)[0].path, vg)).seqno };
}

/** Every LV of `layout` holds its test pattern, as `bytesOf` reads it. */
export function expectLayoutIntact(layout: MoveLayout, vg: string, bytesOf: (lv: string) => Uint8Array, where: string): void {
  for (const lv of layout.lvs) expect(firstPatternMismatch(bytesOf(lv), vg, lv, layout.extentSectors), `${vg}/${lv} ${where}`).toBeNull();
}
