// The NBD wire protocol as far as lvmscope speaks it (NetworkBlockDevice/nbd doc/proto.md):
// fixed newstyle negotiation, simple replies. Numbers only; the connection (connection.ts)
// decides what to do with them.

export const NBDMAGIC = 0x4e42444d41474943n;
/** 'IHAVEOPT': the server's second magic, and the magic of every option request. */
export const IHAVEOPT = 0x49484156454f5054n;
export const OPTION_REPLY_MAGIC = 0x3e889045565a9n;
export const REQUEST_MAGIC = 0x25609513;
export const SIMPLE_REPLY_MAGIC = 0x67446698;

export const FLAG_FIXED_NEWSTYLE = 1 << 0;
export const FLAG_NO_ZEROES = 1 << 1;
export const CLIENT_FLAG_FIXED_NEWSTYLE = 1 << 0;
export const CLIENT_FLAG_NO_ZEROES = 1 << 1;

export const Opt = {
  EXPORT_NAME: 1,
  ABORT: 2,
  LIST: 3,
  STARTTLS: 5,
  INFO: 6,
  GO: 7,
  STRUCTURED_REPLY: 8,
} as const;

export const Rep = {
  ACK: 1,
  SERVER: 2,
  INFO: 3,
  ERR_UNSUP: 2 ** 31 + 1,
  ERR_POLICY: 2 ** 31 + 2,
  ERR_INVALID: 2 ** 31 + 3,
  ERR_UNKNOWN: 2 ** 31 + 6,
  ERR_SHUTDOWN: 2 ** 31 + 7,
  ERR_TOO_BIG: 2 ** 31 + 9,
} as const;

export const Info = {
  EXPORT: 0,
  NAME: 1,
  DESCRIPTION: 2,
  BLOCK_SIZE: 3,
} as const;

/** Transmission flags. */
export const TFlag = {
  HAS_FLAGS: 1 << 0,
  SEND_FLUSH: 1 << 2,
  SEND_FUA: 1 << 3,
  SEND_TRIM: 1 << 5,
  SEND_WRITE_ZEROES: 1 << 6,
  /** A flush on one connection covers the writes acknowledged on every other one (one engine, one device). */
  CAN_MULTI_CONN: 1 << 8,
} as const;

export const TRANSMISSION_FLAGS = TFlag.HAS_FLAGS | TFlag.SEND_FLUSH | TFlag.SEND_FUA | TFlag.SEND_TRIM | TFlag.SEND_WRITE_ZEROES | TFlag.CAN_MULTI_CONN;

export const Cmd = {
  READ: 0,
  WRITE: 1,
  DISC: 2,
  FLUSH: 3,
  TRIM: 4,
  WRITE_ZEROES: 6,
} as const;

export const CmdFlag = {
  FUA: 1 << 0,
  NO_HOLE: 1 << 1,
} as const;

export const Errno = {
  EPERM: 1,
  EIO: 5,
  EINVAL: 22,
  ENOSPC: 28,
  EOVERFLOW: 75,
  ESHUTDOWN: 108,
} as const;

/** The block sizes advertised with NBD_INFO_BLOCK_SIZE: writes must cover whole 512-byte sectors. */
export const MIN_BLOCK = 512;
export const PREFERRED_BLOCK = 4096;
/** The largest READ or WRITE payload a client may ask for (what nbd-server and qemu use). */
export const MAX_PAYLOAD = 32 << 20;
/** Option data beyond this is not read (a LIST, INFO or GO needs a few hundred bytes at most). */
export const MAX_OPTION_BYTES = 64 << 10;
export const REQUEST_HEADER_BYTES = 28;

/** The 18-byte greeting: NBDMAGIC, IHAVEOPT, handshake flags. */
export function greeting(): Buffer {
  const b = Buffer.alloc(18);
  b.writeBigUInt64BE(NBDMAGIC, 0);
  b.writeBigUInt64BE(IHAVEOPT, 8);
  b.writeUInt16BE(FLAG_FIXED_NEWSTYLE | FLAG_NO_ZEROES, 16);
  return b;
}

export function optionReply(option: number, type: number, data: Buffer = Buffer.alloc(0)): Buffer {
  const b = Buffer.alloc(20 + data.length);
  b.writeBigUInt64BE(OPTION_REPLY_MAGIC, 0);
  b.writeUInt32BE(option >>> 0, 8);
  b.writeUInt32BE(type >>> 0, 12);
  b.writeUInt32BE(data.length, 16);
  data.copy(b, 20);
  return b;
}

/** NBD_REP_SERVER data: the export name with its length. */
export function serverReplyData(name: string): Buffer {
  const nameBytes = Buffer.from(name, 'utf8');
  const b = Buffer.alloc(4 + nameBytes.length);
  b.writeUInt32BE(nameBytes.length, 0);
  nameBytes.copy(b, 4);
  return b;
}

export function infoExport(sizeBytes: number, flags: number): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt16BE(Info.EXPORT, 0);
  b.writeBigUInt64BE(BigInt(sizeBytes), 2);
  b.writeUInt16BE(flags, 10);
  return b;
}

export function infoBlockSize(): Buffer {
  const b = Buffer.alloc(14);
  b.writeUInt16BE(Info.BLOCK_SIZE, 0);
  b.writeUInt32BE(MIN_BLOCK, 2);
  b.writeUInt32BE(PREFERRED_BLOCK, 6);
  b.writeUInt32BE(MAX_PAYLOAD, 10);
  return b;
}

export function infoText(type: number, text: string): Buffer {
  const t = Buffer.from(text, 'utf8');
  const b = Buffer.alloc(2 + t.length);
  b.writeUInt16BE(type, 0);
  t.copy(b, 2);
  return b;
}

/** What NBD_OPT_EXPORT_NAME answers: size, flags, and 124 zero bytes unless the client said NO_ZEROES. */
export function exportNameReply(sizeBytes: number, flags: number, noZeroes: boolean): Buffer {
  const b = Buffer.alloc(10 + (noZeroes ? 0 : 124));
  b.writeBigUInt64BE(BigInt(sizeBytes), 0);
  b.writeUInt16BE(flags, 8);
  return b;
}

export interface Request {
  flags: number;
  type: number;
  cookie: Buffer;
  offset: number;
  length: number;
}

/** A request header, or null when its magic is wrong (the connection cannot be trusted any more). */
export function parseRequest(b: Buffer): Request | null {
  if (b.readUInt32BE(0) !== REQUEST_MAGIC) return null;
  const offset = b.readBigUInt64BE(16);
  return {
    flags: b.readUInt16BE(4),
    type: b.readUInt16BE(6),
    cookie: Buffer.from(b.subarray(8, 16)),
    // Beyond 2^53 no export reaches: the range check refuses it like any other offset past the end.
    offset: offset > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(offset),
    length: b.readUInt32BE(24),
  };
}

export function simpleReply(cookie: Buffer, error: number): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt32BE(SIMPLE_REPLY_MAGIC, 0);
  b.writeUInt32BE(error, 4);
  cookie.copy(b, 8);
  return b;
}
