// Structural checks of a VG model: what LVM's vg_validate refuses, and what would make the
// extent maps lie. Reading a VG runs this (CORRUPT); every command runs it on its result before
// committing (an INTERNAL bug if it fails there).

import { LvmscopeError, type ErrorCode } from '../../base/result';
import { lvMapping, pvExtentMaps } from './extentMap';
import { areaExtentCount, lvExtentCount, segmentAreas, type LogicalVolume, type VolumeGroup } from './types';

/** Every problem found, as sentences; empty when the VG is consistent. */
export function vgProblems(vg: VolumeGroup): string[] {
  const problems: string[] = [];
  const pvById = new Map(vg.pvs.map((pv) => [pv.id, pv]));
  if (pvById.size !== vg.pvs.length) problems.push(`VG ${vg.name} lists the same PV twice.`);
  if (new Set(vg.pvs.map((p) => p.key)).size !== vg.pvs.length) problems.push(`VG ${vg.name} uses the same PV section name twice.`);
  const lvByName = new Map(vg.lvs.map((lv) => [lv.name, lv]));
  if (lvByName.size !== vg.lvs.length) problems.push(`VG ${vg.name} has two LVs with the same name.`);
  for (const lv of vg.lvs) problems.push(...lvProblems(vg, lv, pvById, lvByName));
  for (const map of pvExtentMaps(vg)) {
    for (let i = 1; i < map.used.length; i++) {
      const a = map.used[i - 1];
      const b = map.used[i];
      if (b.pe < a.pe + a.count) problems.push(`${pvLabel(vg, map.pvId)}: extents ${b.pe}–${Math.min(a.pe + a.count, b.pe + b.count) - 1} are used by both ${a.lvName} and ${b.lvName}.`);
    }
  }
  if (problems.length === 0) {
    for (const lv of vg.lvs) {
      try {
        lvMapping(vg, lv.name);
      } catch (e) {
        if (e instanceof LvmscopeError) problems.push(e.message);
        else throw e;
      }
    }
  }
  return problems;
}

function pvLabel(vg: VolumeGroup, pvId: string): string {
  const pv = vg.pvs.find((p) => p.id === pvId);
  return `PV ${pv?.key ?? pvId} of VG ${vg.name}`;
}

function lvProblems(vg: VolumeGroup, lv: LogicalVolume, pvById: Map<string, { peCount: number; key: string }>, lvByName: Map<string, LogicalVolume>): string[] {
  const problems: string[] = [];
  let expected = 0;
  lv.segments.forEach((seg, i) => {
    const where = `LV ${vg.name}/${lv.name} segment${i + 1}`;
    if (seg.startExtent !== expected) problems.push(`${where} starts at extent ${seg.startExtent}, expected ${expected}.`);
    if (seg.extentCount <= 0) problems.push(`${where} is empty.`);
    expected = seg.startExtent + seg.extentCount;
    const count = areaExtentCount(seg);
    for (const area of segmentAreas(seg)) {
      if (area.kind === 'pv') {
        const pv = pvById.get(area.pvId);
        if (!pv) problems.push(`${where} refers to a PV that is not in the VG.`);
        else if (area.pe + count > pv.peCount) problems.push(`${where} uses extents ${area.pe}–${area.pe + count - 1} of ${pv.key}, which has only ${pv.peCount}.`);
      } else {
        const target = lvByName.get(area.lvName);
        if (!target) problems.push(`${where} refers to LV ${area.lvName}, which does not exist.`);
        else if (target === lv) problems.push(`${where} refers to its own LV.`);
        else if (area.le + count > lvExtentCount(target)) problems.push(`${where} uses extents ${area.le}–${area.le + count - 1} of LV ${area.lvName}, which has only ${lvExtentCount(target)}.`);
      }
    }
  });
  return problems;
}

/** Throws with all problems in one message when the VG is inconsistent. */
export function assertValidVg(vg: VolumeGroup, code: ErrorCode = 'CORRUPT'): void {
  const problems = vgProblems(vg);
  if (problems.length > 0) throw new LvmscopeError(code, `The metadata of VG ${vg.name} is inconsistent: ${problems.slice(0, 5).join(' ')}${problems.length > 5 ? ` (and ${problems.length - 5} more problems)` : ''}`);
}
