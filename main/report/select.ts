// The objects a report names, as LVM2's pvs/vgs/lvs take them after the options: `vgs vg0`,
// `lvs vg0` (every LV of vg0), `lvs vg0/lv0` (that LV; named, it is shown even when hidden),
// `pvs pv2` (the PV by image name). No names: everything. A name that matches nothing is
// an error sentence, as in LVM2 (which exits 5 with "Volume group … not found").

import { LvmscopeError } from '../../app/base/result';
import type { ReportType } from './fields';
import type { LvRow, ReportSource } from './rows';

/** Maps what the user typed for a PV (`pv2`, `pv2.img`, `DIR/pv2.img`) to its report name, or null. */
export type PvResolver = (ref: string) => string | null;

export function selectObjects(type: ReportType, source: ReportSource, names: string[], pvName: PvResolver, where: string): ReportSource {
  if (!names.length) return source;
  if (type === 'pvs') return { ...source, pvs: source.pvs.filter((p) => names.map((n) => resolvePv(n, source, pvName, where)).includes(p.pvName)) };
  const vgNames = source.vgs.map((v) => v.vgName);
  const knownVg = (vg: string) => {
    if (!vgNames.includes(vg)) throw new LvmscopeError('NOT_FOUND', `There is no volume group ${vg} in ${where}; the VGs are ${vgNames.join(', ') || '(none)'}${type === 'lvs' ? '; name an LV as VG/LV (like vg0/lv0)' : ''}.`);
  };
  const vgRefs = names.map((n) => n.replace(/^\/dev\//, '')).map((n) => (n.includes('/') ? { vg: n.slice(0, n.indexOf('/')), lv: n.slice(n.indexOf('/') + 1) } : { vg: n, lv: undefined }));
  vgRefs.forEach((r) => knownVg(r.vg));
  if (type === 'vgs') {
    const wanted = new Set(vgRefs.map((r) => r.vg));
    return { ...source, vgs: source.vgs.filter((v) => wanted.has(v.vgName)) };
  }
  const chosen = new Set<LvRow>();
  for (const ref of vgRefs) {
    const inVg = source.lvs.filter((l) => l.vgName === ref.vg && l.listed);
    if (ref.lv === undefined) {
      inVg.forEach((l) => chosen.add(l));
      continue;
    }
    const lv = inVg.find((l) => l.name === ref.lv);
    if (!lv) throw new LvmscopeError('NOT_FOUND', `There is no LV ${ref.vg}/${ref.lv}; the LVs of ${ref.vg} are ${inVg.filter((l) => !l.hidden).map((l) => l.name).join(', ') || '(none)'}.`);
    // An LV named outright is shown even when hidden, as LVM2 shows `lvs vg/pvmove0`.
    chosen.add({ ...lv, hidden: false });
  }
  return { ...source, lvs: source.lvs.flatMap((l) => [...chosen].filter((c) => c.vgName === l.vgName && c.name === l.name).slice(0, 1)) };
}

function resolvePv(ref: string, source: ReportSource, pvName: PvResolver, where: string): string {
  const name = pvName(ref);
  if (!name || !source.pvs.some((p) => p.pvName === name)) {
    const known = source.pvs.map((p) => p.pvName).join(', ') || '(none)';
    throw new LvmscopeError('NOT_FOUND', `There is no PV named ${ref} in ${where}; the PVs are ${known} (an image without any LVM label becomes a PV with lvmscope pvcreate; one whose label is damaged, named in the warnings, needs LVM2's pvck --repair instead, since pvcreate would give it a new identity).`);
  }
  return name;
}
