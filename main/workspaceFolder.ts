// The checks a workspace path passes before the engine touches it (EngineHost.checkFolder).
// Paths reach the engine from the API (a browser, a script on the socket), so they get the
// rules of a careful tool rather than a shell's:
// - only absolute paths: the API has no current folder, and resolving from the server's one
//   surprised people (`workspace.open {path: "x"}` opened a folder next to wherever serve ran);
// - opening never creates anything: a missing folder is an error, not `mkdir -p` (as root,
//   that created any path);
// - a folder that holds files or folders but no disk images (`/etc`, `/`, a photo folder) is
//   not a workspace: it is refused before a lock file or anything else is written into it;
// - creating a demo may make the one missing folder at the end of the path, when its parent
//   exists (the scenario folder beside a workspace, a folder the user named), never a chain.
// The CLI and the desktop app resolve and create the folder the user named themselves (their
// own DIR argument, the demo folder on first start) before calling the engine, so their users'
// behaviour is unchanged; an empty folder stays openable ('Create the seed demo here').

import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { mkdir, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { LvmscopeError } from '../app/base/result';
import { FolderWorkspaceStorage } from './node/fileStorage';

/** What the engine is about to do with the folder: list it, open it, or create a demo in it. */
export type FolderIntent = 'list' | 'open' | 'create';

const SECTOR_BYTES = 512;
/** LVM2 looks for its label in the first four sectors (app/lvm/format/layout.ts). */
const LABEL_SCAN_BYTES = 4 * SECTOR_BYTES;
/** A blank image big enough to become a PV one day; smaller files are not disk images. */
const MIN_BLANK_IMAGE_BYTES = 1 << 20;
/** How many files to name in a refusal. */
const NAMED_FILES = 4;

export async function checkWorkspaceFolder(folder: string, intent: FolderIntent): Promise<void> {
  checkPathText(folder);
  const found = await statOrUndefined(folder);
  if (!found) return intent === 'create' ? makeLastFolder(folder) : missingFolder(folder);
  if (!found.isDirectory()) throw new LvmscopeError('INVALID', `${folder} is a file, not a folder; a workspace is the folder that holds the image files.`);
  if (intent === 'list') return;
  await checkHoldsDiskImages(folder);
}

/** The path as text: absolute, no NUL (which the OS would cut the path at). */
function checkPathText(folder: string): void {
  if (folder.includes('\0')) throw new LvmscopeError('INVALID', 'The workspace path contains a NUL character; give the folder\'s absolute path as plain text.');
  if (!path.isAbsolute(folder)) {
    throw new LvmscopeError('INVALID', `The workspace path '${folder.slice(0, 200)}' is relative; the lvmscope API has no current folder, so give an absolute path (like /home/you/lvmscope-demo).`);
  }
}

function missingFolder(folder: string): never {
  throw new LvmscopeError('NOT_FOUND', `There is no folder at ${folder}; nothing was created. Open an existing folder of image files, or create a demo workspace there.`);
}

/** Makes the last folder of the path only; its parent must already be a folder. */
async function makeLastFolder(folder: string): Promise<void> {
  const parent = path.dirname(folder);
  const parentStat = await statOrUndefined(parent);
  if (!parentStat?.isDirectory()) {
    throw new LvmscopeError('NOT_FOUND', `Neither ${folder} nor its parent folder ${parent} exists; nothing was created. Create ${parent} first, or choose a folder inside an existing one.`);
  }
  try {
    await mkdir(folder);
  } catch (e) {
    // Made meanwhile by someone else: the check of what it holds comes later, on open.
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new LvmscopeError('IO', `Could not create the folder ${folder}: ${(e as Error).message}.`);
  }
}

/**
 * Refuses a folder that is neither empty nor holds a disk image. "Empty" ignores what lvmscope
 * itself ignores (dot-files, notes, its lock and journals); a folder of subfolders (`/`,
 * `/home`) or of device nodes (`/dev`) is not empty: a demo must not be written into it.
 */
async function checkHoldsDiskImages(folder: string): Promise<void> {
  const candidates = await new FolderWorkspaceStorage(folder).listImages();
  if (candidates.some((name) => isDiskImage(path.join(folder, name)))) return;
  const others = (await readdir(folder, { withFileTypes: true })).filter((entry) => !entry.name.startsWith('.') && !entry.isFile()).map((entry) => entry.name);
  const held = [...candidates, ...others].sort();
  if (held.length === 0) return;
  const named = held.slice(0, NAMED_FILES).join(', ') + (held.length > NAMED_FILES ? `, … (${held.length} entries)` : '');
  throw new LvmscopeError(
    'INVALID',
    `${folder} holds no disk images: what it holds (${named}) is neither an image with an LVM2 label nor a blank image (whole 512-byte sectors, at least 1 MiB), so ${folder} is not an lvmscope workspace. Nothing was written; open the folder that holds your image files, or an empty folder.`,
  );
}

/**
 * A disk image: a file carrying an LVM2 label ("LABELONE" at the start of one of its first four
 * sectors), or a blank image, i.e. whole 512-byte sectors and at least 1 MiB (what `truncate
 * -s 64M` or `pvcreate --size` makes). Text, photos and configuration files are neither.
 */
export function isDiskImage(file: string): boolean {
  let fd: number | undefined;
  try {
    // Read-only, never O_RDWR: this runs before the user's intent is known to be right; and
    // non-blocking, so a FIFO swapped in for a file cannot hang the check.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
    const { size } = fstatSync(fd);
    if (size >= MIN_BLANK_IMAGE_BYTES && size % SECTOR_BYTES === 0) return true;
    const head = Buffer.alloc(LABEL_SCAN_BYTES);
    const read = readSync(fd, head, 0, LABEL_SCAN_BYTES, 0);
    for (let sector = 0; sector * SECTOR_BYTES + 8 <= read; sector++) {
      if (head.toString('latin1', sector * SECTOR_BYTES, sector * SECTOR_BYTES + 8) === 'LABELONE') return true;
    }
    return false;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

async function statOrUndefined(file: string): Promise<Stats | undefined> {
  try {
    return await stat(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new LvmscopeError('IO', `Could not look at ${file}: ${(e as Error).message}.`);
  }
}

/** How many numbered candidates a suggestion tries (`<name>-new`, `<name>-new-2`, …). */
const SUGGESTION_TRIES = 50;

/**
 * A folder a new demo can be created in without a refusal: beside `near` (the workspace shown),
 * named after it, that does not exist yet or is an empty folder; its parent exists, so
 * creating it makes one folder, as creating a demo allows. When `near`'s parent is gone too,
 * the suggestion goes into `fallbackParent` (the user's home).
 */
export async function suggestDemoFolder(near: string, fallbackParent: string): Promise<string> {
  // A demo made from a suggestion is named like one: the next goes beside it, not inside its name.
  const trimmed = (near.length > 1 ? near.replace(/\/+$/, '') : near).replace(/-new(-\d+)?$/, '');
  const parentOk = path.isAbsolute(trimmed) && (await statOrUndefined(path.dirname(trimmed)))?.isDirectory();
  const base = parentOk ? `${trimmed}-new` : path.join(fallbackParent, 'lvmscope-demo');
  for (let n = 1; n <= SUGGESTION_TRIES; n += 1) {
    const candidate = n === 1 ? base : `${base}-${n}`;
    const found = await statOrUndefined(candidate);
    if (!found) return candidate;
    if (found.isDirectory() && (await readdir(candidate)).filter((name) => !name.startsWith('.')).length === 0) return candidate;
  }
  return `${base}-${Date.now()}`;
}
