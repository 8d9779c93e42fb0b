// Renders a report as LVM2 does: `basic` (two-space indent, one space between columns, every
// column padded to its width, numbers right-aligned, headings left-aligned) or `json`
// (`{"report":[{"lv":[{…}]}]}` laid out like LVM2's, every value a string).

import { formatSize, type ReportUnit } from './units';
import type { Field, ReportType, RowContext } from './fields';
import type { ReportSource } from './rows';

export interface ReportOptions {
  all: boolean;
  segments: boolean;
  units: ReportUnit;
  nosuffix: boolean;
  format: 'basic' | 'json';
  headings?: boolean;
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The rows of a report, sorted as LVM2 sorts them (pv_name; vg_name; vg_name, lv_name, start). */
export function reportRows(type: ReportType, source: ReportSource, fields: Field[], options: Pick<ReportOptions, 'all' | 'segments'>): RowContext[] {
  if (type === 'vgs') return [...source.vgs].sort((a, b) => byName(a.vgName, b.vgName)).map((vg) => ({ vg }));
  if (type === 'pvs') {
    const perSeg = options.segments || fields.some((x) => x.level === 'pvseg');
    const pvs = [...source.pvs].sort((a, b) => byName(a.pvName, b.pvName));
    return pvs.flatMap((pv) => (perSeg && pv.pvsegs.length ? pv.pvsegs.map((pvseg) => ({ pv, pvseg })) : [{ pv }]));
  }
  const perSeg = options.segments || fields.some((x) => x.level === 'seg');
  const lvs = source.lvs.filter((lv) => lv.listed && (options.all || !lv.hidden)).sort((a, b) => byName(a.vgName, b.vgName) || byName(a.name, b.name));
  return lvs.flatMap((lv) => (perSeg ? lv.segs.map((seg) => ({ lv, seg })) : [{ lv, seg: lv.segs[0] }]));
}

export function cellText(field: Field, row: RowContext, options: Pick<ReportOptions, 'units' | 'nosuffix'>): string {
  const value = field.value(row);
  if (field.kind === 'size' && typeof value === 'number') return formatSize(value, options.units, options.nosuffix);
  return String(value);
}

/** The JSON key LVM2 uses for a report's rows. */
export function jsonKey(type: ReportType, options: Pick<ReportOptions, 'segments'>): string {
  if (type === 'lvs') return options.segments ? 'seg' : 'lv';
  if (type === 'pvs') return options.segments ? 'pvseg' : 'pv';
  return 'vg';
}

export function renderReport(type: ReportType, source: ReportSource, fields: Field[], options: ReportOptions): string {
  const rows = reportRows(type, source, fields, options);
  const cells = rows.map((row) => fields.map((field) => cellText(field, row, options)));
  return options.format === 'json' ? renderJson(jsonKey(type, options), fields, cells) : renderBasic(fields, cells, options.headings ?? true);
}

function renderBasic(fields: Field[], cells: string[][], headings: boolean): string {
  const widths = fields.map((field, i) => Math.max(field.width, field.heading.length, ...cells.map((c) => c[i].length)));
  const right = fields.map((field) => field.kind !== 'str');
  const line = (texts: string[], alignRight: boolean[]) => `  ${texts.map((t, i) => (alignRight[i] ? t.padStart(widths[i]) : t.padEnd(widths[i]))).join(' ')}`;
  const lines = cells.map((c) => line(c, right));
  if (headings && cells.length) lines.unshift(line(fields.map((x) => x.heading), fields.map(() => false)));
  return lines.map((l) => `${l}\n`).join('');
}

function renderJson(key: string, fields: Field[], cells: string[][]): string {
  const rows = cells.map((c) => `                  {${fields.map((field, i) => `${JSON.stringify(field.name)}:${JSON.stringify(c[i])}`).join(', ')}}`);
  return ['  {', '      "report": [', '          {', `              "${key}": [`, rows.join(',\n'), '              ]', '          }', '      ]', '  }'].filter((l) => l !== '').join('\n') + '\n';
}
