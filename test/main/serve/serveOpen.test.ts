// Regression test for issue 13: `serve --open` used to hand the tokened URL to xdg-open, so the
// token sat on command lines any user can read (/proc/PID/cmdline of xdg-open and the browser).
// A stub `xdg-open`, first on PATH, records its arguments and stays alive until released;
// while it runs, no process on the machine may show the token on its command line. The stub
// received the file:// URL of a private (0600, in a 0700 folder) launch page that redirects
// to the tokened URL, and that page is gone once serve stops.

import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startServeChild, type ServeChild } from './serveChild';

const root = mkdtempSync(path.join(os.tmpdir(), 'lvmscope-open-'));
const bin = path.join(root, 'bin');
const out = path.join(root, 'record');
const workspace = path.join(root, 'workspace');
let server: ServeChild | undefined;

afterAll(async () => {
  // Whatever happened, let the stub opener end.
  if (existsSync(out)) writeFileSync(path.join(out, 'release'), '');
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
});

/** Every command line on the machine that contains `needle` (as "pid: cmdline"). */
function commandLinesContaining(needle: string): string[] {
  const hits: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' ');
    } catch {
      continue; // the process ended meanwhile
    }
    if (cmdline.includes(needle)) hits.push(`${pid}: ${cmdline}`);
  }
  return hits;
}

describe('serve --open', () => {
  it('opens a private launch page and never shows the token on a command line', async () => {
    for (const dir of [bin, out, workspace]) mkdirSync(dir);
    const stub = path.join(bin, 'xdg-open');
    // The stub records its arguments, then waits to be released so that its command line can
    // be inspected while it runs, as a real opener's would be.
    writeFileSync(stub, `#!/bin/sh\nprintf '%s\\n' "$@" > "${out}/argv"\n: > "${out}/started"\nwhile [ ! -e "${out}/release" ]; do sleep 0.05; done\n`);
    chmodSync(stub, 0o755);
    server = await startServeChild(workspace, { args: ['--open'], env: { PATH: `${bin}:${process.env.PATH ?? ''}` } });
    try {
      await expect.poll(() => existsSync(path.join(out, 'started')), { timeout: 30_000 }).toBe(true);
      expect(commandLinesContaining(server.token)).toEqual([]);
      const [fileUrl] = readFileSync(path.join(out, 'argv'), 'utf8').trim().split('\n');
      expect(fileUrl).toMatch(/^file:\/\/\/.*lvmscope-launch\.html$/);
      expect(fileUrl).not.toContain(server.token);
      const page = fileURLToPath(fileUrl);
      expect(statSync(page).mode & 0o777).toBe(0o600);
      expect(statSync(path.dirname(page)).mode & 0o777).toBe(0o700);
      expect(readFileSync(page, 'utf8')).toContain(`content="0;url=${server.url}"`);
      writeFileSync(path.join(out, 'release'), '');
      await server.stop();
      expect(existsSync(path.dirname(page))).toBe(false);
    } finally {
      writeFileSync(path.join(out, 'release'), '');
    }
  });
});
