// The API of rehearsals (issue 18): import a volume group from its vgcfgbackup text into a new
// workspace, the badge an imported workspace carries, and a planned move as a bash script for
// the real system. Texts travel whole: the renderer reads the files the user picked, so the
// engine never reads a path on the user's machine that the user did not choose.

import { z } from 'zod';
import { MoveRequest } from './move';

/** 32 MiB: a backup of 5,000 LVs is a few MiB; anything far larger is not a backup. */
const MAX_TEXT = 32 * 1024 * 1024;

const NamedText = z.object({
  /** The file's name as the user picked it (messages name it). */
  name: z.string().min(1, 'the file needs a name').max(1024),
  text: z.string().min(1, 'the file is empty').max(MAX_TEXT, 'the file is larger than 32 MiB, too large for a vgcfgbackup or pvs report'),
}).strict();

export const ImportParams = z.object({
  /** The new workspace folder (absolute; missing or empty). */
  path: z.string().min(1, 'a workspace path is required').max(4096),
  /** The vgcfgbackup file (/etc/lvm/backup/VG). */
  backup: NamedText,
  /** `pvs --reportformat json --units b -o +pv_uuid,pv_mda_size,pv_mda_count,…`, for what a backup does not record. */
  report: NamedText.optional(),
  /** Drop NBD clients of the open workspace instead of refusing (see workspace.open). */
  disconnectClients: z.boolean().optional(),
}).strict();
export type ImportParams = z.input<typeof ImportParams>;

export const RehearsalView = z.object({
  /** "rehearsal of vg0 from db7 2026-11-30", or null when the open workspace was not imported. */
  badge: z.string().nullable(),
  /** What was imported ("backup vg0.vg"), when imported. */
  source: z.string().nullable(),
});
export type RehearsalView = z.infer<typeof RehearsalView>;

export const ScriptParams = z.object({
  /**
   * The move, exactly as move.plan takes it; left out, the plan of the running or last move
   * (the one rehearsed: planning its request again after it ran would plan something else).
   */
  request: MoveRequest.optional(),
  /** The copy rate measured on the real disks, for the time estimate; none = no estimate. */
  rateBytesPerSec: z.number().int().positive('the rate must be a whole number of bytes per second, more than zero').optional(),
}).strict();
export type ScriptParams = z.input<typeof ScriptParams>;

export const ScriptView = z.object({
  script: z.string(),
  /** `<vg>-pvmove.sh`. */
  fileName: z.string(),
  /** Where LVM2 would behave differently from the rehearsal, a sentence each (also NOTE lines of the script). */
  differences: z.array(z.string()),
});
export type ScriptView = z.infer<typeof ScriptView>;
