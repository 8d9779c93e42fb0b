// The prebuilt CLI bundle on a tiny stand-in package (so the test never races the real
// bundle that other tests run): built from main/cli/index.ts, stale as soon as a source is
// newer, rebuilt by ensureCliBundle before it runs, its V8 code cache written once, and a
// source that does not compile refused with one sentence naming the file.

import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI_BUNDLE, CLI_CODE_CACHE, ensureCliBundle, isCliBundleStale, loadCliBundle } from '../../../main/cli/bundle.mjs';

const root = mkdtempSync(path.join(os.tmpdir(), 'lvmscope-bundle-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function writeSource(text: string, secondsFromNow: number) {
  const file = path.join(root, 'main/cli/index.ts');
  writeFileSync(file, text);
  const when = Date.now() / 1000 + secondsFromNow;
  utimesSync(file, when, when);
}

const cliSaying = (word: string) => `import { hello } from '../../app/hello';\nexport async function runCli(argv: string[]): Promise<number> { return hello('${word}', argv.length); }\n`;

describe('the prebuilt CLI bundle', () => {
  mkdirSync(path.join(root, 'main/cli'), { recursive: true });
  mkdirSync(path.join(root, 'app'), { recursive: true });
  writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'lvmscope' }));
  writeFileSync(path.join(root, 'app/hello.ts'), "export const hello = (word: string, n: number): number => (word === 'one' ? 1 : 2) * 10 + n;\n");

  it('is built when missing, runs, and writes its code cache once', async () => {
    writeSource(cliSaying('one'), -10);
    expect(isCliBundleStale(root)).toBe(true);
    await ensureCliBundle(root);
    expect(isCliBundleStale(root)).toBe(false);
    const cli = loadCliBundle(root);
    expect(await (cli.exports.runCli as (a: string[]) => Promise<number>)(['a', 'b'])).toBe(12);
    expect(existsSync(path.join(root, CLI_CODE_CACHE))).toBe(false);
    cli.saveCodeCache();
    expect(existsSync(path.join(root, CLI_CODE_CACHE))).toBe(true);
  });

  it('is rebuilt before it runs once a source is newer than it', async () => {
    writeSource(cliSaying('two'), +10);
    expect(isCliBundleStale(root)).toBe(true);
    await ensureCliBundle(root);
    const cli = loadCliBundle(root);
    expect(await (cli.exports.runCli as (a: string[]) => Promise<number>)(['a'])).toBe(21);
  });

  it('refuses a source that does not compile with one sentence naming the file, and keeps the last good bundle', async () => {
    writeSource('export async function runCli( {\n', +20);
    await expect(ensureCliBundle(root)).rejects.toThrow(/^the CLI could not be built: .*\(main\/cli\/index\.ts:\d+\)\.$/);
    expect(existsSync(path.join(root, CLI_BUNDLE))).toBe(true);
  });
});
