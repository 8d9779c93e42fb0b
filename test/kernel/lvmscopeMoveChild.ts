// The child process of the kill tests (lvmscopeMove.test.ts, lvm2StackKill.test.ts): opens the
// workspace folder in an Engine and starts a rate-limited move, printing one line per event the
// parent watches for, so the parent can SIGKILL it at a chosen point (like pulling the plug on
// lvmscope).
//
//   node --import tsx test/kernel/lvmscopeMoveChild.ts <dir> <vg> <source> <destination> <rateBytesPerSec>
//        [--stack outline|lvm2] [--atomic] [--hold-at <step id>]
//
// Prints `STEP <id> <state>` for every move.step event and `COPIED <bytes> <total>` for every
// move.progress event; `DONE <status>` if the move ends before it is killed. With --hold-at
// the move runs in step mode and this process presses Next for every step except the named
// one: it prints `HELD <id>` and waits there (the step has not started), so the parent can
// kill lvmscope at an exact point between two steps, e.g. between LVM2's two finishing commits.
// --atomic asks for `pvmove --atomic` (lvm2 stack only).

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
const atomic = flags.includes('--atomic');

function say(line: string): void {
  // Synchronous: a line the parent reads was really printed before the kill.
  writeSync(1, `${line}\n`);
}

async function main(): Promise<void> {
  const engine = new Engine(createNodeHost({ kind: 'test' }));
  engine.subscribe((name, payload) => {
    if (name === 'move.step') {
      const step = payload as { id: string; state: string };
      say(`STEP ${step.id} ${step.state}`);
      if (step.state !== 'waiting') return;
      if (step.id === holdAt) say(`HELD ${step.id}`);
      // Next is pressed outside the event's delivery, as a UI would.
      else setImmediate(() => void engine.handlers['move.control']({ action: 'next' }));
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
    options: { stack, rateBytesPerSec: Number(rate), ...(stack === 'outline' ? { regionSizeSectors: 256 } : {}), stepMode: holdAt !== undefined },
  });
}

main().catch((e: unknown) => {
  say(`ERROR ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
