// lvmscope's side of the kernel interop tests: an Engine on a real workspace folder, used as a
// host uses it (handlers + engine.session), plus the glue that turns its workspace into guest
// disks and its dm tables into the same symbolic form as the kernel's (kernelLvm.ts).
//
// Guest disks are named after the image file without ".img", so both sides name a PV alike.

import { Engine } from '../../app/engine';
import { formatTable } from '../../app/dm/table';
import { demoSectors } from '../../app/workload/pattern';
import { createNodeHost } from '../../main/host';

// Building a VG needs no Engine; it lives apart so tests that only build images do not load one.
export { lvmscopeCommands, workspaceImages } from './lvmscopeLvm';

const CHUNK_SECTORS = 8192; // 4 MiB per IO when filling or reading an LV

export function newEngine(): Engine {
  return new Engine(createNodeHost({ kind: 'test' }));
}

/** Fills every sector of an active LV with the demo pattern, through lvmscope's LV device. */
export async function fillDemoPattern(engine: Engine, vg: string, lv: string, extentSectors: number): Promise<void> {
  const device = engine.session!.lvDevice(vg, lv);
  for (let sector = 0; sector < device.sizeSectors; sector += CHUNK_SECTORS) {
    const count = Math.min(CHUNK_SECTORS, device.sizeSectors - sector);
    await device.write(sector, demoSectors(vg, lv, extentSectors, sector, count));
  }
  await device.flush();
}

/** Every byte of an active LV as lvmscope's own device-mapper stack reads it. */
export async function readLvThroughLvmscope(engine: Engine, vg: string, lv: string): Promise<Uint8Array> {
  const device = engine.session!.lvDevice(vg, lv);
  const out = new Uint8Array(device.sizeSectors * 512);
  for (let sector = 0; sector < device.sizeSectors; sector += CHUNK_SECTORS) {
    const count = Math.min(CHUNK_SECTORS, device.sizeSectors - sector);
    out.set(await device.read(sector, count), sector * 512);
  }
  return out;
}

/**
 * The live tables lvmscope reports (`dm.list`) for the named dm devices, with device numbers
 * replaced by image names (without ".img") or dm names, as symbolicTables does for the kernel.
 */
export async function lvmscopeSymbolicTables(engine: Engine, dmNames: readonly string[]): Promise<Record<string, string>> {
  const view = await engine.handlers['workspace.view']({});
  const { devices } = await engine.handlers['dm.list']({});
  const names = new Map<string, string>();
  for (const vg of view.vgs) for (const pv of vg.pvs) names.set(pv.devno, pv.image.replace(/\.img$/, ''));
  for (const d of devices) names.set(d.devno, d.name);
  const symbolic = (line: string) => line.replace(/\b(\d+:\d+)\b/g, (devno) => names.get(devno) ?? devno);
  const out: Record<string, string> = {};
  for (const name of dmNames) {
    const device = devices.find((d) => d.name === name);
    out[name] = device?.live ? formatTable(device.live).map(symbolic).join('\n') : '(no live table in lvmscope)';
  }
  return out;
}

/** Polls move.state until the move is done, aborted or failed. */
export async function waitForMoveEnd(engine: Engine, timeoutMs = 120_000) {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    const { move } = await engine.handlers['move.state']({});
    if (move && ['done', 'aborted', 'failed'].includes(move.status)) return move;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the lvmscope move did not end within ${timeoutMs / 1000} s`);
}
