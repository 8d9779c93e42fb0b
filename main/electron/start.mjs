#!/usr/bin/env node
// `npm start`: launches the desktop app. When the Electron runtime is not installed (it is
// downloaded by electron's postinstall, which ELECTRON_SKIP_BINARY_DOWNLOAD=1 or a machine
// without network skips), print what to do instead of a stack trace, and exit 1.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { ROOT, isBuildStale, runBuild } from './buildOutput.mjs';

/** Path of the Electron executable, or undefined when the runtime is not installed. */
export function findElectronBinary() {
  try {
    const binary = createRequire(import.meta.url)('electron');
    return typeof binary === 'string' && existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

export const MISSING_RUNTIME_MESSAGE = [
  'lvmscope: the Electron runtime is not installed, so the desktop app cannot start.',
  '(node_modules/electron has no binary: it was installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1 or without network.)',
  '',
  'To get it, on a machine with network, either:',
  '  node node_modules/electron/install.js',
  '  or: npm install   (without ELECTRON_SKIP_BINARY_DOWNLOAD set)',
  '',
  'Or use browser mode, which needs no Electron: it serves the same UI on 127.0.0.1:',
  '  npm run serve',
].join('\n');

function main() {
  const electron = findElectronBinary();
  if (!electron) {
    console.error(MISSING_RUNTIME_MESSAGE);
    process.exit(1);
  }
  try {
    if (isBuildStale(ROOT)) runBuild(ROOT);
  } catch (e) {
    console.error(`lvmscope: ${e.message}`);
    process.exit(1);
  }
  const child = spawn(electron, [ROOT, ...process.argv.slice(2)], { stdio: 'inherit' });
  child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
