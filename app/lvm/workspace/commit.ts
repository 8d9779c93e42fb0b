// LVM2's metadata commit protocol (§3.3), on every metadata area of every PV of a VG:
//   1. vgWrite      seqno is already +1 in the text; write it after the committed copy in each
//                   circular buffer, flush, read back and verify the checksum. Headers unchanged.
//   2. vgPrecommit  rewrite each header with slot 1 = the new copy; flush; read back.
//   3. vgCommit     rewrite each header with slot 0 = the new copy, slot 1 zeroed; flush; read back.
// A crash before step 3 completes on an mda leaves that mda on the old copy; a reader takes the
// highest seqno it finds, so a crash leaves old or new metadata, never garbage. Each phase is a
// separate function so crash tests and the pvmove engine can stop between them.

import type { BlockStore } from '../../block/blockStore';
import { LvmscopeError } from '../../base/result';
import { EMPTY_RAW_LOCN, MDA_HEADER_BYTES, RAW_LOCN_IGNORED, SECTOR_BYTES, copiesOverlap, encodeMdaHeader, maxTextBytes, nextTextOffset, textChecksum, textPieces, type MdaHeader, type RawLocn } from '../format/layout';

/** One metadata area to write: where it is and its current header (undefined = damaged/new). */
export interface MdaTarget {
  imageName: string;
  store: BlockStore;
  startBytes: number;
  sizeBytes: number;
  header: MdaHeader | undefined;
}

export type CommitPhase = 'written' | 'precommitted' | 'committed' | 'reverted';

/** A metadata write in flight: the text and where it went in each mda. */
export interface PendingCommit {
  seqno: number;
  textBytes: Uint8Array;
  placements: { target: MdaTarget; locn: RawLocn }[];
  phase: CommitPhase;
}

/** Called after each phase; throwing from a hook stops the protocol there (a simulated crash). */
export interface CommitHooks {
  afterWrite?(pending: PendingCommit): void | Promise<void>;
  afterPrecommit?(pending: PendingCommit): void | Promise<void>;
  afterCommit?(pending: PendingCommit): void | Promise<void>;
}

const encoder = new TextEncoder();

/** Text plus its trailing NUL, as stored. */
export function metadataBytes(text: string): Uint8Array {
  const body = encoder.encode(text);
  const out = new Uint8Array(body.length + 1);
  out.set(body);
  return out;
}

/** Plans where the text goes in one mda; refuses when it does not fit (§3.2 rule 6). */
export function placeCopy(target: MdaTarget, textBytes: Uint8Array): RawLocn {
  const committed = target.header?.committed;
  if (textBytes.length > maxTextBytes(target.sizeBytes)) {
    throw new LvmscopeError('NO_SPACE', `The metadata (${textBytes.length} bytes) no longer fits in the ${target.sizeBytes}-byte metadata area of ${target.imageName}; remove LVs or use PVs with a larger metadata area.`);
  }
  const offsetBytes = nextTextOffset(target.sizeBytes, committed);
  const locn: RawLocn = { offsetBytes, sizeBytes: textBytes.length, checksum: 0, flags: 0 };
  if (committed && committed.offsetBytes >= MDA_HEADER_BYTES && committed.sizeBytes > 0 && copiesOverlap(target.sizeBytes, committed, locn)) {
    throw new LvmscopeError('NO_SPACE', `The new metadata would overwrite the committed copy in ${target.imageName}; the metadata area is too small.`);
  }
  const pieces = textPieces(target.sizeBytes, offsetBytes, textBytes.length);
  let at = 0;
  locn.checksum = textChecksum(pieces.map((p) => textBytes.subarray(at, (at += p.lengthBytes))));
  return locn;
}

/** Writes the text of one placement, padded to a sector boundary, and reads it back. */
async function writeCopy(target: MdaTarget, locn: RawLocn, textBytes: Uint8Array): Promise<void> {
  const pieces = textPieces(target.sizeBytes, locn.offsetBytes, locn.sizeBytes);
  let at = 0;
  for (const [i, p] of pieces.entries()) {
    const chunk = textBytes.subarray(at, at + p.lengthBytes);
    at += p.lengthBytes;
    const last = i === pieces.length - 1;
    const padded = last ? Math.min(Math.ceil(p.lengthBytes / SECTOR_BYTES) * SECTOR_BYTES, target.sizeBytes - p.mdaOffsetBytes) : p.lengthBytes;
    const buf = new Uint8Array(padded);
    buf.set(chunk);
    await target.store.write(target.startBytes + p.mdaOffsetBytes, buf);
  }
}

async function verifyCopy(target: MdaTarget, locn: RawLocn): Promise<void> {
  const pieces: Uint8Array[] = [];
  for (const p of textPieces(target.sizeBytes, locn.offsetBytes, locn.sizeBytes)) pieces.push(await target.store.read(target.startBytes + p.mdaOffsetBytes, p.lengthBytes));
  if (textChecksum(pieces) !== locn.checksum) throw new LvmscopeError('IO', `Metadata written to ${target.imageName} did not read back correctly; the image may be failing.`);
}

async function writeHeader(target: MdaTarget, header: MdaHeader): Promise<void> {
  const bytes = encodeMdaHeader(header);
  await target.store.write(target.startBytes, bytes);
  await target.store.flush();
  const back = await target.store.read(target.startBytes, MDA_HEADER_BYTES);
  if (back.some((b, i) => b !== bytes[i])) throw new LvmscopeError('IO', `The metadata header written to ${target.imageName} did not read back correctly.`);
  target.header = header;
}

function headerOf(target: MdaTarget): MdaHeader {
  return target.header ?? { startBytes: target.startBytes, sizeBytes: target.sizeBytes, committed: { ...EMPTY_RAW_LOCN }, precommitted: { ...EMPTY_RAW_LOCN } };
}

async function flushAll(targets: MdaTarget[]): Promise<void> {
  for (const store of new Set(targets.map((t) => t.store))) await store.flush();
}

/** Phase 1: write the new text into every mda (after its committed copy). Plans all first. */
export async function vgWrite(allTargets: MdaTarget[], text: string, seqno: number): Promise<PendingCommit> {
  // As LVM2 (_vg_write_raw), an mda marked ignored (pvchange --metadataignore y) gets no copy:
  // nothing reads it, and writing there could only fail when its area is small.
  const targets = allTargets.filter((t) => ((t.header?.committed.flags ?? 0) & RAW_LOCN_IGNORED) === 0);
  if (targets.length === 0) throw new LvmscopeError('STATE', 'The volume group has no usable metadata area to write to.');
  const textBytes = metadataBytes(text);
  const placements = targets.map((target) => ({ target, locn: placeCopy(target, textBytes) }));
  for (const p of placements) await writeCopy(p.target, p.locn, textBytes);
  await flushAll(targets);
  for (const p of placements) await verifyCopy(p.target, p.locn);
  return { seqno, textBytes, placements, phase: 'written' };
}

/** Phase 2: slot 1 of every header points at the new copy; slot 0 stays on the old one. */
export async function vgPrecommit(pending: PendingCommit): Promise<void> {
  if (pending.phase !== 'written') throw new LvmscopeError('STATE', `Cannot precommit metadata that is ${pending.phase}.`);
  for (const { target, locn } of pending.placements) await writeHeader(target, { ...headerOf(target), precommitted: locn });
  pending.phase = 'precommitted';
}

/** Phase 3: slot 0 of every header points at the new copy and slot 1 is cleared. */
export async function vgCommit(pending: PendingCommit): Promise<void> {
  if (pending.phase !== 'precommitted') throw new LvmscopeError('STATE', `Cannot commit metadata that is ${pending.phase}; precommit it first.`);
  for (const { target, locn } of pending.placements) {
    const keepIgnored = (target.header?.committed.flags ?? 0) & RAW_LOCN_IGNORED;
    await writeHeader(target, { ...headerOf(target), committed: { ...locn, flags: keepIgnored }, precommitted: { ...EMPTY_RAW_LOCN } });
  }
  pending.phase = 'committed';
}

/** vg_revert: clear slot 1 everywhere; the old committed copy stays live. */
export async function vgRevert(pending: PendingCommit): Promise<void> {
  for (const { target } of pending.placements) {
    if (target.header && target.header.precommitted.sizeBytes !== 0) await writeHeader(target, { ...target.header, precommitted: { ...EMPTY_RAW_LOCN } });
  }
  pending.phase = 'reverted';
}

/** All three phases with the optional hooks between them. */
export async function commitMetadata(targets: MdaTarget[], text: string, seqno: number, hooks: CommitHooks = {}): Promise<PendingCommit> {
  const pending = await vgWrite(targets, text, seqno);
  await hooks.afterWrite?.(pending);
  await vgPrecommit(pending);
  await hooks.afterPrecommit?.(pending);
  await vgCommit(pending);
  await hooks.afterCommit?.(pending);
  return pending;
}

/** Empties an mda (no committed copy): used when a PV leaves its VG or is created. */
export async function clearMda(target: MdaTarget): Promise<void> {
  await writeHeader(target, { startBytes: target.startBytes, sizeBytes: target.sizeBytes, committed: { ...EMPTY_RAW_LOCN }, precommitted: { ...EMPTY_RAW_LOCN } });
}
