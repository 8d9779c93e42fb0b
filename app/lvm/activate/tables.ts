// LV → device-mapper tables, in dmsetup syntax, as LVM2 generates them (lib/activate/
// dev_manager.c, lib/mirror/mirrored.c): a linear segment maps to `linear <pv> <pe_start +
// pe × extent_size>`, a striped one to `striped <n> <chunk> <pv> <off>…`. Lines are
// `<start> <length> <type> <params>` with start/length in sectors of the LV.
//
// A segment that points at the pvmove layer is mapped straight onto the PV that holds its
// data now ("direct" activation): the destination if its layer segment was checkpointed
// (extents_moved = extent_count), else the source. That is where every acknowledged byte is
// (writes go to both legs once a region is copied), so the LV reads the same as it does
// through LVM2's pvmove0 device; lvmscope then resumes the move with its own step table.

import { LvmscopeError } from '../../base/result';
import type { LogicalVolume, PhysicalVolume, VolumeGroup } from '../model/types';
import { isOther, isStriped } from '../model/types';
import { lvMapping } from '../model/extentMap';

/** The major:minor of each PV's image device, by PV id. */
export type PvDevnos = (pvId: string) => string | undefined;

export interface TableLine {
  startSector: number;
  lengthSectors: number;
  text: string;
}

function pvOf(vg: VolumeGroup, pvId: string): PhysicalVolume {
  const pv = vg.pvs.find((p) => p.id === pvId);
  if (!pv) throw new LvmscopeError('CORRUPT', `A segment refers to PV ${pvId}, which is not in VG ${vg.name}.`);
  return pv;
}

function devnoOf(vg: VolumeGroup, devnos: PvDevnos, pvId: string, lv: string): string {
  const devno = devnos(pvId);
  if (!devno) throw new LvmscopeError('STATE', `${lv} cannot be activated: PV ${pvId} of ${vg.name} is missing.`);
  return devno;
}

/** Why an LV cannot be activated by lvmscope, or undefined if it can. */
export function activationRefusal(lv: LogicalVolume): string | undefined {
  const other = lv.segments.find(isOther);
  if (other) return `${lv.name} has a ${other.type} segment (${other.reason}); lvmscope shows it but does not activate it.`;
  return undefined;
}

/** The table lines of a visible LV (direct activation). */
export function lvTable(vg: VolumeGroup, lvName: string, devnos: PvDevnos): TableLine[] {
  const lv = vg.lvs.find((l) => l.name === lvName);
  if (!lv) throw new LvmscopeError('NOT_FOUND', `VG ${vg.name} has no LV named ${lvName}.`);
  const refusal = activationRefusal(lv);
  if (refusal) throw new LvmscopeError('UNSUPPORTED', refusal);
  const ext = vg.extentSizeSectors;
  const lines: TableLine[] = [];
  for (const seg of lv.segments) {
    if (isStriped(seg) && seg.stripes.length > 1) {
      const parts = seg.stripes.map((a) => {
        if (a.kind !== 'pv') throw new LvmscopeError('UNSUPPORTED', `${lvName}: a striped segment on another LV is not supported.`);
        return `${devnoOf(vg, devnos, a.pvId, lvName)} ${pvOf(vg, a.pvId).peStartSectors + a.pe * ext}`;
      });
      const start = seg.startExtent * ext;
      const len = seg.extentCount * ext;
      lines.push({ startSector: start, lengthSectors: len, text: `${start} ${len} striped ${seg.stripes.length} ${seg.stripeSizeSectors ?? 128} ${parts.join(' ')}` });
      continue;
    }
    // Linear (possibly through the pvmove layer): one line per run of where the data is now.
    for (const run of lvMapping(vg, lvName).filter((r) => r.le >= seg.startExtent && r.le < seg.startExtent + seg.extentCount)) {
      const moved = run.mirror ? (run.mirror.extentsMoved ?? 0) >= run.mirror.extentCount : false;
      const leg = run.legs[moved && run.legs.length > 1 ? 1 : 0];
      const start = run.le * ext;
      const len = run.count * ext;
      const offset = pvOf(vg, leg.pvId).peStartSectors + leg.pe * ext;
      lines.push({ startSector: start, lengthSectors: len, text: `${start} ${len} linear ${devnoOf(vg, devnos, leg.pvId, lvName)} ${offset}` });
    }
  }
  return mergeLinearLines(lines);
}

/** Joins consecutive linear lines that continue on the same device (as one dm target). */
function mergeLinearLines(lines: TableLine[]): TableLine[] {
  const out: TableLine[] = [];
  for (const line of lines) {
    const prev = out[out.length - 1];
    const a = prev && /^(\d+) (\d+) linear (\S+) (\d+)$/.exec(prev.text);
    const b = /^(\d+) (\d+) linear (\S+) (\d+)$/.exec(line.text);
    if (a && b && a[3] === b[3] && Number(a[4]) + Number(a[2]) === Number(b[4]) && prev.startSector + prev.lengthSectors === line.startSector) {
      const len = prev.lengthSectors + line.lengthSectors;
      out[out.length - 1] = { startSector: prev.startSector, lengthSectors: len, text: `${prev.startSector} ${len} linear ${a[3]} ${a[4]}` };
      continue;
    }
    out.push(line);
  }
  return out;
}

export function tableText(lines: TableLine[]): string {
  return lines.map((l) => l.text).join('\n');
}
