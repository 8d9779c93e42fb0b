// Node implementations of the engine's storage interfaces: an image file is a BlockStore
// (positional reads and writes on one file handle; flush = fdatasync; large aligned copies
// bypass the page cache through a second, O_DIRECT handle: directIo.ts), a folder is a
// WorkspaceStorage with a lock file that names its holder (workspaceLock.ts). Every system
// error becomes one sentence naming the file (ioErrors.ts); no write loop takes a short write
// as success.

import { open, readdir, stat, unlink, mkdir } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { constants, readSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { BlockStore, Journal, StoreIoOptions, WorkspaceStorage } from '../../app/block/blockStore';
import { LvmscopeError } from '../../app/base/result';
import { formatSize } from '../../app/base/units';
import { errnoOf, shortWriteError, storageError, type FileOperation } from './ioErrors';
import { LOCK_FILE, WorkspaceLock } from './workspaceLock';
import { DirectChannel } from './directIo';

export { LOCK_FILE };
/** Files in a workspace folder that are never images. */
const NOT_IMAGES = /^(\.|.*\.(json|md|txt|log|lock)$)/;
/** Errors that mean "you may read this file but not write it": the image opens read-only. */
const READ_ONLY_ERRNOS = new Set(['EACCES', 'EPERM', 'EROFS']);
/**
 * An export client's IO up to this size is a plain pread/pwrite on the engine's thread, as
 * nbdkit's file plugin does in the thread that serves the request: through the page cache it
 * costs microseconds (1 MiB: ~0.1 ms), while a trip through libuv's thread pool (queue, wake a
 * worker, wake the loop again) cost 0.1-0.3 ms per 4 KiB IO and 2-5 ms per 1 MiB IO on these
 * loaded 2-core machines: two threads waiting for a core each time. Only export clients: they
 * run in the CLI's `serve --nbd` / `pvmove --nbd` process, which asked for that trade. The
 * workload's IO and a move's copy keep the thread pool, so in Electron, whose main process runs
 * the engine, a cache miss or the kernel throttling dirty pages never stalls the windows.
 */
const CLIENT_SYNC_MAX_BYTES = 4 * 1024 * 1024;

export class FileBlockStore implements BlockStore {
  private readonly direct: DirectChannel;

  private constructor(
    readonly name: string,
    readonly path: string,
    private handle: FileHandle,
    readonly sizeBytes: number,
    /** Set when the image could only be opened for reading: why, and what to do. */
    readonly readOnlyReason?: string,
  ) {
    this.direct = new DirectChannel(path, !readOnlyReason);
  }

  /** Opens an image for reading and writing, or read-only (with a reason) when writing is refused. */
  static async open(filePath: string, name = path.basename(filePath)): Promise<FileBlockStore> {
    let handle: FileHandle;
    let readOnlyReason: string | undefined;
    try {
      handle = await open(filePath, constants.O_RDWR);
    } catch (e) {
      const errno = errnoOf(e);
      if (!errno || !READ_ONLY_ERRNOS.has(errno)) throw storageError(e, { file: name, path: filePath, op: 'open %f', bytes: 0 });
      handle = await open(filePath, constants.O_RDONLY).catch((again: unknown) => {
        throw storageError(again, { file: name, path: filePath, op: 'open %f', bytes: 0 });
      });
      readOnlyReason = storageError(e, { file: name, path: filePath, op: 'open %f for writing', bytes: 0 }).message.replace(/\.$/, '') + '; until then it is opened read-only.';
    }
    const { size } = await handle.stat();
    return new FileBlockStore(name, filePath, handle, size, readOnlyReason);
  }

  static async create(filePath: string, sizeBytes: number, name = path.basename(filePath)): Promise<FileBlockStore> {
    const operation = { file: name, path: filePath, op: `create the ${formatSize(sizeBytes)} image %f`, bytes: sizeBytes };
    const handle = await open(filePath, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL, 0o644).catch((e: unknown) => {
      throw storageError(e, operation);
    });
    try {
      await handle.truncate(sizeBytes);
    } catch (e) {
      // A refused size (EFBIG) must not leave a 0-byte image behind.
      await handle.close().catch(() => undefined);
      await unlink(filePath).catch(() => undefined);
      throw storageError(e, operation);
    }
    return new FileBlockStore(name, filePath, handle, sizeBytes);
  }

  async read(offsetBytes: number, lengthBytes: number, into?: Uint8Array, options: StoreIoOptions = {}): Promise<Uint8Array> {
    this.checkRange(offsetBytes, lengthBytes);
    // Not zero-filled first: every byte is either read or zeroed below (the copier reads
    // GiBs, and zeroing each buffer before overwriting it showed up in the move benchmark).
    // A lent buffer is read into as it is; the copier's without the page cache if it can be.
    const lent = into && into.length === lengthBytes;
    const buf = lent ? Buffer.from(into.buffer, into.byteOffset, into.byteLength) : Buffer.allocUnsafe(lengthBytes);
    let done = 0;
    try {
      if (onThisThread(lengthBytes, options)) done = this.readNow(buf, offsetBytes, 0);
      else if (lent && !options.client) done = await this.direct.read(buf, offsetBytes);
      while (done < lengthBytes) {
        const { bytesRead } = await this.handle.read(buf, done, lengthBytes - done, offsetBytes + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
    } catch (e) {
      throw storageError(e, { file: this.name, path: this.path, op: 'read', bytes: 0, offsetBytes: offsetBytes + done });
    }
    if (done < lengthBytes) buf.fill(0, done); // past EOF of a sparse file: zeros
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /** pread on this thread until `buf` is full or the file ends; returns the bytes now in it. */
  private readNow(buf: Buffer, offsetBytes: number, done: number): number {
    while (done < buf.length) {
      const bytesRead = readSync(this.handle.fd, buf, done, buf.length - done, offsetBytes + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done;
  }

  /**
   * Writes every byte or fails: a partial write continues where it stopped, a write that
   * makes no progress is an error, and a system error becomes a sentence saying how much
   * space the image needed. An export client's write never bypasses the page cache: it is
   * likely read again soon, and nbdkit, the yardstick, keeps it there too.
   */
  async write(offsetBytes: number, data: Uint8Array, options: StoreIoOptions = {}): Promise<void> {
    this.checkRange(offsetBytes, data.length);
    const operation: FileOperation = { file: this.name, path: this.path, op: 'write', bytes: data.length, offsetBytes };
    if (this.readOnlyReason) throw new LvmscopeError('IO', this.readOnlyReason);
    let done = 0;
    try {
      if (onThisThread(data.length, options)) done = this.writeNow(data, offsetBytes);
      else if (!options.client) done = await this.direct.write(data, offsetBytes);
    } catch (e) {
      throw storageError(e, { ...operation, mayGrowBytes: await this.unallocatedBytes() });
    }
    while (done < data.length) {
      let bytesWritten: number;
      try {
        ({ bytesWritten } = await this.handle.write(data, done, data.length - done, offsetBytes + done));
      } catch (e) {
        throw storageError(e, { ...operation, mayGrowBytes: await this.unallocatedBytes() });
      }
      if (bytesWritten <= 0) throw shortWriteError(operation, done);
      done += bytesWritten;
    }
  }

  /** pwrite on this thread until every byte is written or a write makes no progress; returns the bytes written. */
  private writeNow(data: Uint8Array, offsetBytes: number): number {
    let done = 0;
    while (done < data.length) {
      const bytesWritten = writeSync(this.handle.fd, data, done, data.length - done, offsetBytes + done);
      if (bytesWritten <= 0) break;
      done += bytesWritten;
    }
    return done;
  }

  async flush(): Promise<void> {
    if (this.readOnlyReason) return; // nothing was written through this handle
    try {
      await this.handle.datasync();
    } catch (e) {
      throw storageError(e, { file: this.name, path: this.path, op: 'flush (fdatasync) the writes to %f', bytes: 0 });
    }
  }

  async close(): Promise<void> {
    await this.direct.close();
    await this.handle.close();
  }

  /** How much of this (sparse) image has no disk blocks yet: what it may still need. */
  private async unallocatedBytes(): Promise<number | undefined> {
    try {
      const s = await this.handle.stat();
      return Math.max(0, s.size - s.blocks * 512);
    } catch {
      return undefined;
    }
  }

  private checkRange(offsetBytes: number, lengthBytes: number): void {
    if (offsetBytes < 0 || lengthBytes < 0 || offsetBytes + lengthBytes > this.sizeBytes) {
      throw new LvmscopeError('IO', `${this.name}: access at byte ${offsetBytes} (+${lengthBytes}) is past the end of the image (${this.sizeBytes} bytes)`);
    }
  }
}

/** Whether an IO of `bytes` is a pread/pwrite on the engine's thread (see CLIENT_SYNC_MAX_BYTES). */
function onThisThread(bytes: number, options: StoreIoOptions): boolean {
  return options.client === true && bytes <= CLIENT_SYNC_MAX_BYTES;
}

export class FolderWorkspaceStorage implements WorkspaceStorage {
  private readonly workspaceLock: WorkspaceLock;
  private skipped: string[] = [];

  constructor(readonly location: string) {
    this.workspaceLock = new WorkspaceLock(location);
  }

  /**
   * Regular files (or links to them) that may be images. An entry that cannot be one — a
   * dangling symbolic link, a file we may not even look at — is skipped with a sentence
   * (skippedImages), so one bad entry never makes the whole workspace unopenable.
   */
  async listImages(): Promise<string[]> {
    const names = await readdir(this.location).catch((e: unknown) => {
      throw storageError(e, { file: path.basename(this.location), path: this.location, op: 'list the workspace folder %f', bytes: 0 });
    });
    const out: string[] = [];
    this.skipped = [];
    for (const name of names.sort()) {
      if (NOT_IMAGES.test(name)) continue;
      try {
        if ((await stat(path.join(this.location, name))).isFile()) out.push(name);
      } catch (e) {
        this.skipped.push(skippedEntrySentence(name, path.join(this.location, name), e));
      }
    }
    return out;
  }

  skippedImages(): readonly string[] {
    return this.skipped;
  }

  open(name: string): Promise<BlockStore> {
    return FileBlockStore.open(this.resolve(name), name);
  }

  create(name: string, sizeBytes: number): Promise<BlockStore> {
    return FileBlockStore.create(this.resolve(name), sizeBytes, name);
  }

  async remove(name: string): Promise<void> {
    await unlink(this.resolve(name));
  }

  async openJournal(name: string): Promise<Journal> {
    return AppendOnlyJournal.open(this.resolveJournal(name), name);
  }

  async readJournal(name: string): Promise<string> {
    const journalPath = this.resolveJournal(name);
    let handle: FileHandle;
    try {
      handle = await open(journalPath, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch (e) {
      if (errnoOf(e) === 'ENOENT') return '';
      throw storageError(e, { file: name, path: journalPath, op: 'read the write journal %f', bytes: 0 });
    }
    try {
      if (!(await handle.stat()).isFile()) throw notAFileError(name, journalPath);
      return await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  }

  async removeJournal(name: string): Promise<void> {
    await unlink(this.resolveJournal(name)).catch(() => undefined);
  }

  private resolveJournal(name: string): string {
    if (!/^\.[A-Za-z0-9._-]+$/.test(name)) throw new LvmscopeError('INVALID', `'${name}' is not a journal name (a dot-file name).`);
    return path.join(this.location, name);
  }

  async lock(holder: string): Promise<void> {
    await mkdir(this.location, { recursive: true }).catch((e: unknown) => {
      throw storageError(e, { file: path.basename(this.location), path: this.location, op: 'create the workspace folder %f', bytes: 0 });
    });
    await this.workspaceLock.take(holder);
  }

  async unlock(): Promise<void> {
    await this.workspaceLock.release();
  }

  private resolve(name: string): string {
    if (name.includes('/') || name.includes('\\') || name === '..' || name === '.') {
      throw new LvmscopeError('INVALID', `'${name}' is not a plain file name inside the workspace`);
    }
    return path.join(this.location, name);
  }
}

/**
 * The write journal's file: opened without following a symbolic link (O_NOFOLLOW) and only if
 * it is a regular file, appended to one record at a time (appends are serialised, so two
 * records never interleave). A record is written whole or not at all: a short or failed write
 * is cut off again (ftruncate to the length before it), so a replay never reads half a record
 * as a whole one, and the caller gets a sentence saying the journal's disk is full.
 */
/** Journal records waiting to be written together, and their callers. */
interface JournalBatch {
  texts: string[];
  waiters: Array<{ resolve: () => void; reject: (e: unknown) => void }>;
}

class AppendOnlyJournal implements Journal {
  private chain: Promise<void> = Promise.resolve();
  /**
   * Records appended while an earlier write is on its way go out together in one write (group
   * commit): NBD clients append two records per write, and one syscall per record through the
   * thread pool made the journal the bottleneck. The batch is written whole or cut off whole.
   * A batch is written once the current run of promise callbacks is over (process.nextTick
   * runs after them): requests that arrived in one socket read reach their appends in that
   * run, so their intents share one write instead of one each.
   */
  private pending: JournalBatch | null = null;

  private constructor(
    private readonly handle: FileHandle,
    private readonly name: string,
    private readonly filePath: string,
    private lengthBytes: number,
  ) {}

  static async open(filePath: string, name: string): Promise<AppendOnlyJournal> {
    let handle: FileHandle;
    try {
      handle = await open(filePath, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK, 0o644);
    } catch (e) {
      throw storageError(e, { file: name, path: filePath, op: 'open the write journal %f', bytes: 0 });
    }
    const s = await handle.stat();
    if (!s.isFile()) {
      await handle.close();
      throw notAFileError(name, filePath);
    }
    return new AppendOnlyJournal(handle, name, filePath, s.size);
  }

  append(text: string): Promise<void> {
    return new Promise((resolve, reject) => {
      if (!this.pending) {
        const batch: JournalBatch = { texts: [], waiters: [] };
        this.pending = batch;
        this.chain = this.chain.then(afterPromiseCallbacks).then(() => this.writeBatch(batch));
      }
      this.pending.texts.push(text);
      this.pending.waiters.push({ resolve, reject });
    });
  }

  /** Writes one batch; records appended from now on form the next one. Never rejects (its callers do). */
  private async writeBatch(batch: JournalBatch): Promise<void> {
    if (this.pending === batch) this.pending = null;
    try {
      await this.appendWhole(Buffer.from(batch.texts.join(''), 'utf8'));
      for (const w of batch.waiters) w.resolve();
    } catch (e) {
      for (const w of batch.waiters) w.reject(e);
    }
  }

  close(): Promise<void> {
    return this.chain.then(() => this.handle.close());
  }

  private async appendWhole(data: Buffer): Promise<void> {
    const before = this.lengthBytes;
    const operation: FileOperation = { file: this.name, path: this.filePath, op: `append a ${data.length}-byte record to the write journal %f`, bytes: data.length };
    let done = 0;
    try {
      // On this thread, like a client's IO (CLIENT_SYNC_MAX_BYTES): an append to the page cache
      // takes microseconds, the thread pool's round trip before every client write far longer.
      while (done < data.length) {
        const bytesWritten = writeSync(this.handle.fd, data, done, data.length - done, null);
        if (bytesWritten <= 0) throw shortWriteError(operation, done);
        done += bytesWritten;
      }
    } catch (e) {
      // Cut the partial record off (truncating frees space, so this works on a full disk).
      if (done > 0) await this.handle.truncate(before).catch(() => undefined);
      throw storageError(e, operation);
    }
    this.lengthBytes = before + data.length;
  }
}

/** Resolves once the promise callbacks queued so far (and those they queue) have run. */
function afterPromiseCallbacks(): Promise<void> {
  return new Promise((resolve) => process.nextTick(resolve));
}

function notAFileError(name: string, filePath: string): LvmscopeError {
  return new LvmscopeError('INVALID', `${filePath} is not a regular file, so lvmscope will not use it as its write journal ${name}; move it out of the workspace, then try again.`);
}

/** Why a folder entry was skipped instead of opened as an image. */
function skippedEntrySentence(name: string, entryPath: string, e: unknown): string {
  switch (errnoOf(e)) {
    case 'ENOENT':
      return `${name} is a symbolic link to a file that does not exist, so it was skipped; fix or delete the link (rm ${entryPath}) to silence this warning.`;
    case 'ELOOP':
      return `${name} is a symbolic link that loops back on itself, so it was skipped; delete it (rm ${entryPath}) to silence this warning.`;
    default:
      return `${storageError(e, { file: name, path: entryPath, op: 'look at %f', bytes: 0 }).message.replace(/\.$/, '')}; it was skipped.`;
  }
}
