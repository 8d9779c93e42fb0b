// The import's spec from a vgcfgbackup file: the label sectors it writes are byte-identical to
// the ones real LVM2 wrote on the fixture's PVs, the imported workspace opens with the backup's
// VG, and every kind of bad input is refused with one sentence before anything is written.

import { describe, expect, it } from 'vitest';
import { LvmscopeError } from '../../../../app/base/result';
import { SECTOR_BYTES } from '../../../../app/lvm/format/layout';
import { diskTextOf, mdaLayout, parsePvsReport, reportSize, specFromBackup } from '../../../../app/lvm/import/backupSpec';
import { imageNames } from '../../../../app/lvm/import/importSpec';
import { readManifest, importManifest, rehearsalBadge, writeImport, writeManifest } from '../../../../app/lvm/import/writeImport';
import { parseVgText } from '../../../../app/lvm/model/vgCodec';
import { LvmWorkspace } from '../../../../app/lvm/workspace/workspace';
import { MemoryWorkspaceStorage } from '../../../sim/memory';
import { fixtureImages, fixtureText, testOptions } from '../fixtureImages';

const BACKUP = fixtureText('seed', 'vgcfgbackup.txt');
const MiB = 1024 * 1024;

function refusal(work: () => unknown): string {
  try {
    work();
  } catch (e) {
    expect(e).toBeInstanceOf(LvmscopeError);
    return (e as Error).message;
  }
  throw new Error('it was not refused');
}

describe('an import from a vgcfgbackup file', () => {
  it('writes label sectors byte-identical to the ones real LVM2 wrote, and opens as the backup\'s VG', async () => {
    const spec = specFromBackup(BACKUP, 'vgcfgbackup.txt');
    const storage = new MemoryWorkspaceStorage();
    await writeImport(storage, spec, diskTextOf(spec));
    const real = [...fixtureImages('seed').values()];
    for (const pv of spec.pvs) {
      const ours = storage.files.get(pv.image)!;
      const label = await ours.read(SECTOR_BYTES, SECTOR_BYTES);
      const theirs = real.find((img) => Buffer.from(img.subarray(SECTOR_BYTES + 32, SECTOR_BYTES + 64)).toString('latin1') === pv.id)!;
      expect(Buffer.from(label)).toEqual(Buffer.from(theirs.subarray(SECTOR_BYTES, 2 * SECTOR_BYTES)));
    }
    const ws = await LvmWorkspace.open(storage, testOptions());
    const vg = ws.getVg('vg0');
    expect(vg.readOnly).toBe(false);
    expect(vg.vg).toEqual(parseVgText(BACKUP).vg);
    await ws.close();
  });

  it('names images after the devices in the backup and says the metadata areas were assumed', () => {
    const spec = specFromBackup(BACKUP, 'vgcfgbackup.txt');
    expect(spec.pvs.map((p) => p.image)).toEqual(['loop0.img', 'loop1.img', 'loop2.img', 'loop3.img']);
    expect(spec.pvs[0].mdas).toEqual([{ offsetBytes: 4096, sizeBytes: MiB - 4096, ignored: false }]);
    expect(spec.notes.join(' ')).toMatch(/does not record metadata areas/);
  });

  it('keeps a manifest whose badge names the VG, the host and the date of the backup', async () => {
    const spec = specFromBackup(BACKUP, 'vgcfgbackup.txt');
    const storage = new MemoryWorkspaceStorage();
    await writeManifest(storage, importManifest(spec, 'backup vgcfgbackup.txt', 1_800_000_000));
    const manifest = (await readManifest(storage))!;
    expect(manifest.pvs.map((p) => p.device)).toEqual(['/dev/loop0', '/dev/loop1', '/dev/loop2', '/dev/loop3']);
    expect(rehearsalBadge(manifest)).toMatch(/^rehearsal of vg0 from \S+ \d{4}-\d\d-\d\d$/);
  });

  it('refuses a file that is not a backup', () => {
    expect(refusal(() => specFromBackup('{"report": []}', 'x.json'))).toMatch(/^x\.json is not an LVM2 volume group backup/);
  });

  it('refuses a truncated backup, naming what is cut off', () => {
    expect(refusal(() => specFromBackup(BACKUP.slice(0, Math.floor(BACKUP.length * 0.7)), 'vg0'))).toMatch(/^vg0 is truncated or garbled, so it cannot be imported: .*not closed/);
  });

  it('refuses a garbled backup', () => {
    expect(refusal(() => specFromBackup(BACKUP.replace('extent_size = 2048', 'extent_size = = 2048'), 'vg0'))).toMatch(/^vg0 is truncated or garbled/);
  });

  it('refuses a backup whose PVs have no device size, and asks for the report', () => {
    const text = BACKUP.replace(/\n\s*dev_size = \d+[^\n]*/g, '');
    expect(refusal(() => specFromBackup(text, 'vg0'))).toMatch(/records no device size \(dev_size\) for pv0 \(\/dev\/loop0\), .*--report/);
  });

  it('takes a missing device size from the report', () => {
    const text = BACKUP.replace(/\n\s*dev_size = \d+[^\n]*/g, '');
    const report = ['/dev/loop0', '/dev/loop1', '/dev/loop2', '/dev/loop3'].map((name) => ({ name, devSizeBytes: 16 * MiB }));
    expect(specFromBackup(text, 'vg0', report).pvs.map((p) => p.devSizeBytes)).toEqual([16 * MiB, 16 * MiB, 16 * MiB, 16 * MiB]);
  });

  it('refuses a PV whose extents end past its device size', () => {
    const text = BACKUP.replace('dev_size = 32768', 'dev_size = 16384');
    expect(refusal(() => specFromBackup(text, 'vg0'))).toMatch(/PV pv0 \(\/dev\/loop0\) holds 15 extents from byte 1048576, which end at byte 16777216, past its device size of 8388608 bytes/);
  });

  it('refuses two LVs with the same id, as LVM2 does', () => {
    const lv = /lv0 \{\s*id = "([^"]+)"/.exec(BACKUP)!;
    const text = BACKUP.replace(/(\tlogical_volumes \{\n)/, `$1\t\ttwin {\n\t\t\tid = "${lv[1]}"\n\t\t\tstatus = ["READ", "WRITE", "VISIBLE"]\n\t\t\tflags = []\n\t\t\tsegment_count = 1\n\t\t\tsegment1 {\n\t\t\t\tstart_extent = 0\n\t\t\t\textent_count = 1\n\t\t\t\ttype = "striped"\n\t\t\t\tstripe_count = 1\n\t\t\t\tstripes = ["pv3", 0]\n\t\t\t}\n\t\t}\n`);
    expect(refusal(() => specFromBackup(text, 'vg0'))).toMatch(/^LV twin and LV lv0 of vg0 carry the same id .*, which LVM2 refuses to read/);
  });

  it('refuses metadata that cannot fit the metadata area the PV must have had', () => {
    const pvs = BACKUP.replace(/pe_start = 2048/g, 'pe_start = 16');
    expect(refusal(() => specFromBackup(pvs, 'vg0'))).toMatch(/does not fit/);
  });
});

describe('the metadata area layout', () => {
  it('puts a second area in the last MiB, as pvcreate --pvmetadatacopies 2 does', () => {
    expect(mdaLayout(64 * MiB, MiB, { name: 'x', mdaCount: 2, mdaSizeBytes: MiB - 4096 })).toEqual([
      { offsetBytes: 4096, sizeBytes: MiB - 4096, ignored: false },
      { offsetBytes: 63 * MiB, sizeBytes: MiB, ignored: false },
    ]);
  });

  it('sizes the second area from the report when it is the smaller one (--metadatasize 2m)', () => {
    expect(mdaLayout(64 * MiB, 3 * MiB, { name: 'x', mdaCount: 2, mdaSizeBytes: 2 * MiB })[1]).toEqual({ offsetBytes: 62 * MiB, sizeBytes: 2 * MiB, ignored: false });
  });

  it('marks areas ignored when the report uses fewer than it has (metadataignore)', () => {
    expect(mdaLayout(64 * MiB, MiB, { name: 'x', mdaCount: 2, mdaUsedCount: 0 }).map((m) => m.ignored)).toEqual([true, true]);
  });
});

describe('the pvs report', () => {
  it('reads sizes in bytes and in LVM2 units', () => {
    expect(reportSize('1048576B', 'x')).toBe(MiB);
    expect(reportSize('1020.00k', 'x')).toBe(1044480);
    expect(reportSize('64.00m', 'x')).toBe(64 * MiB);
    expect(reportSize('2048s', 'x')).toBe(MiB);
  });

  it('refuses a size LVM2 rounded for display, asking for --units b', () => {
    expect(refusal(() => reportSize('<63.99g', 'dev_size of /dev/sdc'))).toMatch(/rounded for display; make the report with --units b/);
  });

  it('refuses a file that is not a pvs JSON report', () => {
    expect(refusal(() => parsePvsReport('PV VG Fmt', 'pvs.txt'))).toMatch(/^pvs\.txt is not a JSON report/);
    expect(refusal(() => parsePvsReport('{"report":[{"lv":[]}]}', 'lvs.json'))).toMatch(/holds no "pv" rows/);
  });
});

describe('image names', () => {
  it('follow the original devices, with mapper and odd characters made file-safe', () => {
    expect(imageNames([{ key: 'pv0', device: '/dev/sdc' }, { key: 'pv1', device: '/dev/mapper/mpath a' }, { key: 'pv2', device: '' }], [])).toEqual(['sdc.img', 'mapper-mpath_a.img', 'pv2.img']);
  });

  it('get the PV key when two devices would share a name, and a note says so', () => {
    const notes: string[] = [];
    expect(imageNames([{ key: 'pv0', device: '/dev/sdc' }, { key: 'pv1', device: '/dev/sdc' }], notes)).toEqual(['sdc-pv0.img', 'sdc-pv1.img']);
    expect(notes).toHaveLength(2);
  });
});
