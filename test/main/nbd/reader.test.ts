// The NBD socket reader (main/nbd/reader.ts): bytes read into its own staging buffer or
// straight into a lent payload buffer come out in order and unchanged, whatever the mix of
// small and large reads; a reader nobody reads stops the socket instead of buffering without
// bound, and starts it again when read; a read pending when the peer leaves is rejected.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ClosedError, SocketReader } from '../../../main/nbd/reader';

const cleanups: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** A connected pair: the server side to write into, and a client socket read by a SocketReader. */
async function pair(): Promise<{ peer: net.Socket; reader: SocketReader; socket: net.Socket }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lvmscope-reader-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const socketPath = path.join(dir, 's.sock');
  let accept!: (s: net.Socket) => void;
  const accepted = new Promise<net.Socket>((resolve) => (accept = resolve));
  const server = net.createServer(accept);
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const reader = new SocketReader();
  const socket = net.connect({ path: socketPath, onread: reader.onread });
  reader.attach(socket);
  const peer = await accepted;
  cleanups.push(() => {
    socket.destroy();
    peer.destroy();
  });
  return { peer, reader, socket };
}

/** `length` bytes that differ from their neighbours, so a byte out of place shows. */
function pattern(length: number): Buffer {
  const b = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i += 1) b[i] = (i * 31 + (i >>> 8)) & 255;
  return b;
}

describe('the NBD socket reader', () => {
  it('hands out the bytes in order through a mix of header-sized reads and large lent buffers', async () => {
    const { peer, reader } = await pair();
    const sizes = [28, 1 << 20, 28, 4096, 28, 300_000, 16, 65_536, 28, 2 << 20, 7];
    const sent = pattern(sizes.reduce((a, b) => a + b, 0));
    peer.write(sent);
    const got: Buffer[] = [];
    for (const [i, size] of sizes.entries()) got.push(i % 2 ? await reader.readInto(Buffer.alloc(size)) : await reader.read(size));
    expect(Buffer.concat(got).equals(sent)).toBe(true);
  });

  it('stops the socket while nobody reads and its buffer is full, then loses no byte once read', async () => {
    const { peer, reader, socket } = await pair();
    const sent = pattern(8 << 20);
    peer.write(sent);
    await vi.waitFor(() => expect(reader.stopped).toBe(true), { timeout: 10_000, interval: 5 });
    // Stopped: what the peer sent beyond the reader's buffer stays in the kernel or the peer.
    expect(socket.bytesRead).toBeLessThan(sent.length);
    const got: Buffer[] = [];
    for (let done = 0; done < sent.length; ) {
      const size = Math.min(sent.length - done, done % 3 === 0 ? 28 : 100_000);
      got.push(await reader.read(size));
      done += size;
    }
    expect(Buffer.concat(got).equals(sent)).toBe(true);
    expect(reader.stopped).toBe(false);
  });

  it('rejects a read still short of its bytes when the peer leaves', async () => {
    const { peer, reader } = await pair();
    peer.end(pattern(100));
    await expect(reader.read(200)).rejects.toBeInstanceOf(ClosedError);
  });
});
