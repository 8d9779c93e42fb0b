// Browser mode (`lvmscope serve`): serves the built renderer (out/renderer) and the engine's
// API over a WebSocket, on the loopback interface only. A random token (32 hex digits)
// guards both the page (`/?token=…`) and the socket (`/api?token=…`); the Host header and
// the WebSocket Origin must name this very server (no DNS rebinding, no cross-site
// sockets). Static build assets need no token: they are the public build output.

import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import type { Clock } from '../../app/base/clock';
import type { Disposable } from '../../app/base/emitter';
import { LvmscopeError } from '../../app/base/result';
import type { WireMessage, Wire } from '../../app/api/wire';
import { serveApi } from '../../app/api/server';
import type { EventSource, Handlers } from '../../app/api/server';
import { contentSecurityPolicy, HARDENING_HEADERS } from '../electron/security';

export const LOOPBACK_HOSTS = ['127.0.0.1', '::1'] as const;
const MAX_MESSAGE_BYTES = 1 << 20;

export interface ServeOptions {
  /** Folder holding the built renderer (index.html + assets). */
  rendererDir: string;
  engine: { handlers: Handlers } & EventSource;
  clock: Clock;
  /** Loopback address to bind; anything else is refused. Default 127.0.0.1. */
  host?: string;
  /** 0 = any free port. */
  port?: number;
  /** Tests may fix it; otherwise 16 random bytes from the OS. */
  token?: string;
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
  const httpServer = http.createServer((req, res) => void serveHttp(req, res, options.rendererDir, token, host, state.port));
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const sessions = new Set<Disposable>();
  httpServer.on('upgrade', (req, socket, head) => {
    const refusal = checkUpgrade(req, token, host, state.port);
    if (refusal) {
      socket.end(`HTTP/1.1 ${refusal}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const session = serveApi(socketWire(ws), options.engine.handlers, options.engine, options.clock);
      sessions.add(session);
      ws.on('close', () => {
        session.dispose();
        sessions.delete(session);
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port ?? 0, host, () => resolve());
  });
  state.port = (httpServer.address() as AddressInfo).port;
  const authority = host.includes(':') ? `[${host}]:${state.port}` : `${host}:${state.port}`;
  return {
    url: `http://${authority}/?token=${token}`,
    port: state.port,
    token,
    close: () => closeAll(httpServer, wss, sessions),
  };
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
  if (typeof given !== 'string' || given.length !== token.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(token));
}

function allowedAuthorities(host: string, port: number): string[] {
  const bracketed = host.includes(':') ? `[${host}]` : host;
  return [`${bracketed}:${port}`, `localhost:${port}`];
}

/** Why an upgrade request is refused (status line), or undefined to accept it. */
function checkUpgrade(req: http.IncomingMessage, token: string, host: string, port: number): string | undefined {
  const url = new URL(req.url ?? '/', 'http://placeholder');
  if (url.pathname !== '/api') return '404 Not Found';
  if (!allowedAuthorities(host, port).includes(req.headers.host ?? '')) return '403 Forbidden';
  // Browsers always send Origin; it must be this server. Non-browser clients (CLI, tests)
  // send none and are trusted through the token alone.
  const origin = req.headers.origin;
  if (origin !== undefined && !allowedAuthorities(host, port).some((a) => origin === `http://${a}`)) return '403 Forbidden';
  if (!tokenMatches(url.searchParams.get('token'), token)) return '403 Forbidden';
  return undefined;
}

async function serveHttp(req: http.IncomingMessage, res: http.ServerResponse, rendererDir: string, token: string, host: string, port: number): Promise<void> {
  const csp = contentSecurityPolicy({ connect: allowedAuthorities(host, port).map((a) => `ws://${a}`) });
  const headers = { ...HARDENING_HEADERS, 'Content-Security-Policy': csp, 'Cache-Control': 'no-store' };
  const deny = (status: number, text: string) => {
    res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(text);
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') return deny(405, 'Only GET is served here.\n');
  if (!allowedAuthorities(host, port).includes(req.headers.host ?? '')) return deny(403, 'Wrong Host header: open the URL lvmscope serve printed.\n');
  const url = new URL(req.url ?? '/', 'http://placeholder');
  const isPage = url.pathname === '/' || url.pathname === '/index.html';
  if (isPage && !tokenMatches(url.searchParams.get('token'), token)) {
    return deny(403, 'This lvmscope server needs its access token: open the full URL that `lvmscope serve` printed (…/?token=…).\n');
  }
  const file = resolveInside(rendererDir, isPage ? '/index.html' : url.pathname);
  if (!file) return deny(404, 'Not found.\n');
  try {
    if (!(await stat(file)).isFile()) return deny(404, 'Not found.\n');
    const body = await readFile(file);
    res.writeHead(200, { ...headers, 'Content-Type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream' });
    res.end(req.method === 'HEAD' ? undefined : body);
  } catch {
    deny(404, 'Not found.\n');
  }
}

/** Maps a URL path into `root`, or undefined when it would escape it. */
export function resolveInside(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const resolved = path.resolve(root, '.' + path.posix.normalize('/' + decoded));
  const rel = path.relative(root, resolved);
  return rel.startsWith('..') || path.isAbsolute(rel) ? undefined : resolved;
}

/** A Wire over one WebSocket; anything that is not a well-formed request is dropped. */
export function socketWire(ws: WebSocket): Wire {
  return {
    send(message: WireMessage) {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    },
    onMessage(listener) {
      const onData = (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
        if (isBinary) return;
        const message = parseRequest(String(data));
        if (message) listener(message);
      };
      ws.on('message', onData);
      return { dispose: () => void ws.off('message', onData) };
    },
  };
}

function parseRequest(text: string): WireMessage | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const m = raw as Record<string, unknown>;
  if (m.kind !== 'request' || typeof m.id !== 'number' || !Number.isSafeInteger(m.id) || typeof m.method !== 'string') return undefined;
  return { kind: 'request', id: m.id, method: m.method, params: m.params };
}
