// A constructed table: its targets with their private state, ready to map IO. Tables are
// immutable once built; a reload builds a new one (as dm does), so a live table never
// changes under running IO.

import type { TargetType } from './target';
import { formatTableLine } from './table';

export interface LoadedTarget {
  readonly index: number;
  readonly beginSector: number;
  readonly lengthSectors: number;
  readonly type: TargetType<unknown>;
  readonly state: unknown;
  /** The arguments as given, printed by `dmsetup table` when the target has no table formatter. */
  readonly args: readonly string[];
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

  /** `dmsetup table` lines. */
  formatTable(): string[] {
    return this.targets.map((t) => formatTableLine(t.beginSector, t.lengthSectors, t.type.name, t.type.status?.(t.state, 'table') ?? t.args.join(' ')));
  }

  /** `dmsetup status` lines. */
  formatStatus(): string[] {
    return this.targets.map((t) => formatTableLine(t.beginSector, t.lengthSectors, t.type.name, t.type.status?.(t.state, 'info') ?? ''));
  }

  destroy(): void {
    for (const t of this.targets) t.type.dtr?.(t.state);
  }
}
