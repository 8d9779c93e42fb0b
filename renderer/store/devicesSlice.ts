// The device-mapper stack as the engine last reported it (dm.list / dm.changed), plus what
// changed in each device since the previous report (suspend, resume, table load, swap,
// create, remove), so the panel can flash a change as it happens.
import type { StateCreator } from 'zustand/vanilla';
import { formatTable, type DmDeviceView, type TargetSpecView } from '../../app/api/views';
import type { AppState } from './index';

export type DeviceChange = 'created' | 'suspended' | 'resumed' | 'loaded' | 'swapped' | 'removed' | 'remove deferred';

export interface DevicesSlice {
  devices: {
    list: DmDeviceView[];
    /** The newest change per device name, with a sequence number so a repeat flashes again. */
    changes: Record<string, { change: DeviceChange; seq: number }>;
    seq: number;
  };
  setDevices(list: DmDeviceView[]): void;
}

/** What happened to a device between two reports (null if only counters moved). */
export function deviceChange(before: DmDeviceView | undefined, after: DmDeviceView | undefined): DeviceChange | null {
  if (!before && after) return 'created';
  if (before && !after) return 'removed';
  if (!before || !after) return null;
  if (before.state !== after.state) return after.state === 'SUSPENDED' ? 'suspended' : 'resumed';
  const same = (a: TargetSpecView[] | null, b: TargetSpecView[] | null) => formatTable(a ?? []).join('\n') === formatTable(b ?? []).join('\n') && (a === null) === (b === null);
  if (!same(before.live, after.live)) return 'swapped';
  if (!same(before.inactive, after.inactive) && after.inactive) return 'loaded';
  if (!before.deferredRemove && after.deferredRemove) return 'remove deferred';
  return null;
}

export const createDevicesSlice: StateCreator<AppState, [], [], DevicesSlice> = (set) => ({
  devices: { list: [], changes: {}, seq: 0 },
  setDevices: (list) =>
    set((s) => {
      const before = new Map(s.devices.list.map((d) => [d.name, d]));
      const after = new Map(list.map((d) => [d.name, d]));
      const changes = { ...s.devices.changes };
      let seq = s.devices.seq;
      for (const name of new Set([...before.keys(), ...after.keys()])) {
        const change = deviceChange(before.get(name), after.get(name));
        if (change) changes[name] = { change, seq: ++seq };
      }
      return { devices: { list, changes, seq } };
    }),
});
