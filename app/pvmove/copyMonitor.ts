// The copy monitor: follows each mirror a move copies with from the device-mapper's typed
// events (`region-range` for every range of regions that changes, `mirror-in-sync` once all are copied),
// the way LVM2's polling daemon follows `dmsetup status`. The move's progress, its crash cost
// and the moment a segment is done all come from here. The mirror's control is kept for what
// the views draw (region runs, held writes) and to learn that a mirror was destroyed before it
// finished (its table replaced or its device removed).

import type { DeviceMapper } from '../dm/deviceMapper';
import type { DmEvent } from '../dm/events';
import type { MirrorControl } from '../dm/targets/mirror';

/** One mirror target being followed. */
export class MirrorWatch {
  inSyncRegions: number;
  readonly nrRegions: number;
  readonly regionSizeSectors: number;
  private done = false;
  private resolveInSync: (() => void) | undefined;
  private readonly inSyncPromise: Promise<void>;

  constructor(
    readonly device: string,
    readonly targetIndex: number,
    readonly control: MirrorControl,
  ) {
    this.inSyncRegions = control.inSyncRegions;
    this.nrRegions = control.nrRegions;
    this.regionSizeSectors = control.regionSizeSectors;
    const copied = new Promise<void>((resolve) => (this.resolveInSync = resolve));
    if (control.isInSync) this.markInSync();
    // The control rejects when the mirror is destroyed before it is in sync.
    this.inSyncPromise = Promise.race([copied, control.awaitInSync()]);
    this.inSyncPromise.catch(() => undefined);
  }

  /** Resolves when every region is copied; rejects if the mirror is destroyed first. */
  inSync(): Promise<void> {
    return this.inSyncPromise;
  }

  get isInSync(): boolean {
    return this.done;
  }

  /** Sectors of this target in sync now. */
  get copiedSectors(): number {
    return Math.min(this.nrRegions * this.regionSizeSectors, this.inSyncRegions * this.regionSizeSectors);
  }

  onEvent(e: DmEvent): void {
    if (e.type === 'region-range') {
      this.inSyncRegions = e.inSyncRegions;
      if (e.inSyncRegions >= this.nrRegions) this.markInSync();
    } else if (e.type === 'mirror-in-sync') {
      this.inSyncRegions = this.nrRegions;
      this.markInSync();
    }
  }

  private markInSync(): void {
    this.done = true;
    this.inSyncRegions = this.nrRegions;
    this.resolveInSync?.();
  }
}

export class CopyMonitor {
  private readonly watches = new Set<MirrorWatch>();
  private readonly subscription: { dispose(): void };

  constructor(dm: DeviceMapper) {
    this.subscription = dm.events.on((e) => {
      if (e.type !== 'region-range' && e.type !== 'mirror-in-sync') return;
      for (const w of this.watches) if (w.device === e.device && w.targetIndex === e.targetIndex) w.onEvent(e);
    });
  }

  /** Starts following the mirror target `targetIndex` of `device` (its control from the loaded table). */
  watch(device: string, targetIndex: number, control: MirrorControl): MirrorWatch {
    const w = new MirrorWatch(device, targetIndex, control);
    this.watches.add(w);
    return w;
  }

  unwatch(w: MirrorWatch): void {
    this.watches.delete(w);
  }

  dispose(): void {
    this.watches.clear();
    this.subscription.dispose();
  }
}
