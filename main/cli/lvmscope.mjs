#!/usr/bin/env node
// The `lvmscope` command (package.json "bin", `npm run cli`). It runs the prebuilt bundle
// out/cli/lvmscope.cjs (see bundle.mjs), rebuilding it first if a source changed since.
// It exits explicitly once the verb is done: a move paused by Ctrl-C leaves its runner
// waiting, and that must not keep the process alive (stdout is synchronous here on Linux).
import { ensureCliBundle, loadCliBundle } from './bundle.mjs';

let cli;
try {
  await ensureCliBundle();
  cli = loadCliBundle();
} catch (e) {
  process.stderr.write(`lvmscope: ${e.message}\n`);
  process.exit(1);
}
const code = await cli.exports.runCli(process.argv);
cli.saveCodeCache();
process.exit(code);
