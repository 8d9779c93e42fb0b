// The postinstall's two pure parts: the one-line reason it prints when the Electron runtime
// cannot be downloaded (never a stack trace), and the version it restores when npm dropped
// the optional electron package. The install itself runs in test/e2e/firstRun.test.ts.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { firstReason, lockedElectronVersion } from '../../../main/electron/installRuntime.mjs';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('firstReason', () => {
  it("keeps the cause of @electron/get's failure and drops its stack trace", () => {
    const output = [
      'RequestError: getaddrinfo ENOTFOUND github.com',
      '    at ClientRequest.<anonymous> (/x/node_modules/got/source/request-as-event-emitter.js:104:28)',
      '    at Object.onceWrapper (node:events:633:26)',
      'Node.js v20.20.2',
    ].join('\n');
    expect(firstReason(output)).toBe('getaddrinfo ENOTFOUND github.com');
  });

  it('says something even when the script printed nothing', () => {
    expect(firstReason('')).toBe('no reason given');
  });

  it('keeps an HTTP status line', () => {
    expect(firstReason('HTTPError: Response code 404 (Not Found) for http://mirror/electron.zip')).toBe('Response code 404 (Not Found) for http://mirror/electron.zip');
  });
});

describe('lockedElectronVersion', () => {
  it('takes the exact version from package-lock.json, else the range in package.json', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lvmscope-lock-'));
    dirs.push(dir);
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'lvmscope', optionalDependencies: { electron: '^41.0.0' } }));
    expect(lockedElectronVersion(dir)).toBe('^41.0.0');
    writeFileSync(path.join(dir, 'package-lock.json'), JSON.stringify({ packages: { 'node_modules/electron': { version: '41.7.1' } } }));
    expect(lockedElectronVersion(dir)).toBe('41.7.1');
  });
});
