// One NBD client: the fixed newstyle handshake, option haggling (LIST, INFO, GO, EXPORT_NAME,
// ABORT; anything else NBD_REP_ERR_UNSUP), then transmission with simple replies. Requests run
// concurrently (a suspended LV holds some while others complete); replies go out as each
// finishes, matched by cookie. A client that breaks the protocol (wrong magic, a payload too
// large to skip) loses its connection; a bad request within the protocol gets an NBD error.
// Nothing a client sends can throw out of here: the server keeps serving the others.

import type { Socket } from 'node:net';
import { LvmscopeError } from '../../app/base/result';
import { SECTOR_SIZE } from '../../app/base/units';
import type { LvPort } from '../../app/session/exports';
import { sectorHashesInto } from '../../app/workload';
import { BufferPool } from './bufferPool';
import * as P from './protocol';
import { ClosedError, type SocketReader } from './reader';

export interface ExportTarget {
  name: string;
  sizeBytes: number;
}

/** What a connection needs from the server: the export list and a port per client. */
export interface ConnectionHost {
  exports(): ExportTarget[];
  openPort(name: string, address: string): LvPort;
  log(message: string): void;
}

/** Requests one client may have in flight before the server stops reading from it. */
const MAX_IN_FLIGHT = 64;
/** Option requests before the transmission phase; a client that haggles forever is dropped. */
const MAX_OPTIONS = 256;

class ProtocolError extends Error {}

/** A WRITE's payload (a pooled buffer) and, for whole sectors, their hashes. */
interface Payload {
  buffer: Buffer;
  hashes?: Uint32Array;
}

export class NbdConnection {
  private noZeroes = false;
  private port: LvPort | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly buffers = new BufferPool();
  private slotWaiter: (() => void) | null = null;
  private closed = false;

  constructor(
    private readonly socket: Socket,
    private readonly reader: SocketReader,
    readonly address: string,
    private readonly host: ConnectionHost,
  ) {
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
  }

  /** Runs the connection to its end; never rejects. */
  async run(): Promise<void> {
    try {
      this.socket.write(P.greeting());
      await this.handshake();
      const port = await this.negotiate();
      if (port) await this.transmit(port);
    } catch (e) {
      if (!(e instanceof ClosedError)) this.host.log(`NBD client ${this.address}: ${e instanceof Error ? e.message : String(e)}; connection closed.`);
    } finally {
      await this.finish();
    }
  }

  /** Drops the connection (the engine closed the port, or the server stops). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
  }

  private async handshake(): Promise<void> {
    const flags = (await this.reader.read(4)).readUInt32BE(0);
    const known = P.CLIENT_FLAG_FIXED_NEWSTYLE | P.CLIENT_FLAG_NO_ZEROES;
    if (flags & ~known) throw new ProtocolError(`unknown client flags 0x${flags.toString(16)}`);
    this.noZeroes = (flags & P.CLIENT_FLAG_NO_ZEROES) !== 0;
  }

  /** Option haggling until GO or EXPORT_NAME names an export (its port), or the client leaves (null). */
  private async negotiate(): Promise<LvPort | null> {
    for (let n = 0; n < MAX_OPTIONS; n += 1) {
      const header = await this.reader.read(16);
      if (header.readBigUInt64BE(0) !== P.IHAVEOPT) throw new ProtocolError('wrong option magic (not IHAVEOPT)');
      const option = header.readUInt32BE(8);
      const length = header.readUInt32BE(12);
      if (length > P.MAX_OPTION_BYTES) throw new ProtocolError(`option ${option} carries ${length} bytes, more than any option needs`);
      const data = await this.reader.read(length);
      const outcome = this.option(option, data);
      if (outcome === 'abort') return null;
      if (outcome) return outcome;
    }
    throw new ProtocolError(`more than ${MAX_OPTIONS} options without choosing an export`);
  }

  /** Answers one option; a port when the transmission phase starts, 'abort' to end, undefined to go on. */
  private option(option: number, data: Buffer): LvPort | 'abort' | undefined {
    switch (option) {
      case P.Opt.EXPORT_NAME:
        return this.exportName(data.toString('utf8'));
      case P.Opt.ABORT:
        this.socket.write(P.optionReply(option, P.Rep.ACK));
        return 'abort';
      case P.Opt.LIST:
        if (data.length) return this.optionError(option, P.Rep.ERR_INVALID, 'NBD_OPT_LIST takes no data');
        for (const e of this.host.exports()) this.socket.write(P.optionReply(option, P.Rep.SERVER, P.serverReplyData(e.name)));
        this.socket.write(P.optionReply(option, P.Rep.ACK));
        return undefined;
      case P.Opt.INFO:
      case P.Opt.GO:
        return this.infoOrGo(option, data);
      default:
        return this.optionError(option, P.Rep.ERR_UNSUP, `option ${option} is not supported by lvmscope (simple replies, no TLS)`);
    }
  }

  private optionError(option: number, type: number, message: string): undefined {
    this.socket.write(P.optionReply(option, type, Buffer.from(message, 'utf8')));
    return undefined;
  }

  /** The old way in: no reply possible for an unknown name, so the connection closes. */
  private exportName(name: string): LvPort {
    const target = this.find(name);
    if (!target) throw new ProtocolError(`asked for export '${name}', which is not served`);
    const port = this.host.openPort(target.name, this.address);
    this.socket.write(P.exportNameReply(port.sizeBytes, P.TRANSMISSION_FLAGS, this.noZeroes));
    return port;
  }

  private infoOrGo(option: number, data: Buffer): LvPort | undefined {
    const request = parseInfoRequest(data);
    if (!request) return this.optionError(option, P.Rep.ERR_INVALID, 'malformed NBD_OPT_INFO/GO request');
    const target = this.find(request.name);
    if (!target) return this.optionError(option, P.Rep.ERR_UNKNOWN, `no export named '${request.name}'; the exports are ${this.host.exports().map((e) => e.name).join(', ') || 'none (no workspace is open)'}`);
    let port: LvPort | undefined;
    let size = target.sizeBytes;
    if (option === P.Opt.GO) {
      try {
        port = this.host.openPort(target.name, this.address);
      } catch (e) {
        return this.optionError(option, P.Rep.ERR_UNKNOWN, e instanceof Error ? e.message : String(e));
      }
      size = port.sizeBytes;
    }
    this.socket.write(P.optionReply(option, P.Rep.INFO, P.infoExport(size, P.TRANSMISSION_FLAGS)));
    this.socket.write(P.optionReply(option, P.Rep.INFO, P.infoBlockSize()));
    if (request.infos.includes(P.Info.NAME)) this.socket.write(P.optionReply(option, P.Rep.INFO, P.infoText(P.Info.NAME, target.name)));
    if (request.infos.includes(P.Info.DESCRIPTION)) this.socket.write(P.optionReply(option, P.Rep.INFO, P.infoText(P.Info.DESCRIPTION, `lvmscope LV ${target.name}`)));
    this.socket.write(P.optionReply(option, P.Rep.ACK));
    return port;
  }

  /** An empty name is the default export: the first one (vg0/lv0 in a demo). */
  private find(name: string): ExportTarget | undefined {
    const all = this.host.exports();
    return name === '' ? all[0] : all.find((e) => e.name === name);
  }

  private async transmit(port: LvPort): Promise<void> {
    this.port = port;
    port.onClosed(() => this.close());
    for (;;) {
      const request = P.parseRequest(await this.reader.read(P.REQUEST_HEADER_BYTES));
      if (!request) throw new ProtocolError('wrong request magic');
      if (request.type === P.Cmd.DISC) return;
      let payload: Payload | undefined;
      if (request.type === P.Cmd.WRITE) {
        // The payload follows the header; one too large to buffer cannot be skipped safely.
        if (request.length > P.MAX_PAYLOAD) throw new ProtocolError(`a WRITE of ${request.length} bytes exceeds the ${P.MAX_PAYLOAD}-byte maximum`);
        payload = await this.receivePayload(request.length);
      }
      await this.slot();
      const io = this.request(port, request, payload).finally(() => {
        this.inFlight.delete(io);
        this.slotWaiter?.();
      });
      this.inFlight.add(io);
    }
  }

  /**
   * A WRITE's payload, its sectors hashed for the journal as they arrive: the hashing (a third
   * of a 1 MiB write's CPU) then runs while the client is still sending the rest, instead of
   * after the last byte, when the client is waiting for the reply. A payload that is not whole
   * sectors gets no hashes (the port refuses it).
   */
  private async receivePayload(length: number): Promise<Payload> {
    const buffer = this.buffers.take(length);
    if (length % SECTOR_SIZE !== 0) return { buffer: await this.reader.readInto(buffer) };
    const hashes = new Uint32Array(length / SECTOR_SIZE);
    let hashed = 0;
    await this.reader.readInto(buffer, (filled) => {
      const upTo = filled - (filled % SECTOR_SIZE);
      if (upTo <= hashed) return;
      sectorHashesInto(buffer.subarray(hashed, upTo), hashes, hashed / SECTOR_SIZE);
      hashed = upTo;
    });
    return { buffer, hashes };
  }

  private async slot(): Promise<void> {
    while (this.inFlight.size >= MAX_IN_FLIGHT) await new Promise<void>((resolve) => (this.slotWaiter = resolve));
    this.slotWaiter = null;
  }

  /**
   * One request, answered with a simple reply (data after it for a successful READ). Its
   * pooled buffers go back once nothing uses them: a WRITE's payload when the write
   * succeeded, a READ's buffer when the socket has taken the reply.
   */
  private async request(port: LvPort, r: P.Request, payload: Payload | undefined): Promise<void> {
    let error = 0;
    let data: Uint8Array | undefined;
    let lent: Buffer | undefined;
    try {
      const refusal = checkRequest(r, port.sizeBytes);
      if (refusal) error = refusal;
      else {
        if (r.type === P.Cmd.READ) lent = this.buffers.take(r.length);
        data = await this.perform(port, r, payload, lent);
      }
    } catch (e) {
      error = errnoOf(e);
    }
    if (!error && payload) this.buffers.give(payload.buffer);
    if (this.closed) return;
    this.socket.cork();
    this.socket.write(P.simpleReply(r.cookie, error));
    if (!error && data) this.socket.write(data, (e) => this.replied(lent, e));
    process.nextTick(() => this.socket.uncork());
  }

  /** A READ's reply left (or failed to): its lent buffer may be used again. */
  private replied(lent: Buffer | undefined, error: Error | null | undefined): void {
    if (lent && !error) this.buffers.give(lent);
  }

  private async perform(port: LvPort, r: P.Request, payload: Payload | undefined, lent: Buffer | undefined): Promise<Uint8Array | undefined> {
    const fua = (r.flags & P.CmdFlag.FUA) !== 0;
    switch (r.type) {
      case P.Cmd.READ:
        return port.read(r.offset, r.length, lent);
      case P.Cmd.WRITE:
        await port.write(r.offset, payload!.buffer, { fua, hashes: payload!.hashes });
        return undefined;
      case P.Cmd.FLUSH:
        await port.flush();
        return undefined;
      case P.Cmd.TRIM:
        await port.trim(r.offset, r.length);
        if (fua) await port.flush();
        return undefined;
      case P.Cmd.WRITE_ZEROES:
        await port.writeZeroes(r.offset, r.length, { fua });
        return undefined;
      default:
        throw new LvmscopeError('INVALID', `unknown command ${r.type}`);
    }
  }

  /** Waits for the requests in flight (their replies go out if the socket is still open), then lets the port go. */
  private async finish(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
    if (!this.closed) this.socket.end();
    this.closed = true;
    await this.port?.close();
  }
}

/** The errno a request gets before it reaches the port, or 0 when it may go on. */
function checkRequest(r: P.Request, sizeBytes: number): number {
  const known = r.type === P.Cmd.READ || r.type === P.Cmd.WRITE || r.type === P.Cmd.FLUSH || r.type === P.Cmd.TRIM || r.type === P.Cmd.WRITE_ZEROES;
  if (!known) return P.Errno.EINVAL;
  const allowedFlags = r.type === P.Cmd.WRITE_ZEROES ? P.CmdFlag.FUA | P.CmdFlag.NO_HOLE : r.type === P.Cmd.READ ? 0 : P.CmdFlag.FUA;
  if (r.flags & ~allowedFlags) return P.Errno.EINVAL;
  if (r.type === P.Cmd.FLUSH) return 0;
  if (r.type === P.Cmd.READ && r.length > P.MAX_PAYLOAD) return P.Errno.EOVERFLOW;
  if (r.offset + r.length > sizeBytes) return r.type === P.Cmd.READ ? P.Errno.EINVAL : P.Errno.ENOSPC;
  return 0;
}

function errnoOf(e: unknown): number {
  if (!(e instanceof LvmscopeError)) return P.Errno.EIO;
  switch (e.code) {
    case 'INVALID':
    case 'BAD_REQUEST':
      return P.Errno.EINVAL;
    case 'NO_SPACE':
      return P.Errno.ENOSPC;
    case 'STATE':
      return P.Errno.ESHUTDOWN;
    default:
      return P.Errno.EIO;
  }
}

/** NBD_OPT_INFO / GO data: name length, name, count of info requests, the requests. */
function parseInfoRequest(data: Buffer): { name: string; infos: number[] } | null {
  if (data.length < 6) return null;
  const nameLength = data.readUInt32BE(0);
  if (nameLength > data.length - 6) return null;
  const name = data.subarray(4, 4 + nameLength).toString('utf8');
  const count = data.readUInt16BE(4 + nameLength);
  if (data.length !== 6 + nameLength + count * 2) return null;
  const infos: number[] = [];
  for (let i = 0; i < count; i += 1) infos.push(data.readUInt16BE(6 + nameLength + i * 2));
  return { name, infos };
}
