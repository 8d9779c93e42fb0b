// The words of the eight steps (DESIGN §1): narration sentences and the equivalent commands,
// built from real device names, numbers and tables. Kept apart from the runner so the story
// can be read (and reviewed) in one place.

import { STEP_NAMES } from '../api/move';

export { STEP_NAMES };

export interface StepWords {
  narration: string;
  commands: string[];
}

export interface StoryContext {
  lv: string;
  dmName: string;
  devno: string;
  tempName: string;
  tempDevno: string;
  /** "pv1 | pv2 | pv3": where the LV's extents are before the move. */
  beforeLayout: string;
  afterLayout: string;
  destinations: string;
  regionCount: number;
  regionSizeKiB: number;
  copyMiB: string;
}

function heredoc(command: string, lines: string[]): string[] {
  return [`${command} <<'TABLE'`, ...lines.map((l) => `  ${l}`), 'TABLE'];
}

export function stepWords(step: number, c: StoryContext, extra: { table?: string[]; seqno?: [number, number]; resumed?: boolean } = {}): StepWords {
  switch (step) {
    case 1:
      return {
        narration: `Suspend ${c.dmName} (${c.devno}): new IO to ${c.lv} is queued and IO already in flight drains (flush). Its table may now change.`,
        commands: [`dmsetup suspend ${c.dmName}`],
      };
    case 2:
      return {
        narration: `Create ${c.tempName} (${c.tempDevno}) with ${c.lv}'s original table (${c.beforeLayout}): the mirror will read the old data through it.`,
        commands: heredoc(`dmsetup create ${c.tempName}`, extra.table ?? []),
      };
    case 3:
      return {
        narration:
          `Load a new table into ${c.dmName}: identity targets onto ${c.tempName} for the parts that stay, a mirror (source leg ${c.tempName}, destination leg ${c.destinations}) for the part that moves.` +
          (extra.seqno ? ` The move is first recorded on disk (metadata seqno ${extra.seqno[0]} → ${extra.seqno[1]}: ${c.lv} LOCKED on the hidden pvmove0 mirror) so a crash can resume it.` : ''),
        commands: [...(extra.seqno ? [`# vg_write/precommit/commit: seqno ${extra.seqno[0]} → ${extra.seqno[1]} (pvmove0 added, ${c.lv} LOCKED)`] : []), ...heredoc(`dmsetup load ${c.dmName}`, extra.table ?? [])],
      };
    case 4:
      return {
        narration: `Resume ${c.dmName}: the mirror copies ${c.regionCount} regions of ${c.regionSizeKiB} KiB (${c.copyMiB} MiB) in the background. A write to a region not copied yet waits for that region's copy, then goes to both legs; reads come from the source leg.`,
        commands: [`dmsetup resume ${c.dmName}`, `dmsetup status ${c.dmName}`],
      };
    case 5:
      return {
        narration: extra.resumed
          ? `Nothing is left to copy for ${c.lv} (its runs were checkpointed before the interruption): suspend ${c.dmName} (flush).`
          : `Copying is complete: every region is on both legs. Suspend ${c.dmName} again (flush).`,
        commands: [`dmsetup suspend ${c.dmName}`],
      };
    case 6:
      return {
        narration: `Remove ${c.tempName}: it goes away as soon as ${c.dmName} stops using it (deferred removal, because ${c.dmName}'s current table still points at it).`,
        commands: [`dmsetup remove --deferred ${c.tempName}`],
      };
    case 7:
      return {
        narration: `Update the metadata on disk${extra.seqno ? ` (seqno ${extra.seqno[0]} → ${extra.seqno[1]})` : ''}: ${c.lv} = ${c.afterLayout}, no longer LOCKED; its runs leave pvmove0.`,
        commands: [`# vg_write/precommit/commit on every metadata area${extra.seqno ? `: seqno ${extra.seqno[0]} → ${extra.seqno[1]}` : ''}`],
      };
    case 8:
      return {
        narration: `Load the final table (${c.afterLayout}) into ${c.dmName} and resume: IO goes straight to the new PV and ${c.tempName} disappears.`,
        commands: [...heredoc(`dmsetup load ${c.dmName}`, extra.table ?? []), `dmsetup resume ${c.dmName}`],
      };
    default:
      return { narration: '', commands: [] };
  }
}
