// LVM2's report fields (lib/report/columns.h): name, heading, minimum width, alignment and how
// to get the value from a row. Numbers and sizes are right-aligned, text left-aligned, as
// LVM2 prints them; headings are always left-aligned.

import type { LvRow, PvRow, SegRow, VgRow } from './rows';

export type FieldKind = 'str' | 'num' | 'size' | 'pct';
export type ReportType = 'pvs' | 'vgs' | 'lvs';

/** What one output row is built from: the object and, for segment reports, one of its segments. */
export interface RowContext {
  pv?: PvRow;
  pvseg?: { start: number; size: number };
  vg?: VgRow;
  lv?: LvRow;
  seg?: SegRow;
}

export interface Field {
  name: string;
  heading: string;
  width: number;
  kind: FieldKind;
  /** Segment fields turn an lvs report into one row per segment (pvseg: pvs per PV segment). */
  level?: 'seg' | 'pvseg';
  value(row: RowContext): string | number;
}

const f = (name: string, heading: string, width: number, kind: FieldKind, value: Field['value'], level?: Field['level']): Field => ({ name, heading, width, kind, value, level });

const PV_FIELDS: Field[] = [
  f('pv_name', 'PV', 10, 'str', (r) => r.pv!.pvName),
  f('vg_name', 'VG', 0, 'str', (r) => r.pv!.vgName),
  f('pv_fmt', 'Fmt', 0, 'str', () => 'lvm2'),
  f('pv_attr', 'Attr', 0, 'str', (r) => r.pv!.attr),
  f('pv_size', 'PSize', 0, 'size', (r) => r.pv!.sizeBytes),
  f('pv_free', 'PFree', 0, 'size', (r) => r.pv!.freeBytes),
  f('pv_used', 'Used', 0, 'size', (r) => r.pv!.usedBytes),
  f('dev_size', 'DevSize', 0, 'size', (r) => r.pv!.devSizeBytes),
  f('pe_start', '1st PE', 7, 'size', (r) => r.pv!.peStartBytes),
  f('pv_pe_count', 'PE', 3, 'num', (r) => r.pv!.peCount),
  f('pv_pe_alloc_count', 'Alloc', 0, 'num', (r) => r.pv!.allocCount),
  f('pv_uuid', 'PV UUID', 38, 'str', (r) => r.pv!.uuid),
  f('pvseg_start', 'Start', 0, 'num', (r) => r.pvseg?.start ?? '', 'pvseg'),
  f('pvseg_size', 'SSize', 0, 'num', (r) => r.pvseg?.size ?? '', 'pvseg'),
];

const VG_FIELDS: Field[] = [
  f('vg_name', 'VG', 0, 'str', (r) => r.vg!.vgName),
  f('pv_count', '#PV', 0, 'num', (r) => r.vg!.pvCount),
  f('lv_count', '#LV', 0, 'num', (r) => r.vg!.lvCount),
  f('snap_count', '#SN', 0, 'num', (r) => r.vg!.snapCount),
  f('vg_attr', 'Attr', 5, 'str', (r) => r.vg!.attr),
  f('vg_size', 'VSize', 0, 'size', (r) => r.vg!.sizeBytes),
  f('vg_free', 'VFree', 0, 'size', (r) => r.vg!.freeBytes),
  f('vg_extent_size', 'Ext', 0, 'size', (r) => r.vg!.extentBytes),
  f('vg_extent_count', '#Ext', 0, 'num', (r) => r.vg!.extentCount),
  f('vg_free_count', 'Free', 0, 'num', (r) => r.vg!.freeCount),
  f('vg_seqno', 'Seq', 0, 'num', (r) => r.vg!.seqno),
  f('vg_uuid', 'VG UUID', 38, 'str', (r) => r.vg!.uuid),
  f('max_lv', 'MaxLV', 0, 'num', (r) => r.vg!.maxLv),
  f('max_pv', 'MaxPV', 0, 'num', (r) => r.vg!.maxPv),
  f('vg_fmt', 'Fmt', 0, 'str', () => 'lvm2'),
];

const LV_FIELDS: Field[] = [
  f('lv_name', 'LV', 4, 'str', (r) => r.lv!.shownName),
  f('vg_name', 'VG', 0, 'str', (r) => r.lv!.vgName),
  f('lv_attr', 'Attr', 0, 'str', (r) => r.lv!.attr),
  f('lv_size', 'LSize', 0, 'size', (r) => r.lv!.sizeBytes),
  f('pool_lv', 'Pool', 0, 'str', () => ''),
  f('origin', 'Origin', 0, 'str', (r) => r.lv!.origin),
  f('data_percent', 'Data%', 6, 'pct', () => ''),
  f('metadata_percent', 'Meta%', 6, 'pct', () => ''),
  f('move_pv', 'Move', 0, 'str', (r) => r.lv!.movePv),
  f('mirror_log', 'Log', 0, 'str', () => ''),
  f('copy_percent', 'Cpy%Sync', 0, 'pct', (r) => r.lv!.copyPercent),
  f('convert_lv', 'Convert', 0, 'str', () => ''),
  f('lv_uuid', 'LV UUID', 38, 'str', (r) => r.lv!.uuid),
  f('seg_count', '#Seg', 0, 'num', (r) => r.lv!.segs.length),
  f('segtype', 'Type', 0, 'str', (r) => r.seg!.segtype, 'seg'),
  f('stripes', '#Str', 0, 'num', (r) => r.seg!.stripes, 'seg'),
  f('seg_start', 'Start', 0, 'size', (r) => r.seg!.startBytes, 'seg'),
  f('seg_start_pe', 'Start', 0, 'num', (r) => r.seg!.startPe, 'seg'),
  f('seg_size', 'SSize', 0, 'size', (r) => r.seg!.sizeBytes, 'seg'),
  f('seg_size_pe', 'SSize', 0, 'num', (r) => r.seg!.sizePe, 'seg'),
  f('seg_pe_ranges', 'PE Ranges', 0, 'str', (r) => r.seg!.peRanges, 'seg'),
  f('devices', 'Devices', 0, 'str', (r) => r.seg!.devices, 'seg'),
];

export const FIELDS: Record<ReportType, Field[]> = { pvs: PV_FIELDS, vgs: VG_FIELDS, lvs: LV_FIELDS };

/** LVM2's default columns (lvm.conf report/*_cols and *_cols_segs). */
export const DEFAULT_COLUMNS: Record<ReportType, { plain: string[]; segments: string[] }> = {
  pvs: { plain: ['pv_name', 'vg_name', 'pv_fmt', 'pv_attr', 'pv_size', 'pv_free'], segments: ['pv_name', 'vg_name', 'pv_fmt', 'pv_attr', 'pv_size', 'pv_free', 'pvseg_start', 'pvseg_size'] },
  vgs: { plain: ['vg_name', 'pv_count', 'lv_count', 'snap_count', 'vg_attr', 'vg_size', 'vg_free'], segments: ['vg_name', 'pv_count', 'lv_count', 'snap_count', 'vg_attr', 'vg_size', 'vg_free'] },
  lvs: {
    plain: ['lv_name', 'vg_name', 'lv_attr', 'lv_size', 'pool_lv', 'origin', 'data_percent', 'metadata_percent', 'move_pv', 'mirror_log', 'copy_percent', 'convert_lv'],
    segments: ['lv_name', 'vg_name', 'lv_attr', 'stripes', 'segtype', 'seg_size'],
  },
};

const PREFIX: Record<ReportType, string> = { pvs: 'pv_', vgs: 'vg_', lvs: 'lv_' };

/** A field by its LVM2 name, accepting LVM2's short forms (`size` → `lv_size` in lvs). */
export function findField(type: ReportType, name: string): Field | undefined {
  const fields = FIELDS[type];
  const wanted = name.trim().toLowerCase();
  return fields.find((x) => x.name === wanted) ?? fields.find((x) => x.name === `${PREFIX[type]}${wanted}`) ?? (type === 'lvs' ? fields.find((x) => x.name === `seg_${wanted}`) : undefined);
}

/**
 * The columns of a report: the defaults, then each `-o` in turn (`+a,b` appends, `-a` removes,
 * `a,b` replaces). Throws a sentence naming the unknown field.
 */
export function selectFields(type: ReportType, segments: boolean, options: string[]): Field[] {
  let names = [...DEFAULT_COLUMNS[type][segments ? 'segments' : 'plain']];
  for (const option of options) {
    const mode = option.startsWith('+') ? 'add' : option.startsWith('-') ? 'remove' : 'replace';
    const list = option.replace(/^[+-]/, '').split(',').map((s) => s.trim()).filter(Boolean);
    const resolved = list.map((n) => {
      const field = findField(type, n);
      if (!field) throw new Error(`Unrecognised field: ${n}. Fields of ${type}: ${FIELDS[type].map((x) => x.name).join(', ')}.`);
      return field.name;
    });
    if (mode === 'replace') names = resolved;
    else if (mode === 'add') names.push(...resolved);
    else names = names.filter((n) => !resolved.includes(n));
  }
  return names.map((n) => findField(type, n)!);
}
