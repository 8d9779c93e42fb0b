// The demo pattern in an imported VG's LVs, so `verify` proves a rehearsed move kept every byte
// it knows. Writing a 64 TiB VG's worth of pattern would cost 64 TiB, so the fill has a byte
// budget: every LV lvmscope can map is filled whole when all of them fit, else each gets the
// same share from its start (at least 4 KiB; LVs past the budget get nothing). One flush at the
// end: a flush per LV cost 5,000 fdatasyncs of every image. The write journal's demo records say exactly how
// many sectors of each LV hold the pattern, so verify checks those and nothing more. LVs whose
// segments lvmscope keeps verbatim (thin, raid, cache…) have no mapping here and stay sparse.

import { lvKey } from '../../workload/journal';
import { demoSectors } from '../../workload/pattern';
import type { WorkspaceSession } from '../../session/session';
import { lvExtentCount } from '../model/types';

export interface FillResult {
  /** "vg/lv": sectors filled from the LV's start. */
  filled: Map<string, number>;
  /** LVs lvmscope cannot map (unsupported segment types, hidden sub-LVs), left unfilled. */
  skipped: string[];
  bytes: number;
}

const CHUNK_SECTORS = 2048;
/** The smallest share worth writing: one 4 KiB page. */
const MIN_SHARE_SECTORS = 8;

export async function fillImportedLvs(session: WorkspaceSession, vgName: string, budgetBytes: number): Promise<FillResult> {
  const open = session.ws.getVg(vgName);
  const vg = open.vg;
  const mappable = vg.lvs.filter((lv) => lv.status.includes('VISIBLE') && session.lvDmName(vgName, lv.name));
  const skipped = vg.lvs.filter((lv) => lv.status.includes('VISIBLE') && !mappable.includes(lv)).map((lv) => lv.name);
  const extentSectors = vg.extentSizeSectors;
  const sizes = mappable.map((lv) => lvExtentCount(lv) * extentSectors);
  const total = sizes.reduce((a, b) => a + b, 0) * 512;
  const shareSectors = mappable.length ? Math.max(MIN_SHARE_SECTORS, Math.floor(budgetBytes / 512 / mappable.length)) : 0;
  const filled = new Map<string, number>();
  let bytes = 0;
  for (const [i, lv] of mappable.entries()) {
    const sectors = Math.min(total <= budgetBytes ? sizes[i] : Math.min(sizes[i], shareSectors), Math.floor((budgetBytes - bytes) / 512));
    if (sectors <= 0) break;
    const device = session.lvDevice(vgName, lv.name);
    for (let sector = 0; sector < sectors; sector += CHUNK_SECTORS) {
      const count = Math.min(CHUNK_SECTORS, sectors - sector);
      await device.write(sector, demoSectors(vgName, lv.name, extentSectors, sector, count));
    }
    filled.set(lvKey(vgName, lv.name), sectors);
    bytes += sectors * 512;
  }
  // The images are made durable once, then the journal says what they hold.
  for (const image of open.images.values()) await session.ws.storeOf(image).flush();
  const journal = await session.writeJournal();
  for (const lv of mappable) if (filled.has(lvKey(vgName, lv.name))) await journal.demoFilled(lvKey(vgName, lv.name), lv.id, filled.get(lvKey(vgName, lv.name))!);
  return { filled, skipped, bytes };
}
