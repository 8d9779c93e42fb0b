// A workspace is a folder of image files, each possibly an LVM2 PV. Opening it takes the lock,
// scans every image, and assembles volume groups by VG UUID from the highest valid seqno found
// in any metadata area. Images are named by file name ("pv1.img"); the PV ↔ image mapping is
// exposed so hosts and the UI can show it.

import type { BlockStore, WorkspaceStorage } from '../../block/blockStore';
import type { Clock, Random } from '../../base/clock';
import { LvmscopeError } from '../../base/result';
import { PV_EXT_USED, formatUuid, type PvLabel } from '../format/layout';
import { parseVgText } from '../model/vgCodec';
import { assertValidVg } from '../model/validate';
import { cloneVg, type VolumeGroup } from '../model/types';
import { scanImage, VerifiedTexts, type ScannedImage } from './scan';
import type { MdaTarget } from './commit';

export interface WorkspaceOptions {
  /** Who holds the lock, for the message a second opener gets. */
  holder: string;
  clock: Clock;
  random: Random;
  /** creation_host written into new LVs and metadata. */
  hostname: string;
  /** Wall-clock unix seconds for creation_time; defaults to clock.now() / 1000. */
  unixTime?: () => number;
  /** Written as a comment next to creation_host (like LVM's uname). */
  systemComment?: string;
}

/** A problem found while scanning; the workspace still opens. */
export interface WorkspaceProblem {
  image?: string;
  error: LvmscopeError;
}

/** A PV with a label but no VG. */
export interface OrphanPv {
  image: string;
  pvId: string;
  sizeBytes: number;
  label: PvLabel;
  /**
   * Why this PV may still belong to a VG whose metadata could not be read (its label is marked
   * in use, or its metadata area is damaged or holds a VG that did not assemble): commands
   * refuse to reuse it, as LVM2 does ("PV is used by a VG but its metadata is missing").
   */
  damaged?: string;
}

/** A missing PV of a VG: the VG opens read-only. */
export interface MissingPv {
  pvId: string;
  /** The `device` hint from the metadata. */
  deviceHint?: string;
}

/** An assembled VG: the model plus where its PVs and metadata areas are. */
export interface OpenVg {
  vg: VolumeGroup;
  /** PV id → image name, for the PVs that were found. */
  images: Map<string, string>;
  missing: MissingPv[];
  readOnly: boolean;
  /** Why it is read-only, in one sentence. */
  readOnlyReason?: string;
  /** mdas holding an older seqno or damaged bytes; the next commit rewrites them. */
  staleMdas: { image: string; mdaIndex: number; seqno?: number; problem?: string }[];
  /** Every metadata area of every present PV (the commit targets). */
  mdas: MdaTarget[];
}

interface MdaCopy {
  image: ScannedImage;
  mdaIndex: number;
  vg: VolumeGroup;
}

export class LvmWorkspace {
  readonly problems: WorkspaceProblem[] = [];
  private images = new Map<string, ScannedImage>();
  private vgsById = new Map<string, OpenVg>();
  private orphanList: OrphanPv[] = [];
  /** Commit targets per image, kept across commits so their headers stay current. */
  private targets = new Map<string, MdaTarget[]>();

  private constructor(
    readonly storage: WorkspaceStorage,
    readonly options: WorkspaceOptions,
  ) {}

  /** Takes the lock and scans. A second opener gets a LOCKED error naming the holder. */
  static async open(storage: WorkspaceStorage, options: WorkspaceOptions): Promise<LvmWorkspace> {
    await storage.lock(options.holder);
    const ws = new LvmWorkspace(storage, options);
    try {
      await ws.rescan();
    } catch (e) {
      await ws.close();
      throw e;
    }
    return ws;
  }

  async close(): Promise<void> {
    for (const image of this.images.values()) await image.store.close();
    this.images.clear();
    await this.storage.unlock();
  }

  /** Re-reads every image (after an outside change, or to reload after a failed command). */
  async rescan(): Promise<void> {
    for (const image of this.images.values()) await image.store.close();
    this.images.clear();
    this.targets.clear();
    this.problems.length = 0;
    const opened: { name: string; store: BlockStore }[] = [];
    for (const name of await this.storage.listImages()) {
      const store = await this.openOrSkip(name);
      if (store) opened.push({ name, store });
    }
    let scanned: ScannedImage[];
    try {
      scanned = await scanAll(opened);
    } catch (e) {
      // Not yet in this.images, so close() would not close them.
      for (const o of opened) await o.store.close().catch(() => undefined);
      throw e;
    }
    for (const [i, image] of scanned.entries()) {
      const { name, store } = opened[i];
      if (store.readOnlyReason) this.problems.push({ image: name, error: new LvmscopeError('IO', store.readOnlyReason) });
      this.images.set(name, image);
      this.targets.set(name, image.mdas.map((m) => ({ imageName: name, store, startBytes: m.startBytes, sizeBytes: m.sizeBytes, header: m.header })));
      for (const p of image.problems) this.problems.push({ image: name, error: new LvmscopeError('CORRUPT', p) });
    }
    for (const sentence of this.storage.skippedImages?.() ?? []) this.problems.push({ error: new LvmscopeError('NOT_FOUND', sentence) });
    this.checkDuplicateUuids();
    this.assemble();
  }

  /**
   * One image that cannot even be opened for reading (no permission, an IO error) is left out
   * with a problem naming it, so the rest of the workspace still opens.
   */
  private async openOrSkip(name: string): Promise<BlockStore | undefined> {
    try {
      return await this.storage.open(name);
    } catch (e) {
      if (!(e instanceof LvmscopeError)) throw e;
      this.problems.push({ image: name, error: new LvmscopeError(e.code, `${e.message.replace(/\.$/, '')}; it was left out of the workspace.`) });
      return undefined;
    }
  }

  private checkDuplicateUuids(): void {
    const byUuid = new Map<string, string>();
    for (const image of this.images.values()) {
      if (!image.label) continue;
      const other = byUuid.get(image.label.pvUuid);
      if (other) {
        throw new LvmscopeError('INVALID', `${other} and ${image.name} carry the same PV UUID ${formatUuid(image.label.pvUuid)}, so one is a copy of the other; move one of them out of the workspace ${this.storage.location} before opening it.`);
      }
      byUuid.set(image.label.pvUuid, image.name);
    }
  }

  private assemble(): void {
    this.vgsById.clear();
    const copies = this.parseCopies();
    const byVg = new Map<string, MdaCopy[]>();
    for (const c of copies) byVg.set(c.vg.id, [...(byVg.get(c.vg.id) ?? []), c]);
    const inVg = new Set<string>();
    for (const [id, list] of byVg) {
      const open = this.assembleVg(list);
      if (!open) continue;
      this.vgsById.set(id, open);
      for (const pv of open.vg.pvs) inVg.add(pv.id);
    }
    this.checkNameClashes();
    const assembledVgIds = new Set(this.vgsById.keys());
    this.orphanList = [...this.images.values()]
      .filter((i) => i.label && !inVg.has(i.label.pvUuid))
      .map((i) => {
        const damaged = orphanDamage(i, copies, assembledVgIds);
        return { image: i.name, pvId: i.label!.pvUuid, sizeBytes: i.store.sizeBytes, label: i.label!, ...(damaged ? { damaged } : {}) };
      });
  }

  /** Parses each distinct text once (every PV usually holds the same text). */
  private parseCopies(): MdaCopy[] {
    const parsed = new Map<string, VolumeGroup | LvmscopeError>();
    const out: MdaCopy[] = [];
    for (const image of this.images.values()) {
      for (const mda of image.mdas) {
        if (mda.problem) this.problems.push({ image: image.name, error: new LvmscopeError('CORRUPT', mda.problem) });
        if (mda.text === undefined) continue;
        let result = parsed.get(mda.text);
        if (!result) {
          try {
            result = parseVgText(mda.text).vg;
          } catch (e) {
            if (!(e instanceof LvmscopeError)) throw e;
            result = e;
          }
          parsed.set(mda.text, result);
        }
        if (result instanceof LvmscopeError) this.problems.push({ image: image.name, error: new LvmscopeError(result.code, `${image.name} metadata area ${mda.index + 1}: ${result.message}`) });
        else out.push({ image, mdaIndex: mda.index, vg: result });
      }
    }
    return out;
  }

  private assembleVg(copies: MdaCopy[]): OpenVg | undefined {
    const best = copies.reduce((a, b) => (b.vg.seqno > a.vg.seqno ? b : a));
    const vg = cloneVg(best.vg);
    try {
      assertValidVg(vg);
    } catch (e) {
      if (!(e instanceof LvmscopeError)) throw e;
      this.problems.push({ image: best.image.name, error: e });
      return undefined;
    }
    const imageByUuid = new Map([...this.images.values()].filter((i) => i.label).map((i) => [i.label!.pvUuid, i]));
    const images = new Map<string, string>();
    const missing: MissingPv[] = [];
    const mdas: MdaTarget[] = [];
    const staleMdas: OpenVg['staleMdas'] = [];
    const truncated: string[] = [];
    const unwritable: string[] = [];
    for (const pv of vg.pvs) {
      const image = imageByUuid.get(pv.id);
      if (!image) {
        missing.push({ pvId: pv.id, deviceHint: pv.deviceHint });
        continue;
      }
      images.set(pv.id, image.name);
      if (image.store.sizeBytes < pv.devSizeSectors * 512) truncated.push(image.name);
      if (image.store.readOnlyReason) unwritable.push(image.name);
      mdas.push(...this.mdaTargets(image.name));
      for (const mda of image.mdas) {
        const copy = copies.find((c) => c.image === image && c.mdaIndex === mda.index);
        if (mda.ignored) continue;
        if (!copy || copy.vg.seqno !== vg.seqno) staleMdas.push({ image: image.name, mdaIndex: mda.index, seqno: copy?.vg.seqno, problem: mda.problem });
      }
    }
    const readOnlyReason = missing.length
      ? `VG ${vg.name} is missing ${missing.map((m) => `PV ${formatUuid(m.pvId)}${m.deviceHint ? ` (last seen as ${m.deviceHint})` : ''}`).join(', ')}; it is opened read-only until the image is back in the workspace.`
      : truncated.length
        ? `VG ${vg.name} is opened read-only because ${truncated.join(', ')} ${truncated.length > 1 ? 'are' : 'is'} shorter than the PV size in the metadata (a truncated copy?); put the full-size image back to change it.`
        : unwritable.length
          ? `VG ${vg.name} is opened read-only because lvmscope may not write ${unwritable.join(', ')}; give yourself write access (chmod u+w) or copy the images to a writable folder, then reopen it.`
          : undefined;
    return { vg, images, missing, readOnly: readOnlyReason !== undefined, readOnlyReason, staleMdas, mdas };
  }

  private checkNameClashes(): void {
    const byName = new Map<string, OpenVg>();
    for (const open of this.vgsById.values()) {
      const other = byName.get(open.vg.name);
      if (other) {
        for (const o of [other, open]) {
          o.readOnly = true;
          o.readOnlyReason = `Two different VGs are named ${open.vg.name} (ids ${formatUuid(other.vg.id)} and ${formatUuid(open.vg.id)}); rename one (vgrename by id) before changing either.`;
        }
        this.problems.push({ error: new LvmscopeError('EXISTS', other.readOnlyReason!) });
      }
      byName.set(open.vg.name, open);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Queries

  get location(): string {
    return this.storage.location;
  }

  /** Every assembled VG, by name. */
  listVgs(): OpenVg[] {
    return [...this.vgsById.values()].sort((a, b) => a.vg.name.localeCompare(b.vg.name));
  }

  /** The VG with this name; throws NOT_FOUND (or EXISTS when two VGs share the name). */
  getVg(name: string): OpenVg {
    const found = this.listVgs().filter((v) => v.vg.name === name);
    if (found.length === 0) {
      const known = [...this.vgsById.values()].map((o) => o.vg.name);
      throw new LvmscopeError('NOT_FOUND', `There is no volume group named ${name} in ${this.location}; ${known.length ? `its volume groups are ${known.join(', ')}` : 'it holds no volume group (create one with vgcreate)'}.`);
    }
    if (found.length > 1) throw new LvmscopeError('EXISTS', found[0].readOnlyReason ?? `Two VGs are named ${name}.`);
    return found[0];
  }

  getVgById(id: string): OpenVg | undefined {
    return this.vgsById.get(id.replace(/-/g, ''));
  }

  orphans(): OrphanPv[] {
    return this.orphanList.slice();
  }

  /** Image file names in the workspace (PVs or not). */
  imageNames(): string[] {
    return [...this.images.keys()];
  }

  /** The image holding the PV with this id. */
  imageOfPv(pvId: string): string | undefined {
    const plain = pvId.replace(/-/g, '');
    return [...this.images.values()].find((i) => i.label?.pvUuid === plain)?.name;
  }

  /** The PV label found in an image, if any. */
  labelOf(imageName: string): PvLabel | undefined {
    return this.images.get(imageName)?.label;
  }

  /** An open BlockStore of an image (for reading LV data through the mapping). */
  storeOf(imageName: string): BlockStore {
    const image = this.images.get(imageName);
    if (!image) throw new LvmscopeError('NOT_FOUND', `There is no image named ${imageName} in ${this.location}.`);
    return image.store;
  }

  /** The commit targets (metadata areas) of an image. */
  mdaTargets(imageName: string): MdaTarget[] {
    return this.targets.get(imageName) ?? [];
  }

  /** Replaces the model of an open VG after a successful commit. */
  replaceVg(open: OpenVg, vg: VolumeGroup): void {
    this.vgsById.delete(open.vg.id);
    open.vg = vg;
    open.staleMdas = [];
    this.vgsById.set(vg.id, open);
  }

  /** Called by commands after they change images themselves (labels, new files). */
  async refresh(): Promise<void> {
    await this.rescan();
  }

  /** Unix seconds for creation_time fields. */
  unixTime(): number {
    return this.options.unixTime ? this.options.unixTime() : Math.floor(this.options.clock.now() / 1000);
  }
}

/** Why an image without a VG may still hold one (see OrphanPv.damaged), or undefined. */
/** Images read at once while one is being checked: their reads overlap the CPU work of the others. */
const SCAN_CONCURRENCY = 8;

/**
 * Scans every image, in order of the list. The first alone, so the copies on the other PVs
 * (usually the same text) are checked against it instead of each computing its own CRC.
 */
async function scanAll(images: { name: string; store: BlockStore }[]): Promise<ScannedImage[]> {
  const verified = new VerifiedTexts();
  const out: ScannedImage[] = new Array(images.length);
  if (images.length === 0) return out;
  out[0] = await scanImage(images[0].name, images[0].store, verified);
  let next = 1;
  const worker = async () => {
    for (let i = next++; i < images.length; i = next++) out[i] = await scanImage(images[i].name, images[i].store, verified);
  };
  await Promise.all(Array.from({ length: Math.min(SCAN_CONCURRENCY, images.length - 1) }, worker));
  return out;
}

function orphanDamage(image: ScannedImage, copies: MdaCopy[], assembledVgIds: Set<string>): string | undefined {
  const unassembled = copies.find((c) => c.image === image && !assembledVgIds.has(c.vg.id));
  if (unassembled) return `its metadata names VG ${unassembled.vg.name}, which could not be assembled`;
  const badMda = image.mdas.find((m) => m.problem);
  if (badMda) return `its metadata area ${badMda.index + 1} is damaged`;
  if (image.label && (image.label.extFlags & PV_EXT_USED) !== 0) return 'its label says it belongs to a VG, but no metadata naming that VG was found';
  return undefined;
}
