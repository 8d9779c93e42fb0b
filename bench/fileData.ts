// Data for the whole-process copy benches (stacks, diskcopy): the same random bytes written into
// several places, and the sha256 of a byte range to check where a move put them.

import { createHash, randomBytes } from 'node:crypto';
import { closeSync, createReadStream, fsyncSync, openSync, writeSync } from 'node:fs';

const MiB = 2 ** 20;

/** The same data (4 MiB random blocks, each stamped with its number) into every target, fsynced. */
export function fillData(sizeMiB: number, targets: Array<{ file: string; offset: number }>): void {
  const block = randomBytes(4 * MiB);
  const fds = targets.map((t) => ({ fd: openSync(t.file, 'r+'), offset: t.offset }));
  try {
    for (let i = 0; i < sizeMiB / 4; i += 1) {
      block.writeUInt32LE(i, 0);
      for (const t of fds) writeSync(t.fd, block, 0, block.length, t.offset + i * 4 * MiB);
    }
    for (const t of fds) fsyncSync(t.fd);
  } finally {
    for (const t of fds) closeSync(t.fd);
  }
}

/** The sha256 of `bytes` bytes of `file` from `start`. */
export async function sha256(file: string, start: number, bytes: number): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { start, end: start + bytes - 1, highWaterMark: 4 * MiB })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
