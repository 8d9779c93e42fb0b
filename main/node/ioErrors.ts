// System errors of the workspace's files, turned into one sentence each: which file, what
// lvmscope was doing, what the system said (the errno, for searching), and what to do. A full
// disk says how much the file needed. Everything the storage throws goes through here, so no
// raw `ENOSPC: no space left on device, write` (or its stack) ever reaches a user.

import { LvmscopeError, type ErrorCode } from '../../app/base/result';
import { formatSize } from '../../app/base/units';

export interface FileOperation {
  /** The file's name as the user knows it ("pv4.img", ".lvmscope-writes.log"). */
  file: string;
  path: string;
  /**
   * What lvmscope was doing, as a verb phrase; `%f` stands for the file ("open %f for
   * writing"). Without `%f` the size, offset and file follow it ("write 512 KiB at byte 0 of
   * pv4.img").
   */
  op: string;
  /** Bytes the operation needed (0 when not a write). */
  bytes: number;
  offsetBytes?: number;
  /** How much more the file may still need (a sparse image's unallocated part), if known. */
  mayGrowBytes?: number;
}

/** The errno of a Node system error, or undefined. */
export function errnoOf(e: unknown): string | undefined {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** One LvmscopeError sentence for a failed file operation (an LvmscopeError passes through). */
export function storageError(e: unknown, what: FileOperation): LvmscopeError {
  if (e instanceof LvmscopeError) return e;
  const errno = errnoOf(e) ?? 'error';
  const [code, cause, advice] = explain(errno, what);
  return new LvmscopeError(code, `Could not ${operationText(what)}: ${cause} (${errno}); ${advice}.`);
}

/** "open pv1.img (/w/pv1.img) for writing", "write 512 KiB at byte 0 of pv4.img (/w/pv4.img)". */
function operationText(what: FileOperation): string {
  const file = `${what.file} (${what.path})`;
  if (what.op.includes('%f')) return what.op.replace('%f', file);
  const size = what.bytes > 0 ? ` ${formatSize(what.bytes)}` : '';
  const at = what.offsetBytes !== undefined ? ` at byte ${what.offsetBytes}` : '';
  return `${what.op}${size}${at} of ${file}`;
}

function explain(errno: string, what: FileOperation): [ErrorCode, string, string] {
  // A sparse image needs space for this write now, and for the rest of its holes later.
  const grow = what.mayGrowBytes && what.mayGrowBytes > what.bytes ? `; the image is sparse and may still grow by up to ${formatSize(what.mayGrowBytes)}` : '';
  const need = `free space on that filesystem (this write needed ${formatSize(Math.max(what.bytes, 1))}${grow}), then try again`;
  switch (errno) {
    case 'ENOSPC':
      return ['NO_SPACE', 'the filesystem holding it is full', need];
    case 'EDQUOT':
      return ['NO_SPACE', 'your disk quota on that filesystem is used up', `free at least ${formatSize(Math.max(what.bytes, 4096))} of your files there, or ask for a larger quota, then try again`];
    case 'EFBIG':
      return ['NO_SPACE', 'the file would be larger than that filesystem allows', 'use a smaller size, or a filesystem that allows larger files'];
    case 'EROFS':
      return ['IO', 'the filesystem holding it is mounted read-only', 'remount it read-write, or copy the images to a writable folder and open that copy'];
    case 'EACCES':
    case 'EPERM':
      return ['IO', 'permission denied', `give yourself access (chmod u+rw ${what.path}, or run as its owner), or copy the images to a folder you own and open that copy`];
    case 'EIO':
      return ['IO', 'the disk reported an input/output error', 'check the disk (dmesg, smartctl) and copy the images to a healthy disk before going on'];
    case 'ELOOP':
      return ['INVALID', 'it is a symbolic link, which lvmscope does not follow for its own files (someone may have planted it to make lvmscope write elsewhere)', `delete the link (rm ${what.path}), then try again`];
    case 'ENOENT':
      return ['NOT_FOUND', 'it does not exist', 'check the path (or create the folder), then try again'];
    case 'ENOTDIR':
      return ['INVALID', 'a part of its path is a file, not a folder', 'check the path, then try again'];
    default:
      return ['IO', 'the system refused', 'check the file and the disk it is on, then try again'];
  }
}

/** The sentence for a write that made no progress without an error (never taken as success). */
export function shortWriteError(what: FileOperation, writtenBytes: number): LvmscopeError {
  return new LvmscopeError('IO', `Could not ${operationText(what)}: the system stopped after ${writtenBytes} bytes without an error; check the disk it is on (is it full?), then try again.`);
}
