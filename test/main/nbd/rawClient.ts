// A deliberately small NBD client for the server's unit tests: it speaks the handshake and
// requests byte by byte, so tests can also send what no real client would (wrong magic,
// unknown options and commands, oversized requests, a connection cut mid-request).

import net from 'node:net';
import { SocketReader } from '../../../main/nbd/reader';
import * as P from '../../../main/nbd/protocol';

export interface OptionReply {
  option: number;
  type: number;
  data: Buffer;
}

export interface SimpleReply {
  error: number;
  cookie: bigint;
  data?: Buffer;
}

export class RawNbdClient {
  readonly reader: SocketReader;
  private closedFlag = false;
  readonly closed: Promise<void>;

  private constructor(
    readonly socket: net.Socket,
    reader: SocketReader,
  ) {
    this.reader = reader;
    reader.attach(socket);
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.on('close', () => {
      this.closedFlag = true;
      resolve();
    }));
  }

  static async connect(path: string): Promise<RawNbdClient> {
    const reader = new SocketReader();
    const socket = net.connect({ path, onread: reader.onread });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawNbdClient(socket, reader);
  }

  get isClosed(): boolean {
    return this.closedFlag;
  }

  /** Reads the greeting and sends the client flags (fixed newstyle, no zeroes). */
  async handshake(): Promise<{ magic: bigint; opt: bigint; flags: number }> {
    const g = await this.reader.read(18);
    this.socket.write(u32(P.CLIENT_FLAG_FIXED_NEWSTYLE | P.CLIENT_FLAG_NO_ZEROES));
    return { magic: g.readBigUInt64BE(0), opt: g.readBigUInt64BE(8), flags: g.readUInt16BE(16) };
  }

  sendOption(option: number, data: Buffer = Buffer.alloc(0), magic = P.IHAVEOPT): void {
    const h = Buffer.alloc(16);
    h.writeBigUInt64BE(magic, 0);
    h.writeUInt32BE(option, 8);
    h.writeUInt32BE(data.length, 12);
    this.socket.write(Buffer.concat([h, data]));
  }

  async optionReply(): Promise<OptionReply> {
    const h = await this.reader.read(20);
    if (h.readBigUInt64BE(0) !== P.OPTION_REPLY_MAGIC) throw new Error('bad option reply magic');
    const data = await this.reader.read(h.readUInt32BE(16));
    return { option: h.readUInt32BE(8), type: h.readUInt32BE(12), data };
  }

  /** NBD_OPT_LIST: the export names. */
  async list(): Promise<string[]> {
    this.sendOption(P.Opt.LIST);
    const names: string[] = [];
    for (;;) {
      const r = await this.optionReply();
      if (r.type === P.Rep.ACK) return names;
      if (r.type !== P.Rep.SERVER) throw new Error(`unexpected reply ${r.type}`);
      names.push(r.data.subarray(4, 4 + r.data.readUInt32BE(0)).toString('utf8'));
    }
  }

  /** NBD_OPT_GO for `name`: the replies up to ACK or an error (the last one). */
  async go(name: string, option: number = P.Opt.GO): Promise<OptionReply[]> {
    const n = Buffer.from(name, 'utf8');
    this.sendOption(option, Buffer.concat([u32(n.length), n, u16(0)]));
    const replies: OptionReply[] = [];
    for (;;) {
      const r = await this.optionReply();
      replies.push(r);
      if (r.type !== P.Rep.INFO) return replies;
    }
  }

  /** Sends one request header (and payload); returns without waiting for the reply. */
  send(type: number, cookie: bigint, offset: number, length: number, payload?: Buffer, flags = 0, magic = P.REQUEST_MAGIC): void {
    const h = Buffer.alloc(28);
    h.writeUInt32BE(magic, 0);
    h.writeUInt16BE(flags, 4);
    h.writeUInt16BE(type, 6);
    h.writeBigUInt64BE(cookie, 8);
    h.writeBigUInt64BE(BigInt(offset), 16);
    h.writeUInt32BE(length, 24);
    this.socket.write(payload ? Buffer.concat([h, payload]) : h);
  }

  /** The next simple reply; `readLengths` says how many data bytes follow a successful reply to each READ cookie. */
  async reply(readLengths: Map<bigint, number> = new Map()): Promise<SimpleReply> {
    const h = await this.reader.read(16);
    if (h.readUInt32BE(0) !== P.SIMPLE_REPLY_MAGIC) throw new Error('bad reply magic');
    const error = h.readUInt32BE(4);
    const cookie = h.readBigUInt64BE(8);
    const length = readLengths.get(cookie);
    const data = !error && length ? await this.reader.read(length) : undefined;
    return { error, cookie, data };
  }

  async read(offset: number, length: number, cookie = 1n): Promise<SimpleReply> {
    this.send(P.Cmd.READ, cookie, offset, length);
    return this.reply(new Map([[cookie, length]]));
  }

  async write(offset: number, data: Buffer, cookie = 2n, flags = 0): Promise<SimpleReply> {
    this.send(P.Cmd.WRITE, cookie, offset, data.length, data, flags);
    return this.reply();
  }

  destroy(): void {
    this.socket.destroy();
  }
}

export function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0, 0);
  return b;
}

export function u16(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(v, 0);
  return b;
}
