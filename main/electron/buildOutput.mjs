// Is out/ (the electron-vite build) missing or older than its sources? `npm start` and
// `lvmscope serve` rebuild before launching so nobody runs a stale UI. Plain ESM so that
// start.mjs can use it without a TypeScript loader.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository (or installed package) root: the nearest folder above this file whose
 * package.json is lvmscope's. Found by walking up rather than by a fixed '../..' because
 * this module also runs from inside the prebuilt CLI bundle (out/cli/), one level deeper.
 */
export function findRoot(start = path.dirname(fileURLToPath(import.meta.url))) {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if (JSON.parse(readFileSync(manifest, 'utf8')).name === 'lvmscope') return dir;
      } catch {
        // A broken package.json above us is not ours; keep walking.
      }
    }
    if (path.dirname(dir) === dir) return path.resolve(start, '../..');
  }
}

export const ROOT = findRoot();

/** Newest modification time (ms) of any file under `paths`; 0 if none exist. */
export function newestMtimeMs(paths) {
  let newest = 0;
  const visit = (p) => {
    if (!existsSync(p)) return;
    const s = statSync(p);
    if (s.isDirectory()) {
      for (const name of readdirSync(p)) if (name !== 'node_modules') visit(path.join(p, name));
    } else newest = Math.max(newest, s.mtimeMs);
  };
  for (const p of paths) visit(p);
  return newest;
}

/** Which sources each part of the build comes from. */
export const BUILD_PARTS = {
  renderer: { output: 'out/renderer/index.html', sources: ['renderer', 'app/api', 'app/base', 'electron.vite.config.ts'] },
  electron: { output: 'out/main/index.js', sources: ['main', 'app', 'electron.vite.config.ts'] },
  preload: { output: 'out/preload/index.cjs', sources: ['main/electron', 'app/api', 'app/base', 'electron.vite.config.ts'] },
};

/** True when one of `parts`' outputs is missing or older than one of its sources. */
export function isBuildStale(root = ROOT, parts = Object.keys(BUILD_PARTS)) {
  return parts.some((part) => {
    const { output, sources } = BUILD_PARTS[part];
    const out = path.join(root, output);
    if (!existsSync(out)) return true;
    return newestMtimeMs(sources.map((s) => path.join(root, s))) > statSync(out).mtimeMs;
  });
}

/** Runs `electron-vite build` with its output on stderr (stdout may be a URL for scripts). */
export function runBuild(root = ROOT) {
  const bin = path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  const r = spawnSync(process.execPath, [bin, 'build'], { cwd: root, stdio: ['ignore', 2, 2] });
  if (r.status !== 0) throw new Error(`The build (electron-vite build) failed with exit code ${r.status}; its output is above.`);
}
