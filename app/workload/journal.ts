// The write journal: the workload's record of what it wrote, kept beside the images so that a
// verify after a crash (or in another process) knows every acknowledged write. Before a write
// is issued its intent is appended (`I <vg>/<lv> <id> <sector> <count>`), after it is
// acknowledged its id (`A <id>`). Replaying the journal rebuilds the shadow models: a write
// with an intent but no acknowledgement is "in doubt" (it may or may not have landed).
// A demo fill starts a new journal (`R`), since it resets every LV to the demo pattern.

import type { Journal } from '../block/blockStore';
import { ShadowModel, type ShadowLv } from './shadow';

export const WRITE_JOURNAL = '.lvmscope-writes.log';

export interface JournalReplay {
  shadows: Map<string, ShadowModel>;
  /** The next unused write id. */
  nextWriteId: number;
}

export function lvKey(vg: string, lv: string): string {
  return `${vg}/${lv}`;
}

/** Rebuilds shadow models from journal text; `targets` describes each LV by key. */
export function replayJournal(text: string, targets: Map<string, ShadowLv>): JournalReplay {
  const shadows = new Map<string, ShadowModel>();
  for (const [key, t] of targets) shadows.set(key, new ShadowModel(t));
  const pending = new Map<number, { key: string; sector: number; count: number }>();
  let maxId = 0;
  for (const line of text.split('\n')) {
    const parts = line.split(' ');
    if (parts[0] === 'I' && parts.length === 5) {
      const id = Number(parts[2]);
      pending.set(id, { key: parts[1], sector: Number(parts[3]), count: Number(parts[4]) });
      maxId = Math.max(maxId, id);
    } else if (parts[0] === 'A' && parts.length === 2) {
      const id = Number(parts[1]);
      const p = pending.get(id);
      if (!p) continue;
      pending.delete(id);
      shadows.get(p.key)?.recordWrite(id, p.sector, p.count);
    }
  }
  for (const [id, p] of pending) shadows.get(p.key)?.recordInDoubt(id, p.sector, p.count);
  return { shadows, nextWriteId: maxId + 1 };
}

/** Appends intents and acknowledgements; intents are awaited before the write is issued. */
export class WriteJournal {
  constructor(private readonly journal: Journal) {}

  intent(key: string, writeId: number, sector: number, count: number): Promise<void> {
    return this.journal.append(`I ${key} ${writeId} ${sector} ${count}\n`);
  }

  acknowledged(writeId: number): Promise<void> {
    return this.journal.append(`A ${writeId}\n`);
  }

  close(): Promise<void> {
    return this.journal.close();
  }
}
