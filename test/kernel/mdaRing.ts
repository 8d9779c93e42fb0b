// Every metadata commit a PV still holds: LVM2 writes each new copy of the VG text after the
// committed one in the metadata area's circular buffer (lvm2-format.md §3.2), so after a run
// the 1 MiB ring of a fresh PV holds every version since `vgcreate`, oldest first, until the
// buffer wraps. Reading it on the host from the image file gives the complete sequence of
// metadata states a run wrote, whoever wrote it (the kernel guest's LVM2 or lvmscope), parsed
// with lvmscope's own format code.
//
// Comparisons use a normalised text: the VG in lvmscope's canonical order (vgToConfig), without
// what differs between two correct runs: ids (the new pvmove0 gets a random one), seqnos,
// creation times and hosts, and the `device` hints (/dev/vdb in the guest, an image name in
// lvmscope), which name where a PV was found, not what the metadata says about it.

import { closeSync, openSync, readSync } from 'node:fs';
import { fail } from '../../app/base/result';
import { FILE_STYLE, writeConfig } from '../../app/lvm/format/configText';
import { decodeMdaHeader, MDA_HEADER_BYTES, scanLabel, SECTOR_BYTES, LABEL_SCAN_BYTES } from '../../app/lvm/format/layout';
import type { VolumeGroup } from '../../app/lvm/model/types';
import { parseVgText, vgToConfig } from '../../app/lvm/model/vgCodec';

/** One copy of the VG text found in a metadata area's ring. */
export interface MetadataCopy {
  /** Where the copy starts, relative to the metadata area (what raw_locn.offset records). */
  offsetBytes: number;
  seqno: number;
  vg: VolumeGroup;
  text: string;
}

export interface MdaRing {
  /** raw_locn[0].offset: the committed copy. */
  committedOffsetBytes: number;
  /** raw_locn[1].offset: a copy written but not committed yet (a commit in flight), else null. */
  precommittedOffsetBytes: number | null;
  /** Every copy found, by seqno. */
  copies: MetadataCopy[];
}

function readBytes(file: string, offsetBytes: number, lengthBytes: number): Uint8Array {
  const out = new Uint8Array(lengthBytes);
  const fd = openSync(file, 'r');
  try {
    let done = 0;
    while (done < lengthBytes) {
      const n = readSync(fd, out, done, lengthBytes - done, offsetBytes + done);
      if (n === 0) fail('IO', `${file} ended at byte ${offsetBytes + done}, inside its metadata area.`);
      done += n;
    }
  } finally {
    closeSync(fd);
  }
  return out;
}

/** The text starting at `start` up to its NUL, continuing at the ring start when it wraps. */
function copyTextAt(area: Uint8Array, start: number): string | null {
  const pieces: Uint8Array[] = [];
  let at = start;
  for (let wrapped = 0; wrapped < 2; wrapped++) {
    const nul = area.indexOf(0, at);
    if (nul >= 0) {
      pieces.push(area.subarray(at, nul));
      return Buffer.concat(pieces).toString('latin1');
    }
    pieces.push(area.subarray(at));
    at = MDA_HEADER_BYTES;
  }
  return null;
}

/** The PV uuid in the label of an image (32 characters, no dashes). */
export function pvUuidOf(imagePath: string): string {
  const { label } = scanLabel(readBytes(imagePath, 0, LABEL_SCAN_BYTES));
  return label?.pvUuid ?? fail('CORRUPT', `${imagePath} has no LVM2 label.`);
}

/**
 * Every copy of `vgName`'s metadata in the first metadata area of the PV in `imagePath`. A copy
 * starts on a sector boundary with `<vg> {`; one that no longer parses (partly overwritten
 * after the ring wrapped) is an error, because the sequence would then have a hole.
 */
export function readMdaRing(imagePath: string, vgName: string): MdaRing {
  const { label } = scanLabel(readBytes(imagePath, 0, LABEL_SCAN_BYTES));
  if (!label) return fail('CORRUPT', `${imagePath} has no LVM2 label.`);
  const mda = label.metadataAreas[0] ?? fail('STATE', `${imagePath} has no metadata area.`);
  const area = readBytes(imagePath, mda.offsetBytes, mda.sizeBytes);
  const header = decodeMdaHeader(area.subarray(0, MDA_HEADER_BYTES), mda.offsetBytes);
  const opening = Buffer.from(`${vgName} {`, 'latin1');
  const copies: MetadataCopy[] = [];
  for (let at = MDA_HEADER_BYTES; at < area.length; at += SECTOR_BYTES) {
    if (Buffer.compare(area.subarray(at, at + opening.length), opening) !== 0) continue;
    const text = copyTextAt(area, at);
    if (text === null) fail('CORRUPT', `${imagePath}: the metadata copy at byte ${at} of the ring has no end.`);
    try {
      const { vg } = parseVgText(text!);
      copies.push({ offsetBytes: at, seqno: vg.seqno, vg, text: text! });
    } catch (e) {
      fail('CORRUPT', `${imagePath}: the metadata copy at byte ${at} of the ring does not parse (${(e as Error).message}); the ring wrapped over it.`);
    }
  }
  copies.sort((a, b) => a.seqno - b.seqno || a.offsetBytes - b.offsetBytes);
  const { precommitted } = header;
  const inFlight = precommitted.sizeBytes > 0 && precommitted.offsetBytes !== header.committed.offsetBytes;
  return { committedOffsetBytes: header.committed.offsetBytes, precommittedOffsetBytes: inFlight ? precommitted.offsetBytes : null, copies };
}

/** The copy that raw_locn[0] points at (the committed metadata). */
export function committedCopy(ring: MdaRing): MetadataCopy {
  return ring.copies.find((c) => c.offsetBytes === ring.committedOffsetBytes) ?? fail('STATE', `no metadata copy starts at the committed offset ${ring.committedOffsetBytes}.`);
}

/** The copy at a ring offset (a raw_locn[0] value sampled while a move ran). */
export function copyAtOffset(ring: MdaRing, offsetBytes: number): MetadataCopy {
  return ring.copies.find((c) => c.offsetBytes === offsetBytes) ?? fail('STATE', `no metadata copy starts at ring offset ${offsetBytes}.`);
}

/**
 * The commits after `afterSeqno` up to the committed copy, in order. Each seqno must appear
 * exactly once (a copy written and never committed would repeat one) and without gaps, so the
 * list is provably every commit of the run.
 */
export function commitsAfter(ring: MdaRing, afterSeqno: number): MetadataCopy[] {
  const last = committedCopy(ring).seqno;
  const out: MetadataCopy[] = [];
  for (let seqno = afterSeqno + 1; seqno <= last; seqno++) {
    const found = ring.copies.filter((c) => c.seqno === seqno);
    if (found.length !== 1) fail('STATE', `the metadata ring holds ${found.length} copies with seqno ${seqno} (expected exactly one).`);
    out.push(found[0]);
  }
  return out;
}

// Lines that differ between two correct runs of the same move (see the top of this file).
const RUN_SPECIFIC_LINE = /^\s*(id|seqno|creation_time|creation_host|device) = /;

/** The VG as comparable text: canonical key order, without ids, seqnos, times, hosts and device hints. */
export function normalisedMetadata(vg: VolumeGroup): string {
  return writeConfig([vgToConfig(vg)], FILE_STYLE)
    .split('\n')
    .filter((line) => !RUN_SPECIFIC_LINE.test(line))
    .join('\n');
}
