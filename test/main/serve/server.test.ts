// Proves browser mode's server in-process: it binds only loopback addresses, the page needs
// the token (403 without), the Host header must be the server's (no DNS rebinding), paths
// cannot escape the UI folder, and a Node `ws` client holding the token makes a real API
// round trip and receives engine events — while a socket without it is refused.

import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { WireMessage } from '../../../app/api/wire';
import { Engine, ENGINE_VERSION } from '../../../app/engine';
import { createNodeHost, nodeClock } from '../../../main/host';
import { fileInside, startServer, tokenMatches } from '../../../main/serve/server';
import type { RunningServer } from '../../../main/serve/server';

const rendererDir = mkdtempSync(path.join(os.tmpdir(), 'lvmscope-ui-'));
mkdirSync(path.join(rendererDir, 'assets'));
writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>ui</title>');
writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
const workspace = mkdtempSync(path.join(os.tmpdir(), 'lvmscope-ws-'));
writeFileSync(path.join(workspace, 'disk.img'), '');
truncateSync(path.join(workspace, 'disk.img'), 1 << 20);

const engine = new Engine(createNodeHost({ kind: 'browser', workspace: () => ({ path: workspace, recent: [] }) }));
let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ rendererDir, engine, clock: nodeClock, port: 0 });
});
afterAll(async () => {
  await server.close();
  for (const dir of [rendererDir, workspace]) rmSync(dir, { recursive: true, force: true });
});

function get(urlPath: string, host = `127.0.0.1:${server.port}`): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, path: urlPath, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function connect(query: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api${query}`);
    ws.on('open', () => resolve(ws));
    ws.on('unexpected-response', (_q, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.on('error', reject);
  });
}

describe('the browser-mode server', () => {
  it('prints a loopback URL carrying a 32-hex-digit token', () => {
    expect(server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/\\?token=[0-9a-f]{32}$`));
  });

  it('refuses to listen on a non-loopback address', async () => {
    await expect(startServer({ rendererDir, engine, clock: nodeClock, host: '0.0.0.0' })).rejects.toThrow(/loopback interface only/);
    await expect(startServer({ rendererDir, engine, clock: nodeClock, host: '192.168.1.10' })).rejects.toThrow(/loopback/);
  });

  it('serves the page only with the token, with the strict CSP', async () => {
    expect((await get('/')).status).toBe(403);
    expect((await get(`/?token=${'a'.repeat(32)}`)).status).toBe(403);
    const ok = await get(`/?token=${server.token}`);
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('<title>ui</title>');
    expect(ok.headers['content-security-policy']).toContain("default-src 'self'");
    expect(ok.headers['content-security-policy']).toContain(`connect-src 'self' ws://127.0.0.1:${server.port}`);
    expect(ok.headers['content-security-policy']).not.toContain('unsafe');
    expect(ok.headers['referrer-policy']).toBe('no-referrer');
  });

  it('serves build assets, but nothing outside the UI folder and nothing for a foreign Host', async () => {
    expect((await get('/assets/app.js')).status).toBe(200);
    expect((await get('/../../../etc/passwd')).status).toBe(404);
    expect((await get('/%2e%2e/%2e%2e/etc/passwd')).status).toBe(404);
    expect((await get(`/?token=${server.token}`, `evil.example:${server.port}`)).status).toBe(403);
    // Paths are decoded once, before this: a `..` segment or a NUL is refused, not clamped.
    expect(fileInside('/srv/ui', '/assets/app.js')).toBe('/srv/ui/assets/app.js');
    expect(fileInside('/srv/ui', '/../x')).toBeUndefined();
    expect(fileInside('/srv/ui', '/a/\0')).toBeUndefined();
  });

  it('refuses a WebSocket without the right token', async () => {
    await expect(connect('')).rejects.toThrow('HTTP 403');
    // One hex digit off (the last digit changed, never "changed" to itself: a token ending in 0
    // once made this "wrong" token the right one, 1 run in 16).
    const oneOff = server.token.slice(0, 31) + (server.token[31] === '0' ? '1' : '0');
    await expect(connect(`?token=${oneOff}`)).rejects.toThrow('HTTP 403');
  });

  it('answers API calls over the WebSocket and pushes engine events', async () => {
    const ws = await connect(`?token=${server.token}`);
    const received: WireMessage[] = [];
    ws.on('message', (d) => received.push(JSON.parse(String(d)) as WireMessage));
    ws.send('not json'); // answered with a protocol error (id null); the connection survives
    ws.send(JSON.stringify({ kind: 'request', id: 1, method: 'engine.info', params: {} }));
    ws.send(JSON.stringify({ kind: 'request', id: 2, method: 'workspace.listImages', params: { path: workspace } }));
    ws.send(JSON.stringify({ kind: 'request', id: 3, method: 'workspace.listImages', params: { path: 7 } }));
    await expect.poll(() => received.filter((m) => m.kind === 'response').length).toBe(4);
    engine.log('info', 'test', 'pushed to the browser');
    await expect.poll(() => received.some((m) => m.kind === 'event' && m.name === 'log' && JSON.stringify(m.payloads).includes('pushed to the browser'))).toBe(true);
    const byId = (id: number | null) => received.find((m) => m.kind === 'response' && m.id === id);
    expect(byId(1)).toMatchObject({ result: { ok: true, value: { name: 'lvmscope', version: ENGINE_VERSION, host: 'browser' } } });
    expect(byId(2)).toMatchObject({ result: { ok: true, value: { images: [{ name: 'disk.img', sizeBytes: 1 << 20 }] } } });
    expect(byId(3)).toMatchObject({ result: { ok: false, error: { code: 'BAD_REQUEST' } } });
    expect(byId(null)).toMatchObject({ result: { ok: false, error: { code: 'BAD_REQUEST', message: expect.stringContaining('not valid JSON') } } });
    ws.close();
  });

  it('says in a sentence when its port is taken', async () => {
    await expect(startServer({ rendererDir, engine, clock: nodeClock, port: server.port })).rejects.toThrow(`Port ${server.port} on 127.0.0.1 is already in use (by another lvmscope serve, or another program); choose another with --port, or --port 0 for any free one.`);
  });

  it('compares tokens exactly', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abd', 'abc')).toBe(false);
    expect(tokenMatches('ab', 'abc')).toBe(false);
    expect(tokenMatches(null, 'abc')).toBe(false);
    // Same length in characters, more bytes: refused (timingSafeEqual used to throw on it).
    expect(tokenMatches('ééé', 'abc')).toBe(false);
  });
});
