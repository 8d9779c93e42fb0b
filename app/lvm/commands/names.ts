// Name rules as LVM2 applies them (lib/misc/lvm-string.c validate_name and
// apply_lvname_restrictions): allowed characters, no leading hyphen, no "."/"..", length, and
// the prefixes and substrings LVM reserves for its hidden sub-LVs. One more limit is not in
// validate_name: LVM2 2.03 refuses an LV whose VG and LV names together exceed 124 characters
// ("Internal error: LV name "vg/lv" length 128 is not supported" from lvcreate, and vgck on
// metadata that holds one); measured with real lvcreate for VG names of 3 and 10 characters,
// dashes counting once.

import { LvmscopeError } from '../../base/result';
import { UUID_NEW_CHARS } from '../format/layout';
import type { Random } from '../../base/clock';

/** NAME_LEN is 128 including the NUL. */
export const MAX_NAME_LENGTH = 127;
/** The VG name and the LV name together, as real LVM2 2.03 accepts them. */
export const MAX_VG_PLUS_LV_LENGTH = 124;
const RESERVED_LV_PREFIXES = ['snapshot', 'pvmove'];
const RESERVED_LV_SUBSTRINGS = ['_cdata', '_cmeta', '_corig', '_iorig', '_imeta', '_mimage', '_mlog', '_pmspare', '_rimage', '_rmeta', '_tdata', '_tmeta', '_vdata', '_vorigin', '_wcorig'];

function checkCommon(name: string, what: string): void {
  const invalid = (why: string): never => {
    throw new LvmscopeError('INVALID', `"${name}" is not a valid ${what} name: ${why}.`);
  };
  if (name.length === 0) invalid('it is empty');
  if (name.startsWith('-')) invalid('it may not start with a hyphen');
  if (name === '.' || name === '..') invalid('"." and ".." are reserved');
  if (!/^[a-zA-Z0-9+_.-]+$/.test(name)) invalid('only the characters a-z A-Z 0-9 + _ . - are allowed');
  if (name.length > MAX_NAME_LENGTH) invalid(`it is longer than ${MAX_NAME_LENGTH} characters`);
}

/**
 * Entries every Linux /dev holds. LVM2's vgcreate refuses a VG whose /dev/<vg> folder would
 * collide with one ("/dev/mapper: already exists in filesystem"); lvmscope refuses these
 * wherever it runs, so its images work on any host.
 */
const DEV_ENTRIES = ['block', 'char', 'console', 'core', 'cpu', 'disk', 'fd', 'full', 'input', 'kmsg', 'mapper', 'mem', 'net', 'null', 'ptmx', 'pts', 'random', 'shm', 'stderr', 'stdin', 'stdout', 'tty', 'urandom', 'zero'];

export function validateVgName(name: string): void {
  checkCommon(name, 'volume group');
  if (DEV_ENTRIES.includes(name)) {
    throw new LvmscopeError('INVALID', `"${name}" is not a valid volume group name: /dev/${name} already exists on every Linux system, and a VG's LVs live in /dev/<VG name>.`);
  }
}

/** Checks an LV name; with `vgName`, also that the two fit together. */
export function validateLvName(name: string, vgName?: string): void {
  checkCommon(name, 'logical volume');
  if (vgName !== undefined) checkFullNameLength(vgName, name);
  const prefix = RESERVED_LV_PREFIXES.find((p) => name.startsWith(p));
  if (prefix) throw new LvmscopeError('INVALID', `"${name}" is not a valid logical volume name: names starting with "${prefix}" are reserved for LVM.`);
  const part = RESERVED_LV_SUBSTRINGS.find((s) => name.includes(s));
  if (part) throw new LvmscopeError('INVALID', `"${name}" is not a valid logical volume name: names containing "${part}" are reserved for LVM's hidden volumes.`);
}

/** LVM2 refuses an LV whose VG and LV names are longer than 124 characters together. */
export function checkFullNameLength(vgName: string, lvName: string): void {
  const total = vgName.length + lvName.length;
  if (total > MAX_VG_PLUS_LV_LENGTH) {
    throw new LvmscopeError('INVALID', `"${vgName}/${lvName}" is too long: LVM2 allows at most ${MAX_VG_PLUS_LV_LENGTH} characters for the VG and LV names together (these have ${total}); choose a shorter name.`);
  }
}

/** A new 32-character id drawn from LVM's 62-character alphabet. */
export function newUuid(random: Random): string {
  let id = '';
  for (let i = 0; i < 32; i++) id += UUID_NEW_CHARS[random.int(UUID_NEW_CHARS.length)];
  return id;
}
