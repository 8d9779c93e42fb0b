// Every on-disk structure of an LVM2 (2.03) physical volume, in one file, as LVM2 keeps them
// in lib/format_text/layout.h and lib/label/label.h. All integers are little-endian; a sector is
// 512 bytes. Codecs here are pure `bytes <-> model` functions: no IO, no policy. Offsets are
// checked against real bytes (docs/lvm2-format.md §1–3).

import { LvmscopeError } from '../../base/result';

// ---------------------------------------------------------------------------------------------
// Constants

/** A sector is 512 bytes everywhere in LVM2, even on 4K-sector devices. */
export const SECTOR_BYTES = 512;
/** LVM scans the first four sectors (bytes 0–2047) for a label. */
export const LABEL_SCAN_SECTORS = 4;
export const LABEL_SCAN_BYTES = LABEL_SCAN_SECTORS * SECTOR_BYTES;
/** pvcreate writes the label to sector 1 and leaves sector 0 alone (for an MBR). */
export const DEFAULT_LABEL_SECTOR = 1;
/** label_header.id. */
export const LABEL_ID = 'LABELONE';
/** label_header.type for the text format. */
export const LABEL_TYPE = 'LVM2 001';
/** label_header.offset_xl: the pv_header follows the 32-byte label_header. */
export const LABEL_HEADER_BYTES = 32;
/** Every CRC LVM computes starts from this value (lib/misc/crc.h INITIAL_CRC). */
export const INITIAL_CRC = 0xf597a6cf;
/** pv_header_extension.version written by LVM2 2.03 (2 added PV_EXT_USED). */
export const PV_EXT_VERSION = 2;
/** pv_header_extension.flags bit 0: the PV belongs to a VG. */
export const PV_EXT_USED = 1;
/** Size of the mda_header at the start of every metadata area. */
export const MDA_HEADER_BYTES = 512;
/** mda_header.magic: " LVM2 x[5A%r0N*>". */
export const FMTT_MAGIC = new Uint8Array([0x20, 0x4c, 0x56, 0x4d, 0x32, 0x20, 0x78, 0x5b, 0x35, 0x41, 0x25, 0x72, 0x30, 0x4e, 0x2a, 0x3e]);
/** mda_header.version. */
export const FMTT_VERSION = 1;
/** raw_locn.flags bit 0 on slot 0: the mda is "metadataignore"d; readers skip it. */
export const RAW_LOCN_IGNORED = 1;
/** Size of one raw_locn record {u64 offset, u64 size, u32 checksum, u32 flags}. */
export const RAW_LOCN_BYTES = 24;
/** Default pvcreate layout: data (pe_start) at 1 MiB, one mda at 4 KiB of 1 MiB − 4 KiB. */
export const DEFAULT_PE_START_BYTES = 1024 * 1024;
export const DEFAULT_MDA0_OFFSET_BYTES = 4096;
export const DEFAULT_MDA0_SIZE_BYTES = 1024 * 1024 - 4096;
/** With two mdas, the second one is the last 1 MiB of the device. */
export const DEFAULT_MDA1_SIZE_BYTES = 1024 * 1024;

// label_header field offsets (inside the label sector).
const LH_ID = 0x00; // 8 bytes "LABELONE"
const LH_SECTOR = 0x08; // u64 sector_xl: the sector number holding this label
const LH_CRC = 0x10; // u32 crc_xl over bytes [0x14, 0x200)
const LH_OFFSET = 0x14; // u32 offset_xl: pv_header offset from the start of the sector (32)
const LH_TYPE = 0x18; // 8 bytes "LVM2 001"
// pv_header field offsets (inside the label sector).
const PVH_UUID = 0x20; // 32 ASCII chars, no dashes
const PVH_DEVICE_SIZE = 0x40; // u64 device size in bytes
const PVH_LISTS = 0x48; // data-area list, then mda list, then extension, then bootloader list
const DISK_LOCN_BYTES = 16; // {u64 offset, u64 size}
// mda_header field offsets (inside the 512-byte header).
const MH_CHECKSUM = 0x00; // u32 crc over [4, 512)
const MH_MAGIC = 0x04; // 16 bytes FMTT_MAGIC
const MH_VERSION = 0x14; // u32 FMTT_VERSION
const MH_START = 0x18; // u64 absolute byte offset of this mda on the device
const MH_SIZE = 0x20; // u64 mda size in bytes, header included
const MH_RAW_LOCNS = 0x28; // raw_locn[0] committed, [1] precommitted, [2] {0} terminator

// ---------------------------------------------------------------------------------------------
// CRC (lib/misc/crc.c): reflected CRC-32, polynomial 0xEDB88320, no pre/post inversion.

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[i] = c >>> 0;
  }
  return table;
})();

/** LVM2's calc_crc: continue a CRC from `initial` over `data`. */
export function calcCrc(initial: number, data: Uint8Array): number {
  let crc = initial >>> 0;
  for (let i = 0; i < data.length; i++) crc = CRC_TABLE[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return crc >>> 0;
}

// ---------------------------------------------------------------------------------------------
// Little-endian helpers. u64 values are returned as numbers; anything past 2^53 is corrupt for
// us (no image is that large), so it is refused rather than rounded.

function u64(view: DataView, offset: number, what: string): number {
  const value = view.getBigUint64(offset, true);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new LvmscopeError('CORRUPT', `${what} holds the impossible value ${value}; the header is damaged.`);
  }
  return Number(value);
}
function setU64(view: DataView, offset: number, value: number): void {
  view.setBigUint64(offset, BigInt(value), true);
}
function ascii(bytes: Uint8Array, offset: number, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += String.fromCharCode(bytes[offset + i]);
  return s;
}
function putAscii(bytes: Uint8Array, offset: number, text: string): void {
  for (let i = 0; i < text.length; i++) bytes[offset + i] = text.charCodeAt(i) & 0xff;
}

// ---------------------------------------------------------------------------------------------
// Label sector: label_header + pv_header + extension.

/** disk_locn: a byte range on the device. size 0 for a data area means "to the end". */
export interface DiskLocn {
  offsetBytes: number;
  sizeBytes: number;
}

/** The decoded label sector of a PV. */
export interface PvLabel {
  /** Sector (0–3) the label was found in / is written to. */
  labelSector: number;
  /** 32 characters, no dashes. */
  pvUuid: string;
  deviceSizeBytes: number;
  dataAreas: DiskLocn[];
  metadataAreas: DiskLocn[];
  /** pv_header_extension.version; 0 = no extension. */
  extVersion: number;
  /** pv_header_extension.flags (PV_EXT_USED). */
  extFlags: number;
  bootloaderAreas: DiskLocn[];
}

/** Encodes a label sector (512 bytes) with its CRC. */
export function encodeLabelSector(label: PvLabel): Uint8Array {
  const sector = new Uint8Array(SECTOR_BYTES);
  const view = new DataView(sector.buffer);
  putAscii(sector, LH_ID, LABEL_ID);
  setU64(view, LH_SECTOR, label.labelSector);
  view.setUint32(LH_OFFSET, LABEL_HEADER_BYTES, true);
  putAscii(sector, LH_TYPE, LABEL_TYPE);
  putAscii(sector, PVH_UUID, label.pvUuid);
  setU64(view, PVH_DEVICE_SIZE, label.deviceSizeBytes);
  let at = PVH_LISTS;
  const putList = (list: DiskLocn[]) => {
    for (const locn of list) {
      setU64(view, at, locn.offsetBytes);
      setU64(view, at + 8, locn.sizeBytes);
      at += DISK_LOCN_BYTES;
    }
    at += DISK_LOCN_BYTES; // {0,0} terminator (already zero)
  };
  putList(label.dataAreas);
  putList(label.metadataAreas);
  if (label.extVersion > 0) {
    view.setUint32(at, label.extVersion, true);
    view.setUint32(at + 4, label.extFlags, true);
    at += 8;
    putList(label.bootloaderAreas);
  }
  if (at > SECTOR_BYTES) throw new LvmscopeError('INVALID', 'The PV header lists too many areas to fit in one 512-byte label sector.');
  view.setUint32(LH_CRC, calcCrc(INITIAL_CRC, sector.subarray(LH_OFFSET)), true);
  return sector;
}

/** Why a sector is not a valid label, or the label. */
export type LabelDecode = { ok: true; label: PvLabel } | { ok: false; reason: string; hasLabelId: boolean };

/** Decodes one 512-byte sector found at `sectorNumber`, with the checks LVM applies (§1). */
export function decodeLabelSector(sector: Uint8Array, sectorNumber: number): LabelDecode {
  if (sector.length < SECTOR_BYTES || ascii(sector, LH_ID, 8) !== LABEL_ID) return { ok: false, reason: 'no LABELONE', hasLabelId: false };
  const view = new DataView(sector.buffer, sector.byteOffset, SECTOR_BYTES);
  const bad = (reason: string): LabelDecode => ({ ok: false, reason, hasLabelId: true });
  if (view.getBigUint64(LH_SECTOR, true) !== BigInt(sectorNumber)) return bad(`the label in sector ${sectorNumber} claims another sector number`);
  const crc = calcCrc(INITIAL_CRC, sector.subarray(LH_OFFSET, SECTOR_BYTES));
  if (crc !== view.getUint32(LH_CRC, true)) return bad(`the label in sector ${sectorNumber} has a bad checksum`);
  if (ascii(sector, LH_TYPE, 8) !== LABEL_TYPE) return bad(`the label in sector ${sectorNumber} is not of type ${LABEL_TYPE}`);
  const offset = view.getUint32(LH_OFFSET, true);
  if (offset !== LABEL_HEADER_BYTES) return bad(`the label in sector ${sectorNumber} puts its PV header at an unsupported offset ${offset}`);
  try {
    return { ok: true, label: decodePvHeader(sector, view, sectorNumber) };
  } catch (e) {
    if (e instanceof LvmscopeError) return bad(e.message);
    throw e;
  }
}

function decodePvHeader(sector: Uint8Array, view: DataView, sectorNumber: number): PvLabel {
  let at = PVH_LISTS;
  const readList = (what: string): DiskLocn[] => {
    const list: DiskLocn[] = [];
    while (true) {
      if (at + DISK_LOCN_BYTES > SECTOR_BYTES) throw new LvmscopeError('CORRUPT', `the ${what} list in the PV header runs past the label sector`);
      const offsetBytes = u64(view, at, what);
      const sizeBytes = u64(view, at + 8, what);
      at += DISK_LOCN_BYTES;
      if (offsetBytes === 0) return list; // readers stop at the first zero offset
      list.push({ offsetBytes, sizeBytes });
    }
  };
  const dataAreas = readList('data area');
  const metadataAreas = readList('metadata area');
  let extVersion = 0;
  let extFlags = 0;
  let bootloaderAreas: DiskLocn[] = [];
  if (at + 8 <= SECTOR_BYTES) {
    extVersion = view.getUint32(at, true);
    extFlags = view.getUint32(at + 4, true);
    at += 8;
    if (extVersion > 0) bootloaderAreas = readList('bootloader area');
  }
  return { labelSector: sectorNumber, pvUuid: ascii(sector, PVH_UUID, 32), deviceSizeBytes: u64(view, PVH_DEVICE_SIZE, 'device size'), dataAreas, metadataAreas, extVersion, extFlags, bootloaderAreas };
}

/** Result of scanning sectors 0–3: the first valid label, plus warnings about others. */
export interface LabelScan {
  label: PvLabel | undefined;
  /** Reasons why sectors carrying LABELONE were rejected or ignored. */
  problems: string[];
}

/** Scans the first 2048 bytes of a device for a label. The first valid one wins (§1). */
export function scanLabel(head: Uint8Array): LabelScan {
  const problems: string[] = [];
  let label: PvLabel | undefined;
  for (let s = 0; s < LABEL_SCAN_SECTORS; s++) {
    const sector = head.subarray(s * SECTOR_BYTES, (s + 1) * SECTOR_BYTES);
    if (sector.length < SECTOR_BYTES) break;
    const decoded = decodeLabelSector(sector, s);
    if (decoded.ok) {
      if (label) problems.push(`a second label in sector ${s} is ignored`);
      else label = decoded.label;
    } else if (decoded.hasLabelId) {
      problems.push(decoded.reason);
    }
  }
  return { label, problems };
}

// ---------------------------------------------------------------------------------------------
// Metadata area header.

/** raw_locn: where a metadata text copy lives, relative to the mda start. */
export interface RawLocn {
  offsetBytes: number;
  /** Bytes of text including the trailing NUL. */
  sizeBytes: number;
  checksum: number;
  flags: number;
}

export const EMPTY_RAW_LOCN: RawLocn = Object.freeze({ offsetBytes: 0, sizeBytes: 0, checksum: 0, flags: 0 });

export interface MdaHeader {
  /** Absolute byte offset of the mda on the device. */
  startBytes: number;
  /** Size of the mda in bytes, header included. */
  sizeBytes: number;
  /** raw_locn[0]: the committed copy. */
  committed: RawLocn;
  /** raw_locn[1]: the precommitted copy (zero unless a write is in flight). */
  precommitted: RawLocn;
}

/** Encodes a 512-byte mda_header with its checksum. */
export function encodeMdaHeader(header: MdaHeader): Uint8Array {
  const bytes = new Uint8Array(MDA_HEADER_BYTES);
  const view = new DataView(bytes.buffer);
  bytes.set(FMTT_MAGIC, MH_MAGIC);
  view.setUint32(MH_VERSION, FMTT_VERSION, true);
  setU64(view, MH_START, header.startBytes);
  setU64(view, MH_SIZE, header.sizeBytes);
  const putLocn = (at: number, l: RawLocn) => {
    setU64(view, at, l.offsetBytes);
    setU64(view, at + 8, l.sizeBytes);
    view.setUint32(at + 16, l.checksum >>> 0, true);
    view.setUint32(at + 20, l.flags >>> 0, true);
  };
  putLocn(MH_RAW_LOCNS, header.committed);
  putLocn(MH_RAW_LOCNS + RAW_LOCN_BYTES, header.precommitted);
  view.setUint32(MH_CHECKSUM, calcCrc(INITIAL_CRC, bytes.subarray(4)), true);
  return bytes;
}

/** Decodes and validates an mda_header; throws CORRUPT with the reason LVM would give. */
export function decodeMdaHeader(bytes: Uint8Array, expectedStartBytes: number): MdaHeader {
  if (bytes.length < MDA_HEADER_BYTES) throw new LvmscopeError('CORRUPT', 'the metadata area header is truncated');
  const view = new DataView(bytes.buffer, bytes.byteOffset, MDA_HEADER_BYTES);
  if (calcCrc(INITIAL_CRC, bytes.subarray(4, MDA_HEADER_BYTES)) !== view.getUint32(MH_CHECKSUM, true)) {
    throw new LvmscopeError('CORRUPT', `the metadata area header at byte ${expectedStartBytes} has a bad checksum`);
  }
  for (let i = 0; i < FMTT_MAGIC.length; i++) {
    if (bytes[MH_MAGIC + i] !== FMTT_MAGIC[i]) throw new LvmscopeError('CORRUPT', `the metadata area header at byte ${expectedStartBytes} has the wrong magic`);
  }
  if (view.getUint32(MH_VERSION, true) !== FMTT_VERSION) throw new LvmscopeError('CORRUPT', `the metadata area header at byte ${expectedStartBytes} has an unknown version`);
  const startBytes = u64(view, MH_START, 'mda start');
  if (startBytes !== expectedStartBytes) throw new LvmscopeError('CORRUPT', `the metadata area header at byte ${expectedStartBytes} says it starts at byte ${startBytes}`);
  const sizeBytes = u64(view, MH_SIZE, 'mda size');
  if (sizeBytes < MDA_HEADER_BYTES) throw new LvmscopeError('CORRUPT', `the metadata area at byte ${expectedStartBytes} is smaller than its header`);
  const getLocn = (at: number): RawLocn => ({ offsetBytes: u64(view, at, 'raw_locn offset'), sizeBytes: u64(view, at + 8, 'raw_locn size'), checksum: view.getUint32(at + 16, true), flags: view.getUint32(at + 20, true) });
  const committed = getLocn(MH_RAW_LOCNS);
  const precommitted = getLocn(MH_RAW_LOCNS + RAW_LOCN_BYTES);
  return { startBytes, sizeBytes, committed, precommitted };
}

// ---------------------------------------------------------------------------------------------
// Circular text buffer (§3.2): bytes [512, size) of the mda.

/** One contiguous piece of a text copy: its offset relative to the mda start, and length. */
export interface MdaPiece {
  mdaOffsetBytes: number;
  lengthBytes: number;
}

/** The longest text (NUL included) an mda of this size accepts, so old and new never overlap. */
export function maxTextBytes(mdaSizeBytes: number): number {
  return Math.floor((mdaSizeBytes - MDA_HEADER_BYTES) / 2) - MDA_HEADER_BYTES;
}

/** Splits a copy at {offset, size} into one piece, or two when it wraps past the mda end. */
export function textPieces(mdaSizeBytes: number, offsetBytes: number, sizeBytes: number): MdaPiece[] {
  if (offsetBytes + sizeBytes <= mdaSizeBytes) return [{ mdaOffsetBytes: offsetBytes, lengthBytes: sizeBytes }];
  const first = mdaSizeBytes - offsetBytes;
  return [
    { mdaOffsetBytes: offsetBytes, lengthBytes: first },
    { mdaOffsetBytes: MDA_HEADER_BYTES, lengthBytes: sizeBytes - first },
  ];
}

/** Where a new copy of `textBytes` goes, given the committed copy in slot 0 (§3.2 rules 1–3). */
export function nextTextOffset(mdaSizeBytes: number, committed: RawLocn | undefined): number {
  if (!committed || committed.sizeBytes === 0 || committed.offsetBytes === 0 || committed.flags & RAW_LOCN_IGNORED) return MDA_HEADER_BYTES;
  const pieces = textPieces(mdaSizeBytes, committed.offsetBytes, committed.sizeBytes);
  const last = pieces[pieces.length - 1];
  const oldLast = last.mdaOffsetBytes + last.lengthBytes - 1;
  if (mdaSizeBytes - oldLast < MDA_HEADER_BYTES) return MDA_HEADER_BYTES;
  const next = Math.ceil((oldLast + 1) / SECTOR_BYTES) * SECTOR_BYTES;
  return next > mdaSizeBytes - MDA_HEADER_BYTES ? MDA_HEADER_BYTES : next;
}

/** True when two copies in the circular buffer share any byte. */
export function copiesOverlap(mdaSizeBytes: number, a: { offsetBytes: number; sizeBytes: number }, b: { offsetBytes: number; sizeBytes: number }): boolean {
  for (const p of textPieces(mdaSizeBytes, a.offsetBytes, a.sizeBytes)) {
    for (const q of textPieces(mdaSizeBytes, b.offsetBytes, b.sizeBytes)) {
      if (p.mdaOffsetBytes < q.mdaOffsetBytes + q.lengthBytes && q.mdaOffsetBytes < p.mdaOffsetBytes + p.lengthBytes) return true;
    }
  }
  return false;
}

/** CRC of a (possibly wrapped) copy, computed continuously over its pieces. */
export function textChecksum(pieces: Uint8Array[]): number {
  let crc = INITIAL_CRC;
  for (const p of pieces) crc = calcCrc(crc, p);
  return crc;
}

// ---------------------------------------------------------------------------------------------
// UUIDs (lib/id/id.c): 32 characters; printed as 6-4-4-4-4-4-6 with dashes.

/** Characters LVM draws new ids from. */
export const UUID_NEW_CHARS = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** Characters LVM accepts in an id. */
const UUID_VALID = /^[0-9a-zA-Z!#]{32}$/;
const UUID_GROUPS = [6, 4, 4, 4, 4, 4, 6];

export function isValidUuid(uuid: string): boolean {
  return UUID_VALID.test(uuid);
}

/** 32 chars → the 38-char dashed form. */
export function formatUuid(uuid: string): string {
  const parts: string[] = [];
  let at = 0;
  for (const n of UUID_GROUPS) {
    parts.push(uuid.slice(at, at + n));
    at += n;
  }
  return parts.join('-');
}

/** Dashed or plain form → 32 chars; throws CORRUPT when it is not a valid id. */
export function parseUuid(text: string, what: string): string {
  const plain = text.replace(/-/g, '');
  if (!isValidUuid(plain)) throw new LvmscopeError('CORRUPT', `${what} has the invalid id "${text}" (LVM ids are 32 characters of [0-9a-zA-Z!#]).`);
  return plain;
}
