// The VG real LVM2 2.03.16 wrote with stacked LVs (a raid1 with its rimage/rmeta sub-LVs, and
// a snapshot of `lin` with its cow `snap`; stacked-vg.txt is its vgcfgbackup), PV names for
// the planner, a command context, and `refusal` to catch the sentence a command refuses with.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LvmscopeError } from '../../../../app/base/result';
import { SeededRandom } from '../../../../app/base/clock';
import { parseVgText } from '../../../../app/lvm/model/vgCodec';
import type { PvNames } from '../../../../app/pvmove/plan';

export const stackedVg = parseVgText(readFileSync(path.join(__dirname, 'stacked-vg.txt'), 'utf8')).vg;

export const stackedNames: PvNames = {
  nameOf: (id) => `pv${stackedVg.pvs.findIndex((p) => p.id === id) + 1}`,
  idOf: (name) => stackedVg.pvs[Number(name.replace('pv', '')) - 1]?.id,
};

export const commandContext = () => ({ random: new SeededRandom(1), unixTime: 1_700_000_000, hostname: 'test' });

/** The LvmscopeError `action` throws; fails the test if it does not refuse. */
export function refusal(action: () => unknown): LvmscopeError {
  try {
    action();
  } catch (e) {
    if (e instanceof LvmscopeError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}
