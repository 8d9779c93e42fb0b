// Proves `serve --replay`'s server in-process (issue 19): the page's URL says replay=1, the
// recording is served at /recording only with the page's token, there is no API socket (no
// engine), and an engine-serving server has no /recording. And proves the host's recording
// files: gzip or not, read back as the same text; a missing file, a folder, damaged gzip and a
// file that is no recording each get a sentence.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { nodeClock } from '../../../main/host';
import { readRecordingText, recordingWriter } from '../../../main/node/recordingFile';
import { startServer, type RunningServer } from '../../../main/serve/server';
import { startReplayMode } from '../../../main/serve/browserMode';

const dir = mkdtempSync(path.join(os.tmpdir(), 'lvmscope-replay-'));
const rendererDir = path.join(dir, 'ui');
mkdirSync(rendererDir);
writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>ui</title>');
const TEXT = '{"format":"lvmscope-recording"}\n{"initial":{}}\n';
let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ rendererDir, recording: { text: TEXT, fileName: 'seed move.lvmrec' }, clock: nodeClock, port: 0 });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function get(urlPath: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, path: urlPath, headers: { host: `127.0.0.1:${server.port}` } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('serve --replay', () => {
  it('serves the recording with the page\'s token only, named, and says replay=1 in the page URL', async () => {
    expect(server.url).toMatch(/\/\?token=[0-9a-f]{32}&replay=1$/);
    expect((await get('/recording')).status).toBe(403);
    expect((await get('/recording?token=nope')).status).toBe(403);
    const ok = await get(`/recording?token=${server.token}`);
    expect(ok.status).toBe(200);
    expect(ok.body).toBe(TEXT);
    expect(decodeURIComponent(String(ok.headers['x-recording-name']))).toBe('seed move.lvmrec');
    expect((await get(`/?token=${server.token}&replay=1`)).status).toBe(200);
  });

  it('has no API socket: there is no engine to talk to', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=${server.token}`);
    const outcome = await new Promise<string>((resolve) => {
      ws.once('open', () => resolve('open'));
      ws.once('error', (e) => resolve(String(e)));
      ws.once('unexpected-response', (_req, res) => resolve(`status ${res.statusCode}`));
    });
    expect(outcome).toBe('status 404');
  });

  it('refuses a file that is no recording before it listens, with the sentence naming the line', async () => {
    const bad = path.join(dir, 'bad.lvmrec');
    writeFileSync(bad, 'hello\n');
    await expect(startReplayMode(bad, { port: 0 })).rejects.toThrow(/^This is not a readable lvmscope recording: line 1 is not JSON/);
  });
});

describe('recording files on the host', () => {
  it('reads plain and gzip-compressed files as the same text, and a streamed file as written', async () => {
    const plain = path.join(dir, 'a.lvmrec');
    const writer = recordingWriter(plain);
    for (const line of TEXT.split(/(?<=\n)/)) writer.write(line);
    await writer.close();
    writeFileSync(path.join(dir, 'a.lvmrec.gz'), gzipSync(TEXT));
    expect(await readRecordingText(plain)).toEqual({ text: TEXT, fileName: 'a.lvmrec' });
    expect((await readRecordingText(path.join(dir, 'a.lvmrec.gz'))).text).toBe(TEXT);
  });

  it('says what is wrong with a missing file, a folder, damaged gzip and bytes that are not text', async () => {
    await expect(readRecordingText(path.join(dir, 'none.lvmrec'))).rejects.toThrow(/^There is no recording at .*none\.lvmrec\.$/);
    await expect(readRecordingText(dir)).rejects.toThrow(/is not a file; give the path of a recording/);
    writeFileSync(path.join(dir, 'cut.gz'), gzipSync(TEXT).subarray(0, 12));
    await expect(readRecordingText(path.join(dir, 'cut.gz'))).rejects.toThrow(/gzip-compressed but cannot be decompressed/);
    writeFileSync(path.join(dir, 'bin.lvmrec'), Buffer.from([0xff, 0xfe, 0xfd]));
    await expect(readRecordingText(path.join(dir, 'bin.lvmrec'))).rejects.toThrow(/not UTF-8 text/);
  });
});
