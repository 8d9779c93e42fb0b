// Proves lvmscope's lvs/vgs say what real LVM2's say for a VG with raid1, a snapshot and linear
// LVs: lv_attr's type and target letters (r, i/I, e, o, s), the Origin column, [brackets] and
// -a visibility (the cow is listed as its origin is, the internal snapshot0 never), the raid's
// devices and PE ranges, #LV and #SN, and the selectors LVM2 takes (`lvs vgr`, `lvs vgr/lin`,
// `vgs vgr`, `pvs PV…`). Real LVM2 builds the VG on loop devices (activation
// disabled), and since it refuses to create raid1 or snapshots without device-mapper, the
// stacked LVs are added to its own vgcfgbackup and applied with vgcfgrestore. Masked: lv_attr's
// state pair (LVM2 prints XX without activation) and a raid's health `X` (unknown), which
// lvmscope, keeping the raid inactive, prints as `-`.

import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingTools } from '../../helpers/tools';
import { withLoopDevices } from '../../helpers/lvm2';
import { cli, jsonRows, removeDir, tempDir } from '../../main/cli/run';

const uuid = (c: string) => [6, 4, 4, 4, 4, 4, 6].map((n) => c.repeat(n)).join('-');

function linearLv(name: string, id: string, visible: boolean, pv: string, pe: number, extents: number): string {
  const status = visible ? '"READ", "WRITE", "VISIBLE"' : '"READ", "WRITE"';
  return `${name} {\nid = "${uuid(id)}"\nstatus = [${status}]\nflags = []\nsegment_count = 1\nsegment1 {\nstart_extent = 0\nextent_count = ${extents}\ntype = "striped"\nstripe_count = 1\nstripes = ["${pv}", ${pe}]\n}\n}\n`;
}

/** The raid1 LV r1 (images on pv2/pv3 of LVM2's numbering) and a snapshot of lin with its cow snap. */
const STACKED_LVS = [
  `r1 {\nid = "${uuid('R')}"\nstatus = ["READ", "WRITE", "VISIBLE"]\nflags = []\nsegment_count = 1\nsegment1 {\nstart_extent = 0\nextent_count = 4\ntype = "raid1"\ndevice_count = 2\nregion_size = 1024\nraids = ["r1_rmeta_0", "r1_rimage_0", "r1_rmeta_1", "r1_rimage_1"]\n}\n}\n`,
  linearLv('snap', 'S', false, 'pv0', 8, 2),
  linearLv('r1_rmeta_0', 'M', false, 'pv2', 0, 1),
  linearLv('r1_rmeta_1', 'N', false, 'pv3', 0, 1),
  linearLv('r1_rimage_0', 'I', false, 'pv2', 1, 4),
  linearLv('r1_rimage_1', 'J', false, 'pv3', 1, 4),
  `snapshot0 {\nid = "${uuid('Z')}"\nstatus = ["READ", "WRITE"]\nflags = []\nsegment_count = 1\nsegment1 {\nstart_extent = 0\nextent_count = 8\ntype = "snapshot"\nchunk_size = 8\norigin = "lin"\ncow_store = "snap"\n}\n}\n`,
].join('');

const FIELDS = 'lv_name,vg_name,lv_attr,lv_size,origin,move_pv,copy_percent,devices,seg_start_pe,seg_size_pe,seg_pe_ranges,segtype,stripes,lv_uuid';

/**
 * The reports compared, each as lvmscope / lvm arguments after the command. `text`: also
 * compare the basic columns, which only works without device columns (LVM2's /dev/loopN
 * names are wider than lvmscope's pvN, so the widths differ).
 */
const REPORTS: Array<{ command: 'lvs' | 'vgs' | 'pvs'; args: string[]; text: boolean }> = [
  { command: 'lvs', args: [], text: true },
  { command: 'lvs', args: ['-a'], text: true },
  { command: 'lvs', args: ['-a', '--segments'], text: true },
  { command: 'lvs', args: ['-a', '-o', FIELDS], text: false },
  { command: 'vgs', args: [], text: true },
  // Selectors (a PV is named `PV:image`: its loop device for LVM2, its name for lvmscope).
  { command: 'lvs', args: ['vgr'], text: true },
  { command: 'lvs', args: ['-a', 'vgr'], text: true },
  { command: 'lvs', args: ['vgr/r1_rimage_0', 'vgr/snap', 'vgr/lin'], text: true },
  { command: 'vgs', args: ['vgr'], text: true },
  { command: 'pvs', args: ['PV:pv2.img', 'PV:pv4.img'], text: false },
];

/** The arguments for one side: `PV:pv2.img` becomes the loop device or `pv2`. */
const argsFor = (args: string[], pv: (image: string) => string) => args.map((a) => (a.startsWith('PV:') ? pv(a.slice(3)) : a));
const ourPv = (image: string) => image.replace(/\.img$/, '');

/** lv_attr without what LVM2 cannot know with activation disabled (see the header). */
function maskAttr(attr: string): string {
  return `${attr.slice(0, 4)}..${attr.slice(6, 8)}${attr[8] === 'X' ? '-' : attr[8]}${attr.slice(9)}`;
}
const maskRows = (rows: Record<string, string>[]) => rows.map((r) => ('lv_attr' in r ? { ...r, lv_attr: maskAttr(r.lv_attr) } : r));

/** The same mask on a basic report: the Attr column sits under its heading. */
function maskText(text: string): string {
  const lines = text.split('\n');
  const at = lines[0].indexOf('Attr');
  return lines.map((l, i) => (i === 0 || at < 0 || l.length < at + 10 ? l : l.slice(0, at) + maskAttr(l.slice(at, at + 10)) + l.slice(at + 10))).join('\n');
}

let dir = '';
const lvm2: Array<{ json: Record<string, string>[]; text: string }> = [];

describe.skipIf(missingTools('lvm', 'losetup', 'root'))('reports of a VG with raid1 + snapshot + linear LVs = real LVM2', () => {
  beforeAll(async () => {
    dir = tempDir('lvmscope-cli-stacked-');
    const images = ['pv1.img', 'pv2.img', 'pv3.img', 'pv4.img'].map((n) => path.join(dir, n));
    for (const p of images) {
      writeFileSync(p, '');
      truncateSync(p, 16 * 1024 * 1024);
    }
    await withLoopDevices(images, (a) => {
      const devs = images.map((p) => a.dev(path.basename(p)));
      a.lvm('pvcreate', ...devs);
      a.lvm('vgcreate', 'vgr', '-s', '1M', ...devs);
      a.lvm('lvcreate', '-Zn', '-l', '8', '-n', 'lin', 'vgr', devs[0]);
      a.lvm('lvcreate', '-Zn', '-l', '6', '-n', 'lin2', 'vgr', devs[1]);
      const backup = path.join(dir, 'vgr.txt');
      a.lvm('vgcfgbackup', '-f', backup, 'vgr');
      const text = readFileSync(backup, 'utf8');
      // The stacked LVs go at the end of logical_volumes: before the VG's last two braces.
      const end = text.lastIndexOf('}', text.lastIndexOf('}') - 1);
      writeFileSync(backup, text.slice(0, end) + STACKED_LVS + text.slice(end));
      a.lvm('vgcfgrestore', '-f', backup, 'vgr');
      for (const r of REPORTS) {
        const args = argsFor(r.args, (image) => a.dev(image));
        lvm2.push({ json: jsonRows(a.lvm(r.command, ...args, '--reportformat', 'json')), text: a.lvm(r.command, ...args) });
      }
    });
  });
  afterAll(() => removeDir(dir));

  it('refuses a name that matches nothing with a sentence naming what there is', () => {
    const cases = [cli('lvs', dir, 'vgr/snapshot0'), cli('lvs', dir, 'vgr', 'lin'), cli('vgs', dir, 'vgx'), cli('pvs', dir, 'pv9')];
    expect(cases.map((c) => c.status)).toEqual([1, 1, 1, 1]);
    expect(cases[0].stderr).toMatch(/There is no LV vgr\/snapshot0; the LVs of vgr are lin, lin2, r1, snap\./);
    expect(cases[1].stderr).toMatch(/no volume group lin .*name an LV as VG\/LV/);
    expect(cases[3].stderr).toMatch(/There is no PV named pv9 .*the PVs are pv1, pv2, pv3, pv4/);
  });

  it('LVM2 lists what the test expects (the cow as snap with its origin, no snapshot0)', () => {
    expect(lvm2[1].json.map((r) => r.lv_name)).toEqual(['lin', 'lin2', 'r1', '[r1_rimage_0]', '[r1_rimage_1]', '[r1_rmeta_0]', '[r1_rmeta_1]', 'snap']);
  });

  it.each(REPORTS.map((r, i) => [`${r.command} ${r.args.join(' ')}`, i] as const))('lvmscope %s prints LVM2’s rows (JSON, and the columns when no device is shown)', (_name, i) => {
    const r = REPORTS[i];
    const args = argsFor(r.args, ourPv);
    const json = cli(r.command, dir, ...args, '--reportformat', 'json');
    expect(json.status, json.stderr).toBe(0);
    expect(maskRows(jsonRows(json.stdout))).toEqual(maskRows(lvm2[i].json));
    expect(jsonRows(json.stdout).length).toBeGreaterThan(0);
    if (r.text) expect(maskText(cli(r.command, dir, ...args).stdout)).toBe(maskText(lvm2[i].text));
  });
});
