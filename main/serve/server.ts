// Browser mode (`lvmscope serve`): serves the built renderer (out/renderer) and the engine's
// API over a WebSocket, on the loopback interface only. A random token (32 hex digits)
// guards both the page (`/?token=…`) and the socket (`/api?token=…`); the Host header and
// the WebSocket Origin must name this very server (no DNS rebinding, no cross-site
// sockets). Static build assets need no token: they are the public build output.
// Hostile input is answered, never fatal: request targets are read by one strict parser
// (requestTarget.ts: only canonical paths, so the page has exactly one spelling), every
// failure is a status with a sentence, and WebSocket connections follow socket.ts.

import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { WebSocketServer } from 'ws';
import type { Clock } from '../../app/base/clock';
import type { Disposable } from '../../app/base/emitter';
import { LvmscopeError } from '../../app/base/result';
import { serveApi } from '../../app/api/server';
import type { EventSource, Handlers } from '../../app/api/server';
import { contentSecurityPolicy, HARDENING_HEADERS } from '../electron/security';
import { isCanonical, parseRequestTarget } from './requestTarget';
import { MAX_MESSAGE_BYTES, MAX_UNREAD_BYTES, serveConnection } from './socket';

export const LOOPBACK_HOSTS = ['127.0.0.1', '::1'] as const;

export interface ServeOptions {
  /** Folder holding the built renderer (index.html + assets). */
  rendererDir: string;
  /** The engine the API serves; none when the server only replays a recording. */
  engine?: { handlers: Handlers } & EventSource;
  /** `serve --replay`: the recording the page fetches (`/recording?token=…`), with no engine. */
  recording?: { text: string; fileName: string };
  clock: Clock;
  /** Loopback address to bind; anything else is refused. Default 127.0.0.1. */
  host?: string;
  /** 0 = any free port. */
  port?: number;
  /** Tests may fix it; otherwise 16 random bytes from the OS. */
  token?: string;
  /** Outgoing bytes a client may leave unread before it is disconnected (socket.ts). */
  maxUnreadBytes?: number;
  /** Told when a connection is dropped for the server's own reasons (a client that stopped reading). */
  onDrop?: (reason: string) => void;
}

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  if (!(LOOPBACK_HOSTS as readonly string[]).includes(host)) {
    throw new LvmscopeError('INVALID', `Browser mode listens on the loopback interface only (127.0.0.1 or ::1), not on ${host}: anyone on the network could otherwise drive the engine.`);
  }
  if (!existsSync(path.join(options.rendererDir, 'index.html'))) {
    throw new LvmscopeError('NOT_FOUND', `No built UI in ${options.rendererDir}: run \`npx electron-vite build\` first.`);
  }
  const token = options.token ?? randomBytes(16).toString('hex');
  const state = { port: 0 };
  const httpServer = http.createServer((req, res) => {
    serveHttp(req, res, options.rendererDir, token, host, state.port, options.recording).catch(() => {
      // Only a failure to write the response lands here (the peer went away): nothing to answer.
      res.destroy();
    });
  });
  // No permessage-deflate (also ws's default, stated here on purpose): inflating messages costs
  // memory and CPU that a client controls, and no message here is big enough to need it.
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES, perMessageDeflate: false });
  const sessions = new Set<Disposable>();
  httpServer.on('upgrade', (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
    // Until ws takes the socket over, a reset from the peer must not become an uncaught error.
    socket.on('error', () => socket.destroy());
    const refusal = options.engine ? checkUpgrade(req, token, host, state.port) : '404 Not Found';
    const engine = options.engine;
    if (refusal) {
      socket.end(`HTTP/1.1 ${refusal}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const limits = { maxUnreadBytes: options.maxUnreadBytes ?? MAX_UNREAD_BYTES, onDrop: options.onDrop };
      const session = serveConnection(ws, (wire) => serveApi(wire, engine!.handlers, engine!, options.clock), limits);
      sessions.add(session);
      ws.once('close', () => sessions.delete(session));
    });
  });
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', (e: NodeJS.ErrnoException) => reject(listenError(e, host, options.port ?? 0)));
    httpServer.listen(options.port ?? 0, host, () => resolve());
  });
  state.port = (httpServer.address() as AddressInfo).port;
  const authority = host.includes(':') ? `[${host}]:${state.port}` : `${host}:${state.port}`;
  return {
    url: `http://${authority}/?token=${token}${options.recording ? '&replay=1' : ''}`,
    port: state.port,
    token,
    close: () => closeAll(httpServer, wss, sessions),
  };
}

/** A sentence for the usual reasons a port cannot be bound. */
function listenError(e: NodeJS.ErrnoException, host: string, port: number): Error {
  if (e.code === 'EADDRINUSE') return new LvmscopeError('BUSY', `Port ${port} on ${host} is already in use (by another lvmscope serve, or another program); choose another with --port, or --port 0 for any free one.`);
  if (e.code === 'EACCES') return new LvmscopeError('INVALID', `Port ${port} on ${host} may only be used by root; choose a port above 1023 with --port, or --port 0 for any free one.`);
  if (e.code === 'EADDRNOTAVAIL') return new LvmscopeError('INVALID', `${host} is not an address of this machine (is IPv6 disabled?); serve on 127.0.0.1 instead.`);
  return e;
}

async function closeAll(httpServer: http.Server, wss: WebSocketServer, sessions: Set<Disposable>): Promise<void> {
  for (const s of sessions) s.dispose();
  sessions.clear();
  for (const client of wss.clients) client.terminate();
  await new Promise<void>((resolve) => wss.close(() => resolve()));
  httpServer.closeAllConnections();
  await new Promise<void>((resolve) => httpServer.close(() => resolve()));
}

/** Constant-time comparison, so the token cannot be guessed byte by byte from timings. */
export function tokenMatches(given: string | null | undefined, token: string): boolean {
  if (typeof given !== 'string') return false;
  // Compare bytes, not characters: a non-ASCII guess of the right length in characters has
  // more bytes, and timingSafeEqual throws on buffers of different lengths.
  const givenBytes = Buffer.from(given, 'utf8');
  const tokenBytes = Buffer.from(token, 'utf8');
  return givenBytes.length === tokenBytes.length && timingSafeEqual(givenBytes, tokenBytes);
}

function allowedAuthorities(host: string, port: number): string[] {
  const bracketed = host.includes(':') ? `[${host}]` : host;
  return [`${bracketed}:${port}`, `localhost:${port}`];
}

/** Host headers are compared without case (RFC 9110: the host name is case-insensitive). */
function hostAllowed(req: http.IncomingMessage, host: string, port: number): boolean {
  return allowedAuthorities(host, port).includes((req.headers.host ?? '').toLowerCase());
}

/** Why an upgrade request is refused (status line), or undefined to accept it. */
function checkUpgrade(req: http.IncomingMessage, token: string, host: string, port: number): string | undefined {
  const target = parseRequestTarget(req.url);
  if (!target.ok) return target.status === 400 ? '400 Bad Request' : '404 Not Found';
  if (target.path !== '/api') return '404 Not Found';
  if (!hostAllowed(req, host, port)) return '403 Forbidden';
  // Browsers always send Origin; it must be this server. Non-browser clients (CLI, tests)
  // send none and are trusted through the token alone.
  const origin = req.headers.origin;
  if (origin !== undefined && !allowedAuthorities(host, port).some((a) => origin === `http://${a}`)) return '403 Forbidden';
  if (!tokenMatches(target.query.get('token'), token)) return '403 Forbidden';
  return undefined;
}

async function serveHttp(req: http.IncomingMessage, res: http.ServerResponse, rendererDir: string, token: string, host: string, port: number, recording?: ServeOptions['recording']): Promise<void> {
  const csp = contentSecurityPolicy({ connect: allowedAuthorities(host, port).map((a) => `ws://${a}`) });
  const headers = { ...HARDENING_HEADERS, 'Content-Security-Policy': csp, 'Cache-Control': 'no-store' };
  const deny = (status: number, text: string, extra: Record<string, string> = {}) => {
    res.writeHead(status, { ...headers, ...extra, 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(req.method === 'HEAD' ? undefined : text);
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') return deny(405, 'Only GET and HEAD are served here.\n', { Allow: 'GET, HEAD' });
  if (!hostAllowed(req, host, port)) return deny(403, 'Wrong Host header: open the URL lvmscope serve printed.\n');
  const target = parseRequestTarget(req.url);
  if (!target.ok) return deny(target.status, `${target.reason}\n`);
  if (target.path === '/recording' && recording) {
    // The recording is what the page shows: guarded by the same token as the page.
    if (!tokenMatches(target.query.get('token'), token)) return deny(403, 'This lvmscope server needs its access token: open the full URL that `lvmscope serve --replay` printed.\n');
    const body = Buffer.from(recording.text, 'utf8');
    res.writeHead(200, { ...headers, 'Content-Type': 'application/x-ndjson; charset=utf-8', 'Content-Length': String(body.length), 'X-Recording-Name': encodeURIComponent(recording.fileName) });
    return void res.end(req.method === 'HEAD' ? undefined : body);
  }
  const indexFile = path.join(rendererDir, 'index.html');
  const file = target.path === '/' ? indexFile : fileInside(rendererDir, target.path);
  const found = file ? await statFile(file) : undefined;
  if (!file || !found) return deny(404, 'Not found.\n');
  // The page is whatever file *is* index.html (same path, or the same inode: a hard link, or a
  // second spelling on a case-insensitive file system), not whatever URL names it.
  const isPage = file === indexFile || sameFile(found, await statFile(indexFile));
  if (isPage && !tokenMatches(target.query.get('token'), token)) {
    return deny(403, 'This lvmscope server needs its access token: open the full URL that `lvmscope serve` printed (…/?token=…).\n');
  }
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    return deny(404, 'Not found.\n');
  }
  res.writeHead(200, { ...headers, 'Content-Type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream', 'Content-Length': String(body.length) });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** The file's stats when it is a regular file, else undefined (missing, a folder, unreadable). */
async function statFile(file: string): Promise<Stats | undefined> {
  try {
    const s = await stat(file);
    return s.isFile() ? s : undefined;
  } catch {
    return undefined;
  }
}

function sameFile(a: Stats, b: Stats | undefined): boolean {
  return b !== undefined && a.dev === b.dev && a.ino === b.ino;
}

/**
 * The file a canonical, decoded URL path names inside `root` (see requestTarget.ts: no `.` or
 * `..` segment, no backslash, no NUL), checked once more to stay inside `root`.
 */
export function fileInside(root: string, canonicalPath: string): string | undefined {
  if (!isCanonical(canonicalPath)) return undefined;
  const resolved = path.join(root, ...canonicalPath.split('/'));
  const rel = path.relative(root, resolved);
  return rel === '' || rel.startsWith('..') || path.isAbsolute(rel) ? undefined : resolved;
}
