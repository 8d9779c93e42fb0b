// An open workspace, live: the LVM2 workspace (images, VGs, metadata), a device-mapper with
// every image as a 7:N device and every activatable LV as a 254:N mapped device, the move in
// progress, the workload and the shadow models the verifier checks against. The engine facade
// (engine.ts) owns at most one session; hosts never touch it directly.

import type { Clock, Random, Timer } from '../base/clock';
import { LvmscopeError } from '../base/result';
import type { WorkspaceStorage } from '../block/blockStore';
import type { BlockDevice } from '../block/blockDevice';
import { DeviceMapper } from '../dm/deviceMapper';
import { dmName } from '../dm/names';
import type { DmEvent } from '../dm/events';
import { LvmWorkspace, type OpenVg } from '../lvm/workspace/workspace';
import { commitVg } from '../lvm/workspace/vgCommit';
import { exportVgBackup } from '../lvm/backup';
import type { VolumeGroup } from '../lvm/model/types';
import { lvExtentCount } from '../lvm/model/types';
import { findLv } from '../lvm/model/extentMap';
import { newUuid } from '../lvm/commands/names';
import { activationRefusal, lvTable } from '../lvm/activate/tables';
import { sameTable } from '../dm/table';
import type { WorkspaceView } from '../api/views';
import type { StepView } from '../api/move';
import type { DmChange, DmSnapshot, DmStreamEvent } from '../api/dmStream';
import { ShadowModel, lvKey, replayJournal, WRITE_JOURNAL, WriteJournal } from '../workload';
import { dmDeviceView, dmStreamBody, dmView, displayName, pvNamesOf, workspaceView } from './views';

export interface SessionOptions {
  clock: Clock;
  random: Random;
  hostname: string;
  holder: string;
  unixTime?: () => number;
  /** How fast the copier may go at first (bytes/s, 0 = unlimited). */
  rateBytesPerSec?: number;
  log(level: 'debug' | 'info' | 'warn' | 'error', source: string, message: string): void;
  onChange(kind: 'workspace' | 'dm' | 'move' | 'workload'): void;
  onStep(step: StepView): void;
  /** Every change of the device-mapper, numbered, in the order it happened. */
  onDmEvent(event: DmStreamEvent): void;
}

/** Each session numbers its dm events in a stream of its own (the API says which). */
let nextStreamId = 1;

export class WorkspaceSession {
  readonly dm: DeviceMapper;
  private readonly imageDevnos = new Map<string, string>();
  /** "vg/lv" → dm name of the active LV. */
  private readonly active = new Map<string, string>();
  readonly shadows = new Map<string, ShadowModel>();
  journal: WriteJournal | undefined;
  nextWriteId = 1;
  /** Writes the mirrors intercepted (held until their region was copied), since open. */
  interceptedWrites = 0;
  /** Of those, the writes of export clients (NBD), which the workload's figures leave out. */
  interceptedClientWrites = 0;
  /** Writes the mirrors put on the source leg only (the kernel's rule: a region not being copied yet), since open; and of those, export clients'. */
  sourceOnlyWrites = 0;
  sourceOnlyClientWrites = 0;
  private dmSubscription: { dispose(): void } | undefined;
  private dmDirtyTimer: Timer | undefined;
  /** This session's dm event stream and the sequence number of its last event. */
  readonly streamId = nextStreamId++;
  private streamSeq = 0;
  /**
   * What the next dm.changed carries: the mapped devices whose view may have changed since the
   * last one (`dmChangedSeq`; at first, where activation ended). Every dm event marks
   * its device; a table that comes or goes also marks the devices it references (their open
   * counts). Building only these, not the view of every device, is what keeps a move in a VG of
   * 10,000 LVs from rebuilding and sending 11 MB every 33 ms.
   */
  private readonly dmDirty = new Set<string>();
  private dmChangedSeq = 0;
  private dmChangeSent = false;
  /** Mapped device name → the devnos its live and inactive tables reference; devno → name. */
  private readonly dmReferences = new Map<string, readonly string[]>();
  private readonly dmNames = new Map<string, string>();

  private constructor(
    readonly path: string,
    readonly storage: WorkspaceStorage,
    public ws: LvmWorkspace,
    readonly options: SessionOptions,
  ) {
    this.dm = new DeviceMapper({ clock: options.clock, copier: { rateBytesPerSec: options.rateBytesPerSec ?? 0 } });
    this.dmSubscription = this.dm.events.on((e) => this.onDmEvent(e));
  }

  static async open(path: string, storage: WorkspaceStorage, options: SessionOptions): Promise<WorkspaceSession> {
    const ws = await LvmWorkspace.open(storage, { holder: options.holder, clock: options.clock, random: options.random, hostname: options.hostname, unixTime: options.unixTime });
    const session = new WorkspaceSession(path, storage, ws, options);
    try {
      await session.activateAll();
      await session.loadJournal();
      session.startDmChanges();
    } catch (e) {
      await session.close();
      throw e;
    }
    return session;
  }

  // ---- activation ----

  private async activateAll(): Promise<void> {
    this.ws.imageNames().forEach((image, minor) => {
      const device = this.dm.addImage(this.ws.storeOf(image), minor);
      this.imageDevnos.set(image, device.devno);
    });
    for (const open of this.ws.listVgs()) {
      if (open.missing.length) {
        this.options.log('warn', 'activate', `${open.vg.name}: not activated, ${open.missing.length} PV(s) missing.`);
        continue;
      }
      for (const lv of open.vg.lvs) {
        if (!lv.status.includes('VISIBLE')) continue;
        const refusal = activationRefusal(lv);
        if (refusal) {
          this.options.log('warn', 'activate', refusal);
          continue;
        }
        await this.activateLvOrWarn(open, lv.name);
      }
    }
  }

  /**
   * One LV that cannot be activated (its table does not fit a truncated image) stays inactive
   * with a warning; the workspace still opens, so reports and the other LVs remain usable.
   */
  private async activateLvOrWarn(open: OpenVg, lv: string): Promise<void> {
    try {
      await this.activateLv(open, lv);
    } catch (e) {
      if (!(e instanceof LvmscopeError)) throw e;
      const name = dmName(open.vg.name, lv);
      if (this.dm.has(name)) this.dm.remove(name);
      this.options.log('warn', 'activate', `${open.vg.name}/${lv} is not activated: ${e.message}`);
    }
  }

  private async activateLv(open: OpenVg, lv: string): Promise<void> {
    const name = dmName(open.vg.name, lv);
    const table = lvTable(open.vg, lv, (id) => this.pvDevno(open, id));
    const found = findLv(open.vg, lv)!;
    this.dm.create(name, `LVM-${open.vg.id}${found.id}`);
    this.dm.load(name, table);
    await this.dm.resume(name);
    this.active.set(lvKey(open.vg.name, lv), name);
  }

  pvDevno(open: OpenVg, pvId: string): string | undefined {
    const image = open.images.get(pvId);
    return image ? this.imageDevnos.get(image) : undefined;
  }

  lvDmName(vg: string, lv: string): string | null {
    return this.active.get(lvKey(vg, lv)) ?? null;
  }

  /** Every active LV with its size (what the NBD server exports). */
  activeLvs(): Array<{ vg: string; lv: string; sizeSectors: number }> {
    return [...this.active].map(([key, name]) => {
      const slash = key.indexOf('/');
      return { vg: key.slice(0, slash), lv: key.slice(slash + 1), sizeSectors: this.dm.has(name) ? this.dm.get(name).sizeSectors : 0 };
    });
  }

  /** The active LV's mapped device, for IO (workload, verify, NBD). */
  lvDevice(vg: string, lv: string): BlockDevice {
    const name = this.lvDmName(vg, lv);
    if (!name) {
      const open = this.ws.getVg(vg);
      const visible = open.vg.lvs.filter((l) => l.status.includes('VISIBLE')).map((l) => l.name);
      if (!open.vg.lvs.some((l) => l.name === lv)) throw new LvmscopeError('NOT_FOUND', `No LV named ${lv} in ${vg}; its LVs are ${visible.join(', ') || 'none'}.`);
      throw new LvmscopeError('STATE', `${vg}/${lv} is not active (unknown LV, or one lvmscope cannot activate); see the workspace problems.`);
    }
    return this.dm.get(name);
  }

  // ---- views ----

  view(liveMoveVg: string | null = null): WorkspaceView {
    return workspaceView(this.path, this.ws, { imageDevno: (image) => this.imageDevnos.get(image) ?? null, lvDmName: (vg, lv) => this.lvDmName(vg, lv) }, liveMoveVg);
  }

  /** The mapped devices as of the last event of the stream (for `dm.list`). */
  dmSnapshot(): DmSnapshot {
    return { stream: this.streamId, seq: this.streamSeq, devices: dmView(this.dm) };
  }

  /**
   * What the next `dm.changed` carries: the devices whose view changed since the one before
   * (DmChange); null when nothing did. The first one of the stream starts where activation
   * ended (startDmChanges), and is sent even when empty, as it is when the engine announces the
   * session: it tells clients of another stream to ask for dm.list (a whole list of 10,000
   * devices is 11 MB, and the window that opened the workspace asks for dm.list anyway). Each
   * call starts the next change, so the engine calls it only to send what it returns.
   */
  dmChange(): DmChange | null {
    const since = this.dmChangedSeq;
    if (this.dmChangeSent && this.dmDirty.size === 0 && since === this.streamSeq) return null;
    this.dmChangeSent = true;
    this.dmChangedSeq = this.streamSeq;
    const devices = [];
    const removed: string[] = [];
    for (const name of this.dmDirty) {
      if (this.dm.has(name)) devices.push(dmDeviceView(this.dm, this.dm.info(name)));
      else removed.push(name);
    }
    this.dmDirty.clear();
    // In minor order, as dm.list: a client appends the new ones.
    devices.sort((a, b) => minorOf(a.devno) - minorOf(b.devno));
    return { stream: this.streamId, since, seq: this.streamSeq, devices, removed };
  }

  backup(vg: string): string {
    return exportVgBackup(this.ws.getVg(vg).vg, { hostname: this.options.hostname, unixTime: this.unixTime() });
  }

  unixTime(): number {
    return this.options.unixTime ? this.options.unixTime() : Math.floor(this.options.clock.now() / 1000);
  }

  newId(): string {
    return newUuid(this.options.random);
  }

  names(vg: string) {
    return pvNamesOf(this.ws.getVg(vg));
  }

  imageDisplayName(image: string): string {
    return displayName(image);
  }

  /** Commits a new model of a VG (seqno + 1 on every metadata area) and announces it. */
  async commit(next: VolumeGroup, command: string): Promise<VolumeGroup> {
    if (this.halted) throw new LvmscopeError('STATE', 'The workspace was dropped by a (simulated) crash; nothing more is written.');
    const committed = await commitVg(this.ws, next, { command });
    this.options.log('info', 'metadata', `${committed.name}: metadata seqno ${committed.seqno} committed on every metadata area (${command}).`);
    this.options.onChange('workspace');
    return committed;
  }

  // ---- shadow models and the write journal ----

  private shadowTargets() {
    const targets = new Map<string, { vg: string; lv: string; lvId: string; extentSizeSectors: number; sizeSectors: number }>();
    for (const open of this.ws.listVgs()) {
      for (const lv of open.vg.lvs) {
        if (!lv.status.includes('VISIBLE')) continue;
        targets.set(lvKey(open.vg.name, lv.name), { vg: open.vg.name, lv: lv.name, lvId: lv.id, extentSizeSectors: open.vg.extentSizeSectors, sizeSectors: lvExtentCount(lv) * open.vg.extentSizeSectors });
      }
    }
    return targets;
  }

  private async loadJournal(): Promise<void> {
    const replay = replayJournal(await this.storage.readJournal(WRITE_JOURNAL), this.shadowTargets());
    this.shadows.clear();
    for (const [k, v] of replay.shadows) this.shadows.set(k, v);
    this.nextWriteId = replay.nextWriteId;
    await this.shrinkDemoRecords(replay.shrunk);
  }

  /**
   * An LV reduced since the demo filled it keeps only its remaining sectors as demo-filled
   * (a new record), so extending it again does not pass the new extents off as demo data.
   * Best effort: a journal that cannot be written (read-only, full) leaves verify to flag them.
   */
  private async shrinkDemoRecords(shrunk: Array<{ key: string; lvId: string; sectors: number }>): Promise<void> {
    if (!shrunk.length) return;
    try {
      const journal = await this.writeJournal();
      for (const lv of shrunk) await journal.demoFilled(lv.key, lv.lvId, lv.sectors);
    } catch (e) {
      if (!(e instanceof LvmscopeError)) throw e;
      this.options.log('warn', 'verify', `The write journal could not record that ${shrunk.map((l) => l.key).join(', ')} shrank: ${e.message}`);
    }
  }

  /**
   * A fresh journal: every LV holds the demo pattern again (after a demo fill). Its demo
   * records say which LV (by id) and how many sectors, so verify checks nothing else.
   */
  async resetJournal(): Promise<void> {
    await this.journal?.close();
    this.journal = undefined;
    await this.storage.removeJournal(WRITE_JOURNAL);
    const journal = await this.writeJournal();
    for (const [key, target] of this.shadowTargets()) await journal.demoFilled(key, target.lvId, target.sizeSectors);
    await this.loadJournal();
  }

  /** Set while the journal file is being opened: concurrent writers (NBD clients) share one handle. */
  private journalOpening: Promise<WriteJournal> | undefined;

  async writeJournal(): Promise<WriteJournal> {
    if (this.journal) return this.journal;
    // Two writers asking at once must not open two handles: records would interleave out of
    // order across them, and the one not kept would leak.
    this.journalOpening ??= this.storage
      .openJournal(WRITE_JOURNAL)
      .then((j) => (this.journal = new WriteJournal(j)))
      .finally(() => (this.journalOpening = undefined));
    return this.journalOpening;
  }

  shadowOf(vg: string, lv: string): ShadowModel {
    const key = lvKey(vg, lv);
    let shadow = this.shadows.get(key);
    if (!shadow) {
      const target = this.shadowTargets().get(key);
      if (!target) throw new LvmscopeError('NOT_FOUND', `No visible LV ${key} in this workspace.`);
      // An LV the journal was not replayed for: the verifier decides from its first sector.
      shadow = new ShadowModel(target, 'unknown');
      this.shadows.set(key, shadow);
    }
    return shadow;
  }

  // ---- events ----

  private onDmEvent(e: DmEvent): void {
    if (e.type === 'write-intercepted') {
      this.interceptedWrites += 1;
      if (e.client !== undefined) this.interceptedClientWrites += 1;
    } else if (e.type === 'write-source-only') {
      this.sourceOnlyWrites += 1;
      if (e.client !== undefined) this.sourceOnlyClientWrites += 1;
    }
    this.markDirty(e);
    const body = dmStreamBody(e);
    if (body) {
      this.streamSeq += 1;
      this.options.onDmEvent({ ...body, stream: this.streamId, seq: this.streamSeq, timeMs: this.options.clock.now() } as DmStreamEvent);
    }
    // A fresh snapshot (status lines, open counts) at most once per 33 ms.
    this.dmDirtyTimer ??= this.options.clock.setTimer(33, () => {
      this.dmDirtyTimer = undefined;
      this.options.onChange('dm');
    });
  }

  /**
   * dm.changed starts here: no client can hold a list of this stream from before it (the
   * session is not announced yet), so the activation's 10,000 devices are not a change to send.
   */
  private startDmChanges(): void {
    this.dmChangedSeq = this.streamSeq;
    this.dmDirty.clear();
  }

  /** Marks the mapped devices whose view `e` may have changed for the next dm.changed. */
  private markDirty(e: DmEvent): void {
    if (e.type === 'copier-progress' || e.type === 'image-added' || e.type === 'image-removed') return;
    this.dmDirty.add(e.device);
    if (e.type === 'device-created') this.dmNames.set(e.devno, e.device);
    if (e.type !== 'table-loaded' && e.type !== 'inactive-cleared' && e.type !== 'table-swapped' && e.type !== 'device-removed') return;
    // A table came or went: the open counts of the devices it references (before and after) changed.
    const before = this.dmReferences.get(e.device) ?? [];
    const device = this.dm.has(e.device) ? this.dm.get(e.device) : undefined;
    const after = device ? [...new Set([...(device.live?.references ?? []), ...(device.inactive?.references ?? [])])] : [];
    for (const devno of [...before, ...after]) {
      const name = this.dmNames.get(devno);
      if (name) this.dmDirty.add(name);
    }
    if (after.length) this.dmReferences.set(e.device, after);
    else this.dmReferences.delete(e.device);
    if (e.type === 'device-removed' && this.dmNames.get(e.devno) === e.device) this.dmNames.delete(e.devno);
  }

  /** Set by halt(): the workspace was dropped as a killed process would drop it. */
  private halted = false;

  /**
   * Crash drill: stop every write at once, as SIGKILL would. The image files are closed (IO
   * still in flight fails), no metadata is written, the lock is released; the dm devices and
   * the move are simply abandoned.
   */
  async halt(): Promise<void> {
    this.halted = true;
    this.dmDirtyTimer?.cancel();
    this.dmSubscription?.dispose();
    this.dm.copier.pause();
    await this.journal?.close().catch(() => undefined);
    this.journal = undefined;
    await this.ws.close();
  }

  async close(): Promise<void> {
    if (this.halted) return;
    this.dmDirtyTimer?.cancel();
    this.dmSubscription?.dispose();
    await this.journal?.close().catch(() => undefined);
    this.journal = undefined;
    // Deactivate top-down: devices nothing else uses first.
    for (let guard = 0; guard < 64 && this.dm.list().length; guard += 1) {
      for (const d of this.dm.list()) {
        if (d.openCount > 0) continue;
        try {
          if (d.state === 'SUSPENDED') await this.dm.resume(d.name);
          this.dm.remove(d.name);
        } catch {
          // A device still busy is retried in the next round.
        }
      }
    }
    this.dm.copier.pause();
    this.active.clear();
    await this.ws.close();
  }

  /** Reloads every active LV's table from the metadata (after a change outside a move). */
  /**
   * Removes the devices of LVs the metadata no longer has (an aborted move's pvmove0 and its
   * sub-LVs, activated when the interrupted move was opened), users first: a device still
   * opened by another waits for that one to go.
   */
  removeDevicesOfGoneLvs(vgName: string): void {
    const lvs = new Set(this.ws.getVg(vgName).vg.lvs.map((l) => l.name));
    const gone = [...this.active].filter(([key]) => key.startsWith(`${vgName}/`) && !lvs.has(key.slice(vgName.length + 1)));
    let removedOne = true;
    while (removedOne) {
      removedOne = false;
      for (const [key, name] of gone) {
        if (!this.active.has(key)) continue;
        if (this.dm.has(name) && this.dm.info(name).openCount > 0) continue;
        if (this.dm.has(name)) this.dm.remove(name);
        this.active.delete(key);
        removedOne = true;
      }
    }
  }

  async refreshTables(vgName: string): Promise<void> {
    const open = this.ws.getVg(vgName);
    for (const lv of open.vg.lvs) {
      const name = this.lvDmName(vgName, lv.name);
      if (!name) continue;
      const table = lvTable(open.vg, lv.name, (id) => this.pvDevno(open, id));
      if (sameTable(this.dm.targets(name), table)) continue;
      await this.dm.suspend(name);
      this.dm.load(name, table);
      await this.dm.resume(name);
    }
  }
}

/** The minor of a "major:minor" devno. */
function minorOf(devno: string): number {
  return Number(devno.slice(devno.indexOf(':') + 1));
}
