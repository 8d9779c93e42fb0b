// In-memory implementations of the storage interfaces, for fast engine tests.
// (The seeded simulated disk with latency, faults and crashes lives beside this file.)

import type { BlockStore, Journal, WorkspaceStorage } from '../../app/block/blockStore';
import { LvmscopeError } from '../../app/base/result';

export class MemoryBlockStore implements BlockStore {
  readonly bytes: Uint8Array;
  constructor(readonly name: string, readonly sizeBytes: number, initial?: Uint8Array) {
    this.bytes = initial ?? new Uint8Array(sizeBytes);
  }
  async read(offsetBytes: number, lengthBytes: number): Promise<Uint8Array> {
    this.check(offsetBytes, lengthBytes);
    return this.bytes.slice(offsetBytes, offsetBytes + lengthBytes);
  }
  async write(offsetBytes: number, data: Uint8Array): Promise<void> {
    this.check(offsetBytes, data.length);
    this.bytes.set(data, offsetBytes);
  }
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
  private check(offsetBytes: number, lengthBytes: number): void {
    if (offsetBytes < 0 || offsetBytes + lengthBytes > this.sizeBytes) {
      throw new LvmscopeError('IO', `${this.name}: access at byte ${offsetBytes} (+${lengthBytes}) is past the end (${this.sizeBytes} bytes)`);
    }
  }
}

/**
 * The parts of an in-memory workspace folder that do not depend on how images are stored:
 * journals (kept as strings) and the lock. Memory and simulated storages share them.
 */
export abstract class MemoryFolder implements Pick<WorkspaceStorage, 'openJournal' | 'readJournal' | 'removeJournal' | 'lock' | 'unlock'> {
  readonly journals = new Map<string, string>();
  lockHolder: string | undefined;
  abstract readonly location: string;
  /** When set, journal appends use up this free space (4 KiB pages) and fail when it is gone. */
  protected journalSpace: { freePages: number; take(pages: number): number; readonly failures: string[] } | undefined;

  async openJournal(name: string): Promise<Journal> {
    if (!this.journals.has(name)) this.journals.set(name, '');
    return {
      append: async (text: string) => this.appendJournal(name, text),
      close: async () => {},
    };
  }

  /** Appends a whole record, or (out of space) nothing and a NO_SPACE error, as the file journal does. */
  private appendJournal(name: string, text: string): void {
    const before = this.journals.get(name) ?? '';
    if (this.journalSpace) {
      const pagesBefore = Math.ceil(before.length / 4096);
      const pagesAfter = Math.ceil((before.length + text.length) / 4096);
      const needed = pagesAfter - pagesBefore;
      if (needed > 0 && this.journalSpace.freePages < needed) {
        const message = `${name}: no space left on the simulated filesystem (ENOSPC) to append ${text.length} bytes; free space, then try again.`;
        this.journalSpace.failures.push(message);
        throw new LvmscopeError('NO_SPACE', message);
      }
      this.journalSpace.take(needed);
    }
    this.journals.set(name, before + text);
  }
  async readJournal(name: string): Promise<string> {
    return this.journals.get(name) ?? '';
  }
  async removeJournal(name: string): Promise<void> {
    this.journals.delete(name);
  }
  async lock(holder: string): Promise<void> {
    if (this.lockHolder) throw new LvmscopeError('LOCKED', `The workspace ${this.location} is in use by ${this.lockHolder}.`);
    this.lockHolder = holder;
  }
  async unlock(): Promise<void> {
    this.lockHolder = undefined;
  }
}

export class MemoryWorkspaceStorage extends MemoryFolder implements WorkspaceStorage {
  readonly files = new Map<string, MemoryBlockStore>();
  constructor(readonly location = 'memory:') {
    super();
  }
  async listImages(): Promise<string[]> {
    return [...this.files.keys()].sort();
  }
  async open(name: string): Promise<BlockStore> {
    const f = this.files.get(name);
    if (!f) throw new LvmscopeError('NOT_FOUND', `no image named ${name}`);
    return f;
  }
  async create(name: string, sizeBytes: number): Promise<BlockStore> {
    if (this.files.has(name)) throw new LvmscopeError('EXISTS', `${name} exists`);
    const f = new MemoryBlockStore(name, sizeBytes);
    this.files.set(name, f);
    return f;
  }
  async remove(name: string): Promise<void> {
    this.files.delete(name);
  }
}
