// The NBD server (issue 17): every active LV of the engine's open workspace exported as
// `VG/LV`, on a Unix socket (mode 0600: only this user) or TCP on 127.0.0.1 only (NBD has no
// authentication). Each connection gets an LV port from the engine (app/session/exports.ts);
// the server itself holds no data and never fails because one client misbehaved.

import { lstatSync, chmodSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import { LvmscopeError } from '../../app/base/result';
import type { Engine } from '../../app/engine';
import { NbdConnection } from './connection';
import { SocketReader } from './reader';

export type NbdAddress = { kind: 'unix'; path: string } | { kind: 'tcp'; host: '127.0.0.1'; port: number };

/** `unix:PATH`, an absolute PATH, or `127.0.0.1:PORT` (`localhost:PORT`); anything else is refused in a sentence. */
export function parseNbdAddress(text: string): NbdAddress {
  if (text.startsWith('unix:')) {
    const path = text.slice(5);
    if (!path.startsWith('/')) throw new LvmscopeError('INVALID', `'${text}': the socket path after unix: must be absolute (like unix:/tmp/lvmscope.sock).`);
    return { kind: 'unix', path };
  }
  if (text.startsWith('/')) return { kind: 'unix', path: text };
  const m = /^(127\.0\.0\.1|localhost):(\d{1,5})$/.exec(text);
  if (!m || Number(m[2]) > 65535) {
    throw new LvmscopeError('INVALID', `'${text}' is not an NBD address lvmscope serves on; use unix:/PATH/TO.sock or 127.0.0.1:PORT (NBD has no authentication, so only this machine may connect).`);
  }
  return { kind: 'tcp', host: '127.0.0.1', port: Number(m[2]) };
}

export function formatNbdAddress(a: NbdAddress): string {
  return a.kind === 'unix' ? `unix:${a.path}` : `${a.host}:${a.port}`;
}

/** The nbd:// URI a client (nbdinfo, nbdcopy, qemu) takes for an export at this address. */
export function nbdUri(a: NbdAddress, exportName: string): string {
  const name = encodeURIComponent(exportName).replace(/%2F/g, '/');
  return a.kind === 'unix' ? `nbd+unix:///${name}?socket=${encodeURIComponent(a.path).replace(/%2F/g, '/')}` : `nbd://${a.host}:${a.port}/${name}`;
}

export interface NbdServer {
  /** Where it listens (a TCP port 0 replaced by the port it got). */
  readonly address: NbdAddress;
  readonly connectionCount: number;
  /** Resolves when no client is connected (at once when none is). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export interface NbdServerOptions {
  log?: (message: string) => void;
}

export async function startNbdServer(engine: Engine, address: NbdAddress, options: NbdServerOptions = {}): Promise<NbdServer> {
  const connections = new Set<NbdConnection>();
  let idleWaiters: Array<() => void> = [];
  let accepted = 0;
  const log = options.log ?? ((m: string) => engine.log('warn', 'nbd', m));
  const host = {
    exports: () => engine.exports.view().exports.map((e) => ({ name: e.name, sizeBytes: e.sizeBytes })),
    openPort: (name: string, from: string) => {
      const slash = name.indexOf('/');
      return engine.openLvPort({ vg: name.slice(0, slash), lv: name.slice(slash + 1), address: from });
    },
    log,
  };
  const server = net.createServer({ pauseOnConnect: true }, (acceptedSocket) => {
    accepted += 1;
    const from = address.kind === 'unix' ? `unix:${address.path} #${accepted}` : `${acceptedSocket.remoteAddress}:${acceptedSocket.remotePort}`;
    const reader = new SocketReader();
    const socket = adoptSocket(acceptedSocket, reader);
    if (!socket) {
      log(`NBD client ${from}: this Node.js cannot hand an accepted socket over; connection closed.`);
      return;
    }
    socket.setNoDelay(true);
    const connection = new NbdConnection(socket, reader, from, host);
    connections.add(connection);
    void connection.run().finally(() => {
      connections.delete(connection);
      if (connections.size === 0) {
        const waiters = idleWaiters;
        idleWaiters = [];
        for (const w of waiters) w();
      }
    });
  });
  server.on('error', (e) => log(`NBD server: ${e.message}`));
  const bound = await listen(server, address);
  engine.setExportsListening(formatNbdAddress(bound));
  return {
    address: bound,
    get connectionCount() {
      return connections.size;
    },
    idle: () => (connections.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve))),
    close: async () => {
      engine.setExportsListening(null);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const c of connections) c.close();
      await closed;
      if (bound.kind === 'unix') removeSocket(bound.path);
    },
  };
}

/**
 * The accepted socket's handle moved into a socket that reads into `reader`'s memory (the
 * `onread` option: see reader.ts), or null (the accepted socket destroyed) when this Node has
 * no handle to move. A server's accepted sockets take no `onread` option, only sockets made
 * with `new net.Socket` do; so the server accepts them paused (nothing read yet) and moves the
 * handle over, as net.Server itself builds a socket around an accepted handle.
 */
function adoptSocket(accepted: net.Socket, reader: SocketReader): net.Socket | null {
  const holder = accepted as unknown as { _handle: object | null };
  const handle = holder._handle;
  // Detached first, so destroying the husk (which lets the server count it gone) leaves the handle open.
  holder._handle = null;
  accepted.destroy();
  if (!handle) return null;
  const socket = new net.Socket({ handle, onread: reader.onread, readable: true, writable: true } as net.SocketConstructorOpts);
  reader.attach(socket);
  return socket;
}

async function listen(server: net.Server, address: NbdAddress): Promise<NbdAddress> {
  if (address.kind === 'tcp') {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(address.port, address.host, () => resolve());
    }).catch((e: NodeJS.ErrnoException) => {
      throw new LvmscopeError('BUSY', `Cannot serve NBD on ${address.host}:${address.port}: ${e.code === 'EADDRINUSE' ? 'the port is in use (pick another, or 0 for a free one)' : e.message}.`);
    });
    const info = server.address() as net.AddressInfo;
    return { kind: 'tcp', host: '127.0.0.1', port: info.port };
  }
  await clearStaleSocket(address.path);
  // The socket is created owner-only (umask) and chmod-ed again: no window in which another
  // user could connect to an unauthenticated export.
  const umask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(address.path, () => resolve());
    }).catch((e: NodeJS.ErrnoException) => {
      throw new LvmscopeError('BUSY', `Cannot serve NBD on unix:${address.path}: ${e.code === 'EADDRINUSE' ? 'another process serves there' : e.message}.`);
    });
  } finally {
    process.umask(umask);
  }
  chmodSync(address.path, 0o600);
  return address;
}

/** A socket file left by a killed lvmscope is removed; a live one, or any other file there, is refused. */
async function clearStaleSocket(path: string): Promise<void> {
  let stat;
  try {
    stat = lstatSync(path);
  } catch {
    return;
  }
  if (!stat.isSocket()) throw new LvmscopeError('EXISTS', `Cannot serve NBD on unix:${path}: a file that is not a socket is there; pick another path.`);
  const live = await new Promise<boolean>((resolve) => {
    const probe = net.connect(path, () => {
      probe.destroy();
      resolve(true);
    });
    probe.on('error', () => resolve(false));
  });
  if (live) throw new LvmscopeError('BUSY', `Cannot serve NBD on unix:${path}: another process serves there; pick another path.`);
  removeSocket(path);
}

function removeSocket(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}
