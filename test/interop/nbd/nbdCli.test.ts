// `lvmscope pvmove DIR SRC DST --nbd unix:PATH`: the move's own process exports the LVs while
// it moves them, keeps exporting for --nbd-linger seconds after the move so a client can read
// the LV back, waits for connected clients to leave, and verifies their writes at the end.
// `lvmscope serve DIR --nbd unix:PATH` opens the workspace at once and exports it beside the UI.

import { afterEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { cli, cliChild, imageDigests, isOneSentence, removeDir, tempDir } from '../../main/cli/run';
import { missingTools } from '../../helpers/tools';
import { startServeChild } from '../../main/serve/serveChild';
import { existsSync, statSync } from 'node:fs';

const run = promisify(execFile);
const cleanups: Array<() => unknown> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

/** Resolves with everything the child wrote to stderr once `pattern` appears in it. */
function stderrUntil(child: ReturnType<typeof cliChild>, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    child.stderr.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (pattern.test(text)) resolve(text);
    });
    child.once('exit', () => reject(new Error(`lvmscope exited before printing ${pattern}: ${text}`)));
  });
}

describe.skipIf(missingTools('qemu-io'))('lvmscope pvmove --nbd', () => {
  it('exports vg0/lv0 during the move, serves a read-back during --nbd-linger, and verifies the client’s writes before it exits', async () => {
    const dir = tempDir('lvmscope-nbd-cli-');
    cleanups.push(() => removeDir(dir));
    expect(cli('demo', dir).status).toBe(0);
    const socket = path.join(dir, 'nbd.sock');
    const uri = `nbd+unix:///vg0/lv0?socket=${socket}`;
    const child = cliChild('pvmove', dir, 'pv2', 'pv4', '--rate', '1M', '--nbd', `unix:${socket}`, '--nbd-linger', '30', '--verify');
    cleanups.push(() => child.kill('SIGKILL'));
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(await stderrUntil(child, /NBD on unix:/)).toContain('exports vg0/lv0');
    await run('qemu-io', ['-f', 'raw', '-c', 'write -P 0x5a 7M 256k', uri]);
    await stderrUntil(child, /still exporting for 30 s/);
    const { stdout: readBack } = await run('qemu-io', ['-f', 'raw', '-c', 'read -P 0x5a 7M 256k', uri]);
    expect(readBack).not.toMatch(/fail/i);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stdout).toContain('lv0: 4.00 MiB moved');
    expect(stdout).toMatch(/vg0\/lv0: .*512 last written by NBD clients, checked against the sector hashes in the write journal\): 0 mismatches/);
  });

  it('refuses an NBD address that is not this machine in one sentence, before it moves anything', () => {
    const dir = tempDir('lvmscope-nbd-cli-');
    cleanups.push(() => removeDir(dir));
    expect(cli('demo', dir).status).toBe(0);
    const before = imageDigests(dir);
    const r = cli('pvmove', dir, 'pv2', 'pv4', '--nbd', '0.0.0.0:10809');
    expect(r.status).not.toBe(0);
    expect(isOneSentence(r.stderr)).toBe(true);
    expect(r.stderr).toContain("'0.0.0.0:10809' is not an NBD address lvmscope serves on; use unix:/PATH/TO.sock or 127.0.0.1:PORT (NBD has no authentication, so only this machine may connect).");
    expect(imageDigests(dir)).toEqual(before);
  });
});

describe.skipIf(missingTools('nbdinfo', 'qemu-io'))('lvmscope serve --nbd', () => {
  it('fills an empty demo folder, exports its LVs before printing the URL, and removes the 0600 socket when stopped', async () => {
    const dir = tempDir('lvmscope-nbd-serve-');
    cleanups.push(() => removeDir(dir));
    const socket = path.join(dir, 'nbd.sock');
    const serve = await startServeChild(path.join(dir, 'ws'), { args: ['--demo', '--nbd', `unix:${socket}`] });
    cleanups.push(() => void serve.stop());
    expect(serve.stderr()).toContain(`NBD on unix:${socket} exports vg0/lv0`);
    expect(statSync(socket).mode & 0o777).toBe(0o600);
    const { stdout } = await run('nbdinfo', ['--list', '--json', `nbd+unix:///?socket=${socket}`]);
    expect((JSON.parse(stdout) as { exports: Array<{ 'export-name': string }> }).exports.map((e) => e['export-name'])).toEqual(['vg0/lv0']);
    const { stdout: io } = await run('qemu-io', ['-f', 'raw', '-c', 'write -P 0x42 0 64k', '-c', 'read -P 0x42 0 64k', `nbd+unix:///vg0/lv0?socket=${socket}`]);
    expect(io).not.toMatch(/fail/i);
    await serve.stop();
    expect(existsSync(socket)).toBe(false);
  });
});
