#!/usr/bin/env node
// lvmscope's `postinstall`: fetch the Electron runtime when it can be had, and never fail
// `npm install` when it cannot. The runtime is a ~100 MB download from a host that some
// machines cannot reach; without it the desktop app opens in an installed browser instead
// (main/electron/start.mjs), so its absence is news, not an error.
//
// How this fits npm's real behaviour:
// - `electron` is an optional dependency. npm versions that run dependencies' install scripts
//   run electron's own download; if it fails, npm removes the optional package instead of
//   failing the whole install (a devDependency would roll everything back).
// - npm 11's allowScripts (package.json) denies electron's script, so those npm versions
//   never run it; this script, the root package's own, always runs and downloads instead.
// - The `electron` package also holds the TypeScript types and the version that the build
//   and electron-builder read. If npm removed it, it is put back without its script.
// `--required` (npm run get-electron): the same, but a failed download exits 1.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './buildOutput.mjs';

const require = createRequire(path.join(ROOT, 'package.json'));
const FALLBACK = '`npm start` opens the UI in an installed Chromium, Chrome or Firefox window instead';

function say(line) {
  console.log(`lvmscope: ${line}`);
}

function electronPackageDir() {
  try {
    return path.dirname(require.resolve('electron/package.json'));
  } catch {
    return undefined;
  }
}

function installedBinary() {
  try {
    const binary = require('electron');
    return typeof binary === 'string' && existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

/** The electron version the lock file pins (what npm would have installed). */
export function lockedElectronVersion(root = ROOT) {
  try {
    const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
    const version = lock.packages?.['node_modules/electron']?.version;
    if (version) return version;
  } catch {
    // No lock file: fall back to the range in package.json.
  }
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  return manifest.optionalDependencies?.electron ?? manifest.devDependencies?.electron ?? 'latest';
}

/** Puts the electron package (types, version, install script) back without running its script. */
function restorePackage() {
  const version = lockedElectronVersion();
  const npm = process.env.npm_execpath;
  const [cmd, args] = npm ? [process.execPath, [npm]] : ['npm', []];
  const r = spawnSync(cmd, [...args, 'install', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', `electron@${version}`], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
  });
  return r.status === 0 && electronPackageDir() !== undefined;
}

/** The first line of what went wrong, without a stack trace: "getaddrinfo ENOTFOUND github.com". */
export function firstReason(output) {
  const lines = String(output ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('at ') && !/^node:|^\^+$|^Node\.js v/.test(l));
  const reason = lines.find((l) => /error|ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|\d{3}/i.test(l)) ?? lines[0] ?? 'no reason given';
  return reason.replace(/^(Error|RequestError|HTTPError):\s*/, '').slice(0, 160);
}

function main() {
  const required = process.argv.includes('--required');
  const fail = (line) => {
    say(line);
    process.exit(required ? 1 : 0);
  };
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD && !required) {
    say(`skipped the Electron runtime (ELECTRON_SKIP_BINARY_DOWNLOAD is set); ${FALLBACK}.`);
    return;
  }
  if (!electronPackageDir() && !restorePackage()) {
    return fail(`the electron package could not be installed, so neither the Electron runtime nor its types are here; ${FALLBACK}. Run \`npm run get-electron\` where the npm registry is reachable.`);
  }
  if (installedBinary()) return;
  const started = Date.now();
  const r = spawnSync(process.execPath, [path.join(electronPackageDir(), 'install.js')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    timeout: 10 * 60_000,
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '' },
  });
  if (r.status === 0 && installedBinary()) {
    say(`installed the Electron runtime (${((Date.now() - started) / 1000).toFixed(0)} s).`);
    return;
  }
  const reason = r.error ? r.error.message : firstReason(`${r.stderr}\n${r.stdout}`);
  fail(`the Electron runtime could not be downloaded (${reason}); everything else is installed, and ${FALLBACK}. To fetch it later: npm run get-electron.`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
