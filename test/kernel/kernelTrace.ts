// The real LVM2's trace of a pvmove (moveTrace.ts): one guest boot activates the layout's VG,
// runs `pvmove -i 3 [--atomic] <source> <destination>` and samples, in a tight loop while it runs, the
// committed metadata location (raw_locn[0] of the first PV's mda header, read with O_DIRECT)
// and `dmsetup table`. After the run the host reads every commit from the same PV's mda ring
// (mdaRing.ts) and turns each sampled location into a phase.
//
// A sample counts only when it is provably one moment of the kernel: the header is read, then
// the tables twice, then the header again, and the sample is kept only when both header reads
// and both table reads agree. Each device's table was then unchanged from its first read to its
// second, so all of them held together at any instant between the two table reads, while that
// header was committed. (One `dmsetup table` alone can straddle a resume that swaps several
// devices and show a mix that never existed.)
//
// Each phase must last long enough to be sampled: one sample costs 0.3 s on an idle machine and
// over a second on a loaded one (every `dmsetup` is an emulated exec). pvmove checks the copy
// every `-i` seconds and checkpoints only then, so with `-i 3` every phase lasts at least three
// seconds, however short its segment; writes to the destination disk are also throttled (QEMU
// block throttling) so that a large segment's copy is slow too. Both only change when LVM2
// looks and how fast the disk is, nothing that LVM2 or dm decide.
// (dm_mirror.raid1_resync_throttle was the other choice; it was not used because it sleeps
// only while the disk's measured busy share exceeds the limit, which gives no predictable phase
// length under emulation, where a fixed byte rate at the disk does.)
//
// The trace of a layout depends only on the installed kernel and LVM2, the layout and this
// script, so it is cached next to the initramfs (a few KiB of JSON) and reused.

import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fail } from '../../app/base/result';
import { LABEL_SCAN_BYTES, scanLabel, SECTOR_BYTES } from '../../app/lvm/format/layout';
import { ensureInitramfs } from './initramfs';
import { copyAtOffset, readMdaRing } from './mdaRing';
import { type MoveLayout } from './moveLayouts';
import { metadataStates, type MoveTrace, pushTableState, type TableSet, type TableState, unsampledPhases } from './moveTrace';
import { type GuestImage, guestValues, runInGuest, runInGuestOk, shellQuote } from './qemu';

/** pvmove's `-i`: how often it looks at the copy (see above). */
const POLL_SECONDS = 3;

export interface KernelTraceRun {
  trace: MoveTrace;
  /** Accepted samples (distinct or not) against loop iterations, for the report. */
  samples: number;
  loops: number;
  guestMs: number;
}

function guestDevice(images: readonly GuestImage[], name: string): string {
  const index = images.findIndex((img) => img.name === name);
  if (index < 0) fail('NOT_FOUND', `no guest disk named ${name}.`);
  return `/dev/vd${String.fromCharCode(97 + index)}`;
}

/** Sector of the first PV's mda header (where raw_locn[0] is sampled). */
function mdaHeaderSector(image: string): number {
  const head = new Uint8Array(LABEL_SCAN_BYTES);
  const fd = openSync(image, 'r');
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  const mda = scanLabel(head).label?.metadataAreas[0] ?? fail('STATE', `${image} has no metadata area.`);
  return mda.offsetBytes / SECTOR_BYTES;
}

/** raw_locn[0].offset is at byte 40 of the mda header; printed as 8 hex bytes, little-endian. */
function traceScript(vg: string, source: string, destination: string, headerSector: number, atomic: boolean): string {
  return `for b in /sys/block/vd*; do echo "DEVNUM $(cat $b/dev) $(cat $b/serial)"; done
vgchange -ay --poll n ${shellQuote(vg)} >/dev/null
hdr() { dd if=/dev/vda bs=512 skip=${headerSector} count=1 iflag=direct 2>/dev/null | od -An -tx1 -j40 -N8 | tr -d ' \\n'; }
last=''
SAMPLES=0
sample() {
  h1=$(hdr); t1=$(dmsetup table 2>/dev/null || true); t2=$(dmsetup table 2>/dev/null || true); h2=$(hdr)
  { [ "$h1" = "$h2" ] && [ "$t1" = "$t2" ]; } || return 0
  SAMPLES=$((SAMPLES + 1))
  [ "$h1 $t1" = "$last" ] && return 0
  last="$h1 $t1"
  read -r up rest < /proc/uptime
  echo "SAMPLE $h1 $up"
  for d in /sys/block/dm-*; do
    { read -r v < "$d/dev" && read -r n < "$d/dm/name" && echo "DMDEV $v $n"; } 2>/dev/null || true
  done
  echo "$t1" | sed 's/^/TABLE /'
  echo END
}
sample
pvmove -i ${POLL_SECONDS} ${atomic ? '--atomic ' : ''}${source} ${destination} >/tmp/pvmove.log 2>&1 &
pid=$!
loops=0
while kill -0 $pid 2>/dev/null; do sample; loops=$((loops + 1)); done
if ! wait $pid; then echo "pvmove failed:"; cat /tmp/pvmove.log; exit 1; fi
sample
echo "LOOPS=$loops"
echo "ACCEPTED=$SAMPLES"
`;
}

interface RawSample {
  offsetBytes: number;
  /** The guest's uptime when the sample was printed. */
  atSeconds: number;
  tables: TableSet;
}

function littleEndianHex(hex: string): number {
  if (!/^[0-9a-f]{16}$/.test(hex)) fail('STATE', `the guest printed "${hex}" for the mda header's raw_locn offset.`);
  let value = 0;
  for (let i = 7; i >= 0; i--) value = value * 256 + parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return value;
}

/** The samples the guest printed, tables symbolic and limited to the VG's devices. */
function parseSamples(output: string, vg: string): RawSample[] {
  const disks: Record<string, string> = {};
  for (const m of output.matchAll(/^DEVNUM (\d+:\d+) (\S+)$/gm)) disks[m[1]] = m[2];
  const samples: RawSample[] = [];
  for (const block of output.split(/^SAMPLE /m).slice(1)) {
    const lines = block.slice(0, block.indexOf('\nEND')).split('\n');
    const devices = { ...disks };
    const byDevice: Record<string, string[]> = {};
    for (const line of lines.slice(1)) {
      const dev = /^DMDEV (\d+:\d+) (\S+)$/.exec(line.trim());
      if (dev) devices[dev[1]] = dev[2];
      const table = /^TABLE (\S+): (.*)$/.exec(line.trim());
      if (table && table[1].startsWith(`${vg}-`)) (byDevice[table[1]] ??= []).push(table[2]);
    }
    const symbolic = (line: string) => line.replace(/\b(\d+:\d+)\b/g, (devno) => devices[devno] ?? devno);
    const tables = Object.fromEntries(Object.entries(byDevice).map(([name, t]) => [name, t.map(symbolic).join('\n')]));
    const [hex, uptime] = lines[0].trim().split(' ');
    samples.push({ offsetBytes: littleEndianHex(hex), atSeconds: Number(uptime), tables });
  }
  return samples;
}

/** Runs the kernel's pvmove on `images` (changed in place) and returns its trace. */
export async function runKernelTrace(images: readonly GuestImage[], layout: MoveLayout): Promise<KernelTraceRun> {
  // The metadata throttle spares the destination (its copy has its own limit) and the first
  // disk, whose header is sampled: a queue of throttled writes there would sit between LVM2's
  // commit and the sampler's reads.
  const disks = images.map((img, i) => {
    const destination = img.name === layout.destination;
    return { ...img, snapshot: false, writeBytesPerSecond: destination ? layout.traceWriteBytesPerSecond : undefined, writeOpsPerSecond: destination || i === 0 ? undefined : layout.traceMetadataWriteOpsPerSecond };
  });
  const script = traceScript(layout.vg, guestDevice(images, layout.source), guestDevice(images, layout.destination), mdaHeaderSector(images[0].path), layout.atomic === true);
  const run = await runInGuestOk({ images: disks, script, timeoutMs: 240_000 });
  const samples = parseSamples(run.output, layout.vg);
  if (samples.length < 2) fail('STATE', `the guest took ${samples.length} sample(s) of the move:\n${run.output}`);
  const ring = readMdaRing(images[0].path, layout.vg);
  const seqnoAt = (s: RawSample) => copyAtOffset(ring, s.offsetBytes).seqno;
  const before = seqnoAt(samples[0]);
  const tables: TableState[] = [];
  for (const s of samples) pushTableState(tables, { phase: seqnoAt(s) - before, tables: s.tables, atSeconds: s.atSeconds });
  const values = guestValues(run.output);
  return { trace: { states: metadataStates(ring, before), tables }, samples: Number(values.ACCEPTED), loops: Number(values.LOOPS), guestMs: run.durationMs };
}

function traceKey(layout: MoveLayout): string {
  const script = traceScript(layout.vg, '/dev/vdX', '/dev/vdY', 0, layout.atomic === true);
  const h = createHash('sha256').update(script).update(JSON.stringify(layout)).digest('hex');
  return `lvm2-trace-${layout.name}-${h.slice(0, 12)}.json`;
}

/** Guest runs tried before a trace that still misses a phase is handed to the test as it is. */
const TRACE_ATTEMPTS = 2;

/**
 * The kernel's trace of the layout: from the cache when this kernel + LVM2 + script already
 * produced it, else by building the layout in a fresh folder under `dir` and running the guest
 * (then cached). A run that missed a phase (a very loaded machine) is sampled again once on
 * fresh images, and never cached: the comparisons would be weaker with it. The test's own
 * checks then report what it missed.
 */
export async function kernelTrace(dir: string, layout: MoveLayout, build: (dir: string) => Promise<GuestImage[]>): Promise<KernelTraceRun & { cached: boolean; attempts: number }> {
  const { cacheDir } = ensureInitramfs();
  const file = path.join(cacheDir, 'fixtures', traceKey(layout));
  if (existsSync(file)) return { ...(JSON.parse(readFileSync(file, 'utf8')) as KernelTraceRun), cached: true, attempts: 0 };
  let run: KernelTraceRun | undefined;
  for (let attempt = 1; attempt <= TRACE_ATTEMPTS; attempt++) {
    const attemptDir = path.join(dir, `attempt-${attempt}`);
    mkdirSync(attemptDir);
    run = await runKernelTrace(await build(attemptDir), layout);
    if (unsampledPhases(run.trace, layout).length) continue;
    mkdirSync(path.dirname(file), { recursive: true });
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, JSON.stringify(run, null, 1));
    renameSync(partial, file);
    return { ...run, cached: false, attempts: attempt };
  }
  return { ...run!, cached: false, attempts: TRACE_ATTEMPTS };
}

/**
 * `pvmove -i 1` (with `--atomic` for an atomic layout) in the guest until pvmove0's segment `segment` (1-based) is the mirror and not
 * yet in sync, then the guest is killed (SIGKILL on QEMU, like pulling the plug). Returns how
 * far that segment's copy had got. `images` keep what the kernel left.
 */
export async function killKernelPvmoveInSegment(images: readonly GuestImage[], layout: MoveLayout, segment: number): Promise<{ regionsInSync: number; regionsTotal: number }> {
  const disks = images.map((img) => ({ ...img, snapshot: false, writeBytesPerSecond: img.name === layout.destination ? layout.traceWriteBytesPerSecond : undefined }));
  const script = `vgchange -ay --poll n ${shellQuote(layout.vg)} >/dev/null
pvmove -i 1 ${layout.atomic ? '--atomic ' : ''}${guestDevice(images, layout.source)} ${guestDevice(images, layout.destination)} >/tmp/pvmove.log 2>&1 &
pid=$!
while kill -0 $pid 2>/dev/null; do
  set -- $(dmsetup status ${shellQuote(`${layout.vg}-pvmove0`)} 2>/dev/null | sed -n '${segment}p')
  if [ "$3" = mirror ] && [ "\${7%/*}" -lt "\${7#*/}" ]; then
    echo "REGIONS_IN_SYNC=\${7%/*}"; echo "REGIONS_TOTAL=\${7#*/}"; echo KILL-ME; sleep 60
  fi
  sleep 0.05
done
echo "pvmove ended before segment ${segment} could be interrupted:"; cat /tmp/pvmove.log; exit 1
`;
  const run = await runInGuest({ images: disks, script, killAtMarker: 'KILL-ME', timeoutMs: 180_000 });
  if (run.killed !== 'marker') fail('STATE', `the kernel's pvmove was not interrupted in segment ${segment} (${run.killed ?? `exit ${run.exitCode}`}):\n${run.output.slice(-3000)}`);
  const values = guestValues(run.output);
  return { regionsInSync: Number(values.REGIONS_IN_SYNC), regionsTotal: Number(values.REGIONS_TOTAL) };
}
