// The device-mapper stack as the engine's event stream says it is: a snapshot (dm.list on
// connect) plus every numbered dm event after it, applied in order, and the devices each
// dm.changed brings (status lines, open counts) put in
// (app/api/dmStream.ts). Each structural event (created, suspended, resumed, loaded, swapped,
// removed, remove deferred) is also kept as the device's newest change, so the panel flashes
// it, and as the recent history the diagram reads — even a suspend and a resume that happen
// within one batch are both seen.
import type { StateCreator } from 'zustand/vanilla';
import { DmStreamFollower, type DmChange, type DmSnapshot, type DmStreamEvent } from '../../app/api/dmStream';
import type { DmDeviceView } from '../../app/api/views';
import type { AppState } from './index';

export type DeviceChange = 'created' | 'suspended' | 'resumed' | 'loaded' | 'swapped' | 'removed' | 'remove deferred' | 'cleared';

const CHANGE_OF: Partial<Record<DmStreamEvent['type'], DeviceChange>> = {
  'device-created': 'created',
  'device-removed': 'removed',
  'remove-deferred': 'remove deferred',
  suspended: 'suspended',
  resumed: 'resumed',
  'table-loaded': 'loaded',
  'table-swapped': 'swapped',
  'inactive-cleared': 'cleared',
};

export interface DevicesSlice {
  devices: {
    list: DmDeviceView[];
    /** The stream and the last sequence number applied to `list`. */
    stream: number;
    seq: number;
    /** The newest change per device name, with its sequence number so a repeat flashes again. */
    changes: Record<string, { change: DeviceChange; seq: number }>;
  };
  /** A snapshot from dm.list; events newer than it are replayed on top. */
  applyDmSnapshot(snapshot: DmSnapshot): void;
  /** A dm.changed; 'missed' when it does not follow the devices held (then ask for dm.list). */
  applyDmChange(change: DmChange): 'applied' | 'missed';
  /** A batch of dm.event events, in order. */
  applyDmEvents(events: readonly DmStreamEvent[]): void;
  /** Shows recorded devices as they are (a presentation replays its history with it). */
  setDevices(list: DmDeviceView[]): void;
  /**
   * Puts the slice back as it was at an earlier instant (a replayed recording seeks), with a
   * follower that has seen nothing later: the events after that instant are applied again.
   */
  restoreDevices(devices: DevicesSlice['devices']): void;
}

/** The newest change per device after `events` (counters and region events are not changes). */
export function changesAfter(changes: DevicesSlice['devices']['changes'], events: readonly DmStreamEvent[]): DevicesSlice['devices']['changes'] {
  // One copy per batch, not per event: opening 10,000 LVs is 30,000 events over 10,000 names.
  let out: typeof changes | undefined;
  for (const e of events) {
    const change = CHANGE_OF[e.type];
    if (!change) continue;
    out ??= { ...changes };
    out[e.device] = { change, seq: e.seq };
  }
  return out ?? changes;
}

export const createDevicesSlice: StateCreator<AppState, [], [], DevicesSlice> = (set) => {
  // One follower per store: it keeps the events a late snapshot must be replayed with.
  let follower = new DmStreamFollower();
  const publish = (changes: DevicesSlice['devices']['changes']) => ({ devices: { list: follower.devices, stream: follower.stream, seq: follower.seq, changes } });
  return {
    devices: { list: [], stream: -1, seq: 0, changes: {} },
    applyDmChange: (change) => {
      let outcome: 'applied' | 'missed' = 'applied';
      set((s) => {
        const replayed = follower.applyChange(change);
        if (replayed === 'missed') {
          outcome = 'missed';
          return {};
        }
        return publish(changesAfter(s.devices.changes, replayed));
      });
      return outcome;
    },
    applyDmSnapshot: (snapshot) =>
      set((s) => {
        const replayed = follower.applySnapshot(snapshot);
        return publish(changesAfter(s.devices.changes, replayed));
      }),
    applyDmEvents: (events) =>
      set((s) => {
        const fresh = follower.applyEvents(events);
        if (fresh.length === 0) return {};
        return publish(changesAfter(s.devices.changes, fresh));
      }),
    setDevices: (list) => set((s) => ({ devices: { ...s.devices, list } })),
    restoreDevices: (devices) => {
      follower = new DmStreamFollower();
      if (devices.stream >= 0) follower.applySnapshot({ stream: devices.stream, seq: devices.seq, devices: devices.list });
      set({ devices });
    },
  };
};
