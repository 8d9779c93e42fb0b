// Proves `lvmscope serve` and the other verbs share a workspace safely: once a browser client
// has opened the workspace (workspace.open over the WebSocket API), a concurrent `lvmscope lvs`
// exits 1 with one sentence naming the holder and changes nothing; when serve is stopped
// (SIGTERM, as a service manager does) it removes its lock, so `lvs` works again at once.

import { existsSync } from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, cliChild, imageDigests, isOneSentence, removeDir, tempDir } from './run';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

function openOverApi(url: string, dir: string): Promise<void> {
  const u = new URL(url);
  const ws = new WebSocket(`ws://${u.host}/api?token=${u.searchParams.get('token')}`, { origin: `http://${u.host}` });
  return new Promise((resolve, reject) => {
    ws.on('open', () => ws.send(JSON.stringify({ kind: 'request', id: 1, method: 'workspace.open', params: { path: dir } })));
    ws.on('message', (m) => {
      const msg = JSON.parse(String(m)) as { kind: string; result?: { ok: boolean } };
      if (msg.kind !== 'response') return;
      ws.close();
      if (msg.result?.ok) resolve();
      else reject(new Error(String(m)));
    });
    ws.on('error', reject);
  });
}

describe('serve and another verb on the same workspace', () => {
  it('refuses the second opener with the holder named, and serve releases the lock when stopped', async () => {
    const dir = tempDir();
    dirs.push(dir);
    expect(cli('demo', dir).status).toBe(0);
    const child = cliChild('serve', dir, '--port', '0');
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('serve printed no URL')), 120_000);
      child.stdout.on('data', () => {
        const m = /serving on (\S+)/.exec(stdout);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
    });
    try {
      await openOverApi(url, dir);
      const before = imageDigests(dir);
      const r = cli('lvs', dir);
      expect(r.status).toBe(1);
      expect(isOneSentence(r.stderr), r.stderr).toBe(true);
      expect(r.stderr).toMatch(/in use by lvmscope serve/);
      expect(imageDigests(dir)).toEqual(before);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    expect(existsSync(path.join(dir, '.lvmscope.lock'))).toBe(false);
    expect(cli('lvs', dir).status).toBe(0);
  }, 180_000);
});
