// The prebuilt CLI: main/cli/index.ts and everything it imports (the engine, commander, zod,
// ws…) bundled by esbuild into one minified CommonJS file, out/cli/lvmscope.cjs, so that
// `lvmscope lvs` starts like a native tool instead of compiling TypeScript on every call
// (tsx took 0.8 s a call). CommonJS rather than an ES module for one reason: Node 20 can
// reuse V8's compiled code for a script (vm.Script cachedData) but not for a module, and
// parsing and compiling the bundle was most of the remaining start-up time.
//
// `npm install` builds it (the package's `prepare` script); the launcher (lvmscope.mjs)
// rebuilds it when a source is newer than the bundle, so a developer who edits the engine
// never runs stale code. Plain ESM so the launcher needs no TypeScript loader.
//
// Run directly (`node main/cli/bundle.mjs`) it builds the bundle and says where it is.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { ROOT, newestMtimeMs } from '../electron/buildOutput.mjs';

export const CLI_BUNDLE = 'out/cli/lvmscope.cjs';
/** V8's compiled code for the bundle, written after the first run (see loadCliBundle). */
export const CLI_CODE_CACHE = 'out/cli/lvmscope.cjs.v8cache';
/** Everything the bundle is made from: the sources it imports and the build settings. */
export const CLI_SOURCES = ['app', 'main', 'package.json'];

/** True when the bundle is missing or a source is newer than it. */
export function isCliBundleStale(root = ROOT) {
  const bundle = path.join(root, CLI_BUNDLE);
  if (!existsSync(bundle)) return true;
  return newestMtimeMs(CLI_SOURCES.map((s) => path.join(root, s))) > statSync(bundle).mtimeMs;
}

/**
 * Builds out/cli/lvmscope.mjs. Writes a private temporary file and renames it into place, so
 * two CLI processes that both find the bundle stale (tests run many at once) never load a
 * half-written file: the rename is atomic, the last writer wins with identical content.
 */
export async function buildCliBundle(root = ROOT) {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    throw new Error(`the prebuilt CLI (${CLI_BUNDLE}) is missing or older than its sources, and esbuild, which rebuilds it, is not installed: run \`npm install\` in ${root}.`);
  }
  const outfile = path.join(root, CLI_BUNDLE);
  const partial = `${outfile}.${process.pid}.tmp`;
  mkdirSync(path.dirname(outfile), { recursive: true });
  try {
    await esbuild.build({
      absWorkingDir: root,
      entryPoints: [path.join(root, 'main/cli/index.ts')],
      outfile: partial,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      minify: true,
      // The sources use import.meta.url to find files beside them (scenarios); in a
      // CommonJS bundle that is the bundle's own URL.
      define: { 'import.meta.url': '__lvmscopeBundleUrl' },
      // ws loads these native speed-ups only if they are installed; they are not.
      external: ['bufferutil', 'utf-8-validate'],
      banner: { js: "const __lvmscopeBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
      logLevel: 'silent',
      legalComments: 'none',
    });
    renameSync(partial, outfile);
  } catch (e) {
    rmSync(partial, { force: true });
    const first = e?.errors?.[0];
    const where = first?.location ? ` (${first.location.file}:${first.location.line})` : '';
    throw new Error(`the CLI could not be built: ${first?.text ?? e?.message ?? e}${where}.`);
  }
  return outfile;
}

/** The bundle's path, rebuilt first when it is stale. */
export async function ensureCliBundle(root = ROOT) {
  if (isCliBundleStale(root)) await buildCliBundle(root);
  return path.join(root, CLI_BUNDLE);
}

/**
 * Loads the bundle as Node would require() it, but through vm.Script so that V8's compiled
 * code can be kept beside it. Returns the module's exports and a function to call once the
 * verb has run: it saves the code cache if there was none (or V8 rejected it because the
 * bundle changed), so that it also holds the functions compiled while running the verb.
 */
export function loadCliBundle(root = ROOT) {
  const file = path.join(root, CLI_BUNDLE);
  const cacheFile = path.join(root, CLI_CODE_CACHE);
  const source = readFileSync(file, 'utf8');
  // V8 checks a code cache against the source's length only, so a rebuilt bundle of the same
  // length would run the old code: the cache starts with a digest of the source it is for.
  const digest = createHash('sha256').update(source).digest();
  let cachedData;
  try {
    const saved = readFileSync(cacheFile);
    if (saved.subarray(0, digest.length).equals(digest)) cachedData = saved.subarray(digest.length);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData, importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, path.dirname(file));
  const saveCodeCache = () => {
    if (cachedData && !script.cachedDataRejected) return;
    try {
      const partial = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(partial, Buffer.concat([digest, script.createCachedData()]));
      renameSync(partial, cacheFile);
    } catch {
      // A read-only install runs without the cache: slower to start, nothing else.
    }
  };
  return { exports: module.exports, saveCodeCache };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const started = Date.now();
    const file = await buildCliBundle();
    console.log(`lvmscope: built the CLI, ${path.relative(ROOT, file)} (${Date.now() - started} ms).`);
  } catch (e) {
    console.error(`lvmscope: ${e.message}`);
    process.exit(1);
  }
}
