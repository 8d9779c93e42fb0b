// The child process of the kill tests (lvmscopeMove.test.ts, lvm2StackKill.test.ts): opens the
// workspace folder in an Engine and starts a rate-limited move, printing one line per event the
// parent watches for, so the parent can SIGKILL it at a chosen point (like pulling the plug on
// lvmscope).
//
//   node --import tsx test/kernel/lvmscopeMoveChild.ts <dir> <vg> <source> <destination> <rateBytesPerSec>
//        [--stack outline|lvm2] [--atomic] [--hold-at <step id> | --hold-at-fraction <0..1>]
//
// Prints `STEP <id> <state>` for every move.step event and `COPIED <bytes> <total>` for every
// move.progress event; `DONE <status>` if the move ends before it is killed. With --hold-at
// the move runs in step mode and this process presses Next for every step except the named
// one: it prints `HELD <id>` and waits there (the step has not started), so the parent can
// kill lvmscope at an exact point between two steps, e.g. between LVM2's two finishing commits.
// --hold-at-fraction r holds at the step at that fraction of the move's own step list (the
// last step excluded) and prints `HOLD-TARGET <id>` first, so a seeded kill point follows
// whatever steps the engine gives. --atomic asks for `pvmove --atomic` (lvm2 stack only).

import { writeSync } from 'node:fs';
import type { MoveStack } from '../../app/api/move';
import { Engine } from '../../app/engine';
import { createNodeHost } from '../../main/host';

const [dir, vg, source, destination, rate, ...flags] = process.argv.slice(2);

function flag(name: string): string | undefined {
  const i = flags.indexOf(name);
  return i >= 0 ? flags[i + 1] : undefined;
}

const stack = (flag('--stack') ?? 'outline') as MoveStack;
const holdAt = flag('--hold-at');
const holdAtFraction = flag('--hold-at-fraction');
const atomic = flags.includes('--atomic');

function say(line: string): void {
  // Synchronous: a line the parent reads was really printed before the kill.
  writeSync(1, `${line}\n`);
}

let holdTarget = holdAt;

/** The step to hold at: --hold-at, or the step at --hold-at-fraction of the move's list. */
async function holdTargetId(engine: Engine): Promise<string | undefined> {
  if (holdTarget !== undefined || holdAtFraction === undefined) return holdTarget;
  const { move } = await engine.handlers['move.state']({});
  const steps = move?.steps ?? [];
  holdTarget = steps[Math.floor(Number(holdAtFraction) * (steps.length - 1))]?.id;
  say(`HOLD-TARGET ${holdTarget}`);
  return holdTarget;
}

/** A step waits in step mode: hold there if it is the target, else press Next. */
async function onWaiting(engine: Engine, id: string): Promise<void> {
  if (id === (await holdTargetId(engine))) say(`HELD ${id}`);
  else await engine.handlers['move.control']({ action: 'next' });
}

async function main(): Promise<void> {
  const engine = new Engine(createNodeHost({ kind: 'test' }));
  engine.subscribe((name, payload) => {
    if (name === 'move.step') {
      const step = payload as { id: string; state: string };
      say(`STEP ${step.id} ${step.state}`);
      // Next is pressed outside the event's delivery, as a UI would.
      if (step.state === 'waiting') setImmediate(() => void onWaiting(engine, step.id));
    } else if (name === 'move.progress') {
      const p = payload as { bytesCopied: number; bytesTotal: number };
      say(`COPIED ${p.bytesCopied} ${p.bytesTotal}`);
    } else if (name === 'move.state') {
      const s = payload as { status: string };
      if (['done', 'aborted', 'failed'].includes(s.status)) say(`DONE ${s.status}`);
    }
  });
  await engine.handlers['workspace.open']({ path: dir });
  await engine.handlers['move.start']({
    request: { vg, sources: [source], destinations: [destination], alloc: 'normal', ...(atomic ? { atomic: true } : {}) },
    options: { stack, rateBytesPerSec: Number(rate), ...(stack === 'outline' ? { regionSizeSectors: 256 } : {}), stepMode: holdAt !== undefined || holdAtFraction !== undefined },
  });
}

main().catch((e: unknown) => {
  say(`ERROR ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
