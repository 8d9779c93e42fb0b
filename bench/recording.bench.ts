// Benchmark: the size of recorded moves and the cost of seeking in one (issue 19).
//  - The seed move (4 MiB, pv2 → pv4, 64 KiB regions, 200 KiB/s) with a randwrite workload on
//    lv0, recorded in process on the simulated clock: the file's size against the same events
//    written one JSON line each (no runs, no patches), and gzip's size of the file for context.
//  - A 65,536-region move (lv0's 256 MiB segment on pv2 moved to pv4 with 4 KiB regions,
//    unlimited rate, no workload): the same comparison; its region events become run lines.
//  - Seeking: 200 random seeks in the 65,536-region recording with keyframes every 64 events
//    (the player's default) against replaying from the start for each seek (the baseline).
// Run: npx tsx bench/recording.bench.ts   (or npm run bench recording)
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { parseRecording, type Recording } from '../app/api/recording';
import { MiB } from '../app/base/units';
import type { DemoLayout } from '../app/session/demo';
import { createAppStore } from '../renderer/store';
import { ReplayPlayer } from '../renderer/replay/player';
import { recordMove, simEngine, SEED_MOVE } from '../test/helpers/recordedMove';

const HERE = path.dirname(new URL(import.meta.url).pathname);
const CMD = 'npx tsx bench/recording.bench.ts';

/** lv0 = 8 MiB on pv1 | 256 MiB on pv2; pv4 free: moving pv2 mirrors 65,536 regions of 4 KiB. */
const BIG_LAYOUT: DemoLayout = {
  pvs: [
    { image: 'pv1.img', sizeBytes: 16 * MiB },
    { image: 'pv2.img', sizeBytes: 264 * MiB },
    { image: 'pv3.img', sizeBytes: 16 * MiB },
    { image: 'pv4.img', sizeBytes: 264 * MiB },
  ],
  vg: 'vg0',
  extentSizeBytes: 4 * MiB,
  lvs: [{ name: 'lv0', pieces: [{ extents: 2, image: 'pv1.img' }, { extents: 64, image: 'pv2.img' }] }],
};

interface Sizes {
  label: string;
  bytes: number;
  plainBytes: number;
  gzipBytes: number;
  events: number;
  lines: number;
  runLines: number;
  ms: number;
}

function sizesOf(label: string, text: string, recording: Recording, ms: number): Sizes {
  const plainBytes = recording.events.reduce((n, e) => n + JSON.stringify({ t: e.timeMs, e: e.name, p: e.payload }).length + 1, 0) + text.split('\n', 2).join('\n').length;
  const lines = text.split('\n').filter(Boolean);
  return { label, bytes: text.length, plainBytes, gzipBytes: gzipSync(text).length, events: recording.events.length, lines: lines.length, runLines: lines.filter((l) => l.startsWith('{"run"')).length, ms };
}

async function recorded(label: string, layout: DemoLayout | undefined, options: Parameters<typeof recordMove>[2], workload: boolean): Promise<{ sizes: Sizes; recording: Recording }> {
  const t = await simEngine(layout);
  const started = performance.now();
  const text = await recordMove(t, SEED_MOVE, options, workload ? undefined : null);
  const ms = performance.now() - started;
  await t.run(t.engine.dispose());
  const recording = parseRecording(text);
  return { sizes: sizesOf(label, text, recording, ms), recording };
}

function seekMs(recording: Recording, keyframeEvery: number, targets: number[]): number {
  const player = new ReplayPlayer(recording, createAppStore(), { keyframeEvery });
  const started = performance.now();
  for (const event of targets) player.seek({ event });
  return (performance.now() - started) / targets.length;
}

const KiB = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

async function main(): Promise<void> {
  const seed = await recorded('seed move, 4 MiB, 64 KiB regions, randwrite 200 IOPS', undefined, { rateBytesPerSec: 200 * 1024, regionSizeSectors: 128 }, true);
  const big = await recorded('65,536 regions, 256 MiB, 4 KiB regions, no workload', BIG_LAYOUT, { rateBytesPerSec: 0, regionSizeSectors: 8 }, false);
  let x = 7;
  const targets = Array.from({ length: 200 }, () => (x = (x * 1103515245 + 12345) % 2 ** 31) % (big.recording.events.length + 1));
  const keyframed = seekMs(big.recording, 64, targets);
  const fromStart = seekMs(big.recording, Infinity, targets.slice(0, 20));
  const rows = [seed.sizes, big.sizes].map((s) => `| ${s.label} | ${s.events.toLocaleString('en')} | ${s.lines.toLocaleString('en')} (${s.runLines} runs) | ${KiB(s.bytes)} | ${KiB(s.plainBytes)} | ${(s.plainBytes / s.bytes).toFixed(1)}× | ${KiB(s.gzipBytes)} |`);
  const md = `## Recorded moves (issue 19)

\`${CMD}\`: each move recorded in process on the simulated clock; the recording's size against the
same events written one JSON line each (no runs, no patches: "plain"), and gzip of the recording for context.

| move | events | lines | recording | plain NDJSON | smaller by | gzip of the recording |
|---|---:|---:|---:|---:|---:|---:|
${rows.join('\n')}

Seeking in the 65,536-region recording (${big.sizes.events.toLocaleString('en')} events): a seek with keyframes every 64 events
(the player's default) took ${keyframed.toFixed(2)} ms on average over 200 random seeks; replaying from the start for each
seek (the baseline, 20 seeks) took ${fromStart.toFixed(1)} ms: keyframes are ${(fromStart / keyframed).toFixed(0)}× faster.
`;
  console.log(md);
  mkdirSync(path.join(HERE, 'results'), { recursive: true });
  writeFileSync(path.join(HERE, 'results', 'recording.md'), md);
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
