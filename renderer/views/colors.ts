// Colours of LVs and PVs for the open VG (stable order: LVs as in the metadata, PVs by name).
import { useMemo } from 'react';
import { colorMap, LV_PALETTE, PV_PALETTE } from '../geometry/extentMap';
import { useAppStore } from '../storeContext';

export function useVgColors(): { lv: Map<string, string>; pv: Map<string, string> } {
  const vg = useAppStore((s) => s.workspace.view?.vgs[0]);
  return useMemo(() => ({ lv: colorMap(vg?.lvs.map((l) => l.name) ?? [], LV_PALETTE), pv: colorMap(vg?.pvs.map((p) => p.name) ?? [], PV_PALETTE) }), [vg]);
}
