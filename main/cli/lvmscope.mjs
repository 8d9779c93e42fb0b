#!/usr/bin/env node
// The `lvmscope` command (package.json "bin"). The CLI is written in TypeScript and shares
// the engine with the app; tsx compiles it on the fly, so no build step is needed.
// It exits explicitly once the verb is done: a move paused by Ctrl-C leaves its runner
// waiting, and that must not keep the process alive (stdout is synchronous here on Linux).
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('./index.ts');
process.exit(await runCli(process.argv));
