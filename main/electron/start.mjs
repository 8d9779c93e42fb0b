#!/usr/bin/env node
// `npm start`: opens the desktop app on the demo workspace (or the folder given).
// - With the Electron runtime installed: the Electron app (rebuilt first if a source changed).
// - Without it (it is downloaded by `npm install` where the download host is reachable, and
//   that is not every machine): the same UI, served by the same engine, in an app window of
//   an installed browser — `lvmscope window`, run in this very process from the prebuilt CLI.
//   Closing the window stops everything. With no display it prints the URL instead.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { ROOT, isBuildStale, runBuild } from './buildOutput.mjs';
import { ensureCliBundle, loadCliBundle } from '../cli/bundle.mjs';

/** Path of the Electron executable, or undefined when the runtime is not installed. */
export function findElectronBinary() {
  try {
    const binary = createRequire(import.meta.url)('electron');
    return typeof binary === 'string' && existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

function startElectron(electron, args) {
  try {
    if (isBuildStale(ROOT)) runBuild(ROOT);
  } catch (e) {
    console.error(`lvmscope: ${e.message}`);
    process.exit(1);
  }
  const child = spawn(electron, [ROOT, ...args], { stdio: 'inherit' });
  child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
}

async function startBrowserWindow(args) {
  let cli;
  try {
    await ensureCliBundle();
    cli = loadCliBundle();
  } catch (e) {
    console.error(`lvmscope: ${e.message}`);
    process.exit(1);
  }
  const code = await cli.exports.runCli([process.argv[0], 'lvmscope', 'window', ...args]);
  cli.saveCodeCache();
  process.exit(code);
}

async function main() {
  const args = process.argv.slice(2);
  const electron = process.env.LVMSCOPE_NO_ELECTRON ? undefined : findElectronBinary();
  if (electron) startElectron(electron, args);
  else await startBrowserWindow(args);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
