// Node implementations of the engine's storage interfaces: an image file is a BlockStore
// (positional reads and writes on one file handle; flush = fdatasync), a folder is a
// WorkspaceStorage with a lock file that names its holder.

import { open, readdir, stat, unlink, writeFile, readFile, mkdir } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { constants } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import type { BlockStore, Journal, WorkspaceStorage } from '../../app/block/blockStore';
import { LvmscopeError } from '../../app/base/result';

export const LOCK_FILE = '.lvmscope.lock';
/** Files in a workspace folder that are never images. */
const NOT_IMAGES = /^(\.|.*\.(json|md|txt|log|lock)$)/;

export class FileBlockStore implements BlockStore {
  private constructor(
    readonly name: string,
    readonly path: string,
    private handle: FileHandle,
    readonly sizeBytes: number,
  ) {}

  static async open(filePath: string, name = path.basename(filePath)): Promise<FileBlockStore> {
    const handle = await open(filePath, constants.O_RDWR);
    const { size } = await handle.stat();
    return new FileBlockStore(name, filePath, handle, size);
  }

  static async create(filePath: string, sizeBytes: number, name = path.basename(filePath)): Promise<FileBlockStore> {
    const handle = await open(filePath, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL, 0o644);
    await handle.truncate(sizeBytes);
    return new FileBlockStore(name, filePath, handle, sizeBytes);
  }

  async read(offsetBytes: number, lengthBytes: number): Promise<Uint8Array> {
    this.checkRange(offsetBytes, lengthBytes);
    // Not zero-filled first: every byte is either read or zeroed below (the copier reads
    // GiBs, and zeroing each buffer before overwriting it showed up in the move benchmark).
    const buf = Buffer.allocUnsafe(lengthBytes);
    let done = 0;
    while (done < lengthBytes) {
      const { bytesRead } = await this.handle.read(buf, done, lengthBytes - done, offsetBytes + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    if (done < lengthBytes) buf.fill(0, done); // past EOF of a sparse file: zeros
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  async write(offsetBytes: number, data: Uint8Array): Promise<void> {
    this.checkRange(offsetBytes, data.length);
    let done = 0;
    while (done < data.length) {
      const { bytesWritten } = await this.handle.write(data, done, data.length - done, offsetBytes + done);
      done += bytesWritten;
    }
  }

  async flush(): Promise<void> {
    await this.handle.datasync();
  }

  async close(): Promise<void> {
    await this.handle.close();
  }

  private checkRange(offsetBytes: number, lengthBytes: number): void {
    if (offsetBytes < 0 || lengthBytes < 0 || offsetBytes + lengthBytes > this.sizeBytes) {
      throw new LvmscopeError('IO', `${this.name}: access at byte ${offsetBytes} (+${lengthBytes}) is past the end of the image (${this.sizeBytes} bytes)`);
    }
  }
}

export class FolderWorkspaceStorage implements WorkspaceStorage {
  private locked = false;
  constructor(readonly location: string) {}

  async listImages(): Promise<string[]> {
    const names = await readdir(this.location);
    const out: string[] = [];
    for (const name of names.sort()) {
      if (NOT_IMAGES.test(name)) continue;
      const s = await stat(path.join(this.location, name));
      if (s.isFile()) out.push(name);
    }
    return out;
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
    const handle = await open(this.resolveJournal(name), 'a');
    return {
      append: async (text: string) => {
        await handle.write(text);
      },
      close: () => handle.close(),
    };
  }

  async readJournal(name: string): Promise<string> {
    try {
      return await readFile(this.resolveJournal(name), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return '';
      throw e;
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
    await mkdir(this.location, { recursive: true });
    const lockPath = path.join(this.location, LOCK_FILE);
    const record = JSON.stringify({ holder, pid: process.pid, host: os.hostname(), since: new Date().toISOString() });
    try {
      await writeFile(lockPath, record, { flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const existing = await readLock(lockPath);
      if (existing && existing.host === os.hostname() && !processAlive(existing.pid)) {
        // The holder died without unlocking (killed): the lock is stale, take it over.
        await writeFile(lockPath, record);
      } else {
        const who = existing ? `${existing.holder} (pid ${existing.pid} on ${existing.host}, since ${existing.since})` : 'an unknown process';
        throw new LvmscopeError('LOCKED', `The workspace ${this.location} is in use by ${who}. Close it there first, or if that process is gone delete ${lockPath}.`);
      }
    }
    this.locked = true;
  }

  async unlock(): Promise<void> {
    if (!this.locked) return;
    this.locked = false;
    await unlink(path.join(this.location, LOCK_FILE)).catch(() => undefined);
  }

  private resolve(name: string): string {
    if (name.includes('/') || name.includes('\\') || name === '..' || name === '.') {
      throw new LvmscopeError('INVALID', `'${name}' is not a plain file name inside the workspace`);
    }
    return path.join(this.location, name);
  }
}

interface LockRecord {
  holder: string;
  pid: number;
  host: string;
  since: string;
}

async function readLock(lockPath: string): Promise<LockRecord | undefined> {
  try {
    return JSON.parse(await readFile(lockPath, 'utf8')) as LockRecord;
  } catch {
    return undefined;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
