// fio over lvmscope's NBD export against fio over `nbdkit file` serving the same bytes (the
// LV's extents in the same image file, through nbdkit's offset filter): 4 KiB random
// read/write and 1 MiB sequential read/write, queue depth 1 and 16. Then the same jobs over
// lvmscope while the LV moves (a throttled pvmove that outlasts each run): throughput and p99
// latency against the run without a move. Runs alternate servers; the best of ROUNDS counts.
// The lvmscope server runs in this process (as `lvmscope serve --nbd` would), fio and nbdkit
// as child processes.
// Run: npx tsx bench/nbd.bench.ts   (ROUNDS=2, RUNTIME=5 seconds per fio run)

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Engine } from '../app/engine';
import { SeededRandom } from '../app/base/clock';
import { createDemo, type DemoLayout } from '../app/session/demo';
import { createNodeHost, nodeClock } from '../main/host';
import { nbdUri, startNbdServer } from '../main/nbd/server';

const run = promisify(execFile);
const DIR = path.join(path.dirname(new URL(import.meta.url).pathname), 'tmp', 'nbd');
const RESULTS = path.join(path.dirname(new URL(import.meta.url).pathname), 'results', 'nbd.md');
const MiB = 2 ** 20;
const LV_MIB = 256;
const ROUNDS = Number(process.env.ROUNDS ?? 2);
const RUNTIME = Number(process.env.RUNTIME ?? 5);

const LAYOUT: DemoLayout = {
  pvs: ['pv1.img', 'pv2.img'].map((image) => ({ image, sizeBytes: (LV_MIB + 8) * MiB })),
  vg: 'vg0',
  extentSizeBytes: 4 * MiB,
  lvs: [{ name: 'lv0', pieces: [{ extents: LV_MIB / 4, image: 'pv1.img' }] }],
};

interface Job {
  name: string;
  rw: string;
  bs: string;
  iodepth: number;
}

const JOBS: Job[] = [
  { name: '4 KiB randrw, QD1', rw: 'randrw', bs: '4k', iodepth: 1 },
  { name: '4 KiB randrw, QD16', rw: 'randrw', bs: '4k', iodepth: 16 },
  { name: '1 MiB sequential rw, QD1', rw: 'rw', bs: '1M', iodepth: 1 },
  { name: '1 MiB sequential rw, QD16', rw: 'rw', bs: '1M', iodepth: 16 },
];

interface Figures {
  /** Read + write bytes per second. */
  bytesPerSec: number;
  /** The worse of the read and write p99 completion latencies (ms). */
  p99Ms: number;
}

interface FioJson {
  jobs: Array<{ error: number; read: FioSide; write: FioSide }>;
}
interface FioSide {
  bw_bytes: number;
  io_bytes: number;
  clat_ns: { percentile?: Record<string, number> };
}

async function fio(uri: string, job: Job): Promise<Figures> {
  const args = ['--name=bench', '--ioengine=nbd', `--uri=${uri}`, `--rw=${job.rw}`, `--bs=${job.bs}`, `--iodepth=${job.iodepth}`, `--size=${LV_MIB}M`, '--time_based', `--runtime=${RUNTIME}`, '--output-format=json'];
  const { stdout } = await run('fio', args, { maxBuffer: 64 * MiB });
  const result = JSON.parse(stdout.slice(stdout.indexOf('{'))) as FioJson;
  const [j] = result.jobs;
  if (j.error) throw new Error(`fio ${job.name} on ${uri} failed with error ${j.error}`);
  const p99 = (side: FioSide) => (side.io_bytes ? (side.clat_ns.percentile?.['99.000000'] ?? 0) / 1e6 : 0);
  return { bytesPerSec: j.read.bw_bytes + j.write.bw_bytes, p99Ms: Math.max(p99(j.read), p99(j.write)) };
}

async function startNbdkit(image: string, socket: string, offsetBytes: number): Promise<ChildProcess> {
  rmSync(socket, { force: true });
  const child = spawn('nbdkit', ['--foreground', '--exit-with-parent', '-U', socket, '--filter=offset', 'file', image, `offset=${offsetBytes}`, `range=${LV_MIB * MiB}`], { stdio: 'ignore' });
  for (let i = 0; i < 200 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 25));
  if (!existsSync(socket)) throw new Error('nbdkit did not start');
  return child;
}

/** Starts a throttled move of lv0 to the other PV, slow enough to outlast one fio run. */
async function startMove(engine: Engine): Promise<void> {
  const view = await engine.handlers['workspace.view']({});
  const from = view.vgs[0].lvs.find((l) => l.name === 'lv0')!.segments[0].areas[0].target;
  const to = from === 'pv1' ? 'pv2' : 'pv1';
  const rate = Math.floor((LV_MIB * MiB) / (RUNTIME + 4));
  await engine.handlers['move.start']({ request: { vg: 'vg0', sources: [from], destinations: [to], alloc: 'normal' }, options: { rateBytesPerSec: rate } });
}

async function moveEnded(engine: Engine): Promise<void> {
  await engine.handlers['move.control']({ action: 'setRate', rateBytesPerSec: 0 });
  await engine.open().moves.whenFinished();
}

const best = (runs: Figures[]) => ({ bytesPerSec: Math.max(...runs.map((r) => r.bytesPerSec)), p99Ms: Math.min(...runs.map((r) => r.p99Ms)) });
const mibs = (v: number) => (v / MiB).toFixed(1);
const ratio = (a: number, b: number) => (b ? (a / b).toFixed(2) : '-');

async function main(): Promise<void> {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  const host = createNodeHost({ kind: 'test' });
  const quiet = () => undefined;
  await (await createDemo(DIR, host.storage(DIR), { clock: nodeClock, random: new SeededRandom(1), hostname: 'bench', holder: 'bench', log: quiet, onChange: quiet, onStep: quiet, onDmEvent: quiet }, LAYOUT, false)).close();
  const engine = new Engine(host);
  await engine.handlers['workspace.open']({ path: DIR });
  const server = await startNbdServer(engine, { kind: 'unix', path: path.join(DIR, 'lvmscope.sock') }, { log: quiet });
  const lvmscopeUri = nbdUri(server.address, 'vg0/lv0');
  // The LV is one segment at pv1's first extent: pe_start is where the demo puts it (1 MiB).
  const nbdkit = await startNbdkit(path.join(DIR, 'pv1.img'), path.join(DIR, 'nbdkit.sock'), MiB);
  const nbdkitUri = `nbd+unix:///?socket=${path.join(DIR, 'nbdkit.sock')}`;
  const rows: string[] = [];
  const moveRows: string[] = [];
  const load = os.loadavg()[0].toFixed(1);
  try {
    for (const job of JOBS) {
      const ours: Figures[] = [];
      const theirs: Figures[] = [];
      const moving: Figures[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        theirs.push(await fio(nbdkitUri, job));
        ours.push(await fio(lvmscopeUri, job));
        await startMove(engine);
        moving.push(await fio(lvmscopeUri, job));
        await moveEnded(engine);
        process.stderr.write(`${job.name} round ${round + 1}: nbdkit ${mibs(theirs.at(-1)!.bytesPerSec)} MiB/s, lvmscope ${mibs(ours.at(-1)!.bytesPerSec)} MiB/s, during a move ${mibs(moving.at(-1)!.bytesPerSec)} MiB/s\n`);
      }
      // The nbdkit comparison reads what lv0 holds on pv1; a move puts it on pv2, so move it back.
      const view = await engine.handlers['workspace.view']({});
      if (view.vgs[0].lvs.find((l) => l.name === 'lv0')!.segments[0].areas[0].target !== 'pv1') {
        await startMove(engine);
        await moveEnded(engine);
      }
      const o = best(ours);
      const t = best(theirs);
      const m = best(moving);
      rows.push(`| ${job.name} | ${mibs(t.bytesPerSec)} | ${mibs(o.bytesPerSec)} | **${ratio(o.bytesPerSec, t.bytesPerSec)}** | ${t.p99Ms.toFixed(2)} | ${o.p99Ms.toFixed(2)} |`);
      moveRows.push(`| ${job.name} | ${mibs(o.bytesPerSec)} | ${mibs(m.bytesPerSec)} | **${ratio(m.bytesPerSec, o.bytesPerSec)}** | ${o.p99Ms.toFixed(2)} | ${m.p99Ms.toFixed(2)} | **${ratio(m.p99Ms, o.p99Ms)}** |`);
    }
  } finally {
    nbdkit.kill();
    await server.close();
    await engine.dispose();
    rmSync(DIR, { recursive: true, force: true });
  }
  const text = `## NBD export: fio over lvmscope vs nbdkit, and during a move

Command: \`npx tsx bench/nbd.bench.ts\` (ROUNDS=${ROUNDS}, RUNTIME=${RUNTIME} s per fio run). A ${LV_MIB} MiB LV (one segment, 4 MiB extents) in image files; fio ${'`'}--ioengine=nbd --size=${LV_MIB}M --time_based${'`'} over lvmscope's export (\`vg0/lv0\` on a Unix socket, the server in the bench process, as \`lvmscope serve --nbd\`) and over \`nbdkit --filter=offset file pv1.img\` serving the same bytes. Runs alternate nbdkit / lvmscope / lvmscope during a move; best of the rounds. Throughput is read + write. lvmscope journals every client write (intent with one hash per sector, then the acknowledgement) so verify can check it; nbdkit writes the file and nothing else. Load average (1 min) at the start: ${load} on 2 cores shared with other work.

| job | nbdkit MiB/s | lvmscope MiB/s | ratio (goal ≥ 0.8) | nbdkit p99 ms | lvmscope p99 ms |
|---|---|---|---|---|---|
${rows.join('\n')}

During a move: the same jobs over lvmscope while lv0 moves to the other PV (throttled so the copy outlasts each run; region size 2 MiB: a write to a region not copied yet waits for its copy).

| job | no move MiB/s | during a move MiB/s | throughput ratio | no move p99 ms | during a move p99 ms | p99 ratio |
|---|---|---|---|---|---|---|
${moveRows.join('\n')}
`;
  mkdirSync(path.dirname(RESULTS), { recursive: true });
  writeFileSync(RESULTS, text);
  process.stdout.write(text);
}

void main().catch((e: unknown) => {
  process.stderr.write(`nbd bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
