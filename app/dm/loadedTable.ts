// A constructed table: its targets with their private state, ready to map IO, and the typed
// spec it was built from. Tables are immutable once built; a reload builds a new one (as dm
// does), so a live table never changes under running IO.

import { LvmscopeError } from '../base/result';
import type { AnyTargetType } from './target';
import { formatTableLine, formatTarget, type TableSpec, type TargetSpec } from './table';
import { mirrorTarget, type MirrorControl, type MirrorState } from './targets/mirror';

export interface LoadedTarget {
  readonly index: number;
  readonly beginSector: number;
  readonly lengthSectors: number;
  readonly type: AnyTargetType;
  readonly state: unknown;
  /** What the target was constructed from; `dmsetup table` prints it. */
  readonly spec: TargetSpec;
  /** IO is split at multiples of this many sectors from the target's start; 0 = no limit. */
  readonly maxIoSectors: number;
}

export class LoadedTable {
  readonly sizeSectors: number;
  private readonly begins: number[];

  constructor(
    readonly targets: readonly LoadedTarget[],
    /** Devnos of the devices this table opened (each counts once per table, as dm_get_device). */
    readonly references: ReadonlySet<string>,
  ) {
    const last = targets[targets.length - 1];
    this.sizeSectors = last.beginSector + last.lengthSectors;
    this.begins = targets.map((t) => t.beginSector);
  }

  /** The table as it was loaded. */
  get spec(): TableSpec {
    return this.targets.map((t) => t.spec);
  }

  /** Index of the target covering `sector` (which must be inside the table). */
  find(sector: number): number {
    let lo = 0;
    let hi = this.begins.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.begins[mid] <= sector) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * The control of the mirror target at `index` of this very table. Whoever loaded the table
   * holds it and asks by index, so it never has to find its mirror by looking at text.
   */
  mirror(index: number): MirrorControl {
    const target = this.targets[index];
    if (!target || target.type !== mirrorTarget) throw new LvmscopeError('NOT_FOUND', `Target ${index} of this table is ${target ? `a ${target.type.name} target` : 'missing'}, not a mirror.`);
    return (target.state as MirrorState).control;
  }

  /** `dmsetup table` lines. */
  formatTable(): string[] {
    return this.targets.map((t) => formatTarget(t.spec));
  }

  /** `dmsetup status` lines. */
  formatStatus(): string[] {
    return this.targets.map((t) => formatTableLine(t.beginSector, t.lengthSectors, t.type.name, t.type.status?.(t.state) ?? ''));
  }

  destroy(): void {
    for (const t of this.targets) t.type.dtr?.(t.state);
  }
}
