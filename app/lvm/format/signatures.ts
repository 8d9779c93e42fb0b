// What a device already holds, found the way LVM2 finds it before it writes a label
// (lib/device/dev-type.c wipe_known_signatures, which asks libblkid's superblock and partition
// table probes): a filesystem, swap, an encrypted volume, a partition table, a RAID or cache
// member, or another PV. Pure: bytes in, signatures out. Each signature names where its magic
// lives so a forced pvcreate can zero exactly those bytes, as libblkid's blkid_do_wipe does.
//
// Offsets and magics are libblkid's (util-linux libblkid/src/superblocks/*.c and
// partitions/{dos,gpt}.c); every one is commented with the structure it belongs to.

/** How much of the start of a device the probes read: btrfs at 64 KiB and zfs up to 256 KiB. */
export const SIGNATURE_HEAD_BYTES = 256 * 1024;
/** How much of the end: md 0.90 sits in the last 64 KiB-aligned 64 KiB, md 1.0 in the last 8 KiB. */
export const SIGNATURE_TAIL_BYTES = 128 * 1024;

/** The bytes a probe looks at: the head and the tail of the device (they may overlap). */
export interface DeviceWindows {
  sizeBytes: number;
  /** Bytes 0 .. min(size, SIGNATURE_HEAD_BYTES). */
  head: Uint8Array;
  /** The last min(size, SIGNATURE_TAIL_BYTES) bytes. */
  tail: Uint8Array;
}

export type SignatureKind = 'filesystem' | 'swap' | 'crypto' | 'partition-table' | 'raid' | 'cache' | 'lvm2';

/** A byte range of the device (absolute offset). */
export interface ByteRange {
  offsetBytes: number;
  lengthBytes: number;
}

export interface Signature {
  /** libblkid's TYPE / PTTYPE name: ext4, xfs, vfat, swap, crypto_LUKS, dos, gpt, linux_raid_member… */
  type: string;
  kind: SignatureKind;
  /** Where the magic that identifies it lives (as LVM2's "signature detected … at offset N"). */
  offsetBytes: number;
  /** The label or name it carries, when it has one. */
  label?: string;
  /** The phrase for a sentence: `an ext4 filesystem (label "data")`. */
  description: string;
  /** The bytes to zero to wipe it (its magic), as blkid_do_wipe does. */
  wipe: ByteRange[];
}

const SECTOR = 512;

/** Reads absolute device bytes out of the head or tail window; undefined when neither holds them. */
class Probe {
  constructor(private readonly w: DeviceWindows) {}

  get sizeBytes(): number {
    return this.w.sizeBytes;
  }

  bytes(offset: number, length: number): Uint8Array | undefined {
    if (offset < 0 || length < 0 || offset + length > this.w.sizeBytes) return undefined;
    if (offset + length <= this.w.head.length) return this.w.head.subarray(offset, offset + length);
    const tailStart = this.w.sizeBytes - this.w.tail.length;
    if (offset >= tailStart) return this.w.tail.subarray(offset - tailStart, offset - tailStart + length);
    return undefined;
  }

  equals(offset: number, magic: Uint8Array | string): boolean {
    const want = typeof magic === 'string' ? latin1(magic) : magic;
    const got = this.bytes(offset, want.length);
    return !!got && got.every((b, i) => b === want[i]);
  }

  u16le(offset: number): number | undefined {
    const b = this.bytes(offset, 2);
    return b && b[0] | (b[1] << 8);
  }

  u16be(offset: number): number | undefined {
    const b = this.bytes(offset, 2);
    return b && (b[0] << 8) | b[1];
  }

  u32le(offset: number): number | undefined {
    const b = this.bytes(offset, 4);
    return b && (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0;
  }

  u32be(offset: number): number | undefined {
    const b = this.bytes(offset, 4);
    return b && ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
  }

  /** A NUL- or space-padded text field, trimmed; undefined when empty or not printable. */
  text(offset: number, length: number): string | undefined {
    const b = this.bytes(offset, length);
    if (!b) return undefined;
    const end = b.indexOf(0);
    const raw = [...b.subarray(0, end < 0 ? b.length : end)].map((c) => String.fromCharCode(c)).join('').trim();
    return raw && /^[\x20-\x7e]+$/.test(raw) ? raw : undefined;
  }
}

function latin1(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

/** `what` is the phrase with its article: "an ext4 filesystem". */
function signature(type: string, kind: SignatureKind, what: string, offsetBytes: number, magicLength: number, label?: string): Signature {
  const description = `${what}${label ? ` (label "${label}")` : ''}`;
  return { type, kind, offsetBytes, ...(label ? { label } : {}), description, wipe: [{ offsetBytes, lengthBytes: magicLength }] };
}

type Detector = (p: Probe) => Signature[];

// ext2/3/4: the superblock is at 1 KiB; s_magic 0xEF53 at +0x38 (libblkid ext.c). The feature
// flags decide the name as libblkid does: a journal makes ext3, ext4-only features make ext4.
const EXT_SB = 1024;
const EXT3_COMPAT_HAS_JOURNAL = 0x4;
const EXT3_INCOMPAT_JOURNAL_DEV = 0x8;
const EXT4_INCOMPAT_ONLY = 0x40 | 0x80 | 0x200 | 0x400 | 0x1000 | 0x8000 | 0x10000; // extents, 64bit, flex_bg, ea_inode, dirdata, csum_seed, large_dir
const EXT4_RO_COMPAT_ONLY = 0x8 | 0x10 | 0x20 | 0x40 | 0x400; // huge_file, gdt_csum, dir_nlink, extra_isize, metadata_csum
const detectExt: Detector = (p) => {
  if (p.u16le(EXT_SB + 0x38) !== 0xef53) return [];
  const compat = p.u32le(EXT_SB + 0x5c) ?? 0;
  const incompat = p.u32le(EXT_SB + 0x60) ?? 0;
  const roCompat = p.u32le(EXT_SB + 0x64) ?? 0;
  const type = incompat & EXT3_INCOMPAT_JOURNAL_DEV ? 'jbd' : incompat & EXT4_INCOMPAT_ONLY || roCompat & EXT4_RO_COMPAT_ONLY ? 'ext4' : compat & EXT3_COMPAT_HAS_JOURNAL ? 'ext3' : 'ext2';
  const what = type === 'jbd' ? 'an ext journal device' : `an ${type} filesystem`;
  return [signature(type, 'filesystem', what, EXT_SB + 0x38, 2, p.text(EXT_SB + 0x78, 16))];
};

// xfs: "XFSB" at 0, sb_fname (12 bytes) at 108 (libblkid xfs.c).
const detectXfs: Detector = (p) => (p.equals(0, 'XFSB') ? [signature('xfs', 'filesystem', 'an xfs filesystem', 0, 4, p.text(108, 12))] : []);

// btrfs: the superblock is at 64 KiB; magic "_BHRfS_M" at +0x40, label (256 bytes) at +0x12b.
const BTRFS_SB = 64 * 1024;
const detectBtrfs: Detector = (p) => (p.equals(BTRFS_SB + 0x40, '_BHRfS_M') ? [signature('btrfs', 'filesystem', 'a btrfs filesystem', BTRFS_SB + 0x40, 8, p.text(BTRFS_SB + 0x12b, 256))] : []);

// FAT: boot sector with 0x55AA at 510 and the file-system type string at 0x36 (FAT12/16) or
// 0x52 (FAT32); the volume label is 11 bytes at 0x2b or 0x47 (libblkid vfat.c).
const detectVfat: Detector = (p) => {
  if (p.u16le(510) !== 0xaa55) return [];
  for (const { at, labelAt } of [{ at: 0x52, labelAt: 0x47 }, { at: 0x36, labelAt: 0x2b }]) {
    const kind = p.text(at, 8);
    if (kind && /^(FAT12|FAT16|FAT32|FAT|MSDOS|MSWIN)/.test(kind)) {
      const label = p.text(labelAt, 11);
      const sig = signature('vfat', 'filesystem', `a vfat (${kind}) filesystem`, at, 8, label === 'NO NAME' ? undefined : label);
      // libblkid also knows a FAT boot sector by its jump instruction at 0 and its 0x55AA (wipefs lists all three).
      return [{ ...sig, wipe: [...sig.wipe, { offsetBytes: 0, lengthBytes: 3 }, { offsetBytes: 510, lengthBytes: 2 }] }];
    }
  }
  return [];
};

// NTFS: OEM id "NTFS    " at 3 (libblkid ntfs.c).
const detectNtfs: Detector = (p) => (p.equals(3, 'NTFS    ') ? [signature('ntfs', 'filesystem', 'an NTFS filesystem', 3, 8)] : []);

// swap: "SWAPSPACE2" (v1) or "SWAP-SPACE" (v0) in the last 10 bytes of the first page, for every
// page size from 4 KiB to 64 KiB; software-suspend images use the same place (libblkid swap.c).
// A v1 header's volume label is 16 bytes at 1024 + 28.
const SWAP_MAGICS = ['SWAPSPACE2', 'SWAP-SPACE', 'S1SUSPEND', 'S2SUSPEND', 'ULSUSPEND', 'LINHIB0001', '\xed\xc3\x02\xe9\x98\x56\xe5\x0c'];
const detectSwap: Detector = (p) => {
  for (let page = 4096; page <= 65536; page *= 2) {
    for (const magic of SWAP_MAGICS) {
      const at = page - 10;
      if (!p.equals(at, magic)) continue;
      const suspend = !magic.startsWith('SWAP');
      const label = magic === 'SWAPSPACE2' ? p.text(1024 + 28, 16) : undefined;
      return [signature(suspend ? 'swsuspend' : 'swap', 'swap', suspend ? 'a suspended-system image in swap' : `a swap area (${page / 1024} KiB pages)`, at, magic.length, label)];
    }
  }
  return [];
};

// LUKS: "LUKS\xba\xbe" at 0, version (big endian) at 6; LUKS2 keeps a label (48 bytes) at 24
// and a second header ("SKUL\xba\xbe") at one of 16 KiB … 4 MiB (libblkid luks.c).
const LUKS_MAGIC = latin1('LUKS\xba\xbe');
const LUKS2_SECONDARY = latin1('SKUL\xba\xbe');
const detectLuks: Detector = (p) => {
  const out: Signature[] = [];
  if (p.equals(0, LUKS_MAGIC)) {
    const version = p.u16be(6);
    out.push(signature('crypto_LUKS', 'crypto', `a LUKS${version ?? ''} encrypted volume`, 0, 6, version === 2 ? p.text(24, 48) : undefined));
  }
  for (let at = 16 * 1024; at <= 4 * 1024 * 1024; at *= 2) {
    if (!p.equals(at, LUKS2_SECONDARY)) continue;
    if (out.length) out[0].wipe.push({ offsetBytes: at, lengthBytes: 6 });
    else out.push(signature('crypto_LUKS', 'crypto', 'a LUKS2 encrypted volume (its second header)', at, 6));
  }
  return out;
};

// iso9660: the primary volume descriptor is at 32 KiB: type 1, "CD001", volume id at +40.
const ISO_PVD = 32 * 1024;
const detectIso: Detector = (p) => (p.equals(ISO_PVD + 1, 'CD001') ? [signature('iso9660', 'filesystem', 'an iso9660 (CD/DVD) filesystem', ISO_PVD + 1, 5, p.text(ISO_PVD + 40, 32))] : []);

// bcache: the superblock is at 4 KiB, its 16-byte magic at +24 (libblkid bcache.c).
const BCACHE_MAGIC = Uint8Array.from([0xc6, 0x85, 0x73, 0xf6, 0x4e, 0x1a, 0x45, 0xca, 0x82, 0x65, 0xf5, 0x7f, 0x48, 0xba, 0x6d, 0x81]);
const detectBcache: Detector = (p) => (p.equals(4096 + 24, BCACHE_MAGIC) ? [signature('bcache', 'cache', 'a bcache device', 4096 + 24, 16)] : []);

// md RAID: magic 0xa92b4efc. Superblock 1.1 at 0, 1.2 at 4 KiB, 1.0 at the end minus 8 KiB
// (4 KiB aligned), 0.90 in the last 64 KiB-aligned 64 KiB (either byte order). A 1.x
// superblock carries the array name (32 bytes) at +32 (libblkid linux_raid.c).
const MD_MAGIC = 0xa92b4efc;
const detectMd: Detector = (p) => {
  const size = p.sizeBytes;
  const v090 = Math.floor(size / 65536) * 65536 - 65536;
  const v10 = Math.floor((size - 8192) / 4096) * 4096;
  const places = [
    { at: 0, version: '1.1' },
    { at: 4096, version: '1.2' },
    { at: v10, version: '1.0' },
    { at: v090, version: '0.90' },
  ];
  for (const { at, version } of places) {
    if (at < 0) continue;
    const le = p.u32le(at) === MD_MAGIC;
    const be = version === '0.90' && p.u32be(at) === MD_MAGIC;
    if (!le && !be) continue;
    if (version !== '0.90' && p.u32le(at + 4) !== 1) continue; // major_version of a 1.x superblock
    const name = version === '0.90' ? undefined : p.text(at + 32, 32);
    return [signature('linux_raid_member', 'raid', `an md RAID member (superblock ${version})`, at, 4, name)];
  }
  return [];
};

// zfs: uberblocks (magic 0x00bab10c, either byte order) in the array at 128 KiB of the first
// vdev label, 1 KiB apart (libblkid zfs.c looks the same way).
const ZFS_UBERBLOCKS = 128 * 1024;
const ZFS_MAGIC = 0x00bab10c;
const detectZfs: Detector = (p) => {
  const found: ByteRange[] = [];
  for (let at = ZFS_UBERBLOCKS; at < 2 * ZFS_UBERBLOCKS; at += 1024) {
    const le = p.u32le(at) === ZFS_MAGIC && p.u32le(at + 4) === 0;
    const be = p.u32be(at + 4) === ZFS_MAGIC && p.u32be(at) === 0;
    if (le || be) found.push({ offsetBytes: at, lengthBytes: 8 });
  }
  if (found.length < 4) return []; // one stray number is not a pool
  return [{ ...signature('zfs_member', 'filesystem', 'a ZFS pool member', found[0].offsetBytes, 8), wipe: found }];
};

// LVM2: "LABELONE" at the start of one of the first four sectors, type "LVM2 001" at +24
// (lib/label/label.c). Its identity (which VG) is the workspace's to tell.
const detectLvm2: Detector = (p) => {
  for (let s = 0; s < 4; s++) {
    if (!p.equals(s * SECTOR, 'LABELONE')) continue;
    // A device cut short inside the label sector is wiped up to its end, never past it.
    const lvm2 = p.equals(s * SECTOR + 24, 'LVM2 001');
    return [{ ...signature('LVM2_member', 'lvm2', lvm2 ? 'an LVM2 PV label' : 'an LVM label of an unknown type', s * SECTOR, 8), wipe: [{ offsetBytes: s * SECTOR, lengthBytes: Math.min(SECTOR, p.sizeBytes - s * SECTOR) }] }];
  }
  return [];
};

// Partition tables. GPT: "EFI PART" at LBA 1 (512-byte or 4 KiB sectors), its backup in the last
// sector. MBR ("dos"): 0x55AA at 510 and four entries with a sane boot flag and at least one
// used entry; a FAT or NTFS boot sector also ends in 0x55AA, so those are not taken for one.
const detectGpt: Detector = (p) => {
  const primary = [512, 4096].find((at) => p.equals(at, 'EFI PART'));
  const backup = [512, 4096].map((s) => p.sizeBytes - s).find((at) => at > 0 && p.equals(at, 'EFI PART'));
  const first = primary ?? backup;
  if (first === undefined) return [];
  const wipe = [primary, backup].filter((x): x is number => x !== undefined).map((offsetBytes) => ({ offsetBytes, lengthBytes: 8 }));
  if (p.u16le(510) === 0xaa55) wipe.push({ offsetBytes: 510, lengthBytes: 2 }); // the protective MBR
  return [{ ...signature('gpt', 'partition-table', 'a GPT partition table', first, 8), wipe }];
};

const detectMbr: Detector = (p) => {
  if (p.u16le(510) !== 0xaa55) return [];
  const entries = [0, 1, 2, 3].map((i) => p.bytes(446 + i * 16, 16)!);
  if (entries.some((e) => e[0] !== 0 && e[0] !== 0x80)) return [];
  const used = entries.filter((e) => e[4] !== 0);
  if (used.length === 0 || used.some((e) => e[4] === 0xee)) return []; // empty, or GPT's protective entry
  return [signature('dos', 'partition-table', `an MBR (dos) partition table with ${used.length} partition${used.length === 1 ? '' : 's'}`, 510, 2)];
};

/**
 * Every signature found, most specific first (as libblkid reports a superblock before a
 * partition table). Empty when the device holds nothing lvmscope knows (zeros, or data).
 */
export function detectSignatures(windows: DeviceWindows): Signature[] {
  const p = new Probe(windows);
  const found = [detectLvm2, detectLuks, detectMd, detectBcache, detectExt, detectXfs, detectBtrfs, detectVfat, detectNtfs, detectSwap, detectIso, detectZfs, detectGpt].flatMap((d) => d(p));
  const bootSector = found.some((s) => s.type === 'vfat' || s.type === 'ntfs' || s.type === 'gpt');
  return bootSector ? found : [...found, ...detectMbr(p)];
}

/** The windows of a device of `sizeBytes` as ranges to read: [head, tail]. */
export function signatureWindowRanges(sizeBytes: number): [ByteRange, ByteRange] {
  const head = Math.min(sizeBytes, SIGNATURE_HEAD_BYTES);
  const tail = Math.min(sizeBytes, SIGNATURE_TAIL_BYTES);
  return [
    { offsetBytes: 0, lengthBytes: head },
    { offsetBytes: sizeBytes - tail, lengthBytes: tail },
  ];
}
