// Proves that an image's large aligned IO bypasses the page cache (O_DIRECT), byte for byte
// the same as the cached path, and that memory O_DIRECT refuses still reads and writes
// correctly, through the cache. `fincore` (util-linux) says how much of a file is cached.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BufferPool } from '../../../app/kcopyd/bufferPool';
import { FileBlockStore } from '../../../main/node/fileStorage';
import { removeDir, tempDir } from '../cli/run';

const MiB = 1024 * 1024;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function image(sizeBytes: number): Promise<FileBlockStore> {
  const dir = tempDir('lvmscope-direct-');
  const store = await FileBlockStore.create(path.join(dir, 'pv1.img'), sizeBytes);
  cleanups.push(() => removeDir(dir));
  cleanups.push(() => store.close());
  return store;
}

/** Bytes of the file in the page cache. */
function cachedBytes(file: string): number {
  return Number(execFileSync('fincore', ['--bytes', '--noheadings', '--raw', '--output', 'RES', file], { encoding: 'utf8' }).trim());
}

/** Byte equality of large arrays (vitest's toEqual walks them element by element: minutes for 4 MiB). */
function same(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function fill(buf: Uint8Array, seed: number): void {
  for (let i = 0; i < buf.length; i += 512) buf[i] = (i / 512 + seed) & 0xff;
}

describe('direct IO of image files', () => {
  it('writes and reads a copy chunk without the page cache, byte for byte', async () => {
    const store = await image(16 * MiB);
    const pool = new BufferPool(4 * MiB, 2);
    const chunk = pool.take();
    fill(chunk, 7);
    await store.write(4 * MiB, chunk);
    expect(cachedBytes(store.path)).toBe(0);
    const into = pool.take();
    const back = await store.read(4 * MiB, 4 * MiB, into);
    expect(back.buffer).toBe(into.buffer);
    expect(same(back, chunk)).toBe(true);
    expect(cachedBytes(store.path)).toBe(0);
    // What the cached path (another process, here readFileSync) sees is the same.
    expect(same(readFileSync(store.path).subarray(4 * MiB, 8 * MiB), chunk)).toBe(true);
  });

  it('reads and writes memory that O_DIRECT refuses through the page cache, byte for byte', async () => {
    const store = await image(4 * MiB);
    // 8 bytes past a 16-byte-aligned allocation is never on a 512-byte boundary.
    const unaligned = new Uint8Array(new ArrayBuffer(MiB + 8), 8, MiB);
    fill(unaligned, 3);
    await store.write(MiB, unaligned);
    expect(cachedBytes(store.path)).toBeGreaterThan(0);
    const into = new Uint8Array(new ArrayBuffer(MiB + 8), 8, MiB);
    expect(same(await store.read(MiB, MiB, into), unaligned)).toBe(true);
  });

  it('keeps small and unaligned IO on the page cache and sees direct writes there', async () => {
    const store = await image(4 * MiB);
    const pool = new BufferPool(MiB, 1);
    await store.write(512, new Uint8Array(4096).fill(5)); // cached, dirty
    const chunk = pool.take();
    fill(chunk, 9);
    await store.write(0, chunk); // direct: the dirty cached pages of its range are dropped
    expect(same(await store.read(0, 8192), chunk.subarray(0, 8192))).toBe(true);
  });

  it("keeps an export client's large aligned writes and reads in the page cache, byte for byte", async () => {
    const store = await image(8 * MiB);
    const pool = new BufferPool(4 * MiB, 2);
    const chunk = pool.take();
    fill(chunk, 11);
    await store.write(4 * MiB, chunk, { client: true });
    expect(cachedBytes(store.path)).toBeGreaterThanOrEqual(4 * MiB);
    const into = pool.take();
    const back = await store.read(4 * MiB, 4 * MiB, into, { client: true });
    expect(same(back, chunk)).toBe(true);
    expect(same(readFileSync(store.path).subarray(4 * MiB, 8 * MiB), chunk)).toBe(true);
  });
});
