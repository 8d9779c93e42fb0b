// LV → device-mapper tables as typed target specs, as LVM2 generates them (lib/activate/
// dev_manager.c, lib/mirror/mirrored.c): a linear segment maps to `linear <pv> <pe_start +
// pe × extent_size>`, a striped one to `striped <n> <chunk> <pv> <off>…`; start and length
// are in sectors of the LV. The dm layer prints them in dmsetup syntax where a person reads them.
//
// A segment that points at the pvmove layer is mapped straight onto the PV that holds its
// data now ("direct" activation): the destination if its layer segment was checkpointed
// (extents_moved = extent_count), else the source. That is where every acknowledged byte is
// (writes go to both legs once a region is copied), so the LV reads the same as it does
// through LVM2's pvmove0 device; lvmscope then resumes the move with its own step table.

import { LvmscopeError } from '../../base/result';
import type { LogicalVolume, PhysicalVolume, VolumeGroup } from '../model/types';
import { isOther, isStriped } from '../model/types';
import { findLv, lvMapping } from '../model/extentMap';
import type { TargetSpec } from '../../dm/table';

/** The major:minor of each PV's image device, by PV id. */
export type PvDevnos = (pvId: string) => string | undefined;

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

/** The table of a visible LV (direct activation). */
export function lvTable(vg: VolumeGroup, lvName: string, devnos: PvDevnos): TargetSpec[] {
  const lv = findLv(vg, lvName);
  if (!lv) throw new LvmscopeError('NOT_FOUND', `VG ${vg.name} has no LV named ${lvName}.`);
  const refusal = activationRefusal(lv);
  if (refusal) throw new LvmscopeError('UNSUPPORTED', refusal);
  const ext = vg.extentSizeSectors;
  const targets: TargetSpec[] = [];
  let mapping: ReturnType<typeof lvMapping> | undefined; // the whole LV's runs, mapped once, not per segment
  for (const seg of lv.segments) {
    if (isStriped(seg) && seg.stripes.length > 1) {
      const stripes = seg.stripes.map((a) => {
        if (a.kind !== 'pv') throw new LvmscopeError('UNSUPPORTED', `${lvName}: a striped segment on another LV is not supported.`);
        return { devno: devnoOf(vg, devnos, a.pvId, lvName), offsetSectors: pvOf(vg, a.pvId).peStartSectors + a.pe * ext };
      });
      targets.push({ type: 'striped', startSector: seg.startExtent * ext, lengthSectors: seg.extentCount * ext, chunkSectors: seg.stripeSizeSectors ?? 128, stripes });
      continue;
    }
    // Linear (possibly through the pvmove layer): one target per run of where the data is now.
    mapping ??= lvMapping(vg, lvName);
    for (const run of mapping.filter((r) => r.le >= seg.startExtent && r.le < seg.startExtent + seg.extentCount)) {
      if (run.mirror?.lvName === lvName && run.legs.length > 1) {
        targets.push(ownMirrorTarget(vg, lv, devnos, run));
        continue;
      }
      const moved = run.mirror ? (run.mirror.extentsMoved ?? 0) >= run.mirror.extentCount : false;
      const leg = run.legs[moved && run.legs.length > 1 ? 1 : 0];
      const device = { devno: devnoOf(vg, devnos, leg.pvId, lvName), offsetSectors: pvOf(vg, leg.pvId).peStartSectors + leg.pe * ext };
      targets.push({ type: 'linear', startSector: run.le * ext, lengthSectors: run.count * ext, device });
    }
  }
  return mergeLinearTargets(targets);
}

/**
 * An old-style `mirror` LV (LVM2's segtype "mirror": legs _mimage_N, a core or disk log) is a dm
 * mirror over every leg, as LVM2 activates it (lib/mirror/mirrored.c): writes go to every
 * leg, reads to leg 0, and every region starts out of sync and is recovered from leg 0 (no
 * recovery when LVM2 created it with --nosync). A disk log (`_mlog`) is kept in memory
 * instead: writes reach every leg either way, so the legs never diverge.
 */
function ownMirrorTarget(vg: VolumeGroup, lv: LogicalVolume, devnos: PvDevnos, run: ReturnType<typeof lvMapping>[number]): TargetSpec {
  const ext = vg.extentSizeSectors;
  const lengthSectors = run.count * ext;
  let regionSectors = run.mirror?.regionSizeSectors ?? 1024;
  while (regionSectors > lengthSectors && regionSectors > 2) regionSectors /= 2;
  const notSynced = lv.status.includes('NOTSYNCED') || lv.status.includes('LV_NOTSYNCED');
  return {
    type: 'mirror',
    startSector: run.le * ext,
    lengthSectors,
    regionSectors,
    sync: notSynced ? 'nosync' : 'default',
    legs: run.legs.map((leg) => ({ devno: devnoOf(vg, devnos, leg.pvId, lv.name), offsetSectors: pvOf(vg, leg.pvId).peStartSectors + leg.pe * ext })),
    handleErrors: false,
  };
}

/** Joins consecutive linear targets that continue on the same device (as one dm target). */
function mergeLinearTargets(targets: TargetSpec[]): TargetSpec[] {
  const out: TargetSpec[] = [];
  for (const t of targets) {
    const prev = out[out.length - 1];
    const continues =
      prev?.type === 'linear' &&
      t.type === 'linear' &&
      prev.device.devno === t.device.devno &&
      prev.device.offsetSectors + prev.lengthSectors === t.device.offsetSectors &&
      prev.startSector + prev.lengthSectors === t.startSector;
    if (continues) out[out.length - 1] = { ...prev, lengthSectors: prev.lengthSectors + t.lengthSectors };
    else out.push(t);
  }
  return out;
}
