// A writer for the cpio "newc" format, the only archive format the Linux kernel unpacks as an
// initramfs (init/initramfs.c). Writing it here, instead of spawning `cpio`, keeps the
// archive byte-for-byte deterministic (fixed mtimes, inode numbers and owners), so the same
// recipe always gives the same initramfs.
//
// Layout of one entry: a 110-byte ASCII header ("070701" and 13 eight-digit hex fields),
// the NUL-terminated name, padding to 4 bytes, the data, padding to 4 bytes. The archive
// ends with an entry named "TRAILER!!!".

export type CpioEntry =
  | { kind: 'dir'; path: string; mode?: number }
  | { kind: 'file'; path: string; data: Uint8Array; mode?: number }
  | { kind: 'symlink'; path: string; target: string }
  | { kind: 'chardev'; path: string; major: number; minor: number; mode?: number };

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_IFCHR = 0o020000;
const encoder = new TextEncoder();

function hex8(value: number): string {
  return value.toString(16).padStart(8, '0');
}

function pad4(length: number): number {
  return (4 - (length % 4)) % 4;
}

function modeOf(entry: CpioEntry): number {
  if (entry.kind === 'dir') return S_IFDIR | (entry.mode ?? 0o755);
  if (entry.kind === 'symlink') return S_IFLNK | 0o777;
  if (entry.kind === 'chardev') return S_IFCHR | (entry.mode ?? 0o600);
  return S_IFREG | (entry.mode ?? 0o644);
}

function dataOf(entry: CpioEntry): Uint8Array {
  if (entry.kind === 'file') return entry.data;
  if (entry.kind === 'symlink') return encoder.encode(entry.target);
  return new Uint8Array(0);
}

interface EntryHeader {
  inode: number;
  mode: number;
  nlink: number;
  rdev: [number, number];
}

function header(h: EntryHeader, dataBytes: number, nameBytes: number): string {
  // Fields: ino mode uid gid nlink mtime filesize devmajor devminor rdevmajor rdevminor namesize check
  const fields = [h.inode, h.mode, 0, 0, h.nlink, 0, dataBytes, 0, 0, h.rdev[0], h.rdev[1], nameBytes, 0];
  return '070701' + fields.map(hex8).join('');
}

function encodeEntry(h: EntryHeader, path: string, data: Uint8Array): Uint8Array[] {
  // The kernel wants names without a leading slash ("bin/busybox"), NUL-terminated.
  const name = encoder.encode(path.replace(/^\/+/, '') + '\0');
  const head = encoder.encode(header(h, data.length, name.length));
  return [
    head,
    name,
    new Uint8Array(pad4(head.length + name.length)),
    data,
    new Uint8Array(pad4(data.length)),
  ];
}

/** Encodes entries, in the given order, as one newc archive ending with the trailer. */
export function newcArchive(entries: readonly CpioEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  entries.forEach((entry, index) => {
    const rdev: [number, number] = entry.kind === 'chardev' ? [entry.major, entry.minor] : [0, 0];
    const h = { inode: index + 1, mode: modeOf(entry), nlink: entry.kind === 'dir' ? 2 : 1, rdev };
    parts.push(...encodeEntry(h, entry.path, dataOf(entry)));
  });
  parts.push(...encodeEntry({ inode: 0, mode: 0, nlink: 1, rdev: [0, 0] }, 'TRAILER!!!', new Uint8Array(0)));
  const total = parts.reduce((sum, p) => sum + p.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** The parent directories of a path, outermost first: "/a/b/c" → ["/a", "/a/b"]. */
export function parentDirs(path: string): string[] {
  const segments = path.split('/').filter(Boolean);
  const dirs: string[] = [];
  for (let i = 1; i < segments.length; i++) dirs.push('/' + segments.slice(0, i).join('/'));
  return dirs;
}
