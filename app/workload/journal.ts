// The write journal: the workload's record of what it wrote, kept beside the images so that a
// verify after a crash (or in another process) knows every acknowledged write. Before a write
// is issued its intent is appended (`I <vg>/<lv> <id> <sector> <count>`), after it is
// acknowledged its id (`A <id>`). Replaying the journal rebuilds the shadow models: a write
// with an intent but no acknowledgement is "in doubt" (it may or may not have landed).
// A demo fill starts a new journal with one record per LV it filled (`D <vg>/<lv> <lv id>
// <sectors>`): only those sectors of that LV hold the demo pattern, so verify checks nothing
// it does not know was written (an extension by lvextend, a new LV).
// A write of an export client (NBD) has its own intent, `E <vg>/<lv> <id> <sector> <count>
// <hashes>`, with 8 hex digits of sectorHash per sector, since its bytes cannot be regenerated.

import type { Journal } from '../block/blockStore';
import { ShadowModel, type DemoExtent, type ShadowLv } from './shadow';
import { hashesFromText, hashesToText } from './sectorHash';

export const WRITE_JOURNAL = '.lvmscope-writes.log';

export interface JournalReplay {
  shadows: Map<string, ShadowModel>;
  /** The next unused write id. */
  nextWriteId: number;
  /**
   * LVs now shorter than their demo record says (lvreduce): the record must shrink with them
   * (a new demo record), or a later lvextend would pass off the new extents as demo-filled.
   */
  shrunk: Array<{ key: string; lvId: string; sectors: number }>;
}

export function lvKey(vg: string, lv: string): string {
  return `${vg}/${lv}`;
}

/**
 * Rebuilds shadow models from journal text; `targets` describes each LV by key. A write is in
 * doubt from its intent until its acknowledgement (so a write that failed, or was cut off by a
 * crash, stays in doubt until a later acknowledged write covers its sectors: the generator
 * never has two writes to one sector in flight, so journal order is write order per sector).
 * Only whole, well-formed records count: a last line without its newline (a record cut off by
 * a crash or a full disk) is ignored, so a truncated `A 12` never acknowledges write 1 or 12.
 */
export function replayJournal(text: string, targets: Map<string, ShadowLv>): JournalReplay {
  const lines = text.split('\n');
  lines.pop(); // '' after the last newline, or a record without its newline
  const demo = demoRecords(lines);
  const shadows = new Map<string, ShadowModel>();
  for (const [key, t] of targets) shadows.set(key, new ShadowModel(t, demoExtentOf(demo, key, t)));
  const pending = new Map<number, { key: string; sector: number; count: number; hashes?: Uint32Array }>();
  let maxId = 0;
  for (const line of lines) {
    const parts = line.split(' ');
    const external = parts[0] === 'E' && parts.length === 6 && parts.slice(2, 5).every(isCount) ? hashesFromText(parts[5], Number(parts[4])) : undefined;
    if (external) {
      const id = Number(parts[2]);
      const p = { key: parts[1], sector: Number(parts[3]), count: external.length, hashes: external };
      pending.set(id, p);
      shadows.get(p.key)?.recordExternalInDoubt(id, p.sector, external);
      maxId = Math.max(maxId, id);
    } else if (parts[0] === 'I' && parts.length === 5 && parts.slice(2).every(isCount)) {
      const id = Number(parts[2]);
      const p = { key: parts[1], sector: Number(parts[3]), count: Number(parts[4]) };
      pending.set(id, p);
      shadows.get(p.key)?.recordInDoubt(id, p.sector, p.count);
      maxId = Math.max(maxId, id);
    } else if (parts[0] === 'A' && parts.length === 2 && isCount(parts[1])) {
      const id = Number(parts[1]);
      const p = pending.get(id);
      if (!p) continue;
      pending.delete(id);
      if (p.hashes) shadows.get(p.key)?.recordExternalWrite(id, p.sector, p.hashes);
      else shadows.get(p.key)?.recordWrite(id, p.sector, p.count);
    }
  }
  const shrunk = [...targets]
    .filter(([key, t]) => t.lvId !== undefined && (demo?.get(key)?.lvId === t.lvId ? demo.get(key)!.sectors > t.sizeSectors : false))
    .map(([key, t]) => ({ key, lvId: t.lvId!, sectors: t.sizeSectors }));
  return { shadows, nextWriteId: maxId + 1, shrunk };
}

/** `D <vg>/<lv> <lv id> <sectors>` records, by LV key; undefined when the journal has none. */
function demoRecords(lines: string[]): Map<string, { lvId: string; sectors: number }> | undefined {
  let records: Map<string, { lvId: string; sectors: number }> | undefined;
  for (const line of lines) {
    const parts = line.split(' ');
    if (parts[0] !== 'D' || parts.length !== 4 || !isCount(parts[3])) continue;
    records ??= new Map();
    records.set(parts[1], { lvId: parts[2], sectors: Number(parts[3]) });
  }
  return records;
}

/** What the demo records say about one LV (nothing at all: 'unknown'; another LV of that name: 0). */
function demoExtentOf(records: ReturnType<typeof demoRecords>, key: string, target: ShadowLv): DemoExtent {
  if (!records) return 'unknown';
  const record = records.get(key);
  if (!record || (target.lvId !== undefined && record.lvId !== target.lvId)) return 0;
  return Math.min(record.sectors, target.sizeSectors);
}

/** The demo record of an LV filled with the demo pattern (written after the journal is reset). */
export function demoRecord(key: string, lvId: string, sectors: number): string {
  return `D ${key} ${lvId} ${sectors}\n`;
}

function isCount(text: string): boolean {
  return /^\d{1,15}$/.test(text);
}

/** Appends intents and acknowledgements; intents are awaited before the write is issued. */
export class WriteJournal {
  constructor(private readonly journal: Journal) {}

  intent(key: string, writeId: number, sector: number, count: number): Promise<void> {
    return this.journal.append(`I ${key} ${writeId} ${sector} ${count}\n`);
  }

  /** The intent of an export client's write: one sector hash per sector it writes. */
  externalIntent(key: string, writeId: number, sector: number, hashes: Uint32Array): Promise<void> {
    return this.journal.append(`E ${key} ${writeId} ${sector} ${hashes.length} ${hashesToText(hashes)}\n`);
  }

  acknowledged(writeId: number): Promise<void> {
    return this.journal.append(`A ${writeId}\n`);
  }

  demoFilled(key: string, lvId: string, sectors: number): Promise<void> {
    return this.journal.append(demoRecord(key, lvId, sectors));
  }

  close(): Promise<void> {
    return this.journal.close();
  }
}
