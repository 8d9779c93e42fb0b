// The LVs real LVM2's lvcreate cannot make on this machine (no kernel device-mapper: "Can't
// create raid1 without using device-mapper kernel driver"), written as LVM2 writes them and
// added to a vgcfgbackup of the test VG, which `vgcfgrestore --force` then puts on the disks.
// Real LVM2 validates every one on restore and in vgck. Layout (1 MiB extents): pv0 holds lin
// 0-4 and str 5-8, pv1 str 0-3, pv2 and pv3 are empty before these are added.

let serial = 0;
/** A fixed, valid LVM id per call (tests compare reports, so ids need only be distinct). */
function id(): string {
  serial += 1;
  const s = `Imp${String(serial).padStart(3, '0')}`.padEnd(32, 'x');
  return [s.slice(0, 6), s.slice(6, 10), s.slice(10, 14), s.slice(14, 18), s.slice(18, 22), s.slice(22, 26), s.slice(26)].join('-');
}

const created = 'creation_time = 1796185381 creation_host = "vm"';

function linear(name: string, pv: string, pe: number, extents: number, visible = false): string {
  const status = visible ? '"READ", "WRITE", "VISIBLE"' : '"READ", "WRITE"';
  return `${name} { id = "${id()}" status = [${status}] flags = [] ${created} segment_count = 1 segment1 { start_extent = 0 extent_count = ${extents} type = "striped" stripe_count = 1 stripes = ["${pv}", ${pe}] } }\n`;
}

function top(name: string, extents: number, body: string): string {
  return `${name} { id = "${id()}" status = ["READ", "WRITE", "VISIBLE"] flags = [] ${created} segment_count = 1 segment1 { start_extent = 0 extent_count = ${extents} ${body} } }\n`;
}

function lvsText(): string {
  serial = 0;
  return [
    top('mir', 4, 'type = "mirror" mirror_count = 2 region_size = 1024 mirrors = ["mir_mimage_0", 0, "mir_mimage_1", 0]'),
    top('r1', 4, 'type = "raid1" device_count = 2 region_size = 4096 raids = ["r1_rmeta_0", "r1_rimage_0", "r1_rmeta_1", "r1_rimage_1"]'),
    top('r5', 4, 'type = "raid5_ls" device_count = 3 stripe_size = 128 region_size = 4096 raids = ["r5_rmeta_0", "r5_rimage_0", "r5_rmeta_1", "r5_rimage_1", "r5_rmeta_2", "r5_rimage_2"]'),
    top('pool', 8, 'type = "thin-pool" metadata = "pool_tmeta" pool = "pool_tdata" transaction_id = 1 chunk_size = 128 discards = "passdown" zero_new_blocks = 1'),
    top('thin1', 20, 'type = "thin" thin_pool = "pool" transaction_id = 0 device_id = 1'),
    linear('snap', 'pv3', 10, 2, true),
    linear('mir_mimage_0', 'pv1', 4, 4),
    linear('mir_mimage_1', 'pv2', 0, 4),
    linear('r1_rmeta_0', 'pv1', 8, 1),
    linear('r1_rimage_0', 'pv1', 9, 4),
    linear('r1_rmeta_1', 'pv2', 4, 1),
    linear('r1_rimage_1', 'pv2', 5, 4),
    linear('r5_rmeta_0', 'pv0', 9, 1),
    linear('r5_rimage_0', 'pv0', 10, 2),
    linear('r5_rmeta_1', 'pv1', 13, 1),
    linear('r5_rimage_1', 'pv1', 14, 2),
    linear('r5_rmeta_2', 'pv2', 9, 1),
    linear('r5_rimage_2', 'pv2', 10, 2),
    linear('pool_tmeta', 'pv3', 0, 1),
    linear('pool_tdata', 'pv3', 1, 8),
    linear('lvol0_pmspare', 'pv3', 9, 1),
    `snapshot0 { id = "${id()}" status = ["READ", "WRITE"] flags = [] ${created} segment_count = 1 segment1 { start_extent = 0 extent_count = 5 type = "snapshot" chunk_size = 8 origin = "lin" cow_store = "snap" } }\n`,
  ].join('');
}

/** The backup text with the extra LVs appended to its logical_volumes section. */
export function extraLvsText(backup: string): string {
  const end = backup.lastIndexOf('\t}\n\n}');
  if (end < 0) throw new Error('the backup has no logical_volumes section to extend');
  return backup.slice(0, end) + lvsText() + backup.slice(end);
}
