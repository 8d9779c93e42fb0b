// `lvmscope pvs|vgs|lvs DIR [-a] [--segments] [-o FIELDS] [--units U] [--nosuffix]
// [--reportformat basic|json]`: LVM2's reports of the workspace's VGs, field names, headings,
// alignment, units and JSON shape as LVM2 2.03 prints them. One difference on purpose: LVM2
// run with activation disabled prints `X` (unknown) in lv_attr's state columns, where
// lvmscope, which activates every LV it can, prints `a` (active).

import { Option, type Command } from 'commander';
import { LvmscopeError } from '../../../app/base/result';
import { selectFields, type ReportType } from '../../report/fields';
import { renderReport } from '../../report/format';
import { reportSource } from '../../report/rows';
import { selectObjects } from '../../report/select';
import { REPORT_UNITS, type ReportUnit } from '../../report/units';
import { findImage, withWorkspace } from '../workspace';
import { displayName } from '../../../app/session/views';

interface ReportFlags {
  all?: boolean;
  segments?: boolean;
  options: string[];
  units: ReportUnit;
  nosuffix?: boolean;
  reportformat: 'basic' | 'json';
  noheadings?: boolean;
}

const WHAT: Record<ReportType, string> = { pvs: 'physical volumes', vgs: 'volume groups', lvs: 'logical volumes' };
const NAMES: Record<ReportType, [string, string]> = {
  pvs: ['[pvs...]', 'only these PVs (pv2, pv2.img or DIR/pv2.img)'],
  vgs: ['[vgs...]', 'only these VGs'],
  lvs: ['[lvs...]', 'only these: a VG (all its LVs) or VG/LV'],
};

function reportVerb(type: ReportType) {
  return (program: Command) => {
    program
      .command(type)
      .description(`Report the workspace's ${WHAT[type]} as LVM2's ${type} does (same fields, headings and JSON).`)
      .argument('<dir>', 'the workspace folder')
      .argument(...NAMES[type])
      .option('-a, --all', 'show hidden LVs too, in brackets ([pvmove0])')
      .option('--segments', 'one row per segment')
      .option('-o, --options <fields>', 'fields, comma-separated: FIELDS replaces the columns, +FIELDS adds, -FIELDS removes', (v: string, prev: string[]) => [...prev, v], [] as string[])
      .addOption(new Option('--units <unit>', 'size unit: h (human, default), b, s, k, m, g, t').choices(REPORT_UNITS).default('h'))
      .option('--nosuffix', 'sizes without their unit letter')
      .addOption(new Option('--reportformat <format>', 'basic columns or LVM2-shaped JSON').choices(['basic', 'json']).default('basic'))
      .option('--noheadings', 'leave out the heading line')
      .action(async (dir: string, names: string[], flags: ReportFlags) => {
        let fields;
        try {
          fields = selectFields(type, !!flags.segments, flags.options);
        } catch (e) {
          program.commands.find((c) => c.name() === type)!.error(`error: ${(e as Error).message}`, { exitCode: 2 });
          return;
        }
        const text = await withWorkspace(type, dir, async (engine, view) => {
          const session = engine.session;
          if (!session) throw new LvmscopeError('INTERNAL', 'The workspace did not open.');
          // As LVM2 does, say on stderr what is wrong with the workspace (a missing PV, a damaged
          // metadata area), so a report that looks odd comes with its reason.
          for (const problem of view.problems) process.stderr.write(`  WARNING: ${problem.message.replace(/^([^:]+): (?=\1)/, '')}\n`);
          const source = selectObjects(type, reportSource(session), names, (ref) => {
            const image = findImage(view, ref);
            return image ? displayName(image) : null;
          }, view.path);
          return renderReport(type, source, fields, { all: !!flags.all, segments: !!flags.segments, units: flags.units, nosuffix: !!flags.nosuffix, format: flags.reportformat, headings: !flags.noheadings });
        });
        process.stdout.write(text);
      });
  };
}

export const pvsVerb = reportVerb('pvs');
export const vgsVerb = reportVerb('vgs');
export const lvsVerb = reportVerb('lvs');
