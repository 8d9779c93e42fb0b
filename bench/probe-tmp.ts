import { performance } from 'node:perf_hooks';
import { Engine } from '../app/engine';
import { createNodeHost } from '../main/host';
import { HUGE, HUGE_MOVER } from './bigVg';
import { RecordingEncoder } from '../app/api/recording';
const pushMs = new Map<string, [number, number, number]>();
const orig = RecordingEncoder.prototype.push;
RecordingEncoder.prototype.push = function (this: RecordingEncoder, ev: any) {
  const a = performance.now();
  orig.call(this, ev);
  const d = performance.now() - a;
  const t = pushMs.get(ev.e) ?? [0, 0, 0];
  pushMs.set(ev.e, [t[0] + 1, t[1] + d, Math.max(t[2], JSON.stringify(ev.p).length)]);
};

const dir = process.argv[2];
const engine = new Engine(createNodeHost({ kind: 'cli', holderName: 'probe' }));
const t0 = performance.now();
const at = () => ((performance.now() - t0) / 1000).toFixed(1);
let changed = 0, changedBytes = 0, events = 0, eventBytes = 0;
engine.subscribe((name, payload) => {
  const b = JSON.stringify(payload).length;
  if (name === 'move.step') console.log(at(), 'step', (payload as any).index, (payload as any).state);
  else if (name === 'dm.changed') { changed++; changedBytes += b; }
  else if (name === 'dm.event') { events++; eventBytes += b; }
  else if (name === 'workspace.changed') console.log(at(), 'workspace.changed', b);
  else if (name === 'log') console.log(at(), 'log', (payload as any).message.slice(0, 120));
});
const view = await engine.handlers['workspace.open']({ path: dir });
console.log(at(), 'opened', view.vgs[0].lvs.length);
const vg = view.vgs[0];
const src = `pv${HUGE.pvs}`, dst = `pv${HUGE.pvs - 1}`; void vg;
if (process.argv[4] === 'resume') await engine.handlers['move.resume']({ vg: HUGE.vg, options: { rateBytesPerSec: 64 * 2 ** 20 } });
else await engine.handlers['move.start']({ request: { vg: HUGE.vg, lv: HUGE_MOVER.name, sources: [src], destinations: [dst], alloc: 'normal' }, options: { rateBytesPerSec: 64 * 2 ** 20, regionSizeSectors: HUGE_MOVER.regionSectors } });
console.log(at(), 'started');
const stop = performance.now() + Number(process.argv[3] ?? 180) * 1000;
while (performance.now() < stop) {
  await new Promise((r) => setTimeout(r, 5000));
  console.log([...pushMs].map(([k, v]) => `${k}:${v[0]}/${v[1].toFixed(0)}ms/max ${v[2]}B`).join(' '));
  console.log(at(), 'dm.changed', changed, changedBytes, 'dm.event', events, eventBytes, (await engine.handlers['move.state']({})).move?.step);
}
process.exit(0);
