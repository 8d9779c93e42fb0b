// Storage reaches the engine through these interfaces. `main/` implements them on image
// files (positional IO on a file handle; flush = fdatasync); `test/sim/` implements them in
// memory and as a seeded simulated disk with latency, faults and crashes.

/** One image file (one PV's bytes). Offsets and lengths are in bytes. */
export interface BlockStore {
  /** The image file's name inside its workspace, e.g. "pv1.img". */
  readonly name: string;
  readonly sizeBytes: number;
  /**
   * Set when the image could only be opened for reading (no write permission, a read-only
   * filesystem): one sentence saying why and what to do. Its VG then opens read-only.
   */
  readonly readOnlyReason?: string;
  /** `into` (exactly `lengthBytes` long) may receive the bytes, as BlockDevice.read's. */
  read(offsetBytes: number, lengthBytes: number, into?: Uint8Array, options?: StoreIoOptions): Promise<Uint8Array>;
  /** Resolves when the bytes are written (acknowledged); durable only after a later flush. */
  write(offsetBytes: number, data: Uint8Array, options?: StoreIoOptions): Promise<void>;
  /** Makes every acknowledged write durable (fdatasync). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export interface StoreIoOptions {
  /**
   * The IO of an export client (an NBD connection), served as nbdkit's file plugin serves it:
   * through the host's page cache (it is likely read again soon; a store may bypass the cache
   * for bulk copies nobody reads again), answered as directly as the store can.
   */
  client?: boolean;
}

export interface Journal {
  append(text: string): Promise<void>;
  close(): Promise<void>;
}

export interface LockInfo {
  /** Who holds the lock, e.g. "lvmscope pid 4242 on host vm (since 2026-11-21T13:00:00Z)". */
  holder: string;
}

/** A workspace folder of image files, as the engine sees it. */
export interface WorkspaceStorage {
  /** A label for messages, e.g. the folder path. */
  readonly location: string;
  /** Names of the files in the folder that may be images (not the lock file). */
  listImages(): Promise<string[]>;
  /**
   * Entries the last listImages skipped because they cannot be images (a dangling symbolic
   * link, an entry we may not look at), one warning sentence each naming the entry.
   */
  skippedImages?(): readonly string[];
  open(name: string): Promise<BlockStore>;
  /** Creates a new image file of the given size (sparse, zero-filled). Fails if it exists. */
  create(name: string, sizeBytes: number): Promise<BlockStore>;
  remove(name: string): Promise<void>;
  /**
   * An append-only text journal beside the images (e.g. the workload's record of writes, so
   * a verify after a crash knows what was acknowledged). `append` resolves once the text is
   * written (in the page cache: it survives the process, not a power loss).
   */
  openJournal(name: string): Promise<Journal>;
  /** The journal's whole text, or '' when it does not exist. */
  readJournal(name: string): Promise<string>;
  removeJournal(name: string): Promise<void>;
  /**
   * Takes the workspace lock or throws a LOCKED LvmscopeError naming the holder. Taking it is
   * atomic (of two processes racing for a free or stale lock exactly one wins), and a lock
   * left by a process that died, or left empty or garbled, never blocks forever.
   */
  lock(holder: string): Promise<void>;
  unlock(): Promise<void>;
}
