// LV ports: how a host lets real programs use an active LV while lvmscope moves it (issue 17).
// The host (main/nbd) owns the sockets and opens one port per connected client; the engine
// only sees byte-addressed IO from a named client. A port's writes go through the LV's whole
// device-mapper stack tagged with the client's id (so the mirror's held-write events say whose
// write it was) and through the write journal like the workload's (intent before, hashes of
// the bytes; acknowledgement after), so `verify` checks them too. A suspended LV holds a
// port's IO and replays it on resume; nothing here fails an IO because a table changed.
//
// The controller outlives workspaces: ports of an LV that survives an `lvm.command` reopen
// keep working (their IO waits while the session is swapped), client ids stay unique.

import type { Clock, Timer } from '../base/clock';
import type { Disposable } from '../base/emitter';
import { Emitter } from '../base/emitter';
import { LvmscopeError } from '../base/result';
import { SECTOR_SIZE } from '../base/units';
import type { ExportClientView, ExportsView, ExportView } from '../api/exports';
import { lvKey, sectorHashes } from '../workload';
import type { WorkspaceSession } from './session';

/** What a port-level caller may ask for one write. */
export interface PortWriteOptions {
  /** Force unit access: the write is durable before it is acknowledged (a flush follows it). */
  fua?: boolean;
  /** The sectorHash of each sector of the data, when the caller already has them (hashed as it arrived). */
  hashes?: Uint32Array;
}

export interface LvPort {
  /** The client's id (ExportClientView.id; the `client` of its dm write events). */
  readonly clientId: number;
  /** `vg/lv`. */
  readonly name: string;
  readonly sizeBytes: number;
  /**
   * `into` (exactly `lengthBytes` long) is a buffer the caller lends for the bytes (a pooled
   * one); the port may read into it and return it, or return a buffer of its own.
   */
  read(offsetBytes: number, lengthBytes: number, into?: Uint8Array): Promise<Uint8Array>;
  /** Offset and length must be whole sectors (the NBD server advertises 512-byte blocks). */
  write(offsetBytes: number, data: Uint8Array, options?: PortWriteOptions): Promise<void>;
  flush(): Promise<void>;
  /** Discard is advisory: the LV keeps its bytes (dm's linear and mirror targets here discard nothing). */
  trim(offsetBytes: number, lengthBytes: number): Promise<void>;
  writeZeroes(offsetBytes: number, lengthBytes: number, options?: PortWriteOptions): Promise<void>;
  /** The client went away: no more IO; resolves when its IO in flight has finished. */
  close(): Promise<void>;
  /** Called once when the engine closes the port itself (workspace closing, LV gone); the host then drops the connection. */
  onClosed(listener: (reason: string) => void): Disposable;
}

export interface ExportHost {
  clock: Clock;
  session(): WorkspaceSession | null;
  emit(view: ExportsView): void;
  log(level: 'info' | 'warn', message: string): void;
}

type Counters = Omit<ExportClientView, 'id' | 'address' | 'sinceMs'>;

/** Zeroes are written in pieces of this size (a WRITE_ZEROES may name gigabytes). */
const ZERO_PIECE_BYTES = 8 << 20;
const PUBLISH_MS = 250;

export class ExportController {
  private readonly ports = new Map<number, Port>();
  private nextClientId = 1;
  private listening: string | null = null;
  private publishTimer: Timer | undefined;
  /** Held while the session is swapped (an lvm command's reopen) or an LV verified: port IO waits. */
  private readonly holds = new Set<Promise<void>>();
  /** Client writes in flight per LV, so overlapping ones run one after the other. */
  private readonly writesInFlight = new Map<string, Array<{ sector: number; end: number; done: Promise<void> }>>();

  constructor(private readonly host: ExportHost) {}

  setListening(address: string | null): void {
    this.listening = address;
    this.publishNow();
  }

  open(vg: string, lv: string, address: string): LvPort {
    const session = this.requireSession();
    const device = session.lvDevice(vg, lv);
    const id = this.nextClientId++;
    const port = new Port(this, id, vg, lv, address, device.sizeSectors * SECTOR_SIZE, this.host.clock.now());
    this.ports.set(id, port);
    this.host.log('info', `NBD client ${id} (${address}) connected to ${port.name}.`);
    this.publishNow();
    return port;
  }

  view(): ExportsView {
    const session = this.host.session();
    const exports: ExportView[] = (session?.activeLvs() ?? []).map(({ vg, lv, sizeSectors }) => ({
      name: lvKey(vg, lv),
      vg,
      lv,
      sizeBytes: sizeSectors * SECTOR_SIZE,
      clients: [...this.ports.values()].filter((p) => p.vg === vg && p.lv === lv).map((p) => p.view()),
    }));
    return { listening: this.listening, exports };
  }

  get clientCount(): number {
    return this.ports.size;
  }

  /**
   * Why `action` would pull LVs away from connected clients, as a sentence naming them, or
   * null when nobody is connected (or only LVs `keeps` says survive are in use).
   */
  refusal(action: string, keeps: (vg: string, lv: string) => boolean = () => false): string | null {
    const using = [...this.ports.values()].filter((p) => !keeps(p.vg, p.lv));
    if (!using.length) return null;
    const lvs = [...new Set(using.map((p) => p.name))];
    const who = using.length === 1 ? `1 NBD client is using ${lvs[0]} (${using[0].address})` : `${using.length} NBD clients are using ${lvs.join(', ')}`;
    const them = using.length === 1 ? 'it' : 'them';
    return `${who}; disconnect ${them} before ${action}, or go on anyway and drop ${them} (disconnectClients).`;
  }

  /**
   * Closes every port (its client's connection is then dropped by the host) and, with `drain`,
   * waits for their IO. A crash or a shutdown does not wait: IO held behind a suspended LV
   * (a move waiting for Next) would hold them up forever.
   */
  async disconnectAll(reason: string, drain = true): Promise<void> {
    const ports = [...this.ports.values()];
    if (ports.length) this.host.log('warn', `${ports.length} NBD client${ports.length === 1 ? '' : 's'} disconnected: ${reason}`);
    const closing = Promise.all(ports.map((p) => p.closeByEngine(reason)));
    if (drain) await closing;
  }

  /**
   * Runs `work` (a workspace reopen, a verify) with port IO held: IO in flight finishes first,
   * new IO waits, and runs (on the new session) afterwards. Ports whose LV is no longer active
   * afterwards are closed.
   */
  async hold<T>(work: () => Promise<T>): Promise<T> {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    this.holds.add(gate);
    try {
      await Promise.allSettled([...this.ports.values()].map((p) => p.drain()));
      return await work();
    } finally {
      this.holds.delete(gate);
      release();
      await this.closeOrphans();
    }
  }

  /** A mirror held one of a client's writes until its region was copied. */
  noteIntercepted(clientId: number): void {
    const port = this.ports.get(clientId);
    if (!port) return;
    port.counters.interceptedWrites += 1;
    this.changed();
  }

  // ---- for ports ----

  async ready(): Promise<WorkspaceSession> {
    while (this.holds.size) await Promise.all([...this.holds]);
    return this.requireSession();
  }

  requireSession(): WorkspaceSession {
    const session = this.host.session();
    if (!session) throw new LvmscopeError('STATE', 'No workspace is open, so no LV is exported; open a workspace first.');
    return session;
  }

  /** Waits for the client writes in flight that overlap [sector, end), then registers this one until `done` settles. */
  async orderWrite(key: string, sector: number, end: number, done: Promise<unknown>): Promise<void> {
    const list = this.writesInFlight.get(key) ?? [];
    this.writesInFlight.set(key, list);
    const before = list.filter((w) => w.sector < end && sector < w.end).map((w) => w.done);
    const entry = { sector, end, done: done.then(() => undefined, () => undefined) };
    list.push(entry);
    void entry.done.then(() => {
      list.splice(list.indexOf(entry), 1);
      if (!list.length && this.writesInFlight.get(key) === list) this.writesInFlight.delete(key);
    });
    await Promise.all(before);
  }

  forget(port: Port): void {
    if (!this.ports.delete(port.clientId)) return;
    this.host.log('info', `NBD client ${port.clientId} (${port.address}) left ${port.name}: ${port.summary()}.`);
    this.publishNow();
  }

  /** Counters changed: publish at most every PUBLISH_MS. */
  changed(): void {
    this.publishTimer ??= this.host.clock.setTimer(PUBLISH_MS, () => {
      this.publishTimer = undefined;
      this.host.emit(this.view());
    });
  }

  private publishNow(): void {
    this.publishTimer?.cancel();
    this.publishTimer = undefined;
    this.host.emit(this.view());
  }

  private async closeOrphans(): Promise<void> {
    const session = this.host.session();
    const orphans = [...this.ports.values()].filter((p) => !session?.lvDmName(p.vg, p.lv));
    await Promise.all(orphans.map((p) => p.closeByEngine(`${p.name} is no longer active`)));
  }
}

class Port implements LvPort {
  readonly name: string;
  readonly counters: Counters = { reads: 0, writes: 0, bytesRead: 0, bytesWritten: 0, flushes: 0, trims: 0, interceptedWrites: 0, inFlight: 0, errors: 0 };
  private closed: string | null = null;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly closedEvents = new Emitter<string>();

  constructor(
    private readonly ctl: ExportController,
    readonly clientId: number,
    readonly vg: string,
    readonly lv: string,
    readonly address: string,
    readonly sizeBytes: number,
    private readonly sinceMs: number,
  ) {
    this.name = lvKey(vg, lv);
  }

  view(): ExportClientView {
    return { id: this.clientId, address: this.address, sinceMs: this.sinceMs, ...this.counters };
  }

  summary(): string {
    const c = this.counters;
    return `${c.reads} reads, ${c.writes} writes (${c.interceptedWrites} intercepted), ${c.flushes} flushes, ${c.errors} errors`;
  }

  read(offsetBytes: number, lengthBytes: number, into?: Uint8Array): Promise<Uint8Array> {
    return this.track(async () => {
      this.checkRange(offsetBytes, lengthBytes, false);
      if (lengthBytes === 0) return new Uint8Array(0);
      const first = Math.floor(offsetBytes / SECTOR_SIZE);
      const end = Math.ceil((offsetBytes + lengthBytes) / SECTOR_SIZE);
      const session = await this.ctl.ready();
      // A lent buffer fits only a read of whole sectors; a partial one reads its sectors whole.
      const lent = into?.length === lengthBytes && offsetBytes === first * SECTOR_SIZE && lengthBytes === (end - first) * SECTOR_SIZE ? into : undefined;
      const bytes = await session.lvDevice(this.vg, this.lv).read(first, end - first, lent, this.clientId);
      this.counters.reads += 1;
      this.counters.bytesRead += lengthBytes;
      const skip = offsetBytes - first * SECTOR_SIZE;
      return skip === 0 && bytes.length === lengthBytes ? bytes : bytes.subarray(skip, skip + lengthBytes);
    });
  }

  write(offsetBytes: number, data: Uint8Array, options: PortWriteOptions = {}): Promise<void> {
    return this.track(async () => {
      this.checkRange(offsetBytes, data.length, true);
      if (data.length) await this.writeJournaled(offsetBytes / SECTOR_SIZE, data, options.fua ?? false, options.hashes);
      this.counters.writes += 1;
      this.counters.bytesWritten += data.length;
    });
  }

  writeZeroes(offsetBytes: number, lengthBytes: number, options: PortWriteOptions = {}): Promise<void> {
    return this.track(async () => {
      this.checkRange(offsetBytes, lengthBytes, true);
      const zeroes = new Uint8Array(Math.min(ZERO_PIECE_BYTES, lengthBytes));
      for (let done = 0; done < lengthBytes; done += zeroes.length) {
        const piece = zeroes.subarray(0, Math.min(zeroes.length, lengthBytes - done));
        await this.writeJournaled((offsetBytes + done) / SECTOR_SIZE, piece, options.fua ?? false);
      }
      this.counters.writes += 1;
      this.counters.bytesWritten += lengthBytes;
    });
  }

  flush(): Promise<void> {
    return this.track(async () => {
      const session = await this.ctl.ready();
      await session.lvDevice(this.vg, this.lv).flush();
      this.counters.flushes += 1;
    });
  }

  trim(offsetBytes: number, lengthBytes: number): Promise<void> {
    return this.track(async () => {
      this.checkRange(offsetBytes, lengthBytes, false);
      this.counters.trims += 1;
    });
  }

  async close(): Promise<void> {
    this.closed ??= 'the client disconnected';
    this.ctl.forget(this);
    await this.drain();
  }

  onClosed(listener: (reason: string) => void): Disposable {
    return this.closedEvents.on(listener);
  }

  async closeByEngine(reason: string): Promise<void> {
    if (this.closed) return;
    this.closed = reason;
    this.ctl.forget(this);
    this.closedEvents.emit(reason);
    await this.drain();
  }

  async drain(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  /**
   * One client write, as the workload writes: intent (with the sector hashes) in the journal
   * first, then the write through the stack, then the shadow model and the acknowledgement.
   * A failed write stays in doubt, so verify accepts either content where it may have landed.
   */
  private async writeJournaled(sector: number, data: Uint8Array, fua: boolean, given?: Uint32Array): Promise<void> {
    const session = await this.ctl.ready();
    const device = session.lvDevice(this.vg, this.lv);
    const shadow = session.shadowOf(this.vg, this.lv);
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    try {
      await this.ctl.orderWrite(this.name, sector, sector + data.length / SECTOR_SIZE, finished);
      const hashes = given?.length === data.length / SECTOR_SIZE ? given : sectorHashes(data);
      const journal = await session.writeJournal();
      const id = session.nextWriteId++;
      await journal.externalIntent(this.name, id, sector, hashes);
      try {
        await device.write(sector, data, this.clientId);
        if (fua) await device.flush();
      } catch (e) {
        shadow.recordExternalInDoubt(id, sector, hashes);
        throw e;
      }
      shadow.recordExternalWrite(id, sector, hashes);
      // Like the workload's: an acknowledgement the journal could not take leaves the write in
      // doubt on replay, which verify accepts either way.
      journal.acknowledged(id).catch(() => undefined);
    } finally {
      finish();
    }
  }

  /** Runs one request: counted in flight, its failure counted as an error and rethrown. */
  private track<T>(io: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new LvmscopeError('STATE', `The export of ${this.name} to this client was closed: ${this.closed}.`));
    this.counters.inFlight += 1;
    this.ctl.changed();
    const run = io().catch((e: unknown) => {
      this.counters.errors += 1;
      throw e;
    });
    const settled = run.finally(() => {
      this.counters.inFlight -= 1;
      this.inFlight.delete(settled);
      this.ctl.changed();
    });
    this.inFlight.add(settled);
    settled.catch(() => undefined);
    return run;
  }

  private checkRange(offsetBytes: number, lengthBytes: number, aligned: boolean): void {
    if (!Number.isSafeInteger(offsetBytes) || !Number.isSafeInteger(lengthBytes) || offsetBytes < 0 || lengthBytes < 0 || offsetBytes + lengthBytes > this.sizeBytes) {
      throw new LvmscopeError('INVALID', `${this.name}: ${lengthBytes} bytes at offset ${offsetBytes} reach past its end (${this.sizeBytes} bytes).`);
    }
    if (aligned && (offsetBytes % SECTOR_SIZE !== 0 || lengthBytes % SECTOR_SIZE !== 0)) {
      throw new LvmscopeError('INVALID', `${this.name}: writes must start and end on a 512-byte sector (got ${lengthBytes} bytes at offset ${offsetBytes}).`);
    }
  }
}
