// The LV styles of the open VG (stable order: LVs as in the metadata; LVs that touch on a PV
// never share a style). PVs have no colour: their label and their row name them.
import { useMemo } from 'react';
import { lvStyles, touchingLvs, type LvStyle } from '../geometry/palette';
import { useAppStore } from '../storeContext';

export function useVgColors(): { lv: Map<string, LvStyle> } {
  const vg = useAppStore((s) => s.workspace.view?.vgs[0]);
  return useMemo(() => ({ lv: lvStyles(vg?.lvs.map((l) => l.name) ?? [], touchingLvs(vg?.pvs ?? [])) }), [vg]);
}
