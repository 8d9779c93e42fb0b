// Benchmark: the real kernel's pvmove of one segment, inside a QEMU guest, against a plain
// copy of the same bytes in the same guest (dd with O_DIRECT, and dd through the page cache
// followed by sync). The guest runs under software emulation (TCG), so absolute figures are
// far below real hardware; the ratio pvmove / dd is the meaningful number.
//
// lvmscope's own figure is the same move (a 256 MiB segment, 4 MiB extents, between two image
// files) through the whole engine on the host, unthrottled: it runs natively, the guest does
// not, so it is shown beside the guest figures, not as a ratio to them.
//
// Run: `npm run bench kernel` (or `npx tsx bench/kernel.bench.ts`); writes bench/results/kernel.md.

import { openSync, closeSync, writeSync, ftruncateSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Engine } from '../app/engine';
import { createDemo, type DemoLayout } from '../app/session/demo';
import { createNodeHost } from '../main/host';
import { FolderWorkspaceStorage } from '../main/node/fileStorage';
import { guestValues, runInGuestOk } from '../test/kernel/qemu';
import { writePattern } from '../test/kernel/pattern';

const MIB = 1024 * 1024;

export interface KernelPvmoveFigures {
  segmentMiB: number;
  runs: number;
  /** Median seconds per run, measured inside the guest from /proc/uptime (10 ms resolution). */
  pvmoveSeconds: number;
  ddDirectSeconds: number;
  ddBufferedSeconds: number;
  command: string;
}

export interface LvmscopeMoveFigure {
  /** Median seconds for lvmscope to move the same segment on the host. */
  seconds: number;
  /** How it was measured (command, workload), one line. */
  how: string;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

// Each run times three copies of the same segment: dd with O_DIRECT, dd through the page
// cache + sync, then `pvmove` of the LV's segment, alternating direction between runs.
function benchScript(segmentMiB: number, runs: number): string {
  const extents = segmentMiB / 4;
  const now = `$(cut -d' ' -f1 /proc/uptime)`;
  return `pvcreate -q /dev/vda /dev/vdb
vgcreate -q -s 4m bvg /dev/vda /dev/vdb
lvcreate -q -Zn -y -n lv0 -l ${extents} bvg /dev/vda
from=/dev/vda; to=/dev/vdb
for i in $(seq 1 ${runs}); do
  t0=${now}; dd if=$from of=$to bs=4M skip=1 seek=1 count=${extents} iflag=direct oflag=direct 2>/dev/null; t1=${now}
  echo "DD_DIRECT_$i=$(echo "$t1 $t0" | awk '{print $1 - $2}')"
  t0=${now}; dd if=$from of=$to bs=1M skip=4 seek=4 count=${segmentMiB} 2>/dev/null; sync; t1=${now}
  echo "DD_BUFFERED_$i=$(echo "$t1 $t0" | awk '{print $1 - $2}')"
  t0=${now}; pvmove -q -i 1 $from $to >/dev/null; t1=${now}
  echo "PVMOVE_$i=$(echo "$t1 $t0" | awk '{print $1 - $2}')"
  t=$from; from=$to; to=$t
done
`;
}

/** A PV image the size of the segment plus room for LVM2's label and alignment, full of data. */
function writeSourceImage(file: string, segmentMiB: number): void {
  const chunk = new Uint8Array(16 * MIB);
  writePattern(chunk, 'bvg', 'lv0', 8192, 0, chunk.length / 512);
  const fd = openSync(file, 'w');
  try {
    for (let done = 0; done < segmentMiB + 8; done += 16) writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
}

/** Boots a guest and measures the kernel's pvmove of a `segmentMiB` segment against dd. */
export async function measureKernelPvmove(segmentMiB = 256, runs = 3): Promise<KernelPvmoveFigures> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'lvmscope-bench-kernel-'));
  try {
    const source = path.join(tmp, 'src.img');
    const target = path.join(tmp, 'dst.img');
    writeSourceImage(source, segmentMiB);
    const fd = openSync(target, 'w');
    ftruncateSync(fd, (segmentMiB + 8) * MIB);
    closeSync(fd);
    const run = await runInGuestOk({
      images: [
        { path: source, name: 'src' },
        { path: target, name: 'dst' },
      ],
      script: benchScript(segmentMiB, runs),
      timeoutMs: 600_000,
    });
    const v = guestValues(run.output);
    const series = (key: string) => Array.from({ length: runs }, (_, i) => Number(v[`${key}_${i + 1}`]));
    return {
      segmentMiB,
      runs,
      pvmoveSeconds: median(series('PVMOVE')),
      ddDirectSeconds: median(series('DD_DIRECT')),
      ddBufferedSeconds: median(series('DD_BUFFERED')),
      command: 'npm run bench kernel',
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** One unthrottled move of lv0 to the other PV through the engine; returns seconds. */
async function timeLvmscopeMove(engine: Engine, from: string, to: string): Promise<number> {
  const t0 = performance.now();
  await engine.handlers['move.start']({ request: { vg: 'bvg', sources: [from], destinations: [to], alloc: 'normal' }, options: { rateBytesPerSec: 0 } });
  for (;;) {
    const { move } = await engine.handlers['move.state']({});
    if (move?.status === 'done') return (performance.now() - t0) / 1000;
    if (move && ['aborted', 'failed'].includes(move.status)) throw new Error(`the lvmscope move ${move.status}: ${move.error}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * lvmscope's pvmove of the same segment on the host: bvg with 4 MiB extents on two image
 * files (in the same temp folder the guest's images use), lv0 = the segment, filled with the
 * demo pattern, moved back and forth unthrottled; median seconds, then every sector verified.
 */
export async function measureLvmscopePvmove(segmentMiB = 256, runs = 3): Promise<LvmscopeMoveFigure> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'lvmscope-bench-host-'));
  const host = createNodeHost({ kind: 'test' });
  const engine = new Engine(host);
  try {
    const layout: DemoLayout = {
      pvs: ['src.img', 'dst.img'].map((image) => ({ image, sizeBytes: (segmentMiB + 8) * MIB })),
      vg: 'bvg',
      extentSizeBytes: 4 * MIB,
      lvs: [{ name: 'lv0', pieces: [{ extents: segmentMiB / 4, image: 'src.img' }] }],
    };
    const quiet = () => undefined;
    const options = { clock: host.clock, random: host.random, hostname: host.hostname, holder: 'bench', unixTime: host.unixTime, log: quiet, onChange: quiet, onStep: quiet, onDmEvent: quiet };
    await (await createDemo(tmp, new FolderWorkspaceStorage(tmp), options, layout, false)).close();
    await engine.handlers['workspace.open']({ path: tmp });
    const seconds: number[] = [];
    for (let i = 0; i < runs; i++) {
      const [from, to] = i % 2 === 0 ? ['src', 'dst'] : ['dst', 'src'];
      seconds.push(await timeLvmscopeMove(engine, from, to));
    }
    const verify = await engine.handlers['verify.run']({ vg: 'bvg', lv: 'lv0' });
    if (verify.mismatches) throw new Error(verify.summary);
    return {
      seconds: median(seconds),
      how: `engine \`move.start\` unthrottled, 512 KiB regions, 8 steps + 3 metadata commits, median of ${runs} (${seconds.map((x) => x.toFixed(2)).join(', ')} s), every sector verified`,
    };
  } finally {
    await engine.dispose();
    rmSync(tmp, { recursive: true, force: true });
  }
}

const rate = (mib: number, s: number) => (s > 0 ? `${Math.round(mib / s)} MiB/s` : 'n/a');

/** The markdown section for bench/results/kernel.md. */
export function renderKernelResults(k: KernelPvmoveFigures, lvmscope?: LvmscopeMoveFigure): string {
  const row = (name: string, s: number) =>
    `| ${name} | ${s.toFixed(2)} s | ${rate(k.segmentMiB, s)} | ${(s / k.ddDirectSeconds).toFixed(1)}× |`;
  const lvmscopeRow = lvmscope
    ? `| lvmscope move on the host (${lvmscope.how}) | ${lvmscope.seconds.toFixed(2)} s | ${rate(k.segmentMiB, lvmscope.seconds)} | not comparable: host, not guest |`
    : '| lvmscope move on the host | *not measured in this run* | | |';
  return `## Kernel pvmove in a QEMU guest (\`${k.command}\`)

Moving one ${k.segmentMiB} MiB segment between two virtio disks inside Debian's kernel under
QEMU, median of ${k.runs} runs, timed inside the guest from \`/proc/uptime\` (10 ms resolution;
busybox \`date\` has no %N). **Caveat: the guest runs under software emulation (TCG, no KVM)**,
so every guest figure is several times slower than on real hardware; compare rows of the same
guest only. \`pvmove -i 1\` notices completion on a 1 s poll, which is included.

| copy of ${k.segmentMiB} MiB | time | rate | vs dd O_DIRECT |
|---|---|---|---|
${row('dd bs=4M iflag=direct oflag=direct (baseline)', k.ddDirectSeconds)}
${row('dd bs=1M through the page cache + sync', k.ddBufferedSeconds)}
${row('kernel `pvmove` (dm-mirror copy + metadata commits)', k.pvmoveSeconds)}

lvmscope moving the same ${k.segmentMiB} MiB segment (4 MiB extents) between two image files on the
host, natively. **Not comparable with the rows above** except as an order of magnitude: the
guest's CPU is emulated, the host's is not; the images sit on the same disk in both cases.

| lvmscope | time | rate | note |
|---|---|---|---|
${lvmscopeRow}
`;
}

async function main(): Promise<void> {
  const figures = await measureKernelPvmove();
  const lvmscope = await measureLvmscopePvmove(figures.segmentMiB, figures.runs);
  const text = renderKernelResults(figures, lvmscope);
  console.log(text);
  const out = path.join(path.dirname(new URL(import.meta.url).pathname), 'results', 'kernel.md');
  writeFileSync(out, text);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
