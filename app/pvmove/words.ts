// The words of the steps of both stacks: narration sentences and the equivalent commands,
// built from real device names, numbers and tables. Kept apart from the strategies so each
// story can be read (and reviewed) in one place.

import { formatTable, type TableSpec } from '../dm/table';
import { heredoc, type StepWords } from './stack';

/** The outline's eight steps per LV (DESIGN §1): ids (after `<lv>/`) and names. */
export const OUTLINE_STEPS = [
  ['suspend', 'Suspend'],
  ['create-temp', 'Create temporary device'],
  ['load-mirror', 'Load identity + mirror table'],
  ['copy', 'Resume and copy'],
  ['suspend-copied', 'Suspend when copied'],
  ['remove-temp', 'Remove temporary device'],
  ['commit', 'Update metadata'],
  ['final-table', 'Load final table and resume'],
] as const;

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

export function outlineWords(step: number, c: StoryContext, extra: { table?: string[]; seqno?: [number, number]; seqnos?: number[]; resumed?: boolean; lastLv?: boolean } = {}): StepWords {
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
    case 7: {
      const seq = extra.seqnos && extra.seqnos.length > 1 ? ` (seqno ${extra.seqnos.join(' → ')})` : '';
      if (extra.lastLv) {
        return {
          narration: `Update the metadata on disk in LVM2's two finishing commits${seq}: first ${c.lv} = ${c.afterLayout}, no longer LOCKED, with pvmove0's segments turned to error; then pvmove0 is removed.`,
          commands: [`# vg_write/precommit/commit: ${c.lv} leaves pvmove0, whose segments become error${extra.seqnos?.[1] ? ` (seqno ${extra.seqnos[1]})` : ''}`, `# vg_write/precommit/commit: pvmove0 removed${extra.seqnos?.[2] ? ` (seqno ${extra.seqnos[2]})` : ''}`],
        };
      }
      return {
        narration: `Update the metadata on disk${seq}: ${c.lv} = ${c.afterLayout}, no longer LOCKED; its runs leave pvmove0.`,
        commands: [`# vg_write/precommit/commit on every metadata area${seq ? `: seqno ${extra.seqnos!.join(' → ')}` : ''}`],
      };
    }
    case 8:
      return {
        narration: `Load the final table (${c.afterLayout}) into ${c.dmName} and resume: IO goes straight to the new PV and ${c.tempName} disappears.`,
        commands: [...heredoc(`dmsetup load ${c.dmName}`, extra.table ?? []), `dmsetup resume ${c.dmName}`],
      };
    default:
      return { narration: '', commands: [] };
  }
}

// ---- the lvm2 stack (lvm2-format.md §6) ----

export interface Lvm2Story {
  vg: string;
  layerDm: string;
  layerDevno: string;
  users: Array<{ lv: string; dmName: string; devno: string; layout: string }>;
  segments: number;
  command: string;
  /** pvmove --atomic: one mirror over pvmove0_mimage_0 (sources) and _1 (destinations). */
  atomic: boolean;
}

export interface SegmentStory {
  /** 1-based pvmove0 segment number. */
  index: number;
  lv: string;
  les: string;
  extents: number;
  lengthSectors: number;
  regionSectors: number;
  regions: number;
  from: string;
  to: string;
}

const userNames = (c: Lvm2Story) => c.users.map((u) => u.dmName).join(', ');
const seqnoText = (s: [number, number] | undefined) => (s ? ` (seqno ${s[0]} → ${s[1]})` : '');

function tableLoads(tables: Record<string, TableSpec> | undefined, order: string[]): string[] {
  if (!tables) return [];
  return order.filter((name) => tables[name]).flatMap((name) => heredoc(`dmsetup load ${name}`, formatTable(tables[name])));
}

export const lvm2Words = {
  preload(c: Lvm2Story, tables: Record<string, TableSpec>, resumed: boolean): StepWords {
    const order = [c.layerDm, ...c.users.map((u) => u.dmName)];
    return {
      narration: resumed
        ? c.atomic
          ? `The metadata records an atomic move in progress: activate ${c.layerDm} (${c.layerDevno}) from it, as vgchange -ay does: its one mirror over ${c.layerDm}_mimage_0 and _1 is copied again from its start (a core log does not survive a crash, and an atomic move has no checkpoint); ${userNames(c)} get tables onto it, loaded inactive.`
          : `The metadata records a move in progress: activate ${c.layerDm} (${c.layerDevno}) from it, as vgchange -ay does. Checkpointed segments map to their destination, the first unfinished one is mirrored again from its start (a core log does not survive a crash), later ones map to their source; ${userNames(c)} get tables onto it, loaded inactive.`
        : `vg_write + vg_precommit: the new metadata (hidden LV pvmove0 with ${c.segments} mirror segment${c.segments === 1 ? '' : 's'}, ${userNames(c)} LOCKED and rerouted onto it) is written but not yet committed. Preload: create ${c.layerDm} (${c.layerDevno}) and load its table (${c.atomic ? `one mirror over the whole move, from ${c.layerDm}_mimage_0 on the sources to ${c.layerDm}_mimage_1 on the destinations, each created and loaded first` : 'segment 1 mirrored, the rest on their source'}), and load ${userNames(c)}'s new tables (their moving ranges onto ${c.layerDm}) into the inactive slot. Nothing is live yet.`,
      commands: [...(resumed ? [] : [`# ${c.command}: vg_write + vg_precommit`]), `dmsetup create ${c.layerDm} --notable`, ...tableLoads(tables, order)],
    };
  },
  suspend(c: Lvm2Story): StepWords {
    return {
      narration: `Suspend ${userNames(c)} (flush): new IO is queued, IO in flight drains. Nothing reads or writes the LVs while their tables change.`,
      commands: c.users.map((u) => `dmsetup suspend ${u.dmName}`),
    };
  },
  commit(c: Lvm2Story, seqno: [number, number] | undefined): StepWords {
    return {
      narration: `vg_commit${seqnoText(seqno)}: the move is on disk. From now on a crash resumes it (pvmove0 is in the metadata, ${c.users.map((u) => u.lv).join(', ')} LOCKED).`,
      commands: [`# vg_commit on every metadata area${seqno ? `: seqno ${seqno[0]} → ${seqno[1]}` : ''}`],
    };
  },
  resume(c: Lvm2Story): StepWords {
    return {
      narration: `Resume ${c.layerDm} first, then ${userNames(c)}: the lower device before the ones above it. The inactive tables become live; the LVs' IO goes through ${c.layerDm}, whose mirror starts copying the first unfinished segment in the background.`,
      commands: [`dmsetup resume ${c.layerDm}`, ...c.users.map((u) => `dmsetup resume ${u.dmName}`), `dmsetup status ${c.layerDm}`],
    };
  },
  copy(c: Lvm2Story, s: SegmentStory): StepWords {
    if (c.atomic) {
      return {
        narration: `Mirror all of pvmove0 at once (--atomic: ${s.extents} extents, ${mibText(s.lengthSectors)} MiB, one mirror from ${c.layerDm}_mimage_0 on the sources to ${c.layerDm}_mimage_1 on the destinations): ${s.regions} region${s.regions === 1 ? '' : 's'} of ${(s.regionSectors * 512) / 1024} KiB. No checkpoint is written on the way: until the finish, a crash or an abort puts everything back on the sources.`,
        commands: [`dmsetup status ${c.layerDm}`, `lvs -a -o name,copy_percent,devices ${c.vg}`],
      };
    }
    return {
      narration: `Mirror pvmove0 segment ${s.index} of ${c.segments} (${s.lv} LEs ${s.les}, ${mibText(s.lengthSectors)} MiB) from ${s.from} to ${s.to}: ${s.regions} region${s.regions === 1 ? '' : 's'} of ${(s.regionSectors * 512) / 1024} KiB. Only this segment is mirrored; writes to a region not copied yet go to the source, where the copy picks them up; the poll reads the mirror's status every interval.`,
      commands: [`dmsetup status ${c.layerDm}`, `lvs -a -o name,copy_percent,devices ${c.vg}`],
    };
  },
  checkpoint(c: Lvm2Story, s: SegmentStory, seqno: [number, number] | undefined, table: TableSpec): StepWords {
    return {
      narration: `Segment ${s.index} is in sync but the move is not finished: write extents_moved = ${s.extents} for it${seqnoText(seqno)} and reload ${c.layerDm}. Segment ${s.index} now maps straight to ${s.to}, segment ${s.index + 1} becomes the mirror (a fresh core log, every region out of sync). A crash from here on copies only what comes after segment ${s.index}.`,
      commands: [`# vg_write: pvmove0 segment ${s.index} extents_moved = ${s.extents}`, ...heredoc(`dmsetup load ${c.layerDm}`, formatTable(table)), ...c.users.map((u) => `dmsetup suspend ${u.dmName}`), `dmsetup suspend ${c.layerDm}`, `# vg_commit${seqno ? `: seqno ${seqno[0]} → ${seqno[1]}` : ''}`, `dmsetup resume ${c.layerDm}`, ...c.users.map((u) => `dmsetup resume ${u.dmName}`)],
    };
  },
  finish(c: Lvm2Story, seqno: [number, number] | undefined, tables: Record<string, TableSpec> | undefined): StepWords {
    return {
      narration: `Every segment is copied. ${c.atomic ? 'The next' : 'First'} finishing commit${seqnoText(seqno)}: ${c.users.map((u) => u.lv).join(', ')} take their destination extents directly (no longer LOCKED, adjacent segments merged)${c.atomic ? ', pvmove0_mimage_1 goes' : ''} and pvmove0 is left one error extent. The LVs are suspended, reloaded with their final tables and resumed; nothing uses ${c.layerDm} any more.`,
      commands: [`# vg_write: users resolved onto the destination, pvmove0 → one error extent`, ...tableLoads(tables, c.users.map((u) => u.dmName)), ...c.users.map((u) => `dmsetup suspend ${u.dmName}`), `# vg_commit${seqno ? `: seqno ${seqno[0]} → ${seqno[1]}` : ''}`, ...c.users.map((u) => `dmsetup resume ${u.dmName}`)],
    };
  },
  detach(c: Lvm2Story, seqno: [number, number] | undefined, tables: Record<string, TableSpec> | undefined): StepWords {
    return {
      narration: `The one mirror is in sync. LVM2 takes it apart first${seqnoText(seqno)}: ${c.layerDm} becomes linear on the destinations (pvmove0_mimage_1's extents), pvmove0_mimage_0 (the sources) and pvmove0_mimage_1 (now one error segment) are detached, visible LVs. The LVs still sit on ${c.layerDm}, which now maps straight to the destinations.`,
      commands: [`# vg_write: pvmove0 linear on the destinations, its images detached`, ...tableLoads(tables, [`${c.layerDm}_mimage_0`, `${c.layerDm}_mimage_1`, c.layerDm]), ...c.users.map((u) => `dmsetup suspend ${u.dmName}`), `dmsetup suspend ${c.layerDm}`, `# vg_commit${seqno ? `: seqno ${seqno[0]} → ${seqno[1]}` : ''}`, `dmsetup resume ${c.layerDm}`, ...c.users.map((u) => `dmsetup resume ${u.dmName}`)],
    };
  },
  releaseImages(c: Lvm2Story, images: [string, string], seqnos: number[]): StepWords {
    const seq = seqnos.length > 1 ? ` (seqno ${seqnos.join(' → ')})` : '';
    return {
      narration: `The detached images go, as LVM2 removes them${seq}: the detached state is committed once more, ${images[0]} (the sources) is deactivated and removed from the metadata, then ${images[1]} is deactivated.`,
      commands: [`# vg_write + vg_commit (detached images)`, `dmsetup remove ${images[0]}`, `# vg_write + vg_commit: pvmove0_mimage_0 removed`, `dmsetup remove ${images[1]}`],
    };
  },
  removeLayer(layerDm: string, seqno: [number, number] | undefined): StepWords {
    return {
      narration: `Second finishing commit${seqnoText(seqno)}: deactivate and remove ${layerDm}, then write the metadata without pvmove0. The source extents are free.`,
      commands: [`dmsetup remove ${layerDm}`, `# vg_write + vg_commit: pvmove0 removed${seqno ? ` (seqno ${seqno[0]} → ${seqno[1]})` : ''}`],
    };
  },
};

function mibText(sectors: number): string {
  return ((sectors * 512) / (1024 * 1024)).toFixed(1);
}
