// The child process of lvmscopeMove.test.ts: opens the workspace folder in an Engine and starts
// a rate-limited move, printing one line per event the parent watches for, so the parent can
// SIGKILL it in mid-copy (like pulling the plug on lvmscope).
//
//   node --import tsx test/kernel/lvmscopeMoveChild.ts <dir> <vg> <source> <destination> <rateBytesPerSec>
//
// Prints `STEP <n> <state>` for every move.step event and `COPIED <bytes> <total>` for every
// move.progress event; `DONE <status>` if the move ends before it is killed.

import { writeSync } from 'node:fs';
import { Engine } from '../../app/engine';
import { createNodeHost } from '../../main/host';

const [dir, vg, source, destination, rate] = process.argv.slice(2);

function say(line: string): void {
  // Synchronous: a line the parent reads was really printed before the kill.
  writeSync(1, `${line}\n`);
}

async function main(): Promise<void> {
  const engine = new Engine(createNodeHost({ kind: 'test' }));
  engine.subscribe((name, payload) => {
    if (name === 'move.step') {
      const step = payload as { number: number; state: string };
      say(`STEP ${step.number} ${step.state}`);
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
    request: { vg, sources: [source], destinations: [destination], alloc: 'normal' },
    options: { rateBytesPerSec: Number(rate), regionSizeSectors: 256 },
  });
}

main().catch((e: unknown) => {
  say(`ERROR ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
