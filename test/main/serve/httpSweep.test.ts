// Sweeps every HTTP input path of browser mode against a live `lvmscope serve` child, over raw
// TCP (so nothing normalises the request on its way): every spelling of the page's path
// (percent-escapes in any case, dot segments, doubled and trailing slashes, NUL, backslash),
// methods, Host variants, absolute-form and asterisk-form targets, traversal, very long
// request lines and headers, and seeded random targets. What must hold: the page is served
// only with the token, nothing outside the UI folder is ever served, every request gets a
// status (no crash: `GET //` used to kill the process), and the server keeps serving.
// SEED=<n> replays the random part.

import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upgradeRaw } from './rawWebSocket';
import { startServeChild, type ServeChild } from './serveChild';

let server: ServeChild;
let pageBody: string;
const workspace = mkdtempSync(path.join(os.tmpdir(), 'lvmscope-http-sweep-'));
const SEED = Number(process.env.SEED ?? Math.floor(Math.random() * 2 ** 31));

beforeAll(async () => {
  server = await startServeChild(workspace);
  pageBody = (await request(`GET /?token=${server.token} HTTP/1.1\r\nHost: ${authority()}\r\nConnection: close\r\n\r\n`)).body;
  expect(pageBody).toContain('<html');
}, 180_000);
afterAll(async () => {
  await server?.stop();
  rmSync(workspace, { recursive: true, force: true });
});

const authority = () => `127.0.0.1:${server.port}`;

interface RawResponse {
  status: number;
  head: string;
  body: string;
}

/**
 * Sends raw bytes and reads until the server closes the connection (every request here says
 * `Connection: close` or is one the server refuses and closes). A request the server is still
 * waiting to complete is given up after 5 s and reads as status 0.
 */
function request(bytes: string | Buffer): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const giveUp = setTimeout(() => socket.destroy(), 5000);
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' || e.code === 'EPIPE' ? undefined : reject(e)));
    socket.on('close', () => {
      clearTimeout(giveUp);
      const text = Buffer.concat(chunks).toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      const head = end < 0 ? text : text.slice(0, end);
      resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0), head, body: end < 0 ? '' : text.slice(end + 4) });
    });
  });
}

function get(target: string, extraHeaders = ''): Promise<RawResponse> {
  return request(`GET ${target} HTTP/1.1\r\nHost: ${authority()}\r\n${extraHeaders}Connection: close\r\n\r\n`);
}

/** The page, /etc/passwd or the server's own source must never come back without the token. */
function expectNoSecretServed(r: RawResponse, target: string): void {
  expect(r.body.includes(pageBody.slice(0, 200)), `page served for ${JSON.stringify(target)} (status ${r.status})`).toBe(false);
  expect(r.body, target).not.toMatch(/root:x:0:0|startServer|BEGIN RSA/);
}

async function expectServing(): Promise<void> {
  expect(server.alive()).toBe(true);
  expect((await get(`/?token=${server.token}`)).status).toBe(200);
}

/** Every way of percent-encoding some characters of `text`, in upper or lower case hex. */
function encodings(text: string, random: () => number, count: number): string[] {
  const out = new Set<string>();
  for (let n = 0; n < count; n++) {
    out.add(
      [...text]
        .map((ch) => {
          const roll = random();
          if (roll < 0.5) return ch;
          const hex = ch.charCodeAt(0).toString(16).padStart(2, '0');
          return `%${roll < 0.75 ? hex : hex.toUpperCase()}`;
        })
        .join(''),
    );
  }
  return [...out];
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('the page needs its token, however its path is spelled', () => {
  const spellings = ['/', '/index.html', '/%69ndex.html', '/%69%6E%64%65%78%2E%68%74%6D%6C', '/index%2ehtml', '/./index.html', '//index.html', '///', '//', '/index.html/', '/index.html/.', '/assets/../index.html', '/assets/%2e%2e/index.html', '/%2e/index.html', '/.%2findex.html', '/%2findex.html', '/%5cindex.html', '/INDEX.HTML', '/Index.html', '/index.html%00', '/index.html%00.js', '/index.html;jsessionid=1', '/index.html%20', '/index.html%3f', '/index.html#x', '/%2F', '/.', '/..', '/%2e', '/index.html/..', '/x/../index.html'];

  it('refuses every spelling without the token (403 or 404), and serves only canonical ones with it', async () => {
    for (const target of spellings) {
      const without = await get(target);
      expect([400, 403, 404], `${target} without the token`).toContain(without.status);
      expectNoSecretServed(without, target);
      const withToken = await get(`${target}?token=${server.token}`);
      const canonical = ['/', '/index.html', '/%69ndex.html', '/%69%6E%64%65%78%2E%68%74%6D%6C', '/index%2ehtml'].includes(target);
      expect(withToken.status, `${target} with the token`).toBe(canonical ? 200 : withToken.status === 400 ? 400 : 404);
    }
    await expectServing();
  });

  it(`refuses every random percent-encoding and dot-segment variant of the page path without the token (SEED=${SEED})`, async () => {
    console.log(`httpSweep SEED=${SEED}`);
    const random = mulberry32(SEED);
    const prefixes = ['/', '//', '/./', '/assets/../', '/%2e/', '/assets/%2E%2E/'];
    const suffixes = ['', '/', '/.', '%00', '?', '?token=', `?token=${'0'.repeat(32)}`, `?token=${server.token.toUpperCase()}`];
    let sent = 0;
    for (const name of encodings('index.html', random, 150)) {
      const target = prefixes[Math.floor(random() * prefixes.length)] + name + suffixes[Math.floor(random() * suffixes.length)];
      const r = await get(target);
      sent++;
      expect([400, 403, 404], target).toContain(r.status);
      expectNoSecretServed(r, target);
    }
    expect(sent).toBeGreaterThan(100);
    await expectServing();
  });
});

describe('every other HTTP input path', () => {
  it('refuses methods other than GET and HEAD, and HEAD sends no body', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND', 'get', 'GETT', 'CONNECT']) {
      const target = method === 'CONNECT' ? authority() : `/?token=${server.token}`;
      const r = await request(`${method} ${target} HTTP/1.1\r\nHost: ${authority()}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      expect([0, 400, 405], method).toContain(r.status);
      expectNoSecretServed(r, method);
    }
    const head = await request(`HEAD /?token=${server.token} HTTP/1.1\r\nHost: ${authority()}\r\nConnection: close\r\n\r\n`);
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(head.head).toMatch(/content-length: \d+/i);
    await expectServing();
  });

  it('serves only for the Host this server printed (any case), refusing every other authority', async () => {
    const send = (hostLines: string) => request(`GET /?token=${server.token} HTTP/1.1\r\n${hostLines}Connection: close\r\n\r\n`);
    expect((await send(`Host: ${authority()}\r\n`)).status).toBe(200);
    expect((await send(`Host: localhost:${server.port}\r\n`)).status).toBe(200);
    expect((await send(`Host: LocalHost:${server.port}\r\n`)).status).toBe(200);
    for (const host of ['127.0.0.1', 'localhost', `evil.example:${server.port}`, `127.0.0.1:${server.port}.`, `127.0.0.1:${server.port + 1}`, `127.0.0.1:${server.port}@evil.example`, `evil.example@127.0.0.1:${server.port}`, `[::1]:${server.port}`, `localhost.:${server.port}`, `127.1:${server.port}`, `0x7f000001:${server.port}`, '']) {
      const r = await send(`Host: ${host}\r\n`);
      expect([400, 403], host).toContain(r.status);
      expectNoSecretServed(r, host);
    }
    const http10 = await request(`GET /?token=${server.token} HTTP/1.0\r\n\r\n`);
    expect(http10.status).toBe(403);
    await expectServing();
  });

  it('refuses absolute-form and asterisk-form targets (it is no proxy)', async () => {
    for (const target of [`http://${authority()}/?token=${server.token}`, `http://evil.example/?token=${server.token}`, `https://${authority()}/index.html`, '*', `?token=${server.token}`, `index.html?token=${server.token}`]) {
      const r = await get(target);
      expect([400], target).toContain(r.status);
      expectNoSecretServed(r, target);
    }
    await expectServing();
  });

  it('never serves a file outside the UI folder, however the path escapes', async () => {
    for (const target of ['/../../../../etc/passwd', '/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2f..%2fetc%2fpasswd', '/assets/..%5c..%5c..%5cetc%5cpasswd', '/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd', '/%252e%252e/%252e%252e/etc/passwd', '/assets/app.js%00.html', '/etc/passwd', '//etc/passwd', '/assets/', '/assets', '/%ff', '/%', '/%zz', '/a%2', '/../main/serve/server.ts', '/..%2fmain%2fserve%2fserver.ts']) {
      const r = await get(target);
      expect([400, 403, 404], target).toContain(r.status);
      expectNoSecretServed(r, target);
    }
    await expectServing();
  });

  it('answers over-long request lines and headers with a status, not a crash', async () => {
    expect([400, 414, 431]).toContain((await get(`/?token=${server.token}&pad=${'a'.repeat(100_000)}`)).status);
    expect([400, 431]).toContain((await get('/', `X-Pad: ${'b'.repeat(100_000)}\r\n`)).status);
    expect([400, 431]).toContain((await get('/', Array.from({ length: 3000 }, (_, i) => `X-H${i}: v\r\n`).join(''))).status);
    await expectServing();
  });

  it('answers malformed requests (garbage, NUL, bad versions, bare LF) with 400 or silence, never a crash', async () => {
    const raw = [
      'GARBAGE\r\n\r\n',
      '\u0000\u0001\u0002\r\n\r\n',
      `GET /\u0000 HTTP/1.1\r\nHost: ${authority()}\r\n\r\n`,
      `GET / HTTP/9.9\r\nHost: ${authority()}\r\n\r\n`,
      'GET /\r\n\r\n',
      `GET / HTTP/1.1\nHost: ${authority()}\nConnection: close\n\n`,
      `GET / HTTP/1.1\r\nHost: ${authority()}\r\nContent-Length: -1\r\nConnection: close\r\n\r\n`,
      `GET / HTTP/1.1\r\nHost: ${authority()}\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\nConnection: close\r\n\r\n0\r\n\r\n`,
      `GET / HTTP/1.1\r\nHost: ${authority()}\r\nHost: evil.example\r\nConnection: close\r\n\r\n`,
      `GET / HTTP/1.1\r\nHo st: x\r\nConnection: close\r\n\r\n`,
    ];
    for (const bytes of raw) {
      const r = await request(bytes);
      expect([0, 400, 403, 404, 505], JSON.stringify(bytes)).toContain(r.status);
      expectNoSecretServed(r, bytes);
    }
    await expectServing();
  });

  it('upgrades to a WebSocket only on /api with the token, the right Host and no foreign Origin', async () => {
    const port = server.port;
    const cases: Array<[string, string, number]> = [
      [`/api?token=${server.token}`, authority(), 101],
      [`/%61pi?token=${server.token}`, authority(), 101],
      ['/api', authority(), 403],
      [`/api?token=${'0'.repeat(32)}`, authority(), 403],
      [`/api/?token=${server.token}`, authority(), 404],
      [`//api?token=${server.token}`, authority(), 404],
      [`/./api?token=${server.token}`, authority(), 404],
      [`/API?token=${server.token}`, authority(), 404],
      [`/api?token=${server.token}`, `evil.example:${port}`, 403],
      [`http://${authority()}/api?token=${server.token}`, authority(), 400],
      // 32 characters but 64 bytes: the token comparison used to throw on it (a crash in 'upgrade').
      [`/api?token=${'%C3%A9'.repeat(32)}`, authority(), 403],
    ];
    for (const [target, host, status] of cases) {
      const r = await upgradeRaw(port, target, host);
      expect(r.status, `${target} Host ${host}`).toBe(status);
      r.connection?.destroy();
    }
    await expectServing();
  });

  it(`answers random request targets without dying (SEED=${SEED})`, async () => {
    const random = mulberry32(SEED ^ 0x5eed);
    const alphabet = "/%.?#;=&\\-_~!$'()*+,:@aZ09\u0000\u00e9 \t";
    for (let n = 0; n < 300; n++) {
      const length = 1 + Math.floor(random() * 40);
      let target = '/';
      for (let i = 0; i < length; i++) target += alphabet[Math.floor(random() * alphabet.length)];
      const r = await request(Buffer.from(`GET ${target} HTTP/1.1\r\nHost: ${authority()}\r\nConnection: close\r\n\r\n`, 'utf8'));
      expect([0, 400, 403, 404], JSON.stringify(target)).toContain(r.status);
      expectNoSecretServed(r, target);
    }
    await expectServing();
  });
});
