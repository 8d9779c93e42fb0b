// Proves the CLI's size arguments and the report's size and table rendering follow LVM2: sizes
// with LVM2's suffixes and signs, `<` only where LVM2's human units round up, column widths,
// alignment and the JSON layout, checked against text real LVM2 2.03.16 printed on this machine.

import { describe, expect, it } from 'vitest';
import { parseRate, parseRegionSectors, parseSignedCount, parseSignedSize, parseSizeBytes } from '../../../main/cli/sizes';
import { formatSize } from '../../../main/report/units';
import { selectFields } from '../../../main/report/fields';
import { renderReport } from '../../../main/report/format';
import type { ReportSource } from '../../../main/report/rows';
import { parseWorkload } from '../../../main/cli/verbs/pvmove';

const MiB = 1024 * 1024;

describe('size arguments', () => {
  it('reads LVM2 suffixes in either case, a bare -L number as MiB, and relative signs', () => {
    expect(parseSizeBytes('48M')).toBe(48 * MiB);
    expect(parseSizeBytes('2g')).toBe(2048 * MiB);
    expect(parseSizeBytes('512K')).toBe(512 * 1024);
    expect(parseSizeBytes('10')).toBe(10 * MiB);
    expect(parseSizeBytes('1.5m')).toBe(1.5 * MiB);
    expect(parseSignedSize('+1G')).toEqual({ sign: '+', bytes: 1024 * MiB });
    expect(parseSignedSize('-4M')).toEqual({ sign: '-', bytes: 4 * MiB });
    expect(parseSignedCount('+3')).toEqual({ sign: '+', count: 3 });
    expect(parseSignedCount('20')).toEqual({ sign: null, count: 20 });
  });

  it('reads --rate as bytes per second, 0 meaning unlimited, and region sizes as powers of two', () => {
    expect(parseRate('512K')).toBe(512 * 1024);
    expect(parseRate('20M')).toBe(20 * MiB);
    expect(parseRate('0')).toBe(0);
    expect(parseRate('1000')).toBe(1000);
    expect(parseRegionSectors('512K')).toBe(1024);
    expect(() => parseRegionSectors('300K')).toThrow(/power of two/);
  });

  it('refuses what is not a size with a sentence that shows the right form', () => {
    expect(() => parseSizeBytes('12Q')).toThrow(/like 48M, 2G or 512K/);
    expect(() => parseSignedCount('+0')).toThrow(/whole number above zero/);
    expect(() => parseSignedCount('three')).toThrow(/whole number/);
  });

  it('reads workloads as PATTERN:BLOCK:IOPS', () => {
    expect(parseWorkload('randwrite:4k:2000')).toEqual({ pattern: 'randwrite', blockSizeBytes: 4096, iops: 2000 });
    expect(parseWorkload('seqwrite:64k:50')).toEqual({ pattern: 'seqwrite', blockSizeBytes: 65536, iops: 50 });
    expect(() => parseWorkload('randwrite:1000:5')).toThrow(/multiple of 512/);
    expect(() => parseWorkload('scribble:4k:5')).toThrow(/PATTERN one of/);
  });
});

describe('report sizes', () => {
  it('prints human units as LVM2 does, with < only when rounding went up', () => {
    expect(formatSize(15 * MiB, 'h')).toBe('15.00m');
    expect(formatSize(17300 * 1024, 'h')).toBe('16.89m');
    expect(formatSize(17403 * 1024, 'h')).toBe('<17.00m');
    expect(formatSize(17403 * 1024, 'm')).toBe('17.00m');
    expect(formatSize(0, 'h')).toBe('0 ');
    expect(formatSize(15 * MiB, 'g')).toBe('0.01g');
    expect(formatSize(15 * MiB, 'k')).toBe('15360.00k');
    expect(formatSize(15 * MiB, 'b')).toBe('15728640B');
    expect(formatSize(15 * MiB, 's')).toBe('30720S');
    expect(formatSize(15 * MiB, 'm', true)).toBe('15.00');
  });
});

const SOURCE: ReportSource = {
  vgs: [{ vgName: 'vg0', pvCount: 4, lvCount: 1, snapCount: 0, attr: 'wz--n-', sizeBytes: 60 * MiB, freeBytes: 45 * MiB, extentBytes: MiB, extentCount: 60, freeCount: 45, seqno: 4, uuid: 'UCDqdG-GIPq-WPul-NWr6-6vXo-OFvU-gRk9eK', maxLv: 0, maxPv: 0 }],
  pvs: [1, 2].map((n) => ({ pvName: `/dev/loop${n - 1}`, vgName: 'vg0', attr: 'a--', sizeBytes: 15 * MiB, freeBytes: (n === 1 ? 9 : 11) * MiB, usedBytes: 0, devSizeBytes: 16 * MiB, peStartBytes: MiB, peCount: 15, allocCount: n === 1 ? 6 : 4, uuid: 'x', pvsegs: [] })),
  lvs: [],
};

describe('report rendering', () => {
  it('lays out columns exactly as LVM2 (widths, right-aligned numbers, padded last column)', () => {
    const pvs = renderReport('pvs', SOURCE, selectFields('pvs', false, ['pv_name,vg_name,pv_size,pv_free,pe_start,pv_pe_count,pv_pe_alloc_count']), { all: false, segments: false, units: 'h', nosuffix: false, format: 'basic' });
    // Printed by `pvs -o pv_name,vg_name,pv_size,pv_free,pe_start,pv_pe_count,pv_pe_alloc_count` (LVM2 2.03.16).
    expect(pvs).toBe(['  PV         VG  PSize  PFree  1st PE  PE  Alloc', '  /dev/loop0 vg0 15.00m  9.00m   1.00m  15     6', '  /dev/loop1 vg0 15.00m 11.00m   1.00m  15     4', ''].join('\n'));
    const vgs = renderReport('vgs', SOURCE, selectFields('vgs', false, ['+vg_extent_size,vg_seqno']), { all: false, segments: false, units: 'h', nosuffix: false, format: 'basic' });
    expect(vgs).toBe(['  VG  #PV #LV #SN Attr   VSize  VFree  Ext   Seq', '  vg0   4   1   0 wz--n- 60.00m 45.00m 1.00m   4', ''].join('\n'));
  });

  it('writes JSON in LVM2 layout with every value a string', () => {
    const json = renderReport('vgs', SOURCE, selectFields('vgs', false, ['vg_name,pv_count,vg_size']), { all: false, segments: false, units: 'h', nosuffix: false, format: 'json' });
    expect(json).toBe(['  {', '      "report": [', '          {', '              "vg": [', '                  {"vg_name":"vg0", "pv_count":"4", "vg_size":"60.00m"}', '              ]', '          }', '      ]', '  }', ''].join('\n'));
  });

  it('accepts LVM2 short field names and names an unknown field', () => {
    expect(selectFields('lvs', false, ['name,size,attr']).map((f) => f.name)).toEqual(['lv_name', 'lv_size', 'lv_attr']);
    expect(selectFields('lvs', true, ['+devices']).map((f) => f.name)).toEqual(['lv_name', 'vg_name', 'lv_attr', 'stripes', 'segtype', 'seg_size', 'devices']);
    expect(() => selectFields('pvs', false, ['+nonsense'])).toThrow(/Unrecognised field: nonsense/);
  });
});
